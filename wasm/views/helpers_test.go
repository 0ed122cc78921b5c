//go:build js && wasm

package views

import (
	"errors"
	"syscall/js"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/wasm/events"
	"github.com/crumbless/crumbless/wasm/i18n/i18ntest"
	"github.com/crumbless/crumbless/wasm/store"
	"github.com/crumbless/crumbless/wasm/ui"
)

// fixture is a mounted panel with its shadow root.
type fixture struct {
	p    *Panel
	root js.Value
	wrap js.Value
}

// mount builds the frame the loader would have built, in a fresh shadow
// root, and renders a Panel into it with opts. The panel starts shown when
// visible is set, like after the loader's click.
func mount(t testing.TB, visible bool, opts Options) *fixture {
	t.Helper()
	if opts.Prefix == "" {
		opts.Prefix = "crumbless-"
	}
	return mountWith(t, visible, opts, store.New(opts.Prefix), nil)
}

// mountWith is mount over a given store, with an event hub (may be nil).
// Catalogs nil means the catalogs the runtime list gives, at blob: URLs.
func mountWith(t testing.TB, visible bool, opts Options, st *store.Store, hub *events.Hub) *fixture {
	t.Helper()
	if opts.Catalogs == nil {
		opts.Catalogs = i18ntest.URLs()
	}
	host := ui.El("div")
	js.Global().Get("document").Get("body").Call("appendChild", host)
	root := host.Call("attachShadow", map[string]any{"mode": "open"})
	wrapper := ui.El("div", "class", "cl")
	launcher := ui.El("button", "class", "launcher")
	f := Frame{Root: root, Wrapper: wrapper, Launcher: launcher, Panel: js.Undefined(), Events: hub}
	if visible {
		f.Panel = ui.El("div", "class", "panel", "role", "dialog")
		ui.Append(wrapper, f.Panel)
	}
	ui.Append(root, ui.Append(wrapper, launcher))
	p := NewPanel(f, st, opts)
	t.Cleanup(func() { p.Release(); host.Call("remove") })
	return &fixture{p: p, root: root, wrap: wrapper}
}

// clearStorage empties both storage areas, as in a new browser profile.
func clearStorage(t *testing.T) {
	t.Helper()
	js.Global().Get("localStorage").Call("clear")
	js.Global().Get("sessionStorage").Call("clear")
}

func (f *fixture) q(sel string) js.Value { return f.root.Call("querySelector", sel) }

func (f *fixture) all(sel string) []js.Value {
	list := f.root.Call("querySelectorAll", sel)
	out := make([]js.Value, list.Length())
	for i := range out {
		out[i] = list.Index(i)
	}
	return out
}

func (f *fixture) texts(sel string) []string {
	var out []string
	for _, el := range f.all(sel) {
		out = append(out, el.Get("textContent").String())
	}
	return out
}

func (f *fixture) text(sel string) string {
	el := f.q(sel)
	if el.IsNull() {
		return "<no " + sel + ">"
	}
	return el.Get("textContent").String()
}

func (f *fixture) click(t *testing.T, sel string) {
	t.Helper()
	el := f.q(sel)
	require.False(t, el.IsNull(), "no element %s", sel)
	el.Call("click")
}

// typeInto sets the value of a field and fires the event a person's typing fires.
func (f *fixture) typeInto(t *testing.T, sel, value string) {
	t.Helper()
	el := f.q(sel)
	require.False(t, el.IsNull(), "no element %s", sel)
	el.Set("value", value)
	el.Call("dispatchEvent", js.Global().Get("Event").New("input", map[string]any{"bubbles": true}))
}

func (f *fixture) key(t *testing.T, sel, key string, shift bool) {
	t.Helper()
	el := f.q(sel)
	require.False(t, el.IsNull(), "no element %s", sel)
	ev := js.Global().Get("KeyboardEvent").New("keydown", map[string]any{"key": key, "shiftKey": shift, "bubbles": true, "cancelable": true})
	el.Call("dispatchEvent", ev)
}

func (f *fixture) active() js.Value { return f.root.Get("activeElement") }

// eventually polls cond, letting fetches and goroutines run, for up to 5 s.
func eventually(t *testing.T, cond func() bool, msg string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", msg)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// blobURL serves text from memory at a blob: URL, so that content is
// fetched through the browser's real fetch without any server.
func blobURL(t testing.TB, text string) string {
	t.Helper()
	blob := js.Global().Get("Blob").New([]any{text}, map[string]any{"type": "application/json"})
	url := js.Global().Get("URL").Call("createObjectURL", blob).String()
	t.Cleanup(func() { js.Global().Get("URL").Call("revokeObjectURL", url) })
	return url
}

// waitABit lets fetches and goroutines run.
func waitABit() { time.Sleep(5 * time.Millisecond) }

func rawSession(key string) js.Value { return js.Global().Get("sessionStorage").Call("getItem", key) }
func rawLocal(key string) js.Value   { return js.Global().Get("localStorage").Call("getItem", key) }

// storedData returns the data of an envelope in storage (null when absent).
func storedData(raw js.Value) js.Value {
	if raw.IsNull() {
		return js.Null()
	}
	return js.Global().Get("JSON").Call("parse", raw).Get("data")
}

const sampleAnswers = `{"articles":[
 {"id":"shipping","title":"Shipping times and costs","headings":["Standard delivery","Express delivery"],"body":"Orders leave the warehouse the same day.\n\nStandard delivery\n\nStandard delivery takes 2 to 4 days.","updated":1767225600000},
 {"id":"returns","title":"Returns and refunds","headings":["How to return an item"],"body":"You can return any item within 30 days. Shipping back is free.","updated":1767225600000},
 {"id":"payment","title":"Paying for your order","headings":["Shipping costs at checkout"],"body":"We accept cards.","updated":1767225600000},
 {"id":"cafe-creme","title":"Café crème gift boxes","headings":["Sélection du barista"],"body":"Our boxes come with a card.","updated":1767225600000}
]}`

const sampleForms = `{"forms":[
 {"id":"contact","title":"Contact us","intro":"We answer within a day.","submit":"Send","success":"Thank you, we have your message.","fields":[
  {"name":"name","label":"Your name","type":"text","required":true,"minLength":2,"maxLength":100,"pattern":"","options":[],"help":""},
  {"name":"email","label":"Email","type":"email","required":true,"minLength":0,"maxLength":200,"pattern":"","options":[],"help":"Only to answer you."},
  {"name":"topic","label":"Topic","type":"select","required":true,"minLength":0,"maxLength":0,"pattern":"","options":["Order","Return"],"help":""},
  {"name":"phone","label":"Phone","type":"tel","required":false,"minLength":0,"maxLength":30,"pattern":"","options":[],"help":""},
  {"name":"order","label":"Order number","type":"text","required":false,"minLength":0,"maxLength":8,"pattern":"[A-Z]{2}[0-9]{6}","options":[],"help":"Two letters, six digits."},
  {"name":"message","label":"Message","type":"textarea","required":true,"minLength":10,"maxLength":2000,"pattern":"","options":[],"help":""},
  {"name":"consent","label":"I agree","type":"checkbox","required":true,"minLength":0,"maxLength":0,"pattern":"","options":[],"help":""}
 ]}
]}`

// contentOptions serves the sample answers and forms.
func contentOptions(t testing.TB) Options {
	return Options{AnswersURL: blobURL(t, sampleAnswers), FormsURL: blobURL(t, sampleForms)}
}

// fakeConversation is the in-browser chat backend the tests use. The demo
// never uses it: without a real backend the widget offers no chat.
type fakeConversation struct {
	online   bool
	hold     chan struct{} // History waits for it to close, when set
	history  []Message
	read     string        // the backend's read cursor
	marked   []string      // every MarkRead, in order
	fail     bool          // Send fails while set
	sendHold chan struct{} // Send waits for it to close, when set
	sent     []string
	subs     map[int]func(Message)
	reads    map[int]func(string)
	bans     map[int]func()
	states   map[int]func(resolved, rated bool)
	rated    []string // every Rate: score and comment
	typings  map[int]func(string, bool)
	back     int64    // the business hours' next opening, unix ms
	ask      []string // the pre-chat details asked, until a message was sent
	details  []string // the name and email handed over
	contexts []string // the languages of every SendContext, once there is a conversation
	calls    int      // History, Send and MarkRead calls: a banned chat makes none
	restored []string // every Restore's token
	token    string   // the conversation's token, as Restore last made it
	// restoredHistory is the history of the conversation Restore brings,
	// when set.
	restoredHistory []Message
	next            int
	ids             int
}

func newFake(history ...Message) *fakeConversation {
	return &fakeConversation{online: true, history: history, subs: map[int]func(Message){}, reads: map[int]func(string){}, bans: map[int]func(){}, states: map[int]func(bool, bool){}, typings: map[int]func(string, bool){}}
}

func (c *fakeConversation) Online() bool { return c.online }
func (c *fakeConversation) Back() int64  { return c.back }
func (c *fakeConversation) Ask() []string {
	if len(c.sent) > 0 {
		return nil
	}
	return c.ask
}
func (c *fakeConversation) SetDetails(name, email string) { c.details = []string{name, email} }
func (c *fakeConversation) SendContext(lang string) {
	if len(c.sent) > 0 {
		c.contexts = append(c.contexts, lang)
	}
}
func (c *fakeConversation) History() ([]Message, string, error) {
	c.calls++
	if c.hold != nil {
		<-c.hold
	}
	return append([]Message(nil), c.history...), c.read, nil
}

func (c *fakeConversation) Send(clientID, text string) (Message, error) {
	c.calls++
	if c.sendHold != nil {
		<-c.sendHold
	}
	time.Sleep(time.Millisecond) // a network round trip
	if c.fail {
		return Message{}, errors.New("fake: offline")
	}
	c.sent = append(c.sent, clientID)
	c.ids++
	return Message{ID: "v" + string(rune('0'+c.ids)), ClientID: clientID, From: "visitor", Text: text, At: nowMs()}, nil
}

func (c *fakeConversation) Subscribe(s Subscriber) func() {
	id := c.next
	c.next++
	c.subs[id] = s.Message
	c.reads[id] = s.Read
	c.bans[id] = s.Banned
	c.states[id] = s.State
	c.typings[id] = s.Typing
	return func() {
		delete(c.subs, id)
		delete(c.reads, id)
		delete(c.bans, id)
		delete(c.states, id)
		delete(c.typings, id)
	}
}

// ban is the server's refusal of a banned visitor: like the real backend,
// the fake stores the flag and tells every subscriber.
func (c *fakeConversation) ban(st *store.Store) {
	_ = st.Set("banned", true)
	for _, fn := range c.bans {
		fn()
	}
}

// MarkRead records the report and, like the server, tells every subscriber.
func (c *fakeConversation) MarkRead(id string) error {
	c.calls++
	time.Sleep(time.Millisecond) // a network round trip
	c.marked = append(c.marked, id)
	c.read = id
	c.readElsewhere(id)
	return nil
}

// Rate records the rating and, like the server, tells every subscriber
// the resolution is rated.
func (c *fakeConversation) Rate(score, comment string) error {
	c.calls++
	time.Sleep(time.Millisecond) // a network round trip
	c.rated = append(c.rated, score+" "+comment)
	c.setState(true, true)
	return nil
}

// Restore records the token and, like the server, answers History with
// the restored conversation from then on.
func (c *fakeConversation) Restore(token string) bool {
	if token == c.token {
		return false
	}
	c.token = token
	c.restored = append(c.restored, token)
	if c.restoredHistory != nil {
		c.history = c.restoredHistory
	}
	return true
}

// setState is the team changing the conversation's state.
func (c *fakeConversation) setState(resolved, rated bool) {
	for _, fn := range c.states {
		fn(resolved, rated)
	}
}

// readElsewhere moves the cursor as another tab's report would.
func (c *fakeConversation) readElsewhere(id string) {
	for _, fn := range c.reads {
		fn(id)
	}
}

// agentTypes tells every subscriber the agent name is typing (or stopped).
func (c *fakeConversation) agentTypes(name string, typing bool) {
	for _, fn := range c.typings {
		fn(name, typing)
	}
}

// agentSays delivers an agent message to every subscriber.
func (c *fakeConversation) agentSays(id, author, text string) {
	for _, fn := range c.subs {
		fn(Message{ID: id, From: "agent", Author: author, Text: text, At: nowMs()})
	}
}
