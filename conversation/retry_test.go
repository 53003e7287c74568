package conversation

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
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

// 502, 503 and 504 are retried until MaxAttempts; the error is the last
// response's *APIError, reports the attempts made, in its field and text.
func TestRetry5xxStormOutlastsBudget(t *testing.T) {
	for _, status := range []int{http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			checkLeaks(t)
			srv, rc := newServer(t, statusStorm(status))
			c := newClientAt(t, srv.URL+basePath)

			start := time.Now()
			_, err := c.GetConversationCannedMessages(ctxWithin(t, 10*time.Second))
			el := time.Since(start)
			apiErr := wantAs[*APIError](t, err)
			wantIs(t, err, ErrServer)
			wantIsNot(t, err, ErrRateLimited, ErrUnsuccessful, ErrInvalidArgument)
			n := fastPolicy.MaxAttempts
			if apiErr.StatusCode != status || apiErr.Attempts != n {
				t.Errorf("status %d, Attempts %d; want %d, %d", apiErr.StatusCode, apiErr.Attempts, status, n)
			}
			if !apiErr.Temporary() {
				t.Errorf("Temporary() = false for %d", status)
			}
			// The last failure, not the first, is what the caller sees.
			last := "failure " + strconv.Itoa(n)
			if apiErr.DeveloperMessage != last || apiErr.RESTError != "upstream failure "+strconv.Itoa(n) {
				t.Errorf("DeveloperMessage %q, RESTError %q; want the last attempt's", apiErr.DeveloperMessage, apiErr.RESTError)
			}
			if apiErr.ErrorCode != "upstream" || apiErr.UserMessage == "" || apiErr.MoreInfo == "" || apiErr.ObjectID != "obj-1" {
				t.Errorf("ErrorResponse fields not kept: %+v", *apiErr)
			}
			if msg := err.Error(); !strings.Contains(msg, fmt.Sprintf("after %d attempts", n)) || !strings.Contains(msg, last) {
				t.Errorf("message %q does not report the attempts and the last failure", msg)
			}
			wantRequests(t, "server", rc.count(), n)
			t.Logf("MEASURE elapsed=%v (millisecond backoff)", el.Round(time.Millisecond))
		})
	}
}

// TestStatusesNotRetried: a 500 (only 429, 502, 503 and 504 are temporary)
// and the API's other error statuses are not retried: one attempt, the
// status's sentinel, no "attempts" in the message.
func TestStatusesNotRetried(t *testing.T) {
	for _, tc := range []struct {
		status int
		is     error
	}{
		{400, ErrBadRequest},
		{401, ErrUnauthorized},
		{404, ErrNotFound},
		{410, ErrGone},
		{500, ErrServer},
	} {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			checkLeaks(t)
			srv, rc := newServer(t, statusStorm(tc.status))
			_, err := newClientAt(t, srv.URL+basePath).GetConversationCannedMessages(ctxWithin(t, 10*time.Second))
			apiErr := wantAs[*APIError](t, err)
			wantIs(t, err, tc.is)
			wantIsNot(t, err, ErrRateLimited)
			if tc.status != 500 {
				wantIsNot(t, err, ErrServer)
			}
			if apiErr.StatusCode != tc.status || apiErr.Attempts != 1 || apiErr.Temporary() {
				t.Errorf("status %d, Attempts %d, Temporary %v; want %d, 1, false", apiErr.StatusCode, apiErr.Attempts, apiErr.Temporary(), tc.status)
			}
			if strings.Contains(err.Error(), "attempts") {
				t.Errorf("a single attempt reported as several: %v", err)
			}
			wantRequests(t, "server", rc.count(), 1)
		})
	}
}

// A storm that ends within the budget is invisible to the caller.
func TestRetry503StormRecovers(t *testing.T) {
	checkLeaks(t)
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n <= 3 {
			statusStorm(http.StatusServiceUnavailable)(w, r, n)
			return
		}
		writeJSON(w, http.StatusOK, `{"conversation_canned_messages":[],"success":true}`)
	})
	c := newClientAt(t, srv.URL+basePath)
	if _, err := c.GetConversationCannedMessages(ctxWithin(t, 10*time.Second)); err != nil {
		t.Fatalf("GetConversationCannedMessages: %v", err)
	}
	wantRequests(t, "server", rc.count(), 4)
}

// TestWithoutRetries: one attempt, whatever the failure.
func TestWithoutRetries(t *testing.T) {
	for _, status := range []int{429, 502, 503, 504} {
		srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeError(w, status, "1") })
		_, err := newClient(t, srv, WithoutRetries()).GetConversationDepartments(ctxT(t))
		apiErr := wantAs[*APIError](t, err)
		if !errors.Is(err, ErrRateLimited) && !errors.Is(err, ErrServer) {
			t.Fatalf("%d: err = %v", status, err)
		}
		if rc.count() != 1 || apiErr.Attempts != 1 {
			t.Errorf("%d: %d requests, Attempts %d", status, rc.count(), apiErr.Attempts)
		}
	}
	c, _ := NewClient(WithSimpleKey(testKey), WithBaseURL("http://"+refusedAddr(t)), WithoutRetries())
	err := c.GetAgentKeepAlive(ctxT(t))
	if te := wantAs[*TransportError](t, err); te.Attempts != 1 {
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

// TestMaxTotalWait: the sum of waits of one call stays within MaxTotalWait:
// the call stops retrying when the next wait would exceed it, before
// MaxAttempts. (How many requests that allows follows from the policy's
// planned waits, not from the clock.)
func TestMaxTotalWait(t *testing.T) {
	t.Run("backoff", func(t *testing.T) {
		srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeError(w, 503, "") })
		p := RetryPolicy{MaxAttempts: 1000, BaseDelay: 20 * time.Millisecond, MaxDelay: 20 * time.Millisecond, MaxTotalWait: 100 * time.Millisecond}
		start := time.Now()
		_, err := newClient(t, srv, WithRetryPolicy(p)).GetConversationDepartments(ctxT(t))
		t.Logf("MEASURE elapsed=%v", time.Since(start).Round(time.Millisecond))
		if !errors.Is(err, ErrServer) {
			t.Fatal(err)
		}
		// Each wait is 10..20ms, so 100ms allows 5..10 retries.
		if n := rc.count(); n < 6 || n > 11 {
			t.Errorf("%d requests, want 6..11", n)
		}
	})
	t.Run("retry_after_beyond_what_is_left", func(t *testing.T) {
		// A Retry-After longer than what is left of the budget is not waited for.
		srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeError(w, 429, "10") })
		start := time.Now()
		_, err := newClient(t, srv, WithRetryPolicy(RetryPolicy{MaxTotalWait: 500 * time.Millisecond})).GetConversationDepartments(ctxT(t))
		t.Logf("MEASURE elapsed=%v", time.Since(start).Round(time.Millisecond))
		if !errors.Is(err, ErrRateLimited) || rc.count() != 1 {
			t.Errorf("err %v after %d requests", err, rc.count())
		}
	})
	t.Run("storm_of_retry_after", func(t *testing.T) {
		// Room for one 1s wait, not two: two attempts.
		checkLeaks(t)
		srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Retry-After", "1")
			statusStorm(http.StatusServiceUnavailable)(w, r, n)
		})
		p := fastPolicy
		p.MaxAttempts = 10
		p.MaxTotalWait = 1500 * time.Millisecond
		start := time.Now()
		_, err := newClientAt(t, srv.URL+basePath, WithRetryPolicy(p)).GetConversationCannedMessages(ctxWithin(t, 10*time.Second))
		t.Logf("MEASURE elapsed=%v MaxTotalWait=%v", time.Since(start).Round(time.Millisecond), p.MaxTotalWait)
		apiErr := wantAs[*APIError](t, err)
		wantIs(t, err, ErrServer)
		if apiErr.Attempts != 2 {
			t.Errorf("Attempts = %d, want 2", apiErr.Attempts)
		}
		wantRequests(t, "server", rc.count(), 2)
	})
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

// Many goroutines sharing one client against a server that fails two
// requests in three: every call ends in success or in the typed 503 after
// the full budget, the server sees no more than the budget allows, and
// (under -race) nothing races.
func TestRetryConcurrentFlakyServer(t *testing.T) {
	checkLeaks(t)
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n%3 != 0 {
			statusStorm(http.StatusServiceUnavailable)(w, r, n)
			return
		}
		writeJSON(w, http.StatusOK, `{"conversation_canned_messages":[],"success":true}`)
	})
	c := newClientAt(t, srv.URL+basePath)
	const calls = 24
	errs := make(chan error, calls)
	var wg sync.WaitGroup
	for range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.GetConversationCannedMessages(ctxWithin(t, 10*time.Second))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err == nil {
			continue
		}
		failed++
		apiErr := wantAs[*APIError](t, err)
		if apiErr.StatusCode != 503 || apiErr.Attempts != fastPolicy.MaxAttempts {
			t.Errorf("APIError{%d, %d attempts}", apiErr.StatusCode, apiErr.Attempts)
		}
	}
	n := rc.count()
	t.Logf("MEASURE concurrent: %d calls, %d failed after the budget, %d requests", calls, failed, n)
	if n > calls*fastPolicy.MaxAttempts || n < calls {
		t.Errorf("server saw %d requests for %d calls", n, calls)
	}
}
