//go:build js && wasm

package views

import (
	"errors"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/wasm/ui"
)

// rightsConversation is the fake backend with the rights of access and
// erasure of a server.
type rightsConversation struct {
	*fakeConversation
	erased    int
	eraseErr  error
	exportErr error
}

func (c *rightsConversation) Token() string { return "" }

func (c *rightsConversation) ExportServer() (js.Value, error) {
	if c.exportErr != nil {
		return js.Null(), c.exportErr
	}
	return ui.Object("conversation", ui.Object("id", 7), "messages", js.ValueOf([]any{ui.Object("body", "hello")})), nil
}

func (c *rightsConversation) EraseServer() error {
	if c.eraseErr != nil {
		return c.eraseErr
	}
	c.erased++
	return nil
}

// stubConfirm replaces window.confirm with one that answers yes and
// records the question, until the test ends.
func stubConfirm(t *testing.T, yes bool) *string {
	t.Helper()
	asked := new(string)
	orig := js.Global().Get("confirm")
	fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
		*asked = args[0].String()
		return yes
	})
	js.Global().Set("confirm", fn)
	t.Cleanup(func() { js.Global().Set("confirm", orig); fn.Release() })
	return asked
}

// catchDownloads records the Blobs made into URLs until the test ends.
func catchDownloads(t *testing.T) func() []js.Value {
	t.Helper()
	url := js.Global().Get("URL")
	orig := url.Get("createObjectURL")
	var blobs []js.Value
	fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
		blobs = append(blobs, args[0])
		return orig.Call("call", url, args[0])
	})
	url.Set("createObjectURL", fn)
	t.Cleanup(func() { url.Set("createObjectURL", orig); fn.Release() })
	return func() []js.Value { return blobs }
}

func TestForgetAlsoErasesOnTheServer(t *testing.T) {
	cases := []struct {
		name       string
		tick, yes  bool
		eraseErr   error
		wantErased int
		wantStatus string
		wantKept   bool
	}{
		{"browser only", false, true, nil, 0, "Done. Nothing from this chat is stored in your browser any more.", false},
		{"server too", true, true, nil, 1, "Done. Your conversation is deleted from the server and this browser forgot you.", false},
		{"not confirmed", true, false, nil, 0, "", true},
		{"server fails", true, true, errors.New("offline"), 0, "The server could not delete your conversation; nothing was forgotten. Try again.", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clearStorage(t)
			asked := stubConfirm(t, c.yes)
			conv := &rightsConversation{fakeConversation: newFake(), eraseErr: c.eraseErr}
			opts := contentOptions(t)
			opts.Chat = conv
			f := mount(t, true, opts)
			require.True(t, f.p.SetTheme("dark"))
			require.True(t, f.p.Navigate("privacy"))
			box := f.q(".forget input[type=checkbox]")
			require.False(t, box.IsNull(), "the server option is offered")
			assert.Equal(t, "Also delete my conversation from the server", f.text(".forget label.check"))
			if c.tick {
				f.click(t, ".forget input[type=checkbox]")
			}
			f.click(t, ".forget button")
			if c.tick {
				assert.Contains(t, *asked, "the forms you sent from this chat", "the confirmation says what goes")
			} else {
				assert.Empty(t, *asked, "no confirmation for the browser alone")
			}
			eventually(t, func() bool { return f.text(".forget [role=status]") == c.wantStatus }, "status "+c.wantStatus)
			assert.Equal(t, c.wantErased, conv.erased)
			assert.Equal(t, c.wantKept, !rawLocal("crumbless-theme").IsNull(), "browser keys kept")
		})
	}
}

func TestNoServerOptionWithoutAServer(t *testing.T) {
	clearStorage(t)
	opts := contentOptions(t)
	opts.Chat = newFake() // a backend without the rights: no server part
	f := mount(t, true, opts)
	require.True(t, f.p.Navigate("privacy"))
	assert.True(t, f.q(".forget input[type=checkbox]").IsNull())
	assert.False(t, f.q("button.download").IsNull(), "download is always offered")
}

func TestDownloadMyData(t *testing.T) {
	for _, failing := range []bool{false, true} {
		name := "with the server's part"
		if failing {
			name = "server unreachable"
		}
		t.Run(name, func(t *testing.T) {
			clearStorage(t)
			conv := &rightsConversation{fakeConversation: newFake()}
			if failing {
				conv.exportErr = errors.New("offline")
			}
			opts := contentOptions(t)
			opts.Chat = conv
			f := mount(t, true, opts)
			require.True(t, f.p.SetTheme("dark"))
			require.True(t, f.p.Navigate("privacy"))
			blobs := catchDownloads(t)
			f.click(t, "button.download")
			eventually(t, func() bool { return len(blobs()) == 1 }, "a file is offered")
			blob := blobs()[0]
			assert.Equal(t, "application/json", blob.Get("type").String())
			text, err := ui.Await(blob.Call("text"))
			require.NoError(t, err)
			doc := js.Global().Get("JSON").Call("parse", text)
			theme := doc.Get("browser").Get("crumbless-theme")
			require.Equal(t, js.TypeObject, theme.Type(), text.String())
			assert.Equal(t, "local", theme.Get("area").String())
			assert.Contains(t, theme.Get("stored").String(), `"data":"dark"`)
			assert.Equal(t, js.TypeNumber, doc.Get("exported").Type())
			if failing {
				assert.True(t, doc.Get("server").IsNull())
				eventually(t, func() bool {
					return f.text(".forget [role=status]") == "The server could not be reached: the file holds only your browser's data."
				}, "partial")
				return
			}
			assert.Equal(t, "hello", doc.Get("server").Get("messages").Index(0).Get("body").String())
			eventually(t, func() bool { return f.text(".forget [role=status]") == "Your data was downloaded." }, "downloaded")
		})
	}
}
