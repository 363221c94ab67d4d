package fullstory_test

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every exported name of the public packages has a doc comment that starts
// with its name, so `go doc` documents the whole API.
func TestEveryExportedNameIsDocumented(t *testing.T) {
	for _, dir := range []string{".", "fullstorytest"} {
		if _, err := os.Stat(dir); err != nil {
			continue
		}
		fset := token.NewFileSet()
		names, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		var files []*ast.File
		for _, name := range names {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		d, err := doc.NewFromFiles(fset, files, "./"+dir)
		if err != nil {
			t.Fatal(err)
		}
		check := func(kind, name, text string) {
			if !ast.IsExported(name) {
				return
			}
			if strings.TrimSpace(text) == "" {
				t.Errorf("%s: %s %s has no doc comment", dir, kind, name)
			}
		}
		if strings.TrimSpace(d.Doc) == "" {
			t.Errorf("%s: package %s has no package doc", dir, d.Name)
		}
		for _, f := range d.Funcs {
			check("func", f.Name, f.Doc)
		}
		for _, ty := range d.Types {
			check("type", ty.Name, ty.Doc)
			for _, f := range append(ty.Funcs, ty.Methods...) {
				check("func", ty.Name+"."+f.Name, f.Doc)
			}
			for _, v := range append(ty.Consts, ty.Vars...) {
				for _, n := range v.Names {
					check("name", n, v.Doc+specDoc(v.Decl, n))
				}
			}
		}
		for _, v := range append(d.Consts, d.Vars...) {
			for _, n := range v.Names {
				check("name", n, v.Doc+specDoc(v.Decl, n))
			}
		}
	}
}

// specDoc returns the doc or line comment of name inside a grouped declaration.
func specDoc(decl *ast.GenDecl, name string) string {
	for _, spec := range decl.Specs {
		vs, ok := spec.(*ast.ValueSpec)
		if !ok {
			continue
		}
		for _, n := range vs.Names {
			if n.Name == name {
				return vs.Doc.Text() + vs.Comment.Text()
			}
		}
	}
	return ""
}

// Each example is a complete program to copy into a module of one's own:
// nothing in it, its tests included, reaches outside its folder.
func TestExamplesStandAlone(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("examples", "*", "*.go"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, name := range files {
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		assert.NotContains(t, string(data), `"../`, "%s reaches outside its folder", name)
		assert.NotContains(t, string(data), "internal/", "%s imports the repository's internals", name)
	}
}
