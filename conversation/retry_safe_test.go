package conversation

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRetrySafe(t *testing.T) {
	ctx := context.Background()
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	for _, tc := range []struct {
		name       string
		ctx        context.Context
		idempotent bool
		err        error
		want       bool
	}{
		{"429_insert", ctx, false, &APIError{StatusCode: 429}, true},
		{"503_read", ctx, true, &APIError{StatusCode: 503}, true},
		{"503_insert", ctx, false, &APIError{StatusCode: 503}, false},
		{"500_read", ctx, true, &APIError{StatusCode: 500}, false},
		{"decode", ctx, true, &DecodeError{Err: errors.New("x")}, false},
		{"canceled_ctx", canceled, true, &APIError{StatusCode: 429}, false},
		{"deadline_err", ctx, true, context.DeadlineExceeded, false},
		{"other_read", ctx, true, errors.New("reset"), true},
		{"other_insert", ctx, false, errors.New("reset"), false},
	} {
		if got := retrySafe(tc.ctx, tc.idempotent, tc.err); got != tc.want {
			t.Errorf("%s: retrySafe = %v", tc.name, got)
		}
	}
}

// TestConnectionRefusedRetried: no connection made means nothing was acted
// on, so every operation, inserts included, is retried up to MaxAttempts,
// then reported as a *TransportError wrapping the dial error; neither the
// error nor the retries' log holds the key.
func TestConnectionRefusedRetried(t *testing.T) {
	checkLeaks(t)
	var buf lockedBuffer
	d := &countingDialer{}
	c := newClientVia(t, "http://"+refusedAddr(t)+basePath, testTransport(t, d.DialContext), WithLogger(debugLogger(&buf)))
	for _, op := range primaryOps() {
		before := d.dials.Load()
		start := time.Now()
		_, err := op.call(ctxT(t), t, c)
		el := time.Since(start)
		te := wantAs[*TransportError](t, err)
		wantIs(t, err, syscall.ECONNREFUSED)
		wantIsNot(t, err, context.DeadlineExceeded, ErrServer)
		var opErr *net.OpError
		if !errors.As(err, &opErr) || opErr.Op != "dial" {
			t.Errorf("%s: want a dial *net.OpError inside, got %v", op.name, err)
		}
		n := fastPolicy.MaxAttempts
		if te.Attempts != n || !strings.Contains(err.Error(), fmt.Sprintf("after %d attempts", n)) {
			t.Errorf("%s: Attempts = %d, message %q; want %d attempts reported", op.name, te.Attempts, err, n)
		}
		if got := int(d.dials.Load() - before); got != n {
			t.Errorf("%s: %d dials, want %d", op.name, got, n)
		}
		if op.name == "getConversationDepartments" {
			t.Logf("MEASURE dials=%d elapsed=%v", n, el.Round(time.Millisecond))
		}
	}
	if strings.Contains(buf.String(), testKey) {
		t.Error("log contains the key")
	}
}

// TestConnectionDroppedAfterSend: a connection that the server closes after
// reading the request, before any response, may have been acted on: reads
// are retried, inserts are not. (The raw server makes the fault exact: the
// whole request is read, then the connection closed, nothing written.)
func TestConnectionDroppedAfterSend(t *testing.T) {
	for _, op := range primaryOps() {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			srv := newRawServer(t, func(c *rawConn) { _, _, _ = c.readRequest() })
			_, err := op.call(ctxT(t), t, newClientAt(t, srv.Base()))
			te := wantAs[*TransportError](t, err)
			want := fastPolicy.MaxAttempts
			if op.insert {
				want = 1
			}
			if n := int(srv.requests.Load()); n != want || te.Attempts != want {
				t.Errorf("%d requests (Attempts %d), want %d", n, te.Attempts, want)
			}
		})
	}
}

// insertCase is one operation that acts each time it is sent: the three
// inserts and startConversation.
type insertCase struct {
	name   string
	method string
	path   string // escaped path under the base URL
	ok     string // a success body
	call   func(ctx context.Context, c *Client) error
}

var insertCases = []insertCase{
	{"InsertConversationCannedMessage", "POST", "/rest/v2/conversation/canned_messages",
		`{"conversation_canned_message":{"conversation_canned_message_oid":7,"short_code":"hi"},"success":true}`,
		func(ctx context.Context, c *Client) error {
			_, err := c.InsertConversationCannedMessage(ctx, &ConversationCannedMessage{ShortCode: ptr("hi"), CannedMessage: ptr("Hello!")})
			return err
		}},
	{"InsertConversationDepartment", "POST", "/rest/v2/conversation/departments",
		`{"conversation_department":{"conversation_department_oid":7,"department_name":"Sales"},"success":true}`,
		func(ctx context.Context, c *Client) error {
			_, err := c.InsertConversationDepartment(ctx, &ConversationDepartment{DepartmentName: ptr("Sales")})
			return err
		}},
	{"InsertConversationEngagement", "POST", "/rest/v2/conversation/engagements",
		`{"conversation_engagement":{"conversation_engagement_oid":7,"engagement_name":"Welcome"},"success":true}`,
		func(ctx context.Context, c *Client) error {
			_, err := c.InsertConversationEngagement(ctx, &ConversationEngagement{EngagementName: ptr("Welcome")})
			return err
		}},
	{"StartConversation", "PUT", "/rest/v2/conversation/conversations",
		`{"conversation":{"conversation_uuid":"c-1"}}`,
		func(ctx context.Context, c *Client) error {
			_, err := c.StartConversation(ctx, &ConversationStartRequest{})
			return err
		}},
}

// countInserts asserts the server saw exactly want requests, each the
// insert itself with its body, and logs duplicates.
func countInserts(t *testing.T, ins insertCase, seen []recReq, want int) {
	t.Helper()
	wantRequests(t, ins.name, len(seen), want)
	if want == 1 {
		t.Logf("MEASURE duplicate-inserts[%s]=%d", ins.name, max(len(seen)-1, 0))
	}
	for i, s := range seen {
		if s.Method != ins.method || s.Path != ins.path || len(s.Body) == 0 {
			t.Errorf("request %d: %s %s with %d body bytes, want %s %s with a body", i+1, s.Method, s.Path, len(s.Body), ins.method, ins.path)
		}
	}
}

// A 502, 503 or 504 after the insert was sent is not retried: the service
// may have acted on it. Exactly one insert is seen.
func TestInsert5xxNotRetried(t *testing.T) {
	for _, ins := range insertCases {
		for _, status := range []int{502, 503, 504} {
			t.Run(ins.name+"/"+strconv.Itoa(status), func(t *testing.T) {
				checkLeaks(t)
				srv, rc := newServer(t, statusStorm(status))
				c := newClientAt(t, srv.URL+basePath)
				err := ins.call(ctxWithin(t, 10*time.Second), c)
				apiErr := wantAs[*APIError](t, err)
				wantIs(t, err, ErrServer)
				if apiErr.StatusCode != status || apiErr.Attempts != 1 {
					t.Errorf("APIError{%d, %d attempts}, want %d after 1", apiErr.StatusCode, apiErr.Attempts, status)
				}
				if !apiErr.Temporary() {
					t.Errorf("Temporary() = false: the status is transient even if this call could not retry it")
				}
				countInserts(t, ins, rc.all(), 1)
			})
		}
	}
}

// The same 503 on an update (idempotent) is retried: the contrast shows the
// insert's single attempt is deliberate.
func TestUpdate503Retried(t *testing.T) {
	checkLeaks(t)
	srv, rc := newServer(t, statusStorm(503))
	c := newClientAt(t, srv.URL+basePath)
	_, err := c.UpdateConversationDepartment(ctxWithin(t, 10*time.Second), 7, &ConversationDepartment{DepartmentName: ptr("Sales")})
	apiErr := wantAs[*APIError](t, err)
	if apiErr.Attempts != fastPolicy.MaxAttempts {
		t.Errorf("Attempts = %d, want %d", apiErr.Attempts, fastPolicy.MaxAttempts)
	}
	wantRequests(t, "server", rc.count(), fastPolicy.MaxAttempts)
}

// A 429 proves the service refused the insert: it is retried, and the
// insert then made once.
func TestInsert429Retried(t *testing.T) {
	for _, ins := range insertCases {
		t.Run(ins.name, func(t *testing.T) {
			checkLeaks(t)
			srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n <= 2 {
					rateLimited(1000, "")(w, r, n)
					return
				}
				writeJSON(w, 200, ins.ok)
			})
			c := newClientAt(t, srv.URL+basePath)
			if err := ins.call(ctxWithin(t, 10*time.Second), c); err != nil {
				t.Fatalf("%s: %v", ins.name, err)
			}
			countInserts(t, ins, rc.all(), 3)
			t.Logf("MEASURE inserts-acted-on[%s]=1 (2 refused with 429)", ins.name)
		})
	}
}

// A storm of 429s ends at MaxAttempts with the 429.
func TestInsert429Storm(t *testing.T) {
	checkLeaks(t)
	ins := insertCases[0]
	srv, rc := newServer(t, rateLimited(1000, ""))
	c := newClientAt(t, srv.URL+basePath)
	err := ins.call(ctxWithin(t, 10*time.Second), c)
	apiErr := wantAs[*APIError](t, err)
	wantIs(t, err, ErrRateLimited)
	if apiErr.Attempts != fastPolicy.MaxAttempts {
		t.Errorf("Attempts = %d", apiErr.Attempts)
	}
	countInserts(t, ins, rc.all(), fastPolicy.MaxAttempts)
}

// A refused connection proves the insert never reached the service: it is
// retried, and the service sees it once.
func TestInsertConnectionRefusedRetried(t *testing.T) {
	for _, ins := range insertCases {
		t.Run(ins.name, func(t *testing.T) {
			checkLeaks(t)
			srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, ins.ok) })
			d := &countingDialer{refused: refusedAddr(t), refuse: 2}
			c := newClientVia(t, srv.URL+basePath, testTransport(t, d.DialContext))
			if err := ins.call(ctxWithin(t, 10*time.Second), c); err != nil {
				t.Fatalf("%s: %v", ins.name, err)
			}
			wantRequests(t, "dials", int(d.dials.Load()), 3)
			countInserts(t, ins, rc.all(), 1)
		})
	}
}

// A connection broken after the insert was sent (reset before any response,
// or in the middle of it) is not retried: exactly one insert is seen.
func TestInsertBrokenConnectionNotRetried(t *testing.T) {
	for _, mode := range []string{"reset before response", "reset mid-body", "close before response"} {
		for _, ins := range insertCases {
			t.Run(mode+"/"+ins.name, func(t *testing.T) {
				checkLeaks(t)
				var methods, paths []string
				bodyless := 0
				srv := newRawServer(t, func(c *rawConn) {
					req, body, err := c.readRequest()
					if err != nil {
						return
					}
					if len(body) == 0 {
						bodyless++
					}
					methods, paths = append(methods, req.Method), append(paths, req.URL.EscapedPath())
					switch mode {
					case "reset before response":
						c.reset()
					case "reset mid-body":
						c.writeString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"conver")
						c.sleep(20 * time.Millisecond)
						c.reset()
					case "close before response":
						// a FIN, not a RST: the client sees EOF
					}
				})
				c := newClientAt(t, srv.Base())
				err := ins.call(ctxWithin(t, 10*time.Second), c)
				te := wantAs[*TransportError](t, err)
				if te.Attempts != 1 {
					t.Errorf("Attempts = %d, want 1", te.Attempts)
				}
				wantIsNot(t, err, context.DeadlineExceeded)
				if !errors.Is(err, syscall.ECONNRESET) && !strings.Contains(err.Error(), "EOF") {
					t.Errorf("want a reset or EOF inside, got %v", err)
				}
				srv.Close()
				wantRequests(t, ins.name, int(srv.requests.Load()), 1)
				t.Logf("MEASURE duplicate-inserts[%s/%s]=%d", mode, ins.name, srv.requests.Load()-1)
				if bodyless != 0 {
					t.Errorf("%d requests without a body", bodyless)
				}
				for i := range methods {
					if methods[i] != ins.method || paths[i] != ins.path {
						t.Errorf("request %d: %s %s", i+1, methods[i], paths[i])
					}
				}
			})
		}
	}
}

// A "success": false answer to an insert is not retried.
func TestInsertSuccessFalse(t *testing.T) {
	checkLeaks(t)
	ins := insertCases[0]
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 200, apiErrorBody("dup", "short code already used"))
	})
	c := newClientAt(t, srv.URL+basePath)
	err := ins.call(ctxWithin(t, 10*time.Second), c)
	apiErr := wantAs[*APIError](t, err)
	wantIs(t, err, ErrUnsuccessful)
	if apiErr.ErrorCode != "dup" {
		t.Errorf("ErrorCode = %q", apiErr.ErrorCode)
	}
	countInserts(t, ins, rc.all(), 1)
}
