package conversationtest_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
)

func TestFaultRateLimited(t *testing.T) {
	srv, c, _ := setup(t)
	ctx := context.Background()
	srv.FailNext(2, conversationtest.RateLimited(1500*time.Millisecond).For("getConversations"))
	if n := srv.PendingFaults(); n != 2 {
		t.Fatalf("PendingFaults = %d", n)
	}
	// Another operation is not affected.
	if r, _ := c.GetAgentKeepAliveWithResponse(ctx); r.StatusCode() != 204 {
		t.Fatalf("keepalive: %d", r.StatusCode())
	}
	for i := 0; i < 2; i++ {
		r, err := c.GetConversationsWithResponse(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		checkError(t, r.HTTPResponse, r.Body, http.StatusTooManyRequests)
		if ra := r.HTTPResponse.Header.Get("Retry-After"); ra != "2" {
			t.Errorf("Retry-After = %q, want 2 (rounded up)", ra)
		}
		if r.JSON429 == nil || r.Headers429 == nil || deref(r.Headers429.RetryAfter) != "2" {
			t.Errorf("generated client did not decode the 429: %+v", r.Headers429)
		}
	}
	if r, _ := c.GetConversationsWithResponse(ctx, nil); r.StatusCode() != 200 {
		t.Fatalf("after the faults: %d", r.StatusCode())
	}
	if n := srv.RequestCount("GetConversations"); n != 3 {
		t.Errorf("RequestCount = %d, want 3", n)
	}
	if n := srv.PendingFaults(); n != 0 {
		t.Errorf("PendingFaults = %d", n)
	}
}

func TestFaultServerErrors(t *testing.T) {
	srv, c, _ := setup(t)
	ctx := context.Background()
	for _, status := range []int{500, 502, 503, 504, 410} {
		srv.FailNext(1, conversationtest.HTTPStatus(status))
		resp, body := rawRequest(t, "GET", srv.URL+"/conversation/departments", srv.Key, "")
		er := checkError(t, resp, body, status)
		if deref(er.Error.ErrorCode) != strconv.Itoa(status) {
			t.Errorf("error_code = %q", deref(er.Error.ErrorCode))
		}
	}
	// Custom message and Retry-After on any status; queued in order.
	srv.FailNext(1, conversationtest.Fault{Status: 503, RetryAfter: "Wed, 21 Oct 2015 07:28:00 GMT", Message: "maintenance"})
	srv.FailNext(1, conversationtest.HTTPStatus(500))
	r, _ := c.GetConversationEngagementsWithResponse(ctx)
	if r.StatusCode() != 503 || r.HTTPResponse.Header.Get("Retry-After") == "" || r.HTTPResponse.Header.Get("UC-REST-ERROR") != "maintenance" {
		t.Errorf("first: %d %v", r.StatusCode(), r.HTTPResponse.Header)
	}
	r, _ = c.GetConversationEngagementsWithResponse(ctx)
	if r.StatusCode() != 500 || r.JSON500 == nil {
		t.Errorf("second: %d", r.StatusCode())
	}
	// Faults come before authentication.
	srv.FailNext(1, conversationtest.HTTPStatus(502))
	resp, body := rawRequest(t, "GET", srv.URL+"/conversation/departments", "", "")
	checkError(t, resp, body, 502)
	// ClearFaults drops what is pending.
	srv.FailNext(5, conversationtest.HTTPStatus(500))
	srv.ClearFaults()
	if r, _ := c.GetConversationEngagementsWithResponse(ctx); r.StatusCode() != 200 {
		t.Errorf("after ClearFaults: %d", r.StatusCode())
	}
}

func TestFaultLatency(t *testing.T) {
	srv, c, _ := setup(t)
	srv.FailNext(1, conversationtest.Latency(300*time.Millisecond).For("getAgentKeepAlive"))

	// A client that gives up first sees its deadline...
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.GetAgentKeepAliveWithResponse(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	// ...a patient one gets the normal answer, late.
	srv.FailNext(1, conversationtest.Latency(100*time.Millisecond))
	start := time.Now()
	r, err := c.GetAgentKeepAliveWithResponse(context.Background())
	if err != nil || r.StatusCode() != 204 {
		t.Fatalf("%v %d", err, r.StatusCode())
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("answered after %v", d)
	}
	// A delayed error.
	srv.FailNext(1, conversationtest.HTTPStatus(504).WithDelay(50*time.Millisecond))
	r, _ = c.GetAgentKeepAliveWithResponse(context.Background())
	if r.StatusCode() != 504 {
		t.Errorf("status %d", r.StatusCode())
	}
}

func TestFaultDisconnect(t *testing.T) {
	srv, c, _ := setup(t)
	srv.FailNext(1, conversationtest.Disconnect().For("getConversationDepartments"))
	if _, err := c.GetConversationDepartmentsWithResponse(context.Background()); err == nil {
		t.Fatal("no error from a dropped connection")
	}
	if r, err := c.GetConversationDepartmentsWithResponse(context.Background()); err != nil || r.StatusCode() != 200 {
		t.Fatalf("after: %v", err)
	}
	// The dropped request is logged when its handler returns, which may be
	// after the client has seen the connection close and sent the next one.
	var log []conversationtest.RecordedRequest
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if log = srv.RequestLog(); len(log) == 2 {
			break
		}
	}
	slices.SortFunc(log, func(a, b conversationtest.RecordedRequest) int { return a.Status - b.Status })
	if len(log) != 2 || log[0].Status != 0 || log[1].Status != 200 || log[0].Operation != "getConversationDepartments" {
		t.Errorf("log = %+v", log)
	}
}

// A Close while a delay is in progress ends it instead of hanging.
func TestFaultDelayEndsOnClose(t *testing.T) {
	srv, err := conversationtest.New()
	if err != nil {
		t.Fatal(err)
	}
	srv.FailNext(1, conversationtest.Latency(time.Hour))
	req, _ := http.NewRequest("GET", "/rest/v2/conversation/agent/keepalive", nil)
	req.Header.Set("x-ultracart-simple-key", srv.Key)
	rec := newRecorder()
	done := make(chan struct{})
	go func() { srv.Handler().ServeHTTP(rec, req); close(done) }()
	time.Sleep(20 * time.Millisecond)
	srv.Close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("handler still waiting after Close")
	}
	if rec.code != http.StatusServiceUnavailable {
		t.Errorf("status %d", rec.code)
	}
}

type recorder struct {
	mu     sync.Mutex
	header http.Header
	code   int
}

func newRecorder() *recorder                    { return &recorder{header: http.Header{}} }
func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *recorder) WriteHeader(code int)        { r.mu.Lock(); r.code = code; r.mu.Unlock() }

// fakeTB records what FailNext and RequestCount report.
type fakeTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, format)
}
func (f *fakeTB) Fatalf(format string, args ...any) { f.Errorf(format, args...) }
func (f *fakeTB) Cleanup(func())                    {}

func TestFaultMisuseIsReported(t *testing.T) {
	tb := &fakeTB{TB: t}
	srv := conversationtest.NewServer(tb)
	defer srv.Close()
	srv.FailNext(1, conversationtest.HTTPStatus(500).For("getConversationz"))
	srv.FailNext(1, conversationtest.HTTPStatus(302))
	srv.FailNext(1, conversationtest.Latency(-time.Second))
	_ = srv.RequestCount("nope")
	if len(tb.errs) != 4 {
		t.Errorf("reported %d problems, want 4: %q", len(tb.errs), tb.errs)
	}
	if n := srv.PendingFaults(); n != 0 {
		t.Errorf("invalid faults were queued: %d", n)
	}
	srv.FailNext(0, conversationtest.HTTPStatus(500))
	srv.FailNext(1, conversationtest.HTTPStatus(500).For("GETCONVERSATIONMULTIMEDIAUPLOADURL"))
	if n := srv.PendingFaults(); n != 1 {
		t.Errorf("PendingFaults = %d", n)
	}
}

func TestFaultString(t *testing.T) {
	for f, want := range map[string]string{
		conversationtest.RateLimited(time.Second).For("getConversations").String(): "status 429 Retry-After 1, for getConversations",
		conversationtest.Latency(time.Second).String():                             "after 1s, answer normally",
		conversationtest.Disconnect().String():                                     "disconnect",
	} {
		if f != want {
			t.Errorf("String() = %q, want %q", f, want)
		}
	}
}
