package main

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// wrapText breaks each line of s that is longer than width at spaces, never
// inside a word: a word too long for any line, such as a URL, stays whole
// where it is.
// Continuation lines keep the line's indentation, or start under the second
// column of a "name   description" row, so that lists and flag descriptions
// stay aligned; an indented "fullstory ..." example is broken
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

// token is a word with the spaces before it.
var token = regexp.MustCompile(` *[^ ]+`)

func wrapLine(line string, width int) string {
	if utf8.RuneCountInString(line) <= width {
		return line
	}
	body := strings.TrimLeft(line, " ")
	indent := line[:len(line)-len(body)]
	next, end := indent, ""
	switch {
	case indent != "" && strings.HasPrefix(body, "fullstory "):
		next, end = indent+"    ", " \\"
	case hangs(line, width):
		// "  name   description": the description's column.
		gap := strings.Index(body, "  ")
		col := len(indent) + gap + len(body[gap:]) - len(strings.TrimLeft(body[gap:], " "))
		next = strings.Repeat(" ", col)
	}
	var b strings.Builder
	cur, empty := indent, true
	room := width - utf8.RuneCountInString(end)
	for _, tok := range token.FindAllString(body, -1) {
		word := strings.TrimLeft(tok, " ")
		switch {
		case empty:
			cur += word
		case utf8.RuneCountInString(cur)+utf8.RuneCountInString(tok) <= room,
			utf8.RuneCountInString(next+word) > room:
			// It fits, or it would not fit on a line of its own either,
			// such as a long URL: breaking before it helps nothing.
			cur += tok
		default:
			b.WriteString(cur + end + "\n")
			cur = next + word
		}
		empty = false
	}
	b.WriteString(cur)
	return b.String()
}

// hangs reports whether line is a "name   description" row, such as a
// command list's or a "Label  value" field's: a short name, then two spaces
// or more, then a column that leaves room to wrap in.
func hangs(line string, width int) bool {
	body := strings.TrimLeft(line, " ")
	gap := strings.Index(body, "  ")
	return gap > 0 && gap <= 28 && len(line)-len(strings.TrimLeft(body[gap:], " ")) < width/2
}
