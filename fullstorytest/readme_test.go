package fullstorytest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/summarykit/fullstory-go/fullstorytest"
)

// readmeWire is the README's text on the fake server's endpoints: every
// `$ curl` line in it, run in order against a fresh fake, must get the
// answer printed under it, so the docs cannot drift from the fake.
const readmeWire = "testdata/readme_wire.md"

// In an answer, a string that ends in "…" stands for any string that starts
// so, "…" as the last element of a list for any further elements, and a
// "…" key for any further keys.
const elided = "…"

func TestREADMEWireExamples(t *testing.T) {
	data, err := os.ReadFile(readmeWire)
	require.NoError(t, err)
	examples := curlExamples(string(data))
	require.GreaterOrEqual(t, len(examples), 20)
	srv := newServer(t)
	ops := map[string]bool{}
	for _, ex := range examples {
		status, body := ex.run(t, srv)
		var want, got any
		require.NoError(t, decodeNumbers(ex.answer, &want), "the answer to %s is not JSON:\n%s", ex.line, ex.answer)
		require.NoError(t, decodeNumbers(body, &got), "%s: %s", ex.line, body)
		wantStatus := http.StatusOK
		if m, ok := want.(map[string]any); ok && m["code"] != nil {
			wantStatus = http.StatusBadRequest
		}
		assert.Equal(t, wantStatus, status, "%s: %s", ex.line, body)
		for _, diff := range matchJSON("", want, got) {
			t.Errorf("%s\n  %s\n  got: %s", ex.line, diff, body)
		}
		if reqs := srv.Requests(); len(reqs) > 0 {
			ops[string(reqs[len(reqs)-1].Op)] = true
		}
	}
	for _, op := range fullstorytest.Operations() {
		assert.True(t, ops[string(op)], "%s has no example", op)
	}
}

// curlExample is one `$ curl` line and the answer printed under it.
type curlExample struct {
	line   string
	args   []string
	answer string
}

// curlExamples finds the examples in the code blocks of a Markdown text.
func curlExamples(md string) []curlExample {
	var out []curlExample
	inBlock := false
	for _, line := range strings.Split(md, "\n") {
		switch {
		case strings.HasPrefix(line, "```"):
			inBlock = !inBlock
		case inBlock && strings.HasPrefix(line, "$ curl "):
			out = append(out, curlExample{line: line, args: shellWords(strings.TrimPrefix(line, "$ "))})
		case inBlock && len(out) > 0:
			out[len(out)-1].answer += line + "\n"
		}
	}
	return out
}

// shellWords splits a command line as a POSIX shell does, for the quoting
// the examples use: single quotes and bare words.
func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	in, quoted := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			quoted, in = !quoted, true
		case r == ' ' && !quoted:
			if in {
				words = append(words, cur.String())
				cur.Reset()
			}
			in = false
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}

// run sends the example's request as curl would, to srv instead of
// 127.0.0.1:8080.
func (ex curlExample) run(t *testing.T, srv *fullstorytest.Server) (int, []byte) {
	t.Helper()
	method, body, target := "", "", ""
	header := http.Header{}
	for i := 1; i < len(ex.args); i++ {
		switch a := ex.args[i]; a {
		case "-s":
		case "-X":
			i++
			method = ex.args[i]
		case "-d":
			i++
			body = ex.args[i]
		case "-H":
			i++
			k, v, _ := strings.Cut(ex.args[i], ": ")
			header.Add(k, v)
		default:
			require.True(t, strings.HasPrefix(a, "http://127.0.0.1:8080/"), "%s: what is %q?", ex.line, a)
			target = srv.URL + strings.TrimPrefix(a, "http://127.0.0.1:8080")
		}
	}
	if method == "" {
		method = map[bool]string{true: "POST", false: "GET"}[body != ""]
	}
	req, err := http.NewRequestWithContext(t.Context(), method, target, strings.NewReader(body))
	require.NoError(t, err)
	req.Header = header
	req.Close = true
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err, ex.line)
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, got
}

func decodeNumbers(s any, v *any) error {
	var data []byte
	switch s := s.(type) {
	case string:
		data = []byte(s)
	case []byte:
		data = s
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(v)
}

// matchJSON returns how got differs from want, with want's elisions.
func matchJSON(path string, want, got any) []string {
	switch w := want.(type) {
	case string:
		g, ok := got.(string)
		if prefix, cut := strings.CutSuffix(w, elided); cut && ok && strings.HasPrefix(g, prefix) {
			return nil
		}
		if !ok || g != w {
			return []string{fmt.Sprintf("%s: want %q, got %v", path, w, got)}
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want a list, got %v", path, got)}
		}
		open := len(w) > 0 && w[len(w)-1] == elided
		if open {
			w = w[:len(w)-1]
		}
		if len(g) < len(w) || (!open && len(g) != len(w)) {
			return []string{fmt.Sprintf("%s: want %d elements, got %d", path, len(w), len(g))}
		}
		var diffs []string
		for i := range w {
			diffs = append(diffs, matchJSON(fmt.Sprintf("%s[%d]", path, i), w[i], g[i])...)
		}
		return diffs
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an object, got %v", path, got)}
		}
		var diffs []string
		_, open := w[elided]
		for k, wv := range w {
			if k == elided {
				continue
			}
			gv, ok := g[k]
			if !ok {
				diffs = append(diffs, fmt.Sprintf("%s.%s: missing", path, k))
				continue
			}
			diffs = append(diffs, matchJSON(path+"."+k, wv, gv)...)
		}
		if !open {
			for k := range g {
				if _, ok := w[k]; !ok {
					diffs = append(diffs, fmt.Sprintf("%s.%s: not in the example", path, k))
				}
			}
		}
		slices.Sort(diffs)
		return diffs
	default: // a json.Number, a bool or nil
		if fmt.Sprintf("%T %v", want, want) != fmt.Sprintf("%T %v", got, got) {
			return []string{fmt.Sprintf("%s: want %T %v, got %T %v", path, want, want, got, got)}
		}
	}
	return nil
}

// The README shows testdata/readme_wire.md, which TestREADMEWireExamples runs.
func TestREADMEHasWireExamples(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	want, err := os.ReadFile(readmeWire)
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(readme), "<!-- fake-wire:begin (fullstorytest/testdata/readme_wire.md; TestREADMEHasWireExamples checks it) -->\n")
	require.True(t, ok, "README.md has no fake-wire:begin marker")
	block, _, ok := strings.Cut(rest, "<!-- fake-wire:end -->")
	require.True(t, ok, "README.md has no fake-wire:end marker")
	assert.Equal(t, string(want), block, "README.md's fake-server examples are out of date; paste testdata/readme_wire.md")
}
