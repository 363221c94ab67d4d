package fullstory

import (
	"context"
	"iter"
	"sync"
	"sync/atomic"
)

// SummaryResult is the outcome of one session of SessionsService.SummarizeEach.
type SummaryResult struct {
	ID      SessionID
	Summary *Summary // nil when Err is set
	Err     error
}

// SummarizeEach summarizes many sessions at once, WithConcurrency at a time
// (default 4), and yields each result as it finishes with its index in ids.
// One failed session does not stop the others: its result carries the error.
// A session that ids names more than once is summarized once: each of its
// indexes gets a result, the repeats a copy of the summary whose Source is
// SummaryFromShared.
// Breaking out of the loop cancels the summaries still running and returns
// once every worker has finished its work: no request is in flight and no
// goroutine is left waiting. Every request of the Client is paced to the
// rate the server accepts (see the package documentation), so a batch slows
// down together instead of each request finding the limit by itself.
func (s *SessionsService) SummarizeEach(ctx context.Context, ids []SessionID, req *SummarizeRequest, opts ...Option) iter.Seq2[int, SummaryResult] {
	return func(yield func(int, SummaryResult) bool) {
		if len(ids) == 0 {
			return
		}
		st, err := s.client.callSettings(opSummarizeEach, opts)
		switch {
		case ctx == nil:
			err = &ValidationError{Field: "context", Reason: "is nil"}
		case err == nil && st.responseInto != nil:
			// Every summary of the batch would write to it at once.
			err = &ValidationError{Field: "response destination", Reason: "applies to one call; SummarizeEach makes many"}
		}
		if err != nil {
			for i, id := range ids {
				if !yield(i, SummaryResult{ID: id, Err: err}) {
					return
				}
			}
			return
		}
		// Each distinct session is summarized once; its repeats get a copy
		// of its result.
		var distinct []SessionID
		at := make(map[SessionID][]int, len(ids))
		for i, id := range ids {
			if _, seen := at[id]; !seen {
				distinct = append(distinct, id)
			}
			at[id] = append(at[id], i)
		}
		workers := min(st.concurrency, len(distinct))

		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		type indexed struct {
			id  SessionID
			sum *Summary
			err error
		}
		// Unbuffered: a worker starts its next summary only once the
		// caller has taken its last result, so the summaries started never
		// exceed those consumed plus the workers, and none starts after the
		// caller stops. Each may spend an Activation.
		results := make(chan indexed)
		stopped := make(chan struct{}) // closed when the caller stops
		var (
			next atomic.Int64
			wg   sync.WaitGroup
		)
		wg.Add(workers)
		for range workers {
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1) - 1)
					if i >= len(distinct) {
						return
					}
					select {
					case <-stopped:
						return
					default:
					}
					sum, err := s.summarize(ctx, distinct[i], req, st)
					select {
					case results <- indexed{distinct[i], sum, err}:
					case <-stopped:
						return // nobody takes it
					}
				}
			}()
		}
		go func() {
			wg.Wait()
			close(results)
		}()
		defer func() {
			// After a break: stop the rest, and wait until every worker
			// has ended before SummarizeEach returns.
			close(stopped)
			cancel()
			for range results {
			}
		}()
		for res := range results {
			for n, i := range at[res.id] {
				sum := res.sum
				if n > 0 && sum != nil {
					sum = sum.clone()
					sum.Source = SummaryFromShared
					s.client.activations.shared.Add(1)
				}
				if !yield(i, SummaryResult{ID: res.id, Summary: sum, Err: res.err}) {
					return
				}
			}
		}
	}
}
