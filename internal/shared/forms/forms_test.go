package forms

import (
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/internal/shared/forms/regexpmatch"
)

// The tests check patterns the way the server does.
func init() { MatchPattern = regexpmatch.Match }

var contact = Form{
	ID: "contact", Title: "Contact us", Submit: "Send", Success: "Thanks",
	Fields: []Field{
		{Name: "name", Label: "Name", Type: TypeText, Required: true, MinLength: 2, MaxLength: 10},
		{Name: "email", Label: "Email", Type: TypeEmail, Required: true},
		{Name: "phone", Label: "Phone", Type: TypeTel},
		{Name: "topic", Label: "Topic", Type: TypeSelect, Options: []string{"Billing", "Other"}},
		{Name: "order", Label: "Order", Type: TypeText, Pattern: `[A-Z]{2}\d{4}`},
		{Name: "message", Label: "Message", Type: TypeTextarea, Required: true, MaxLength: 20},
		{Name: "terms", Label: "Terms", Type: TypeCheckbox, Required: true},
		{Name: "news", Label: "News", Type: TypeCheckbox},
	},
}

func valid() map[string]string {
	return map[string]string{"name": "Ana", "email": "ana@example.com", "message": "Hello", "terms": Checked}
}

func with(k, v string) map[string]string {
	m := valid()
	m[k] = v
	return m
}

func without(k string) map[string]string {
	m := valid()
	delete(m, k)
	return m
}

func TestCheck(t *testing.T) {
	cases := []struct {
		name   string
		values map[string]string
		want   map[string]string // field → code
	}{
		{"valid minimal", valid(), nil},
		{"valid everything", map[string]string{"name": "  Ana  ", "email": "a.b+c@mail.example.org", "phone": "+44 (0)20 7946-0958",
			"topic": "Billing", "order": "AB1234", "message": "line one\nline two", "terms": Checked, "news": Checked}, nil},
		{"missing required", without("name"), map[string]string{"name": CodeRequired}},
		{"blank is missing", with("name", "   "), map[string]string{"name": CodeRequired}},
		{"too short", with("name", "A"), map[string]string{"name": CodeTooShort}},
		{"too long counts runes", with("name", "ÉÉÉÉÉÉÉÉÉÉÉ"), map[string]string{"name": CodeTooLong}},
		{"ten accented runes fit", with("name", "ÉÉÉÉÉÉÉÉÉÉ"), nil},
		{"newline in text", with("name", "An\na"), map[string]string{"name": CodeBadText}},
		{"NUL byte", with("message", "hi\x00"), map[string]string{"message": CodeBadText}},
		{"invalid UTF-8", with("message", "hi\xff"), map[string]string{"message": CodeBadText}},
		{"bad email", with("email", "ana@example"), map[string]string{"email": CodeEmail}},
		{"bad phone", with("phone", "call me"), map[string]string{"phone": CodeTel}},
		{"plus inside phone", with("phone", "12+345678"), map[string]string{"phone": CodeTel}},
		{"not an option", with("topic", "billing"), map[string]string{"topic": CodeOption}},
		{"pattern anchored", with("order", "xAB1234"), map[string]string{"order": CodePattern}},
		{"pattern prefix only", with("order", "AB12345"), map[string]string{"order": CodePattern}},
		{"textarea default max overridden", with("message", strings.Repeat("x", 21)), map[string]string{"message": CodeTooLong}},
		{"required checkbox unticked", without("terms"), map[string]string{"terms": CodeRequired}},
		{"checkbox odd value", with("news", "yes"), map[string]string{"news": CodeCheckbox}},
		{"unknown field", with("admin", "1"), map[string]string{"admin": CodeUnknown}},
		{"several at once", map[string]string{"email": "x", "zz": "1", "aa": "2"},
			map[string]string{"name": CodeRequired, "email": CodeEmail, "message": CodeRequired, "terms": CodeRequired, "aa": CodeUnknown, "zz": CodeUnknown}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := contact.Check(c.values)
			if c.want == nil {
				assert.Empty(t, got)
				return
			}
			codes := map[string]string{}
			for _, p := range got {
				_, dup := codes[p.Field]
				assert.False(t, dup, "one problem per field")
				codes[p.Field] = p.Code
				assert.NotEmpty(t, p.Message)
			}
			assert.Equal(t, c.want, codes)
		})
	}
}

func TestCheckOrder(t *testing.T) {
	got := contact.Check(map[string]string{"zz": "1", "aa": "2"})
	var fields []string
	for _, p := range got {
		fields = append(fields, p.Field)
	}
	assert.Equal(t, []string{"name", "email", "message", "terms", "aa", "zz"}, fields, "field order, unknown names sorted last")
}

func TestCheckTooManyUnknown(t *testing.T) {
	m := valid()
	for i := 0; i <= MaxFields; i++ {
		m["x"+strconv.Itoa(i)] = "1"
	}
	got := contact.Check(m)
	require.Len(t, got, 1)
	assert.Equal(t, CodeTooMany, got[0].Code)
}

func TestDefaultMaxLength(t *testing.T) {
	f := Form{Fields: []Field{{Name: "a", Type: TypeText}, {Name: "b", Type: TypeTextarea}}}
	assert.Empty(t, f.Check(map[string]string{"a": strings.Repeat("x", MaxText), "b": strings.Repeat("x", MaxTextarea)}))
	got := f.Check(map[string]string{"a": strings.Repeat("x", MaxText+1), "b": strings.Repeat("x", MaxTextarea+1)})
	require.Len(t, got, 2)
	assert.Equal(t, CodeTooLong, got[0].Code)
	assert.Equal(t, CodeTooLong, got[1].Code)
}

func TestClean(t *testing.T) {
	got := contact.Clean(map[string]string{"name": "  Ana ", "admin": "1"})
	assert.Equal(t, "Ana", got["name"])
	assert.Equal(t, "", got["email"])
	assert.NotContains(t, got, "admin")
	assert.Len(t, got, len(contact.Fields))
}

func TestValidEmail(t *testing.T) {
	cases := map[string]bool{
		"a@b.co": true, "first.last+tag@sub.example.org": true, "x@xn--bcher-kva.example": true,
		"": false, "@b.co": false, "a@": false, "a@b": false, "a@@b.co": false, "a b@c.de": false,
		"a@b..co": false, "a@-b.co": false, "a@b-.co": false, "ä@b.co": false, "a@bü.co": false,
		strings.Repeat("a", 65) + "@b.co": false, "a@" + strings.Repeat("b", 64) + ".co": false,
	}
	for in, want := range cases {
		t.Run(in, func(t *testing.T) { assert.Equal(t, want, ValidEmail(in)) })
	}
}

func TestValidTel(t *testing.T) {
	cases := map[string]bool{
		"+33 1 23 45 67 89": true, "(555) 123-4567": true, "12345": true, "555.123.4567": true,
		"1234": false, "+": false, "12345678901234567890123": false, "555-CALL-NOW": false, "1 2 3 4 +5": false,
	}
	for in, want := range cases {
		t.Run(in, func(t *testing.T) { assert.Equal(t, want, ValidTel(in)) })
	}
}

func TestValidate(t *testing.T) {
	field := func(mut func(*Field)) Content {
		fd := Field{Name: "a", Label: "A", Type: TypeText}
		mut(&fd)
		return Content{Forms: []Form{{ID: "f", Title: "F", Fields: []Field{fd}}}}
	}
	cases := []struct {
		name    string
		content Content
		err     string
	}{
		{"contact is valid", Content{Forms: []Form{contact}}, ""},
		{"bad form id", Content{Forms: []Form{{ID: "F!", Title: "x", Fields: contact.Fields}}}, `id "F!"`},
		{"underscore not in form ids", Content{Forms: []Form{{ID: "a_b", Title: "x", Fields: contact.Fields}}}, `id "a_b"`},
		{"duplicate form", Content{Forms: []Form{contact, contact}}, "used twice"},
		{"no title", Content{Forms: []Form{{ID: "f", Fields: contact.Fields}}}, "no title"},
		{"no fields", Content{Forms: []Form{{ID: "f", Title: "F"}}}, "needs 1 to"},
		{"field name with underscore ok", field(func(f *Field) { f.Name = "first_name" }), ""},
		{"bad field name", field(func(f *Field) { f.Name = "First Name" }), `field name "First Name"`},
		{"duplicate field", Content{Forms: []Form{{ID: "f", Title: "F", Fields: []Field{contact.Fields[0], contact.Fields[0]}}}}, "declared twice"},
		{"unknown type", field(func(f *Field) { f.Type = "date" }), `unknown type "date"`},
		{"select without options", field(func(f *Field) { f.Type = TypeSelect }), "needs options"},
		{"no label", field(func(f *Field) { f.Label = "" }), "no label"},
		{"max above type max", field(func(f *Field) { f.MaxLength = MaxText + 1 }), "out of range"},
		{"negative min", field(func(f *Field) { f.MinLength = -1 }), "out of range"},
		{"min above max", field(func(f *Field) { f.MinLength = 5; f.MaxLength = 4 }), "minLength is above"},
		{"bad pattern", field(func(f *Field) { f.Pattern = "(" }), "pattern:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.content.Validate()
			if c.err == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.err)
		})
	}
}

func TestFind(t *testing.T) {
	c := Content{Forms: []Form{contact}}
	f, ok := c.Find("contact")
	require.True(t, ok)
	assert.Equal(t, "Contact us", f.Title)
	_, ok = c.Find("other")
	assert.False(t, ok)
}

func TestCheckConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.Empty(t, contact.Check(with("order", "ZZ9999")))
		}()
	}
	wg.Wait()
}

func TestPatternsNeedAMatcher(t *testing.T) {
	saved := MatchPattern
	t.Cleanup(func() { MatchPattern = saved })
	MatchPattern = nil
	assert.Empty(t, contact.Check(with("order", "not an order")), "without a matcher patterns are not checked")
	assert.NoError(t, Content{Forms: []Form{{ID: "f", Title: "F", Fields: []Field{{Name: "a", Label: "A", Type: TypeText, Pattern: "("}}}}}.Validate())

	var calls []string
	MatchPattern = func(p, v string) (bool, error) { calls = append(calls, p+"="+v); return v == "ok", nil }
	assert.Empty(t, contact.Check(with("order", "ok")))
	got := contact.Check(with("order", "nope"))
	require.Len(t, got, 1)
	assert.Equal(t, CodePattern, got[0].Code)
	assert.Contains(t, calls, `[A-Z]{2}\d{4}=nope`)
}
