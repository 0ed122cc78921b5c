package regexpmatch

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMatch(t *testing.T) {
	cases := []struct {
		pattern, value string
		want           bool
		err            bool
	}{
		{`[A-Z]{2}\d{4}`, "AB1234", true, false},
		{`[A-Z]{2}\d{4}`, "xAB1234", false, false},
		{`[A-Z]{2}\d{4}`, "AB12345", false, false},
		{`a|b`, "a", true, false},
		{`a|b`, "ab", false, false},
		{`(`, "x", false, true},
	}
	for _, c := range cases {
		t.Run(c.pattern+" "+c.value, func(t *testing.T) {
			got, err := Match(c.pattern, c.value)
			assert.Equal(t, c.err, err != nil)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestMatchConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := Match(`\d+`, "123")
			assert.NoError(t, err)
			assert.True(t, ok)
		}()
	}
	wg.Wait()
}
