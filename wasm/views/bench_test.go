//go:build js && wasm

package views

import (
	"strconv"
	"testing"
)

// BenchmarkRenderConversation500 measures rendering a conversation of 500
// messages into the chat view (real DOM, headless Chromium). make bench
// runs it; it is never a test with a time limit.
func BenchmarkRenderConversation500(b *testing.B) {
	msgs := make([]Message, 500)
	for i := range msgs {
		from, author := "visitor", ""
		if i%2 == 1 {
			from, author = "agent", "Ana Lima"
		}
		msgs[i] = Message{ID: strconv.Itoa(i), ClientID: "c" + strconv.Itoa(i), From: from, Author: author,
			Text: "Message number " + strconv.Itoa(i) + " about an order that has not arrived yet.", At: jan1 + int64(i)*60000, State: Sent}
	}
	f := mount(b, true, Options{Chat: newFake(msgs...)})
	for !f.p.chat.loaded {
		waitABit()
	}
	f.p.Navigate("chat")
	v := f.p.current.(*chatView)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v.renderAll()
	}
	b.StopTimer()
	if n := len(f.all(".msg")); n != 500 {
		b.Fatalf("rendered %d messages, want 500", n)
	}
}

// BenchmarkSwitchViews measures navigating between the views once their
// content is loaded: home → answers → article → form → privacy → settings.
func BenchmarkSwitchViews(b *testing.B) {
	f := mount(b, true, contentOptions(b))
	routes := []string{"home", "answers", "answers/shipping", "forms/contact", "privacy", "settings"}
	for _, r := range routes { // load the content once
		f.p.Navigate(r)
	}
	for !f.p.content.answers.loaded || !f.p.content.forms.loaded {
		waitABit()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f.p.Navigate(routes[i%len(routes)])
	}
}
