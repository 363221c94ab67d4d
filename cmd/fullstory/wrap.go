package main

import (
	"strings"
	"unicode/utf8"
)

// wrapText breaks each line of s that is longer than width at spaces, never
// inside a word: a word longer than width stays whole on a line of its own.
// Continuation lines keep the line's indentation, so that lists and flag
// descriptions stay aligned; an indented "fullstory ..." example is broken
// as a shell command, with " \" and four more spaces, so that it can still
// be pasted. width <= 0 leaves s as it is.
func wrapText(s string, width int) string {
	if width <= 0 {
		return s
	}
	lines := strings.Split(s, "\n")
	var b strings.Builder
	for i, line := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(wrapLine(line, width))
	}
	return b.String()
}

func wrapLine(line string, width int) string {
	if utf8.RuneCountInString(line) <= width {
		return line
	}
	body := strings.TrimLeft(line, " ")
	indent := line[:len(line)-len(body)]
	next, end := indent, ""
	if indent != "" && strings.HasPrefix(body, "fullstory ") {
		next, end = indent+"    ", " \\"
	}
	var b strings.Builder
	cur := indent
	room := width - utf8.RuneCountInString(end)
	for _, word := range strings.Fields(body) {
		switch {
		case cur == indent || cur == next:
			cur += word
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(word) <= room:
			cur += " " + word
		default:
			b.WriteString(cur + end + "\n")
			cur = next + word
		}
	}
	b.WriteString(cur)
	return b.String()
}
