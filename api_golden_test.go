package fullstory_test

import (
	"bytes"
	"flag"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateAPI = flag.Bool("update-api", false, "rewrite testdata/api/*.txt from the packages' exported API")

// The exported API of the public packages, pinned: every exported name,
// with its signature or type, is in testdata/api/<package>.txt, and a change
// to it fails this test until the file is rewritten on purpose:
//
//	go test -run TestExportedAPIIsPinned . -update-api
//
// so that no name or signature changes by accident, and a review sees every
// change to the API as a change to that file.
func TestExportedAPIIsPinned(t *testing.T) {
	for dir, golden := range map[string]string{".": "fullstory.txt", "fullstorytest": "fullstorytest.txt"} {
		t.Run(golden, func(t *testing.T) {
			got := exportedAPI(t, dir)
			path := filepath.Join("testdata", "api", golden)
			if *updateAPI {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "no pinned API: run go test -run TestExportedAPIIsPinned . -update-api")
			assert.Equal(t, string(want), got, "the exported API of %s changed: if on purpose, run go test -run TestExportedAPIIsPinned . -update-api and review the diff", dir)
		})
	}
}

// exportedAPI prints the exported declarations of the package in dir, one
// a line (a type whole), without doc comments, bodies or unexported fields,
// sorted.
func exportedAPI(t *testing.T, dir string) string {
	t.Helper()
	fset := token.NewFileSet()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	require.NoError(t, err)
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		files = append(files, f)
	}
	d, err := doc.NewFromFiles(fset, files, "./"+dir)
	require.NoError(t, err)
	var lines []string
	print := func(node any) {
		var b bytes.Buffer
		require.NoError(t, (&printer.Config{Mode: printer.UseSpaces, Tabwidth: 4}).Fprint(&b, fset, node))
		lines = append(lines, b.String())
	}
	values := func(vs []*doc.Value) {
		for _, v := range vs {
			v.Decl.Doc = nil
			for _, spec := range v.Decl.Specs {
				spec.(*ast.ValueSpec).Doc, spec.(*ast.ValueSpec).Comment = nil, nil
			}
			print(v.Decl)
		}
	}
	funcs := func(fs []*doc.Func) {
		for _, f := range fs {
			f.Decl.Doc, f.Decl.Body = nil, nil
			print(f.Decl)
		}
	}
	values(d.Consts)
	values(d.Vars)
	funcs(d.Funcs)
	for _, ty := range d.Types {
		ty.Decl.Doc = nil
		for _, spec := range ty.Decl.Specs {
			ts := spec.(*ast.TypeSpec)
			ts.Doc, ts.Comment = nil, nil
			ast.Inspect(ts.Type, func(n ast.Node) bool {
				if f, ok := n.(*ast.Field); ok {
					f.Doc, f.Comment = nil, nil
				}
				return true
			})
		}
		print(ty.Decl)
		values(ty.Consts)
		values(ty.Vars)
		funcs(ty.Funcs)
		funcs(ty.Methods)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}
