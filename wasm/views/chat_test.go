//go:build js && wasm

package views

import (
	"strings"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/wasm/events"
	"github.com/crumbless/crumbless/wasm/store"
)

func TestUnreadAfter(t *testing.T) {
	msgs := []Message{
		{ID: "1", From: "agent"}, {ID: "2", From: "visitor"}, {ID: "3", From: "agent"},
		{ID: "4", From: "agent"}, {ClientID: "c", From: "visitor"},
	}
	cases := []struct {
		lastRead string
		want     int
	}{
		{"", 3}, {"1", 2}, {"2", 2}, {"3", 1}, {"4", 0}, {"unknown", 3},
	}
	for _, c := range cases {
		t.Run("after "+c.lastRead, func(t *testing.T) { assert.Equal(t, c.want, UnreadAfter(msgs, c.lastRead)) })
	}
	assert.Zero(t, UnreadAfter(nil, ""))
}

const jan1 = 1767225600000 // 2026-01-01T00:00:00Z

func TestChatShowsConversationWithDividerAtLastRead(t *testing.T) {
	clearStorage(t)
	sessionSet("crumbless-last-read", `"2"`)
	conv := newFake(
		Message{ID: "1", From: "agent", Author: "Ana Lima", Text: "Hello!", At: jan1},
		Message{ID: "2", From: "visitor", ClientID: "c1", Text: "Hi, where is my order?", At: jan1 + 60000},
		Message{ID: "3", From: "agent", Author: "Ana Lima", Text: "Let me check.", At: jan1 + 120000},
	)
	conv.read = "2" // the backend's cursor
	f := mount(t, false, Options{Chat: conv})
	eventually(t, func() bool { return f.p.Unread() == 1 }, "one unread after the read cursor")
	assert.Equal(t, "1", f.text(".launcher .badge"))
	assert.Equal(t, "Open chat, 1 unread message", f.q(".launcher").Call("getAttribute", "aria-label").String())
	assert.Equal(t, "1 new message", f.text(".home .pill"))

	f.p.Open()
	require.True(t, f.p.Navigate("chat"))
	eventually(t, func() bool { return len(f.all(".msg")) == 3 }, "messages rendered")
	assert.Equal(t, []string{"AL", "AL"}, f.texts(".msg.agent .avatar"))
	assert.Equal(t, []string{"Ana Lima", "Ana Lima"}, f.texts(".msg.agent .author"))
	assert.Equal(t, []string{"Hello!", "Hi, where is my order?", "Let me check."}, f.texts(".bubble"))
	assert.Equal(t, "log", f.q(".log").Call("getAttribute", "role").String())
	assert.Equal(t, "2026-01-01T00:00:00.000Z", f.q(".msg time").Call("getAttribute", "datetime").String())
	assert.NotEmpty(t, f.text(".msg time"))

	// The divider sits before the first agent message after the last read one.
	kids := f.all(".log > *")
	require.Len(t, kids, 4)
	assert.Equal(t, "separator", kids[2].Call("getAttribute", "role").String())
	assert.Equal(t, "New messages", kids[2].Get("textContent").String())

	// Seeing the chat marks everything read, and reports it to the backend.
	assert.Zero(t, f.p.Unread())
	assert.Equal(t, "3", storedData(rawSession("crumbless-last-read")).String())
	assert.Equal(t, float64(0), storedData(rawLocal("crumbless-unread")).Float(), "the other tabs hear 0")
	assert.True(t, f.q(".launcher .badge").Get("hidden").Bool())
	assert.True(t, f.active().Equal(f.q("#cl-composer")), "caret in the composer")
	eventually(t, func() bool { return len(conv.marked) == 1 }, "read cursor reported")
	assert.Equal(t, []string{"3"}, conv.marked)
}

func TestNewAgentMessageIsCountedAndAnnounced(t *testing.T) {
	clearStorage(t)
	conv := newFake()
	f := mount(t, true, Options{Chat: conv})
	eventually(t, func() bool { return f.p.chat.loaded }, "history loaded")
	assert.Equal(t, "The team is online and usually replies in a few minutes.", f.text(".avail"))

	conv.agentSays("a1", "Ben", "We shipped it today.")
	assert.Equal(t, 1, f.p.Unread(), "home view: not read yet")
	assert.Equal(t, "1", f.text(".launcher .badge"))
	assert.False(t, f.q(`.tab[data-route=chat] .dot`).Get("hidden").Bool(), "tab shows a dot")
	assert.Equal(t, "\u2068Ben\u2069 says: \u2068We shipped it today.\u2069", f.text("[aria-live=polite].sr"))

	conv.agentSays("a2", "Ben", "Tracking: 123.")
	assert.Equal(t, "2 new messages", f.text(".home .pill"))
	f.click(t, `.tab[data-route=chat]`)
	assert.Zero(t, f.p.Unread())
	conv.agentSays("a3", "", "Anything else?")
	assert.Zero(t, f.p.Unread(), "a message arriving while the chat is shown is read")
	assert.Equal(t, "\u2068Support\u2069 says: \u2068Anything else?\u2069", f.text("[aria-live=polite].sr"))
	f.p.Close()
	conv.agentSays("a4", "Ben", "Bye")
	assert.Equal(t, 1, f.p.Unread(), "closed panel: unread again")
}

func TestComposerEnterSendsShiftEnterDoesNot(t *testing.T) {
	clearStorage(t)
	conv := newFake()
	f := mount(t, true, Options{Chat: conv})
	require.True(t, f.p.Navigate("chat"))
	eventually(t, func() bool { return f.p.chat.loaded }, "history loaded")

	f.typeInto(t, "#cl-composer", "first line")
	f.key(t, "#cl-composer", "Enter", true)
	assert.Empty(t, f.all(".msg"), "Shift+Enter does not send")
	assert.Equal(t, "first line", storedData(rawSession("crumbless-draft")).Get("chat").String(), "draft kept")

	f.typeInto(t, "#cl-composer", "first line\nsecond line")
	f.key(t, "#cl-composer", "Enter", false)
	require.Len(t, f.all(".msg.visitor"), 1)
	assert.Equal(t, "first line\nsecond line", f.text(".msg.visitor .bubble"))
	assert.Equal(t, "", f.q("#cl-composer").Get("value").String())
	assert.True(t, rawSession("crumbless-draft").IsNull(), "draft cleared when sent")
	eventually(t, func() bool { return f.text(".msg.visitor .msg-state") == "Sent" }, "sent")
	assert.Len(t, conv.sent, 1)

	f.typeInto(t, "#cl-composer", "   ")
	f.key(t, "#cl-composer", "Enter", false)
	assert.Len(t, f.all(".msg.visitor"), 1, "blank text is not sent")
}

func TestComposerShowsTheLimitBeforeItIsHit(t *testing.T) {
	clearStorage(t)
	f := mount(t, true, Options{Chat: newFake()})
	require.True(t, f.p.Navigate("chat"))
	cases := []struct {
		n        int
		counter  string
		disabled bool
	}{
		{10, "", false},
		{4499, "", false},
		{4500, "500 characters left", false},
		{4999, "1 character left", false},
		{5000, "0 characters left", false},
		{5001, "1 character too many", true},
		{5300, "300 characters too many", true},
	}
	for _, c := range cases {
		t.Run(c.counter, func(t *testing.T) {
			f.typeInto(t, "#cl-composer", strings.Repeat("é", c.n))
			assert.Equal(t, c.counter, f.text("#cl-composer-count"))
			assert.Equal(t, c.disabled, f.q("button.send").Get("disabled").Bool())
		})
	}
	f.key(t, "#cl-composer", "Enter", false)
	assert.Empty(t, f.all(".msg.visitor"), "over the limit nothing is sent")
}

func TestFailedMessageCanBeRetriedWithoutDuplicates(t *testing.T) {
	clearStorage(t)
	conv := newFake()
	conv.fail = true
	conv.sendHold = make(chan struct{}) // "Sending…" is checked before the send fails
	f := mount(t, true, Options{Chat: conv})
	require.True(t, f.p.Navigate("chat"))
	eventually(t, func() bool { return f.p.chat.loaded }, "history loaded")
	f.typeInto(t, "#cl-composer", "Are you there?")
	f.key(t, "#cl-composer", "Enter", false)
	assert.Equal(t, "Sending…", f.text(".msg.visitor .msg-state"))
	close(conv.sendHold)
	eventually(t, func() bool { return f.text(".msg.visitor .msg-state") == "Not sent" }, "failed")
	clientID := f.q(".msg.visitor").Call("getAttribute", "data-client-id").String()

	conv.fail = false
	f.click(t, ".msg.visitor .retry")
	eventually(t, func() bool { return f.text(".msg.visitor .msg-state") == "Sent" }, "sent on retry")
	assert.Len(t, f.all(".msg.visitor"), 1, "the retry replaced the failed message")
	assert.Equal(t, []string{clientID}, conv.sent, "same client id on retry")
}

func TestNoChatWithoutBackend(t *testing.T) {
	clearStorage(t)
	f := mount(t, true, contentOptions(t))
	assert.True(t, f.q("[data-go=chat]").IsNull(), "home offers no chat")
	assert.True(t, f.q(".tab[data-route=chat]").IsNull(), "no chat tab")
	assert.False(t, f.p.Navigate("chat"))
	assert.Equal(t, "Find an answer right away, or write to us and we will reply by email.", f.text(".avail"))
}

func sessionSet(key, data string) {
	jsSession().Call("setItem", key, `{"v":1,"exp":0,"data":`+data+`}`)
}

// chatHearingMessages mounts the panel on conv with its chat view shown;
// heard collects the details of its message events.
func chatHearingMessages(t *testing.T, conv *fakeConversation) (f *fixture, heard js.Value) {
	t.Helper()
	hub := events.NewHub()
	hub.Resume()
	heard = js.Global().Get("Array").New()
	hub.On("message", js.Global().Get("Function").New("heard", "return d => heard.push(d)").Invoke(heard))
	f = mountWith(t, true, Options{Chat: conv, Prefix: "crumbless-"}, store.New("crumbless-"), hub)
	require.True(t, f.p.Navigate("chat"))
	eventually(t, func() bool { return f.p.chat.loaded }, "history loaded")
	return f, heard
}

// TestMessageWaitingForNetwork: a message the outbox holds without network
// shows "Waiting for network…" on its row (a state change adds no row),
// then "Sent" once the server has it. Agent messages tell the page's
// listeners whether this tab makes the sound.
func TestMessageWaitingForNetwork(t *testing.T) {
	clearStorage(t)
	conv := newFake()
	conv.sendHold = make(chan struct{})
	f, heard := chatHearingMessages(t, conv)
	f.typeInto(t, "#cl-composer", "On the train")
	f.key(t, "#cl-composer", "Enter", false)
	assert.Equal(t, "Sending…", f.text(".msg.visitor .msg-state"))
	clientID := f.q(".msg.visitor").Call("getAttribute", "data-client-id").String()

	tell := func(m Message) {
		for _, fn := range conv.subs {
			fn(m)
		}
	}
	tell(Message{ClientID: clientID, From: "visitor", State: Waiting})
	assert.Equal(t, "Waiting for network…", f.text(".msg.visitor .msg-state"))
	assert.True(t, f.q(".msg.visitor.waiting").Truthy())
	assert.Equal(t, "On the train", f.text(".msg.visitor .bubble"), "the text stays")
	tell(Message{ClientID: "someone-elses", From: "visitor", State: Waiting})
	assert.Len(t, f.all(".msg"), 1, "a state change adds no row")

	close(conv.sendHold)
	eventually(t, func() bool { return f.text(".msg.visitor .msg-state") == "Sent" }, "sent when the network is back")
	assert.Len(t, f.all(".msg"), 1)

	tell(Message{ID: "a1", From: "agent", Text: "Welcome back", Ring: true})
	tell(Message{ID: "a2", From: "agent", Text: "Heard in another tab"})
	waitABit() // listeners run in a microtask
	var sounds []bool
	for i := 0; i < heard.Length(); i++ {
		if d := heard.Index(i); d.Get("from").String() == "agent" {
			sounds = append(sounds, d.Get("sound").Bool())
		}
	}
	assert.Equal(t, []bool{true, false}, sounds)
}

// TestMessagesKeepTheServersOrder: a message that reaches this tab late (sent
// from another tab before one sent here) goes where the server put it,
// before the messages still on their way.
func TestMessagesKeepTheServersOrder(t *testing.T) {
	clearStorage(t)
	conv := newFake(Message{ID: "4", From: "agent", Text: "Hi"})
	conv.sendHold = make(chan struct{})
	f := mount(t, true, Options{Chat: conv})
	require.True(t, f.p.Navigate("chat"))
	eventually(t, func() bool { return f.p.chat.loaded }, "history loaded")
	f.typeInto(t, "#cl-composer", "Mine, on its way")
	f.key(t, "#cl-composer", "Enter", false)
	tell := func(m Message) {
		for _, fn := range conv.subs {
			fn(m)
		}
	}
	tell(Message{ID: "7", From: "visitor", ClientID: "other-tab", Text: "From the other tab"})
	tell(Message{ID: "6", From: "agent", Text: "Sent before it"})
	var texts []string
	for _, el := range f.all(".msg .bubble") {
		texts = append(texts, el.Get("textContent").String())
	}
	assert.Equal(t, []string{"Hi", "Sent before it", "From the other tab", "Mine, on its way"}, texts)
	close(conv.sendHold)
}

// TestMessagesOnTheirWaySettleInTheServersOrder: this tab's message and
// another tab's, both on their way, show in the order they were written
// here; once the server has numbered both, every tab shows them in the
// server's order, whichever copy comes first.
func TestMessagesOnTheirWaySettleInTheServersOrder(t *testing.T) {
	for _, tc := range []struct {
		name   string
		copies []string // the order in which the server's copies arrive
	}{
		{"the other tab's first", []string{"other", "mine"}},
		{"mine first", []string{"mine", "other"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clearStorage(t)
			conv := newFake(Message{ID: "4", From: "agent", Text: "Hi"})
			conv.sendHold = make(chan struct{})
			defer close(conv.sendHold)
			f := mount(t, true, Options{Chat: conv})
			require.True(t, f.p.Navigate("chat"))
			eventually(t, func() bool { return f.p.chat.loaded }, "history loaded")
			f.typeInto(t, "#cl-composer", "Six")
			f.key(t, "#cl-composer", "Enter", false)
			mine := f.q(".msg.visitor").Call("getAttribute", "data-client-id").String()
			tell := func(m Message) {
				for _, fn := range conv.subs {
					fn(m)
				}
			}
			tell(Message{ClientID: "other", From: "visitor", Text: "Five", State: Sending})
			assert.Equal(t, []string{"Hi", "Six", "Five"}, f.texts(".bubble"), "on their way: as written here")

			copies := map[string]Message{
				"other": {ID: "8", ClientID: "other", From: "visitor", Text: "Five"},
				"mine":  {ID: "9", ClientID: mine, From: "visitor", Text: "Six"},
			}
			for _, c := range tc.copies {
				tell(copies[c])
			}
			assert.Equal(t, []string{"Hi", "Five", "Six"}, f.texts(".bubble"), "in the server's order")
			assert.Len(t, f.all(".msg.visitor.sent"), 2)
			assert.Equal(t, []string{"4", "8", "9"}, []string{f.p.chat.msgs[0].ID, f.p.chat.msgs[1].ID, f.p.chat.msgs[2].ID})
		})
	}
}

// TestSentMessageIsToldOnce: the visitor's own message reaches the page's
// message listeners once it is stored, once, even when the stream brings
// the server's copy again.
func TestSentMessageIsToldOnce(t *testing.T) {
	clearStorage(t)
	conv := newFake()
	f, heard := chatHearingMessages(t, conv)
	f.typeInto(t, "#cl-composer", "Where is my parcel?")
	f.key(t, "#cl-composer", "Enter", false)
	eventually(t, func() bool { return f.text(".msg.visitor .msg-state") == "Sent" }, "sent")
	waitABit() // listeners run in a microtask
	require.Equal(t, 1, heard.Length(), "one message event")
	d := heard.Index(0)
	assert.Equal(t, "visitor", d.Get("from").String())
	assert.Equal(t, "Where is my parcel?", d.Get("text").String())
	assert.Equal(t, f.p.chat.msgs[0].ID, d.Get("id").String())
	assert.NotEmpty(t, d.Get("id").String())
	assert.False(t, d.Get("sound").Bool())

	for _, fn := range conv.subs { // the stream's copy of it
		fn(f.p.chat.msgs[0])
	}
	waitABit()
	assert.Equal(t, 1, heard.Length(), "told once")
}
