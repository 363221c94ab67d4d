package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/summarykit/fullstory-go/fullstorytest"
	"github.com/summarykit/fullstory-go/internal/fields"
	"github.com/summarykit/fullstory-go/internal/shared"
)

var cmdFake = &command{
	name:     "fake",
	args:     "[--addr HOST:PORT] [--sessions FILE] [--verbose] [--fault OP:STATUS[:COUNT]]...",
	noClient: true,
	// Ctrl-C is how it stops.
	untilInterrupted: true,
	summary:          "Serve a fake Fullstory API with demo data, until Ctrl-C",
	help: `Serves the in-memory fake of the API from the package
github.com/summarykit/fullstory-go/fullstorytest, seeded with demo data: jane@doe.com has several sessions (an abandoned ticket
checkout, support and help pages, pricing pages, an Order Completed). It keeps
profiles while it runs, so tools in any language can be tried against it.

It prints the base URL and the API key as shell exports on stdout (or as
JSON with --json), then serves until Ctrl-C. Port 0 picks a free port. It
listens on loopback addresses unless --allow-remote says otherwise: its API
key is public, and this library's clients send a key over plain http only
to a loopback host. With --verbose, it logs each
request on stderr: method, path, status and latency, never the
Authorization header or the query string (which holds emails and uids).

To try a client's handling of trouble: --latency holds every request,
--throttle answers 429 with a Retry-After past a rate, and --fault fails
the next COUNT requests of an operation with STATUS. The operations are
create-profile, get-profile, update-profile, delete-profile, list-profiles,
list-sessions, summarize, events, context and list-sessions-v2.

--sessions FILE adds the sessions in FILE (JSON, {"sessions": [...]}, as
POST /_fake/sessions takes them; see the README) to the demo data. Tests in
any language drive the fake through its control endpoints under /_fake/:
inject a fault, reset it, add sessions, read the requests it received and
count the Activations it spent (see the README).

Examples:
  fullstory fake --addr 127.0.0.1:8080
  fullstory fake --verbose --latency 200ms --throttle 10/s --burst 2
  fullstory fake --fault summarize:503:2 --fault list-sessions:429
  fullstory fake --sessions testdata/sessions.json
  fullstory fake --addr 0.0.0.0:8080 --allow-remote
  # in another shell, after pasting the two export lines:
  fullstory profiles create -f examples/profiles/support.json
  fullstory summarize --email jane@doe.com --latest 3 --profile PROFILE_ID
`,
	json:    fakeJSONDoc,
	options: func() options { return &fakeOptions{addr: "127.0.0.1:8080", trouble: fakeFlags{burst: 1}} },
}

type fakeOptions struct {
	addr     string
	remote   bool
	trouble  fakeFlags
	file     string                          // --sessions
	sessions []fullstorytest.RecordedSession // read from file by validate
}

func (o *fakeOptions) declare(f *flagSet) {
	f.stringVar(&o.addr, "addr", "listen on `HOST:PORT`")
	f.boolVar(&o.remote, "allow-remote", "allow an --addr that is not a loopback one, such as 0.0.0.0:8080")
	f.stringVar(&o.file, "sessions", `add the sessions in `+"`FILE`"+` (JSON: {"sessions": [...]}) to the demo data`)
	o.trouble.declare(f)
}

func (o *fakeOptions) validate(args []string, _ *flagSet) error {
	if err := noArgs(args); err != nil {
		return err
	}
	if o.file != "" {
		data, err := os.ReadFile(o.file)
		if err != nil {
			return inputf("reading the sessions: %v", err)
		}
		if o.sessions, err = fullstorytest.ReadSessions(bytes.NewReader(data)); err != nil {
			// As -f's errors: "FILE:LINE:COLUMN: why".
			var fe *fields.Error
			if errors.As(err, &fe) && fe.Line > 0 {
				return inputf("%s:%d:%d: %s", o.file, fe.Line, fe.Column, fe.Reason)
			}
			return inputf("%s: %v", o.file, err)
		}
	}
	return checkAddr(o.addr, o.remote)
}

func (o *fakeOptions) run(ctx context.Context, a *app) error {
	f := &o.trouble
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	// Served by srv below, not by a listener of its own. Its request log
	// (GET /_fake/requests) is bounded in entries and bytes.
	fake := fullstorytest.NewUnstartedServer(append(f.options(), fullstorytest.WithSessions(o.sessions...))...)
	defer fake.Close()
	for _, fault := range f.faults {
		fake.InjectFault(fault)
	}
	var handler http.Handler = fake.Handler()
	if a.g.verbose {
		handler = logRequests(a.stderr, handler)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: fakeTimeouts.readHeader,
		ReadTimeout: fakeTimeouts.read, IdleTimeout: fakeTimeouts.idle}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	// An address on every interface is reached from here through loopback.
	tcp := ln.Addr().(*net.TCPAddr)
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	baseURL := "http://" + net.JoinHostPort(host, strconv.Itoa(tcp.Port))
	if a.g.json {
		err = a.printJSON(jsonFake{BaseURL: baseURL, APIKey: fake.APIKey})
	} else {
		_, err = fmt.Fprintf(a.stdout, "export FULLSTORY_BASE_URL=%s\nexport FULLSTORY_API_KEY=%s\n", shellQuote(baseURL), shellQuote(fake.APIKey))
	}
	if err == nil {
		if !tcp.IP.IsLoopback() {
			a.notef("fullstory fake: listening beyond loopback: anyone who reaches %s can use the fake with its public key", ln.Addr())
		}
		a.notef("fullstory fake: serving the fake Fullstory API with demo data (try --email jane@doe.com) on %s; Ctrl-C stops it", baseURL)
		select {
		case err = <-served:
			return err
		case <-ctx.Done():
		}
	}
	// A fake has nothing worth waiting for: Ctrl-C closes every connection,
	// idle or not, and cuts off the requests in flight.
	srv.Close()
	fake.Close()
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

// fakeTimeouts bound how long a connection may hold the fake: a request's
// headers must arrive within readHeader and all of it, body included,
// within read, and an idle keep-alive connection is closed after idle, so
// that clients that announce a body and never send it, or open connections
// and leave them, are not held forever. There is no write timeout: the fake
// holds requests on purpose (--latency), for as long as asked, and it reads
// a request's body before it holds it, so the read timeout does not cut
// that short. Tests make them shorter.
var fakeTimeouts = struct{ readHeader, read, idle time.Duration }{
	readHeader: 10 * time.Second, read: 30 * time.Second, idle: 2 * time.Minute,
}

// checkAddr refuses a listening address that is malformed, or not on a
// loopback interface unless remote allows it.
func checkAddr(addr string, remote bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("--addr %q: want HOST:PORT, e.g. 127.0.0.1:8080", addr)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return usagef("--addr %q: the port must be a number from 0 to 65535", addr)
	}
	if !remote && !shared.IsLoopback(host) {
		return usagef("--addr %q is not a loopback address, e.g. 127.0.0.1:8080: the fake's API key is public, and clients send a key over plain http only to a loopback host; add --allow-remote if you mean it", addr)
	}
	return nil
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
