package registry

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// keyUse is one key name passed to the store, where, and whether the call
// writes it.
type keyUse struct {
	key, pos string
	write    bool
}

// storeKeyUses finds, in the Go files of one package (name → source; nil
// source reads the file), every Get/Set/Remove call on a value of type
// *store.Store (a variable, parameter or field declared with that type
// anywhere in the package, or assigned from store.New/Open/NewWithBackends)
// whose key is a string literal or a string constant of the package, and
// every declared("name") inside package store. Set writes its key; so does
// declared inside package store, which writes the forget signal and a
// refusal past Set. A function of the package that passes its first
// parameter to Set as the key (a helper such as views' Panel.set) writes the
// literal its callers give it.
func storeKeyUses(t *testing.T, fset *token.FileSet, sources map[string]any) []keyUse {
	t.Helper()
	var files []*ast.File
	for name, src := range sources {
		f, err := parser.ParseFile(fset, name, src, 0)
		require.NoError(t, err)
		files = append(files, f)
	}
	var uses []keyUse
	stores := map[string]bool{}          // names of variables, parameters and fields holding a *Store
	consts := map[string]*ast.BasicLit{} // string constants of the package
	for _, f := range files {
		collectStores(f, stores)
		collectConsts(f, consts)
	}
	writers := map[string]bool{} // functions that pass their first parameter to Set
	for _, f := range files {
		collectWriters(f, stores, writers)
	}
	for _, f := range files {
		uses = append(uses, literalKeys(t, fset, f, stores, consts, writers)...)
	}
	return uses
}

// collectWriters records the functions and methods of f whose first
// parameter is the key of a Set on a store.
func collectWriters(f *ast.File, stores map[string]bool, writers map[string]bool) {
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Body == nil || len(fn.Type.Params.List) == 0 || len(fn.Type.Params.List[0].Names) == 0 {
			continue
		}
		param := fn.Type.Params.List[0].Names[0].Name
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			arg, isIdent := call.Args[0].(*ast.Ident)
			if ok && isIdent && sel.Sel.Name == "Set" && arg.Name == param && stores[receiver(sel)] {
				writers[fn.Name.Name] = true
			}
			return true
		})
	}
}

// receiver is the name of the value a method is called on: s for s.Get,
// store for v.store.Get.
func receiver(sel *ast.SelectorExpr) string {
	switch x := sel.X.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return x.Sel.Name
	}
	return ""
}

// collectConsts records the constants of f whose value is a string literal.
func collectConsts(f *ast.File, consts map[string]*ast.BasicLit) {
	ast.Inspect(f, func(n ast.Node) bool {
		decl, ok := n.(*ast.GenDecl)
		if !ok || decl.Tok != token.CONST {
			return true
		}
		for _, spec := range decl.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, id := range vs.Names {
				if i < len(vs.Values) {
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						consts[id.Name] = lit
					}
				}
			}
		}
		return true
	})
}

func collectStores(f *ast.File, stores map[string]bool) {
	inStore := f.Name.Name == "store"
	isStoreType := func(e ast.Expr) bool {
		star, ok := e.(*ast.StarExpr)
		if !ok {
			return false
		}
		switch x := star.X.(type) {
		case *ast.SelectorExpr:
			pkg, ok := x.X.(*ast.Ident)
			return ok && pkg.Name == "store" && x.Sel.Name == "Store"
		case *ast.Ident:
			return inStore && x.Name == "Store"
		}
		return false
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Field:
			if isStoreType(n.Type) {
				for _, id := range n.Names {
					stores[id.Name] = true
				}
			}
		case *ast.ValueSpec:
			if n.Type != nil && isStoreType(n.Type) {
				for _, id := range n.Names {
					stores[id.Name] = true
				}
			}
		case *ast.AssignStmt:
			for i, rhs := range n.Rhs {
				call, ok := rhs.(*ast.CallExpr)
				if !ok || i >= len(n.Lhs) {
					continue
				}
				var fn string
				switch c := call.Fun.(type) {
				case *ast.SelectorExpr:
					if pkg, ok := c.X.(*ast.Ident); ok && pkg.Name == "store" {
						fn = c.Sel.Name
					}
				case *ast.Ident:
					if inStore {
						fn = c.Name
					}
				}
				if fn == "New" || fn == "Open" || fn == "NewWithBackends" {
					if id, ok := n.Lhs[i].(*ast.Ident); ok {
						stores[id.Name] = true
					}
				}
			}
		}
		return true
	})
}

func literalKeys(t *testing.T, fset *token.FileSet, f *ast.File, stores map[string]bool, consts map[string]*ast.BasicLit, writers map[string]bool) []keyUse {
	inStore := f.Name.Name == "store"
	var uses []keyUse
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if id, isIdent := call.Args[0].(*ast.Ident); isIdent {
			lit, ok = consts[id.Name]
		}
		if !ok || lit.Kind != token.STRING {
			return true
		}
		key, err := strconv.Unquote(lit.Value)
		require.NoError(t, err)
		pos := fset.Position(call.Args[0].Pos()).String()
		switch fn := call.Fun.(type) {
		case *ast.Ident:
			if inStore && fn.Name == "declared" {
				uses = append(uses, keyUse{key, pos, true})
			}
		case *ast.SelectorExpr:
			if writers[fn.Sel.Name] {
				uses = append(uses, keyUse{key, pos, true})
				return true
			}
			if fn.Sel.Name != "Get" && fn.Sel.Name != "Set" && fn.Sel.Name != "Remove" {
				return true
			}
			if stores[receiver(fn)] {
				uses = append(uses, keyUse{key, pos, fn.Sel.Name == "Set"})
			}
		}
		return true
	})
	return uses
}

// runtimeKeyUses scans every non-test Go file of the wasm runtime, package
// by package, for its store calls.
func runtimeKeyUses(t *testing.T) []keyUse {
	t.Helper()
	fset := token.NewFileSet()
	packages := map[string]map[string]any{} // directory → its non-test Go files
	root := filepath.Join("..", "..", "..", "wasm")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		dir := filepath.Dir(path)
		if packages[dir] == nil {
			packages[dir] = map[string]any{}
		}
		packages[dir][path] = nil
		return nil
	})
	require.NoError(t, err)
	var uses []keyUse
	for _, files := range packages {
		uses = append(uses, storeKeyUses(t, fset, files)...)
	}
	return uses
}

// TestStoreUsesOnlyDeclaredKeys reads every Go file of the wasm runtime and
// fails on a store call with a key name that is not in the registry, so an
// undeclared key is caught before any browser runs the code path.
func TestStoreUsesOnlyDeclaredKeys(t *testing.T) {
	seen := map[string]bool{}
	for _, u := range runtimeKeyUses(t) {
		seen[u.pos] = true
		_, ok := Lookup(u.key)
		assert.True(t, ok, "%s: store key %q is not declared in internal/shared/registry", u.pos, u.key)
	}
	assert.GreaterOrEqual(t, len(seen), 8, "the scan must find the runtime's store calls (theme, consent, forget…): %v", seen)
}

// TestEveryDeclaredKeyIsWritten is the mirror of
// TestStoreUsesOnlyDeclaredKeys: the disclosure must not promise a key that
// no code of the wasm runtime writes, so each declared key needs a Set (or,
// inside package store, a write of its own) somewhere in the runtime.
func TestEveryDeclaredKeyIsWritten(t *testing.T) {
	written := map[string][]string{}
	for _, u := range runtimeKeyUses(t) {
		if u.write {
			written[u.key] = append(written[u.key], u.pos)
		}
	}
	for _, k := range Keys {
		t.Run(k.Name, func(t *testing.T) {
			assert.NotEmpty(t, written[k.Name], "the registry declares %q but no code of the wasm runtime writes it: build what it is declared for, or remove it", k.Name)
		})
	}
}

func TestStoreKeyUsesFindsCalls(t *testing.T) {
	src := `package views
import "github.com/crumbless/crumbless/wasm/store"
type View struct{ store *store.Store }
func use(s *store.Store, v *View, m map[string]int, obj interface{ Get(string) int }) {
	st := store.Open(store.Options{})
	var other *store.Store
	s.Get("theme", nil)
	v.store.Set("nope", 1)
	st.Remove("gone")
	other.Set("lang", "fr")
	obj.Get("localStorage") // not a store
	m["x"] = 1
}`
	uses := storeKeyUses(t, token.NewFileSet(), map[string]any{"x.go": src, "y.go": `package views
const tokenKey = "visitor"
func (v *View) more() { v.store.Get("draft", nil); v.store.Set(tokenKey, "t"); v.set("open", true) }
func (v *View) set(name string, x any) { _ = v.store.Set(name, x) }`})
	keys := make([]string, 0, len(uses))
	var written []string
	for _, u := range uses {
		keys = append(keys, u.key)
		if u.write {
			written = append(written, u.key)
		}
	}
	assert.ElementsMatch(t, []string{"theme", "nope", "gone", "lang", "draft", "visitor", "open"}, keys, "a field or constant declared in another file counts")
	assert.ElementsMatch(t, []string{"nope", "lang", "visitor", "open"}, written, "Set writes, and so does a helper that passes its key to Set; Get and Remove do not")
}
