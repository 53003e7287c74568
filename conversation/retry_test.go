package conversation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestRetryCountsByStatus: how many requests each status costs, for reads
// and updates (retried on 429 and 502/503/504) and for inserts (retried only
// on 429).
func TestRetryCountsByStatus(t *testing.T) {
	wantIdempotent := map[int]int{400: 1, 401: 1, 404: 1, 410: 1, 429: 4, 500: 1, 502: 4, 503: 4, 504: 4}
	wantInsert := map[int]int{400: 1, 401: 1, 404: 1, 410: 1, 429: 4, 500: 1, 502: 1, 503: 1, 504: 1}
	for _, op := range primaryOps() {
		want := wantIdempotent
		if op.insert {
			want = wantInsert
		}
		for status, n := range want {
			t.Run(fmt.Sprintf("%s/%d", op.name, status), func(t *testing.T) {
				t.Parallel()
				srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeError(w, status, "") })
				_, err := op.call(ctxT(t), t, newClient(t, srv))
				var ae *APIError
				if !errors.As(err, &ae) || ae.StatusCode != status {
					t.Fatalf("err = %v", err)
				}
				if rc.count() != n || ae.Attempts != n {
					t.Errorf("%d requests (Attempts %d), want %d", rc.count(), ae.Attempts, n)
				}
				if n > 1 && !strings.Contains(err.Error(), fmt.Sprintf("after %d attempts", n)) {
					t.Errorf("message %q does not count attempts", err)
				}
			})
		}
	}
}

// TestRetryThenSuccess: a transient failure followed by success returns the
// result, and the body is replayed identically on every attempt.
func TestRetryThenSuccess(t *testing.T) {
	for _, tc := range []struct {
		name   string
		op     string
		status int
	}{
		{"update_after_503", "updateConversationDepartment", 503},
		{"update_after_502", "updateConversationEngagement", 502},
		{"search_after_504", "searchConversationCannedMessages", 504},
		{"insert_after_429", "insertConversationDepartment", 429},
		{"start_after_429", "startConversation", 429},
		{"queue_status_after_503", "updateConversationWebchatQueueStatus", 503},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			op := findOp(t, tc.op)
			srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n <= 2 {
					writeError(w, tc.status, "")
					return
				}
				succeed(t, op)(w, r, n)
			})
			if _, err := op.call(ctxT(t), t, newClient(t, srv)); err != nil {
				t.Fatal(err)
			}
			reqs := rc.all()
			if len(reqs) != 3 {
				t.Fatalf("%d requests, want 3", len(reqs))
			}
			for i, r := range reqs {
				checkRequest(t, op, r)
				if string(r.Body) != string(reqs[0].Body) {
					t.Errorf("attempt %d body %q differs from %q", i+1, r.Body, reqs[0].Body)
				}
				if r.Header.Get("X-Ultracart-Simple-Key") != testKey {
					t.Errorf("attempt %d without the key", i+1)
				}
			}
		})
	}
}

func findOp(t testing.TB, name string) opCase {
	t.Helper()
	for _, op := range allOps() {
		if op.name == name {
			return op
		}
	}
	t.Fatalf("no op %s", name)
	return opCase{}
}

// TestRetryAfterHonoured: a 429's Retry-After, in seconds or as an HTTP-date,
// is waited for before the retry.
func TestRetryAfterHonoured(t *testing.T) {
	for _, tc := range []struct {
		name  string
		value func() string
	}{
		{"seconds", func() string { return "1" }},
		{"http_date", func() string { return time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
				if n == 1 {
					writeError(w, 429, tc.value())
					return
				}
				writeJSON(w, 200, `{"success":true}`)
			})
			start := time.Now()
			if _, err := newClient(t, srv).GetConversationDepartments(ctxT(t)); err != nil {
				t.Fatal(err)
			}
			elapsed := time.Since(start)
			if rc.count() != 2 {
				t.Errorf("%d requests", rc.count())
			}
			// The wait is about a second; the backoff alone would be ~1ms.
			if elapsed < 400*time.Millisecond || elapsed > 10*time.Second {
				t.Errorf("elapsed %v, want about the Retry-After", elapsed)
			}
		})
	}
}

// TestRetryAfterTooLong: a Retry-After beyond MaxRetryAfter, or beyond the
// context's deadline, returns the 429 at once.
func TestRetryAfterTooLong(t *testing.T) {
	t.Run("beyond_policy", func(t *testing.T) {
		t.Parallel()
		srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeError(w, 429, "120") })
		start := time.Now()
		_, err := newClient(t, srv, WithRetryPolicy(RetryPolicy{MaxRetryAfter: 2 * time.Second})).GetConversationDepartments(ctxT(t))
		var ae *APIError
		if !errors.As(err, &ae) || !errors.Is(err, ErrRateLimited) || ae.RetryAfter != 120*time.Second {
			t.Fatalf("err = %v", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v", d)
		}
		if rc.count() != 1 {
			t.Errorf("%d requests", rc.count())
		}
	})
	t.Run("beyond_deadline", func(t *testing.T) {
		t.Parallel()
		srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeError(w, 429, "30") })
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		_, err := newClient(t, srv, WithRetryPolicy(RetryPolicy{MaxRetryAfter: time.Minute, MaxTotalWait: time.Hour})).GetConversationDepartments(ctx)
		var ae *APIError
		if !errors.As(err, &ae) || !errors.Is(err, ErrRateLimited) {
			t.Fatalf("err = %v, want the 429", err)
		}
		var te *TransportError
		if errors.As(err, &te) || errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("waited for the deadline: %v", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v", d)
		}
		if rc.count() != 1 {
			t.Errorf("%d requests", rc.count())
		}
	})
	t.Run("backoff_beyond_deadline", func(t *testing.T) {
		t.Parallel()
		srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeError(w, 503, "") })
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := newClient(t, srv, WithRetryPolicy(RetryPolicy{BaseDelay: time.Minute, MaxDelay: time.Minute, MaxTotalWait: time.Hour})).GetConversationDepartments(ctx)
		if !errors.Is(err, ErrServer) || errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
		if rc.count() != 1 {
			t.Errorf("%d requests", rc.count())
		}
	})
}

// TestRetryCanceledWhileWaiting: canceling the context during a Retry-After
// wait returns promptly with context.Canceled.
func TestRetryCanceledWhileWaiting(t *testing.T) {
	t.Parallel()
	srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeError(w, 429, "20") })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The retry is logged just before the wait starts: cancel then.
	waiting := make(chan struct{})
	logger := slog.New(signalHandler{msg: "conversation: retrying", ch: waiting, once: new(sync.Once)})
	go func() {
		<-waiting
		cancel()
	}()
	start := time.Now()
	_, err := newClient(t, srv, WithRetryPolicy(RetryPolicy{MaxRetryAfter: time.Minute}), WithLogger(logger)).GetConversationDepartments(ctx)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	var te *TransportError
	if !errors.As(err, &te) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %T %v", err, err)
	}
	if !errors.Is(err, ErrRateLimited) {
		t.Errorf("the 429 that was being waited on is lost: %v", err)
	}
	if rc.count() != 1 {
		t.Errorf("%d requests", rc.count())
	}
	noSecret(t, err)
}

// TestConnectionRefusedRetried: no connection made means nothing was acted
// on, so every operation, inserts included, is retried.
func TestConnectionRefusedRetried(t *testing.T) {
	var buf lockedBuffer
	c, err := NewClient(WithSimpleKey(testKey), WithBaseURL("http://"+refusedAddr(t)+basePath),
		WithRetryPolicy(fastPolicy), WithLogger(debugLogger(&buf)), WithoutBudget())
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range primaryOps() {
		_, err := op.call(ctxT(t), t, c)
		var te *TransportError
		if !errors.As(err, &te) || te.Attempts != fastPolicy.MaxAttempts || !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("%s: err = %v (attempts %d)", op.name, err, te.Attempts)
		}
		if !strings.Contains(err.Error(), "after 4 attempts") {
			t.Errorf("message %q", err)
		}
		noSecret(t, err)
	}
	if strings.Contains(buf.String(), testKey) {
		t.Error("log contains the key")
	}
}

// TestConnectionDroppedAfterSend: a connection that dies after the request
// was sent may have been acted on: reads are retried, inserts are not.
func TestConnectionDroppedAfterSend(t *testing.T) {
	for _, op := range primaryOps() {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				conn, _, err := w.(http.Hijacker).Hijack()
				if err == nil {
					conn.Close()
				}
			})
			_, err := op.call(ctxT(t), t, newClient(t, srv))
			var te *TransportError
			if !errors.As(err, &te) {
				t.Fatalf("err = %T %v", err, err)
			}
			want := fastPolicy.MaxAttempts
			if op.insert {
				want = 1
			}
			if rc.count() != want || te.Attempts != want {
				t.Errorf("%d requests (Attempts %d), want %d", rc.count(), te.Attempts, want)
			}
		})
	}
}

// TestWithoutRetries: one attempt, whatever the failure.
func TestWithoutRetries(t *testing.T) {
	for _, status := range []int{429, 502, 503, 504} {
		srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeError(w, status, "1") })
		_, err := newClient(t, srv, WithoutRetries()).GetConversationDepartments(ctxT(t))
		if !errors.Is(err, ErrRateLimited) && !errors.Is(err, ErrServer) {
			t.Fatalf("%d: err = %v", status, err)
		}
		if rc.count() != 1 {
			t.Errorf("%d: %d requests", status, rc.count())
		}
	}
	c, _ := NewClient(WithSimpleKey(testKey), WithBaseURL("http://"+refusedAddr(t)), WithoutRetries())
	err := c.GetAgentKeepAlive(ctxT(t))
	var te *TransportError
	if !errors.As(err, &te) || te.Attempts != 1 {
		t.Errorf("refused: %v", err)
	}
	// MaxAttempts 1 is the same.
	srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeError(w, 503, "") })
	_, _ = newClient(t, srv, WithRetryPolicy(RetryPolicy{MaxAttempts: 1})).GetConversationDepartments(ctxT(t))
	if rc.count() != 1 {
		t.Errorf("MaxAttempts 1: %d requests", rc.count())
	}
}

// countingRetryer records what it is asked and retries twice.
type countingRetryer struct {
	mu       sync.Mutex
	attempts []int
	waited   []time.Duration
	errs     []error
	max      int
}

func (r *countingRetryer) RetryDelay(attempt int, waited time.Duration, err error) (time.Duration, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.attempts = append(r.attempts, attempt)
	r.waited = append(r.waited, waited)
	r.errs = append(r.errs, err)
	return 2 * time.Millisecond, attempt < r.max
}

// TestCustomRetryer: WithRetryer's Retryer decides, and is never asked about
// a failure that is unsafe to retry.
func TestCustomRetryer(t *testing.T) {
	srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeError(w, 503, "") })
	r := &countingRetryer{max: 3}
	c := newClient(t, srv, WithRetryer(r))
	_, err := c.GetConversationDepartments(ctxT(t))
	if !errors.Is(err, ErrServer) {
		t.Fatal(err)
	}
	// A 503 is safe to retry for a read, so the Retryer decides: 3 attempts.
	if rc.count() != 3 || fmt.Sprint(r.attempts) != "[1 2 3]" {
		t.Errorf("%d requests, retryer asked for attempts %v", rc.count(), r.attempts)
	}
	if r.waited[0] != 0 || r.waited[1] != 2*time.Millisecond || r.waited[2] != 4*time.Millisecond {
		t.Errorf("waited %v", r.waited)
	}
	var ae *APIError
	if !errors.As(r.errs[0], &ae) || ae.StatusCode != 503 {
		t.Errorf("retryer got %v", r.errs[0])
	}

	// An insert that failed with a 503 may have been applied: never retried,
	// and the Retryer is not even asked.
	srv2, rc2 := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeError(w, 503, "") })
	always := &countingRetryer{max: 100}
	_, err = newClient(t, srv2, WithRetryer(always)).InsertConversationEngagement(ctxT(t), &ConversationEngagement{})
	if !errors.Is(err, ErrServer) || rc2.count() != 1 || len(always.attempts) != 0 {
		t.Errorf("insert: err %v, %d requests, retryer asked %d times", err, rc2.count(), len(always.attempts))
	}
	// Nor about a 400 or a 500 of a read.
	for _, status := range []int{400, 500} {
		srv3, rc3 := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeError(w, status, "") })
		asked := &countingRetryer{max: 100}
		_, _ = newClient(t, srv3, WithRetryer(asked)).GetConversationDepartments(ctxT(t))
		if rc3.count() != 1 || len(asked.attempts) != 0 {
			t.Errorf("%d: %d requests, retryer asked %d times", status, rc3.count(), len(asked.attempts))
		}
	}
}

// TestRetryLogged: each retry is logged at debug level, without the key.
func TestRetryLogged(t *testing.T) {
	for _, am := range authModes {
		t.Run(am.name, func(t *testing.T) {
			var buf lockedBuffer
			srv, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
				if n <= 2 {
					writeError(w, 503, "")
					return
				}
				writeJSON(w, 200, `{"success":true}`)
			})
			opts, _ := am.opts()
			c := newClient(t, srv, append(opts, WithLogger(debugLogger(&buf)))...)
			if _, err := c.GetConversationDepartments(ctxT(t)); err != nil {
				t.Fatal(err)
			}
			log := buf.String()
			if n := strings.Count(log, "conversation: retrying"); n != 2 {
				t.Errorf("%d retries logged:\n%s", n, log)
			}
			for _, want := range []string{"level=DEBUG", "operation=getConversationDepartments", "attempt=1", "attempt=2", "503"} {
				if !strings.Contains(log, want) {
					t.Errorf("log lacks %q:\n%s", want, log)
				}
			}
			for _, s := range []string{testKey, testToken, testTokenPrefix} {
				if strings.Contains(log, s) {
					t.Errorf("log contains a credential:\n%s", log)
				}
			}
		})
	}
	// Info level hides them.
	var buf lockedBuffer
	srv, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeError(w, 503, "") })
	c := newClient(t, srv, WithLogger(slogAtInfo(&buf)))
	_, _ = c.GetConversationDepartments(ctxT(t))
	if buf.String() != "" {
		t.Errorf("logged at info: %s", buf.String())
	}
}

// TestMaxTotalWait: the sum of waits of one call stays within MaxTotalWait.
func TestMaxTotalWait(t *testing.T) {
	srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeError(w, 503, "") })
	p := RetryPolicy{MaxAttempts: 1000, BaseDelay: 20 * time.Millisecond, MaxDelay: 20 * time.Millisecond, MaxTotalWait: 100 * time.Millisecond}
	start := time.Now()
	_, err := newClient(t, srv, WithRetryPolicy(p)).GetConversationDepartments(ctxT(t))
	if !errors.Is(err, ErrServer) {
		t.Fatal(err)
	}
	// Each wait is 10..20ms, so 100ms allows 5..10 retries.
	if n := rc.count(); n < 6 || n > 11 {
		t.Errorf("%d requests, want 6..11", n)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}

	// A Retry-After longer than what is left of the budget is not waited for.
	srv2, rc2 := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeError(w, 429, "10") })
	start = time.Now()
	_, err = newClient(t, srv2, WithRetryPolicy(RetryPolicy{MaxTotalWait: 500 * time.Millisecond})).GetConversationDepartments(ctxT(t))
	if !errors.Is(err, ErrRateLimited) || rc2.count() != 1 {
		t.Errorf("err %v after %d requests", err, rc2.count())
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("waited %v", d)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2022, 12, 13, 14, 58, 41, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"   ", 0},
		{"0", 0},
		{"-5", 0},
		{"abc", 0},
		{"1.5", 0},
		{"1", time.Second},
		{" 30 ", 30 * time.Second},
		{"99999999999999", maxRetryAfter},
		{"Tue, 13 Dec 2022 14:58:51 GMT", 10 * time.Second},
		{"Tuesday, 13-Dec-22 14:59:41 GMT", time.Minute},
		{"Tue Dec 13 14:58:43 2022", 2 * time.Second},
		{"Tue, 13 Dec 2022 14:58:40 GMT", 0},
		{"Tue, 13 Dec 2122 14:58:40 GMT", maxRetryAfter},
		{"Tue, 13 Dec 2022 14:58:51 +0000", 0}, // not an HTTP-date
	} {
		if got := parseRetryAfter(tc.in, now); got != tc.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestRetryPolicyDelays(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 10, BaseDelay: 100 * time.Millisecond, MaxDelay: 1 * time.Second, MaxRetryAfter: 10 * time.Second, MaxTotalWait: time.Hour}
	for attempt, step := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 9: time.Second} {
		for range 50 {
			d, ok := p.RetryDelay(attempt, 0, errors.New("dial"))
			if !ok || d < step/2 || d > step {
				t.Fatalf("attempt %d: delay %v ok %v, want %v..%v", attempt, d, ok, step/2, step)
			}
		}
	}
	if _, ok := p.RetryDelay(10, 0, errors.New("x")); ok {
		t.Error("retried past MaxAttempts")
	}
	if _, ok := p.RetryDelay(1, time.Hour, errors.New("x")); ok {
		t.Error("retried past MaxTotalWait")
	}
	if d, ok := p.RetryDelay(1, 0, &APIError{StatusCode: 429, RetryAfter: 3 * time.Second}); !ok || d != 3*time.Second {
		t.Errorf("Retry-After: %v %v", d, ok)
	}
	if d, ok := p.RetryDelay(1, 0, &APIError{StatusCode: 503, RetryAfter: 2 * time.Second}); !ok || d != 2*time.Second {
		t.Errorf("503 Retry-After: %v %v", d, ok)
	}
	if _, ok := p.RetryDelay(1, 0, &APIError{StatusCode: 429, RetryAfter: 11 * time.Second}); ok {
		t.Error("waited past MaxRetryAfter")
	}
	if _, ok := p.RetryDelay(1, 0, &APIError{StatusCode: 400}); ok {
		t.Error("retried a 400")
	}
	if _, ok := p.RetryDelay(1, 0, fmt.Errorf("wrapped: %w", &APIError{StatusCode: 401})); ok {
		t.Error("retried a wrapped 401")
	}
	// Zero fields take the defaults.
	if got := (RetryPolicy{}).withDefaults(); got != DefaultRetryPolicy {
		t.Errorf("defaults %+v", got)
	}
	if d, ok := (RetryPolicy{}).RetryDelay(1, 0, errors.New("x")); !ok || d < DefaultRetryPolicy.BaseDelay/2 || d > DefaultRetryPolicy.BaseDelay {
		t.Errorf("default first delay %v", d)
	}
	// A 1ns base has no room for jitter.
	if d, ok := (RetryPolicy{BaseDelay: 1, MaxDelay: 1}).RetryDelay(1, 0, errors.New("x")); !ok || d != 1 {
		t.Errorf("tiny delay %v", d)
	}
}

func TestRetrySafe(t *testing.T) {
	ctx := context.Background()
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	for _, tc := range []struct {
		name       string
		ctx        context.Context
		idempotent bool
		err        error
		want       bool
	}{
		{"429_insert", ctx, false, &APIError{StatusCode: 429}, true},
		{"503_read", ctx, true, &APIError{StatusCode: 503}, true},
		{"503_insert", ctx, false, &APIError{StatusCode: 503}, false},
		{"500_read", ctx, true, &APIError{StatusCode: 500}, false},
		{"decode", ctx, true, &DecodeError{Err: errors.New("x")}, false},
		{"canceled_ctx", canceled, true, &APIError{StatusCode: 429}, false},
		{"deadline_err", ctx, true, context.DeadlineExceeded, false},
		{"other_read", ctx, true, errors.New("reset"), true},
		{"other_insert", ctx, false, errors.New("reset"), false},
	} {
		if got := retrySafe(tc.ctx, tc.idempotent, tc.err); got != tc.want {
			t.Errorf("%s: retrySafe = %v", tc.name, got)
		}
	}
}

// signalHandler is a slog.Handler that closes ch on the first record with
// message msg.
type signalHandler struct {
	msg  string
	ch   chan struct{}
	once *sync.Once
}

func (h signalHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h signalHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h signalHandler) WithGroup(string) slog.Handler            { return h }
func (h signalHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Message == h.msg {
		h.once.Do(func() { close(h.ch) })
	}
	return nil
}
