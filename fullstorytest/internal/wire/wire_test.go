package wire

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/summarykit/fullstory-go/internal/fields"
)

// int64 fields are read as numbers or strings and written as strings;
// int32 fields are written as numbers.
func TestInts(t *testing.T) {
	for in, want := range map[string]int64{`5`: 5, `"5"`: 5, `null`: 0, `"-90000"`: -90000} {
		var s Slice
		if err := json.Unmarshal([]byte(`{"event_limit":`+in+`,"duration_limit_ms":`+in+`}`), &s); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if int64(s.EventLimit) != want || int64(s.DurationLimitMS) != want {
			t.Errorf("%s read as %d and %d, want %d", in, s.EventLimit, s.DurationLimitMS, want)
		}
	}
	for _, in := range []string{`1.5`, `"x"`, `true`} {
		var n Int
		if err := json.Unmarshal([]byte(in), &n); err == nil {
			t.Errorf("%s read as %d, want an error", in, n)
		}
	}
	out, err := json.Marshal(Slice{EventLimit: 50, DurationLimitMS: 90000})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"event_limit":50,"duration_limit_ms":"90000"}`; string(out) != want {
		t.Errorf("got %s, want %s", out, want)
	}
}

// The fake's request types read every name of the table the fake checks
// bodies against (internal/fields), and no other: a name the table takes
// but no field here reads would be accepted and then dropped.
func TestRequestTypesAreTheFieldsTable(t *testing.T) {
	for _, tc := range []struct {
		typ   reflect.Type
		table *fields.Object
	}{
		{reflect.TypeFor[ProfileRequest](), fields.Profile},
		{reflect.TypeFor[SummaryRequest](), fields.Overrides},
		{reflect.TypeFor[Config](), fields.Context},
	} {
		var want []string
		for _, p := range tc.table.Paths() {
			want = append(want, p.Path)
		}
		got := jsonPaths(tc.typ, "", nil)
		if tc.table == fields.Context {
			got = slices.DeleteFunc(got, func(p string) bool { return p == "llm" || strings.HasPrefix(p, "llm.") })
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(want, got) {
			t.Errorf("%s: the table has\n%v\nthe wire type reads\n%v", tc.table.Name, want, got)
		}
	}
}

// jsonPaths lists the dotted JSON names t decodes, with a type that holds
// itself expanded once, as fields.Paths lists them.
func jsonPaths(t reflect.Type, prefix string, open []reflect.Type) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t.PkgPath() != reflect.TypeFor[Config]().PkgPath() || slices.Contains(open, t) {
		return nil
	}
	open = append(open, t)
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			out = append(out, jsonPaths(f.Type, prefix, open)...)
			continue
		}
		out = append(out, prefix+name)
		sub := prefix + name + "."
		if f.Type.Kind() == reflect.Map {
			sub = prefix + name + ".*."
		}
		out = append(out, jsonPaths(f.Type, sub, open)...)
	}
	return out
}
