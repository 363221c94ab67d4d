package main

import (
	"cmp"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/summarykit/fullstory-go/fullstorytest"
)

// fakeFlags are the fake command's ways to make trouble for a client.
type fakeFlags struct {
	latency time.Duration
	rate    float64 // requests per second; 0: no throttle
	burst   int
	faults  []fullstorytest.Fault
}

func (f *fakeFlags) declare(fs *flagSet) {
	fs.durationVar(&f.latency, "latency", "hold every request for `DURATION`, e.g. 200ms")
	fs.formVar("throttle", "answer 429 with a Retry-After beyond `RATE` requests, e.g. 10/s or 600/m", f.setRate, f.getRate)
	fs.intVar(&f.burst, "burst", "with --throttle, let `N` requests through at once")
	fs.formVar("fault", "`OP:STATUS[:COUNT]` fails the next COUNT (default 1) requests of operation OP with STATUS, e.g. summarize:503:2; repeatable", f.addFault, f.getFaults)
}

// options are the fake's server options for the flags.
func (f *fakeFlags) options() []fullstorytest.ServerOption {
	var opts []fullstorytest.ServerOption
	if f.latency > 0 {
		opts = append(opts, fullstorytest.WithLatency(f.latency))
	}
	if f.rate > 0 {
		opts = append(opts, fullstorytest.WithThrottle(f.rate, f.burst))
	}
	return opts
}

func (f *fakeFlags) setRate(s string) string {
	const want = "a rate such as 10/s or 600/m"
	n, unit, _ := strings.Cut(s, "/")
	rate, err := strconv.ParseFloat(n, 64)
	if err != nil || rate <= 0 {
		return want
	}
	switch unit {
	case "s", "":
	case "m":
		rate /= 60
	default:
		return want
	}
	f.rate = rate
	return ""
}

func (f *fakeFlags) getRate() string {
	if f.rate == 0 {
		return ""
	}
	return strconv.FormatFloat(f.rate, 'g', -1, 64) + "/s"
}

// addFault parses OP:STATUS[:COUNT].
func (f *fakeFlags) addFault(s string) string {
	want := "OP:STATUS[:COUNT] such as summarize:503:2, with OP one of " + strings.Join(operationNames(), ", ")
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return want
	}
	op := fullstorytest.Operation(parts[0])
	status, err := strconv.Atoi(parts[1])
	if !slices.Contains(fullstorytest.Operations(), op) || err != nil || status < 300 || status > 599 {
		return want
	}
	count := 1
	if len(parts) == 3 {
		if count, err = strconv.Atoi(parts[2]); err != nil || count < 1 {
			return want
		}
	}
	f.faults = append(f.faults, fullstorytest.Fault{Op: op, Status: status, Count: count})
	return ""
}

func (f *fakeFlags) getFaults() string {
	var out []string
	for _, fault := range f.faults {
		out = append(out, fmt.Sprintf("%s:%d:%d", fault.Op, fault.Status, fault.Count))
	}
	return strings.Join(out, " ")
}

func operationNames() []string {
	var names []string
	for _, op := range fullstorytest.Operations() {
		names = append(names, string(op))
	}
	return names
}

// logRequests logs each request that h serves on w: method, path, status and
// latency. Never the query string, which holds emails and uids, nor any
// header, such as Authorization.
func logRequests(w io.Writer, h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: rw}
		cut := true // until h returns: it panics to drop a connection
		defer func() {
			status := strconv.Itoa(cmp.Or(rec.status, http.StatusOK))
			if cut {
				status += " (connection dropped)"
			}
			fmt.Fprintf(w, "fullstory fake: %s %s %s %s\n", r.Method, r.URL.EscapedPath(), status, time.Since(start).Round(time.Microsecond))
		}()
		h.ServeHTTP(rec, r)
		cut = false
	})
}

// statusRecorder notes the status a handler sends.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(p)
}

// Flush lets the fake send half a response before it drops a connection.
func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
