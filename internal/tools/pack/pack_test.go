package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/andybalholm/brotli"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crumbless/crumbless/server/assets"
)

func stage() fstest.MapFS {
	return fstest.MapFS{
		"crumbless.js":    {Data: []byte(`var assets = "__CRUMBLESS_ASSETS__"; load(assets.wasm);`)},
		"crumbless.wasm":  {Data: append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte("code"), 500)...)},
		"wasm_exec.js":    {Data: []byte(strings.Repeat("go runtime glue;", 100))},
		"demo.css":        {Data: []byte("body{color:red}")},
		"panel.css":       {Data: []byte(".panel>.state{color:red}\n")},
		"index.html":      {Data: []byte(`<link href="/demo.css"><script src="/crumbless.js"></script>`)},
		".DS_Store":       {Data: []byte("junk")},
		"console.html":    {Data: []byte(`<script src="/console_exec.js"></script><script src="/console.js" data-wasm="/console.wasm"></script>`)},
		"console.wasm":    {Data: append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte("agent"), 500)...)},
		"console.js":      {Data: []byte("boot()")},
		"console_exec.js": {Data: []byte("glue()")},
	}
}

// TestBuildLinksTheConsolePage: the console's page names its script,
// wasm_exec.js and wasm by their hashed paths.
func TestBuildLinksTheConsolePage(t *testing.T) {
	files, err := Build(stage(), "1")
	require.NoError(t, err)
	m := byName(files)
	page := string(m["console.html"].Raw)
	for _, name := range []string{"console.js", "console_exec.js", "console.wasm"} {
		assert.Regexp(t, `^a/console(_exec)?\.[0-9a-f]{10}\.(js|wasm)$`, m[name].Path)
		assert.Contains(t, page, `"/`+m[name].Path+`"`, name)
	}
}

func byName(files []File) map[string]File {
	m := map[string]File{}
	for _, f := range files {
		m[f.Name] = f
	}
	return m
}

func TestBuildHashesAssetsAndFillsInTheLoader(t *testing.T) {
	files, err := Build(stage(), "v1.2.3")
	require.NoError(t, err)
	got := byName(files)

	hashed := regexp.MustCompile(`^a/crumbless\.[0-9a-f]{10}\.wasm$`)
	assert.Regexp(t, hashed, got["crumbless.wasm"].Path)
	assert.True(t, got["crumbless.wasm"].Immutable)
	assert.Regexp(t, `^a/wasm_exec\.[0-9a-f]{10}\.js$`, got["wasm_exec.js"].Path)
	assert.Equal(t, "crumbless.js", got["crumbless.js"].Path, "the loader keeps its stable name")
	assert.False(t, got["crumbless.js"].Immutable)
	assert.NotContains(t, got, ".DS_Store")

	assert.Contains(t, string(got["index.html"].Raw), `href="/`+got["demo.css"].Path+`"`)

	// The runtime list: the hashed paths of the wasm and wasm_exec.js with
	// their sha384, itself immutable under a hashed name.
	list := got[runtimeListName]
	assert.Regexp(t, `^a/runtime\.[0-9a-f]{10}\.json$`, list.Path)
	assert.True(t, list.Immutable)
	var runtime map[string]any
	require.NoError(t, json.Unmarshal(list.Raw, &runtime))
	assert.Equal(t, map[string]any{
		"wasm": []any{got["crumbless.wasm"].Path, got["crumbless.wasm"].Integrity},
		"exec": []any{got["wasm_exec.js"].Path, got["wasm_exec.js"].Integrity},
		"css":  ".panel>.state{color:red}",
	}, runtime, "the panel's styles travel in the list")
	assert.Contains(t, string(list.Raw), `.panel>.state`, "CSS not escaped for HTML")
	assert.NotContains(t, got, "panel.css", "no file of its own")

	// The loader carries the list's path, its sha256 and the version: one
	// hash, so that the loader stays within its byte budget.
	loader := string(got["crumbless.js"].Raw)
	assert.NotContains(t, loader, "__CRUMBLESS_ASSETS__")
	sum := sha256.Sum256(list.Raw)
	want, _ := json.Marshal([]string{list.Path, "sha256-" + base64.StdEncoding.EncodeToString(sum[:]), "v1.2.3"})
	assert.Equal(t, `var assets = `+string(want)+`; load(assets.wasm);`, loader)
	assert.NotContains(t, loader, got["crumbless.wasm"].Path, "the runtime's paths and hashes travel in the list")

	for _, f := range files {
		assert.Regexp(t, `^sha384-[A-Za-z0-9+/]{64}$`, f.Integrity, f.Name)
	}
}

func TestHashChangesWithContent(t *testing.T) {
	a, err := Build(stage(), "dev")
	require.NoError(t, err)
	s := stage()
	s["crumbless.wasm"] = &fstest.MapFile{Data: append(s["crumbless.wasm"].Data, 'x')}
	b, err := Build(s, "dev")
	require.NoError(t, err)
	assert.NotEqual(t, byName(a)["crumbless.wasm"].Path, byName(b)["crumbless.wasm"].Path)
	assert.Equal(t, byName(a)["wasm_exec.js"].Path, byName(b)["wasm_exec.js"].Path)
}

func TestBuildRefusesBrokenStage(t *testing.T) {
	cases := []struct {
		name   string
		change func(fstest.MapFS)
		want   string
	}{
		{"no wasm", func(s fstest.MapFS) { delete(s, "crumbless.wasm") }, "crumbless.wasm is missing"},
		{"empty wasm", func(s fstest.MapFS) { s["crumbless.wasm"] = &fstest.MapFile{} }, "crumbless.wasm is missing or empty"},
		{"not wasm", func(s fstest.MapFS) { s["crumbless.wasm"] = &fstest.MapFile{Data: []byte("<html>")} }, "not a WebAssembly module"},
		{"no wasm_exec", func(s fstest.MapFS) { delete(s, "wasm_exec.js") }, "wasm_exec.js is missing"},
		{"no loader", func(s fstest.MapFS) { delete(s, "crumbless.js") }, "crumbless.js is missing"},
		{"no page", func(s fstest.MapFS) { delete(s, "index.html") }, "index.html is missing"},
		{"no panel styles", func(s fstest.MapFS) { delete(s, "panel.css") }, "panel.css is missing"},
		{"no placeholder", func(s fstest.MapFS) { s["crumbless.js"] = &fstest.MapFile{Data: []byte("x")} }, "placeholder"},
		{"reserved name", func(s fstest.MapFS) { s["runtime.json"] = &fstest.MapFile{Data: []byte("{}")} }, "runtime.json is a reserved name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := stage()
			c.change(s)
			_, err := Build(s, "dev")
			assert.ErrorContains(t, err, c.want)
		})
	}
}

// TestServedBytesDecompressToOriginal writes the packed files, loads it the way the
// server does, and checks every manifest entry in every encoding.
func TestServedBytesDecompressToOriginal(t *testing.T) {
	files, err := Build(stage(), "dev")
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(dir+"/.keep", nil, 0o644))
	require.NoError(t, os.WriteFile(dir+"/stale.txt", []byte("old"), 0o644))
	require.NoError(t, Write(dir, files))
	_, err = os.Stat(dir + "/stale.txt")
	assert.True(t, os.IsNotExist(err), "old files are removed")
	_, err = os.Stat(dir + "/.keep")
	assert.NoError(t, err, "dotfiles stay")

	table, err := assets.Load(os.DirFS(dir))
	require.NoError(t, err)
	for _, f := range files {
		for _, enc := range []string{"br", "gzip", "identity"} {
			t.Run(f.Path+" "+enc, func(t *testing.T) {
				req := httptest.NewRequest(http.MethodGet, "/"+f.Path, nil)
				req.Header.Set("Accept-Encoding", enc)
				rec := httptest.NewRecorder()
				table.ServeHTTP(rec, req)
				require.Equal(t, http.StatusOK, rec.Code)
				var r io.Reader = rec.Body
				switch rec.Header().Get("Content-Encoding") {
				case "br":
					r = brotli.NewReader(r)
				case "gzip":
					r, err = gzip.NewReader(r)
					require.NoError(t, err)
				}
				body, err := io.ReadAll(r)
				require.NoError(t, err)
				assert.Equal(t, f.Raw, body)
			})
		}
	}
}

func TestWriteRefusesEmptySet(t *testing.T) {
	assert.Error(t, Write(t.TempDir(), nil))
}

// TestContentPerLanguage: answers.json and forms.json with translations
// become one file per language (the default under the plain name), each
// hashed and listed; broken content stops the build.
func TestContentPerLanguage(t *testing.T) {
	s := stage()
	s["answers.json"] = &fstest.MapFile{Data: []byte(`{"default":"en","articles":[
		{"id":"returns","title":"Returns","headings":[],"body":"Send it back.","updated":1,"translations":{"sv":{"title":"Returer","body":"Skicka tillbaka."}}},
		{"id":"gifts","title":"Gifts","headings":[],"body":"Wrapped.","updated":1}]}`)}
	s["forms.json"] = &fstest.MapFile{Data: []byte(`{"forms":[{"id":"contact","title":"Contact","intro":"","submit":"Send","success":"Thanks","fields":[
		{"name":"name","label":"Name","type":"text","required":true,"minLength":0,"maxLength":0,"pattern":"","options":[],"help":""}],
		"translations":{"ar":{"title":"تواصل","submit":"إرسال","success":"شكرًا","fields":{"name":{"label":"الاسم"}}}}}]}`)}
	files, err := Build(s, "dev")
	require.NoError(t, err)
	got := byName(files)
	require.Contains(t, got, "answers.json")
	require.Contains(t, got, "answers.sv.json")
	require.Contains(t, got, "forms.ar.json")
	assert.NotContains(t, got, "answers.ar.json", "no file for a language the answers lack")
	assert.Regexp(t, `^a/answers\.sv\.[0-9a-f]{10}\.json$`, got["answers.sv.json"].Path)

	var sv struct {
		Articles []map[string]any `json:"articles"`
	}
	require.NoError(t, json.Unmarshal(got["answers.sv.json"].Raw, &sv))
	require.Len(t, sv.Articles, 2)
	assert.Equal(t, "Returer", sv.Articles[0]["title"])
	assert.Equal(t, "sv", sv.Articles[0]["lang"])
	assert.Equal(t, "Gifts", sv.Articles[1]["title"], "untranslated: the default text")
	assert.Equal(t, "en", sv.Articles[1]["lang"])
	assert.NotContains(t, string(got["answers.json"].Raw), "Returer", "each file carries one language")
	assert.NotContains(t, string(got["answers.sv.json"].Raw), "translations")
	assert.Contains(t, string(got["forms.ar.json"].Raw), `"lang":"ar"`)

	var manifest struct {
		Files []struct{ Name string } `json:"files"`
	}
	require.NoError(t, json.Unmarshal(got["manifest.json"].Raw, &manifest))
	var names []string
	for _, f := range manifest.Files {
		names = append(names, f.Name)
	}
	assert.Subset(t, names, []string{"answers.json", "answers.sv.json", "forms.json", "forms.ar.json"})

	s["answers.json"] = &fstest.MapFile{Data: []byte(`{"articles":[{"id":"a","title":"A","body":"b","translations":{"sv":{"title":"A"}}}]}`)}
	_, err = Build(s, "dev")
	assert.ErrorContains(t, err, `answers.json: answers: article "a" in "sv": no body`)
}

// TestCatalogsPackedPerLanguage: each staged catalog becomes a compact,
// hashed, precompressed file of its own, listed in the manifest and by
// language in the runtime list; a broken or misnamed catalog stops the
// build.
func TestCatalogsPackedPerLanguage(t *testing.T) {
	s := stage()
	s["i18n.sv.json"] = &fstest.MapFile{Data: []byte("{\n  \"home.title\": \"Hej\",\n  \"home.lead\": \"Hur kan vi hjälpa dig?\"\n}\n")}
	s["i18n.ar.json"] = &fstest.MapFile{Data: []byte(`{"home.title": "مرحبًا"}`)}
	files, err := Build(s, "dev")
	require.NoError(t, err)
	got := byName(files)

	sv := got["i18n.sv.json"]
	assert.Regexp(t, `^a/i18n\.sv\.[0-9a-f]{10}\.json$`, sv.Path)
	assert.True(t, sv.Immutable)
	assert.Equal(t, `{"home.title":"Hej","home.lead":"Hur kan vi hjälpa dig?"}`, string(sv.Raw), "compact, order kept")
	assert.NotEmpty(t, sv.Brotli)
	assert.NotEmpty(t, sv.Gzip)
	assert.Regexp(t, `^a/i18n\.ar\.[0-9a-f]{10}\.json$`, got["i18n.ar.json"].Path)

	var runtime struct {
		I18n map[string]string `json:"i18n"`
	}
	require.NoError(t, json.Unmarshal(got[runtimeListName].Raw, &runtime))
	assert.Equal(t, map[string]string{"sv": sv.Path, "ar": got["i18n.ar.json"].Path}, runtime.I18n)
	assert.Contains(t, string(got[assets.ManifestName].Raw), `"path": "`+sv.Path+`"`)

	for name, data := range map[string]string{
		"i18n.sv.json":  `["Hej"]`,
		"i18n.de.json":  `{"home.title": 3}`,
		"i18n.nl.json":  `{"home.title": "Hallo"`,
		"i18n.en.json":  `{"home.title": "Hi"}`,
		"i18n.x_y.json": `{}`,
	} {
		t.Run(name, func(t *testing.T) {
			s := stage()
			s[name] = &fstest.MapFile{Data: []byte(data)}
			_, err := Build(s, "dev")
			assert.ErrorContains(t, err, name)
		})
	}
}
