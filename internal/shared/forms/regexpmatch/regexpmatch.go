// Package regexpmatch matches form field patterns with Go's regexp (RE2)
// for internal/shared/forms on the server. It is a package of its own so that the
// wasm runtime, which uses the browser's RegExp instead, does not carry
// regexp (+121 KB brotli, measured).
package regexpmatch

import (
	"regexp"
	"sync"
)

// Match reports whether value matches the whole of pattern, like HTML's
// pattern attribute (the pattern is anchored), or an error when the pattern
// does not compile. Compiled patterns are cached; forms are few and fixed.
func Match(pattern, value string) (bool, error) {
	re, err := compile(pattern)
	if err != nil {
		return false, err
	}
	return re.MatchString(value), nil
}

var (
	mu    sync.Mutex
	cache = map[string]*regexp.Regexp{}
)

func compile(p string) (*regexp.Regexp, error) {
	mu.Lock()
	defer mu.Unlock()
	if re, ok := cache[p]; ok {
		return re, nil
	}
	re, err := regexp.Compile(`^(?:` + p + `)$`)
	if err != nil {
		return nil, err
	}
	if len(cache) < 256 {
		cache[p] = re
	}
	return re, nil
}
