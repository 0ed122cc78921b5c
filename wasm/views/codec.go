//go:build js && wasm

package views

import (
	"syscall/js"

	"github.com/crumbless/crumbless/internal/shared/answers"
	"github.com/crumbless/crumbless/internal/shared/forms"
	"github.com/crumbless/crumbless/wasm/jsvalue"
)

// How the views' stored values and content files become Go values and back
// (wasm/jsvalue works without reflect, so each type lists its fields; the
// tests fill every field and check the round trip).

// DecodeJS reads the "nav" key.
func (n *navState) DecodeJS(v js.Value) error {
	var x navState
	o := jsvalue.Object(v)
	o.Field("route", &x.Route)
	o.Field("scroll", &x.Scroll)
	o.Field("query", &x.Query)
	if err := o.Err(); err != nil {
		return err
	}
	*n = x
	return nil
}

// EncodeJS writes the "nav" key.
func (n navState) EncodeJS() js.Value {
	return jsvalue.Encode(map[string]any{"route": n.Route, "scroll": n.Scroll, "query": n.Query})
}

// DecodeJS reads the "draft" key.
func (d *drafts) DecodeJS(v js.Value) error {
	var x drafts
	o := jsvalue.Object(v)
	o.Field("chat", &x.Chat)
	o.Field("forms", &x.Forms)
	if err := o.Err(); err != nil {
		return err
	}
	*d = x
	return nil
}

// EncodeJS writes the "draft" key.
func (d drafts) EncodeJS() js.Value {
	return jsvalue.Encode(map[string]any{"chat": d.Chat, "forms": d.Forms})
}

// decodeAnswers reads answers.json.
func decodeAnswers(v js.Value, c *answers.Content) error {
	var x answers.Content
	o := jsvalue.Object(v)
	o.With("articles", func(v js.Value) error { return jsvalue.Slice(v, &x.Articles, decodeArticle) })
	if err := o.Err(); err != nil {
		return err
	}
	*c = x
	return nil
}

func decodeArticle(v js.Value, a *answers.Article) error {
	o := jsvalue.Object(v)
	o.Field("id", &a.ID)
	o.Field("title", &a.Title)
	o.Field("headings", &a.Headings)
	o.Field("body", &a.Body)
	o.Field("updated", &a.Updated)
	o.Field("lang", &a.Lang)
	return o.Err()
}

// decodeForms reads forms.json.
func decodeForms(v js.Value, c *forms.Content) error {
	var x forms.Content
	o := jsvalue.Object(v)
	o.With("forms", func(v js.Value) error { return jsvalue.Slice(v, &x.Forms, decodeForm) })
	if err := o.Err(); err != nil {
		return err
	}
	*c = x
	return nil
}

func decodeForm(v js.Value, f *forms.Form) error {
	o := jsvalue.Object(v)
	o.Field("id", &f.ID)
	o.Field("title", &f.Title)
	o.Field("intro", &f.Intro)
	o.Field("submit", &f.Submit)
	o.Field("success", &f.Success)
	o.With("fields", func(v js.Value) error { return jsvalue.Slice(v, &f.Fields, decodeField) })
	o.Field("lang", &f.Lang)
	return o.Err()
}

func decodeField(v js.Value, f *forms.Field) error {
	o := jsvalue.Object(v)
	o.Field("name", &f.Name)
	o.Field("label", &f.Label)
	o.Field("type", &f.Type)
	o.Field("required", &f.Required)
	o.Field("minLength", &f.MinLength)
	o.Field("maxLength", &f.MaxLength)
	o.Field("pattern", &f.Pattern)
	o.Field("options", &f.Options)
	o.Field("help", &f.Help)
	return o.Err()
}
