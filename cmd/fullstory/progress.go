package main

import (
	"fmt"
	"io"
	"os"
	"sync"
)

// progress counts finished summaries on a terminal. A nil *progress, for
// output that is not a terminal, does nothing.
type progress struct {
	w     io.Writer
	total int
	mu    sync.Mutex
	done  int
}

// newProgress returns a progress line on stderr if stderr is a terminal.
func (a *app) newProgress(total int) *progress {
	if !isTerminal(a.stderr) {
		return nil
	}
	return &progress{w: a.stderr, total: total}
}

func (p *progress) step() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	fmt.Fprintf(p.w, "\rSummarizing: %d of %d done", p.done, p.total)
}

// finish clears the progress line.
func (p *progress) finish() {
	if p != nil {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// isTerminal reports whether w is a terminal, where progress lines belong.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
