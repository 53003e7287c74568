package conversation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

const redactTestKey = "test-redact-key/do+not&use<3>"

// Every form a server may echo is replaced; text without one is returned
// as it is.
func TestRedactorForms(t *testing.T) {
	r := newRedactor(redactTestKey)
	for _, form := range []string{
		redactTestKey,
		`test-redact-key/do+not\u0026use\u003c3\u003e`, // Go's JSON
		`test-redact-key\/do+not&use<3>`,               // JSON with "\/"
		url.QueryEscape(redactTestKey),
		strings.ToLower(url.QueryEscape(redactTestKey)),
		url.PathEscape(redactTestKey),
		"test-redact-key/do+not&amp;use&lt;3&gt;", // HTML
	} {
		in := "before " + form + " after"
		if got := r.string(in); got != "before [redacted] after" {
			t.Errorf("%q -> %q", in, got)
		}
		if got := r.bytes([]byte(in)); string(got) != "before [redacted] after" {
			t.Errorf("bytes %q -> %q", in, got)
		}
	}
	clean := []byte("nothing to see: test-redact-key alone is not the key")
	if got := r.bytes(clean); &got[0] != &clean[0] {
		t.Error("a clean body was copied")
	}
	h := http.Header{"Content-Type": {"application/json"}}
	if got := r.header(h); fmt.Sprintf("%p", got) != fmt.Sprintf("%p", h) {
		t.Error("a clean header was copied")
	}
	h.Set("X-Echo", "k="+redactTestKey)
	if got := r.header(h); got.Get("X-Echo") != "k=[redacted]" || h.Get("X-Echo") != "k="+redactTestKey {
		t.Errorf("header: scrubbed %v, original %v", got, h)
	}
	var none *redactor
	if none.string("x") != "x" || none.error(errors.New("x")).Error() != "x" || newRedactor("") != nil {
		t.Error("a nil redactor changed something")
	}
}

// A credential across the 4 KiB cut of a kept body is cut off whole.
func TestRedactorSnippetCut(t *testing.T) {
	r := newRedactor(redactTestKey)
	for _, at := range []int{maxErrorBody - len(redactTestKey), maxErrorBody - 20, maxErrorBody - 1, maxErrorBody} {
		body := append(bytes.Repeat([]byte("x"), at), redactTestKey+" tail"...)
		body = append(body, bytes.Repeat([]byte("y"), 100)...)
		s := r.snippet(body)
		if len(s) > maxErrorBody || bytes.Contains(s, []byte("test-re")) {
			t.Errorf("at %d: %d bytes ending %q", at, len(s), s[max(0, len(s)-20):])
		}
	}
	if s := r.snippet([]byte("short")); string(s) != "short" {
		t.Errorf("short body: %q", s)
	}
}

// An error whose text held a credential prints the marker instead, still
// matches its causes with errors.Is, and errors.As finds no error in it
// whose text would show the credential.
func TestRedactedError(t *testing.T) {
	r := newRedactor(redactTestKey)
	op := &net.OpError{Op: "read", Net: "tcp", Err: context.DeadlineExceeded}
	cause := &url.Error{Op: "Get", URL: "http://127.0.0.1/x", Err: fmt.Errorf("malformed %q: %w", redactTestKey, op)}
	err := r.error(cause)
	if strings.Contains(err.Error(), redactTestKey) || !strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("Error() = %q", err)
	}
	if s := fmt.Sprintf("%#v", err); strings.Contains(s, "do+not") {
		t.Errorf("%%#v = %s", s)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Error("errors.Is lost the cause")
	}
	var ue *url.Error
	if errors.As(err, &ue) || ue != nil {
		t.Errorf("errors.As found the *url.Error that prints the credential: %v", ue)
	}
	var found *net.OpError
	if !errors.As(err, &found) || found != op {
		t.Error("errors.As did not find the clean *net.OpError")
	}
	if clean := errors.New("clean"); r.error(clean) != clean {
		t.Error("a clean error was replaced")
	}
}

// Scrubbing a clean 4 KiB error body allocates nothing.
func TestRedactorCleanAllocs(t *testing.T) {
	r := newRedactor(redactTestKey)
	body := bytes.Repeat([]byte(`{"error":{"developer_message":"nope"}} `), 100)
	if n := testing.AllocsPerRun(100, func() { _ = r.bytes(body); _ = r.string("rest error 503") }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}

// BenchmarkRedactClean is the cost on an error path where no credential
// appears: a 4 KiB body searched for each form of a key.
func BenchmarkRedactClean(b *testing.B) {
	r := newRedactor(redactTestKey)
	body := bytes.Repeat([]byte(`{"error":{"developer_message":"nope"}} `), 110)[:maxErrorBody]
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		_ = r.bytes(body)
	}
}

// FuzzRedactor: whatever surrounds a credential, in whichever form, the
// scrubbed text and kept snippet hold no form of it; text without one is
// left as it is.
func FuzzRedactor(f *testing.F) {
	f.Add([]byte("before "), uint8(0), []byte(" after"), uint16(0))
	f.Add([]byte(`{"m":"`), uint8(2), []byte(`"}`), uint16(4090))
	f.Add([]byte("x"), uint8(5), []byte("%"), uint16(4095))
	f.Add([]byte("test-redact-key/do"), uint8(1), []byte("+not&use<3>"), uint16(100))
	r := newRedactor(redactTestKey)
	f.Fuzz(func(t *testing.T, before []byte, form uint8, after []byte, pad uint16) {
		needle := r.needles[int(form)%len(r.needles)]
		body := append(append(append(bytes.Repeat([]byte{' '}, int(pad)%(maxErrorBody+64)), before...), needle...), after...)
		for what, out := range map[string][]byte{"bytes": r.bytes(bytes.Clone(body)), "snippet": r.snippet(body)} {
			if r.hitBytes(out) {
				t.Fatalf("%s: a credential left in %q", what, out)
			}
		}
		clean := append(append(bytes.Repeat([]byte{' '}, int(pad)%(maxErrorBody+64)), before...), after...)
		if r.hitBytes(clean) {
			return
		}
		if got := r.bytes(clean); !bytes.Equal(got, clean) {
			t.Fatalf("clean text changed: %q -> %q", clean, got)
		}
		if got := r.snippet(clean); !bytes.Equal(got, truncate(clean, maxErrorBody)) {
			t.Fatalf("clean snippet changed")
		}
	})
}

// Credentials a hostile server echoes back. They hold characters that JSON,
// URLs and HTML escape, so that each escaped form differs from the raw one.
const (
	echoKey   = "test-echo-key/do+not&use<1>"
	echoToken = "test-echo-token/do+not&use<2>"
)

// echoOracle lists the ways a server may write s back: as sent,
// JSON-escaped (Go's way, minimal, with "\/"), URL-escaped (query and path,
// either case of hex) and HTML-escaped.
func echoOracle(s string) []string {
	goJSON, _ := json.Marshal(s)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	minJSON := strings.TrimSpace(b.String())
	q, p := url.QueryEscape(s), url.PathEscape(s)
	return []string{
		s, html.EscapeString(s),
		string(goJSON[1 : len(goJSON)-1]), minJSON[1 : len(minJSON)-1], strings.ReplaceAll(minJSON[1:len(minJSON)-1], "/", `\/`),
		q, strings.ToLower(q), p, strings.ToLower(p), strings.ReplaceAll(q, "+", "%20"),
	}
}

// echoCount counts the credentials (in any echoed form) in texts.
func echoCount(secret string, texts ...string) int {
	n := 0
	for _, form := range echoOracle(secret) {
		for _, s := range texts {
			n += strings.Count(s, form)
		}
	}
	return n
}

// echoTexts is everything err prints and carries: Error() and every
// fmt verb, and each field of an *APIError or *DecodeError in it.
func echoTexts(err error) []string {
	if err == nil {
		return nil
	}
	texts := []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%s", err), fmt.Sprintf("%q", err)}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		texts = append(texts, apiErr.DeveloperMessage, apiErr.UserMessage, apiErr.MoreInfo, apiErr.ObjectID,
			apiErr.ErrorCode, apiErr.RESTError, string(apiErr.Body), fmt.Sprintf("%#v", *apiErr))
		for k, vs := range apiErr.Header {
			texts = append(texts, k)
			texts = append(texts, vs...)
		}
	}
	var decErr *DecodeError
	if errors.As(err, &decErr) {
		texts = append(texts, string(decErr.Snippet), decErr.ContentType, fmt.Sprintf("%#v", *decErr))
		if decErr.Err != nil {
			texts = append(texts, decErr.Err.Error())
		}
	}
	// Every error in the chain prints clean, not only the outer one.
	for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
		texts = append(texts, e.Error())
	}
	return texts
}

// echoTally sums what the echo checks of one TestRedactEchoedCredentials
// run looked at and found.
type echoTally struct {
	mu            sync.Mutex
	checks, found int
}

// check fails the test for each credential form found in texts, and counts
// them.
func (e *echoTally) check(t *testing.T, what, secret string, texts ...string) {
	t.Helper()
	n := echoCount(secret, texts...)
	e.mu.Lock()
	e.checks += len(texts)
	e.found += n
	e.mu.Unlock()
	t.Logf("MEASURE credentials-found[%s]=%d in %d texts", what, n, len(texts))
	if n > 0 {
		for _, s := range texts {
			if echoCount(secret, s) > 0 {
				t.Errorf("%s: a credential in %q", what, s)
			}
		}
	}
}

// echoErrorResponse answers with an ErrorResponse whose every field,
// the UC-REST-ERROR header and other headers repeat secret, raw and
// escaped.
func echoErrorResponse(w http.ResponseWriter, status int, secret string) {
	body, _ := json.Marshal(map[string]any{
		"error": map[string]any{
			"developer_message": "invalid key " + secret,
			"user_message":      "key=" + url.QueryEscape(secret),
			"error_code":        secret,
			"more_info":         "https://example.invalid/more?key=" + url.QueryEscape(secret) + "&p=" + url.PathEscape(secret),
			"object_id":         secret,
		},
		"success": false,
	})
	// Also unescaped and with "\/", as other JSON encoders write it, and
	// HTML-escaped.
	minimal := strings.ReplaceAll(secret, "/", `\/`)
	body = append(body[:len(body)-1], []byte(`,"echo":"`+secret+`","echo2":"`+minimal+`","echo3":"`+html.EscapeString(secret)+`"}`)...)
	w.Header().Set("UC-REST-ERROR", "invalid credentials: "+secret)
	w.Header().Set("X-Echo", secret)
	w.Header().Add("X-Echo", url.QueryEscape(secret))
	w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", token="`+secret+`"`)
	writeJSON(w, status, string(body))
}

// A 401 whose body, UC-REST-ERROR and other headers repeat the simple key:
// no rendering of the error and none of its fields holds it. Before, the
// key was in Error(), every %v form and every field.
func echoedKey401(t *testing.T, tally *echoTally) {
	checkLeaks(t)
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		echoErrorResponse(w, 401, r.Header.Get("X-Ultracart-Simple-Key"))
	})
	c := newClientAt(t, srv.URL+basePath, WithSimpleKey(echoKey))
	_, err := c.GetConversationDepartments(ctxWithin(t, 5*time.Second))
	apiErr := wantAs[*APIError](t, err)
	wantIs(t, err, ErrUnauthorized)
	tally.check(t, "401", echoKey, echoTexts(err)...)
	// What is not a credential is kept, with the marker in its place.
	if !strings.Contains(apiErr.DeveloperMessage, "invalid key [redacted]") || apiErr.RESTError != "invalid credentials: [redacted]" ||
		apiErr.Header.Get("Content-Type") != "application/json" || !bytes.HasPrefix(apiErr.Body, []byte(`{"error":`)) {
		t.Errorf("scrubbed too much: %q, %q, %v, %q", apiErr.DeveloperMessage, apiErr.RESTError, apiErr.Header, apiErr.Body)
	}
	wantRequests(t, "server", rc.count(), 1)
}

// The same for a bearer token and for a token source's current token, echoed
// from the Authorization header.
func echoedToken(t *testing.T, tally *echoTally) {
	checkLeaks(t)
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		echoErrorResponse(w, 401, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	})
	for name, opt := range map[string]Option{
		"bearer": WithBearerToken(echoToken),
		"token_source": WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{
			AccessToken: echoToken, Expiry: time.Now().Add(time.Hour)})),
	} {
		c := newClientAt(t, srv.URL+basePath, opt)
		_, err := c.GetConversationDepartments(ctxWithin(t, 5*time.Second))
		wantAs[*APIError](t, err)
		tally.check(t, name, echoToken, echoTexts(err)...)
	}
}

// A 503 storm echoing the key, with a debug logger: neither the retries'
// log lines nor the final error hold it.
func echoedKeyInRetryLog(t *testing.T, tally *echoTally) {
	checkLeaks(t)
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		echoErrorResponse(w, 503, r.Header.Get("X-Ultracart-Simple-Key"))
	})
	var log lockedBuffer
	logger := debugLogger(&log)
	c := newClientAt(t, srv.URL+basePath, WithSimpleKey(echoKey), WithLogger(logger))
	_, err := c.GetConversationDepartments(ctxWithin(t, 5*time.Second))
	wantAs[*APIError](t, err)
	logged := log.String()
	if strings.Count(logged, "conversation: retrying") != fastPolicy.MaxAttempts-1 {
		t.Errorf("log:\n%s", logged)
	}
	tally.check(t, "retry log", echoKey, logged)
	tally.check(t, "503 error", echoKey, echoTexts(err)...)
}

// Undecodable 2xx bodies and long error bodies echoing the key, including
// one where the 4 KiB cut of Snippet or Body falls inside the key: not even
// the start of the key is kept.
func echoedKeyInBodies(t *testing.T, tally *echoTally) {
	checkLeaks(t)
	for _, tc := range []struct {
		name   string
		status int
		body   func(key string) string
	}{
		{"2xx_not_json", 200, func(k string) string { return "<html>invalid key " + k + " " + html.EscapeString(k) + "</html>" }},
		{"2xx_wrong_type", 200, func(k string) string { return `{"conversation_departments":"` + k + `","success":true}` }},
		{"2xx_cut_inside_key", 200, func(k string) string { return strings.Repeat("x", 4096-7) + k + " and more" }},
		{"4xx_cut_inside_key", 400, func(k string) string { return strings.Repeat(" ", 4096-3) + k + strings.Repeat(" ", 100) }},
		{"4xx_cut_inside_escaped_key", 400, func(k string) string {
			return strings.Repeat(" ", 4096-12) + url.QueryEscape(k) + strings.Repeat(" ", 100)
		}},
		{"2xx_success_false_long", 200, func(k string) string {
			return `{"success":false,"error":{"developer_message":"` + k + `"},"pad":"` + strings.Repeat("p", 4096-80) + k + `"}`
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Content-Type", "text/html; key="+url.QueryEscape(r.Header.Get("X-Ultracart-Simple-Key")))
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body(r.Header.Get("X-Ultracart-Simple-Key"))))
			})
			c := newClientAt(t, srv.URL+basePath, WithSimpleKey(echoKey))
			_, err := c.GetConversationDepartments(ctxWithin(t, 5*time.Second))
			if err == nil {
				t.Fatal("no error")
			}
			texts := echoTexts(err)
			tally.check(t, tc.name, echoKey, texts...)
			for _, s := range texts {
				for _, form := range echoOracle(echoKey) {
					if strings.Contains(s, form[:10]) {
						t.Errorf("the start of a credential %q in %q", form[:10], s)
					}
					for l := 4; l < len(form); l++ { // cut off at the end of a field
						if strings.HasSuffix(s, form[:l]) {
							t.Errorf("%q ends with the start of a credential", s)
						}
					}
				}
			}
		})
	}
}

// A malformed response whose status line is the key: net/http quotes it in
// its error, which is retried like any broken response. Neither the
// *TransportError nor the retry log holds the key, and errors.Is still
// finds what the cause matches.
func echoedKeyInTransportError(t *testing.T, tally *echoTally) {
	checkLeaks(t)
	srv := newRawServer(t, func(c *rawConn) {
		req, _, err := c.readRequest()
		if err != nil {
			return
		}
		c.writeString("HTTP/1.1 " + req.Header.Get("X-Ultracart-Simple-Key") + "\r\n\r\n")
	})
	var log lockedBuffer
	logger := debugLogger(&log)
	c := newClientAt(t, srv.Base(), WithSimpleKey(echoKey), WithLogger(logger))
	_, err := c.GetConversationDepartments(ctxWithin(t, 5*time.Second))
	te := wantAs[*TransportError](t, err)
	if te.Attempts != fastPolicy.MaxAttempts || !strings.Contains(err.Error(), "malformed HTTP status code") ||
		!strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("Attempts %d, %v", te.Attempts, err)
	}
	// errors.As finds no error whose text would show the key.
	var ue *url.Error
	if errors.As(err, &ue) {
		tally.check(t, "url.Error found by errors.As", echoKey, ue.Error())
	}
	logged := log.String()
	tally.check(t, "transport error", echoKey, echoTexts(err)...)
	tally.check(t, "transport retry log", echoKey, logged)
	wantRequests(t, "server", int(srv.requests.Load()), fastPolicy.MaxAttempts)
}

// TestRedactEchoedCredentials: a hostile server echoes the credential back
// in every way it can; no rendering of the error the caller gets, none of
// its fields and no line of the retry log holds it. The total over the
// cases is logged, and the test fails if any was found or if nothing was
// checked.
func TestRedactEchoedCredentials(t *testing.T) {
	tally := &echoTally{}
	for _, tc := range []struct {
		name string
		run  func(*testing.T, *echoTally)
	}{
		{"key_in_401", echoedKey401},
		{"token_in_401", echoedToken},
		{"key_in_retry_log", echoedKeyInRetryLog},
		{"key_in_bodies", echoedKeyInBodies},
		{"key_in_transport_error", echoedKeyInTransportError},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, tally) })
	}
	tally.mu.Lock()
	defer tally.mu.Unlock()
	t.Logf("MEASURE credentials-found-total=%d in %d texts checked", tally.found, tally.checks)
	if tally.found != 0 || tally.checks == 0 {
		t.Errorf("%d credentials found in %d texts checked", tally.found, tally.checks)
	}
}
