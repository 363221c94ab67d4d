package main

import (
	"io"
	"os"
	"strconv"
	"strings"
)

// console is what the run's output goes to, decided once at the start so
// that tests can pretend to be a terminal of any width.
type console struct {
	stderrTTY bool // progress goes to stderr only when it is a terminal
	stdoutTTY bool // profiles try prints a view to read there, not Markdown
	width     int  // columns: $COLUMNS, else stdout's terminal's; 0 if unknown
}

// detectConsole looks at the real streams and the environment.
func detectConsole(stdout, stderr io.Writer, env func(string) string) console {
	var c console
	_, c.stderrTTY = termWidth(stderr)
	// A dumb terminal cannot redraw a line: progress would pile up.
	c.stderrTTY = c.stderrTTY && env("TERM") != "dumb"
	w, tty := termWidth(stdout)
	c.stdoutTTY = tty
	if n, err := strconv.Atoi(strings.TrimSpace(env("COLUMNS"))); err == nil && n > 0 {
		c.width = n
	} else if tty && w > 0 {
		c.width = w
	}
	return c
}

// termWidth returns the width of w's terminal, and whether w is one. A
// character device that is not a terminal, such as /dev/null, is not.
func termWidth(w io.Writer) (int, bool) {
	f, ok := w.(*os.File)
	if !ok {
		return 0, false
	}
	return terminalSize(f.Fd())
}

// width is the width that tables and help fit in.
func (a *app) width() int {
	if a.con.width > 0 {
		return a.con.width
	}
	return defaultWidth
}

// proseWidth is the width that summaries are wrapped at: the terminal's, or
// none when it is unknown, so that a pipe or a file gets the API's text as
// it is.
func (a *app) proseWidth() int { return a.con.width }
