//go:build js && wasm

package views

import (
	"strings"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openForm mounts a panel on the contact form and waits for it.
func openForm(t *testing.T, opts Options) *fixture {
	t.Helper()
	f := mount(t, true, opts)
	require.True(t, f.p.Navigate("forms/contact"))
	eventually(t, func() bool { return !f.q("form").IsNull() }, "form rendered")
	return f
}

func TestEmptySubmitShowsErrorsTiedToFields(t *testing.T) {
	clearStorage(t)
	f := openForm(t, contentOptions(t))
	assert.Equal(t, "Contact us", f.text("#cl-title"))
	f.click(t, "form button[type=submit]")

	summary := f.q(".summary")
	assert.False(t, summary.Get("hidden").Bool())
	assert.Equal(t, "alert", summary.Call("getAttribute", "role").String())
	assert.Equal(t, "5 fields need your attention.", f.text(".summary-h"))
	assert.Equal(t, []string{"Your name", "Email", "Topic", "Message", "I agree"}, f.texts(".summary a"))
	assert.True(t, f.active().Equal(f.q("#cl-f-name")), "focus on the first field with an error")

	for name, want := range map[string]string{
		"name": "Please fill this in.", "email": "Please fill this in.", "topic": "Please fill this in.",
		"message": "Please fill this in.", "consent": "Please tick this box to continue.",
	} {
		input := f.q("#cl-f-" + name)
		assert.Equal(t, "true", input.Call("getAttribute", "aria-invalid").String(), name)
		assert.Contains(t, strings.Fields(input.Call("getAttribute", "aria-describedby").String()), "cl-f-"+name+"-err", name)
		assert.Equal(t, want, f.text("#cl-f-"+name+"-err"), name)
	}
	assert.Equal(t, "cl-f-email-help cl-f-email-err", f.q("#cl-f-email").Call("getAttribute", "aria-describedby").String())
	assert.True(t, f.q("#cl-f-phone").Call("getAttribute", "aria-invalid").IsNull(), "optional and empty is valid")

	f.click(t, ".summary a:nth-child(1)")
}

func TestFieldRules(t *testing.T) {
	clearStorage(t)
	f := openForm(t, contentOptions(t))
	cases := []struct {
		field, value, want string
	}{
		{"name", "A", "Use at least 2 characters."},
		{"name", "Ada", ""},
		{"email", "ada@", "Enter an email address like name@example.com."},
		{"email", "ada@example.com", ""},
		{"phone", "call me", "Enter a phone number using digits, spaces, + ( ) or -."},
		{"phone", "+46 8 123 456", ""},
		{"order", "ab123456", "This does not have the expected format."},
		{"order", "AB123456", ""},
		{"message", "short", "Use at least 10 characters."},
		{"message", "Long enough message", ""},
	}
	for _, c := range cases {
		t.Run(c.field+"="+c.value, func(t *testing.T) {
			f.typeInto(t, "#cl-f-"+c.field, c.value)
			f.q("#cl-f-"+c.field).Call("dispatchEvent", js.Global().Get("Event").New("blur"))
			input := f.q("#cl-f-" + c.field)
			if c.want == "" {
				assert.True(t, input.Call("getAttribute", "aria-invalid").IsNull())
				assert.True(t, f.q("#cl-f-"+c.field+"-err").Get("hidden").Bool())
			} else {
				assert.Equal(t, "true", input.Call("getAttribute", "aria-invalid").String())
				assert.Equal(t, c.want, f.text("#cl-f-"+c.field+"-err"))
			}
		})
	}
	assert.Equal(t, "19 of 2,000 characters", f.text(".field-textarea .counter"))
}

func TestFormDraftSurvivesReload(t *testing.T) {
	clearStorage(t)
	opts := contentOptions(t)
	f := openForm(t, opts)
	f.typeInto(t, "#cl-f-name", "Ada Lovelace")
	f.typeInto(t, "#cl-f-message", "Line one\nline two")
	sel := f.q("#cl-f-topic")
	sel.Set("value", "Return")
	sel.Call("dispatchEvent", js.Global().Get("Event").New("change"))
	f.click(t, "#cl-f-consent")
	assert.Equal(t, "Ada Lovelace", storedData(rawSession("crumbless-draft")).Get("forms").Get("contact").Get("name").String())

	g := mount(t, true, opts) // reload: same tab, same session storage
	assert.Equal(t, "forms/contact", g.p.Route())
	eventually(t, func() bool { return !g.q("form").IsNull() }, "form restored")
	assert.Equal(t, "Ada Lovelace", g.q("#cl-f-name").Get("value").String())
	assert.Equal(t, "Line one\nline two", g.q("#cl-f-message").Get("value").String())
	assert.Equal(t, "Return", g.q("#cl-f-topic").Get("value").String())
	assert.True(t, g.q("#cl-f-consent").Get("checked").Bool())
}

func TestSubmitWithoutBackendSaysSoAndKeepsTheDraft(t *testing.T) {
	clearStorage(t)
	opts := contentOptions(t)
	opts.SubmitURL = "" // this deployment has nowhere to send forms
	f := openForm(t, opts)
	fillValid(t, f)
	f.click(t, "form button[type=submit]")
	assert.Equal(t, "Sending is not possible right now. Nothing you wrote is lost — please try again later.", f.text(".form-status"))
	assert.True(t, f.q(".success").IsNull(), "no success without a backend")
	assert.False(t, rawSession("crumbless-draft").IsNull(), "draft kept")
}

func TestSubmitNetworkFailureKeepsTheDraft(t *testing.T) {
	clearStorage(t)
	opts := contentOptions(t)
	opts.SubmitURL = "http://127.0.0.1:1/api/v1/forms/" // nothing listens on port 1
	f := openForm(t, opts)
	fillValid(t, f)
	f.click(t, "form button[type=submit]")
	eventually(t, func() bool { return strings.Contains(f.q(".form-status").Get("className").String(), "error") }, "failure shown")
	assert.Equal(t, "Your message could not be sent. Nothing you wrote is lost — please try again.", f.text(".form-status"))
	assert.False(t, f.q("form button[type=submit]").Get("disabled").Bool(), "can try again")
	assert.False(t, rawSession("crumbless-draft").IsNull(), "draft kept")
}

// TestSubmitSuccess answers the POST with a stand-in for the server's forms
// endpoint (window.fetch replaced for this test only): the success state
// and the dropped draft are the widget's side of that exchange.
func TestSubmitSuccess(t *testing.T) {
	clearStorage(t)
	var posted js.Value
	var postedURL string
	realFetch := js.Global().Get("fetch")
	stand := js.FuncOf(func(this js.Value, args []js.Value) any {
		postedURL, posted = args[0].String(), args[1]
		return js.Global().Get("Promise").Call("resolve", js.Global().Get("Response").New(`{"id":"s1"}`, map[string]any{"status": 201}))
	})
	js.Global().Set("fetch", stand)
	t.Cleanup(func() { js.Global().Set("fetch", realFetch); stand.Release() })

	opts := contentOptions(t)
	opts.SubmitURL = "/api/v1/forms/"
	f := mount(t, true, opts)
	require.True(t, f.p.Navigate("forms/contact"))
	// content comes from blob URLs: let the real fetch serve them
	js.Global().Set("fetch", realFetch)
	eventually(t, func() bool { return !f.q("form").IsNull() }, "form rendered")
	js.Global().Set("fetch", stand)
	fillValid(t, f)
	f.click(t, "form button[type=submit]")
	eventually(t, func() bool { return !f.q(".success").IsNull() }, "success state")
	assert.Equal(t, "Message sent", f.text(".success h3"))
	assert.Equal(t, "Thank you, we have your message.", f.text(".success p"))
	assert.True(t, f.active().Equal(f.q(".success")), "focus on the confirmation")
	assert.True(t, rawSession("crumbless-draft").IsNull(), "draft dropped once sent")
	body := js.Global().Get("JSON").Call("parse", posted.Get("body"))
	assert.Equal(t, "POST", posted.Get("method").String())
	assert.Equal(t, "Ada", body.Get("fields").Get("name").String(), "values are trimmed")
	assert.Equal(t, "true", body.Get("fields").Get("consent").String())
	assert.NotEmpty(t, body.Get("id").String(), "a client id makes retries idempotent")
	assert.Equal(t, "/api/v1/forms/contact/submissions", postedURL)
}

func fillValid(t *testing.T, f *fixture) {
	t.Helper()
	f.typeInto(t, "#cl-f-name", " Ada ")
	f.typeInto(t, "#cl-f-email", "ada@example.com")
	sel := f.q("#cl-f-topic")
	sel.Set("value", "Order")
	sel.Call("dispatchEvent", js.Global().Get("Event").New("change"))
	f.typeInto(t, "#cl-f-message", "Where is my parcel, please?")
	f.click(t, "#cl-f-consent")
}
