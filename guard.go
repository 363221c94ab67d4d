package fullstory

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"time"

	"github.com/summarykit/fullstory-go/internal/engine"
)

// The Activation guard: every summary call goes through it. A cached
// summary answers without sending; else the call joins an identical one in
// flight, or starts the shared request itself (flight.go); a call with
// WithFreshSummary sends its own. Each attempt takes its Activation from the
// Budget (observer.go).

// cacheTimeout bounds storing a summary in the cache, on a context of its
// own: the caller may have gone.
const cacheTimeout = 5 * time.Second

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
	store := func(out *engine.Outcome) {
		if key != "" && usable(out) {
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cacheTimeout)
			defer cancel()
			_ = s.cache.Set(sctx, key, out.Body, s.cacheTTL) // a cache that fails is skipped
		}
	}
	var out *engine.Outcome
	src := SummaryFromAPI
	if s.fresh {
		out = c.execute(ctx, cl.req)
		store(out)
	} else {
		w := &waiter{}
		w.deadline, w.hasDeadline = ctx.Deadline()
		f, leader := c.flights.join(flightKey(cl.req, s), w)
		if leader {
			f.run(ctx, c, cl, store)
		}
		var shared bool
		if out, shared = f.await(ctx, w); shared && !leader && usable(out) {
			src = SummaryFromShared
			c.activations.shared.Add(1)
			cl.activation(ctx, ActivationShared)
		}
	}
	if err := cl.finish(ctx, out, src); err != nil {
		return nil, err
	}
	sum.Source = src
	return sum, nil
}

// usable reports whether out is a summary worth keeping: a success whose
// body decodes.
func usable(out *engine.Outcome) bool {
	return out.End == engine.EndResponse && out.Status >= 200 && out.Status <= 299 && new(Summary).decodeBody(out.Body) == nil
}

// cacheKey names a summary call in a SummaryCache: the account (a hash of
// the API key, never the key) and a hash of everything that changes the
// answer: the method and URL (base URL, session, profile, end timestamp),
// the body (overrides) and the headers added with WithHeader. It holds no
// id, email or uid in the clear.
func (c *Client) cacheKey(req *engine.Request, s *settings) string {
	h := sha256.New()
	for _, part := range []string{req.Method, req.URL, string(req.Body)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	keys := make([]string, 0, len(s.header))
	for k := range s.header {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		h.Write([]byte(k))
		for _, v := range s.header[k] {
			h.Write([]byte{1})
			h.Write([]byte(v))
		}
		h.Write([]byte{0})
	}
	return "fullstory:summary:v1:" + c.account + ":" + hex.EncodeToString(h.Sum(nil))
}

// accountKey is the hash of an API key that separates accounts in cache
// keys.
func accountKey(apiKey string) string {
	sum := sha256.Sum256([]byte("fullstory-go account\x00" + apiKey))
	return hex.EncodeToString(sum[:16])
}
