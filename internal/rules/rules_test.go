package rules

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// The README shows the table as Markdown renders it.
func TestREADMEShowsRules(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "<!-- rules:begin")
	if !ok {
		t.Fatal("README.md has no <!-- rules:begin --> marker")
	}
	_, rest, _ = strings.Cut(rest, "-->\n")
	shown, _, ok := strings.Cut(rest, "<!-- rules:end -->")
	if !ok {
		t.Fatal("README.md has no <!-- rules:end --> marker")
	}
	if want := Markdown(); shown != want {
		t.Errorf("README.md's rules table is out of date; replace it with:\n%s", want)
	}
}

// Every bad input is a JSON object.
func TestBadIsJSON(t *testing.T) {
	for _, r := range All {
		var v map[string]any
		if err := json.Unmarshal([]byte(r.Bad), &v); err != nil {
			t.Errorf("%s: %v", r.Field, err)
		}
	}
}
