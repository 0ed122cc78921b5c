//go:build js && wasm

package views

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSearchRanksTitleHeadingsBodyIgnoringAccents(t *testing.T) {
	clearStorage(t)
	f := mount(t, true, contentOptions(t))
	require.True(t, f.p.Navigate("answers"))
	eventually(t, func() bool { return len(f.all(".results .row")) == 4 }, "all articles listed")
	assert.Equal(t, "4 answers", f.text("#cl-count"))

	cases := []struct {
		query string
		want  []string
	}{
		// title match, then heading match, then body match
		{"shipping", []string{"Shipping times and costs", "Paying for your order", "Returns and refunds"}},
		{"cafe", []string{"Café crème gift boxes"}},
		{"CRÈME", []string{"Café crème gift boxes"}},
		{"selection", []string{"Café crème gift boxes"}},
		{"express delivery", []string{"Shipping times and costs"}},
		{"", []string{"Shipping times and costs", "Returns and refunds", "Paying for your order", "Café crème gift boxes"}},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			f.typeInto(t, "#cl-search", c.query)
			assert.Equal(t, c.want, f.texts(".results .row-title"))
		})
	}

	f.typeInto(t, "#cl-search", "zebra")
	assert.Empty(t, f.all(".results .row"))
	assert.Equal(t, "No answer matches “\u2068zebra\u2069”.", f.text("#cl-count"))
}

func TestHomeSearchEntryFocusesTheSearchBox(t *testing.T) {
	clearStorage(t)
	f := mount(t, true, contentOptions(t))
	eventually(t, func() bool { return len(f.all(".home-list .row")) > 0 }, "home lists articles")
	assert.Equal(t, []string{"Shipping times and costs", "Returns and refunds", "Paying for your order"}, f.texts(".home-list .row-title")[:3])
	f.click(t, ".search-entry")
	assert.Equal(t, "answers", f.p.Route())
	assert.True(t, f.active().Equal(f.q("#cl-search")), "caret in the search box")
}

func TestArticleViewAndStillNeedHelp(t *testing.T) {
	for _, withChat := range []bool{false, true} {
		name := "without chat"
		if withChat {
			name = "with chat"
		}
		t.Run(name, func(t *testing.T) {
			clearStorage(t)
			opts := contentOptions(t)
			if withChat {
				opts.Chat = newFake()
			}
			f := mount(t, true, opts)
			require.True(t, f.p.Navigate("answers/shipping"))
			eventually(t, func() bool { return f.text("#cl-article-h") == "Shipping times and costs" }, "article shown")
			assert.Equal(t, "Shipping times and costs", f.text("#cl-title"))
			assert.Equal(t, "Updated January 1, 2026", f.text(".article .meta"))
			assert.Equal(t, []string{"Standard delivery"}, f.texts(".prose h4"), "a paragraph that is a heading becomes one")
			assert.Equal(t, []string{"Orders leave the warehouse the same day.", "Standard delivery takes 2 to 4 days."}, f.texts(".prose p"))
			assert.Equal(t, "Still need help?", f.text("#cl-still-h"))
			eventually(t, func() bool { return !f.q(`.still [data-go="forms/contact"]`).IsNull() }, "form offered")
			assert.Equal(t, withChat, !f.q(`.still [data-go="chat"]`).IsNull(), "chat offered only with a chat backend")
			f.click(t, `.still [data-go="forms/contact"]`)
			assert.Equal(t, "forms/contact", f.p.Route())
		})
	}
}

func TestMissingArticleAndFailedContent(t *testing.T) {
	clearStorage(t)
	f := mount(t, true, contentOptions(t))
	require.True(t, f.p.Navigate("answers/gone"))
	eventually(t, func() bool { return f.text("#cl-article-h") == "This answer does not exist any more." }, "missing article")

	clearStorage(t)
	g := mount(t, true, Options{AnswersURL: "blob:http://127.0.0.1/missing", FormsURL: blobURL(t, sampleForms)})
	require.True(t, g.p.Navigate("answers"))
	eventually(t, func() bool { return !g.q(".results [role=alert]").IsNull() }, "error shown")
	assert.Equal(t, "The answers could not be loaded.Try again", g.text(".results [role=alert]"))
	assert.False(t, g.q(".results [role=alert] button").IsNull(), "retry offered")
}

// TestPeopleTextIsNeverMarkup sends markup through every place that shows
// text written by people: article titles and bodies, form labels and help,
// agent names and messages.
func TestPeopleTextIsNeverMarkup(t *testing.T) {
	const evil = `<img src=x onerror=alert(1)>`
	clearStorage(t)
	answersJSON := `{"articles":[{"id":"x","title":"` + evil + `","headings":["` + evil + `"],"body":"` + evil + `!","updated":0}]}`
	formsJSON := `{"forms":[{"id":"x","title":"` + evil + `","intro":"` + evil + `","submit":"` + evil + `","success":"","fields":[
	  {"name":"a","label":"` + evil + `","type":"text","required":true,"minLength":0,"maxLength":0,"pattern":"","options":[],"help":"` + evil + `"},
	  {"name":"b","label":"L","type":"select","required":false,"minLength":0,"maxLength":0,"pattern":"","options":["` + evil + `"],"help":""}]}]}`
	conv := newFake(Message{ID: "1", From: "agent", Author: evil, Text: evil, At: 1767225600000})
	f := mount(t, true, Options{AnswersURL: blobURL(t, answersJSON), FormsURL: blobURL(t, formsJSON), Chat: conv})

	require.True(t, f.p.Navigate("answers"))
	eventually(t, func() bool { return f.text(".results .row-title") == evil }, "title as text")
	require.True(t, f.p.Navigate("answers/x"))
	eventually(t, func() bool { return f.text("#cl-article-h") == evil }, "article as text")
	assert.Equal(t, evil+"!", f.text(".prose p"))
	assert.Equal(t, evil, f.text(".toc li"))
	require.True(t, f.p.Navigate("forms/x"))
	eventually(t, func() bool { return !f.q("form").IsNull() }, "form shown")
	assert.Equal(t, evil, f.text("label[for=cl-f-a] span"))
	assert.Equal(t, evil, f.text("#cl-f-a-help"))
	assert.Equal(t, evil, f.text("#cl-f-b option[value]:not([value=''])"))
	require.True(t, f.p.Navigate("chat"))
	eventually(t, func() bool { return f.text(".msg.agent .bubble") == evil }, "message as text")
	assert.Equal(t, evil, f.text(".msg.agent .author"))
	assert.Empty(t, f.all("img"), "no element was created from the text")
}
