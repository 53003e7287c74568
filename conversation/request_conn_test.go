package conversation

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// A connection reset in the middle of a response body is a *TransportError;
// a read is retried, every attempt failing the same way.
func TestResetMidBody(t *testing.T) {
	checkLeaks(t)
	srv := newRawServer(t, func(c *rawConn) {
		if _, _, err := c.readRequest(); err != nil {
			return
		}
		c.writeString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n" +
			`{"conversation_departments":[{"conversation_department_oid":1,"department_na`)
		c.sleep(20 * time.Millisecond) // let the client read the start
		c.reset()
	})
	c := newClientAt(t, srv.Base())

	_, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second))
	te := wantAs[*TransportError](t, err)
	if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("want ECONNRESET or io.ErrUnexpectedEOF inside, got %v", err)
	}
	var decErr *DecodeError
	if errors.As(err, &decErr) {
		t.Errorf("a broken connection reported as a decode error: %v", err)
	}
	if te.Attempts != fastPolicy.MaxAttempts {
		t.Errorf("Attempts = %d, want %d", te.Attempts, fastPolicy.MaxAttempts)
	}
	wantRequests(t, "server", int(srv.requests.Load()), fastPolicy.MaxAttempts)
}

// A reset after the request was read and before any response is retried for
// a read, then recovers when the server does.
func TestResetBeforeResponseRecovers(t *testing.T) {
	checkLeaks(t)
	srv := newRawServer(t, func(c *rawConn) {
		if _, _, err := c.readRequest(); err != nil {
			return
		}
		if c.srv.requests.Load() <= 2 {
			c.reset()
			return
		}
		body := departmentsOK
		c.writeString("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: " +
			strconv.Itoa(len(body)) + "\r\n\r\n" + body)
	})
	c := newClientAt(t, srv.Base())
	if _, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second)); err != nil {
		t.Fatalf("GetConversationDepartments: %v", err)
	}
	wantRequests(t, "server", int(srv.requests.Load()), 3)
}

// TestStalledServerEndsWithDeadline: a server that stalls (accepts and never
// answers, never even reads the request, trickles its headers or its body
// for ever) holds the call only until the caller's deadline: it ends with a
// *TransportError matching context.DeadlineExceeded, after one attempt,
// while the server still holds on, and nothing is sent again. An insert
// that gets no answer ends the same way, once.
func TestStalledServerEndsWithDeadline(t *testing.T) {
	readThen := func(then func(c *rawConn)) func(c *rawConn) {
		return func(c *rawConn) {
			if _, _, err := c.readRequest(); err == nil {
				then(c)
			}
		}
	}
	getDepartments := func(ctx context.Context, c *Client) error {
		_, err := c.GetConversationDepartments(ctx)
		return err
	}
	for _, tc := range []struct {
		name        string
		handle      func(c *rawConn)
		call        func(ctx context.Context, c *Client) error
		connections bool // count connections accepted, not requests read
	}{
		{"never_answers", readThen((*rawConn).hold), getDepartments, false},
		{"never_reads", (*rawConn).hold, func(ctx context.Context, c *Client) error { return c.GetAgentKeepAlive(ctx) }, true},
		{"headers_trickle", readThen(func(c *rawConn) {
			if c.writeString("HTTP/1.1 200 OK\r\n") {
				c.trickle(func(i int) string { return "X-Slow-" + strconv.Itoa(i) + ": x\r\n" }, 20*time.Millisecond)
			}
		}), getDepartments, false},
		{"body_trickles", readThen(func(c *rawConn) { // a byte at a time
			if c.writeString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n") {
				c.trickle(func(int) string { return "1\r\n \r\n" }, 20*time.Millisecond)
			}
		}), getDepartments, false},
		{"insert_never_answered", readThen((*rawConn).hold), insertCases[2].call, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			srv := newRawServer(t, tc.handle)
			c := newClientAt(t, srv.Base())
			const deadline = 400 * time.Millisecond
			start := time.Now()
			err := tc.call(ctxWithin(t, deadline), c)
			srv.wantHeld(t)
			logElapsed(t, start, deadline)
			te := wantAs[*TransportError](t, err)
			wantIs(t, err, context.DeadlineExceeded)
			if te.Attempts != 1 {
				t.Errorf("Attempts = %d, want 1", te.Attempts)
			}
			srv.Close() // every handler done: the counts are final
			if tc.connections {
				wantRequests(t, "connections", int(srv.accepted.Load()), 1)
			} else {
				wantRequests(t, "server", int(srv.requests.Load()), 1)
			}
		})
	}
}

// A void operation's 2xx body is ignored: one that trickles forever, or
// never comes, does not hold the call until the context ends (RunAgentKeepAlive
// runs GetAgentKeepAlive under a context without a deadline). The call succeeds
// after at most voidDrainWait of draining, while the server still holds on.
func TestVoidBodyNeverEnds(t *testing.T) {
	for _, mode := range []string{"trickle", "silent"} {
		t.Run(mode, func(t *testing.T) {
			checkLeaks(t)
			srv := newRawServer(t, func(c *rawConn) {
				if _, _, err := c.readRequest(); err != nil {
					return
				}
				if !c.writeString("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") {
					return
				}
				if mode == "silent" {
					c.hold()
					return
				}
				c.trickle(func(int) string { return "1\r\n \r\n" }, 20*time.Millisecond)
			})
			c := newClientAt(t, srv.Base())
			// The context outlasts the server's holdBound: a call that
			// waited for the body would end when the server lets go.
			start := time.Now()
			err := c.GetAgentKeepAlive(ctxWithin(t, 3*holdBound))
			srv.wantHeld(t)
			logElapsed(t, start, voidDrainWait)
			if err != nil {
				t.Errorf("GetAgentKeepAlive after a 200: %v", err)
			}
			wantRequests(t, "server", int(srv.requests.Load()), 1)
		})
	}
}

// A server whose certificate the client does not trust: a *TransportError
// wrapping the verification failure, nothing reaches the handler, and the
// key is never sent. A read is retried like any failed connection (another
// node behind the name may serve a valid certificate); an insert is not,
// since only a refused dial proves it was not delivered.
func TestUntrustedCertificate(t *testing.T) {
	checkLeaks(t)
	var handshakes atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a request reached the handler: %s %s", r.Method, r.URL)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			handshakes.Add(1)
		}
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake errors are expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	c := newClientAt(t, srv.URL+"/rest/v2") // its transport trusts only the system roots

	_, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second))
	te := wantAs[*TransportError](t, err)
	var certErr *tls.CertificateVerificationError
	if !errors.As(err, &certErr) {
		t.Errorf("want a *tls.CertificateVerificationError inside, got %v", err)
	}
	wantRequests(t, "connections (read)", int(handshakes.Load()), te.Attempts)
	if te.Attempts != fastPolicy.MaxAttempts {
		t.Errorf("Attempts = %d, want %d", te.Attempts, fastPolicy.MaxAttempts)
	}

	before := handshakes.Load()
	_, err = c.InsertConversationDepartment(ctxWithin(t, 10*time.Second), &ConversationDepartment{})
	te = wantAs[*TransportError](t, err)
	if te.Attempts != 1 {
		t.Errorf("insert: Attempts = %d, want 1", te.Attempts)
	}
	wantRequests(t, "connections (insert)", int(handshakes.Load()-before), 1)
}
