package fields

import (
	"fmt"
	"strings"

	"github.com/summarykit/fullstory-go/internal/shared"
)

// unknown is the error for a name that is not a field of o: it names the
// field by its path and says what was probably meant: a hint of the
// table's, a field of o spelt nearly so, the same name in another object
// of the body, or else every field of o.
func (w *walker) unknown(o *Object, path, key string, at int64) *Error {
	p := join(path, key)
	if hint, ok := o.Hints[key]; ok {
		return w.fail(at, p, "", fmt.Sprintf("unknown field %q: %s", p, hint))
	}
	if f, ok := nearest(o, key); ok {
		n := join(path, f.Name)
		return w.fail(at, p, n, fmt.Sprintf("unknown field %q; did you mean %q?", p, n))
	}
	if n, ok := elsewhere(w.root, key); ok {
		return w.fail(at, p, n, fmt.Sprintf("unknown field %q; did you mean %q?", p, n))
	}
	names := make([]string, len(o.Fields))
	for i, f := range o.Fields {
		names[i] = f.Name
	}
	where := o.Name
	if path != "" {
		where = fmt.Sprintf("%q", path)
	}
	return w.fail(at, p, "", fmt.Sprintf("unknown field %q; the fields of %s are %s", p, where, strings.Join(names, ", ")))
}

// nearest returns the field of o whose name, in either spelling and in any
// case, is within a few edits of key: at most a third of its length.
func nearest(o *Object, key string) (Field, bool) {
	best, bestD := Field{}, max(1, len(key)/3)+1
	k := strings.ToLower(key)
	for _, f := range o.Fields {
		for _, name := range []string{f.Name, f.Camel()} {
			if d := shared.EditDistance(k, strings.ToLower(name)); d < bestD {
				best, bestD = f, d
			}
		}
	}
	return best, best.Name != ""
}

// elsewhere finds key, in either spelling, as the name of a field in
// another object of root (a setting put at the wrong level) and returns its
// path. A response schema's names ("type", "title") are generic words, so
// they are not offered.
func elsewhere(root *Object, key string) (string, bool) {
	for _, p := range root.Paths() {
		if strings.Contains(p.Path, "response_schema.") {
			continue
		}
		if p.Field.Name == key || p.Field.Camel() == key {
			return p.Path, true
		}
	}
	return "", false
}
