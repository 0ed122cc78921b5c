//go:build js && wasm

package views

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/wasm/ui"
)

// serverWithMail answers every API call as a server that sends mail and
// keeps an address for the visitor would (one body fits every call).
const serverWithMail = `{"mail":true,"conversation":{"id":1,"email":"vi@example.org"},"code":"ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-6789","expires":1}`

func TestPrivacyShowsTheAddressAndGivesARestoreCode(t *testing.T) {
	clearStorage(t)
	opts := contentOptions(t)
	opts.Chat = newFake()
	opts.API = "https://chat.example/api/v1/"
	f := mount(t, true, opts)
	require.NoError(t, f.p.store.Set("visitor", "cv_test"))
	calls := stubAPIBody(t, 200, serverWithMail)
	require.True(t, f.p.Navigate("privacy"))
	eventually(t, func() bool { return strings.Contains(f.text(".restore"), "The server keeps vi@example.org") }, "the address the server holds")
	f.click(t, ".restore button")
	eventually(t, func() bool { return strings.Contains(f.text(".restore [role=status]"), "ABCD-EFGH") }, "the code")
	assert.Contains(t, f.text(".restore [role=status]"), "?crumbless-restore=ABCD-EFGH-JKMN", "with its link")
	assert.Contains(t, *calls, "POST https://chat.example/api/v1/conversation/restore-codes Bearer cv_test")
}

func TestChatOffersMailWhenTheServerSendsIt(t *testing.T) {
	for _, mail := range []bool{true, false} {
		t.Run(map[bool]string{true: "mail", false: "no mail"}[mail], func(t *testing.T) {
			clearStorage(t)
			opts := contentOptions(t)
			opts.Chat = newFake()
			opts.API = "https://chat.example/api/v1/"
			f := mount(t, true, opts)
			require.NoError(t, f.p.store.Set("visitor", "cv_test"))
			body := serverWithMail
			if !mail {
				body = `{"mail":false,"conversation":{"id":1}}`
			}
			calls := stubAPIBody(t, 200, body)
			require.True(t, f.p.Navigate("chat"))
			eventually(t, func() bool { return len(*calls) > 0 }, "the question")
			offered := func() bool { return !f.q("details.mailme").IsNull() }
			if !mail {
				ui.Settle() // the answer is in
				assert.False(t, offered(), "no offer without mail")
				return
			}
			eventually(t, offered, "the offer")
			assert.Equal(t, "Email me the replies", f.text("details.mailme summary"))
			input := f.q("details.mailme input")
			assert.Equal(t, "vi@example.org", input.Get("value").String())
			assert.Equal(t, "email", input.Get("type").String())
			input.Set("value", "new@example.org")
			f.q("details.mailme form").Call("requestSubmit")
			eventually(t, func() bool {
				for _, c := range *calls {
					if strings.HasPrefix(c, "POST https://chat.example/api/v1/conversation/email") {
						return true
					}
				}
				return false
			}, "the address sent")
			eventually(t, func() bool {
				return f.text("details.mailme [role=status]") == "Replies you have not seen will be mailed to you."
			}, "saved")
		})
	}
}
