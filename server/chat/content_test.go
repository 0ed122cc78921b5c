package chat

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/static/content"
)

func validContact(id string) string {
	return `{"id":"` + id + `","fields":{"name":"Ana","email":"ana@example.com","topic":"Order","message":"Where is my parcel?","consent":"true"}}`
}

func TestAnswersSearch(t *testing.T) {
	fx := newFixture(t)
	cases := []struct {
		name, q string
		want    int
		first   string
	}{
		{"accent-insensitive", "cafe creme", 200, "cafe-creme"},
		{"title beats body", "shipping", 200, "shipping"},
		{"upper case", "REFUNDS", 200, "returns"},
		{"no match", "giraffe", 200, ""},
		{"no query lists all", "", 200, "shipping"},
		{"too long", strings.Repeat("a", 801), 400, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := fx.do(request{method: "GET", path: "/api/v1/answers?q=" + url.QueryEscape(c.q)})
			require.Equal(t, c.want, rec.Code, rec.Body.String())
			if c.want != 200 {
				return
			}
			results := decodeBody(t, rec)["results"].([]any)
			if c.first == "" {
				assert.Empty(t, results)
				return
			}
			require.NotEmpty(t, results)
			assert.Equal(t, c.first, results[0].(map[string]any)["id"])
		})
	}
	// The API ranks exactly like internal/shared/answers (the widget's search).
	rec := fx.do(request{method: "GET", path: "/api/v1/answers?q=delivery"})
	var ids []string
	for _, r := range decodeBody(t, rec)["results"].([]any) {
		ids = append(ids, r.(map[string]any)["id"].(string))
	}
	var want []string
	for _, r := range fx.srv.content.answersIn("en").Search("delivery") {
		want = append(want, r.Article.ID)
	}
	assert.Equal(t, want, ids)
}

// TestContentInLanguages: ?lang= picks the translation, a language the
// content lacks gets the default one, each item says which it is in, and
// searches run in the language asked for.
func TestContentInLanguages(t *testing.T) {
	fx := newFixture(t)
	get := func(path string) (int, map[string]any) {
		rec := fx.do(request{method: "GET", path: path})
		if rec.Code != 200 {
			return rec.Code, nil
		}
		return rec.Code, decodeBody(t, rec)
	}
	cases := []struct {
		name, path string
		want       int
		check      func(t *testing.T, body map[string]any)
	}{
		{"Swedish search", "/api/v1/answers?lang=sv&q=" + url.QueryEscape("återbetalning"), 200, func(t *testing.T, body map[string]any) {
			first := body["results"].([]any)[0].(map[string]any)
			assert.Equal(t, "returns", first["id"])
			assert.Equal(t, "Returer och återbetalningar", first["title"])
			assert.Equal(t, "sv", first["lang"])
		}},
		{"Arabic search without hamza", "/api/v1/answers?lang=ar&q=" + url.QueryEscape("الارجاع"), 200, func(t *testing.T, body map[string]any) {
			first := body["results"].([]any)[0].(map[string]any)
			assert.Equal(t, "returns", first["id"])
			assert.Equal(t, "ar", first["lang"])
		}},
		{"untranslated article in English", "/api/v1/answers/cafe-creme?lang=ar", 200, func(t *testing.T, body map[string]any) {
			a := body["article"].(map[string]any)
			assert.Equal(t, "Café crème gift boxes", a["title"])
			assert.Equal(t, "en", a["lang"])
		}},
		{"region subtag", "/api/v1/answers/returns?lang=sv-SE", 200, func(t *testing.T, body map[string]any) {
			assert.Equal(t, "sv", body["article"].(map[string]any)["lang"])
		}},
		{"language without content", "/api/v1/forms/contact?lang=de", 200, func(t *testing.T, body map[string]any) {
			f := body["form"].(map[string]any)
			assert.Equal(t, "Contact us", f["title"])
			assert.Equal(t, "en", f["lang"])
		}},
		{"forms in Arabic", "/api/v1/forms?lang=ar", 200, func(t *testing.T, body map[string]any) {
			f := body["forms"].([]any)[0].(map[string]any)
			assert.Equal(t, "تواصل معنا", f["title"])
			assert.Equal(t, "ar", f["lang"])
		}},
		{"bad tag", "/api/v1/answers?lang=" + url.QueryEscape("<script>"), 400, nil},
		{"bad tag on forms", "/api/v1/forms?lang=english", 400, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, body := get(c.path)
			require.Equal(t, c.want, code)
			if c.check != nil {
				c.check(t, body)
			}
		})
	}
}

// TestFormSubmissionInALanguage: a submission is checked against the form
// as shown in its language (Swedish options) and stored with it.
func TestFormSubmissionInALanguage(t *testing.T) {
	fx := newFixture(t)
	session := fx.login()
	path := "/api/v1/forms/contact/submissions"
	sv := `"name":"Ana","email":"ana@example.com","message":"Var är mitt paket?","consent":"true"`
	rec := fx.do(request{method: "POST", path: path, body: `{"id":"sv1","lang":"sv","fields":{` + sv + `,"topic":"Order"}}`})
	require.Equal(t, http.StatusBadRequest, rec.Code, "an English option is not one of the Swedish form's")
	assert.Contains(t, decodeBody(t, rec)["fields"], "topic")
	rec = fx.do(request{method: "POST", path: path, body: `{"id":"sv2","lang":"sv","fields":{` + sv + `,"topic":"Retur"}}`})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	assert.Equal(t, "Tack! Vi har fått ditt meddelande och svarar snart.", decodeBody(t, rec)["success"])
	rec = fx.do(request{method: "POST", path: path, body: `{"id":"sv3","lang":"x1","fields":{` + sv + `,"topic":"Retur"}}`})
	require.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Contains(t, decodeBody(t, rec)["fields"], "lang")

	rec = fx.do(request{method: "GET", path: "/api/v1/agent/submissions", token: session})
	require.Equal(t, 200, rec.Code)
	subs := decodeBody(t, rec)["submissions"].([]any)
	require.Len(t, subs, 1)
	assert.Equal(t, "sv", subs[0].(map[string]any)["lang"])
	assert.Equal(t, "Retur", subs[0].(map[string]any)["fields"].(map[string]any)["topic"])
}

func TestAnswerByID(t *testing.T) {
	fx := newFixture(t)
	rec := fx.do(request{method: "GET", path: "/api/v1/answers/returns"})
	require.Equal(t, 200, rec.Code)
	assert.Equal(t, "Returns and refunds", decodeBody(t, rec)["article"].(map[string]any)["title"])
	assert.Equal(t, 404, fx.do(request{method: "GET", path: "/api/v1/answers/nope"}).Code)
}

func TestFormDefinitions(t *testing.T) {
	fx := newFixture(t)
	rec := fx.do(request{method: "GET", path: "/api/v1/forms"})
	require.Equal(t, 200, rec.Code)
	assert.Len(t, decodeBody(t, rec)["forms"], 2)
	rec = fx.do(request{method: "GET", path: "/api/v1/forms/contact"})
	require.Equal(t, 200, rec.Code)
	form := decodeBody(t, rec)["form"].(map[string]any)
	assert.Equal(t, "Contact us", form["title"])
	assert.Len(t, form["fields"], 5)
	assert.Equal(t, 404, fx.do(request{method: "GET", path: "/api/v1/forms/nope"}).Code)
}

func TestFormSubmission(t *testing.T) {
	fx := newFixture(t)
	ts := serve(t, fx)
	token, conv := fx.start()
	session := fx.login()
	agents, _ := openStream(t, ts.URL, "/api/v1/agent/events", bearerHeader(session))
	require.NotNil(t, agents)
	path := "/api/v1/forms/contact/submissions"
	cases := []struct {
		name, body, token string
		want              int
		fields            map[string]string // field → message expected present
	}{
		{"valid", validContact("s1"), "", http.StatusCreated, nil},
		{"retry is idempotent", validContact("s1"), "", http.StatusOK, nil},
		{"same id other values", `{"id":"s1","fields":{"name":"Bo","email":"bo@example.com","topic":"Order","message":"Where is my parcel?","consent":"true"}}`, "", http.StatusConflict, nil},
		{"with a visitor token", validContact("s2"), token, http.StatusCreated, nil},
		{"field errors", `{"id":"s3","fields":{"email":"nope","topic":"Pizza","message":"short","admin":"1"}}`, "", http.StatusBadRequest,
			map[string]string{"name": "Please fill in this field.", "email": "Enter an email address like name@example.com.",
				"topic": "Choose one of the options.", "message": "Use at least 10 characters.", "consent": "Please tick this box.",
				"admin": "This form has no such field."}},
		{"missing id", `{"fields":{}}`, "", http.StatusBadRequest, map[string]string{"id": "Invalid id."}},
		{"fields not strings", `{"id":"s4","fields":{"name":1}}`, "", http.StatusBadRequest, nil},
		{"unknown top-level field", `{"id":"s5","fields":{},"extra":1}`, "", http.StatusBadRequest, nil},
		{"bad token", validContact("s6"), "cv_" + strings.Repeat("x", 43), http.StatusUnauthorized, nil},
		{"too large", `{"id":"s7","fields":{"message":"` + strings.Repeat("x", bodyForm) + `"}}`, "", http.StatusRequestEntityTooLarge, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := fx.do(request{method: "POST", path: path, token: c.token, body: c.body})
			require.Equal(t, c.want, rec.Code, rec.Body.String())
			body := decodeBody(t, rec)
			if c.want < 300 {
				assert.Equal(t, "Thank you! We have your message and will reply soon.", body["success"])
			}
			if c.fields != nil {
				got := map[string]string{}
				for k, v := range body["fields"].(map[string]any) {
					got[k] = v.(string)
				}
				assert.Equal(t, c.fields, got)
			}
		})
	}
	ev := agents.next("submission")
	assert.Equal(t, "contact", ev.Data["form"])

	rec := fx.do(request{method: "GET", path: "/api/v1/agent/submissions", token: session})
	require.Equal(t, 200, rec.Code)
	subs := decodeBody(t, rec)["submissions"].([]any)
	require.Len(t, subs, 2, "stored once each, invalid ones not at all")
	newest := subs[0].(map[string]any)
	assert.Equal(t, float64(conv), newest["conversation"], "linked to the visitor's conversation")
	assert.Equal(t, "Where is my parcel?", newest["fields"].(map[string]any)["message"])
	assert.Equal(t, http.StatusNotFound, fx.do(request{method: "POST", path: "/api/v1/forms/nope/submissions", body: validContact("x")}).Code)
}

func TestFormPatternOnTheServer(t *testing.T) {
	fx := newFixture(t)
	path := "/api/v1/forms/callback/submissions"
	base := `"name":"Bo","phone":"+33 1 23 45 67 89","when":"Morning"`
	rec := fx.do(request{method: "POST", path: path, body: `{"id":"c1","fields":{` + base + `,"order":"ab123456"}}`})
	require.Equal(t, http.StatusBadRequest, rec.Code, rec.Body.String())
	assert.Equal(t, map[string]any{"order": "Does not have the expected format."}, decodeBody(t, rec)["fields"])
	rec = fx.do(request{method: "POST", path: path, body: `{"id":"c2","fields":{` + base + `,"order":"AB123456"}}`})
	assert.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
}

func TestLoadContent(t *testing.T) {
	dir := t.TempDir()
	a, f, err := LoadContent(dir, content.Answers, content.Forms)
	require.NoError(t, err)
	assert.NotEmpty(t, a.Articles, "samples when the data folder has none")
	assert.NotEmpty(t, f.Forms)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "answers.json"), []byte(`{"articles":[{"id":"own","title":"Our own","headings":[],"body":"x","updated":1}]}`), 0o600))
	a, _, err = LoadContent(dir, content.Answers, content.Forms)
	require.NoError(t, err)
	require.Len(t, a.Articles, 1)
	assert.Equal(t, "own", a.Articles[0].ID)

	for _, c := range []struct{ file, body string }{
		{"answers.json", `{"articles":[{"id":"Bad Id","title":"x"}]}`},
		{"forms.json", `{"forms":[],"extra":true}`},
		{"forms.json", `{"forms":[{"id":"f","title":"F","fields":[{"name":"a","label":"A","type":"text","pattern":"("}]}]}`},
	} {
		name := c.file
		bad := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(bad, c.file), []byte(c.body), 0o600))
		_, _, err := LoadContent(bad, content.Answers, content.Forms)
		assert.Error(t, err, name)
	}
}
