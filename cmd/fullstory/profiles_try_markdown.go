package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// writeMarkdown writes the side-by-side report of profiles try: a table of
// the profiles' settings, then a section per session with the summaries in
// adjacent columns.
func writeMarkdown(w io.Writer, r *tryReport) error {
	var b strings.Builder
	names := profileNames(r.profiles)
	fmt.Fprintf(&b, "# Profile comparison: %s\n\n", strings.Join(names, " vs "))
	b.WriteString(sessionsIntro(len(r.sessions)) + "\n\n")
	writeProfileTable(&b, r.profiles, names)
	for i, s := range r.sessions {
		fmt.Fprintf(&b, "\n## Session %d of %d: `%s`\n\n", i+1, len(r.sessions), s.ID())
		writeSessionLine(&b, s.CreatedTime, s.URL)
		mdRow(&b, names...)
		b.WriteString(strings.Repeat("|---", len(names)) + "|\n")
		cells := make([]string, len(r.results))
		for k, batch := range r.results {
			cells[k] = summaryCell(batch[i])
		}
		mdRow(&b, cells...)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdRow writes a Markdown table row.
func mdRow(b *strings.Builder, cells ...string) {
	b.WriteString("| " + strings.Join(each(cells, mdCell), " | ") + " |\n")
}

// writeSessionLine writes when a session was created, with a link to it.
func writeSessionLine(b *strings.Builder, created time.Time, url string) {
	fmt.Fprintf(b, "Created %s", formatTime(created))
	if url != "" {
		fmt.Fprintf(b, " · [replay in Fullstory](%s)", url)
	}
	b.WriteString("\n\n")
}

// writeProfileTable writes the section that sets the profiles' settings
// side by side.
func writeProfileTable(b *strings.Builder, profiles []*tryProfile, names []string) {
	b.WriteString("## Profiles\n\n")
	mdRow(b, append([]string{"Setting"}, names...)...)
	b.WriteString("|---" + strings.Repeat("|---", len(profiles)) + "|\n")
	for _, row := range settingsRows(profiles) {
		mdRow(b, row...)
	}
}

// summaryCell is a summary as a Markdown cell shows it.
func summaryCell(r summaryResult) string {
	if r.err != nil {
		return "**No summary:** " + errText(r.err)
	}
	return summaryText(r)
}

// mdCell makes s safe inside a Markdown table cell: HTML escaped, pipes
// escaped, line breaks as <br>.
func mdCell(s string) string {
	return mdEscaper.Replace(strings.TrimSpace(s))
}

var mdEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "|", `\|`, "\r\n", "<br>", "\n", "<br>", "\r", "<br>")

func each[T any](xs []T, f func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}
