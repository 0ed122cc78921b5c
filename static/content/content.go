// Package content embeds the sample help articles and contact forms that
// ship with Crumbless (answers.json, forms.json; formats in docs/embedding.md). The
// server uses them when its -data folder has no content of its own.
package content

import _ "embed"

// Answers is the sample answers.json.
//
//go:embed answers.json
var Answers []byte

// Forms is the sample forms.json.
//
//go:embed forms.json
var Forms []byte
