//go:build js && wasm

package store_test

import (
	"fmt"

	"github.com/crumbless/crumbless/wasm/store"
)

// The runtime's life with a store: state waits in memory until the visitor
// acts, then lives in prefixed, enveloped keys; forget wipes it everywhere.
func Example() {
	local, session := store.Memory{}, store.Memory{}
	st := store.Open(store.Options{Prefix: "shop-", Local: local, Session: session})

	_ = st.Set("theme", "dark") // before any interaction: memory only
	fmt.Println(len(local), st.Storage())

	st.Interact() // the visitor clicked: what waited is written
	var theme string
	fmt.Println(st.Get("theme", &theme), theme, len(local), st.Storage())

	local["site-pref"] = "the page's own key"
	st.Forget()
	fmt.Println(len(local), local["site-pref"])
	// Output:
	// 0 memory
	// true dark 1 local
	// 1 the page's own key
}
