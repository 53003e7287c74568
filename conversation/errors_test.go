package conversation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

var statusSentinels = []error{ErrBadRequest, ErrUnauthorized, ErrNotFound, ErrGone, ErrRateLimited, ErrServer, ErrUnsuccessful}

// TestErrorStatuses maps every error status of every operation to an
// *APIError with the ErrorResponse, UC-REST-ERROR and Retry-After filled in.
func TestErrorStatuses(t *testing.T) {
	cases := []struct {
		status    int
		sentinel  error
		temporary bool
	}{
		{400, ErrBadRequest, false},
		{401, ErrUnauthorized, false},
		{404, ErrNotFound, false},
		{410, ErrGone, false},
		{429, ErrRateLimited, true},
		{500, ErrServer, false},
		{502, ErrServer, true},
		{503, ErrServer, true},
		{504, ErrServer, true},
	}
	for _, op := range primaryOps() {
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s/%d", op.name, tc.status), func(t *testing.T) {
				srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
					writeError(w, tc.status, "7")
				})
				c := newClient(t, srv, WithoutRetries())
				_, err := op.call(ctxT(t), t, c)
				var ae *APIError
				if !errors.As(err, &ae) {
					t.Fatalf("err = %T %v, want *APIError", err, err)
				}
				if rc.count() != 1 {
					t.Errorf("%d requests, want 1", rc.count())
				}
				want := APIError{
					Operation: op.opID, StatusCode: tc.status,
					ErrorCode:        fmt.Sprintf("E%d", tc.status),
					DeveloperMessage: fmt.Sprintf("dev message %d", tc.status),
					UserMessage:      fmt.Sprintf("user message %d", tc.status),
					MoreInfo:         fmt.Sprintf("https://example.invalid/more/%d", tc.status),
					ObjectID:         fmt.Sprintf("obj-%d", tc.status),
					RESTError:        fmt.Sprintf("rest error %d", tc.status),
					RetryAfter:       7 * time.Second,
					Attempts:         1,
				}
				got := *ae
				got.Header, got.Body = nil, nil
				if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want) {
					t.Errorf("APIError\n got %#v\nwant %#v", got, want)
				}
				if ae.Header.Get("UC-REST-ERROR") != want.RESTError {
					t.Errorf("Header not kept: %v", ae.Header)
				}
				if string(ae.Body) != errorBody(tc.status) {
					t.Errorf("Body %q", ae.Body)
				}
				for _, s := range statusSentinels {
					if got, want := errors.Is(err, s), s == tc.sentinel; got != want {
						t.Errorf("errors.Is(err, %v) = %v, want %v", s, got, want)
					}
				}
				if errors.Is(err, ErrInvalidArgument) {
					t.Error("matches ErrInvalidArgument")
				}
				if ae.Temporary() != tc.temporary {
					t.Errorf("Temporary() = %v", ae.Temporary())
				}
				msg := err.Error()
				for _, part := range []string{op.opID, fmt.Sprint(tc.status), http.StatusText(tc.status), want.DeveloperMessage, want.ErrorCode} {
					if !strings.Contains(msg, part) {
						t.Errorf("message %q lacks %q", msg, part)
					}
				}
				noSecret(t, err)
			})
		}
	}
}

// TestErrorWithoutBody: a proxy's error page still gives an *APIError with
// the status.
func TestErrorWithoutBody(t *testing.T) {
	for _, status := range []int{401, 502, 599} {
		srv, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, "<html><body>Bad Gateway</body></html>")
		})
		_, err := newClient(t, srv, WithoutRetries()).GetConversationDepartments(ctxT(t))
		var ae *APIError
		if !errors.As(err, &ae) || ae.StatusCode != status || ae.ErrorCode != "" || ae.DeveloperMessage != "" {
			t.Fatalf("%d: err = %#v", status, err)
		}
		if !strings.Contains(err.Error(), fmt.Sprint(status)) {
			t.Errorf("message %q", err)
		}
		if !strings.Contains(string(ae.Body), "Bad Gateway") {
			t.Errorf("body %q", ae.Body)
		}
	}
}

// TestErrorBodyCapped: an error body is kept only up to 4 KiB, and a huge one
// still gives the status.
func TestErrorBodyCapped(t *testing.T) {
	big := strings.Repeat("x", 10<<10)
	srv, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.WriteHeader(400)
		_, _ = io.WriteString(w, big)
	})
	_, err := newClient(t, srv).GetConversationDepartments(ctxT(t))
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 400 || len(ae.Body) != maxErrorBody {
		t.Fatalf("err = %v (body %d bytes)", err, len(ae.Body))
	}
	// Over the client's maximum: the status is still reported.
	_, err = newClient(t, srv, WithMaxResponseBytes(100)).GetConversationDepartments(ctxT(t))
	if !errors.As(err, &ae) || ae.StatusCode != 400 {
		t.Fatalf("err = %v", err)
	}
}

// TestAPIErrorMessage: the message falls back from developer message to user
// message to UC-REST-ERROR, and counts attempts.
func TestAPIErrorMessage(t *testing.T) {
	for _, tc := range []struct {
		e    APIError
		want string
	}{
		{APIError{Operation: "op", StatusCode: 400, DeveloperMessage: "d", UserMessage: "u", RESTError: "r", ErrorCode: "E1"}, "conversation: op: 400 Bad Request: d (error_code E1)"},
		{APIError{Operation: "op", StatusCode: 400, UserMessage: "u", RESTError: "r"}, "conversation: op: 400 Bad Request: u"},
		{APIError{Operation: "op", StatusCode: 429, RESTError: "slow down", Attempts: 4}, "conversation: op: 429 Too Many Requests: slow down after 4 attempts"},
		{APIError{Operation: "op", StatusCode: 299}, `conversation: op: 299 with "success": false`},
		{APIError{Operation: "op", StatusCode: 599}, "conversation: op: 599"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
	if (&APIError{StatusCode: 200}).Is(errors.New("other")) {
		t.Error("matches an unrelated error")
	}
}

// TestUnsuccessful2xx: a 2xx whose body says "success": false is an
// *APIError matching ErrUnsuccessful (and no other status sentinel), with
// the ErrorResponse fields and UC-REST-ERROR, not temporary and not
// retried, for every operation with a body.
func TestUnsuccessful2xx(t *testing.T) {
	for _, op := range primaryOps() {
		if op.respSchema == "" {
			continue
		}
		t.Run(op.name, func(t *testing.T) {
			srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header().Set("UC-REST-ERROR", "it did not work")
				writeJSON(w, 200, errorBody(400))
			})
			_, err := op.call(ctxT(t), t, newClient(t, srv))
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %T %v, want *APIError", err, err)
			}
			if !errors.Is(err, ErrUnsuccessful) || errors.Is(err, ErrBadRequest) || errors.Is(err, ErrServer) || errors.Is(err, ErrRateLimited) {
				t.Errorf("sentinels wrong for %v", err)
			}
			if ae.StatusCode != 200 || ae.Operation != op.opID || ae.ErrorCode != "E400" || ae.DeveloperMessage != "dev message 400" ||
				ae.UserMessage != "user message 400" || ae.MoreInfo == "" || ae.ObjectID != "obj-400" || ae.RESTError != "it did not work" ||
				ae.Header == nil || len(ae.Body) == 0 || ae.Attempts != 1 || ae.Temporary() {
				t.Errorf("APIError %#v", ae)
			}
			if !strings.Contains(err.Error(), `"success": false`) {
				t.Errorf("message %q", err)
			}
			if rc.count() != 1 {
				t.Errorf("retried: %d requests", rc.count())
			}
			noSecret(t, err)
		})
	}
}

// TestDecodeErrors: a 2xx body that is not the documented JSON is a
// *DecodeError with the operation, status, content type and the body's start.
func TestDecodeErrors(t *testing.T) {
	bodies := map[string]struct{ ctype, body string }{
		"malformed": {"application/json", `{"success": tru`},
		"truncated": {"application/json", `{"success":true,"conversation":{"conversation_uuid":"abc","messages":[{"body":"hel`},
		"html":      {"text/html; charset=utf-8", "<!DOCTYPE html><html><head><title>Maintenance</title></head><body>back soon</body></html>"},
		"empty":     {"application/json", ""},
		"blank":     {"application/json", " \r\n\t"},
		"array":     {"application/json", `[1,2,3]`},
		"string":    {"application/json", `"ok"`},
		"wrongtype": {"application/json", `{"success":"yes"}`},
	}
	for _, op := range primaryOps() {
		if op.respSchema == "" {
			continue
		}
		for name, b := range bodies {
			if name == "wrongtype" && spec(t).Components.Schemas[op.respSchema].Value.Properties["success"] == nil {
				continue // no "success" to mistype
			}
			t.Run(op.name+"/"+name, func(t *testing.T) {
				srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
					w.Header().Set("Content-Type", b.ctype)
					w.WriteHeader(201)
					_, _ = io.WriteString(w, b.body)
				})
				_, err := op.call(ctxT(t), t, newClient(t, srv))
				var de *DecodeError
				if !errors.As(err, &de) {
					t.Fatalf("err = %T %v, want *DecodeError", err, err)
				}
				if de.Operation != op.opID || de.StatusCode != 201 || de.ContentType != b.ctype || string(de.Snippet) != b.body || de.Err == nil {
					t.Errorf("DecodeError %#v", de)
				}
				if errors.Unwrap(err) != de.Err {
					t.Error("Unwrap")
				}
				msg := err.Error()
				if !strings.Contains(msg, op.opID) || !strings.Contains(msg, "201") {
					t.Errorf("message %q", msg)
				}
				if rc.count() != 1 {
					t.Errorf("retried: %d requests", rc.count())
				}
				for _, s := range statusSentinels {
					if errors.Is(err, s) {
						t.Errorf("matches %v", s)
					}
				}
				noSecret(t, err)
			})
		}
	}
}

// TestDecodeErrorSnippetCapped: the snippet of a long bad body is capped, and
// its message shows only the start.
func TestDecodeErrorSnippetCapped(t *testing.T) {
	body := "<html>" + strings.Repeat("y", 20<<10)
	srv, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.WriteHeader(200)
		_, _ = io.WriteString(w, body)
	})
	_, err := newClient(t, srv).GetConversationDepartments(ctxT(t))
	var de *DecodeError
	if !errors.As(err, &de) || len(de.Snippet) != maxErrorBody || !strings.HasPrefix(body, string(de.Snippet)) {
		t.Fatalf("err = %v", err)
	}
	if len(err.Error()) > 1000 {
		t.Errorf("message of %d bytes", len(err.Error()))
	}
}

// TestResponseTooLarge: a body over WithMaxResponseBytes is a *DecodeError
// wrapping ErrResponseTooLarge, whether its length is declared or not.
func TestResponseTooLarge(t *testing.T) {
	body := `{"success":true,"conversation_departments":[` + strings.Repeat(`{"department_name":"x"},`, 100) + `{}]}`
	for _, chunked := range []bool{false, true} {
		srv, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			if !chunked {
				w.Header().Set("Content-Length", fmt.Sprint(len(body)))
			}
			w.WriteHeader(200)
			if chunked {
				w.(http.Flusher).Flush()
			}
			_, _ = io.WriteString(w, body)
		})
		_, err := newClient(t, srv, WithMaxResponseBytes(256)).GetConversationDepartments(ctxT(t))
		var de *DecodeError
		if !errors.As(err, &de) || !errors.Is(err, ErrResponseTooLarge) || de.StatusCode != 200 {
			t.Fatalf("chunked=%v: err = %v", chunked, err)
		}
		// At the limit exactly, it decodes.
		if _, err := newClient(t, srv, WithMaxResponseBytes(int64(len(body)))).GetConversationDepartments(ctxT(t)); err != nil {
			t.Errorf("chunked=%v: at the limit: %v", chunked, err)
		}
	}
}

// TestTransportErrors: a refused connection, an ended context and a broken
// body are *TransportErrors that unwrap to their cause.
func TestTransportErrors(t *testing.T) {
	t.Run("connection_refused", func(t *testing.T) {
		c, err := NewClient(WithSimpleKey(testKey), WithBaseURL("http://"+refusedAddr(t)+basePath), WithoutRetries(), WithoutBudget())
		if err != nil {
			t.Fatal(err)
		}
		for _, op := range primaryOps() {
			_, err := op.call(ctxT(t), t, c)
			var te *TransportError
			if !errors.As(err, &te) || te.Operation != op.opID || te.Attempts != 1 {
				t.Fatalf("%s: err = %#v", op.name, err)
			}
			if !errors.Is(err, syscall.ECONNREFUSED) {
				t.Errorf("%s: not ECONNREFUSED: %v", op.name, err)
			}
			if !strings.Contains(err.Error(), op.opID) {
				t.Errorf("message %q", err)
			}
			noSecret(t, err)
		}
	})

	t.Run("deadline", func(t *testing.T) {
		srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		})
		c := newClient(t, srv)
		for _, op := range primaryOps() {
			t.Run(op.name, func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
				defer cancel()
				start := time.Now()
				_, err := op.call(ctx, t, c)
				var te *TransportError
				if !errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("err = %T %v", err, err)
				}
				if d := time.Since(start); d > 5*time.Second {
					t.Errorf("took %v", d)
				}
				noSecret(t, err)
			})
		}
	})

	t.Run("canceled", func(t *testing.T) {
		arrived := make(chan struct{}, 1)
		srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			arrived <- struct{}{}
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		})
		c := newClient(t, srv)
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-arrived
			cancel()
		}()
		start := time.Now()
		_, err := c.GetConversationDepartments(ctx)
		var te *TransportError
		if !errors.As(err, &te) || !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %T %v", err, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v", d)
		}
	})

	t.Run("canceled_before", func(t *testing.T) {
		srv, rc := newServer(t, nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := newClient(t, srv).InsertConversationDepartment(ctx, &ConversationDepartment{})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		if rc.count() != 0 {
			t.Errorf("%d requests", rc.count())
		}
	})

	t.Run("body_cut", func(t *testing.T) {
		srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			fmt.Fprint(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"success\":true,")
			_ = buf.Flush()
		})
		_, err := newClient(t, srv, WithoutRetries()).GetConversationDepartments(ctxT(t))
		var te *TransportError
		if !errors.As(err, &te) || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("err = %T %v", err, err)
		}
		if rc.count() != 1 {
			t.Errorf("%d requests", rc.count())
		}
	})

	t.Run("garbage_response", func(t *testing.T) {
		srv, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			conn, buf, _ := w.(http.Hijacker).Hijack()
			defer conn.Close()
			_, _ = buf.WriteString("SSH-2.0-OpenSSH\r\n\r\n")
			_ = buf.Flush()
		})
		err := newClient(t, srv, WithoutRetries()).GetAgentKeepAlive(ctxT(t))
		var te *TransportError
		if !errors.As(err, &te) {
			t.Fatalf("err = %T %v", err, err)
		}
	})
}
