package fullstory_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// Each summary may spend an Activation: a batch the caller stops starts
// nothing new, and never more than the results consumed plus the
// concurrency.
func TestStoppedBatchStartsNothingNew(t *testing.T) {
	var started atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started.Add(1)
		io.WriteString(w, `{"summary":"s"}`)
	}))
	defer srv.Close()
	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(srv.URL))
	require.NoError(t, err)
	ids := make([]fullstory.SessionID, 200)
	for i := range ids {
		ids[i] = fullstory.NewSessionID("1", "s"+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}

	const concurrency, consume = 16, 3
	consumed := 0
	for _, res := range c.Sessions.SummarizeEach(boundedContext(t, 5*time.Second), ids, nil, fullstory.WithConcurrency(concurrency)) {
		require.NoError(t, res.Err)
		consumed++
		if consumed == consume {
			break
		}
		// A slow consumer: the workers have every chance to run ahead.
		time.Sleep(20 * time.Millisecond)
	}
	// SummarizeEach has returned: every worker has ended, and what the
	// server counted is all there will be.
	assert.LessOrEqual(t, started.Load(), int64(consume+concurrency), "summaries started beyond those consumed plus the concurrency")
}
