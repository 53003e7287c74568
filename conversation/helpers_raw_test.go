package conversation

// A raw TCP server, for faults below HTTP (resets, silence, trickles, lies
// about Content-Length), and a dialer that counts and refuses dials.

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// rawServer is a loopback TCP server; each accepted connection is handed to
// handle, and closed when handle returns. Close (at the end of the test)
// closes the listener and every open connection, then waits for the
// handlers, so a handler blocked on its connection always ends.
type rawServer struct {
	ln     net.Listener
	handle func(c *rawConn)
	done   chan struct{}
	wg     sync.WaitGroup

	mu    sync.Mutex
	conns map[net.Conn]struct{}

	accepted atomic.Int64 // connections accepted
	requests atomic.Int64 // request heads read
	written  atomic.Int64 // bytes written to clients

	gaveUp     chan struct{} // closed when a handler let go of a client first (hold, trickle)
	gaveUpOnce sync.Once
}

// rawConn is one accepted connection of a rawServer.
type rawConn struct {
	net.Conn
	srv *rawServer
	br  *bufio.Reader
}

// newRawServer starts a rawServer on 127.0.0.1, closed at the end of the test.
func newRawServer(t *testing.T, handle func(c *rawConn)) *rawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	s := &rawServer{ln: ln, handle: handle, done: make(chan struct{}), conns: map[net.Conn]struct{}{}, gaveUp: make(chan struct{})}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.Close)
	return s
}

func (s *rawServer) accept() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.accepted.Add(1)
		s.mu.Lock()
		select {
		case <-s.done:
			s.mu.Unlock()
			conn.Close()
			return
		default:
		}
		s.conns[conn] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			defer func() {
				s.mu.Lock()
				delete(s.conns, conn)
				s.mu.Unlock()
				conn.Close()
			}()
			s.handle(&rawConn{Conn: conn, srv: s, br: bufio.NewReader(conn)})
		}()
	}
}

// Close stops the server and waits for every handler to return.
func (s *rawServer) Close() {
	s.mu.Lock()
	select {
	case <-s.done:
		s.mu.Unlock()
		return
	default:
	}
	close(s.done)
	s.ln.Close()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// Base is the API base URL on this server.
func (s *rawServer) Base() string { return "http://" + s.ln.Addr().String() + basePath }

// readRequest reads one request head and its whole body.
func (c *rawConn) readRequest() (*http.Request, []byte, error) {
	req, err := http.ReadRequest(c.br)
	if err != nil {
		return nil, nil, err
	}
	c.srv.requests.Add(1)
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	return req, body, err
}

// Write counts the bytes that reached the socket.
func (c *rawConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.srv.written.Add(int64(n))
	return n, err
}

// writeString writes s, reporting whether it was fully written.
func (c *rawConn) writeString(s string) bool {
	_, err := io.WriteString(c, s)
	return err == nil
}

// reset closes the connection with a TCP RST instead of a FIN.
func (c *rawConn) reset() {
	if tc, ok := c.Conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	c.Conn.Close()
}

// holdBound is how long a handler holds on to a client that does not go
// away (hold, trickle): far beyond any deadline a test gives a call.
const holdBound = 10 * time.Second

// hold keeps the connection open and silent until the client hangs up or
// the server closes; after holdBound it lets go first (giveUp).
func (c *rawConn) hold() {
	_ = c.SetReadDeadline(time.Now().Add(holdBound))
	_, err := io.Copy(io.Discard, c.br)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		c.srv.giveUp()
	}
}

// trickle writes next(0), next(1), ... one every interval until the client
// hangs up or the server closes; after holdBound it lets go first (giveUp).
func (c *rawConn) trickle(next func(i int) string, interval time.Duration) {
	for i, end := 0, time.Now().Add(holdBound); time.Now().Before(end); i++ {
		if !c.writeString(next(i)) || !c.sleep(interval) {
			return
		}
	}
	c.srv.giveUp()
}

// giveUp records that a handler let go of a client that was still there.
func (s *rawServer) giveUp() { s.gaveUpOnce.Do(func() { close(s.gaveUp) }) }

// wantHeld fails the test if a handler let go of its client before the
// call returned: the call then ended because the server did, not on its
// own (its context, its drain bound). It is the structural form of "the
// call returned with its deadline", which holds on a loaded machine where
// a bound on elapsed time would not.
func (s *rawServer) wantHeld(t testing.TB) {
	t.Helper()
	select {
	case <-s.gaveUp:
		t.Errorf("the call returned only after the server let go of it (%v): it did not end on its own", holdBound)
	default:
	}
}

// sleep waits d, or less if the server is closing; false means closing.
func (c *rawConn) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-c.srv.done:
		return false
	case <-t.C:
		return true
	}
}

// countingDialer counts dials and sends the first refuse of them to
// refused (a refusedAddr), whatever address was asked for: a real
// ECONNREFUSED from the kernel, deterministically, before the real server
// is reached.
type countingDialer struct {
	refused string
	refuse  int64
	dials   atomic.Int64
}

func (d *countingDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	n := d.dials.Add(1)
	if n <= d.refuse {
		addr = d.refused
	}
	return (&net.Dialer{Timeout: 2 * time.Second}).DialContext(ctx, network, addr)
}
