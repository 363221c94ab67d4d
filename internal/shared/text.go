package shared

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Unprintable reports whether r has no place in a line of a log or an error
// message: a control character (C0, DEL, C1) or a format character (Unicode
// category Cf), such as a text-direction override (U+202E), a zero-width space
// (U+200B), a byte-order mark (U+FEFF) or a soft hyphen (U+00AD). Format
// characters let a server reorder or hide parts of a line and defeat grep.
func Unprintable(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}

// IsControl reports whether r is a control character: C0, DEL or C1.
func IsControl(r rune) bool { return unicode.IsControl(r) }

// OneLine returns s as one printable line of at most n runes: invalid UTF-8
// and format characters are dropped, control characters and runs of white
// space become one space, and a cut is marked with "…".
func OneLine(s string, n int) string {
	s, cut := Cut(Collapse(s), n)
	if cut {
		s += "…"
	}
	return s
}

// Collapse returns s as one printable line: invalid UTF-8 and format
// characters are dropped, control characters and runs of white space
// become one space, and the ends are trimmed.
func Collapse(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r):
			return ' '
		case unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// Cut returns the first n runes of s, and whether that left any out.
func Cut(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false // n bytes hold at least n runes
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j], true
		}
		i++
	}
	return s, false
}

// Attempts returns "1 attempt" or "N attempts".
func Attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return strconv.Itoa(n) + " attempts"
}

// Printable returns s without format characters and invalid UTF-8, and with
// each control character replaced by a space, so that it prints as the one
// line it is meant to be, in the order it was written.
func Printable(s string) string {
	if !strings.ContainsFunc(s, Unprintable) && utf8.ValidString(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r):
			return ' '
		case unicode.Is(unicode.Cf, r), r == utf8.RuneError:
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}
