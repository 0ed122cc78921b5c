//go:build js && wasm

package conversation

// The messages the conversation passes between the visitor's tabs
// (wasm/tabs: Post and Handle), besides tabs.Lead, which wasm/tabs posts
// when a tab becomes the leader. Only the leader talks to the server; the
// others ask it to, and hear from it what happened.
const (
	// msgToken: the leader started a conversation. Data: its visitor token.
	msgToken = "token"
	// msgEvent: an event of the leader's stream, or a message the leader
	// sent, for the other tabs to handle as their own. Data: [name, data].
	msgEvent = "ev"
	// msgSend: to the leader: send an outbox entry for this tab. Data: the
	// entry ({id, text, at}) with the pre-chat details typed in that tab
	// (details: {name, email}, empty when none) and the invitation it
	// showed (invite: {text, name}, undefined when none).
	msgSend = "send"
	// msgWatch: to the leader: a tab follows the team's presence, so the
	// leader holds a stream that tells it. No data.
	msgWatch = "watch"
	// msgWait: an outbox entry waits for the network. Data: the entry.
	msgWait = "wait"
	// msgFail: the server refused an outbox entry. Data: its client id.
	msgFail = "fail"
)
