package wire

import (
	"encoding/json"
	"testing"
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
