package answers

// The search folds text with the small rune classes below instead of the
// unicode package's tables, which cost the widget's wasm about 9 KB brotli.
// They agree with package unicode on the scripts the widget is written for
// and its visitors type — Latin (Basic, Latin-1, Extended-A), Greek,
// Cyrillic, Hebrew, Arabic, the CJK ideographs, kana and Hangul (a test
// checks every rune of those blocks) — and differ only on rare symbols
// elsewhere, the same on the server and in the widget.

// isMark reports a combining mark, as decomposed text carries them.
func isMark(r rune) bool {
	switch {
	case r < 0x300:
		return false
	case r <= 0x36f, 0x483 <= r && r <= 0x487, 0x591 <= r && r <= 0x5bd, r == 0x5bf, r == 0x5c1, r == 0x5c2,
		r == 0x5c4, r == 0x5c5, r == 0x5c7, 0x610 <= r && r <= 0x61a, 0x64b <= r && r <= 0x65f, r == 0x670,
		0x6d6 <= r && r <= 0x6dc, 0x6df <= r && r <= 0x6e4, r == 0x6e7, r == 0x6e8, 0x6ea <= r && r <= 0x6ed,
		0x1ab0 <= r && r <= 0x1abd, 0x1dc0 <= r && r <= 0x1dff, 0x20d0 <= r && r <= 0x20dc, r == 0x20e1,
		0x20e5 <= r && r <= 0x20f0, 0x302a <= r && r <= 0x302d, r == 0x3099, r == 0x309a, 0xfe20 <= r && r <= 0xfe2f:
		return true
	}
	return false
}

// isWord reports a letter or a decimal digit.
func isWord(r rune) bool {
	switch {
	case r < 0x80:
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	case r < 0xc0:
		return r == 0xaa || r == 0xb5 || r == 0xba // ª µ º
	case isMark(r), r == 0xd7 || r == 0xf7, // × ÷
		0x2b9 <= r && r <= 0x2ff && !(0x2c6 <= r && r <= 0x2d1 || 0x2e0 <= r && r <= 0x2e4 || r == 0x2ec || r == 0x2ee), // modifier symbols
		r == 0x375, r == 0x37e, r == 0x384, r == 0x385, r == 0x387, r == 0x3f6, r == 0x482, r == 0x488, r == 0x489, // Greek and Cyrillic signs
		0x55a <= r && r <= 0x55f, r == 0x589, r == 0x58a, 0x58d <= r && r <= 0x58f, // Armenian
		r == 0x5be, r == 0x5c0, r == 0x5c3, r == 0x5c6, r == 0x5f3, r == 0x5f4, // Hebrew punctuation
		0x600 <= r && r <= 0x60f, r == 0x61b, 0x61d <= r && r <= 0x61f, 0x66a <= r && r <= 0x66d, r == 0x6d4,
		r == 0x6dd, r == 0x6de, r == 0x6e9, r == 0x6fd, r == 0x6fe, // Arabic punctuation and signs
		0x2000 <= r && r <= 0x2bff && !(0x2070 <= r && r <= 0x209c || 0x2100 <= r && r <= 0x214f || 0x2c00 <= r), // punctuation, symbols
		0x2e00 <= r && r <= 0x2e7f, 0x3000 <= r && r <= 0x3004, 0x3007 <= r && r <= 0x3030, 0x3036 <= r && r <= 0x303a, r == 0x3030, r == 0x303d,
		r == 0x303e, r == 0x303f, r == 0x309b, r == 0x309c, r == 0x30a0, r == 0x30fb, 0x3190 <= r && r <= 0x319f, 0x31c0 <= r && r <= 0x31ef,
		0x3200 <= r && r <= 0x33ff, 0x4dc0 <= r && r <= 0x4dff, // CJK punctuation and symbols
		0xe000 <= r && r <= 0xf8ff, 0xfd3e <= r && r <= 0xfd4f, 0xfe10 <= r && r <= 0xfe6f, // private use, forms
		0xff00 <= r && r <= 0xff0f, 0xff1a <= r && r <= 0xff20, 0xff3b <= r && r <= 0xff40, 0xff5b <= r && r <= 0xff65,
		0xffe0 <= r && r <= 0xffff, 0x1f000 <= r && r <= 0x1faff: // fullwidth punctuation, specials, emoji
		return false
	}
	return true
}

// toLower maps upper-case letters of Latin, Greek and Cyrillic to lower case.
func toLower(r rune) rune {
	switch {
	case 'A' <= r && r <= 'Z', 0xc0 <= r && r <= 0xde && r != 0xd7, 0x391 <= r && r <= 0x3ab && r != 0x3a2,
		0x410 <= r && r <= 0x42f, 0xff21 <= r && r <= 0xff3a:
		return r + 0x20
	case 0x400 <= r && r <= 0x40f:
		return r + 0x50
	case r == 0x130: // İ
		return 'i'
	case r == 0x178: // Ÿ
		return 0xff
	case r == 0x386:
		return 0x3ac
	case 0x388 <= r && r <= 0x38a:
		return r + 0x25
	case r == 0x38c:
		return 0x3cc
	case r == 0x38e, r == 0x38f:
		return r + 0x3f
	case 0x3fd <= r && r <= 0x3ff:
		return r - 0x82
	case r == 0x37f:
		return 0x3f3
	case r == 0x3cf:
		return 0x3d7
	case r == 0x3f4:
		return 0x3b8
	case r == 0x3f9:
		return 0x3f2
	case r == 0x4c0:
		return 0x4cf
	case 0x100 <= r && r <= 0x137, 0x14a <= r && r <= 0x177, 0x370 <= r && r <= 0x373, r == 0x376, r == 0x3fa, 0x460 <= r && r <= 0x481, 0x48a <= r && r <= 0x4bf,
		0x4d0 <= r && r <= 0x52f, 0x3d8 <= r && r <= 0x3ef:
		if r%2 == 0 {
			return r + 1
		}
	case 0x139 <= r && r <= 0x148, 0x179 <= r && r <= 0x17e, 0x4c1 <= r && r <= 0x4ce, r == 0x3f7:
		if r%2 == 1 {
			return r + 1
		}
	}
	return r
}
