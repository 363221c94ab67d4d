package fullstory

import (
	"strconv"
	"sync/atomic"
)

// SummarySource says how a call got its Summary.
type SummarySource int

// Where a Summary came from.
const (
	SummaryFromAPI    SummarySource = iota // this call's own request (it may have spent an Activation)
	SummaryFromShared                      // an identical call's request, in flight at the same time
	SummaryFromCache                       // the SummaryCache: nothing was sent
)

// String returns "api", "shared" or "cache".
func (s SummarySource) String() string {
	switch s {
	case SummaryFromAPI:
		return "api"
	case SummaryFromShared:
		return "shared"
	case SummaryFromCache:
		return "cache"
	}
	return "SummarySource(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText returns String, so that a SummarySource reads well in JSON.
func (s SummarySource) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ActivationStats are what a Client's summaries spent, since NewClient. They
// are counted with or without a Budget. The server's own count is the truth:
// no source says exactly when Fullstory bills an Activation, so Spent counts
// every attempt that may have been billed.
type ActivationStats struct {
	Spent     int64 // summary attempts sent (or being sent) and not refunded: an upper bound of what was billed
	Refunded  int64 // attempts that provably spent nothing (never sent; 4xx, 429, or 503 with Retry-After)
	Shared    int64 // calls answered by an identical call already in flight
	CacheHits int64 // calls answered from the SummaryCache
}

// activationCounts are a Client's ActivationStats as they grow.
type activationCounts struct {
	spent, refunded, shared, cacheHits atomic.Int64
}

// ActivationStats returns what the Client's summaries spent so far. It is
// safe to call at any time, from any goroutine.
func (c *Client) ActivationStats() ActivationStats {
	a := c.activations
	return ActivationStats{Spent: a.spent.Load(), Refunded: a.refunded.Load(), Shared: a.shared.Load(), CacheHits: a.cacheHits.Load()}
}
