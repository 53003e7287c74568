// Where the tests of this package live, for a newcomer:
//
//   - x_test.go tests x.go, as in go-github: request_test.go tests
//     request.go, retry_test.go retry.go, tokens_test.go tokens.go,
//     auth_test.go auth.go (the credentials and the redirect guard),
//     upload_test.go upload.go, and so on. A unit with many tests splits
//     them by aspect into x_aspect_test.go, which sorts beside it
//     (retry_after_test.go and retry_safe_test.go beside retry_test.go,
//     request_conn_test.go, follow_ties_test.go, list_walk_test.go).
//   - What a broken or hostile service can do (resets, trickles, storms,
//     echoed credentials, hostile path values) is tested with the unit that
//     must survive it, with this one harness: helpers_test.go (credentials,
//     recording servers, clients, assertions, samples built from the spec)
//     and helpers_raw_test.go (a raw TCP server for faults below HTTP, a
//     counting dialer; refusedAddr in helpers_refused_*_test.go).
//   - Package conversation_test holds what must see only the public API or
//     import packages that import this one: examples (example_*_test.go,
//     x_example_test.go), the benchmarks against the floor
//     (bench_*_test.go), the tests against the fake, conversationtest
//     (resume_test.go, modify_fake_test.go), and deps_test.go.
//   - Fuzz targets: fuzz_test.go and x_fuzz_test.go (make fuzz finds every
//     target of the module).

package conversation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"go.uber.org/goleak"
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
	Method     string
	Path       string // r.URL.EscapedPath()
	RawQuery   string
	Query      url.Values
	Header     http.Header
	Body       []byte
	Host       string
	Pattern    string            // the route matched (newRoutedServer; "" when none did)
	PathValues map[string]string // its wildcards' values, unescaped
}

// key and auth are the two credentials' headers as the server saw them.
func (r recReq) key() string  { return r.Header.Get(headerSimpleKey) }
func (r recReq) auth() string { return r.Header.Get(headerAuthorization) }

// recorder keeps every request a test server received.
type recorder struct {
	mu   sync.Mutex
	reqs []recReq
}

func (rc *recorder) add(r *http.Request) int { return rc.addRouted(r, "", nil) }

func (rc *recorder) addRouted(r *http.Request, pattern string, vals map[string]string) int {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.reqs = append(rc.reqs, recReq{
		Method:     r.Method,
		Path:       r.URL.EscapedPath(),
		RawQuery:   r.URL.RawQuery,
		Query:      r.URL.Query(),
		Header:     r.Header.Clone(),
		Body:       body,
		Host:       r.Host,
		Pattern:    pattern,
		PathValues: vals,
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

// newRoutedServer is newServer with routing: each pattern ("METHOD /a/{x}/b")
// is served by h, and the request records the pattern and wildcard values
// it matched (r.Pattern is set for h). Requests that match no pattern are
// recorded with an empty Pattern and get a 404.
//
// The router is route, not http.ServeMux: the mux cleans paths and answers
// with redirects, and does not let a wildcard match a segment that is
// exactly "%2F", which would hide what the client really sent.
func newRoutedServer(t testing.TB, patterns []string, h handlerFunc) (*httptest.Server, *recorder) {
	t.Helper()
	rc := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pattern, vals := route(patterns, r.Method, r.URL.EscapedPath())
		n := rc.addRouted(r, pattern, vals)
		if pattern == "" {
			http.NotFound(w, r)
			return
		}
		r.Pattern = pattern
		h(w, r, n)
	}))
	t.Cleanup(srv.Close)
	return srv, rc
}

// route matches a request's method and escaped path against patterns: the
// path is split at its literal slashes, a literal segment must equal the
// pattern's, a {wildcard} segment matches any one non-empty segment and is
// unescaped. When several patterns match, the one with more literal
// segments wins.
func route(patterns []string, method, escapedPath string) (string, map[string]string) {
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

// newClient returns a client for srv with the simple key, fast retries, no
// rate budget, net/http's transport as NewClient builds it, and then opts.
// The tests that use it test one thing each (the wire, decoding, retries,
// polling) against servers with no rate limits, many of them concurrently
// or with millisecond poll intervals; the budget has tests of its own
// (budget_test.go).
func newClient(t testing.TB, srv *httptest.Server, opts ...Option) *Client {
	t.Helper()
	base := []Option{WithSimpleKey(testKey), WithBaseURL(srv.URL + basePath), WithRetryPolicy(fastPolicy), WithoutBudget()}
	c, err := NewClient(append(base, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// neverBinding keeps the rate budget on in the tests that use newClientAt,
// with one request in flight as by default, but with figures that never
// bind and a short pause after a 429 without Retry-After: those tests send
// hundreds of requests and 429 storms, and test what the client does with
// each response; the budget's own figures have tests of their own.
var neverBinding = BudgetLimits{
	PerHour:    3_600_000,
	PerDay:     86_400_000,
	Burst:      10_000,
	DailyBurst: 10_000,
	Pause:      time.Millisecond,
}

// newClientAt is a client of the base URL base (any server's: an httptest
// server's srv.URL+basePath, a rawServer's Base) authenticated with testKey,
// with fastPolicy, a transport the test owns (testTransport, so that
// checkLeaks sees no keep-alive loop) and the rate budget on: a limiter of
// its own with neverBinding's figures, not the process-wide one of its key
// and host, since a test's server may get the port of an earlier test's.
// Later opts win.
func newClientAt(t *testing.T, base string, opts ...Option) *Client {
	t.Helper()
	return newClientVia(t, base, testTransport(t, nil), opts...)
}

// newClientVia is newClientAt over the transport tr.
func newClientVia(t *testing.T, base string, tr *http.Transport, opts ...Option) *Client {
	t.Helper()
	lim, err := NewLocalLimiter(neverBinding)
	if err != nil {
		t.Fatal(err)
	}
	all := []Option{
		WithSimpleKey(testKey),
		WithBaseURL(base),
		WithHTTPClient(&http.Client{Transport: tr}),
		WithRetryPolicy(fastPolicy),
		WithLimiter(lim),
	}
	c, err := NewClient(append(all, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// testTransport is a transport the test owns: its idle keep-alive
// connections are closed when the test ends, so that their read and write
// loops do not count as leaks. dial, when not nil, replaces the dialer.
func testTransport(t *testing.T, dial func(ctx context.Context, network, addr string) (net.Conn, error)) *http.Transport {
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

// checkLeaks must be the first call of a test: it registers, first and so
// to run last, a check that no goroutine started during the test is still
// running once the test's servers and client transports are closed.
// Goroutines that existed before the test (other tests' leftovers) are
// ignored, so the check is about this test only. A test that calls it never
// calls t.Parallel, since goroutines of a concurrent test would count as
// leaks.
func checkLeaks(t *testing.T) {
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

// departmentsOK is a success body of getConversationDepartments.
const departmentsOK = `{"conversation_departments":[{"conversation_department_oid":1,"department_name":"Support"}],"success":true}`

// apiErrorBody is an ErrorResponse body as UltraCart sends it, with the
// given error_code and developer_message.
func apiErrorBody(code, msg string) string {
	return fmt.Sprintf(`{"error":{"developer_message":%q,"user_message":"Something went wrong","error_code":%q,"more_info":"https://example.invalid/more","object_id":"obj-1"},"success":false}`, msg, code)
}

// statusStorm answers every request with status, a numbered ErrorResponse
// body and a UC-REST-ERROR header, so the error can be traced to the attempt.
func statusStorm(status int) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("UC-REST-ERROR", "upstream failure "+strconv.Itoa(n))
		writeJSON(w, status, apiErrorBody("upstream", "failure "+strconv.Itoa(n)))
	}
}

// rateLimited answers the first n requests with a 429 carrying the
// Retry-After value ra ("" for none), then departmentsOK.
func rateLimited(n int, ra string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, i int) {
		if i <= n {
			if ra != "" {
				w.Header().Set("Retry-After", ra)
			}
			w.Header().Set("UC-REST-ERROR", "Rate limit exceeded")
			writeJSON(w, http.StatusTooManyRequests, apiErrorBody("rate_limit", "slow down "+strconv.Itoa(i)))
			return
		}
		writeJSON(w, http.StatusOK, departmentsOK)
	}
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

// noSecret fails when any rendering of v contains a credential, or, for an
// error holding an *APIError, any of the response headers it keeps.
func noSecret(t testing.TB, v any) {
	t.Helper()
	if v == nil {
		return
	}
	var texts []string
	if err, ok := v.(error); ok {
		texts = append(texts, err.Error())
		// The detailed types hold more than their text: check their fields too.
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			for _, vs := range apiErr.Header {
				texts = append(texts, vs...)
			}
		}
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

// wantAs asserts that err is a T (through errors.As), fails the test
// otherwise, and checks that no credential leaks in it (noSecret).
func wantAs[T error](t testing.TB, err error) T {
	t.Helper()
	var target T
	if err == nil {
		t.Fatalf("want a %T, got no error", target)
	}
	noSecret(t, err)
	if !errors.As(err, &target) {
		t.Fatalf("want a %T, got %T: %v", target, err, err)
	}
	return target
}

// wantIs asserts errors.Is(err, target) for each target.
func wantIs(t testing.TB, err error, targets ...error) {
	t.Helper()
	for _, target := range targets {
		if !errors.Is(err, target) {
			t.Errorf("errors.Is(err, %v) = false; err = %v", target, err)
		}
	}
}

// wantIsNot asserts !errors.Is(err, target) for each target.
func wantIsNot(t testing.TB, err error, targets ...error) {
	t.Helper()
	for _, target := range targets {
		if errors.Is(err, target) {
			t.Errorf("errors.Is(err, %v) = true, want false; err = %v", target, err)
		}
	}
}

// wantRequests asserts the number of requests (or connections, dials) a
// server saw, and logs it.
func wantRequests(t testing.TB, name string, got, want int) {
	t.Helper()
	t.Logf("MEASURE requests-seen[%s]=%d", name, got)
	if got != want {
		t.Errorf("%s saw %d requests, want %d", name, got, want)
	}
}

// countingTokenSource hands out numbered tokens (testTokenPrefix-n, n
// counting every call) and counts how often it was asked. ttl is the
// tokens' lifetime (0: never expire). When err is set, the first failFirst
// calls fail with it (every call when failFirst is 0).
type countingTokenSource struct {
	mu        sync.Mutex
	n         int
	ttl       time.Duration
	err       error
	failFirst int
}

func (s *countingTokenSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	if s.err != nil && (s.failFirst == 0 || s.n <= s.failFirst) {
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

// errRefresh is the failure of a token source's refresh.
var errRefresh = errors.New("token endpoint unavailable")

// tokenFunc is a TokenSource from a function.
type tokenFunc func() (*oauth2.Token, error)

func (f tokenFunc) Token() (*oauth2.Token, error) { return f() }

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
	return ctxWithin(t, 15*time.Second)
}

// ctxWithin is a context with the deadline d from now, cancelled at the end
// of the test.
func ctxWithin(t testing.TB, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func ptr[T any](v T) *T { return &v }

// logElapsed logs how long a call started at start took against the bound
// d it had (a deadline, a drain bound): a figure, not a check (wantHeld and
// the error's type are the checks).
func logElapsed(t testing.TB, start time.Time, d time.Duration) {
	t.Helper()
	t.Logf("MEASURE elapsed=%v bound=%v", time.Since(start).Round(time.Millisecond), d)
}

// ctxCancelledAfter is a context without a deadline, so that the client
// cannot see how long it has, cancelled after d: a wait the client should
// not have made then ends as a context error the test reports, not as a
// hang.
func ctxCancelledAfter(t testing.TB, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stop := time.AfterFunc(d, cancel)
	t.Cleanup(func() { stop.Stop(); cancel() })
	return ctx
}
