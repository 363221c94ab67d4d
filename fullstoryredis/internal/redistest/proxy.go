package redistest

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"
)

// Proxy stands between clients and a Server on a loopback port, and can
// lose a reply on the way back, as a network can after Redis ran the
// command: go-redis then sees the connection drop and sends the command
// again.
type Proxy struct {
	Addr string // host:port to connect to

	server *Server
	ln     net.Listener
	drop   atomic.Int32 // replies still to lose
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  []net.Conn
}

// NewProxy starts a proxy to s for t, closed when t ends.
func NewProxy(t testing.TB, s *Server) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{Addr: ln.Addr().String(), server: s, ln: ln}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

// DropReplies makes the proxy lose the next n replies: each is read from
// Redis (so the command ran) and, instead of being passed on, the client's
// connection is closed.
func (p *Proxy) DropReplies(n int) { p.drop.Store(int32(n)) }

// Options returns go-redis options for the proxy.
func (p *Proxy) Options() *redis.Options { return &redis.Options{Addr: p.Addr} }

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("unix", p.server.Socket)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		p.wg.Add(2)
		go func() { defer p.wg.Done(); io.Copy(up, c); up.Close() }()
		go func() { defer p.wg.Done(); p.replies(c, up) }()
	}
}

// replies passes what Redis answers back to the client, unless a reply is
// to be lost.
func (p *Proxy) replies(c, up net.Conn) {
	defer c.Close()
	buf := make([]byte, 64<<10)
	for {
		n, err := up.Read(buf)
		if err != nil {
			return
		}
		if p.drop.Load() > 0 && p.drop.Add(-1) >= 0 {
			up.Close()
			return
		}
		if _, err := c.Write(buf[:n]); err != nil {
			return
		}
	}
}

func (p *Proxy) close() {
	p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}
