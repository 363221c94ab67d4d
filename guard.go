package fullstory

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/summarykit/fullstory-go/internal/engine"
)

// The Activation guard: every summary call goes through it. A cached
// summary answers without sending; else the call joins an identical one in
// flight, or starts the shared request itself (flight.go); a call with
// WithFreshSummary sends its own. Each attempt takes its Activation from the
// Budget (observer.go).

// guarded sends the summary call r and returns its Summary.
func (c *Client) guarded(ctx context.Context, r *request, s *settings) (*Summary, error) {
	sum := new(Summary)
	r.out = sum
	cl, err := c.newCall(ctx, r, s)
	if err != nil {
		return nil, err
	}
	ctx = cl.start(ctx)
	var key string
	if s.cache != nil {
		key = c.cacheKey(cl.req, s)
		if !s.fresh {
			if body, ok, err := s.cache.Get(ctx, key); err == nil && ok && sum.decodeBody(body) == nil {
				c.activations.cacheHits.Add(1)
				cl.activation(ctx, ActivationCached)
				cl.end(ctx, &engine.Outcome{}, SummaryFromCache, nil)
				sum.Source = SummaryFromCache
				return sum, nil
			}
			*sum = Summary{}
		}
	}
	var (
		out    *engine.Outcome
		f      *flight
		shared bool // out is the flight's own, not what this caller would have got alone
		leader = true
	)
	if s.fresh {
		out = c.execute(ctx, cl.req)
	} else {
		w := &waiter{}
		w.deadline, w.hasDeadline = ctx.Deadline()
		f, leader = c.flights.join(flightKey(cl.req, s), w)
		if leader {
			f.run(ctx, c, cl)
		}
		out, shared = f.await(ctx, w)
	}
	err = cl.conclude(ctx, out)
	src, ended := SummaryFromAPI, out
	if shared && !leader {
		// The Hooks hear of a call that sent nothing itself.
		src = SummaryFromShared
		ended = &engine.Outcome{Result: out.Result, End: out.End}
	}
	if err == nil {
		if src == SummaryFromShared {
			c.activations.shared.Add(1)
			cl.activation(ctx, ActivationShared)
		}
		// The first caller to decode the summary stores it: only a
		// success that decodes is kept. A cache bounds its own calls
		// (fullstoryredis's does), and one that fails is skipped.
		if key != "" && (f == nil || f.stored.CompareAndSwap(false, true)) {
			_ = s.cache.Set(context.WithoutCancel(ctx), key, out.Body, s.cacheTTL)
		}
	}
	cl.end(ctx, ended, src, err)
	if err != nil {
		return nil, err
	}
	sum.Source = src
	return sum, nil
}

// cacheKey names a summary call in a SummaryCache: the account (a hash of
// the API key, never the key) and a hash of everything that changes the
// answer: the method and URL (base URL, session, profile, end timestamp),
// the body (overrides) and the headers added with WithHeader. It holds no
// id, email or uid in the clear.
func (c *Client) cacheKey(req *engine.Request, s *settings) string {
	var buf [512]byte // what is hashed; on the stack unless it is longer
	desc := append(append(append(append(append(buf[:0], req.Method...), 0), req.URL...), 0), req.Body...)
	desc = append(desc, 0)
	if len(s.header) > 0 {
		keys := make([]string, 0, len(s.header))
		for k := range s.header {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			desc = append(desc, k...)
			for _, v := range s.header[k] {
				desc = append(append(desc, 1), v...)
			}
			desc = append(desc, 0)
		}
	}
	sum := sha256.Sum256(desc)
	var hexed [2 * sha256.Size]byte
	hex.Encode(hexed[:], sum[:])
	const prefix = "fullstory:summary:v1:"
	var key strings.Builder // one allocation: the key itself
	key.Grow(len(prefix) + len(c.account) + 1 + len(hexed))
	key.WriteString(prefix)
	key.WriteString(c.account)
	key.WriteByte(':')
	key.Write(hexed[:])
	return key.String()
}

// accountKey is the hash of an API key that separates accounts in cache
// keys.
func accountKey(apiKey string) string {
	sum := sha256.Sum256([]byte("fullstory-go account\x00" + apiKey))
	return hex.EncodeToString(sum[:16])
}
