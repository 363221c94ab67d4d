package fullstory

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// Hooks are functions a Client calls as its calls go through the request
// path, for tracing and metrics: fullstoryotel is built on them, and other
// wrappers of the SDK can be too. Every field is optional. They are called
// on the goroutines of the calls, so they must be safe for concurrent use,
// return quickly and not call the Client.
//
// What they are given holds no secret: no API key, no query string (so no
// email or uid), and errors already redacted. Paths do hold session and
// profile ids; CallInfo.Route is the same path with placeholders.
type Hooks struct {
	// CallStart is called when a call starts, once its input was checked
	// (a call refused for bad input is not reported). The context it
	// returns is the call's from then on, e.g. one that carries a span.
	CallStart func(ctx context.Context, call *CallInfo) context.Context
	// CallEnd is called once when the call returns, with its error (nil on
	// success) and call's end fields set.
	CallEnd func(ctx context.Context, call *CallInfo, err error)
	// AttemptStart is called before each attempt is sent. Headers it adds
	// to a.Header are sent with that attempt (e.g. traceparent); the
	// client's own headers cannot be replaced. The context it returns is the
	// attempt's.
	AttemptStart func(ctx context.Context, a *AttemptInfo) context.Context
	// AttemptEnd is called after each attempt, with a's result fields set.
	AttemptEnd func(ctx context.Context, a *AttemptInfo)
	// Wait is called before the Client waits: for its pacing or a rate
	// limit before an attempt, or before a retry.
	Wait func(ctx context.Context, w *WaitInfo)
	// Activation is called at each Activation event of a summary call:
	// ActivationReserved before AttemptStart; ActivationSpent or
	// ActivationRefunded before AttemptEnd, on the attempt's context;
	// ActivationShared or ActivationCached before CallEnd.
	Activation func(ctx context.Context, call *CallInfo, ev ActivationEvent)
	// RateChange is called when the Client's learned rate changes (0:
	// unpaced), with the attempts per second before and after.
	RateChange func(old, new float64)
}

// CallInfo describes one call, for Hooks.
type CallInfo struct {
	Operation string // the method, e.g. "Sessions.Summarize"
	Method    string // the HTTP method
	Route     string // the path with placeholders, e.g. "/v2/sessions/{session_id}/summary"
	Path      string // the escaped path, ids included; never the query
	BaseURL   string // e.g. "https://api.fullstory.com"

	// Set before CallEnd:
	Attempts int           // attempts this call sent; 0 when none was (a cache hit, a refusal, a shared call)
	Status   int           // the last response's status; 0 when none
	Source   SummarySource // for a summary: how it got its answer (SummaryFromShared also when the shared request failed)
}

// AttemptInfo describes one attempt of a call, for Hooks.
type AttemptInfo struct {
	Call    *CallInfo
	Attempt int // 1 for the first, 2 for the first retry, …
	// Header starts empty at AttemptStart; what is added to it is sent.
	Header http.Header

	// Set before AttemptEnd:
	Status      int           // 0 when no response came
	Err         error         // why no usable response came, redacted
	Duration    time.Duration // from sending to the end of the body
	RetryReason string        // why the call will retry; "" when it will not
}

// WaitInfo describes a wait of a call, for Hooks.
type WaitInfo struct {
	Call    *CallInfo
	Attempt int           // the attempt that waits: 1 before the first
	Reason  string        // "pacing", or the retry's reason
	Wait    time.Duration // how long
}

// ActivationEvent is what happened to an Activation in a summary call.
type ActivationEvent int

// Activation events. Each attempt is Reserved, then Spent or Refunded; a
// call answered without an attempt of its own is Shared or Cached.
const (
	ActivationReserved ActivationEvent = iota // an attempt is about to be sent (from the Budget, if any)
	ActivationSpent                           // the attempt was sent and may have been billed
	ActivationRefunded                        // the attempt provably spent nothing
	ActivationShared                          // the call got an identical call's answer
	ActivationCached                          // the call got its answer from the SummaryCache
)

// String returns "reserved", "spent", "refunded", "shared" or "cached".
func (e ActivationEvent) String() string {
	switch e {
	case ActivationReserved:
		return "reserved"
	case ActivationSpent:
		return "spent"
	case ActivationRefunded:
		return "refunded"
	case ActivationShared:
		return "shared"
	case ActivationCached:
		return "cached"
	}
	return "ActivationEvent(" + strconv.Itoa(int(e)) + ")"
}

// WithHooks makes the Client call h's functions as its calls go; see Hooks.
// Several WithHooks add up: each is called, in the order given. It is a
// Client option: a method refuses it.
func WithHooks(h Hooks) Option {
	return func(s *settings) error {
		if err := s.clientOnly("hooks"); err != nil {
			return err
		}
		s.hooks = append(s.hooks[:len(s.hooks):len(s.hooks)], h)
		return nil
	}
}
