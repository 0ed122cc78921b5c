//go:build js && wasm

package conversation

import (
	"errors"
	"strconv"
	"syscall/js"

	"github.com/crumbless/crumbless/internal/shared/decimal"
	"github.com/crumbless/crumbless/wasm/transport"
	"github.com/crumbless/crumbless/wasm/ui"
	"github.com/crumbless/crumbless/wasm/views"
)

// pageSize is how many messages History asks for per request (the API's maximum).
const pageSize = 500

// History returns the messages so far (none before the visitor's first
// message) followed by the ones still waiting in the outbox, and the
// visitor's read cursor; then the leader's stream resumes after the last
// message. A token the server no longer knows is forgotten: the visitor
// starts afresh. When the server cannot be reached it returns the waiting
// messages with the error.
func (r *Remote) History() ([]views.Message, string, error) {
	r.net.Lock()
	defer r.net.Unlock()
	var msgs []views.Message
	var read, after int64
	if r.banned.Load() {
		return nil, "", errBanned
	}
	for r.client.Token() != "" {
		res, err := r.client.Do("GET", "/api/v1/conversation/messages?limit="+strconv.Itoa(pageSize)+"&after="+strconv.FormatInt(after, 10), js.Undefined())
		if err != nil {
			return r.waitingMessages(nil), "", err
		}
		if r.refused(res) {
			return nil, "", errBanned
		}
		if res.Status == 401 || res.Status == 404 {
			r.client.SetToken("")
			r.store.Remove(tokenKey)
			break
		}
		if res.Status != 200 {
			return nil, "", apiError("history", res)
		}
		read = max(read, number(res.Body.Get("conversation"), "read"))
		if after == 0 {
			r.stateChanged(res.Body.Get("conversation"))
		}
		list := res.Body.Get("messages")
		n := list.Length()
		for i := 0; i < n; i++ {
			m, id := message(list.Index(i))
			msgs = append(msgs, m)
			after = max(after, id)
		}
		if n < pageSize {
			break
		}
	}
	msgs = r.waitingMessages(msgs)
	r.mu.Lock()
	r.lastID = max(r.lastID, after)
	r.connect()
	r.mu.Unlock()
	return msgs, id(read), nil
}

// MarkRead moves the visitor's read cursor on the server to message id
// (POST /conversation/read); the server keeps the furthest one and tells
// every stream of the conversation, and so every tab.
func (r *Remote) MarkRead(msgID string) error {
	n, ok := decimal.ParseInt(msgID)
	if !ok || n <= 0 {
		return errors.New("mark read: not a message id: " + msgID)
	}
	if r.client.Token() == "" {
		return errors.New("mark read: no conversation")
	}
	res, err := r.client.Do("POST", "/api/v1/conversation/read", ui.Object("message", n))
	if err != nil {
		return err
	}
	if r.refused(res) {
		return errBanned
	}
	if res.Status != 200 {
		return apiError("mark read", res)
	}
	return nil
}

// stateChanged tells the subscriber the conversation's state from v, an
// object with "state" and "rated".
func (r *Remote) stateChanged(v js.Value) {
	r.mu.Lock()
	fn := r.onState
	r.mu.Unlock()
	if fn != nil {
		fn(stringOf(v, "state") == "resolved", stringOf(v, "rated") != "")
	}
}

// Rate sends the visitor's rating of the resolved conversation
// (POST /conversation/rating).
func (r *Remote) Rate(score, comment string) error {
	if r.client.Token() == "" {
		return errors.New("rate: no conversation")
	}
	res, err := r.client.Do("POST", "/api/v1/conversation/rating", ui.Object("score", score, "comment", comment))
	if err != nil {
		return err
	}
	if r.refused(res) {
		return errBanned
	}
	if res.Status != 200 && res.Status != 201 {
		return apiError("rate", res)
	}
	return nil
}

// start creates the conversation and keeps its token. r.net is held.
func (r *Remote) start() error {
	r.mu.Lock()
	details, invite := r.details, r.Invite
	r.mu.Unlock()
	if invite.Truthy() {
		details.Set("invite", invite)
	}
	res, err := r.client.Do("POST", "/api/v1/conversations", details)
	if err != nil {
		return err
	}
	if r.refused(res) { // a blocked network
		return errBanned
	}
	if res.Status != 201 {
		return apiError("start conversation", res)
	}
	token := res.Body.Get("token")
	if token.Type() != js.TypeString {
		return errors.New("start conversation: no token in the answer")
	}
	r.client.SetToken(token.String())
	r.tabs.Post(msgToken, token)
	if err := r.store.Set(tokenKey, token.String()); err != nil {
		return errors.Join(errors.New("start conversation: keep the token"), err)
	}
	return nil
}

// message converts the API's message JSON and returns its numeric id too.
func message(v js.Value) (views.Message, int64) {
	if v.Type() != js.TypeObject {
		return views.Message{}, 0
	}
	n := number(v, "id")
	m := views.Message{ID: id(n), ClientID: stringOf(v, "clientId"), From: stringOf(v, "author"),
		Author: stringOf(v, "agent"), Text: stringOf(v, "body"), At: number(v, "created")}
	return m, n
}

// id is the views' form of a message id ("" for none).
func id(n int64) string {
	if n <= 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

func stringOf(v js.Value, name string) string {
	if v.Type() == js.TypeObject {
		if f := v.Get(name); f.Type() == js.TypeString {
			return f.String()
		}
	}
	return ""
}

func number(v js.Value, name string) int64 {
	if v.Type() == js.TypeObject {
		if f := v.Get(name); f.Type() == js.TypeNumber {
			return int64(f.Float())
		}
	}
	return 0
}

func apiError(op string, res transport.Response) error {
	msg := op + ": status " + strconv.Itoa(res.Status)
	if code := res.Code(); code != "" {
		msg += " (" + code + ")"
	}
	return errors.New(msg)
}
