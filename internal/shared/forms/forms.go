// Package forms holds the contact forms shown by the widget's forms view and
// served by /api/v1/forms, and the one set of validation rules both the
// widget (before sending) and the server (before storing) apply.
//
// It is pure Go without fmt, encoding/json or net/http because the wasm
// runtime compiles it too. Struct tags carry both `json` (server) and `js`
// (the browser: wasm/views/codec.go decodes these names, a test checks they
// agree) names.
package forms

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/crumbless/crumbless/internal/shared/stablesort"
	"github.com/crumbless/crumbless/internal/shared/textrule"
)

// Field types.
const (
	TypeText     = "text"
	TypeEmail    = "email"
	TypeTel      = "tel"
	TypeTextarea = "textarea"
	TypeSelect   = "select"
	TypeCheckbox = "checkbox"
)

// Limits. A field's maxLength may lower its limit but never raise it past
// MaxTextarea (textarea) or MaxText (every other type).
const (
	MaxText     = 200
	MaxTextarea = 5000
	MaxFields   = 30
	MaxIDLength = 64
)

// PatternMatcher reports whether value matches the whole of pattern (like
// HTML's pattern attribute), or an error when the pattern is invalid.
type PatternMatcher func(pattern, value string) (bool, error)

// MatchPattern checks Field.Pattern in Check and Validate. It is nil by
// default, and then patterns are not checked: this package must not carry
// Go's regexp into the wasm runtime (+121 KB brotli, measured). The server
// sets it to regexpmatch.Match (RE2); the widget may set it to the
// browser's RegExp, which is what the pattern attribute uses. Set it once,
// before any form is checked.
var MatchPattern PatternMatcher

// Checked is the value of a ticked checkbox; an unticked one is "" or absent.
const Checked = "true"

// Content is the forms.json file: {"forms":[…]}.
type Content struct {
	Forms []Form `json:"forms" js:"forms"`
}

// Form is one contact form. Lang is the language its texts are in, when
// the content says (see internal/shared/localized).
type Form struct {
	ID      string  `json:"id" js:"id"`
	Title   string  `json:"title" js:"title"`
	Intro   string  `json:"intro" js:"intro"`
	Submit  string  `json:"submit" js:"submit"`
	Success string  `json:"success" js:"success"`
	Fields  []Field `json:"fields" js:"fields"`
	Lang    string  `json:"lang,omitempty" js:"lang"`
}

// Field is one input of a form. Pattern, like HTML's pattern attribute,
// must match the whole value (it is anchored); it applies to text, email
// and tel fields, through MatchPattern. MinLength and MaxLength count characters (runes); 0 means
// "no minimum" and "the type's default maximum".
type Field struct {
	Name      string   `json:"name" js:"name"`
	Label     string   `json:"label" js:"label"`
	Type      string   `json:"type" js:"type"`
	Required  bool     `json:"required" js:"required"`
	MinLength int      `json:"minLength" js:"minLength"`
	MaxLength int      `json:"maxLength" js:"maxLength"`
	Pattern   string   `json:"pattern" js:"pattern"`
	Options   []string `json:"options" js:"options"`
	Help      string   `json:"help" js:"help"`
}

// Problem codes, stable for translations.
const (
	CodeRequired = "required"
	CodeTooShort = "too_short"
	CodeTooLong  = "too_long"
	CodeEmail    = "invalid_email"
	CodeTel      = "invalid_tel"
	CodePattern  = "pattern_mismatch"
	CodeOption   = "invalid_option"
	CodeCheckbox = "invalid_checkbox"
	CodeUnknown  = "unknown_field"
	CodeBadText  = "invalid_text"
	CodeTooMany  = "too_many_fields"
)

const problemPrefix = "forms: "

// Problem is one field's validation error: a stable code and an English
// message a person understands.
type Problem struct {
	Field   string `json:"field" js:"field"`
	Code    string `json:"code" js:"code"`
	Message string `json:"message" js:"message"`
}

// Find returns the form with the given id.
func (c Content) Find(id string) (Form, bool) {
	for _, f := range c.Forms {
		if f.ID == id {
			return f, true
		}
	}
	return Form{}, false
}

// Validate reports the first problem with the forms' definitions: bad or
// duplicate ids and field names, unknown types, a select without options,
// limits out of range or a pattern that does not compile.
func (c Content) Validate() error {
	seen := make(map[string]bool, len(c.Forms))
	for i, f := range c.Forms {
		if !validName(f.ID, false) {
			return errors.New(problemPrefix + "form " + strconv.Itoa(i) + ": id " + quote(f.ID) + " must be 1-64 characters of a-z, 0-9 and -")
		}
		if seen[f.ID] {
			return errors.New(problemPrefix + "form id " + quote(f.ID) + " is used twice")
		}
		seen[f.ID] = true
		if err := f.validateDefinition(); err != nil {
			return errors.New(problemPrefix + "form " + quote(f.ID) + ": " + err.Error())
		}
	}
	return nil
}

func (f Form) validateDefinition() error {
	if strings.TrimSpace(f.Title) == "" {
		return errors.New("no title")
	}
	if len(f.Fields) == 0 || len(f.Fields) > MaxFields {
		return errors.New("needs 1 to " + strconv.Itoa(MaxFields) + " fields")
	}
	names := make(map[string]bool, len(f.Fields))
	for _, fd := range f.Fields {
		if !validName(fd.Name, true) {
			return errors.New("field name " + quote(fd.Name) + " must be 1-64 characters of a-z, 0-9, - and _")
		}
		if names[fd.Name] {
			return errors.New("field " + quote(fd.Name) + " is declared twice")
		}
		names[fd.Name] = true
		if err := fd.validateDefinition(); err != nil {
			return errors.New("field " + quote(fd.Name) + ": " + err.Error())
		}
	}
	return nil
}

func (fd Field) validateDefinition() error {
	switch fd.Type {
	case TypeText, TypeEmail, TypeTel, TypeTextarea, TypeCheckbox:
	case TypeSelect:
		if len(fd.Options) == 0 {
			return errors.New("a select needs options")
		}
	default:
		return errors.New("unknown type " + quote(fd.Type))
	}
	if strings.TrimSpace(fd.Label) == "" {
		return errors.New("no label")
	}
	if fd.MinLength < 0 || fd.MaxLength < 0 || fd.MaxLength > typeMax(fd.Type) {
		return errors.New("minLength/maxLength out of range (max " + strconv.Itoa(typeMax(fd.Type)) + ")")
	}
	if fd.MaxLength > 0 && fd.MinLength > fd.MaxLength {
		return errors.New("minLength is above maxLength")
	}
	if fd.Pattern != "" && MatchPattern != nil {
		if _, err := MatchPattern(fd.Pattern, ""); err != nil {
			return errors.New("pattern: " + err.Error())
		}
	}
	return nil
}

// Check validates a submission against the form and returns one Problem per
// failing field (in field order, unknown names last, each name at most
// once); nil means the submission is valid. Values are compared after
// trimming surrounding white space; Clean returns them that way.
func (f Form) Check(values map[string]string) []Problem {
	var out []Problem
	known := make(map[string]bool, len(f.Fields))
	for _, fd := range f.Fields {
		known[fd.Name] = true
		if p, bad := fd.check(strings.TrimSpace(values[fd.Name])); bad {
			p.Field = fd.Name
			out = append(out, p)
		}
	}
	var unknown []string
	for name := range values {
		if !known[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > MaxFields {
		return append(out, Problem{Code: CodeTooMany, Message: "Too many fields."})
	}
	stablesort.Strings(unknown)
	for _, name := range unknown {
		out = append(out, Problem{Field: name, Code: CodeUnknown, Message: "This form has no such field."})
	}
	return out
}

// Clean returns the submission's values for the form's fields only, trimmed,
// with every field present (empty when not filled).
func (f Form) Clean(values map[string]string) map[string]string {
	out := make(map[string]string, len(f.Fields))
	for _, fd := range f.Fields {
		out[fd.Name] = strings.TrimSpace(values[fd.Name])
	}
	return out
}

func (fd Field) check(v string) (Problem, bool) {
	if !textrule.Valid(v) {
		return Problem{Code: CodeBadText, Message: "Contains characters that are not allowed."}, true
	}
	if fd.Type == TypeCheckbox {
		switch {
		case v != "" && v != Checked:
			return Problem{Code: CodeCheckbox, Message: "Must be ticked or left empty."}, true
		case fd.Required && v != Checked:
			return Problem{Code: CodeRequired, Message: "Please tick this box."}, true
		}
		return Problem{}, false
	}
	if v == "" {
		if fd.Required {
			return Problem{Code: CodeRequired, Message: "Please fill in this field."}, true
		}
		return Problem{}, false
	}
	if fd.Type != TypeTextarea && strings.ContainsAny(v, "\r\n") {
		return Problem{Code: CodeBadText, Message: "Must be on one line."}, true
	}
	n := utf8.RuneCountInString(v)
	if max := fd.maxLength(); n > max {
		return Problem{Code: CodeTooLong, Message: "Use at most " + strconv.Itoa(max) + " characters."}, true
	}
	if n < fd.MinLength {
		return Problem{Code: CodeTooShort, Message: "Use at least " + strconv.Itoa(fd.MinLength) + " characters."}, true
	}
	switch fd.Type {
	case TypeEmail:
		if !ValidEmail(v) {
			return Problem{Code: CodeEmail, Message: "Enter an email address like name@example.com."}, true
		}
	case TypeTel:
		if !ValidTel(v) {
			return Problem{Code: CodeTel, Message: "Enter a phone number (digits, spaces, + - ( ) .)."}, true
		}
	case TypeSelect:
		found := false
		for _, o := range fd.Options {
			if o == v {
				found = true
				break
			}
		}
		if !found {
			return Problem{Code: CodeOption, Message: "Choose one of the options."}, true
		}
	}
	if fd.Pattern != "" && fd.Type != TypeTextarea && fd.Type != TypeSelect && MatchPattern != nil {
		if ok, err := MatchPattern(fd.Pattern, v); err != nil || !ok {
			return Problem{Code: CodePattern, Message: "Does not have the expected format."}, true
		}
	}
	return Problem{}, false
}

func (fd Field) maxLength() int {
	if fd.MaxLength > 0 {
		return fd.MaxLength
	}
	return typeMax(fd.Type)
}

func typeMax(typ string) int {
	if typ == TypeTextarea {
		return MaxTextarea
	}
	return MaxText
}

// ValidEmail is a deliberately small check, close to the browser's
// type=email rule: one '@', a non-empty local part of printable ASCII
// without spaces, and a domain of dot-separated labels with at least one
// dot. Internationalised addresses must be given in ASCII (punycode).
func ValidEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') || at > 64 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	for i := 0; i < len(local); i++ {
		c := local[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`(),:;<>[\]"`, c) >= 0 {
			return false
		}
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// ValidTel accepts digits, spaces and + - ( ) . with 5 to 20 digits and a
// '+' only at the start.
func ValidTel(s string) bool {
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '+':
			if i != 0 {
				return false
			}
		case c == ' ' || c == '-' || c == '(' || c == ')' || c == '.':
		default:
			return false
		}
	}
	return digits >= 5 && digits <= 20
}

// validName reports whether s is 1-64 characters of a-z, 0-9 and '-' (and
// '_' when underscore is set: field names like first_name).
func validName(s string, underscore bool) bool {
	if s == "" || len(s) > MaxIDLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || underscore && c == '_') {
			return false
		}
	}
	return true
}

// quote puts s in double quotes for an error message (strconv.Quote would
// bring its escaping tables into the widget's wasm; ids and names reaching
// these messages are short and printable or rejected anyway).
func quote(s string) string { return "\"" + s + "\"" }
