package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress is a line on stderr that shows, from the start, that the command
// is working: a spinner with what it is doing, then counts such as
// "3/4 sessions summarized". It is redrawn in place and cleared by finish.
// It exists only when stderr is a terminal (and --verbose is off, whose log
// lines it would cut into); a nil *progress does nothing, so that commands
// need not check.
type progress struct {
	w    io.Writer
	stop chan struct{}
	done chan struct{}

	mu           sync.Mutex
	msg          string // what is being done, until counting starts
	what         string // what is counted, e.g. "sessions summarized"
	count, total int
	frame        int
	finished     bool
}

// spinnerFrames turn once a second; their redraws are what tells a slow call
// from a stuck one.
var spinnerFrames = []rune("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")

const spinnerTick = 100 * time.Millisecond

// startProgress shows msg with a spinner at once, if stderr is a terminal.
func (a *app) startProgress(msg string) *progress {
	if !a.con.stderrTTY || a.g.verbose {
		return nil
	}
	p := &progress{w: a.stderr, msg: msg, stop: make(chan struct{}), done: make(chan struct{})}
	p.draw()
	go p.spin()
	return p
}

func (p *progress) spin() {
	defer close(p.done)
	t := time.NewTicker(spinnerTick)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			p.frame++
			p.mu.Unlock()
			p.draw()
		}
	}
}

// draw writes the line over the previous one.
func (p *progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	text := p.msg
	if p.total > 0 {
		text = fmt.Sprintf("%d/%d %s", p.count, p.total, p.what)
	}
	fmt.Fprintf(p.w, "\r\x1b[K%c %s", spinnerFrames[p.frame%len(spinnerFrames)], text)
}

// say replaces the message, before counting starts.
func (p *progress) say(msg string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.msg = msg
	p.mu.Unlock()
	p.draw()
}

// note writes a line of its own above the progress line, which is redrawn
// under it.
func (p *progress) note(line string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	if !p.finished {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
	fmt.Fprintln(p.w, line)
	p.mu.Unlock()
	p.draw()
}

// counting switches from the message to counts of total things, none done yet.
func (p *progress) counting(total int, what string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.total, p.what = total, what
	p.mu.Unlock()
	p.draw()
}

// step counts one more thing done.
func (p *progress) step() {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.count++
	p.mu.Unlock()
	p.draw()
}

// finish stops the spinner and clears the line, before the command prints
// its results or its error. It may be called more than once.
func (p *progress) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	already := p.finished
	p.finished = true
	p.mu.Unlock()
	if already {
		return
	}
	close(p.stop)
	<-p.done
	fmt.Fprint(p.w, "\r\x1b[K")
}
