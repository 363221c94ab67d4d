package fullstory_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestWriteSafety runs the whole fault matrix on the operations that must
// not be repeated by accident, and counts what the servers acted on:
//
//   - Profiles.Create and Update without an idempotency key are never sent
//     again once a server has applied one (it failed its response after
//     applying: a 500, a reset mid-body, a timeout, a junk 200);
//   - a summary, which spends an Activation, is never requested again once
//     one was generated (a 500, a timeout, a connection lost after sending);
//   - a write with WithIdempotencyKey may be retried, but every attempt
//     carries the same key and the same body, so the server applies it once.
func TestWriteSafety(t *testing.T) {
	var calls, applied, duplicates, keyedRetries, safeRetries int
	for _, fc := range faultCases() {
		t.Run(fc.name, func(t *testing.T) {
			for _, op := range faultOps() {
				if op.class == faultRead || !faultLight(fc, op) {
					continue
				}
				t.Run(op.name, func(t *testing.T) {
					run, _, _ := faultTry(t, fc, op, false, nil)
					reqs := run.srv.requests()
					calls++

					first := -1 // the first request the server acted on
					for i, r := range reqs {
						if r.applied {
							applied++
							if first < 0 {
								first = i
							}
						}
					}
					again := 0 // requests sent after one was acted on
					if first >= 0 {
						again = len(reqs) - first - 1
					}
					// Requests re-sent while nothing had been acted on (429,
					// a proxy's 5xx, the same-host redirect) are safe.
					if first >= 0 {
						safeRetries += first
					} else if len(reqs) > 0 {
						safeRetries += len(reqs) - 1
					}

					for i, r := range reqs {
						if i > 0 {
							assert.Equal(t, reqs[0].method, r.method, "request %d keeps the method", i+1)
							assert.Equal(t, reqs[0].body, r.body, "request %d replays the body byte for byte", i+1)
						}
						if op.class == faultKeyed {
							assert.Equal(t, faultIdemKey, r.idemKey, "attempt %d carries the idempotency key", i+1)
						} else {
							assert.Empty(t, r.idemKey, "no idempotency key unless the caller passed one")
						}
					}
					if op.class == faultKeyed {
						keyedRetries += again
						return
					}
					duplicates += again
					assert.Zero(t, again, "%s (%s) was sent again after the server acted on it: %d requests, the first acted on was #%d",
						op.name, op.class, len(reqs), first+1)
				})
			}
		})
	}
	t.Logf("write safety: %d calls of Create/Update/Summarize under %d faults; %d requests acted on; %d re-sent before anything was acted on; keyed writes re-sent %d times with the same key and body; duplicates found: %d",
		calls, len(faultCases()), applied, safeRetries, keyedRetries, duplicates)
}
