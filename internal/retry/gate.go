package retry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/summarykit/fullstory-go/internal/pace"
)

// Gate holds back every attempt of one Client: it is the Client's Pacer
// (learned pacing, a long Retry-After's pause, the WithRateLimit ceiling
// and a WithLimiter limiter), and counts the Client's retries. A Gate is
// shared by all calls of a Client and safe for concurrent use.
type Gate struct {
	Pacer   *pace.Pacer
	Retries atomic.Int64
}

// NewGate returns a Gate with a Pacer of cfg.
func NewGate(cfg pace.Config) *Gate {
	return &Gate{Pacer: pace.New(cfg)}
}

// ErrWaitTooLong is returned when an attempt would have to wait past the
// context's deadline for the Gate; nothing was sent.
var ErrWaitTooLong = errors.New("waiting for the rate limit would outlast the context deadline")

// Wait blocks until an attempt may start, or the context ends.
func (g *Gate) Wait(ctx context.Context) error {
	if g == nil {
		return nil
	}
	err := g.Pacer.Wait(ctx)
	if err == nil {
		return nil
	}
	var tooLong *pace.TooLongError
	if errors.As(err, &tooLong) {
		return fmt.Errorf("%w (%w)", ErrWaitTooLong, err)
	}
	return err
}

// observe tells the Pacer how an attempt was answered.
func (g *Gate) observe(resp *http.Response) {
	if g == nil {
		return
	}
	var ra time.Duration
	ok := false
	if resp.StatusCode == http.StatusTooManyRequests {
		ra, ok = ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	g.Pacer.Observe(resp.StatusCode, ra, ok)
}
