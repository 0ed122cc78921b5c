// Package stats holds the small summaries the benches print.
package stats

import "slices"

// Median returns the middle of v (the mean of the two middle values when
// len(v) is even), or 0 for no values. v is left as it is.
func Median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
