package conversation_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ultracart-community/ultracart-go/conversation"
)

// faultInsert is one operation that acts each time it is sent: the three
// inserts and startConversation.
type faultInsert struct {
	name   string
	method string
	path   string // escaped path under the base URL
	ok     string // a success body
	call   func(ctx context.Context, c *conversation.Client) error
}

func faultStr(s string) *string { return &s }

var faultInserts = []faultInsert{
	{"InsertConversationCannedMessage", "POST", "/rest/v2/conversation/canned_messages",
		`{"conversation_canned_message":{"conversation_canned_message_oid":7,"short_code":"hi"},"success":true}`,
		func(ctx context.Context, c *conversation.Client) error {
			_, err := c.InsertConversationCannedMessage(ctx, &conversation.ConversationCannedMessage{ShortCode: faultStr("hi"), CannedMessage: faultStr("Hello!")})
			return err
		}},
	{"InsertConversationDepartment", "POST", "/rest/v2/conversation/departments",
		`{"conversation_department":{"conversation_department_oid":7,"department_name":"Sales"},"success":true}`,
		func(ctx context.Context, c *conversation.Client) error {
			_, err := c.InsertConversationDepartment(ctx, &conversation.ConversationDepartment{DepartmentName: faultStr("Sales")})
			return err
		}},
	{"InsertConversationEngagement", "POST", "/rest/v2/conversation/engagements",
		`{"conversation_engagement":{"conversation_engagement_oid":7,"engagement_name":"Welcome"},"success":true}`,
		func(ctx context.Context, c *conversation.Client) error {
			_, err := c.InsertConversationEngagement(ctx, &conversation.ConversationEngagement{EngagementName: faultStr("Welcome")})
			return err
		}},
	{"StartConversation", "PUT", "/rest/v2/conversation/conversations",
		`{"conversation":{"conversation_uuid":"c-1"}}`,
		func(ctx context.Context, c *conversation.Client) error {
			_, err := c.StartConversation(ctx, &conversation.ConversationStartRequest{})
			return err
		}},
}

// faultCountInserts asserts the server saw exactly want requests, each the
// insert itself with its body, and logs duplicates.
func faultCountInserts(t *testing.T, ins faultInsert, seen []faultSeen, want int) {
	t.Helper()
	faultWantRequests(t, ins.name, len(seen), want)
	if want == 1 {
		t.Logf("MEASURE duplicate-inserts[%s]=%d", ins.name, max(len(seen)-1, 0))
	}
	for i, s := range seen {
		if s.Method != ins.method || s.EscapedPath != ins.path || len(s.Body) == 0 {
			t.Errorf("request %d: %s %s with %d body bytes, want %s %s with a body", i+1, s.Method, s.EscapedPath, len(s.Body), ins.method, ins.path)
		}
	}
}

// A 502, 503 or 504 after the insert was sent is not retried: the service
// may have acted on it. Exactly one insert is seen.
func TestFaultInsert5xxNotRetried(t *testing.T) {
	for _, ins := range faultInserts {
		for _, status := range []int{502, 503, 504} {
			t.Run(ins.name+"/"+strconv.Itoa(status), func(t *testing.T) {
				faultLeakCheck(t)
				srv := faultServe(t, faultStorm(status))
				c := faultClient(t, srv.Base())
				err := ins.call(faultCtx(t, 10*time.Second), c)
				apiErr := faultAs[*conversation.APIError](t, err)
				faultIs(t, err, conversation.ErrServer)
				if apiErr.StatusCode != status || apiErr.Attempts != 1 {
					t.Errorf("APIError{%d, %d attempts}, want %d after 1", apiErr.StatusCode, apiErr.Attempts, status)
				}
				if !apiErr.Temporary() {
					t.Errorf("Temporary() = false: the status is transient even if this call could not retry it")
				}
				faultCountInserts(t, ins, srv.Seen(), 1)
			})
		}
	}
}

// The same 503 on an update (idempotent) is retried: the contrast shows the
// insert's single attempt is deliberate.
func TestFaultUpdate503Retried(t *testing.T) {
	faultLeakCheck(t)
	srv := faultServe(t, faultStorm(503))
	c := faultClient(t, srv.Base())
	_, err := c.UpdateConversationDepartment(faultCtx(t, 10*time.Second), 7, &conversation.ConversationDepartment{DepartmentName: faultStr("Sales")})
	apiErr := faultAs[*conversation.APIError](t, err)
	if apiErr.Attempts != faultPolicy.MaxAttempts {
		t.Errorf("Attempts = %d, want %d", apiErr.Attempts, faultPolicy.MaxAttempts)
	}
	faultWantRequests(t, "server", srv.Count(), faultPolicy.MaxAttempts)
}

// A 429 proves the service refused the insert: it is retried, and the
// insert then made once.
func TestFaultInsert429Retried(t *testing.T) {
	for _, ins := range faultInserts {
		t.Run(ins.name, func(t *testing.T) {
			faultLeakCheck(t)
			srv := faultServe(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n <= 2 {
					faultRateLimited(1000, "")(w, r, n)
					return
				}
				faultJSON(w, 200, ins.ok)
			})
			c := faultClient(t, srv.Base())
			if err := ins.call(faultCtx(t, 10*time.Second), c); err != nil {
				t.Fatalf("%s: %v", ins.name, err)
			}
			faultCountInserts(t, ins, srv.Seen(), 3)
			t.Logf("MEASURE inserts-acted-on[%s]=1 (2 refused with 429)", ins.name)
		})
	}
}

// A storm of 429s ends at MaxAttempts with the 429.
func TestFaultInsert429Storm(t *testing.T) {
	faultLeakCheck(t)
	ins := faultInserts[0]
	srv := faultServe(t, faultRateLimited(1000, ""))
	c := faultClient(t, srv.Base())
	err := ins.call(faultCtx(t, 10*time.Second), c)
	apiErr := faultAs[*conversation.APIError](t, err)
	faultIs(t, err, conversation.ErrRateLimited)
	if apiErr.Attempts != faultPolicy.MaxAttempts {
		t.Errorf("Attempts = %d", apiErr.Attempts)
	}
	faultCountInserts(t, ins, srv.Seen(), faultPolicy.MaxAttempts)
}

// A refused connection proves the insert never reached the service: it is
// retried, and the service sees it once.
func TestFaultInsertConnectionRefusedRetried(t *testing.T) {
	for _, ins := range faultInserts {
		t.Run(ins.name, func(t *testing.T) {
			faultLeakCheck(t)
			srv := faultServe(t, func(w http.ResponseWriter, r *http.Request, n int) { faultJSON(w, 200, ins.ok) })
			d := &faultDialer{refused: faultRefusedAddr(t), refuse: 2}
			c := faultClientWith(t, srv.Base(), faultTransport(t, d.DialContext))
			if err := ins.call(faultCtx(t, 10*time.Second), c); err != nil {
				t.Fatalf("%s: %v", ins.name, err)
			}
			faultWantRequests(t, "dials", int(d.dials.Load()), 3)
			faultCountInserts(t, ins, srv.Seen(), 1)
		})
	}
}

// Refused every time: the insert fails after MaxAttempts dials, with the
// dial error.
func TestFaultInsertConnectionRefusedStorm(t *testing.T) {
	faultLeakCheck(t)
	ins := faultInserts[1]
	d := &faultDialer{}
	c := faultClientWith(t, "http://"+faultRefusedAddr(t)+"/rest/v2", faultTransport(t, d.DialContext))
	err := ins.call(faultCtx(t, 10*time.Second), c)
	te := faultAs[*conversation.TransportError](t, err)
	faultIs(t, err, syscall.ECONNREFUSED)
	if te.Attempts != faultPolicy.MaxAttempts {
		t.Errorf("Attempts = %d", te.Attempts)
	}
	faultWantRequests(t, "dials", int(d.dials.Load()), faultPolicy.MaxAttempts)
}

// A connection broken after the insert was sent (reset before any response,
// or in the middle of it) is not retried: exactly one insert is seen.
func TestFaultInsertBrokenConnectionNotRetried(t *testing.T) {
	for _, mode := range []string{"reset before response", "reset mid-body", "close before response"} {
		for _, ins := range faultInserts {
			t.Run(mode+"/"+ins.name, func(t *testing.T) {
				faultLeakCheck(t)
				var methods, paths []string
				bodyless := 0
				srv := faultRawServe(t, func(c *faultConn) {
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
				c := faultClient(t, srv.Base())
				err := ins.call(faultCtx(t, 10*time.Second), c)
				te := faultAs[*conversation.TransportError](t, err)
				if te.Attempts != 1 {
					t.Errorf("Attempts = %d, want 1", te.Attempts)
				}
				faultIsNot(t, err, context.DeadlineExceeded)
				if !errors.Is(err, syscall.ECONNRESET) && !strings.Contains(err.Error(), "EOF") {
					t.Errorf("want a reset or EOF inside, got %v", err)
				}
				srv.Close()
				faultWantRequests(t, ins.name, int(srv.requests.Load()), 1)
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
	faultLeakCheck(t)
	srv := faultRawServe(t, func(c *faultConn) {
		if _, _, err := c.readRequest(); err != nil {
			return
		}
		c.waitGone()
	})
	c := faultClient(t, srv.Base())
	const deadline = 400 * time.Millisecond
	start := time.Now()
	err := faultInserts[2].call(faultCtx(t, deadline), c)
	faultWithin(t, start, deadline)
	faultAs[*conversation.TransportError](t, err)
	faultIs(t, err, context.DeadlineExceeded)
	srv.Close()
	faultWantRequests(t, "server", int(srv.requests.Load()), 1)
}

// A "success": false answer to an insert is not retried.
func TestFaultInsertSuccessFalse(t *testing.T) {
	faultLeakCheck(t)
	ins := faultInserts[0]
	srv := faultServe(t, func(w http.ResponseWriter, r *http.Request, n int) {
		faultJSON(w, 200, faultErrorBody("dup", "short code already used"))
	})
	c := faultClient(t, srv.Base())
	err := ins.call(faultCtx(t, 10*time.Second), c)
	apiErr := faultAs[*conversation.APIError](t, err)
	faultIs(t, err, conversation.ErrUnsuccessful)
	if apiErr.ErrorCode != "dup" {
		t.Errorf("ErrorCode = %q", apiErr.ErrorCode)
	}
	faultCountInserts(t, ins, srv.Seen(), 1)
}
