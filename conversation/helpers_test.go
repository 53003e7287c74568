package conversation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"golang.org/x/oauth2"

	"github.com/ultracart-community/ultracart-go/gen/genspec"
)

// Credentials used by the tests. Every error, log line and formatted client
// is checked not to contain them.
const (
	testKey         = "sk-TESTKEY-0123456789abcdef-SECRET"
	testToken       = "tok-TESTTOKEN-fedcba9876543210-SECRET"
	testTokenPrefix = "tok-FROMSOURCE-SECRET"
	basePath        = "/rest/v2"
)

// weird is a path value that needs escaping in every way that matters: a
// space, a slash, a query and fragment marker, an escaped slash and non-ASCII.
const (
	weird        = "a b/c?#%2F é"
	weirdEscaped = "a%20b%2Fc%3F%23%252F%20%C3%A9"
)

// fastPolicy retries like the default but with tiny waits.
var fastPolicy = RetryPolicy{
	MaxAttempts:   4,
	BaseDelay:     time.Millisecond,
	MaxDelay:      4 * time.Millisecond,
	MaxRetryAfter: 5 * time.Second,
	MaxTotalWait:  5 * time.Second,
}

// recReq is what a test server saw of one request.
type recReq struct {
	Method   string
	Path     string // r.URL.EscapedPath()
	RawQuery string
	Query    url.Values
	Header   http.Header
	Body     []byte
	Host     string
}

// recorder keeps every request a test server received.
type recorder struct {
	mu   sync.Mutex
	reqs []recReq
}

func (rc *recorder) add(r *http.Request) int {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.reqs = append(rc.reqs, recReq{
		Method:   r.Method,
		Path:     r.URL.EscapedPath(),
		RawQuery: r.URL.RawQuery,
		Query:    r.URL.Query(),
		Header:   r.Header.Clone(),
		Body:     body,
		Host:     r.Host,
	})
	return len(rc.reqs)
}

func (rc *recorder) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.reqs)
}

func (rc *recorder) all() []recReq {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]recReq(nil), rc.reqs...)
}

func (rc *recorder) last(t testing.TB) recReq {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.reqs) == 0 {
		t.Fatal("server received no request")
	}
	return rc.reqs[len(rc.reqs)-1]
}

// handlerFunc answers request number n (from 1) of a test server.
type handlerFunc func(w http.ResponseWriter, r *http.Request, n int)

// newServer starts a loopback server that records each request (its body
// read in full) and then calls h.
func newServer(t testing.TB, h handlerFunc) (*httptest.Server, *recorder) {
	t.Helper()
	rc := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := rc.add(r)
		if h != nil {
			h(w, r, n)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, rc
}

// newClient returns a client for srv with the simple key, fast retries, no
// rate budget and then opts. The tests that use it test one thing each (the
// wire, decoding, retries, polling) against servers with no rate limits,
// many of them concurrently or with millisecond poll intervals; the budget
// has tests of its own (budget_test.go), and the fault tests keep it on.
func newClient(t testing.TB, srv *httptest.Server, opts ...Option) *Client {
	t.Helper()
	base := []Option{WithSimpleKey(testKey), WithBaseURL(srv.URL + basePath), WithRetryPolicy(fastPolicy), WithoutBudget()}
	c, err := NewClient(append(base, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// failOnRequest is a handler for tests where the server must see nothing.
func failOnRequest(t testing.TB) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ int) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
		w.WriteHeader(http.StatusTeapot)
	}
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func writeValue(t testing.TB, w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		t.Errorf("marshal: %v", err)
	}
	writeJSON(w, status, string(b))
}

// errorBody is an ErrorResponse as UltraCart sends it.
func errorBody(status int) string {
	return fmt.Sprintf(`{"error":{"developer_message":"dev message %[1]d","user_message":"user message %[1]d",`+
		`"error_code":"E%[1]d","more_info":"https://example.invalid/more/%[1]d","object_id":"obj-%[1]d"},`+
		`"metadata":{},"success":false}`, status)
}

// writeError answers with an ErrorResponse, UC-REST-ERROR and retryAfter (if
// not empty).
func writeError(w http.ResponseWriter, status int, retryAfter string) {
	w.Header().Set("UC-REST-ERROR", fmt.Sprintf("rest error %d", status))
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	writeJSON(w, status, errorBody(status))
}

// noSecret fails when any rendering of v contains a credential.
func noSecret(t testing.TB, v any) {
	t.Helper()
	if v == nil {
		return
	}
	var texts []string
	if err, ok := v.(error); ok {
		texts = append(texts, err.Error())
	}
	texts = append(texts, fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v), fmt.Sprintf("%s", v))
	for _, s := range texts {
		for _, secret := range []string{testKey, testToken, testTokenPrefix} {
			if strings.Contains(s, secret) {
				t.Errorf("secret %q leaked in %q", secret, s)
			}
		}
	}
}

// countingTokenSource hands out numbered tokens and counts how often it was
// asked. ttl is the tokens' lifetime (0: never expire).
type countingTokenSource struct {
	mu  sync.Mutex
	n   int
	ttl time.Duration
	err error
}

func (s *countingTokenSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	if s.err != nil {
		return nil, s.err
	}
	tok := &oauth2.Token{AccessToken: fmt.Sprintf("%s-%d", testTokenPrefix, s.n), TokenType: "Bearer"}
	if s.ttl > 0 {
		tok.Expiry = time.Now().Add(s.ttl)
	}
	return tok, nil
}

func (s *countingTokenSource) refreshes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// lockedBuffer is an io.Writer safe for concurrent use, for slog handlers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func debugLogger(buf *lockedBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func slogAtInfo(buf *lockedBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// --- samples built from the embedded OpenAPI spec ---

var specDoc = sync.OnceValues(genspec.GetSpec)

func spec(t testing.TB) *openapi3.T {
	t.Helper()
	doc, err := specDoc()
	if err != nil {
		t.Fatalf("GetSpec: %v", err)
	}
	return doc
}

// sampleJSON is a value of the named schema with every property set (those
// that would recurse into a schema already being built are left out), as
// the service would send it.
func sampleJSON(t testing.TB, schema string) []byte {
	t.Helper()
	if b, ok := samples.Load(schema); ok {
		return b.([]byte)
	}
	ref := spec(t).Components.Schemas[schema]
	if ref == nil {
		t.Fatalf("no schema %q in the spec", schema)
	}
	b, err := json.Marshal(sampleValue(schema, ref.Value, "", map[string]bool{schema: true}))
	if err != nil {
		t.Fatal(err)
	}
	samples.Store(schema, b)
	return b
}

// samples caches sampleJSON by schema name; callers must not modify the bytes.
var samples sync.Map

func sampleValue(name string, s *openapi3.Schema, prop string, stack map[string]bool) any {
	switch {
	case s.Type.Is("string"):
		if len(s.Enum) > 0 {
			return s.Enum[len(s.Enum)-1]
		}
		switch s.Format {
		case "date-time":
			return "2022-12-13T09:58:41-05:00"
		case "date":
			return "2022-12-13"
		}
		return prop + " é\"<&>"
	case s.Type.Is("integer"):
		if s.Format == "int64" {
			return int64(1671000000123)
		}
		return int32(2147483000)
	case s.Type.Is("number"):
		return json.Number("1234567.89")
	case s.Type.Is("boolean"):
		return true
	case s.Type.Is("array"):
		return []any{sampleRef(s.Items, prop, stack)}
	}
	// object
	if len(s.Properties) == 0 {
		return map[string]any{"any_key": "any value", "n": json.Number("1.5")}
	}
	out := map[string]any{}
	names := make([]string, 0, len(s.Properties))
	for p := range s.Properties {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		ref := s.Properties[p]
		if r := refName(ref); r != "" && stack[r] {
			continue
		}
		if ref.Value.Type.Is("array") && ref.Value.Items != nil {
			if r := refName(ref.Value.Items); r != "" && stack[r] {
				continue
			}
		}
		out[p] = sampleRef(ref, p, stack)
	}
	return out
}

func sampleRef(ref *openapi3.SchemaRef, prop string, stack map[string]bool) any {
	name := refName(ref)
	if name != "" {
		stack[name] = true
		defer delete(stack, name)
	}
	return sampleValue(name, ref.Value, prop, stack)
}

func refName(ref *openapi3.SchemaRef) string {
	if ref == nil || ref.Ref == "" {
		return ""
	}
	return ref.Ref[strings.LastIndex(ref.Ref, "/")+1:]
}

// generic decodes JSON with numbers kept as text.
func generic(t testing.TB, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decode %q: %v", truncate(b, 200), err)
	}
	return v
}

// jsonEqual fails unless got and want are the same JSON value.
func jsonEqual(t testing.TB, what string, got, want []byte) {
	t.Helper()
	g, w := generic(t, got), generic(t, want)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s differs:\n got: %s\nwant: %s", what, truncate(got, 2000), truncate(want, 2000))
	}
}

// marshal is json.Marshal that fails the test on error.
func marshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ctxT is a context that ends with the test, bounded so that a hang fails
// rather than blocks.
func ctxT(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func ptr[T any](v T) *T { return &v }
