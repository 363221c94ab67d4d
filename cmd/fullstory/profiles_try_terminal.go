package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// The view of profiles try on a terminal: plain text to read, where a pipe
// or --out gets Markdown. Columns side by side when each can be at least
// minColumn wide, else one profile after the other; text is broken between
// words to fit.

// minColumn is the narrowest column of prose worth reading side by side: two
// of them need about 83 columns, so a terminal of 80 gets one after the other.
const minColumn = 40

// columnGap is what separates columns.
const columnGap = " │ "

// writeTryText writes the comparison for a terminal of the given width.
func writeTryText(w io.Writer, r *tryReport, width int) error {
	var b strings.Builder
	names := profileNames(r.profiles)
	writeTitle(&b, "Profile comparison: "+strings.Join(names, " vs "), sessionsIntro(len(r.sessions)), width)
	writeSettingsText(&b, r.profiles, names, width)
	for i, s := range r.sessions {
		writeSessionHeading(&b, i, len(r.sessions), s.ID().String(), formatTime(s.CreatedTime), s.URL, width)
		texts := make([]string, len(r.results))
		for k, batch := range r.results {
			texts[k] = summaryText(batch[i])
		}
		writeSides(&b, names, texts, width)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writePreviewText writes the preview for a terminal: each profile's parts
// one after the other, since session data is long.
func writePreviewText(w io.Writer, r *previewReport, width int) error {
	var b strings.Builder
	names := profileNames(r.profiles)
	writeTitle(&b, "Profile preview: "+strings.Join(names, " vs "), previewIntro, width)
	writeSettingsText(&b, r.profiles, names, width)
	for i, s := range r.sessions {
		writeSessionHeading(&b, i, len(r.sessions), s.ID().String(), formatTime(s.CreatedTime), s.URL, width)
		for k, cr := range r.contexts[i] {
			fmt.Fprintf(&b, "%s\n", names[k])
			if cr.err != nil {
				fmt.Fprintf(&b, "%s\n\n", indentText("No context: "+errText(cr.err), width))
				continue
			}
			for _, part := range r.parts(k, cr) {
				fmt.Fprintf(&b, "  %s:\n%s\n", part.label, indentText(part.value, width))
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeTitle(b *strings.Builder, title, intro string, width int) {
	fmt.Fprintf(b, "%s\n%s\n\n", wrapText(title, width), wrapText(intro, width))
}

// writeSessionHeading writes a session's heading, ruled to the width.
func writeSessionHeading(b *strings.Builder, i, n int, id, created, url string, width int) {
	fmt.Fprintf(b, "%s\n", strings.Repeat("━", width))
	fmt.Fprintf(b, "%s\n", wrapText(fmt.Sprintf("Session %d of %d: %s", i+1, n, id), width))
	fmt.Fprintf(b, "Created %s\n", created)
	if url != "" {
		fmt.Fprintf(b, "%s\n", url) // whole, so that the terminal can open it
	}
	b.WriteString("\n")
}

// writeSettingsText writes the profiles' settings: a row per setting with
// the profiles side by side, or each profile's settings in turn.
func writeSettingsText(b *strings.Builder, profiles []*tryProfile, names []string, width int) {
	rows := settingsRows(profiles)
	labelWidth := 0
	for _, row := range rows {
		labelWidth = max(labelWidth, utf8.RuneCountInString(row[0]))
	}
	b.WriteString("Profiles\n\n")
	if col, ok := columnWidth(width-labelWidth-len([]rune(columnGap)), len(profiles)); ok {
		widths := []int{labelWidth}
		for range profiles {
			widths = append(widths, col)
		}
		writeGrid(b, widths, append([][]string{append([]string{""}, names...)}, rows...))
		b.WriteString("\n")
		return
	}
	for i, p := range profiles {
		fmt.Fprintf(b, "%s\n", names[i])
		if p.Settings == nil {
			b.WriteString("  (the API's defaults)\n\n")
			continue
		}
		var fields []field
		for _, row := range rows {
			if row[i+1] != "(default)" {
				fields = append(fields, field{row[0], row[i+1]})
			}
		}
		var f strings.Builder
		writeFields(&f, fields)
		fmt.Fprintf(b, "%s\n\n", indentText(f.String(), width))
	}
}

// writeSides writes one text per profile under its name: side by side, or
// one after the other.
func writeSides(b *strings.Builder, names, texts []string, width int) {
	if col, ok := columnWidth(width, len(names)); ok {
		widths := make([]int, len(names))
		rules := make([]string, len(names))
		for i := range names {
			widths[i], rules[i] = col, strings.Repeat("─", col)
		}
		writeGrid(b, widths, [][]string{names, rules, texts})
		b.WriteString("\n")
		return
	}
	for i, name := range names {
		fmt.Fprintf(b, "%s\n%s\n\n", name, indentText(texts[i], width))
	}
}

// columnWidth is the width of each of n columns side by side in width, and
// whether they are wide enough to read.
func columnWidth(width, n int) (int, bool) {
	gap := len([]rune(columnGap))
	col := (width - gap*(n-1)) / n
	return col, col >= minColumn
}

// writeGrid writes rows of cells in columns of the given widths, each cell
// broken between words to fit its column.
func writeGrid(b *strings.Builder, widths []int, rows [][]string) {
	for _, row := range rows {
		cells := make([][]string, len(row))
		height := 0
		for i, text := range row {
			cells[i] = fitColumn(text, widths[i])
			height = max(height, len(cells[i]))
		}
		for l := range height {
			var line strings.Builder
			for i, cell := range cells {
				if i > 0 {
					line.WriteString(columnGap)
				}
				text := ""
				if l < len(cell) {
					text = cell[l]
				}
				line.WriteString(text)
				if i < len(cells)-1 {
					line.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(text)))
				}
			}
			b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
		}
	}
}

// fitColumn breaks text into lines of at most width runes: between words,
// and inside a word only if it is longer than a line, such as a URL.
func fitColumn(text string, width int) []string {
	var lines []string
	for _, line := range strings.Split(wrapText(strings.TrimRight(text, "\n"), width), "\n") {
		for utf8.RuneCountInString(line) > width {
			r := []rune(line)
			lines = append(lines, string(r[:width]))
			line = string(r[width:])
		}
		lines = append(lines, line)
	}
	return lines
}

// indentText is text indented by two spaces and broken between words to
// fit width.
func indentText(text string, width int) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, line := range lines {
		if line != "" {
			lines[i] = wrapText("  "+line, width)
		}
	}
	return strings.Join(lines, "\n")
}
