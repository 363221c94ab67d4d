package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// field is a labelled value in human-readable output.
type field struct{ label, value string }

// writeFields writes aligned "label  value" lines, skipping empty values and
// indenting the continuation lines of multi-line values.
func writeFields(w io.Writer, fields []field) {
	width := 0
	for _, f := range fields {
		if f.value != "" {
			width = max(width, len(f.label))
		}
	}
	for _, f := range fields {
		if f.value == "" {
			continue
		}
		indent := "\n" + strings.Repeat(" ", width+2)
		fmt.Fprintf(w, "%-*s  %s\n", width, f.label, strings.ReplaceAll(strings.TrimRight(f.value, "\n"), "\n", indent))
	}
}

// formatTime prints a session time in UTC, the same on every machine.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// formatDate is formatTime without the time of day, where space is short.
func formatDate(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02")
}
