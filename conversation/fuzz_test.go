package conversation

// Fuzz targets. Their f.Add seeds run as ordinary tests under `go test`;
// `make fuzz` runs each target for $(FUZZTIME). Helper names start with
// "fuzz" to stay clear of the package's other internal tests.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ultracart-community/ultracart-go/gen"
)

const fuzzKey = "test-simple-key-do-not-use"

// fuzzErrorBodies are ErrorResponse-like bodies: well formed, partial,
// wrongly typed, truncated and not JSON at all.
var fuzzErrorBodies = []string{
	`{"error":{"developer_message":"Invalid conversation uuid","user_message":"Not found","error_code":"E404","more_info":"https://www.ultracart.com/api/","object_id":"abc"},"success":false}`,
	`{"error":{"developer_message":"rate limit"},"success":false}`,
	`{"error":null,"success":false}`,
	`{"error":{"developer_message":5,"error_code":["x"]}}`,
	`{"error":{"developer_message":"\u0000\ud800 bad surrogate"}}`,
	`{"error":{"developer_message":"trunc`,
	`<html><body>502 Bad Gateway</body></html>`,
	``,
	`null`,
	`[]`,
	`"string"`,
	strings.Repeat(`{"error":`, 50),
	strings.Repeat("x", 5000),
}

// FuzzNewAPIError decodes arbitrary error responses, directly and through
// the client: never a panic, the status and a capped body kept, Retry-After
// within its bounds, the sentinels consistent with the status, and no
// credential of the request in the error text.
func FuzzNewAPIError(f *testing.F) {
	statuses := []int{400, 401, 404, 410, 429, 500, 502, 503, 504, 200, 201, 302, 418, 599}
	for i, body := range fuzzErrorBodies {
		f.Add(statuses[i%len(statuses)], []byte(body), "Something went wrong", "")
	}
	f.Add(429, []byte(fuzzErrorBodies[1]), "", "120")
	f.Add(503, []byte(fuzzErrorBodies[0]), "Service unavailable", "Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add(429, []byte(`{}`), "", "99999999999999999999")
	f.Add(429, []byte(fuzzErrorBodies[1]), "rate of 10000 per 86400 second(s) exceeded.", "")
	f.Add(429, []byte(`{}`), "rate of 1000 per 3600 second(s) exceeded.", "3")
	f.Add(400, []byte(`{}`), "rate of 10000 per 86400 second(s) exceeded.", "")
	f.Add(429, []byte(`{}`), "\xff\xfe", "-1")

	// One client, answering from memory with the fuzz input: no network, no
	// retries, so every input is one request.
	var mu sync.Mutex
	var cur *http.Response
	rt := fuzzRoundTripper(func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		defer mu.Unlock()
		r := *cur
		r.Request = req
		r.Body = io.NopCloser(bytes.NewReader(cur.Body.(fuzzBody)))
		return &r, nil
	})
	c, err := NewClient(WithSimpleKey(fuzzKey), WithBaseURL("http://127.0.0.1:1/rest/v2"),
		WithHTTPClient(&http.Client{Transport: rt}), WithoutRetries(), WithoutBudget())
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, status int, body []byte, restErr, retryAfter string) {
		status = 100 + fuzzMod(status, 500) // 100..599: what net/http delivers
		if status >= 300 && status < 400 {
			status += 100 // no redirects: this target is about error bodies
		}
		h := http.Header{}
		h.Set("UC-REST-ERROR", restErr)
		h.Set("Retry-After", retryAfter)
		h.Set("Content-Type", "application/json")
		resp := &http.Response{StatusCode: status, Header: h, ContentLength: int64(len(body)), Body: fuzzBody(body)}

		e := newAPIError("getConversation", resp, body, nil)
		fuzzCheckAPIError(t, e, status, body, restErr, retryAfter)

		if status >= 200 && status < 300 {
			return // not an error response through the client
		}
		mu.Lock()
		cur = resp
		mu.Unlock()
		_, err := c.GetConversation(context.Background(), "c1", nil)
		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("status %d: want an *APIError, got %T: %v", status, err, err)
		}
		fuzzCheckAPIError(t, apiErr, status, body, restErr, retryAfter)
		if apiErr.Attempts != 1 {
			t.Errorf("Attempts = %d without retries", apiErr.Attempts)
		}
	})
}

func fuzzCheckAPIError(t *testing.T, e *APIError, status int, body []byte, restErr, retryAfter string) {
	t.Helper()
	if e.StatusCode != status || e.Operation != "getConversation" {
		t.Fatalf("APIError{%q, %d}, want status %d", e.Operation, e.StatusCode, status)
	}
	if len(e.Body) > maxErrorBody || !bytes.HasPrefix(body, e.Body) {
		t.Errorf("Body is %d bytes and not the start of the response's", len(e.Body))
	}
	if e.RetryAfter < 0 || e.RetryAfter > maxRetryAfter {
		t.Errorf("RetryAfter = %v for %q: out of [0, %v]", e.RetryAfter, retryAfter, maxRetryAfter)
	}
	msg := e.Error()
	if !strings.HasPrefix(msg, "conversation: getConversation: ") {
		t.Errorf("message %q", msg)
	}
	if !bytes.Contains(body, []byte(fuzzKey)) && !strings.Contains(restErr, fuzzKey) && strings.Contains(msg, fuzzKey) {
		t.Errorf("message contains the request's key: %q", msg)
	}
	is := map[error]bool{
		ErrBadRequest: status == 400, ErrUnauthorized: status == 401, ErrNotFound: status == 404,
		ErrGone: status == 410, ErrRateLimited: status == 429, ErrServer: status >= 500,
		ErrUnsuccessful: status >= 200 && status < 300, ErrInvalidArgument: false, ErrResponseTooLarge: false,
	}
	for target, want := range is {
		if got := errors.Is(e, target); got != want {
			t.Errorf("status %d: errors.Is(%v) = %v", status, target, got)
		}
	}
	wantTemp := status == 429 || status == 502 || status == 503 || status == 504
	if e.Temporary() != wantTemp {
		t.Errorf("status %d: Temporary() = %v", status, e.Temporary())
	}
	// Only a 429 names an exceeded rate, and the daily limit is one.
	n, window, ok := e.RateLimit()
	if ok && (status != 429 || n <= 0 || window <= 0) || !ok && (n != 0 || window != 0) {
		t.Errorf("status %d, UC-REST-ERROR %q: RateLimit() = %d, %v, %v", status, restErr, n, window, ok)
	}
	if errors.Is(e, ErrDailyLimit) != (ok && window >= 24*time.Hour) {
		t.Errorf("status %d, UC-REST-ERROR %q: ErrDailyLimit %v", status, restErr, errors.Is(e, ErrDailyLimit))
	}
	// What the body said, when it was an ErrorResponse, is kept.
	var er gen.ErrorResponse
	if json.Unmarshal(body, &er) == nil && er.Error != nil && er.Error.DeveloperMessage != nil {
		if e.DeveloperMessage != *er.Error.DeveloperMessage {
			t.Errorf("DeveloperMessage %q, body says %q", e.DeveloperMessage, *er.Error.DeveloperMessage)
		}
	}
}

// FuzzParseRetryAfter: never negative, never beyond its cap, exact for
// delay-seconds within it, and the default policy never waits longer than
// it allows whatever the header says.
func FuzzParseRetryAfter(f *testing.F) {
	now := time.Date(2022, 12, 13, 9, 58, 41, 0, time.UTC).Unix()
	for _, v := range []string{
		"", "0", "1", "120", "-1", "+5", " 30 ", "1.5", "1e3", "0x10", "soon",
		"9223372036854775807", "-9223372036854775808", "99999999999999999999", "31536000", "31536001",
		"Wed, 21 Oct 2015 07:28:00 GMT", "Tue, 13 Dec 2022 09:58:42 GMT", "Fri, 31 Dec 9999 23:59:59 GMT",
		"Monday, 02-Jan-06 15:04:05 MST", "Mon Jan  2 15:04:05 2006", "Thu, 01 Jan 1970 00:00:00 GMT",
		"\x00", "\xff", "１２０",
	} {
		f.Add(v, now)
	}
	f.Add("Tue, 13 Dec 2022 09:58:42 GMT", int64(-1<<62))
	f.Add("Tue, 13 Dec 2022 09:58:42 GMT", int64(1<<62))

	f.Fuzz(func(t *testing.T, v string, nowUnix int64) {
		d := parseRetryAfter(v, time.Unix(nowUnix, 0))
		if d < 0 || d > maxRetryAfter {
			t.Fatalf("parseRetryAfter(%q) = %v: out of [0, %v]", v, d, maxRetryAfter)
		}
		if secs, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
			want := time.Duration(0)
			switch {
			case secs > int64(maxRetryAfter/time.Second):
				want = maxRetryAfter
			case secs > 0:
				want = time.Duration(secs) * time.Second
			}
			if d != want {
				t.Errorf("parseRetryAfter(%q) = %v, want %v", v, d, want)
			}
		}
		for _, status := range []int{429, 503} {
			p := DefaultRetryPolicy
			delay, retry := p.RetryDelay(1, 0, &APIError{StatusCode: status, RetryAfter: d})
			if delay < 0 {
				t.Errorf("RetryDelay = %v: negative", delay)
			}
			if retry && delay > max(p.MaxRetryAfter, p.MaxDelay) {
				t.Errorf("RetryDelay = %v for Retry-After %v: beyond the policy's bounds", delay, d)
			}
			if d > p.MaxRetryAfter && retry {
				t.Errorf("retrying after a Retry-After of %v, beyond MaxRetryAfter", d)
			}
		}
	})
}

// fuzzContext is a webchat context exercising nested carts, orders and
// date-times, money and unknown enum values.
const fuzzContext = `{"auto_orders":[{"auto_order_oid":1,"status":"active","original_order":{"order_id":"DEMO-1"}}],
"cart":{"cart_id":"c1","items":[{"item_id":"ITEM","quantity":2,"unit_cost":{"value":1234567.89,"currency_code":"USD"}}],"currency_code":"USD"},
"current_url":"https://example.com/x","orders":[{"order_id":"DEMO-1","creation_dts":"2022-12-13T09:58:41-05:00","summary":{"total":{"value":19.99}}}],
"page_view":[{"url":"https://example.com/","time_on_page":12}],"session_start_dts":"not a date","session_utm":{"utm_source":"news"}}`

const fuzzConversation = `{"conversation":{"conversation_uuid":"c1","medium":"websocket","participants":[{"conversation_participant_name":"Agent","joined_dts":"2022-12-13T09:58:41-05:00"}],
"messages":[{"body":"hi","message_epoch":1670943521000,"message_dts":"2022-12-13T09:58:41-05:00","type":"new-type"}],"closed":false},"success":true}`

// fuzzDecodeOps are the operations whose bodies FuzzDecodeResponse feeds:
// the largest schemas and the list shapes.
var fuzzDecodeOps = []struct {
	name string
	call func(ctx context.Context, c *Client) (any, error)
	into func() any // a fresh value of the operation's response type
}{
	{"GetConversationContext", func(ctx context.Context, c *Client) (any, error) { return c.GetConversationContext(ctx, "c1") },
		func() any { return new(ConversationWebchatContext) }},
	{"GetConversation", func(ctx context.Context, c *Client) (any, error) {
		var info ResponseInfo
		conv, err := c.GetConversation(ctx, "c1", nil, WithResponseInfo(&info))
		if err != nil {
			return nil, err
		}
		return &ConversationResponse{Conversation: conv, Metadata: info.Metadata, Warning: info.Warning}, nil
	}, func() any { return new(ConversationResponse) }},
	{"GetConversationsSearch", func(ctx context.Context, c *Client) (any, error) {
		return c.GetConversationsSearch(ctx, &ConversationSearchRequest{})
	}, func() any { return new(ConversationSearchResponse) }},
	{"GetPbxCall", func(ctx context.Context, c *Client) (any, error) { return c.GetPbxCall(ctx, "c1") },
		func() any { return new(ConversationPbxCallResponse) }},
}

// FuzzDecodeResponse serves arbitrary bytes as a 200 from a loopback server
// and decodes them through the client as the largest schemas: never a
// panic; success exactly when the bytes decode as the schema and do not say
// "success": false; otherwise a *DecodeError or an *APIError, never a
// transport error; and whatever decodes encodes again.
func FuzzDecodeResponse(f *testing.F) {
	for i, body := range []string{
		fuzzContext, fuzzConversation, `{"conversations":[{"conversation_uuid":"a"}],"metadata":{"result_set":{"more":true,"next_offset":200}},"success":true}`,
		`{"queue_statuses":[{"queue_name":"support","agents":[{"agent_name":"x","agent_status":"new-status"}]}],"success":true}`,
		`{"conversation_messages":[{"message_epoch":9223372036854775807}],"success":true}`,
		`{"success":false,"error":{"developer_message":"nope"}}`, `{}`, `null`, ``, `[]`, `{"cart":{"items":"x"}}`,
		`{"orders":[{"summary":{"total":{"value":1e400}}}]}`, `{"session_start_dts":12}`, `{"session_start_dts":"2022-12-13"}`,
		`{"auto_orders":[` + strings.Repeat(`{"auto_order_oid":1},`, 10) + `{}]}`,
		strings.Repeat("[", 300), `{"current_url":"\ud800"}`, "\xef\xbb\xbf{}",
		`{"success":false,"error":5}`, `{"Success":false}`, `{"succ\u0065ss":false}`, `{"success":false,"success":true}`,
		`{"success":"false"}`, `{"success":null,"conversation":{}}`,
	} {
		f.Add(uint8(i), []byte(body))
	}
	// The operations without a "success" field in their schema, with bodies
	// that say it anyway.
	for _, body := range []string{`{"success":false}`, `{"success":false,"error":5}`, `{"success":false,"error":{"error_code":7}}`, `{"Success":false}`} {
		f.Add(uint8(0), []byte(body)) // GetConversationContext
	}

	var mu sync.Mutex
	var cur []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		b := cur
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}))
	tr := &http.Transport{MaxIdleConnsPerHost: 4}
	f.Cleanup(func() { tr.CloseIdleConnections(); srv.Close() })
	c, err := NewClient(WithSimpleKey(fuzzKey), WithBaseURL(srv.URL+"/rest/v2"),
		WithHTTPClient(&http.Client{Transport: tr}), WithoutRetries(), WithMaxResponseBytes(1<<20), WithoutBudget())
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		op := fuzzDecodeOps[int(which)%len(fuzzDecodeOps)]
		mu.Lock()
		cur = body
		mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		got, err := op.call(ctx, c)

		want := op.into()
		plainErr := json.Unmarshal(body, want)
		saysFalse, ambiguous := fuzzSaysFalse(body)
		empty := len(bytes.TrimSpace(body)) == 0

		var decErr *DecodeError
		var apiErr *APIError
		var te *TransportError
		switch {
		case errors.As(err, &te):
			t.Fatalf("%s: a 200 with %d bytes is a transport error: %v", op.name, len(body), err)
		case err == nil:
			if plainErr != nil || empty || saysFalse && !ambiguous {
				t.Fatalf("%s: accepted a body json.Unmarshal rejects (%v) or that says success false", op.name, plainErr)
			}
			if _, merr := json.Marshal(got); merr != nil {
				t.Errorf("%s: the decoded response does not encode: %v", op.name, merr)
			}
		case errors.As(err, &apiErr):
			if !(saysFalse || ambiguous) || !errors.Is(err, ErrUnsuccessful) || apiErr.StatusCode != 200 {
				t.Fatalf("%s: an *APIError for a body that does not say success false: %v", op.name, err)
			}
		case errors.As(err, &decErr):
			if plainErr == nil && !empty {
				t.Fatalf("%s: a DecodeError for a body json.Unmarshal accepts: %v", op.name, err)
			}
			if decErr.StatusCode != 200 || len(decErr.Snippet) > maxErrorBody || !bytes.HasPrefix(body, decErr.Snippet) {
				t.Errorf("%s: DecodeError{%d, %d-byte snippet}", op.name, decErr.StatusCode, len(decErr.Snippet))
			}
		default:
			t.Fatalf("%s: unexpected error %T: %v", op.name, err, err)
		}
		if err != nil && strings.Contains(err.Error(), fuzzKey) && !bytes.Contains(body, []byte(fuzzKey)) {
			t.Errorf("error text contains the key")
		}
	})
}

// fuzzSaysFalse reports whether body is a JSON object whose "success" key
// is false. ambiguous is true when the answer depends on how loosely keys
// are matched: encoding/json matches keys case-insensitively, so "Success"
// counts for a struct field, and a key written with escapes
// ("succ\u0065ss") is "success" only once unescaped; the client may decide
// either way for those, and a real service sends neither.
func fuzzSaysFalse(body []byte) (saysFalse, ambiguous bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return false, false
	}
	for k := range m {
		if k != "success" && strings.EqualFold(k, "success") {
			ambiguous = true
		}
	}
	var b *bool
	if raw, ok := m["success"]; ok && json.Unmarshal(raw, &b) == nil && b != nil && !*b {
		saysFalse = true
		if !bytes.Contains(body, []byte(`"success"`)) {
			ambiguous = true // the key was escaped
		}
	}
	return saysFalse, ambiguous
}

// fuzzPathBuilders are the generated request builders that take a string
// path value, with the escaped path around the value.
var fuzzPathBuilders = []struct {
	name           string
	build          func(server, v string) (*http.Request, error)
	prefix, suffix string
	query          string
}{
	{"getConversation", func(s, v string) (*http.Request, error) {
		l := int32(5)
		return gen.NewGetConversationRequest(s, v, &gen.GetConversationParams{Limit: &l})
	}, "/rest/v2/conversation/conversations/", "", "limit=5"},
	{"getConversationContext", gen.NewGetConversationContextRequest, "/rest/v2/conversation/conversations/", "/context", ""},
	{"joinConversation", func(s, v string) (*http.Request, error) {
		return gen.NewJoinConversationRequest(s, v, gen.ConversationJoinRequest{})
	}, "/rest/v2/conversation/conversations/", "/join", ""},
	{"leaveConversation", gen.NewLeaveConversationRequest, "/rest/v2/conversation/conversations/", "/leave", ""},
	{"markReadConversation", gen.NewMarkReadConversationRequest, "/rest/v2/conversation/conversations/", "/markread", ""},
	{"getConversationMessages", func(s, v string) (*http.Request, error) {
		return gen.NewGetConversationMessagesRequest(s, v, 1670943521000, &gen.GetConversationMessagesParams{})
	}, "/rest/v2/conversation/conversations/", "/messages/1670943521000", ""},
	{"updateConversationWebchatQueueStatus", func(s, v string) (*http.Request, error) {
		return gen.NewUpdateConversationWebchatQueueStatusRequest(s, v, gen.ConversationWebchatQueueStatusUpdateRequest{})
	}, "/rest/v2/conversation/conversations/queues/", "/status", ""},
	{"getConversationMultimediaUploadUrl", gen.NewGetConversationMultimediaUploadURLRequest, "/rest/v2/conversation/upload_url/", "", ""},
}

// FuzzCheckPathValue: whatever checkPathValue accepts, every generated
// builder produces a URL whose path, after resolution against the base URL
// and as the server will parse it from the request line, is the intended
// endpoint with the value as one segment, and nothing in the query or
// fragment. Values made only of dots must be refused.
func FuzzCheckPathValue(f *testing.F) {
	for _, v := range []string{
		"c1", "..", ".", "...", "/", "%2F", "?", "#", "../../canned_messages", "a/../../departments",
		"%2e%2e", "..%2F", "\\..", ";x", "é", "💬", "\u2028", "．．", "", "\x00", "a\r\nb", "\xff", "a b+c",
		"queues/statuses", "?limit=1#x", "//evil.example/x", "http://evil.example/", "@evil", ":", "%",
	} {
		f.Add(v)
	}
	const server = "http://127.0.0.1:1/rest/v2/"
	f.Fuzz(func(t *testing.T, v string) {
		err := checkPathValue("op", "arg", v)
		if strings.Trim(v, ".") == "" && err == nil {
			t.Fatalf("checkPathValue accepted %q, made only of dots", v)
		}
		if err != nil {
			var ae *ArgumentError
			if !errors.As(err, &ae) || !errors.Is(err, ErrInvalidArgument) || ae.Argument != "arg" || ae.Reason == "" {
				t.Fatalf("checkPathValue(%q) = %v: not an ArgumentError", v, err)
			}
			return
		}
		if !utf8.ValidString(v) {
			t.Fatalf("accepted invalid UTF-8 %q", v)
		}
		for _, b := range fuzzPathBuilders {
			req, err := b.build(server, v)
			if err != nil {
				t.Fatalf("%s(%q): %v", b.name, v, err)
			}
			fuzzCheckURL(t, b.name, v, req.URL, b.prefix, b.suffix, b.query)
			// As the server parses it from the request line.
			onWire, err := url.ParseRequestURI(req.URL.RequestURI())
			if err != nil {
				t.Fatalf("%s(%q): request line %q does not parse: %v", b.name, v, req.URL.RequestURI(), err)
			}
			fuzzCheckURL(t, b.name+" (wire)", v, onWire, b.prefix, b.suffix, b.query)
			if req.URL.Host != "127.0.0.1:1" || req.URL.Scheme != "http" {
				t.Errorf("%s(%q): host %q, scheme %q", b.name, v, req.URL.Host, req.URL.Scheme)
			}
		}
	})
}

func fuzzCheckURL(t *testing.T, name, v string, u *url.URL, prefix, suffix, query string) {
	t.Helper()
	p := u.EscapedPath()
	if !strings.HasPrefix(p, prefix) || !strings.HasSuffix(p, suffix) || len(p) < len(prefix)+len(suffix) {
		t.Fatalf("%s(%q): path %q is not under %q…%q", name, v, p, prefix, suffix)
	}
	seg := p[len(prefix) : len(p)-len(suffix)]
	if strings.Contains(seg, "/") {
		t.Fatalf("%s(%q): value spans segments: %q", name, v, seg)
	}
	if got, err := url.PathUnescape(seg); err != nil || got != v {
		t.Fatalf("%s(%q): segment %q unescapes to %q (%v)", name, v, seg, got, err)
	}
	if seg == "." || seg == ".." {
		t.Fatalf("%s(%q): a dot segment on the wire", name, v)
	}
	if u.RawQuery != query || u.Fragment != "" {
		t.Fatalf("%s(%q): query %q fragment %q, want query %q", name, v, u.RawQuery, u.Fragment, query)
	}
}

type fuzzRoundTripper func(*http.Request) (*http.Response, error)

func (f fuzzRoundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// fuzzBody holds a response body's bytes; fuzzRoundTripper serves a fresh
// reader over them for each request.
type fuzzBody []byte

func (fuzzBody) Read([]byte) (int, error) { return 0, io.EOF }
func (fuzzBody) Close() error             { return nil }

func fuzzMod(n, m int) int {
	r := n % m
	if r < 0 {
		r += m
	}
	return r
}
