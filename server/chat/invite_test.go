package chat

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStartWithInvitation: the invitation a visitor saw comes with the
// conversation's start and is kept as its first message, of the author
// "invite" with the name it showed, before the visitor's own; a bad one is
// refused with 400 and starts nothing.
func TestStartWithInvitation(t *testing.T) {
	cases := []struct {
		name, invite string
		want         int
		field        string
	}{
		{"text and name", `{"text":"Questions about pricing?","name":"Ana Lima"}`, http.StatusCreated, ""},
		{"text only", `{"text":"مرحبا! هل لديك أسئلة؟"}`, http.StatusCreated, ""},
		{"longest text", `{"text":"` + strings.Repeat("é", MaxInviteText) + `"}`, http.StatusCreated, ""},
		{"empty text", `{"text":"","name":"Ana"}`, http.StatusBadRequest, "invite.text"},
		{"blank text", `{"text":"  \n "}`, http.StatusBadRequest, "invite.text"},
		{"text too long", `{"text":"` + strings.Repeat("é", MaxInviteText+1) + `"}`, http.StatusBadRequest, "invite.text"},
		{"control character", `{"text":"hi\u0007"}`, http.StatusBadRequest, "invite.text"},
		{"bidi override", `{"text":"hi \u202e there"}`, http.StatusBadRequest, "invite.text"},
		{"name on two lines", `{"text":"Hi","name":"Ana\nLima"}`, http.StatusBadRequest, "invite.name"},
		{"name too long", `{"text":"Hi","name":"` + strings.Repeat("a", MaxInviteName+1) + `"}`, http.StatusBadRequest, "invite.name"},
		{"wrong type", `{"text":3}`, http.StatusBadRequest, ""},
		{"unknown field", `{"text":"Hi","agent_id":1}`, http.StatusBadRequest, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fx := newFixture(t)
			rec := fx.do(request{method: "POST", path: "/api/v1/conversations", body: `{"site":"demo","invite":` + c.invite + `}`})
			require.Equal(t, c.want, rec.Code, rec.Body.String())
			var n int
			require.NoError(t, fx.store.DB().QueryRow(`SELECT count(*) FROM conversations`).Scan(&n))
			if c.want != http.StatusCreated {
				body := decodeBody(t, rec)
				assert.Equal(t, CodeInvalid, body["code"])
				if c.field != "" {
					assert.Contains(t, body["fields"], c.field)
				}
				assert.Zero(t, n, "a refused start stores nothing")
				require.NoError(t, fx.store.DB().QueryRow(`SELECT count(*) FROM messages`).Scan(&n))
				assert.Zero(t, n)
				return
			}
			assert.Equal(t, 1, n)
			var sent struct{ Text, Name string }
			require.NoError(t, json.Unmarshal([]byte(c.invite), &sent))
			token := decodeBody(t, rec)["token"].(string)

			// Before the visitor's message: the invitation alone, not unread.
			got := visitorMessages(t, fx, token)
			require.Len(t, got, 1)
			assert.Equal(t, "invite", got[0].Author)
			assert.Equal(t, "invite", got[0].ClientID)
			assert.Equal(t, sent.Text, got[0].Body)
			assert.Equal(t, sent.Name, got[0].Agent, "the name it showed")
			conv := fx.do(request{method: "GET", path: "/api/v1/conversation", token: token})
			assert.Zero(t, decodeBody(t, conv)["conversation"].(map[string]any)["unread"], "an invitation is no unread agent message")

			fx.send(token, "m1", "How much is it?")
			got = visitorMessages(t, fx, token)
			require.Len(t, got, 2)
			assert.Equal(t, []string{"invite", "visitor"}, []string{got[0].Author, got[1].Author}, "the invitation first")
			assert.Less(t, got[0].ID, got[1].ID)

			// The agents see it, labelled: its author, no agent.
			session := fx.login()
			rec = fx.do(request{method: "GET", path: "/api/v1/agent/conversations/" + itoa(int(got[0].Conversation)), token: session})
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			assert.Contains(t, rec.Body.String(), `"author":"invite"`)
			var agentID int64
			require.NoError(t, fx.store.DB().QueryRow(`SELECT coalesce(agent_id, 0) FROM messages WHERE author = 'invite'`).Scan(&agentID))
			assert.Zero(t, agentID, "no agent wrote it")

			// The transcript names it for what it is.
			rec = fx.do(request{method: "GET", path: "/api/v1/agent/conversations/" + itoa(int(got[0].Conversation)) + "/export", token: session})
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			assert.Contains(t, rec.Body.String(), sent.Text)
		})
	}
}

// TestStartWithoutInvitation: a start without one stores no message.
func TestStartWithoutInvitation(t *testing.T) {
	fx := newFixture(t)
	token, _ := fx.start()
	assert.Empty(t, visitorMessages(t, fx, token))
}

// TestTranscriptLabelsInvitation: the plain-text transcript calls the
// invitation what it is, not an agent's message.
func TestTranscriptLabelsInvitation(t *testing.T) {
	fx := newFixture(t)
	rec := fx.do(request{method: "POST", path: "/api/v1/conversations", body: `{"invite":{"text":"Can I help?","name":"Ana Lima"}}`})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	token := decodeBody(t, rec)["token"].(string)
	id := fx.send(token, "m1", "Yes")
	_ = id
	msgs := visitorMessages(t, fx, token)
	e, err := fx.store.ExportConversation(t.Context(), msgs[0].Conversation)
	require.NoError(t, err)
	text := TranscriptText(e)
	assert.Contains(t, text, "Invitation shown (as Ana Lima)")
	assert.NotContains(t, text, "Agent Ana Lima")
}

type visitorMessage struct {
	ID           int64  `json:"id"`
	Conversation int64  `json:"conversation"`
	ClientID     string `json:"clientId"`
	Author       string `json:"author"`
	Agent        string `json:"agent"`
	Body         string `json:"body"`
}

// visitorMessages lists the conversation's messages as its visitor does.
func visitorMessages(t *testing.T, fx *fixture, token string) []visitorMessage {
	t.Helper()
	rec := fx.do(request{method: "GET", path: "/api/v1/conversation/messages", token: token})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var res struct {
		Messages []visitorMessage `json:"messages"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &res))
	return res.Messages
}
