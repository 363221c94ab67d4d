package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
)

// summaryResult is a summary, or why there is none, as the commands print it.
type summaryResult struct {
	Summary  string          `json:"summary,omitempty"`
	Response json.RawMessage `json:"response,omitempty"`
	Error    string          `json:"error,omitempty"`
	err      error
}

func newSummaryResult(s *fullstory.Summary, err error) summaryResult {
	if err != nil {
		return summaryResult{Error: strings.TrimPrefix(err.Error(), "fullstory: "), err: err}
	}
	return summaryResult{Summary: s.Text, Response: s.Response}
}

// sessionSummary is a summary with the session it is about.
type sessionSummary struct {
	Session     fullstory.SessionID `json:"session"`
	CreatedTime time.Time           `json:"created_time,omitzero"`
	URL         string              `json:"url,omitempty"`
	summaryResult
}

// summarizeEach summarizes the sessions with one profile (or none), at most
// concurrency at a time, and returns the results in the order of ids. A
// failed summary does not stop the others.
func summarizeEach(ctx context.Context, c *fullstory.Client, ids []fullstory.SessionID, profile fullstory.ProfileID, concurrency int, p *progress) []summaryResult {
	results := make([]summaryResult, len(ids))
	req := &fullstory.SummarizeRequest{Profile: profile}
	for i, r := range c.Sessions.SummarizeEach(ctx, ids, req, fullstory.WithConcurrency(concurrency)) {
		results[i] = newSummaryResult(r.Summary, r.Err)
		p.step()
	}
	return results
}

// failed returns an error that counts the failed results and quotes the
// first failure, or nil if none failed.
func failed(results []summaryResult) error {
	n := 0
	var first error
	for _, r := range results {
		if r.err != nil {
			n++
			first = cmp.Or(first, r.err)
		}
	}
	if n == 0 {
		return nil
	}
	return fmt.Errorf("%d of %d summaries failed; the first: %w", n, len(results), first)
}

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
