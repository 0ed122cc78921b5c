//go:build js && wasm

package views

import (
	"regexp"
	"strings"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/wasm/store"
	"github.com/crumbless/crumbless/wasm/ui"
)

// saved is a file the widget offered for download.
type saved struct {
	name, href string
	blob       js.Value
}

// catchDownloads replaces the click of every <a> with one that records the
// link's download name, URL and the Blob behind it instead of downloading,
// until the test ends.
func catchDownloads(t *testing.T) *[]saved {
	t.Helper()
	files := new([]saved)
	blobs := map[string]js.Value{}
	url := js.Global().Get("URL")
	create := url.Get("createObjectURL")
	stub := js.FuncOf(func(_ js.Value, args []js.Value) any {
		href := create.Call("call", url, args[0])
		blobs[href.String()] = args[0]
		return href
	})
	url.Set("createObjectURL", stub)
	proto := js.Global().Get("HTMLAnchorElement").Get("prototype")
	click := js.FuncOf(func(this js.Value, _ []js.Value) any {
		href := this.Get("href").String()
		*files = append(*files, saved{this.Get("download").String(), href, blobs[href]})
		return nil
	})
	proto.Set("click", click)
	t.Cleanup(func() {
		proto.Delete("click")
		url.Set("createObjectURL", create)
		click.Release()
		stub.Release()
	})
	return files
}

// readJSON parses the content of a saved file.
func readJSON(t *testing.T, f saved) js.Value {
	t.Helper()
	require.Equal(t, js.TypeObject, f.blob.Type(), "the link is a Blob's object URL")
	text, err := ui.Await(f.blob.Call("text"))
	require.NoError(t, err)
	return js.Global().Get("JSON").Call("parse", text)
}

func keysOf(o js.Value) []string {
	var out []string
	ks := js.Global().Get("Object").Call("keys", o)
	for i := 0; i < ks.Length(); i++ {
		out = append(out, ks.Index(i).String())
	}
	return out
}

func TestDownloadMyData(t *testing.T) {
	const token = "cv_test"
	const export = `{"conversation":{"id":7},"messages":[{"body":"Call me about order AB123456"}],"submissions":[{"fields":{"email":"ada@example.com"}}]}`
	cases := []struct {
		name       string
		token      bool // the visitor has a conversation
		memory     bool // the browser refuses storage: the store keeps to memory
		status     int  // the export's answer; 0: no answer at all
		wantCalls  int
		wantServer bool
		wantStatus string
	}{
		{"no conversation", false, false, 200, 0, false, "Your data was downloaded."},
		{"with the server's part", true, false, 200, 1, true, "Your data was downloaded."},
		{"storage blocked", true, true, 200, 1, true, "Your data was downloaded."},
		{"token unknown to the server", true, false, 401, 1, false, "Your data was downloaded."},
		{"server error", true, false, 503, 1, false, "No answer from the server: the file holds this browser's data only."},
		{"offline", true, false, 0, 1, false, "No answer from the server: the file holds this browser's data only."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clearStorage(t)
			local := js.Global().Get("localStorage")
			local.Call("setItem", "shop-cart", `{"v":1,"exp":0,"data":"the page's own"}`)
			local.Call("setItem", "crumbless-undeclared", `{"v":1,"exp":0,"data":"not the widget's"}`)
			t.Cleanup(func() { local.Call("removeItem", "shop-cart"); local.Call("removeItem", "crumbless-undeclared") })
			opts := contentOptions(t)
			opts.Prefix = "crumbless-"
			opts.Chat = newFake()
			opts.API = "https://chat.example/api/v1/"
			opts.Site = "demo"
			st := store.New(opts.Prefix)
			if c.memory {
				st = store.NewWithBackends(opts.Prefix, store.Memory{}, store.Memory{})
			}
			f := mountWith(t, true, opts, st, nil)
			require.True(t, f.p.SetTheme("dark"))
			if c.token {
				require.NoError(t, st.Set("visitor", token))
			}
			require.True(t, f.p.Navigate("privacy"))
			calls := stubAPIBody(t, c.status, export)
			files := catchDownloads(t)

			btn := f.q("button.download")
			require.False(t, btn.IsNull())
			assert.Equal(t, "Download my data", btn.Get("textContent").String(), "the button's name")
			f.click(t, "button.download")
			eventually(t, func() bool { return f.text(".forget [role=status]") == c.wantStatus }, "status "+c.wantStatus)

			var exports []string // the view also asks what the server holds
			for _, call := range *calls {
				if strings.Contains(call, "/export ") {
					exports = append(exports, call)
				}
			}
			require.Len(t, exports, c.wantCalls)
			if c.wantCalls > 0 {
				assert.Equal(t, "GET https://chat.example/api/v1/conversation/export Bearer "+token, exports[0])
			}
			require.Len(t, *files, 1, "one file")
			assert.Regexp(t, regexp.MustCompile(`^crumbless-data-demo-\d{4}-\d{2}-\d{2}\.json$`), (*files)[0].name)
			doc := readJSON(t, (*files)[0])

			// The browser's part: the widget's keys, out of their envelopes.
			browser := doc.Get("browser")
			assert.Equal(t, "dark", browser.Get("localStorage").Get("crumbless-theme").String())
			assert.Equal(t, "privacy", browser.Get("sessionStorage").Get("crumbless-nav").Get("route").String())
			if c.token {
				assert.Equal(t, token, browser.Get("localStorage").Get("crumbless-visitor").String())
			}
			declared := map[string]string{}
			for _, e := range st.Disclosure() {
				declared[e.Key] = e.Area + "Storage"
			}
			for _, area := range []string{"localStorage", "sessionStorage"} {
				for _, k := range keysOf(browser.Get(area)) {
					assert.Equal(t, area, declared[k], "%s is a declared key of the widget, in its area", k)
				}
			}
			assert.Equal(t, c.memory, rawLocal("crumbless-theme").IsNull(), "storage blocked keeps the browser's part in memory")

			// The server's part, as the export gave it, or null.
			server := doc.Get("server")
			if !c.wantServer {
				assert.True(t, server.IsNull(), "no server part")
				return
			}
			assert.Equal(t, "Call me about order AB123456", server.Get("messages").Index(0).Get("body").String())
			assert.Equal(t, "ada@example.com", server.Get("submissions").Index(0).Get("fields").Get("email").String())
		})
	}
}

func TestDownloadRevokesItsURL(t *testing.T) {
	clearStorage(t)
	defer func(ms int) { revokeAfter = ms }(revokeAfter)
	revokeAfter = 300
	url := js.Global().Get("URL")
	revoke := url.Get("revokeObjectURL")
	var revoked []string
	stub := js.FuncOf(func(_ js.Value, args []js.Value) any {
		revoked = append(revoked, args[0].String())
		return revoke.Call("call", url, args[0])
	})
	url.Set("revokeObjectURL", stub)
	t.Cleanup(func() { url.Set("revokeObjectURL", revoke); stub.Release() })

	f := mount(t, true, contentOptions(t))
	require.True(t, f.p.Navigate("privacy"))
	files := catchDownloads(t)
	f.click(t, "button.download")
	eventually(t, func() bool { return len(*files) == 1 }, "the file is offered")
	assert.Regexp(t, regexp.MustCompile(`^crumbless-data-\d{4}-\d{2}-\d{2}\.json$`), (*files)[0].name, "without data-site")
	href := (*files)[0].href
	eventually(t, func() bool { return len(revoked) == 1 }, "the object URL is revoked")
	assert.Equal(t, href, revoked[0])
	_, err := ui.Fetch(href, js.Undefined())
	assert.Error(t, err, "a revoked URL reads nothing")
}
