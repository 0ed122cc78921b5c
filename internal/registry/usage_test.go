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

// keyUse is one literal key name passed to the store, and where.
type keyUse struct{ key, pos string }

// storeKeyUses finds, in the Go files of one package (name → source; nil
// source reads the file), every Get/Set/Remove call with a literal key name
// on a value of type *store.Store (a variable, parameter or field declared
// with that type anywhere in the package, or assigned from store.New/Open/
// NewWithBackends), and every declared("name") inside package store.
func storeKeyUses(t *testing.T, fset *token.FileSet, sources map[string]any) []keyUse {
	t.Helper()
	var files []*ast.File
	for name, src := range sources {
		f, err := parser.ParseFile(fset, name, src, 0)
		require.NoError(t, err)
		files = append(files, f)
	}
	var uses []keyUse
	stores := map[string]bool{} // names of variables, parameters and fields holding a *Store
	for _, f := range files {
		collectStores(f, stores)
	}
	for _, f := range files {
		uses = append(uses, literalKeys(t, fset, f, stores)...)
	}
	return uses
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

func literalKeys(t *testing.T, fset *token.FileSet, f *ast.File, stores map[string]bool) []keyUse {
	inStore := f.Name.Name == "store"
	var uses []keyUse
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		key, err := strconv.Unquote(lit.Value)
		require.NoError(t, err)
		switch fn := call.Fun.(type) {
		case *ast.Ident:
			if inStore && fn.Name == "declared" {
				uses = append(uses, keyUse{key, fset.Position(lit.Pos()).String()})
			}
		case *ast.SelectorExpr:
			if fn.Sel.Name != "Get" && fn.Sel.Name != "Set" && fn.Sel.Name != "Remove" {
				return true
			}
			var recv string
			switch x := fn.X.(type) {
			case *ast.Ident:
				recv = x.Name
			case *ast.SelectorExpr:
				recv = x.Sel.Name
			}
			if stores[recv] {
				uses = append(uses, keyUse{key, fset.Position(lit.Pos()).String()})
			}
		}
		return true
	})
	return uses
}

// TestStoreUsesOnlyDeclaredKeys reads every Go file of the wasm runtime and
// fails on a store call with a key name that is not in the registry, so an
// undeclared key is caught before any browser runs the code path.
func TestStoreUsesOnlyDeclaredKeys(t *testing.T) {
	fset := token.NewFileSet()
	packages := map[string]map[string]any{} // directory → its non-test Go files
	root := filepath.Join("..", "..", "wasm")
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
	seen := map[string]bool{}
	for _, files := range packages {
		for _, u := range storeKeyUses(t, fset, files) {
			seen[u.pos] = true
			_, ok := Lookup(u.key)
			assert.True(t, ok, "%s: store key %q is not declared in internal/registry", u.pos, u.key)
		}
	}
	assert.GreaterOrEqual(t, len(seen), 8, "the scan must find the runtime's store calls (theme, consent, forget…): %v", seen)
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
func (v *View) more() { v.store.Get("draft", nil) }`})
	keys := make([]string, 0, len(uses))
	for _, u := range uses {
		keys = append(keys, u.key)
	}
	assert.ElementsMatch(t, []string{"theme", "nope", "gone", "lang", "draft"}, keys, "a field declared in another file counts")
}
