package fullstory_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// What was spent (activations.go): an attempt counts as spent from the
// moment it is sent, so that one whose caller has gone (Ctrl-C) counts
// while it is still in flight.
func TestActivationStatsCountAnAttemptInFlight(t *testing.T) {
	hs := newHeldServer(t, wireJSON(http.StatusOK, summaryOK))
	c := wireClient(t, hs.wireServer)
	ctx, cancel := context.WithCancel(context.Background())
	call := goSummarize(ctx, c)
	require.Eventually(t, func() bool { return hs.hits() == 1 }, 5*time.Second, time.Millisecond)
	cancel()
	require.ErrorIs(t, (<-call).err, context.Canceled)
	assert.Equal(t, fullstory.ActivationStats{Spent: 1}, c.ActivationStats(), "the request the caller left is still out there")
	assert.Equal(t, "api", fullstory.SummaryFromAPI.String())
	assert.Equal(t, "shared", fullstory.SummaryFromShared.String())
	assert.Equal(t, "cache", fullstory.SummaryFromCache.String())
	text, err := fullstory.SummaryFromCache.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "cache", string(text))
}
