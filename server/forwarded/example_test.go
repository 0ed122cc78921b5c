package forwarded_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/crumbless/crumbless/server/forwarded"
)

// A request that nginx on the same host forwarded: the client is the
// address nginx reports, its network for limits and bans the /64.
func ExampleResolver() {
	trusted, err := forwarded.ParseTrusted("127.0.0.1/32")
	if err != nil {
		panic(err)
	}
	res := forwarded.Resolver{Trusted: trusted, PublicOrigin: "https://chat.example"}

	r := httptest.NewRequest("GET", "/api/v1/availability", nil)
	r.RemoteAddr = "127.0.0.1:51000"
	r.Header.Set("X-Forwarded-For", "2001:db8:1:2::17")
	r.Header.Set("X-Forwarded-Proto", "https")
	c := res.Resolve(r)
	fmt.Println(c.Addr, c.Scheme, c.Origin, c.Key())

	r.RemoteAddr = "198.51.100.4:51000" // not a trusted proxy: its headers are its word
	c = res.Resolve(r)
	fmt.Println(c.Addr, c.Scheme, c.Key())
	// Output:
	// 2001:db8:1:2::17 https https://chat.example 2001:db8:1:2::/64
	// 198.51.100.4 http 198.51.100.4/32
}
