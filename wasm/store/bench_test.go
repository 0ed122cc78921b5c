//go:build js && wasm

package store

import (
	"testing"
)

// benchStore is a store of fixture f's kind with localStorage cleared.
func benchStore(f fixture) *Store {
	localStorage.Call("clear")
	if f.name == "memory" {
		return NewWithBackends("crumbless-", Memory{}, Memory{})
	}
	return New("crumbless-")
}

// Benchmarks print the cost of one Get or Set in the browser (make bench);
// they never fail on time.
func BenchmarkSet(b *testing.B) {
	for _, f := range fixtures {
		b.Run(f.name, func(b *testing.B) {
			s := benchStore(f)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := s.Set("theme", "dark"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkGet(b *testing.B) {
	for _, f := range fixtures {
		b.Run(f.name, func(b *testing.B) {
			s := benchStore(f)
			if err := s.Set("theme", "dark"); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var v string
			for i := 0; i < b.N; i++ {
				if !s.Get("theme", &v) {
					b.Fatal("absent")
				}
			}
		})
	}
}
