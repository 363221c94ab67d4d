package fullstory_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	fullstory "github.com/summarykit/fullstory-go"
)

// The benchmarks compare each SDK call with a hand-written net/http +
// encoding/json call doing the same request against the same in-process
// server, so the difference is what the SDK costs. Run them with
//
//	go test -run '^$' -bench . -benchtime 2000x

const (
	benchSummary  = `{"summary":"The user added two tickets to the cart, hit a network error at payment and left."}`
	benchSessions = `{"sessions":[{"userId":"6973903723107198876","sessionId":"5156932900183134039","createdTime":"1750978914","fsUrl":"https://app.fullstory.com/ui/XYZ/session/6973903723107198876:5156932900183134039"},{"userId":"6973903723107198876","sessionId":"7595300836794220845","createdTime":"1750971633","fsUrl":"https://app.fullstory.com/ui/XYZ/session/6973903723107198876:7595300836794220845"}]}`
	benchCreated  = `{"id":"5371ea1b-625c-4773-b038-0dacb0b4d08a"}`
)

func newBenchServer(b *testing.B) *wireServer {
	b.Helper()
	return newCountingServer(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost:
			io.Copy(io.Discard, r.Body)
			io.WriteString(w, benchCreated)
		case r.URL.Path == "/sessions/v2":
			io.WriteString(w, benchSessions)
		default:
			io.WriteString(w, benchSummary)
		}
	}))
}

// baseline is the hand-written client: the same headers, a tuned transport,
// a 30s timeout per request (the SDK bounds every attempt too; a call
// without one is a known production trap), encoding/json, and no retries,
// validation or error decoding.
type baseline struct {
	hc   *http.Client
	base string
}

func newBaseline(srv *wireServer) *baseline {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 256, 256
	return &baseline{hc: &http.Client{Transport: tr}, base: srv.URL}
}

func (c *baseline) do(ctx context.Context, method, rawURL string, body []byte, out any) error {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, rawURL, r)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Basic KEY")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "baseline/1.0")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func (c *baseline) summarize(ctx context.Context) error {
	var out struct {
		Summary string `json:"summary"`
	}
	id := benchSession()
	return c.do(ctx, http.MethodGet, c.base+"/v2/sessions/"+id.User+"%3A"+id.Session+"/summary?config_profile=p1", nil, &out)
}

// benchSeq numbers the sessions the benchmarks summarize.
var benchSeq atomic.Int64

// benchSession returns a session no benchmark call has summarized yet:
// identical summary calls in flight share one request, so a benchmark of
// one session asked for over and over would measure the sharing.
func benchSession() fullstory.SessionID {
	return fullstory.NewSessionID("6973903723107198876", strconv.FormatInt(5156932900183134039+benchSeq.Add(1), 10))
}

func (c *baseline) list(ctx context.Context) error {
	var out struct {
		Sessions []struct {
			UserID      string `json:"userId"`
			SessionID   string `json:"sessionId"`
			CreatedTime string `json:"createdTime"`
			FsURL       string `json:"fsUrl"`
		} `json:"sessions"`
	}
	q := url.Values{"email": {"jane@doe.com"}, "limit": {"10"}}
	return c.do(ctx, http.MethodGet, c.base+"/sessions/v2?"+q.Encode(), nil, &out)
}

var benchProfile = &fullstory.ProfileRequest{
	Name: "support assistant",
	ProfileConfig: fullstory.ProfileConfig{
		LLM: &fullstory.LLMConfig{
			PrePrompt:   "You are a support assistant. The following is a log of user session events. Please analyze carefully.",
			PostPrompt:  "Summarize the user's primary goal, any issues encountered (errors, rage clicks), the user's final action.",
			Temperature: fullstory.Ptr(0.2),
		},
		Slice:  &fullstory.SliceConfig{Mode: fullstory.SliceLast, EventLimit: 200},
		Events: &fullstory.EventsConfig{ExcludeTypes: []fullstory.EventType{fullstory.EventConsoleError, fullstory.EventNetworkError}},
	},
}

func (c *baseline) create(ctx context.Context) error {
	body, err := json.Marshal(benchProfile)
	if err != nil {
		return err
	}
	var out struct {
		ID string `json:"id"`
	}
	return c.do(ctx, http.MethodPost, c.base+"/v2/visit_profile", body, &out)
}

type benchCalls struct {
	sdk, baseline func(context.Context) error
}

func newBenchCalls(b *testing.B) map[string]benchCalls {
	srv := newBenchServer(b)
	c, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	base := newBaseline(srv)
	return map[string]benchCalls{
		"Summarize": {
			sdk: func(ctx context.Context) error {
				_, err := c.Sessions.Summarize(ctx, benchSession(), &fullstory.SummarizeRequest{Profile: "p1"})
				return err
			},
			baseline: base.summarize,
		},
		"SessionsList": {
			sdk: func(ctx context.Context) error {
				_, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: "jane@doe.com", Limit: 10})
				return err
			},
			baseline: base.list,
		},
		"ProfilesCreate": {
			sdk: func(ctx context.Context) error {
				_, err := c.Profiles.Create(ctx, benchProfile)
				return err
			},
			baseline: base.create,
		},
	}
}

// benchCall runs call as the sub-benchmark name, one caller at a time, and
// as name/parallel64, 64 callers at once.
func benchCall(b *testing.B, name string, call func(context.Context) error) {
	b.Run(name, func(b *testing.B) {
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			if err := call(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run(name+"/parallel64", func(b *testing.B) {
		ctx := context.Background()
		b.ReportAllocs()
		b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := call(ctx); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

func BenchmarkCalls(b *testing.B) {
	calls := newBenchCalls(b)
	for _, name := range []string{"Summarize", "SessionsList", "ProfilesCreate"} {
		for _, impl := range []string{"sdk", "baseline"} {
			call := calls[name].sdk
			if impl == "baseline" {
				call = calls[name].baseline
			}
			benchCall(b, name+"/"+impl, call)
		}
	}
}

// BenchmarkActivationGuard measures what the Activation guard costs per
// summary, on distinct sessions: "guard=on" is a Client with a memory
// budget and a full memory cache that misses (every session is new) and so
// evicts to store, "guard=off" one with neither; both share identical calls in flight, as every Client
// does by default. "guard=off,fresh" passes WithFreshSummary, which skips
// the shared call: the difference to guard=off is what sharing costs a
// call that has nobody to share with. Run each arm in a process of its own,
// interleaved (off, on, fresh, then fresh, on, off, …), with benchstat:
//
//	go test -c -o fullstory.test . && for i in $(seq 16); do
//	  arms='guard=off$ guard=on$ guard=off,fresh$'; [ $((i % 2)) = 0 ] && arms='guard=off,fresh$ guard=on$ guard=off$'
//	  for a in $arms; do ./fullstory.test -test.run '^$' -test.bench "ActivationGuard/$a" -test.benchtime 3000x; done
//	done > guard.txt
//	go run golang.org/x/perf/cmd/benchstat@latest -col /guard guard.txt
func BenchmarkActivationGuard(b *testing.B) {
	srv := newBenchServer(b)
	// A service's cache is full after a while: the benchmark measures a
	// miss on a full one, which evicts to store, not one still growing.
	cache := fullstory.NewMemoryCache(8 << 20)
	for i := 0; cache.Len() < 20000 && i < 100000; i++ {
		_ = cache.Set(context.Background(), fmt.Sprintf("fullstory:summary:v1:%032x:%064x", i, i), []byte(benchSummary), time.Hour)
	}
	on, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(srv.URL),
		fullstory.WithBudget(fullstory.NewMemoryBudget(1<<40, fullstory.BudgetMonthly)),
		fullstory.WithSummaryCache(cache, time.Hour))
	if err != nil {
		b.Fatal(err)
	}
	off, err := fullstory.NewClient("KEY", fullstory.WithBaseURL(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	req := &fullstory.SummarizeRequest{Profile: "p1"}
	for _, tc := range []struct {
		name string
		c    *fullstory.Client
		opts []fullstory.Option
	}{
		{"guard=off", off, nil},
		{"guard=on", on, nil},
		{"guard=off,fresh", off, []fullstory.Option{fullstory.WithFreshSummary()}},
	} {
		call := func(ctx context.Context) error {
			_, err := tc.c.Sessions.Summarize(ctx, benchSession(), req, tc.opts...)
			return err
		}
		benchCall(b, tc.name, call)
	}
}
