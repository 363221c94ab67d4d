package fullstory_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// concurrencyCallers is how many goroutines share one Client.
const concurrencyCallers = 100

// concurrencyServer answers each operation with data derived from the
// request, and checks that each request carries the per-call options of its
// own caller: any cross-talk between concurrent calls shows as a mismatch.
type concurrencyServer struct {
	t        *testing.T
	flaky    bool // answer the first attempt of every request 429
	requests atomic.Int64
	mismatch atomic.Int64
	mu       sync.Mutex
	tried    map[string]bool
}

func (s *concurrencyServer) handler() http.Handler {
	mux := http.NewServeMux()
	reply := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("GET /v2/visit_profile/{id}", func(w http.ResponseWriter, r *http.Request) {
		reply(w, map[string]any{"id": r.PathValue("id"), "name": "name of " + r.PathValue("id")})
	})
	mux.HandleFunc("GET /v2/visit_profile", func(w http.ResponseWriter, r *http.Request) {
		reply(w, map[string]any{"profiles": []any{map[string]any{"id": r.URL.Query().Get("pagination_token")}}})
	})
	mux.HandleFunc("DELETE /v2/visit_profile/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /v2/visit_profile", func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Name string }
		json.NewDecoder(r.Body).Decode(&body)
		reply(w, map[string]any{"id": "created " + body.Name})
	})
	mux.HandleFunc("POST /v2/visit_profile/{id}", func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Name string }
		json.NewDecoder(r.Body).Decode(&body)
		if body.Name != "name of "+r.PathValue("id") {
			s.mismatch.Add(1)
			s.t.Errorf("update of %s carries the body of another call: %q", r.PathValue("id"), body.Name)
		}
		reply(w, map[string]any{})
	})
	mux.HandleFunc("GET /sessions/v2", func(w http.ResponseWriter, r *http.Request) {
		reply(w, map[string]any{"sessions": []any{map[string]any{"userId": r.URL.Query().Get("uid"), "sessionId": "1"}}})
	})
	mux.HandleFunc("GET /v2/sessions/{id}/events", func(w http.ResponseWriter, r *http.Request) {
		reply(w, map[string]any{"events": []any{map[string]any{"session_id": r.PathValue("id"), "event_type": "click"}}})
	})
	mux.HandleFunc("POST /v2/sessions/{id}/context", func(w http.ResponseWriter, r *http.Request) {
		reply(w, map[string]any{"context_data": map[string]any{"context": map[string]any{"session_id": r.PathValue("id")}, "pages": []any{}}})
	})
	mux.HandleFunc("GET /v2/sessions/{id}/summary", func(w http.ResponseWriter, r *http.Request) {
		reply(w, map[string]any{"summary": "summary of " + r.PathValue("id") + " with " + r.URL.Query().Get("config_profile")})
	})
	mux.HandleFunc("POST /v2/sessions/{id}/summary", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			ConfigProfile string `json:"config_profile"`
		}
		json.NewDecoder(r.Body).Decode(&body)
		reply(w, map[string]any{"summary": "summary of " + r.PathValue("id") + " with " + body.ConfigProfile})
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		// Every caller tags its call with its number; the tag must be the
		// one in the request's own ids or body.
		tag := r.Header.Get("Integration-Source")
		if !strings.Contains(r.RequestURI+string(body), "n"+strings.TrimPrefix(tag, "src-")+"x") {
			s.mismatch.Add(1)
			s.t.Errorf("request %s %s %s carries the integration source %q of another call", r.Method, r.RequestURI, body, tag)
		}
		if key := r.Header.Get("Idempotency-Key"); r.Method == "POST" && strings.HasPrefix(r.URL.Path, "/v2/visit_profile") {
			if key != "key-"+strings.TrimPrefix(tag, "src-") {
				s.mismatch.Add(1)
				s.t.Errorf("write %s %s carries the idempotency key %q, its source is %q", r.Method, r.RequestURI, key, tag)
			}
		}
		if s.flaky {
			s.mu.Lock()
			first := !s.tried[r.Method+r.RequestURI+string(body)]
			s.tried[r.Method+r.RequestURI+string(body)] = true
			s.mu.Unlock()
			if first {
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
		}
		mux.ServeHTTP(w, r)
	})
}

// concurrencyCall makes call number i, of one of ten kinds, and checks that
// its result is its own.
func concurrencyCall(ctx context.Context, c *fullstory.Client, i int) error {
	tag := fmt.Sprintf("n%dx", i) // in every id, so the server can tell the calls apart
	opts := []fullstory.Option{fullstory.WithIntegrationSource(fmt.Sprintf("src-%d", i))}
	id := fullstory.NewSessionID("u"+tag, "s"+tag)
	want := func(got, expect string) error {
		if got != expect {
			return fmt.Errorf("call %d got %q, want %q", i, got, expect)
		}
		return nil
	}
	switch i % 10 {
	case 0:
		p, err := c.Profiles.Get(ctx, fullstory.ProfileID("p"+tag), opts...)
		if err != nil {
			return err
		}
		return want(p.Name, "name of p"+tag)
	case 1:
		page, err := c.Profiles.List(ctx, &fullstory.ListProfilesOptions{PageToken: "t" + tag}, opts...)
		if err != nil {
			return err
		}
		if len(page.Profiles) != 1 {
			return fmt.Errorf("call %d got %d profiles", i, len(page.Profiles))
		}
		return want(string(page.Profiles[0].ID), "t"+tag)
	case 2:
		return c.Profiles.Delete(ctx, fullstory.ProfileID("p"+tag), opts...)
	case 3:
		sessions, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{UID: "uid" + tag}, opts...)
		if err != nil {
			return err
		}
		if len(sessions) != 1 {
			return fmt.Errorf("call %d got %d sessions", i, len(sessions))
		}
		return want(sessions[0].UserID, "uid"+tag)
	case 4:
		events, err := c.Sessions.Events(ctx, id, opts...)
		if err != nil {
			return err
		}
		if len(events) != 1 {
			return fmt.Errorf("call %d got %d events", i, len(events))
		}
		return want(events[0].SessionID, id.String())
	case 5:
		sc, err := c.Sessions.Context(ctx, id, nil, opts...)
		if err != nil {
			return err
		}
		return want(sc.Context.SessionID, id.String())
	case 6:
		sum, err := c.Sessions.Summarize(ctx, id, &fullstory.SummarizeRequest{Profile: fullstory.ProfileID("p" + tag)}, opts...)
		if err != nil {
			return err
		}
		return want(sum.Text, "summary of "+id.String()+" with p"+tag)
	case 7:
		sum, err := c.Sessions.Summarize(ctx, id, &fullstory.SummarizeRequest{
			Profile: fullstory.ProfileID("p" + tag), Overrides: &fullstory.ProfileConfig{Slice: &fullstory.SliceConfig{EventLimit: i + 1}},
		}, opts...)
		if err != nil {
			return err
		}
		return want(sum.Text, "summary of "+id.String()+" with p"+tag)
	case 8:
		opts = append(opts, fullstory.WithIdempotencyKey(fmt.Sprintf("key-%d", i)))
		pid, err := c.Profiles.Create(ctx, &fullstory.ProfileRequest{Name: "name of p" + tag}, opts...)
		if err != nil {
			return err
		}
		return want(string(pid), "created name of p"+tag)
	default:
		opts = append(opts, fullstory.WithIdempotencyKey(fmt.Sprintf("key-%d", i)))
		return c.Profiles.Update(ctx, fullstory.ProfileID("p"+tag), &fullstory.ProfileRequest{Name: "name of p" + tag}, opts...)
	}
}

// TestConcurrencyOneClient has 100 goroutines share one Client, with mixed
// methods and per-call options, all released at once: every call must
// succeed with its own result and its own options on the wire. The flaky
// variant answers every first attempt 429, so that retries interleave too.
func TestConcurrencyOneClient(t *testing.T) {
	t.Parallel()
	for _, flaky := range []bool{false, true} {
		t.Run(fmt.Sprintf("flaky=%v", flaky), func(t *testing.T) {
			s := &concurrencyServer{t: t, flaky: flaky, tried: map[string]bool{}}
			srv := newTestServer(t, s.handler().ServeHTTP)
			c, err := fullstory.NewClient(secretKey, fullstory.WithBaseURL(srv.URL),
				fullstory.WithRetryWait(time.Millisecond, 2*time.Millisecond), fullstory.WithMaxRetries(1))
			require.NoError(t, err)

			start := make(chan struct{})
			errs := make([]error, concurrencyCallers)
			var wg sync.WaitGroup
			for i := range concurrencyCallers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					errs[i] = concurrencyCall(context.Background(), c, i)
				}()
			}
			close(start)
			wg.Wait()

			failed := 0
			for i, err := range errs {
				if !assert.NoError(t, err, "call %d", i) {
					failed++
				}
			}
			wantRequests := int64(concurrencyCallers)
			if flaky {
				wantRequests *= 2
			}
			assert.Equal(t, wantRequests, s.requests.Load(), "requests the server saw")
			assert.Zero(t, s.mismatch.Load(), "requests that carried another call's options or body")
			t.Logf("concurrency (flaky=%v): %d goroutines on one Client, %d failed, %d requests, %d mismatches",
				flaky, concurrencyCallers, failed, s.requests.Load(), s.mismatch.Load())
		})
	}
}

// Per-call timeouts stay with their call: on one Client, against a server
// that takes 200ms, the calls given 20ms time out and the others, given 5s,
// at the same moment, succeed.
func TestConcurrencyPerCallTimeouts(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(200 * time.Millisecond):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"p1","name":"support"}`)
	})
	c := wireClient(t, srv, fullstory.WithMaxRetries(0))
	const callers = 20
	errs := make([]error, callers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range callers {
		timeout := 5 * time.Second
		if i%2 == 1 {
			timeout = 20 * time.Millisecond
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = c.Profiles.Get(context.Background(), "p1", fullstory.WithTimeout(timeout))
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if i%2 == 1 {
			assert.ErrorIs(t, err, context.DeadlineExceeded, "call %d, given 20ms", i)
			continue
		}
		assert.NoError(t, err, "call %d, given 5s", i)
	}
}
