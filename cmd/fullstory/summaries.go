package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"

	fullstory "github.com/summarykit/fullstory-go"
)

// summaryResult is a summary, or why there is none.
type summaryResult struct {
	s   *fullstory.Summary
	err error
}

// newJSONSummary is r as --json prints it. ctx is the run's, which decides
// the kind of an error.
func newJSONSummary(ctx context.Context, session jsonSession, r summaryResult) jsonSummary {
	j := jsonSummary{Session: session}
	if r.err != nil {
		e := classify(ctx, r.err)
		j.Error = &e
		return j
	}
	j.Summary, j.Response, j.Source = r.s.Text, r.s.Response, r.s.Source.String()
	return j
}

// summarizeEach summarizes the sessions with one profile (or none), as many
// at once as the client's WithConcurrency allows, and returns the results in
// the order of ids. A failed summary does not stop the others.
func summarizeEach(ctx context.Context, c *fullstory.Client, ids []fullstory.SessionID, profile fullstory.ProfileID, p *progress) []summaryResult {
	results := make([]summaryResult, len(ids))
	req := &fullstory.SummarizeRequest{Profile: profile}
	for i, r := range c.Sessions.SummarizeEach(ctx, ids, req) {
		results[i] = summaryResult{s: r.Summary, err: r.Err}
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
		fmt.Fprintf(w, "(no summary: %s)\n", errText(r.err))
		return
	}
	if r.s.Text != "" {
		fmt.Fprintln(w, wrapText(r.s.Text, width))
	}
	if len(r.s.Response) > 0 {
		if r.s.Text != "" {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, indentJSON(r.s.Response))
	}
}

// indentJSON is raw indented, or as it is if it is not JSON.
func indentJSON(raw json.RawMessage) string {
	var buf bytes.Buffer
	if json.Indent(&buf, raw, "", "  ") != nil {
		return string(raw)
	}
	return buf.String()
}
