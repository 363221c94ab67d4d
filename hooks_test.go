package fullstory_test

import (
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// Hooks.RateChange hears the rate the Client learns, without a logger, and
// every WithHooks is told, in order.
func TestHooksRateChangeHearsTheLearnedRate(t *testing.T) {
	var n atomic.Int64
	ws := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 6 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write([]byte(`{"sessions":[]}`))
	})
	type change struct {
		hook     string
		old, new float64
	}
	var (
		mu      sync.Mutex
		changes []change
	)
	hook := func(name string) fullstory.Option {
		return fullstory.WithHooks(fullstory.Hooks{RateChange: func(old, new float64) {
			mu.Lock()
			changes = append(changes, change{name, old, new})
			mu.Unlock()
		}})
	}
	c := wireClient(t, ws, hook("first"), hook("second"))
	for range 6 {
		_, err := c.Sessions.List(t.Context(), &fullstory.ListSessionsOptions{UID: "u"})
		require.NoError(t, err)
	}
	rate := c.RateStats().Rate
	require.Positive(t, rate)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []change{{"first", 0, rate}, {"second", 0, rate}}, changes)
}
