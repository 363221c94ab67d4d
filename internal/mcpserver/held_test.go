package mcpserver

import (
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHeldStoreBounds(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	s := newHeldStore()
	s.now = func() time.Time { return now }
	s.maxBytes, s.maxEntries = 100, 3

	a := s.put("ev", 10, "a")
	_, ok := s.get("cx", a)
	assert.False(t, ok, "a cursor of one tool is refused by the other")
	v, ok := s.get("ev", a)
	require.True(t, ok)
	assert.Equal(t, "a", v)

	// Idle entries expire; reading one keeps it.
	b := s.put("ev", 10, "b")
	now = now.Add(heldIdle - time.Second)
	_, ok = s.get("ev", a)
	require.True(t, ok)
	now = now.Add(2 * time.Second)
	_, ok = s.get("ev", b)
	assert.False(t, ok, "unread for %s", heldIdle)
	_, ok = s.get("ev", a)
	assert.True(t, ok)

	// Entries and bytes are bounded; the least recently used go first.
	c := s.put("ev", 10, "c")
	d := s.put("ev", 10, "d")
	assert.Equal(t, 3, s.len())
	s.put("ev", 10, "e")
	assert.Equal(t, 3, s.len())
	_, ok = s.get("ev", a)
	assert.False(t, ok, "a was the least recently used")
	big := s.put("ev", 90, "big")
	_, ok = s.get("ev", big)
	assert.True(t, ok)
	for _, tok := range []string{c, d} {
		_, ok = s.get("ev", tok)
		assert.False(t, ok, "evicted to make room")
	}
	huge := s.put("cx", 1000, "huge")
	_, ok = s.get("cx", huge)
	assert.True(t, ok, "the newest is held even alone over the bound")
	assert.Equal(t, 1, s.len())
}

func TestCursor(t *testing.T) {
	tok := strings.Repeat("ab", 12)
	c := makeCursor("ev", tok, 200)
	gotTok, off, ok := parseCursor("ev", c)
	require.True(t, ok)
	assert.Equal(t, tok, gotTok)
	assert.Equal(t, 200, off)
	for _, bad := range []string{"", "ev", "ev." + tok, "cx." + tok + ".1", "ev." + tok + ".0", "ev." + tok + ".-1", "ev." + tok + ".x", "ev.zz" + tok[2:] + ".1", "ev." + tok + "0.1", "ev." + tok + ".1.2"} {
		_, _, ok := parseCursor("ev", bad)
		assert.False(t, ok, bad)
	}
}

func FuzzParseCursor(f *testing.F) {
	f.Add("ev." + strings.Repeat("0f", 12) + ".10")
	f.Add("ev..")
	f.Fuzz(func(t *testing.T, s string) {
		tok, off, ok := parseCursor("ev", s)
		if !ok {
			return
		}
		if _, err := hex.DecodeString(tok); err != nil || off <= 0 || len(tok) != 24 {
			t.Fatalf("accepted %q: %q %d", s, tok, off)
		}
	})
}
