package mcpserver

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/summarykit/fullstory-go/internal/shared"
)

// ServeStdio serves srv over in and out, newline-delimited JSON-RPC, as a
// host that starts the server as a subprocess speaks it. It returns nil when
// in ends (the host closed it, as it does to stop the server), or ctx's
// error when ctx ends first. Nothing but protocol may be written to out:
// the caller points os.Stdout elsewhere before it passes the real one here.
// ServeStdio closes neither in nor out.
func ServeStdio(ctx context.Context, srv *mcp.Server, in io.Reader, out io.Writer) error {
	return srv.Run(ctx, &mcp.IOTransport{Reader: io.NopCloser(in), Writer: nopWriteCloser{out}})
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// HTTPPath is where the HTTP handler serves MCP.
const HTTPPath = "/mcp"

// MinTokenLen is the shortest bearer token HTTPHandler accepts: a short one
// is guessed.
const MinTokenLen = 16

// HTTPHandler serves srv as streamable HTTP at HTTPPath, to clients that
// send "Authorization: Bearer <token>". Any local process can reach a
// loopback port, and every summary spends an Activation, so there is no
// HTTP without a token. It is stateless: no MCP session outlives its
// request (the paged tools hand out cursors instead), and an aborted
// request cancels its call. The SDK's DNS rebinding guard is on, and
// cross-origin browser requests are refused.
func HTTPHandler(srv *mcp.Server, token string, logger *slog.Logger) (http.Handler, error) {
	if len(token) < MinTokenLen {
		return nil, fmt.Errorf("the bearer token must be at least %d characters long", MinTokenLen)
	}
	mcpHandler := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, &mcp.StreamableHTTPOptions{
		Stateless:                    true,
		PropagateRequestCancellation: true,
		Logger:                       logger,
	})
	want := []byte(token)
	verify := func(_ context.Context, got string, _ *http.Request) (*auth.TokenInfo, error) {
		if subtle.ConstantTimeCompare([]byte(got), want) != 1 {
			return nil, auth.ErrInvalidToken
		}
		return &auth.TokenInfo{Expiration: time.Now().Add(time.Hour)}, nil
	}
	mux := http.NewServeMux()
	mux.Handle(HTTPPath, auth.RequireBearerToken(verify, nil)(mcpHandler))
	return http.NewCrossOriginProtection().Handler(mux), nil
}

// Listen listens on addr (HOST:PORT), refusing an address that is not a
// loopback one unless allowRemote.
func Listen(addr string, allowRemote bool) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("%q: want HOST:PORT, such as 127.0.0.1:8765", addr)
	}
	if !allowRemote && !shared.IsLoopback(host) {
		return nil, fmt.Errorf("%q is not a loopback address: anyone who reaches it and has the token could spend Activations; use 127.0.0.1:PORT, or allow it explicitly", addr)
	}
	return net.Listen("tcp", addr)
}

// ServeHTTP serves h on ln until ctx ends, then stops taking requests and
// gives those in flight a few seconds to finish.
func ServeHTTP(ctx context.Context, ln net.Listener, h http.Handler) error {
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close()
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
