package fullstory_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	fullstory "github.com/summarykit/fullstory-go"
)

// secrecyForbidden is what must never appear in an error, a log line or the
// client's printed form: the API key, and the email and uid of a list query,
// also as the query string carries the email.
var secrecyForbidden = []string{faultKey, faultEmail, faultUID, url.QueryEscape(faultEmail)}

// secrecyCheck fails t for each forbidden string found in text.
func secrecyCheck(t *testing.T, where, text string) int {
	t.Helper()
	found := 0
	for _, s := range secrecyForbidden {
		if strings.Contains(text, s) {
			found++
			t.Errorf("%s holds %q: %s", where, s, text)
		}
	}
	return found
}

// secrecyLogger returns a debug-level logger that writes into buf.
func secrecyLogger(buf *bytes.Buffer) slog.Handler {
	return slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})
}

// TestSecrecyAcrossFaults drives every fault of the matrix on every
// operation against servers that echo the key, email and uid back (in error
// bodies, proxy pages, junk 200s and redirect Locations), and looks for them
// in everything the caller can print: the error, the client and the log.
func TestSecrecyAcrossFaults(t *testing.T) {
	var calls, errs, logLines, leaks int
	for _, fc := range faultCases() {
		t.Run(fc.name, func(t *testing.T) {
			for _, op := range faultOps() {
				if !faultLight(fc, op) {
					continue
				}
				t.Run(op.name, func(t *testing.T) {
					var buf bytes.Buffer
					_, c, err := faultTry(t, fc, op, true, secrecyLogger(&buf))
					calls++
					if err != nil {
						errs++
						leaks += secrecyCheck(t, "err.Error()", err.Error())
						leaks += secrecyCheck(t, "%+v of the error", fmt.Sprintf("%+v", err))
						leaks += secrecyCheck(t, "%v of the error", fmt.Sprintf("%v", err))
					}
					logLines += strings.Count(buf.String(), "\n")
					leaks += secrecyCheck(t, "the debug log", buf.String())

					for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
						leaks += secrecyCheck(t, verb+" of the client", fmt.Sprintf(verb, c))
					}
				})
			}
		})
	}
	t.Logf("secrecy: %d calls under %d faults, %d errors and %d debug log lines checked for the key, email and uid; leaks found: %d",
		calls, len(faultCases()), errs, logLines, leaks)
}

// TestSecrecyClientValue prints a Client by value, as %v of a struct that
// embeds one, or a careless *c, would.
func TestSecrecyClientValue(t *testing.T) {
	c, err := fullstory.NewClient(faultKey)
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		secrecyCheck(t, verb+" of *client", fmt.Sprintf(verb, *c))
		secrecyCheck(t, verb+" of a struct holding the client", fmt.Sprintf(verb, struct{ C *fullstory.Client }{c}))
	}
}

// TestSecrecyCutSamples puts the secrets where the client cuts an error body
// to a short sample, so that a secret straddles the cut: no part of the key
// long enough to matter may be left behind.
func TestSecrecyCutSamples(t *testing.T) {
	const minPart = 6 // "SECRET"; a shorter part says little about a key
	bodies := map[string]func(pad int, secret string) (status int, contentType, body string){
		"error message": func(pad int, secret string) (int, string, string) {
			return 500, "application/json", fmt.Sprintf(`{"code":"internal","message":%q}`, strings.Repeat("x", pad)+secret)
		},
		"error code": func(pad int, secret string) (int, string, string) {
			return 400, "application/json", fmt.Sprintf(`{"code":%q,"message":"bad"}`, strings.Repeat("x", pad)+secret)
		},
		"proxy page": func(pad int, secret string) (int, string, string) {
			return 502, "text/html", "<html><body>" + strings.Repeat("x", pad) + secret + "</body></html>"
		},
		"plain text error": func(pad int, secret string) (int, string, string) {
			return 404, "text/plain", strings.Repeat("x", pad) + secret
		},
		"junk 200": func(pad int, secret string) (int, string, string) {
			return 200, "text/plain", strings.Repeat("x", pad) + secret
		},
	}
	secrets := map[string]string{"key": faultKey, "email": faultEmail, "uid": faultUID}
	tried := 0
	for name, body := range bodies {
		for what, secret := range secrets {
			t.Run(name+"/"+what, func(t *testing.T) {
				var pad int
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					status, ct, b := body(pad, secret)
					w.Header().Set("Content-Type", ct)
					w.WriteHeader(status)
					fmt.Fprint(w, b)
				}))
				defer srv.Close()
				c, err := fullstory.NewClient(faultKey, fullstory.WithBaseURL(srv.URL), fullstory.WithMaxRetries(0))
				require.NoError(t, err)
				// The samples are cut at 120, 200 and 500 characters: put
				// the secret across each cut.
				var pads []int
				for _, cut := range []int{120, 200, 500} {
					for p := cut - len(secret) - 2; p <= cut+1; p++ {
						pads = append(pads, p)
					}
				}
				for _, pad = range pads {
					tried++
					_, err := c.Sessions.List(context.Background(), &fullstory.ListSessionsOptions{UID: faultUID, Email: faultEmail})
					require.Error(t, err)
					msg := err.Error()
					for n := len(secret); n >= minPart; n-- {
						if strings.Contains(msg, strings.Repeat("x", 10)+secret[:n]+"…") {
							t.Fatalf("with %d characters before it, the first %d characters of the %s are left where the sample is cut: %q",
								pad, n, what, msg[max(0, len(msg)-80):])
						}
					}
				}
			})
		}
	}
	t.Logf("cut samples: %d error bodies tried", tried)
}

// TestSecrecyValidation refuses bad input without echoing it.
func TestSecrecyValidation(t *testing.T) {
	_, err := fullstory.NewClient(faultKey + " x")
	require.ErrorIs(t, err, fullstory.ErrInvalidArgument)
	secrecyCheck(t, "NewClient error", err.Error())

	_, err = fullstory.NewClient(faultKey, fullstory.WithBaseURL("http://user:"+faultKey+"@127.0.0.1/?email="+faultEmail))
	require.ErrorIs(t, err, fullstory.ErrInvalidArgument)
	secrecyCheck(t, "WithBaseURL error", err.Error())

	c, err := fullstory.NewClient(faultKey, fullstory.WithBaseURL("http://127.0.0.1:1"), fullstory.WithMaxRetries(0), fullstory.WithTimeout(time.Second))
	require.NoError(t, err)
	_, err = c.Sessions.List(context.Background(), &fullstory.ListSessionsOptions{Email: faultEmail + "\n", UID: faultUID + "\x00"})
	require.ErrorIs(t, err, fullstory.ErrInvalidArgument)
	secrecyCheck(t, "Sessions.List validation error", err.Error())
}
