// Package stablesort sorts short slices stably with a binary insertion sort.
//
// It exists for the widget's wasm: every type the standard library's
// slices.Sort or slices.SortStableFunc is instantiated for links its own
// copy of pdqsort or of the symMerge stable sort, about 28 KB raw (≈ 6 KB
// brotli) for the three sorts the widget had. One small function serves
// them all here.
//
// Func makes O(n log n) comparisons but moves O(n²) elements in the worst
// case (each with one copy, a memmove). That is the right trade for what
// Crumbless sorts — object keys, unknown form fields (at most
// forms.MaxFields), answer search results (one per matching article,
// hundreds at most) — also on the server, where a few hundred elements sort
// in microseconds. Do not use it for lists that can grow to many thousands.
package stablesort

// Func sorts s in place in the order cmp defines (negative: a before b,
// positive: b before a, zero: equal) and keeps equal elements in their
// original order.
func Func[T any](s []T, cmp func(a, b T) int) {
	for i := 1; i < len(s); i++ {
		x := s[i]
		// The first position in the sorted s[:i] whose element sorts after
		// x: inserting there keeps equal elements in order.
		lo, hi := 0, i
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if cmp(x, s[mid]) < 0 {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		if lo < i {
			copy(s[lo+1:i+1], s[lo:i])
			s[lo] = x
		}
	}
}

// Strings sorts s in increasing byte order (as slices.Sort does).
func Strings(s []string) {
	Func(s, func(a, b string) int {
		switch {
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	})
}
