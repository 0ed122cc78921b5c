// Package decimal parses base-10 integers such as message ids and
// Retry-After seconds. It exists for the widget's wasm: strconv's parse
// functions return *strconv.NumError, whose Error method quotes its input and
// so links strconv's quoting and printability tables (≈ 4 KB brotli) into
// every visitor's download. Formatting stays with strconv.Itoa.
package decimal

// ParseInt returns the value of s, an optional '-' followed by one or more
// ASCII digits, and whether s was such a number within the int64 range.
func ParseInt(s string) (int64, bool) {
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	if len(s) == 0 {
		return 0, false
	}
	limit := uint64(1<<63 - 1)
	if neg {
		limit++
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (limit-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	if neg {
		return int64(-n), true
	}
	return int64(n), true
}
