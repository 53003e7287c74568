package conversation

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

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
func TestFaultInsert5xxNotRetried(t *testing.T) {
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
func TestFaultUpdate503Retried(t *testing.T) {
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
func TestFaultInsert429Retried(t *testing.T) {
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
func TestFaultInsert429Storm(t *testing.T) {
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
func TestFaultInsertConnectionRefusedRetried(t *testing.T) {
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

// Refused every time: the insert fails after MaxAttempts dials, with the
// dial error.
func TestFaultInsertConnectionRefusedStorm(t *testing.T) {
	checkLeaks(t)
	ins := insertCases[1]
	d := &countingDialer{}
	c := newClientVia(t, "http://"+refusedAddr(t)+"/rest/v2", testTransport(t, d.DialContext))
	err := ins.call(ctxWithin(t, 10*time.Second), c)
	te := wantAs[*TransportError](t, err)
	wantIs(t, err, syscall.ECONNREFUSED)
	if te.Attempts != fastPolicy.MaxAttempts {
		t.Errorf("Attempts = %d", te.Attempts)
	}
	wantRequests(t, "dials", int(d.dials.Load()), fastPolicy.MaxAttempts)
}

// A connection broken after the insert was sent (reset before any response,
// or in the middle of it) is not retried: exactly one insert is seen.
func TestFaultInsertBrokenConnectionNotRetried(t *testing.T) {
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

// An insert that gets no answer ends with the deadline, once.
func TestFaultInsertNeverAnswered(t *testing.T) {
	checkLeaks(t)
	srv := newRawServer(t, func(c *rawConn) {
		if _, _, err := c.readRequest(); err != nil {
			return
		}
		c.waitGone()
	})
	c := newClientAt(t, srv.Base())
	const deadline = 400 * time.Millisecond
	start := time.Now()
	err := insertCases[2].call(ctxWithin(t, deadline), c)
	faultWithin(t, start, deadline)
	wantAs[*TransportError](t, err)
	wantIs(t, err, context.DeadlineExceeded)
	srv.Close()
	wantRequests(t, "server", int(srv.requests.Load()), 1)
}

// A "success": false answer to an insert is not retried.
func TestFaultInsertSuccessFalse(t *testing.T) {
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
