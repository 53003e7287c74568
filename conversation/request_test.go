package conversation

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Bodies that are not the documented JSON fail with a *DecodeError that
// keeps the status, content type and the start of the body, and are not
// retried: the same request would get the same body.
func Test2xxUndecodableBody(t *testing.T) {
	for _, tc := range []struct {
		name, contentType, body string
		status                  int
	}{
		{"malformed JSON", "application/json", `{"conversation_departments": [}, "success": tru`, 200},
		{"truncated JSON", "application/json", `{"conversation_departments":[{"conversation_department_oid":1,"department_na`, 200},
		{"HTML error page", "text/html; charset=utf-8", "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>", 200},
		{"empty body", "application/json", "", 200},
		{"whitespace body", "application/json", " \r\n\t ", 200},
		{"no content", "", "", 204},
		{"wrong JSON type", "application/json", `["not", "an", "object"]`, 200},
		{"wrong field type", "application/json", `{"conversation_departments": "none", "success": true}`, 200},
		{"trailing garbage", "application/json", `{"success": true} {"success": false}`, 200},
		{"binary", "application/octet-stream", "\x00\x01\x02\xff\xfe", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			})
			c := newClientAt(t, srv.URL+basePath)

			resp, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second))
			if resp != nil {
				t.Errorf("got a response with the error: %+v", resp)
			}
			decErr := wantAs[*DecodeError](t, err)
			wantIsNot(t, err, ErrServer, ErrUnsuccessful, ErrResponseTooLarge)
			var apiErr *APIError
			var te *TransportError
			if errors.As(err, &apiErr) || errors.As(err, &te) {
				t.Errorf("a decode failure also matches %T", err)
			}
			if decErr.StatusCode != tc.status || decErr.ContentType != tc.contentType || decErr.Operation != "getConversationDepartments" {
				t.Errorf("DecodeError{%d, %q, %q}, want {%d, %q}", decErr.StatusCode, decErr.ContentType, decErr.Operation, tc.status, tc.contentType)
			}
			if tc.status != 204 && !bytes.Equal(decErr.Snippet, []byte(tc.body)) {
				t.Errorf("Snippet = %q, want the body", decErr.Snippet)
			}
			if decErr.Err == nil || errors.Unwrap(err) == nil {
				t.Errorf("DecodeError does not wrap the cause")
			}
			if tc.name == "malformed JSON" || tc.name == "truncated JSON" || tc.name == "HTML error page" {
				var se *json.SyntaxError
				if !errors.As(err, &se) {
					t.Errorf("want a *json.SyntaxError inside, got %v", decErr.Err)
				}
			}
			wantRequests(t, "server", rc.count(), 1)
		})
	}
}

// A gateway's HTML page with a 502 is still a 502: an *APIError keeping the
// page, retried like any 502.
func Test502HTMLPage(t *testing.T) {
	checkLeaks(t)
	page := "<html><body><h1>502 Bad Gateway</h1></body></html>"
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, page)
	})
	c := newClientAt(t, srv.URL+basePath)
	_, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second))
	apiErr := wantAs[*APIError](t, err)
	wantIs(t, err, ErrServer)
	if string(apiErr.Body) != page || apiErr.DeveloperMessage != "" || apiErr.Attempts != fastPolicy.MaxAttempts {
		t.Errorf("APIError{Body %q, DeveloperMessage %q, Attempts %d}", apiErr.Body, apiErr.DeveloperMessage, apiErr.Attempts)
	}
	wantRequests(t, "server", rc.count(), fastPolicy.MaxAttempts)
}

// A void operation accepts any 2xx body, even one that is not JSON.
func TestVoid2xxAnyBody(t *testing.T) {
	for _, body := range []string{"", "not json", `{"success": true}`, strings.Repeat("x", 200<<10)} {
		t.Run(strconv.Itoa(len(body)), func(t *testing.T) {
			checkLeaks(t)
			srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				_, _ = io.WriteString(w, body)
			})
			c := newClientAt(t, srv.URL+basePath)
			if err := c.GetAgentKeepAlive(ctxWithin(t, 10*time.Second)); err != nil {
				t.Fatalf("GetAgentKeepAlive: %v", err)
			}
			wantRequests(t, "server", rc.count(), 1)
		})
	}
}

// hugeBody serves a 2xx (or status) whose Content-Length declares
// declared bytes, written from a generator until the client goes away:
// nothing that size is ever held in memory.
func hugeBody(t *testing.T, status int, declared int64) *rawServer {
	t.Helper()
	return newRawServer(t, func(c *rawConn) {
		if _, _, err := c.readRequest(); err != nil {
			return
		}
		head := "HTTP/1.1 " + strconv.Itoa(status) + " " + http.StatusText(status) + "\r\nContent-Type: application/json\r\n"
		if declared >= 0 {
			head += "Content-Length: " + strconv.FormatInt(declared, 10) + "\r\n"
		} else {
			head += "Transfer-Encoding: chunked\r\n"
		}
		if !c.writeString(head + "\r\n") {
			return
		}
		chunk := bytes.Repeat([]byte(" "), 32<<10)
		if declared < 0 {
			chunk = append(append([]byte(strconv.FormatInt(int64(len(chunk)), 16)+"\r\n"), chunk...), "\r\n"...)
		}
		limit := declared
		if limit < 0 {
			limit = 100 << 20
		}
		for sent := int64(0); sent < limit; sent += int64(len(chunk)) {
			if _, err := c.Write(chunk); err != nil {
				return
			}
		}
	})
}

// A 2xx declaring a 100 MB body is refused at the configured maximum from
// its Content-Length, without reading it: far fewer than 100 MB cross the
// socket before the client hangs up.
func TestHugeDeclaredBody(t *testing.T) {
	checkLeaks(t)
	const declared = 100 << 20
	const maxBytes = 1 << 20
	srv := hugeBody(t, 200, declared)
	c := newClientAt(t, srv.Base(), WithMaxResponseBytes(maxBytes))

	start := time.Now()
	_, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second))
	el := time.Since(start)
	decErr := wantAs[*DecodeError](t, err)
	wantIs(t, err, ErrResponseTooLarge)
	if !strings.Contains(err.Error(), "104857600") {
		t.Errorf("message %q does not give the declared length", err)
	}
	if decErr.StatusCode != 200 || len(decErr.Snippet) > 4<<10 {
		t.Errorf("DecodeError{%d, %d-byte snippet}", decErr.StatusCode, len(decErr.Snippet))
	}
	wantRequests(t, "server", int(srv.requests.Load()), 1)
	srv.Close() // wait for the writer to give up, then count what it sent
	sent := srv.written.Load()
	t.Logf("MEASURE bytes-sent=%d of %d declared, limit %d, elapsed %v", sent, declared, maxBytes, el.Round(time.Millisecond))
	if sent > 32<<20 {
		t.Errorf("server sent %d bytes: the client read far past its %d-byte limit", sent, maxBytes)
	}
}

// The same for an error status: the *APIError keeps the start of the body
// and the status, read no further than the error-body bound.
func TestHugeDeclaredErrorBody(t *testing.T) {
	checkLeaks(t)
	srv := hugeBody(t, http.StatusBadRequest, 100<<20)
	c := newClientAt(t, srv.Base(), WithMaxResponseBytes(1<<20))
	_, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second))
	apiErr := wantAs[*APIError](t, err)
	wantIs(t, err, ErrBadRequest)
	if apiErr.StatusCode != 400 || len(apiErr.Body) > 4<<10 {
		t.Errorf("APIError{%d, %d-byte body}", apiErr.StatusCode, len(apiErr.Body))
	}
	wantRequests(t, "server", int(srv.requests.Load()), 1)
	srv.Close()
	t.Logf("MEASURE bytes-sent=%d of %d declared", srv.written.Load(), 100<<20)
	if srv.written.Load() > 32<<20 {
		t.Errorf("server sent %d bytes", srv.written.Load())
	}
}

// A chunked body with no Content-Length is read up to the maximum and no
// further.
func TestHugeChunkedBody(t *testing.T) {
	checkLeaks(t)
	const maxBytes = 1 << 20
	srv := hugeBody(t, 200, -1)
	c := newClientAt(t, srv.Base(), WithMaxResponseBytes(maxBytes))

	start := time.Now()
	_, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second))
	el := time.Since(start)
	decErr := wantAs[*DecodeError](t, err)
	wantIs(t, err, ErrResponseTooLarge)
	if len(decErr.Snippet) > 4<<10 {
		t.Errorf("Snippet of %d bytes, want at most 4 KiB", len(decErr.Snippet))
	}
	wantRequests(t, "server", int(srv.requests.Load()), 1)
	srv.Close()
	sent := srv.written.Load()
	t.Logf("MEASURE bytes-sent=%d (chunked, unbounded), limit %d, elapsed %v", sent, maxBytes, el.Round(time.Millisecond))
	if sent > 32<<20 {
		t.Errorf("server sent %d bytes: the client read far past its %d-byte limit", sent, maxBytes)
	}
}

// A body exactly at the maximum is accepted; one byte more is not.
func TestBodyAtLimit(t *testing.T) {
	checkLeaks(t)
	ok := []byte(departmentsOK)
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		body := append(bytes.Repeat([]byte(" "), n-1), ok...) // request n is n-1 bytes longer
		writeJSON(w, 200, string(body))
	})
	c := newClientAt(t, srv.URL+basePath, WithMaxResponseBytes(int64(len(ok))))
	if _, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second)); err != nil {
		t.Fatalf("a body of exactly the maximum: %v", err)
	}
	_, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second))
	wantAs[*DecodeError](t, err)
	wantIs(t, err, ErrResponseTooLarge)
	wantRequests(t, "server", rc.count(), 2)
}

// A response whose Content-Length is longer than what the server sends
// before closing: a truncated body is a transport failure (retried for a
// read), never decoded as if complete.
func TestShortBodyThenClose(t *testing.T) {
	checkLeaks(t)
	srv := newRawServer(t, func(c *rawConn) {
		if _, _, err := c.readRequest(); err != nil {
			return
		}
		c.writeString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"success\":true}")
	})
	c := newClientAt(t, srv.Base())
	_, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second))
	te := wantAs[*TransportError](t, err)
	if !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("want io.ErrUnexpectedEOF inside, got %v", err)
	}
	if te.Attempts != fastPolicy.MaxAttempts {
		t.Errorf("Attempts = %d", te.Attempts)
	}
	wantRequests(t, "server", int(srv.requests.Load()), fastPolicy.MaxAttempts)
}

// A response that is not HTTP at all.
func TestGarbageResponse(t *testing.T) {
	for _, tc := range []struct{ name, resp string }{
		{"not http", "SSH-2.0-OpenSSH_9.6\r\n"},
		{"malformed header", "HTTP/1.1 200 OK\r\nRetry-After: \x7f\r\n\r\n"},
		{"bad status", "HTTP/1.1 2000 OK\r\n\r\n"},
		{"bad content-length", "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			srv := newRawServer(t, func(c *rawConn) {
				if _, _, err := c.readRequest(); err != nil {
					return
				}
				c.writeString(tc.resp)
			})
			c := newClientAt(t, srv.Base())
			_, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second))
			te := wantAs[*TransportError](t, err)
			if te.Attempts != fastPolicy.MaxAttempts {
				t.Errorf("Attempts = %d, want %d", te.Attempts, fastPolicy.MaxAttempts)
			}
			wantRequests(t, "server", int(srv.requests.Load()), fastPolicy.MaxAttempts)
		})
	}
}

// A gzip bomb: a small compressed body that inflates to 100 MB. net/http
// inflates it transparently (the client does not set Accept-Encoding), so
// the declared length says nothing; the maximum still applies to the
// inflated bytes and the client stops there.
func TestGzipBomb(t *testing.T) {
	checkLeaks(t)
	const inflated = 100 << 20
	// One gzip member inflating to 1 MiB, served 100 times: gzip readers
	// read concatenated members as one stream.
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	_, _ = zw.Write(make([]byte, 1<<20))
	_ = zw.Close()
	zipped := bytes.Repeat(member.Bytes(), inflated/(1<<20))
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(len(zipped)))
		_, _ = w.Write(zipped)
	})
	const maxBytes = 1 << 20
	// What the client reads of the body, counted after net/http inflated it.
	counter := &countingTransport{rt: testTransport(t, nil)}
	c := newClientAt(t, srv.URL+basePath, WithMaxResponseBytes(maxBytes), WithHTTPClient(&http.Client{Transport: counter}))
	start := time.Now()
	_, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second))
	el := time.Since(start)
	decErr := wantAs[*DecodeError](t, err)
	wantIs(t, err, ErrResponseTooLarge)
	if len(decErr.Snippet) > 4<<10 {
		t.Errorf("Snippet of %d bytes", len(decErr.Snippet))
	}
	wantRequests(t, "server", rc.count(), 1)
	read := counter.read.Load()
	t.Logf("MEASURE gzip-bomb: %d compressed bytes inflating to %d, refused at %d after reading %d inflated bytes in %v", len(zipped), inflated, maxBytes, read, el.Round(time.Millisecond))
	if read > 2*maxBytes {
		t.Errorf("the client read %d inflated bytes: far past its %d-byte maximum", read, maxBytes)
	}
}

// countingTransport counts the body bytes read from its responses.
type countingTransport struct {
	rt   http.RoundTripper
	read atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.rt.RoundTrip(r)
	if err == nil {
		resp.Body = countingBody{resp.Body, &c.read}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// The operations whose schema has no "success" field (the webchat context,
// startConversation) still fail on a body that says "success": false, even
// when its "error" object is not of the documented shape.
func TestSuccessFalseWithoutEnvelope(t *testing.T) {
	for _, body := range []string{
		`{"success":false,"error":{"developer_message":"no such conversation","error_code":"E1"}}`,
		`{"success":false,"error":5}`,
		`{"success":false,"error":{"error_code":7}}`,
		`{"success":false}`,
	} {
		t.Run(body, func(t *testing.T) {
			checkLeaks(t)
			srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, body) })
			c := newClientAt(t, srv.URL+basePath)
			ctx := ctxWithin(t, 10*time.Second)
			wc, err1 := c.GetConversationContext(ctx, "c1")
			st, err2 := c.StartConversation(ctx, &ConversationStartRequest{})
			for _, err := range []error{err1, err2} {
				apiErr := wantAs[*APIError](t, err)
				wantIs(t, err, ErrUnsuccessful)
				if apiErr.StatusCode != 200 || apiErr.Attempts != 1 {
					t.Errorf("APIError{%d, %d attempts}", apiErr.StatusCode, apiErr.Attempts)
				}
			}
			if wc != nil || st != nil {
				t.Errorf("a response came with the error")
			}
			wantRequests(t, "server", rc.count(), 2)
		})
	}
}
