package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/andybalholm/brotli"

	"github.com/crumbless/crumbless/server/assets"
)

// Names of the files the widget cannot work without.
const (
	loaderName = "crumbless.js"
	wasmName   = "crumbless.wasm"
	execName   = "wasm_exec.js"
	demoPage   = "index.html"
	// inviteName is the invitation module (static/invite.js, minified): a
	// hashed asset named in the runtime list, which the loader runs only on
	// a page that configures an invitation.
	inviteName = "invite.js"
	// panelStyles, the panel frame's styles (static/panel.css, minified),
	// travel in the runtime list, not as a file of their own.
	panelStyles = "panel.css"
)

// assetsPlaceholder is the string literal in the loader that is replaced by
// the JSON object of hashed asset paths.
const assetsPlaceholder = `"__CRUMBLESS_ASSETS__"`

// runtimeListName is the staged name of the runtime list: the hashed paths
// of the wasm and wasm_exec.js with their sha384 hashes, the panel's
// styles and the hashed paths of the message catalogs by language, as
// {"wasm":[path, sri],"exec":[path, sri],"css":text,"i18n":{lang: path},
// "invite":[path, sri]}.
// The loader hands it to the runtime as crumbless._b.list. It is
// itself stored under a hashed name in a/. The loader fetches it on hover,
// focus or click, so the panel's styles cost a page nothing before anyone
// reaches for the widget.
const runtimeListName = "runtime.json"

// The placeholder in the loader is replaced by the JSON array
// [list, sri, version]: the path of the runtime list (relative to the
// loader's URL), its sha256 SRI hash (the loader fetches the list with
// integrity, and the list holds the runtime's sha384 hashes, so a tampered
// list, wasm_exec.js or wasm is refused) and the version it reports
// in crumbless('state'). One hash instead of two, and no paths, keep the
// loader within its 2,500-byte budget.

// File is one packed file with its compressed variants.
type File struct {
	assets.Entry
	Raw, Gzip, Brotli []byte
}

// Build reads the staged files from src and returns the packed files: hashed
// assets first, then the pages and the loader with the hashed names filled in.
func Build(src fs.FS, version string) ([]File, error) {
	staged, err := readStage(src)
	if err != nil {
		return nil, err
	}
	if err := splitContent(staged); err != nil {
		return nil, err
	}
	if err := compactCatalogs(staged); err != nil {
		return nil, err
	}
	var files []File
	renamed := map[string]string{}   // staged name → packed path
	integrity := map[string]string{} // staged name → sha384 SRI value
	for _, name := range sortedKeys(staged) {
		if name == loaderName || name == panelStyles || strings.HasSuffix(name, ".html") {
			continue
		}
		if name == runtimeListName {
			return nil, fmt.Errorf("%s is a reserved name in the packed files", name)
		}
		f := newFile(name, hashedPath(name, staged[name]), staged[name], true)
		renamed[name] = f.Path
		integrity[name] = f.Integrity
		files = append(files, f)
	}

	rf := runtimeFiles{
		Wasm: [2]string{renamed[wasmName], integrity[wasmName]},
		Exec: [2]string{renamed[execName], integrity[execName]},
		CSS:  strings.TrimSpace(string(staged[panelStyles])),
		I18n: catalogPaths(renamed),
	}
	if p, ok := renamed[inviteName]; ok {
		rf.Invite = &[2]string{p, integrity[inviteName]}
	}
	list, err := runtimeList(rf)
	if err != nil {
		return nil, err
	}
	runtime := newFile(runtimeListName, hashedPath(runtimeListName, list), list, true)
	files = append(files, runtime)
	listSum := sha256.Sum256(list) // sha256, not sha384: 21 bytes fewer in the loader, as strong here
	paths, _ := json.Marshal([3]string{runtime.Path, "sha256-" + base64.StdEncoding.EncodeToString(listSum[:]), version})
	loader := bytes.Replace(staged[loaderName], []byte(assetsPlaceholder), paths, 1)
	files = append(files, newFile(loaderName, loaderName, loader, false))

	for _, name := range sortedKeys(staged) {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		page := staged[name]
		for from, to := range renamed {
			page = bytes.ReplaceAll(page, []byte(`"/`+from+`"`), []byte(`"/`+to+`"`))
		}
		files = append(files, newFile(name, name, page, false))
	}

	for i := range files {
		if err := files[i].compress(); err != nil {
			return nil, err
		}
	}
	files = append(files, manifestFile(version, files))
	return files, nil
}

// runtimeFiles is the runtime list's JSON.
type runtimeFiles struct {
	Wasm [2]string         `json:"wasm"`
	Exec [2]string         `json:"exec"`
	CSS  string            `json:"css"`
	I18n map[string]string `json:"i18n,omitempty"` // language → packed catalog path
	// Invite is the invitation module's [path, sri], when it was staged.
	Invite *[2]string `json:"invite,omitempty"`
}

// runtimeList encodes the runtime list, without escaping the CSS's > and &
// for HTML: the loader reads it with JSON.parse.
func runtimeList(r runtimeFiles) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, fmt.Errorf("encode the runtime list: %w", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// readStage reads every regular file at the top of src and checks that the
// required ones are there and sane.
func readStage(src fs.FS) (map[string][]byte, error) {
	entries, err := fs.ReadDir(src, ".")
	if err != nil {
		return nil, err
	}
	staged := map[string][]byte{}
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		b, err := fs.ReadFile(src, e.Name())
		if err != nil {
			return nil, err
		}
		staged[e.Name()] = b
	}
	for _, name := range []string{loaderName, wasmName, execName, panelStyles, demoPage} {
		if len(staged[name]) == 0 {
			return nil, fmt.Errorf("%s is missing or empty (did the wasm build or the copy from GOROOT fail?)", name)
		}
	}
	if !bytes.HasPrefix(staged[wasmName], []byte("\x00asm")) {
		return nil, fmt.Errorf("%s is not a WebAssembly module", wasmName)
	}
	if !bytes.Contains(staged[loaderName], []byte(assetsPlaceholder)) {
		return nil, fmt.Errorf("%s has no %s placeholder for the asset paths", loaderName, assetsPlaceholder)
	}
	return staged, nil
}

// hashedPath returns a/<base>.<first 10 hex of sha256>.<ext>.
func hashedPath(name string, b []byte) string {
	sum := sha256.Sum256(b)
	ext := path.Ext(name)
	return "a/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
}

func newFile(name, p string, b []byte, immutable bool) File {
	sum := sha256.Sum256(b)
	sri := sha512.Sum384(b)
	return File{
		Entry: assets.Entry{
			Name:      name,
			Path:      p,
			Size:      int64(len(b)),
			SHA256:    hex.EncodeToString(sum[:]),
			Integrity: "sha384-" + base64.StdEncoding.EncodeToString(sri[:]),
			Immutable: immutable,
		},
		Raw: b,
	}
}

func (f *File) compress() error {
	var gz, br bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := brotli.NewWriterOptions(&br, brotli.WriterOptions{Quality: 11, LGWin: 24})
	for _, w := range []interface {
		Write([]byte) (int, error)
		Close() error
	}{zw, bw} {
		if _, err := w.Write(f.Raw); err != nil {
			return fmt.Errorf("compress %s: %w", f.Name, err)
		}
		if err := w.Close(); err != nil {
			return fmt.Errorf("compress %s: %w", f.Name, err)
		}
	}
	f.Gzip, f.Brotli = gz.Bytes(), br.Bytes()
	f.GzipSize, f.BrotliSize = int64(gz.Len()), int64(br.Len())
	return nil
}

func manifestFile(version string, files []File) File {
	m := assets.Manifest{Version: version}
	for _, f := range files {
		m.Files = append(m.Files, f.Entry)
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	f := newFile(assets.ManifestName, assets.ManifestName, append(b, '\n'), false)
	_ = f.compress() // cannot fail on an in-memory buffer
	return f
}

// Write replaces the contents of dir with files and their .br and .gz
// variants. Dotfiles in dir (such as .keep) are left alone.
func Write(dir string, files []File) error {
	if len(files) == 0 {
		return errors.New("refusing to write an empty file set")
	}
	old, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	for _, e := range old {
		if !strings.HasPrefix(e.Name(), ".") {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		for suffix, b := range map[string][]byte{"": f.Raw, ".br": f.Brotli, ".gz": f.Gzip} {
			if err := os.WriteFile(p+suffix, b, 0o644); err != nil {
				return fmt.Errorf("write packed files: %w", err)
			}
		}
	}
	return nil
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
