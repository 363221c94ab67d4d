package shared

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"a\nb\tc":                "a b c",
		"  spaced   out  ":       "spaced out",
		"ev\u202Egnp.exe":        "evgnp.exe",
		"zero\u200Bw\uFEFF":      "zerow",
		"soft\u00ADhy":           "softhy",
		"iso\u2066x\u2069":       "isox",
		"bad \xff utf8":          "bad utf8",
		"c1\u0085next":           "c1 next",
		"ümlaut ok":              "ümlaut ok",
		"0123456789abcdefghijkl": "0123456789…",
	} {
		assert.Equal(t, want, OneLine(in, 10), "%q", in)
	}
	assert.Equal(t, "abc…", OneLine("abcdef", 3))
}

func TestUnprintable(t *testing.T) {
	for _, r := range []rune{0, '\n', 0x7f, 0x85, 0x200B, 0x200D, 0x202A, 0x202E, 0x2066, 0x2069, 0xFEFF, 0x00AD} {
		assert.True(t, Unprintable(r), "%U", r)
	}
	for _, r := range []rune{' ', 'a', 'é', '…', '中'} {
		assert.False(t, Unprintable(r), "%U", r)
	}
}

func TestIsLoopback(t *testing.T) {
	for _, h := range []string{"localhost", "LOCALHOST", "127.0.0.1", "127.8.9.10", "::1", "[::1]"} {
		assert.True(t, IsLoopback(h), h)
	}
	for _, h := range []string{"", "example.com", "10.0.0.1", "0.0.0.0", "localhost.example.com", "::"} {
		assert.False(t, IsLoopback(h), h)
	}
}

func TestMarshalJSON(t *testing.T) {
	b, err := MarshalJSON(map[string]string{"p": "<b>&</b>"})
	assert.NoError(t, err)
	assert.Equal(t, `{"p":"<b>&</b>"}`, string(b))
}

func TestAttemptsAndClonePtr(t *testing.T) {
	assert.Equal(t, "1 attempt", Attempts(1))
	assert.Equal(t, "3 attempts", Attempts(3))
	assert.Nil(t, ClonePtr[int](nil))
	v := 4
	p := ClonePtr(&v)
	*p = 5
	assert.Equal(t, 4, v)
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"email", "email", 0}, {"emial", "email", 1}, {"temprature", "temperature", 1},
		{"event_limt", "event_limit", 1}, {"pre-prompt", "pre_prompt", 1}, {"", "abc", 3}, {"dance", "fake", 3},
	} {
		if got := EditDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := EditDistance(tc.b, tc.a); got != tc.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", tc.b, tc.a, got, tc.want)
		}
	}
}
