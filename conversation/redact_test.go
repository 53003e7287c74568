package conversation

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
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
