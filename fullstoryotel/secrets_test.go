package fullstoryotel_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	fullstory "github.com/summarykit/fullstory-go"
	"github.com/summarykit/fullstory-go/fullstoryotel"
)

// The secrets of the calls below, which the server echoes everywhere it
// can.
const (
	secretKey        = "fs-secret-key-9f8e7d"
	secretEmail      = "jane.secret@example.com"
	secretUID        = "uid-secret-4711"
	secretSessionUID = "order-secret-0815"
)

var secretSession = fullstory.NewSessionID("4444444444444444444", "5555555555555555555")

// echoServer answers each request first with a retryable failure, then
// with a 400, both quoting the whole request: its URL with the query, its
// decoded path and its Authorization header. The events endpoint first
// drops the connection, so that a transport error quotes the URL.
func echoServer(t *testing.T) []fullstory.Option {
	var (
		mu   sync.Mutex
		seen = map[string]int{}
	)
	_, opts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.RequestURI]++
		n := seen[r.RequestURI]
		mu.Unlock()
		echo := fmt.Sprintf("%s %s (%s) by %s", r.Method, r.RequestURI, r.URL.Path, r.Header.Get("Authorization"))
		w.Header().Set("X-Echo", url.QueryEscape(echo))
		w.Header().Set("Content-Type", "application/json")
		switch {
		case n == 1 && strings.HasSuffix(r.URL.Path, "/events"):
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		case n == 1:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			w.WriteHeader(http.StatusBadRequest)
		}
		fmt.Fprintf(w, `{"code":"echo","message":%q}`, echo)
	})
	return opts
}

// No span, event or metric holds the API key, an email, a uid or a session
// uid, whatever the server echoes; no attribute of ours holds a query; and
// none holds a session id unless WithSessionIDs.
func TestNothingSecretIsRecorded(t *testing.T) {
	for name, tc := range map[string]struct {
		opts       []fullstoryotel.TracingOption
		sessionIDs bool
	}{
		"default":        {},
		"WithSessionIDs": {opts: []fullstoryotel.TracingOption{fullstoryotel.WithSessionIDs()}, sessionIDs: true},
	} {
		t.Run(name, func(t *testing.T) {
			tel := newTelemetry(t)
			opts := append(echoServer(t), tel.options(tc.opts...)...)
			c, err := fullstory.NewClient(secretKey, opts...)
			require.NoError(t, err)
			ctx := t.Context()
			calls := []func() error{
				func() error {
					_, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{Email: secretEmail})
					return err
				},
				func() error {
					_, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{UID: secretUID})
					return err
				},
				func() error {
					_, err := c.Sessions.List(ctx, &fullstory.ListSessionsOptions{SessionUID: secretSessionUID})
					return err
				},
				func() error {
					_, err := c.Sessions.Summarize(ctx, secretSession, &fullstory.SummarizeRequest{
						Profile: "support-v2", EndTimestamp: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
					return err
				},
				func() error {
					_, err := c.Sessions.Summarize(ctx, secretSession, &fullstory.SummarizeRequest{Overrides: &fullstory.ProfileConfig{}})
					return err
				},
				func() error { _, err := c.Sessions.Events(ctx, secretSession); return err },
				func() error { _, err := c.Sessions.Context(ctx, secretSession, nil); return err },
			}
			for i, call := range calls {
				require.ErrorIs(t, call(), fullstory.ErrBadRequest, "call %d", i)
			}

			texts := recorded(t, tel)
			require.NotEmpty(t, texts)
			var sawSession, sawTransport, sawEcho bool
			for _, s := range texts {
				for _, secret := range secretForms(secretKey, secretEmail, secretUID, secretSessionUID) {
					assert.NotContains(t, s, secret)
				}
				// The server's message quotes the query, its secrets
				// redacted; nothing of ours holds one.
				if !strings.HasPrefix(s, "exception.message=") && !strings.HasPrefix(s, "status=") {
					assert.NotContains(t, s, "?")
				}
				sawEcho = sawEcho || strings.Contains(s, "(echo)") && strings.Contains(s, "[redacted]")
				ids := []string{secretSession.String(), secretSession.PathEscaped(), secretSession.User, secretSession.Session}
				for _, id := range ids {
					if strings.Contains(s, id) {
						sawSession = true
						assert.True(t, tc.sessionIDs, "a session id in %q", s)
					}
				}
				sawTransport = sawTransport || strings.Contains(s, "EOF")
			}
			assert.Equal(t, tc.sessionIDs, sawSession, "session ids recorded when opted in")
			assert.True(t, sawTransport, "the dropped connection was recorded")
			assert.True(t, sawEcho, "the server's echo was recorded, redacted")
		})
	}
}

// secretForms returns each secret as it is, lowercased and query-escaped.
func secretForms(secrets ...string) []string {
	var out []string
	for _, s := range secrets {
		out = append(out, s, strings.ToLower(s), url.QueryEscape(s))
	}
	return out
}

// recorded returns every text tel holds: span names, attributes, status
// descriptions, events, and the attributes of every metric point.
func recorded(t *testing.T, tel *telemetry) []string {
	var out []string
	add := func(kvs []attribute.KeyValue) {
		for _, kv := range kvs {
			out = append(out, string(kv.Key)+"="+kv.Value.String())
		}
	}
	for _, s := range tel.spans.Ended() {
		out = append(out, s.Name(), "status="+s.Status().Description)
		add(s.Attributes())
		for _, e := range s.Events() {
			out = append(out, e.Name)
			add(e.Attributes)
		}
	}
	for _, m := range tel.collect(t) {
		switch d := m.Data.(type) {
		case metricdata.Sum[int64]:
			for _, p := range d.DataPoints {
				add(p.Attributes.ToSlice())
			}
		case metricdata.Histogram[float64]:
			for _, p := range d.DataPoints {
				add(p.Attributes.ToSlice())
			}
		case metricdata.Gauge[float64]:
			for _, p := range d.DataPoints {
				add(p.Attributes.ToSlice())
			}
		default:
			t.Fatalf("metric %s is a %T", m.Name, m.Data)
		}
	}
	return out
}
