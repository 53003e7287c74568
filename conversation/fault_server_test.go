package conversation_test

// Fault-injection helpers shared by the fault_*_test.go files: a raw TCP
// loopback server for byte-level faults, an httptest server that records
// what it saw, a client wired to a transport the test closes, and the
// assertions every fault test makes (error type, no credential in the text,
// no goroutine left behind).
//
// Every helper name starts with "fault" so that it cannot clash with the
// package's other external tests.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ultracart-community/ultracart-go/conversation"
)

// Credentials the fault tests use. They must never appear in an error.
const (
	faultKey   = "test-simple-key-do-not-use"
	faultToken = "test-bearer-token-do-not-use"
)

// faultPolicy is DefaultRetryPolicy's shape with millisecond waits, so a
// storm that exhausts the budget ends in milliseconds. Retry-After is still
// honoured up to MaxRetryAfter.
var faultPolicy = conversation.RetryPolicy{
	MaxAttempts:   4,
	BaseDelay:     time.Millisecond,
	MaxDelay:      4 * time.Millisecond,
	MaxRetryAfter: 5 * time.Second,
	MaxTotalWait:  10 * time.Second,
}

// faultBudget keeps the rate budget on in the fault tests, with one request
// in flight as by default, but with figures that never bind and a short
// pause after a 429 without Retry-After: the fault tests send hundreds of
// requests and 429 storms, and test what the client does with each
// response; the budget's own figures have tests of their own.
var faultBudget = conversation.BudgetLimits{
	PerHour:    3_600_000,
	PerDay:     86_400_000,
	Burst:      10_000,
	DailyBurst: 10_000,
	Pause:      time.Millisecond,
}

// faultLimiter is a budget of the client's own with faultBudget's figures:
// not the process-wide one of its key and host, since a fault test's server
// may get the port of an earlier test's.
func faultLimiter(t *testing.T) *conversation.LocalLimiter {
	t.Helper()
	l, err := conversation.NewLocalLimiter(faultBudget)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// faultSlack is how much later than its deadline a call may return.
const faultSlack = 500 * time.Millisecond

// faultLeakCheck must be the first call of a test: it registers, first and
// so to run last, a check that no goroutine started during the test is still
// running once the test's servers and client transports are closed.
// Goroutines that existed before the test (other tests' leftovers) are
// ignored, so the check is about this test only. Fault tests never call
// t.Parallel, since goroutines of a concurrent test would count as leaks.
func faultLeakCheck(t *testing.T) {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() {
		if err := goleak.Find(ignore); err != nil {
			t.Errorf("goroutines left after the test: %v", err)
			return
		}
		t.Logf("MEASURE goroutines-left=0")
	})
}

// faultTransport is a transport the test owns: its idle keep-alive
// connections are closed when the test ends, so that their read and write
// loops do not count as leaks. dial, when not nil, replaces the dialer.
func faultTransport(t *testing.T, dial func(ctx context.Context, network, addr string) (net.Conn, error)) *http.Transport {
	t.Helper()
	if dial == nil {
		dial = (&net.Dialer{Timeout: 2 * time.Second}).DialContext
	}
	tr := &http.Transport{
		Proxy:               nil, // loopback only, whatever the environment says
		DialContext:         dial,
		MaxIdleConnsPerHost: 8,
		IdleConnTimeout:     5 * time.Second,
	}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// faultClient is a client of base authenticated with faultKey, using
// faultPolicy and a transport closed at the end of the test. Later opts win.
func faultClient(t *testing.T, base string, opts ...conversation.Option) *conversation.Client {
	t.Helper()
	return faultClientWith(t, base, faultTransport(t, nil), opts...)
}

func faultClientWith(t *testing.T, base string, tr *http.Transport, opts ...conversation.Option) *conversation.Client {
	t.Helper()
	all := []conversation.Option{
		conversation.WithSimpleKey(faultKey),
		conversation.WithBaseURL(base),
		conversation.WithHTTPClient(&http.Client{Transport: tr}),
		conversation.WithRetryPolicy(faultPolicy),
		conversation.WithLimiter(faultLimiter(t)),
	}
	c, err := conversation.NewClient(append(all, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// faultCtx is a context with the given deadline from now, cancelled at the
// end of the test.
func faultCtx(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// faultNoSecret fails the test if any rendering of err contains a credential.
func faultNoSecret(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%s", err)} {
		for _, secret := range []string{faultKey, faultToken} {
			if strings.Contains(s, secret) {
				t.Errorf("error text contains the credential %q: %s", secret, s)
			}
		}
	}
	// The detailed types hold more than their text: check their fields too.
	var apiErr *conversation.APIError
	if errors.As(err, &apiErr) {
		for k, vs := range apiErr.Header {
			for _, v := range vs {
				if strings.Contains(v, faultKey) || strings.Contains(v, faultToken) {
					t.Errorf("APIError.Header[%s] contains a credential", k)
				}
			}
		}
	}
}

// faultAs asserts that err is a T (through errors.As), fails the test
// otherwise, and checks that no credential leaks in its text.
func faultAs[T error](t *testing.T, err error) T {
	t.Helper()
	var target T
	if err == nil {
		t.Fatalf("want a %T, got no error", target)
	}
	faultNoSecret(t, err)
	if !errors.As(err, &target) {
		t.Fatalf("want a %T, got %T: %v", target, err, err)
	}
	return target
}

// faultIs asserts errors.Is(err, target) for each target.
func faultIs(t *testing.T, err error, targets ...error) {
	t.Helper()
	for _, target := range targets {
		if !errors.Is(err, target) {
			t.Errorf("errors.Is(err, %v) = false; err = %v", target, err)
		}
	}
}

// faultIsNot asserts !errors.Is(err, target) for each target.
func faultIsNot(t *testing.T, err error, targets ...error) {
	t.Helper()
	for _, target := range targets {
		if errors.Is(err, target) {
			t.Errorf("errors.Is(err, %v) = true, want false; err = %v", target, err)
		}
	}
}

// faultWithin asserts that a call started at start returned before deadline
// d plus faultSlack.
func faultWithin(t *testing.T, start time.Time, d time.Duration) time.Duration {
	t.Helper()
	el := time.Since(start)
	if el > d+faultSlack {
		t.Errorf("returned after %v, want before the %v deadline + %v", el, d, faultSlack)
	}
	t.Logf("MEASURE elapsed=%v deadline=%v", el.Round(time.Millisecond), d)
	return el
}

// ---------------------------------------------------------------------------
// Recording httptest server.

// faultSeen is one request as the server saw it.
type faultSeen struct {
	Method      string
	EscapedPath string
	RawQuery    string
	Pattern     string // the ServeMux pattern matched ("" when not routed)
	PathValues  map[string]string
	SimpleKey   string
	Auth        string
	Body        []byte
}

// faultHTTP is an httptest server that records every request and answers
// with respond, which is given the 1-based number of the request.
type faultHTTP struct {
	*httptest.Server
	mu   sync.Mutex
	seen []faultSeen
}

// faultHandler answers request n (from 1).
type faultHandler func(w http.ResponseWriter, r *http.Request, n int)

// faultServe starts a recording server on 127.0.0.1 closed at the end of the
// test. Its URL + "/rest/v2" is a base URL.
func faultServe(t *testing.T, h faultHandler) *faultHTTP {
	t.Helper()
	s := &faultHTTP{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := s.record(r, "", nil)
		h(w, r, n)
	}))
	t.Cleanup(s.Close)
	return s
}

// faultServeMux is faultServe with routing: each pattern ("METHOD /a/{x}/b")
// is served by h, and the request records the pattern and wildcard values it
// matched. Requests that match no pattern are recorded with an empty Pattern
// and get a 404.
//
// The router is faultRoute, not http.ServeMux: the mux cleans paths and
// answers with redirects, and does not let a wildcard match a segment that
// is exactly "%2F", which would hide what the client really sent.
func faultServeMux(t *testing.T, patterns []string, h faultHandler) *faultHTTP {
	t.Helper()
	s := &faultHTTP{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pattern, vals := faultRoute(patterns, r.Method, r.URL.EscapedPath())
		n := s.record(r, pattern, vals)
		if pattern == "" {
			http.NotFound(w, r)
			return
		}
		r.Pattern = pattern
		h(w, r, n)
	}))
	t.Cleanup(s.Close)
	return s
}

// faultRoute matches a request's method and escaped path against patterns:
// the path is split at its literal slashes, a literal segment must equal the
// pattern's, a {wildcard} segment matches any one non-empty segment and is
// unescaped. When several patterns match, the one with more literal
// segments wins.
func faultRoute(patterns []string, method, escapedPath string) (string, map[string]string) {
	segs := strings.Split(escapedPath, "/")
	best, bestLiterals := "", -1
	var bestVals map[string]string
	for _, p := range patterns {
		m, path, _ := strings.Cut(p, " ")
		if m != method {
			continue
		}
		psegs := strings.Split(path, "/")
		if len(psegs) != len(segs) {
			continue
		}
		vals, literals, ok := map[string]string{}, 0, true
		for i, ps := range psegs {
			if strings.HasPrefix(ps, "{") && strings.HasSuffix(ps, "}") {
				v, err := url.PathUnescape(segs[i])
				if err != nil || segs[i] == "" {
					ok = false
					break
				}
				vals[ps[1:len(ps)-1]] = v
				continue
			}
			if ps != segs[i] {
				ok = false
				break
			}
			literals++
		}
		if ok && literals > bestLiterals {
			best, bestLiterals, bestVals = p, literals, vals
		}
	}
	return best, bestVals
}

func (s *faultHTTP) record(r *http.Request, pattern string, vals map[string]string) int {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = append(s.seen, faultSeen{
		Method: r.Method, EscapedPath: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery,
		Pattern: pattern, PathValues: vals,
		SimpleKey: r.Header.Get("X-Ultracart-Simple-Key"), Auth: r.Header.Get("Authorization"),
		Body: body,
	})
	return len(s.seen)
}

// Base is the API base URL on this server.
func (s *faultHTTP) Base() string { return s.URL + "/rest/v2" }

// Seen returns a copy of the requests seen so far.
func (s *faultHTTP) Seen() []faultSeen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]faultSeen(nil), s.seen...)
}

// Count is the number of requests seen so far.
func (s *faultHTTP) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.seen)
}

// faultWantRequests asserts the number of requests a server saw and logs it.
func faultWantRequests(t *testing.T, name string, got, want int) {
	t.Helper()
	t.Logf("MEASURE requests-seen[%s]=%d", name, got)
	if got != want {
		t.Errorf("%s saw %d requests, want %d", name, got, want)
	}
}

// faultErrorBody is an ErrorResponse body as UltraCart sends it.
func faultErrorBody(code, msg string) string {
	return fmt.Sprintf(`{"error":{"developer_message":%q,"user_message":"Something went wrong","error_code":%q,"more_info":"https://example.invalid/more","object_id":"obj-1"},"success":false}`, msg, code)
}

// faultJSON writes status and body as application/json.
func faultJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// ---------------------------------------------------------------------------
// Raw TCP server, for faults below HTTP: resets, silence, trickles, lies
// about Content-Length.

// faultRaw is a loopback TCP server; each accepted connection is handed to
// handle, and closed when handle returns. Close (at the end of the test)
// closes the listener and every open connection, then waits for the
// handlers, so a handler blocked on its connection always ends.
type faultRaw struct {
	ln     net.Listener
	handle func(c *faultConn)
	done   chan struct{}
	wg     sync.WaitGroup

	mu    sync.Mutex
	conns map[net.Conn]struct{}

	accepted atomic.Int64 // connections accepted
	requests atomic.Int64 // request heads read
	written  atomic.Int64 // bytes written to clients
}

// faultConn is one accepted connection of a faultRaw server.
type faultConn struct {
	net.Conn
	srv *faultRaw
	br  *bufio.Reader
}

func faultRawServe(t *testing.T, handle func(c *faultConn)) *faultRaw {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	s := &faultRaw{ln: ln, handle: handle, done: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.Close)
	return s
}

func (s *faultRaw) accept() {
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
			s.handle(&faultConn{Conn: conn, srv: s, br: bufio.NewReader(conn)})
		}()
	}
}

// Close stops the server and waits for every handler to return.
func (s *faultRaw) Close() {
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
func (s *faultRaw) Base() string { return "http://" + s.ln.Addr().String() + "/rest/v2" }

// readRequest reads one request head and its whole body.
func (c *faultConn) readRequest() (*http.Request, []byte, error) {
	req, err := http.ReadRequest(c.br)
	if err != nil {
		return nil, nil, err
	}
	c.srv.requests.Add(1)
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	return req, body, err
}

// Write counts the bytes that reached the socket.
func (c *faultConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.srv.written.Add(int64(n))
	return n, err
}

// writeString writes s, reporting whether it was fully written.
func (c *faultConn) writeString(s string) bool {
	_, err := io.WriteString(c, s)
	return err == nil
}

// reset closes the connection with a TCP RST instead of a FIN.
func (c *faultConn) reset() {
	if tc, ok := c.Conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	c.Conn.Close()
}

// waitGone blocks until the peer closes the connection or the server closes.
func (c *faultConn) waitGone() { _, _ = io.Copy(io.Discard, c.br) }

// sleep waits d, or less if the server is closing; false means closing.
func (c *faultConn) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-c.srv.done:
		return false
	case <-t.C:
		return true
	}
}

// faultRefusedAddr returns a loopback address nothing listens on: a port
// that was just bound and released. Dialing it is refused by the kernel.
func faultRefusedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// faultDialer counts dials and sends the first refuse of them to a refused
// address, whatever address was asked for: a real ECONNREFUSED from the
// kernel, deterministically, before the real server is reached.
type faultDialer struct {
	refused string
	refuse  int64
	dials   atomic.Int64
}

func (d *faultDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	n := d.dials.Add(1)
	if n <= d.refuse {
		addr = d.refused
	}
	return (&net.Dialer{Timeout: 2 * time.Second}).DialContext(ctx, network, addr)
}
