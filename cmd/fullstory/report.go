package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
)

// writeMarkdown writes the side-by-side report of profiles try: a table of
// the profiles' settings, then a section per session with the summaries in
// adjacent columns.
func writeMarkdown(w io.Writer, r *tryReport) error {
	var b strings.Builder
	names := profileNames(r.Profiles)
	fmt.Fprintf(&b, "# Profile comparison: %s\n\n", strings.Join(names, " vs "))
	if len(r.Sessions) == 1 {
		b.WriteString("The latest session of one user, summarized with each profile.\n\n")
	} else {
		fmt.Fprintf(&b, "The %d latest sessions of one user, summarized with each profile.\n\n", len(r.Sessions))
	}

	writeProfileTable(&b, r.Profiles, names)
	for i, s := range r.Sessions {
		fmt.Fprintf(&b, "\n## Session %d of %d: `%s`\n\n", i+1, len(r.Sessions), s.Session)
		writeSessionLine(&b, s.CreatedTime, s.URL)
		mdRow(&b, names...)
		b.WriteString(strings.Repeat("|---", len(names)) + "|\n")
		mdRow(&b, each(s.Summaries, summaryCell)...)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// profileNames are the report's column heads: "A: Support assistant".
func profileNames(profiles []*tryProfile) []string {
	names := make([]string, len(profiles))
	for i, p := range profiles {
		names[i] = p.Label + ": " + p.Name
	}
	return names
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
	row := func(cells ...string) { mdRow(b, cells...) }
	row(append([]string{"Setting"}, names...)...)
	b.WriteString("|---" + strings.Repeat("|---", len(profiles)) + "|\n")
	row(append([]string{"File"}, each(profiles, func(p *tryProfile) string { return cmp.Or(p.File, "-") })...)...)
	described := make([][]field, len(profiles))
	for i, p := range profiles {
		if p.Settings != nil {
			described[i] = describeConfig(&p.Settings.ProfileConfig)
		}
	}
	for k, f := range describeConfig(&fullstory.ProfileConfig{}) {
		cells := []string{f.label}
		for i, p := range profiles {
			if p.Settings == nil {
				cells = append(cells, "(API default)")
			} else {
				cells = append(cells, cmp.Or(described[i][k].value, "(default)"))
			}
		}
		row(cells...)
	}
}

// summaryCell is a summary's text and compact structured response, or its error.
func summaryCell(r summaryResult) string {
	if r.err != nil {
		return "**No summary:** " + r.Error
	}
	text := r.Summary
	if len(r.Response) > 0 {
		var buf bytes.Buffer
		if json.Compact(&buf, r.Response) == nil {
			text = strings.TrimSpace(text + "\n\n" + buf.String())
		}
	}
	return text
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
