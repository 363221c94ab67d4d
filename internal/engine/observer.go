package engine

import (
	"context"
	"net/http"
	"time"
)

// Observer is told of each attempt of a call, and of each wait between
// them. Package fullstory uses it for the Activation budget, its counters
// and the caller's Hooks.
type Observer interface {
	// Before is called before attempt n is sent, after any pacing wait.
	// Headers it puts in add are sent with the attempt, unless the request
	// sets them already. The context it returns is the attempt's. An error
	// ends the call before anything is sent (EndRefused).
	Before(ctx context.Context, n int, add http.Header) (context.Context, error)
	// After is called with what the attempt got, on the attempt's context.
	After(ctx context.Context, a *Attempt)
	// Wait is called before the call waits: for pacing before an attempt
	// (Reason "pacing", D 0 when the length is not known) or before a retry.
	Wait(ctx context.Context, w *Wait)
}

// Attempt is what one attempt got, for an Observer.
type Attempt struct {
	Result
	N           int    // 1 for the first attempt
	RetryReason string // why the call retries; "" when it does not (no retries left included)
}

// Wait is one wait of a call, for an Observer.
type Wait struct {
	N      int           // the attempt that waits
	Reason string        // "pacing", or why the call retries
	D      time.Duration // how long; 0 when not known
	Last   Outcome       // the call so far: how it would end if it stopped now
}
