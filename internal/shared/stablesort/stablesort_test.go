package stablesort

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

type item struct {
	key   int
	order int // position before sorting, to check stability
}

func byKey(a, b item) int { return a.key - b.key }

func items(keys ...int) []item {
	out := make([]item, len(keys))
	for i, k := range keys {
		out[i] = item{key: k, order: i}
	}
	return out
}

func TestFunc(t *testing.T) {
	tests := []struct {
		name string
		in   []item
		want []item
	}{
		{"nil", nil, nil},
		{"empty", items(), items()},
		{"one", items(5), items(5)},
		{"sorted", items(1, 2, 3), items(1, 2, 3)},
		{"reversed", items(3, 2, 1), []item{{1, 2}, {2, 1}, {3, 0}}},
		{"all equal keep their order", items(7, 7, 7, 7), items(7, 7, 7, 7)},
		{"equal keys keep their order", items(2, 1, 2, 1, 0),
			[]item{{0, 4}, {1, 1}, {1, 3}, {2, 0}, {2, 2}}},
		{"negative keys", items(0, -3, 4, -3), []item{{-3, 1}, {-3, 3}, {0, 0}, {4, 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := slices.Clone(tt.in)
			Func(got, byKey)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestFuncMatchesSlices sorts random lists, up to a thousand elements with
// many equal keys, and compares with the standard library's stable sort.
func TestFuncMatchesSlices(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{2, 3, 10, 31, 100, 500, 1000} {
		for _, keys := range []int{2, 10, 1 << 30} {
			t.Run(strconv.Itoa(n)+"x"+strconv.Itoa(keys), func(t *testing.T) {
				in := make([]int, n)
				for i := range in {
					in[i] = r.IntN(keys)
				}
				got, want := items(in...), items(in...)
				Func(got, byKey)
				slices.SortStableFunc(want, byKey)
				assert.Equal(t, want, got)
			})
		}
	}
}

func TestStrings(t *testing.T) {
	tests := []struct {
		name     string
		in, want []string
	}{
		{"nil", nil, nil},
		{"one", []string{"b"}, []string{"b"}},
		{"three", []string{"b", "a", "c"}, []string{"a", "b", "c"}},
		{"byte order", []string{"ab", "a", "", "B", "é", "e"}, []string{"", "B", "a", "ab", "e", "é"}},
		{"duplicates", []string{"x", "x", "a"}, []string{"a", "x", "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := slices.Clone(tt.in)
			Strings(got)
			assert.Equal(t, tt.want, got)
		})
	}
}

// BenchmarkFunc sorts 300 answer-sized results in reverse order, the worst
// case for an insertion sort.
func BenchmarkFunc(b *testing.B) {
	type result struct {
		title, body string
		score       int
	}
	in := make([]result, 300)
	for i := range in {
		in[i] = result{title: "t", body: "b", score: i}
	}
	s := make([]result, len(in))
	for b.Loop() {
		copy(s, in)
		Func(s, func(a, b result) int { return b.score - a.score })
	}
}
