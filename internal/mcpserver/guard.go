package mcpserver

import (
	"time"

	fullstory "github.com/summarykit/fullstory-go"
)

// DefaultMaxActivations is what one server run may spend unless told
// otherwise: enough for an agent to summarize a few sessions, too few for a
// loop to burn a month of Activations.
const DefaultMaxActivations = 5

// The summary cache of a run: summaries are small (a few KiB), and a run
// rarely outlives a day. A session still in progress ages in the cache.
const (
	cacheBytes = 16 << 20
	cacheTTL   = 24 * time.Hour
)

// Guard is the spending guard of one server run: a budget of Activations
// that never resets (fullstory.BudgetTotal) and a summary cache. Build the
// server's Client with ClientOptions.
type Guard struct {
	max    int64
	budget *fullstory.MemoryBudget
	cache  *fullstory.MemoryCache
}

// NewGuard returns a guard that lets a run spend at most maxActivations.
// Zero refuses every summary; a negative cap is refused.
func NewGuard(maxActivations int64) (*Guard, error) {
	if maxActivations < 0 {
		return nil, &fullstory.ValidationError{Field: "max activations", Reason: "must not be negative"}
	}
	return &Guard{
		max:    maxActivations,
		budget: fullstory.NewMemoryBudget(maxActivations, fullstory.BudgetTotal),
		cache:  fullstory.NewMemoryCache(cacheBytes),
	}, nil
}

// ClientOptions are the options the server's Client must be built with:
// the budget (fullstory.WithBudget) and the summary cache
// (fullstory.WithSummaryCache). Identical summary calls in flight share one
// request by default.
func (g *Guard) ClientOptions() []fullstory.Option {
	return []fullstory.Option{fullstory.WithBudget(g.budget), fullstory.WithSummaryCache(g.cache, cacheTTL)}
}

// Max returns the cap.
func (g *Guard) Max() int64 { return g.max }

// Remaining returns the Activations the run may still spend.
func (g *Guard) Remaining() int64 { return g.budget.Remaining() }
