package conversation

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

// TestRetryAfterHonoured: a 429's Retry-After, in seconds or as an
// HTTP-date, and a 503's, is waited for before the retry, which then
// succeeds. (HTTP-dates have one-second resolution: two seconds ahead is a
// wait of more than one second and at most two.)
func TestRetryAfterHonoured(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		value  func() string
	}{
		{"429_seconds", 429, func() string { return "1" }},
		{"429_http_date", 429, func() string { return time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat) }},
		{"503_seconds", 503, func() string { return "1" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			ra := tc.value()
			srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n > 1 {
					writeJSON(w, http.StatusOK, departmentsOK)
					return
				}
				if tc.status == 429 {
					rateLimited(1, ra)(w, r, n)
					return
				}
				w.Header().Set("Retry-After", ra)
				statusStorm(tc.status)(w, r, n)
			})
			start := time.Now()
			resp, err := newClientAt(t, srv.URL+basePath).GetConversationDepartments(ctxWithin(t, 10*time.Second))
			el := time.Since(start)
			if err != nil {
				t.Fatalf("GetConversationDepartments: %v", err)
			}
			if len(resp) != 1 {
				t.Errorf("got %d departments, want 1", len(resp))
			}
			wantRequests(t, "server", rc.count(), 2)
			t.Logf("MEASURE elapsed=%v retry-after=%q", el.Round(time.Millisecond), ra)
			// The backoff alone would be a millisecond.
			if el < 900*time.Millisecond {
				t.Errorf("retried after %v, before the Retry-After %q", el, ra)
			}
		})
	}
}

// A 429 without Retry-After, or with one that cannot be read, is retried
// with the policy's backoff; a storm of them exhausts MaxAttempts and
// returns the last 429.
func TestRetryAfterAbsentOrGarbage(t *testing.T) {
	for _, ra := range []string{"", "soon", "-5", "1.5", "0x10", "Wed, 99 Foo 2022 99:99:99 GMT", "99999999999999999999999", "Retry-After: 5"} {
		t.Run(strconv.Quote(ra), func(t *testing.T) {
			checkLeaks(t)
			srv, rc := newServer(t, rateLimited(1000, ra))
			c := newClientAt(t, srv.URL+basePath)

			start := time.Now()
			_, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second))
			el := time.Since(start)
			apiErr := wantAs[*APIError](t, err)
			wantIs(t, err, ErrRateLimited)
			wantIsNot(t, err, ErrServer, ErrUnsuccessful)
			if apiErr.StatusCode != http.StatusTooManyRequests || apiErr.Attempts != fastPolicy.MaxAttempts {
				t.Errorf("status %d after %d attempts, want 429 after %d", apiErr.StatusCode, apiErr.Attempts, fastPolicy.MaxAttempts)
			}
			if apiErr.RetryAfter != 0 {
				t.Errorf("RetryAfter = %v for %q, want 0", apiErr.RetryAfter, ra)
			}
			if want := "slow down 4"; apiErr.DeveloperMessage != want {
				t.Errorf("DeveloperMessage = %q, want the last failure's %q", apiErr.DeveloperMessage, want)
			}
			if apiErr.RESTError != "Rate limit exceeded" {
				t.Errorf("RESTError = %q", apiErr.RESTError)
			}
			wantRequests(t, "server", rc.count(), fastPolicy.MaxAttempts)
			t.Logf("MEASURE elapsed=%v (millisecond backoff)", el.Round(time.Millisecond))
		})
	}
}

// TestRetryAfterNotWaited: a wait the call cannot make is not started: the
// 429 or 503 is returned at once, as an *APIError after one attempt, never
// a deadline error later. That is a Retry-After beyond the caller's
// deadline (whether or not within MaxRetryAfter) or beyond MaxRetryAfter
// (with no deadline), and a backoff beyond the deadline. A call that
// waited would end with its deadline (a *TransportError matching
// context.DeadlineExceeded), or, without one, with the cancellation of a
// context the test cancels long before a wait beyond MaxRetryAfter ends.
func TestRetryAfterNotWaited(t *testing.T) {
	for _, tc := range []struct {
		name     string
		handler  handlerFunc
		policy   RetryPolicy
		deadline time.Duration // 0: a context without a deadline
		status   int
		ra       time.Duration // the APIError's RetryAfter, at least
	}{
		{"429_beyond_deadline_within_policy", rateLimited(1000, "3"), fastPolicy, time.Second, 429, 3 * time.Second},
		{"429_beyond_deadline_and_policy", rateLimited(1000, "3600"), fastPolicy, time.Second, 429, time.Hour},
		{"429_http_date_beyond_deadline", rateLimited(1000, time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)), fastPolicy, time.Second, 429, 2 * time.Second},
		{"429_beyond_long_deadline", rateLimited(1000, "30"), RetryPolicy{MaxRetryAfter: time.Minute, MaxTotalWait: time.Hour}, 10 * time.Second, 429, 30 * time.Second},
		{"429_beyond_policy", rateLimited(1000, "120"), RetryPolicy{MaxRetryAfter: 2 * time.Second}, 0, 429, 120 * time.Second},
		{"429_a_day_beyond_policy", rateLimited(1000, "86400"), fastPolicy, 0, 429, 24 * time.Hour},
		{"503_backoff_beyond_deadline", statusStorm(503), RetryPolicy{MaxAttempts: 4, BaseDelay: 4 * time.Second, MaxDelay: 4 * time.Second, MaxRetryAfter: 5 * time.Second, MaxTotalWait: 10 * time.Second}, time.Second, 503, 0}, // jittered: 2s to 4s
		{"503_backoff_beyond_long_deadline", statusStorm(503), RetryPolicy{BaseDelay: time.Minute, MaxDelay: time.Minute, MaxTotalWait: time.Hour}, 10 * time.Second, 503, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			srv, rc := newServer(t, tc.handler)
			ctx := ctxWithin(t, tc.deadline)
			if tc.deadline == 0 {
				ctx = ctxCancelledAfter(t, 30*time.Second)
			}
			start := time.Now()
			_, err := newClientAt(t, srv.URL+basePath, WithRetryPolicy(tc.policy)).GetConversationDepartments(ctx)
			el := time.Since(start)
			apiErr := wantAs[*APIError](t, err)
			var te *TransportError
			if errors.As(err, &te) {
				t.Errorf("the call waited, and ended with its context: %v", err)
			}
			wantIsNot(t, err, context.DeadlineExceeded, context.Canceled)
			if apiErr.StatusCode != tc.status || apiErr.Attempts != 1 || apiErr.RetryAfter < tc.ra {
				t.Errorf("APIError{%d, %d attempts, RetryAfter %v}, want %d after 1, RetryAfter at least %v", apiErr.StatusCode, apiErr.Attempts, apiErr.RetryAfter, tc.status, tc.ra)
			}
			if tc.status == 429 {
				wantIs(t, err, ErrRateLimited)
			} else {
				wantIs(t, err, ErrServer)
			}
			wantRequests(t, "server", rc.count(), 1)
			t.Logf("MEASURE elapsed=%v deadline=%v retry-after=%v", el.Round(time.Millisecond), tc.deadline, apiErr.RetryAfter)
		})
	}
}

// TestRetryCanceledWhileWaiting: cancelling the context during a
// Retry-After wait ends the wait: the call returns with a *TransportError
// matching both context.Canceled and the 429 it was waiting on, after one
// attempt, long before the Retry-After would have ended.
func TestRetryCanceledWhileWaiting(t *testing.T) {
	checkLeaks(t)
	const retryAfter = 20 * time.Second
	waitOver := make(chan struct{})
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			time.AfterFunc(retryAfter, func() { close(waitOver) })
		}
		rateLimited(1000, strconv.Itoa(int(retryAfter/time.Second)))(w, r, n)
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The retry is logged just before the wait starts: cancel then.
	waiting := make(chan struct{})
	logger := slog.New(signalHandler{msg: "conversation: retrying", ch: waiting, once: new(sync.Once)})
	go func() {
		<-waiting
		cancel()
	}()
	p := fastPolicy
	p.MaxRetryAfter, p.MaxTotalWait = time.Minute, time.Minute
	start := time.Now()
	_, err := newClientAt(t, srv.URL+basePath, WithRetryPolicy(p), WithLogger(logger)).GetConversationDepartments(ctx)
	t.Logf("MEASURE elapsed=%v retry-after=%v", time.Since(start).Round(time.Millisecond), retryAfter)
	select {
	case <-waitOver:
		t.Errorf("returned only once the %v Retry-After was over: the cancellation did not end the wait", retryAfter)
	default:
	}
	te := wantAs[*TransportError](t, err)
	wantIs(t, err, context.Canceled, ErrRateLimited)
	if te.Attempts != 1 {
		t.Errorf("Attempts = %d, want 1", te.Attempts)
	}
	wantRequests(t, "server", rc.count(), 1)
}

// signalHandler is a slog.Handler that closes ch on the first record with
// message msg.
type signalHandler struct {
	msg  string
	ch   chan struct{}
	once *sync.Once
}

func (h signalHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h signalHandler) WithAttrs([]slog.Attr) slog.Handler { return h }

func (h signalHandler) WithGroup(string) slog.Handler { return h }

func (h signalHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Message == h.msg {
		h.once.Do(func() { close(h.ch) })
	}
	return nil
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
