package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
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
		return summaryResult{Error: errText(err), err: err}
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

// summarizeEach summarizes the sessions with one profile (or none), as many
// at once as the client's WithConcurrency allows, and returns the results in
// the order of ids. A failed summary does not stop the others.
func summarizeEach(ctx context.Context, c *fullstory.Client, ids []fullstory.SessionID, profile fullstory.ProfileID, p *progress) []summaryResult {
	results := make([]summaryResult, len(ids))
	req := &fullstory.SummarizeRequest{Profile: profile}
	for i, r := range c.Sessions.SummarizeEach(ctx, ids, req) {
		results[i] = newSummaryResult(r.Summary, r.Err)
		p.step()
	}
	return results
}

// failed returns an error that counts the failed results and quotes the
// first failure, or nil if none failed.
func failed(results []summaryResult) error {
	errs := make([]error, len(results))
	for i, r := range results {
		errs[i] = r.err
	}
	return failures(errs, "summaries failed")
}

// failures returns an error that counts the non-nil errs and wraps the
// first, so that the exit status follows it: "1 of 3 summaries failed; the
// first: …". It is nil if all are.
func failures(errs []error, what string) error {
	n := 0
	var first error
	for _, err := range errs {
		if err != nil {
			n++
			first = cmp.Or(first, err)
		}
	}
	if n == 0 {
		return nil
	}
	return wrapf(first, "%d of %d %s; the first: ", n, len(errs), what)
}

// writeSummary prints a summary's text, wrapped at width (none if 0), then
// its structured response, if any, as indented JSON.
func writeSummary(w io.Writer, r summaryResult, width int) {
	if r.err != nil {
		fmt.Fprintf(w, "(no summary: %s)\n", r.Error)
		return
	}
	if r.Summary != "" {
		fmt.Fprintln(w, wrapText(r.Summary, width))
	}
	if len(r.Response) > 0 {
		if r.Summary != "" {
			fmt.Fprintln(w)
		}
		var buf bytes.Buffer
		if json.Indent(&buf, r.Response, "", "  ") != nil {
			buf.Reset()
			buf.Write(r.Response)
		}
		fmt.Fprintln(w, buf.String())
	}
}
