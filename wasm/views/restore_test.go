//go:build js && wasm

package views

import (
	"strings"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/wasm/store"
	"github.com/crumbless/crumbless/wasm/ui"
)

// restores keeps the POST restore calls of calls.
func restores(calls []string) []string {
	var out []string
	for _, c := range calls {
		if strings.HasPrefix(c, "POST https://chat.example/api/v1/restore ") {
			out = append(out, c)
		}
	}
	return out
}

// privacyWithCode mounts a panel with a chat backend on the Privacy view;
// token, when set, is the conversation this browser has.
func privacyWithCode(t *testing.T, token string) (*fixture, *fakeConversation) {
	t.Helper()
	clearStorage(t)
	opts := contentOptions(t)
	conv := newFake(Message{ID: "1", From: "visitor", Text: "the old one", At: 1})
	opts.Chat = conv
	opts.API = "https://chat.example/api/v1/"
	f := mount(t, true, opts)
	if token != "" {
		require.NoError(t, f.p.store.Set("visitor", token))
	}
	return f, conv
}

func TestTypingARestoreCodeThatDoesNotWork(t *testing.T) {
	cases := []struct {
		name   string
		typed  string
		status int // the server's answer; 0: not asked
		want   string
	}{
		{"empty", "  ", 0, "Type the code you wrote down."},
		{"wrong, expired or used", "abcd efgh", 401, "That code does not work: mistyped, expired or used already. Check it, or write to us in the chat."},
		{"too many tries", "ABCD-EFGH", 429, "Too many tries. Wait a few minutes, then try again."},
		{"server unreachable", "ABCD-EFGH", 503, "The chat is not available right now."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, conv := privacyWithCode(t, "")
			calls := stubAPIBody(t, max(tc.status, 401), `{"error":"That code does not work.","code":"unauthorized"}`)
			require.True(t, f.p.Navigate("privacy"))
			input := f.q("form.restore input")
			assert.Equal(t, "Have a restore code?", f.text(`form.restore label[for=cl-code]`), "the field is labelled")
			assert.Equal(t, "cl-code-msg", input.Call("getAttribute", "aria-describedby").String())
			assert.Equal(t, "auto", input.Call("getAttribute", "dir").String())
			f.typeInto(t, "form.restore input", tc.typed)
			f.q("form.restore").Call("requestSubmit")
			eventually(t, func() bool { return f.text("#cl-code-msg") == tc.want }, "the message: "+tc.want)
			msg := f.q("#cl-code-msg")
			assert.Equal(t, "alert", msg.Call("getAttribute", "role").String())
			assert.Equal(t, "form-status error", msg.Get("className").String())
			assert.Equal(t, "true", input.Call("getAttribute", "aria-invalid").String())
			assert.Equal(t, tc.typed, input.Get("value").String(), "the field keeps what was typed")
			assert.Equal(t, "privacy", f.p.Route())
			assert.Empty(t, conv.restored)
			if tc.status == 0 {
				assert.Empty(t, restores(*calls), "an empty field asks the server nothing")
			} else {
				assert.Len(t, restores(*calls), 1)
			}
		})
	}
}

func TestTypingARestoreCodeBringsTheConversation(t *testing.T) {
	for _, had := range []bool{false, true} {
		t.Run(map[bool]string{false: "a browser without a conversation", true: "replacing this browser's conversation"}[had], func(t *testing.T) {
			token := ""
			if had {
				token = "cv_old"
			}
			f, conv := privacyWithCode(t, token)
			conv.restoredHistory = []Message{
				{ID: "7", From: "visitor", Text: "Where is my parcel?", At: 1},
				{ID: "8", From: "agent", Author: "Ana", Text: "It left today.", At: 2},
			}
			calls := stubAPIBody(t, 200, `{"token":"cv_new","conversation":{"id":3}}`)
			require.True(t, f.p.Navigate("privacy"))
			f.typeInto(t, "form.restore input", "abcd-efgh-jkmn")
			f.q("form.restore").Call("requestSubmit")
			if had {
				// The confirm step: said in the view, nothing asked yet.
				eventually(t, func() bool {
					return f.text("#cl-code-msg") == "This browser already has a conversation: the restored one replaces it here."
				}, "what happens to this browser's conversation")
				assert.Equal(t, "Replace it and restore", f.text("form.restore button"))
				ui.Settle()
				assert.Empty(t, restores(*calls), "nothing replaced before the second press")
				assert.Equal(t, "privacy", f.p.Route())
				var kept string
				require.True(t, f.p.store.Get("visitor", &kept))
				assert.Equal(t, "cv_old", kept)
				f.q("form.restore").Call("requestSubmit")
			}
			eventually(t, func() bool { return f.p.Route() == "chat" }, "the chat")
			eventually(t, func() bool { return len(f.all(".log .msg")) == 2 }, "the restored conversation")
			assert.Equal(t, []string{"Where is my parcel?", "It left today."}, f.texts(".log .bubble"), "the old conversation is gone")
			assert.Equal(t, []string{"cv_new"}, conv.restored)
			var stored string
			require.True(t, f.p.store.Get("visitor", &stored))
			assert.Equal(t, "cv_new", stored)
			assert.Equal(t, []string{"POST https://chat.example/api/v1/restore <undefined>"}, restores(*calls), "the code is sent without a token")
		})
	}
}

func TestAContinueLinkThatDoesNotWork(t *testing.T) {
	cases := []struct {
		name   string
		status int
		want   string
	}{
		{"expired or used", 401, "This link has expired or was already used. Write to us here, or type a restore code in Privacy."},
		{"too many tries", 429, "Too many tries. Wait a few minutes, then try again."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clearStorage(t)
			here := js.Global().Get("location").Get("href").String()
			hist := js.Global().Get("history")
			hist.Call("replaceState", nil, "", "?page=1&"+restoreParam+"=ABCD-EFGH#top")
			t.Cleanup(func() { hist.Call("replaceState", nil, "", here) })
			calls := stubAPIBody(t, tc.status, `{"error":"x","code":"x"}`)
			st := store.New("crumbless-")
			require.NoError(t, st.Set("visitor", "cv_mine"))
			linked, err := RestoreFromLink("https://chat.example/api/v1/", st)
			assert.True(t, linked)
			require.Error(t, err)
			assert.Len(t, restores(*calls), 1)
			loc := js.Global().Get("location")
			assert.Equal(t, "?page=1", loc.Get("search").String(), "the code leaves the address bar")
			assert.Equal(t, "#top", loc.Get("hash").String())
			var kept string
			require.True(t, st.Get("visitor", &kept))
			assert.Equal(t, "cv_mine", kept, "the token this browser had stays")

			opts := contentOptions(t)
			opts.Chat = newFake()
			opts.API = "https://chat.example/api/v1/"
			opts.FromLink, opts.LinkErr = linked, err
			f := mountWith(t, true, opts, st, nil)
			assert.Equal(t, "chat", f.p.Route(), "a continue link opens the chat")
			eventually(t, func() bool { return f.text(".log [role=alert] p") == tc.want }, "the message: "+tc.want)

			// Once the visitor writes, as the message says they can, it goes.
			f.typeInto(t, "#cl-composer", "Hello")
			f.q(".composer").Call("requestSubmit")
			eventually(t, func() bool { return len(f.all(".log .msg")) == 1 }, "the message sent")
			assert.True(t, f.q(".log [role=alert]").IsNull())
			f.p.Navigate("home")
			f.p.Navigate("chat")
			eventually(t, func() bool { return len(f.all(".log .msg")) == 1 }, "the chat again")
			assert.True(t, f.q(".log [role=alert]").IsNull(), "and stays gone")
		})
	}
}

func TestWithoutAContinueLinkNothingIsAsked(t *testing.T) {
	calls := stubAPI(t, 401)
	linked, err := RestoreFromLink("https://chat.example/api/v1/", store.New("crumbless-"))
	assert.False(t, linked)
	assert.NoError(t, err)
	assert.Empty(t, *calls)
}

// TestARestoreInAnotherTab: a tab showing a conversation follows the one
// another tab restored (the storage event on "visitor"): the old one goes.
func TestARestoreInAnotherTab(t *testing.T) {
	clearStorage(t)
	conv := newFake(Message{ID: "1", From: "visitor", Text: "the old one", At: 1})
	conv.restoredHistory = []Message{{ID: "7", From: "visitor", Text: "Where is my parcel?", At: 1}}
	st := store.New("crumbless-")
	st.Sync()
	t.Cleanup(st.Release)
	require.NoError(t, st.Set("visitor", "cv_old"))
	conv.token = "cv_old"
	f := mountWith(t, true, Options{Chat: conv}, st, nil)
	f.p.Navigate("chat")
	eventually(t, func() bool { return len(f.all(".log .msg")) == 1 }, "the old conversation")
	other := func(token string) { // another tab stores token
		text := `{"v":1,"exp":0,"data":"` + token + `"}`
		js.Global().Get("localStorage").Call("setItem", "crumbless-visitor", text)
		js.Global().Call("dispatchEvent", js.Global().Get("StorageEvent").New("storage", map[string]any{
			"key": "crumbless-visitor", "newValue": text, "storageArea": js.Global().Get("localStorage")}))
	}

	other("cv_old") // sending there renews the token
	ui.Settle()
	assert.Equal(t, "the old one", f.text(".log .bubble"), "the same token changes nothing")
	assert.Empty(t, conv.restored)

	other("cv_new")
	eventually(t, func() bool { return f.text(".log .bubble") == "Where is my parcel?" }, "the restored conversation")
	assert.Len(t, f.all(".log .msg"), 1, "the old one is gone")
	assert.Equal(t, []string{"cv_new"}, conv.restored)
}
