package conversation

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestBudgetPauseBounds: what a 429's Retry-After does to the budget, as a
// client sees it. "Now" (0, or a date already past) pauses for no time; an
// absent or malformed one pauses for Pause; an absurd one (a year, a date
// in 2099) pauses for MaxPause, an hour, and a call made without a deadline
// is refused at once, for the budget's MaxWait, saying how long the wait
// would be. Every pause shows in Client.Budget.
func TestBudgetPauseBounds(t *testing.T) {
	budgetLeakCheck(t)
	past := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
	for _, tc := range []struct {
		name, retryAfter string
		pause            time.Duration // 0: none
	}{
		{"zero seconds", "0", 0},
		{"a date already past", past, 0},
		{"absent", "", 200 * time.Millisecond},
		{"malformed", "soon", 200 * time.Millisecond},
		{"a year", "31536000", MaxPause},
		{"a date in 2099", "Thu, 01 Jan 2099 00:00:00 GMT", MaxPause},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
				if n == 1 {
					writeError(w, http.StatusTooManyRequests, tc.retryAfter)
					return
				}
				w.WriteHeader(http.StatusNoContent)
			})
			c := budgetClient(t, srv, testBudgetKey(), WithoutRetries(), WithBudget(BudgetLimits{Pause: 200 * time.Millisecond}))
			if err := c.GetAgentKeepAlive(ctxT(t)); !errors.Is(err, ErrRateLimited) {
				t.Fatalf("err = %v, want the 429", err)
			}
			st := c.Budget()
			if st.Pauses != 1 {
				t.Errorf("Pauses = %d, want 1", st.Pauses)
			}
			left := time.Until(st.PausedUntil)
			switch {
			case tc.pause == 0 && !st.PausedUntil.IsZero():
				t.Errorf("paused until %v (%v from now), want no pause", st.PausedUntil, left)
			case tc.pause > 0 && (left > tc.pause || left < tc.pause-time.Minute || st.Wait < left-time.Second):
				t.Errorf("paused for %v more (Wait %v), want at most %v", left, st.Wait, tc.pause)
			}
			// A call made now, without a deadline.
			start := time.Now()
			err := c.GetAgentKeepAlive(context.Background())
			el := time.Since(start)
			switch {
			case tc.pause == 0 && err != nil:
				t.Errorf("after a 429 that said now: %v", err)
			case tc.pause == 0 && rc.count() != 2:
				t.Errorf("%d requests, want 2", rc.count())
			case tc.pause == MaxPause:
				var be *BudgetError
				if !errors.As(err, &be) || !be.Paused || be.MaxWait != DefaultMaxWait || be.Wait < MaxPause-time.Minute || be.Wait > MaxPause {
					t.Fatalf("err = %#v, want a *BudgetError for the pause, over MaxWait", err)
				}
				if msg := err.Error(); !strings.Contains(msg, "paused after a 429") || !strings.Contains(msg, "MaxWait of 10m0s") {
					t.Errorf("message %q", msg)
				}
				if rc.count() != 1 {
					t.Errorf("%d requests, want none after the 429", rc.count())
				}
				t.Logf("MEASURE refused in %v: %v", el, err)
			}
		})
	}
}

// TestFeedbackPause: the pause every Limiter of the module takes from a
// 429, table-driven over Feedback.
func TestFeedbackPause(t *testing.T) {
	l := BudgetLimits{Pause: 2 * time.Second}
	for _, tc := range []struct {
		name string
		f    Feedback
		want time.Duration
	}{
		{"success", Feedback{StatusCode: 200, RetryAfter: time.Minute}, 0},
		{"503 with Retry-After", Feedback{StatusCode: 503, RetryAfter: time.Minute, RetryAfterSet: true}, 0},
		{"429 without Retry-After", Feedback{StatusCode: 429}, 2 * time.Second},
		{"429 saying now", Feedback{StatusCode: 429, RetryAfterSet: true}, 0},
		{"429 with Retry-After", Feedback{StatusCode: 429, RetryAfter: 5 * time.Second, RetryAfterSet: true}, 5 * time.Second},
		{"429 with Retry-After, flag unset", Feedback{StatusCode: 429, RetryAfter: 5 * time.Second}, 5 * time.Second},
		{"429 with an absurd Retry-After", Feedback{StatusCode: 429, RetryAfter: 365 * 24 * time.Hour, RetryAfterSet: true}, MaxPause},
		{"429 with a negative Retry-After", Feedback{StatusCode: 429, RetryAfter: -time.Second, RetryAfterSet: true}, 0},
	} {
		if got := tc.f.Pause(l); got != tc.want {
			t.Errorf("%s: Pause = %v, want %v", tc.name, got, tc.want)
		}
	}
	// Figures not resolved: the default pause follows PerHour.
	if got := (Feedback{StatusCode: 429}).Pause(BudgetLimits{PerHour: 2000}); got != 1800*time.Millisecond {
		t.Errorf("unresolved figures: %v, want 1.8s", got)
	}
	if got := (Feedback{StatusCode: 429}).Pause(BudgetLimits{PerHour: -1}); got != 3600*time.Millisecond {
		t.Errorf("invalid figures: %v, want the default 3.6s", got)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for v, want := range map[string]bool{
		"0": true, "00": true, " 0 ": true, "1": false, "-0": false, "": false, "soon": false,
		"Sun, 01 Mar 2026 11:00:00 GMT": true, "Sun, 01 Mar 2026 12:00:00 GMT": true, "Sun, 01 Mar 2026 12:00:01 GMT": false,
	} {
		if got := retryAfterSaysNow(v, now); got != want {
			t.Errorf("retryAfterSaysNow(%q) = %t, want %t", v, got, want)
		}
	}
}

// TestBudgetPauseNeverShortened: a later 429 with a shorter Retry-After
// (or one saying now) leaves the longer pause in force; a longer one
// extends it. Without the guard in LocalLimiter.throttled the second
// release would cut the pause short.
func TestBudgetPauseNeverShortened(t *testing.T) {
	l := mustLocal(t, BudgetLimits{MaxInFlight: 3})
	rels := make([]func(Feedback), 3)
	for i := range rels {
		rel, err := l.Acquire(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		rels[i] = rel
	}
	rels[0](Feedback{StatusCode: 429, RetryAfter: 2 * time.Second, RetryAfterSet: true})
	long := l.State().PausedUntil
	rels[1](Feedback{StatusCode: 429, RetryAfter: 100 * time.Millisecond, RetryAfterSet: true})
	rels[2](Feedback{StatusCode: 429, RetryAfterSet: true}) // "now"
	st := l.State()
	if !st.PausedUntil.Equal(long) || time.Until(st.PausedUntil) < time.Second || st.Pauses != 3 {
		t.Errorf("after shorter 429s: paused until %v (%v from now), %d pauses; want %v kept", st.PausedUntil, time.Until(st.PausedUntil), st.Pauses, long)
	}
	// A caller that cannot wait for it is refused at once, for the pause.
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := l.Acquire(ctx)
	var be *BudgetError
	if !errors.As(err, &be) || !be.Paused || be.Wait < time.Second || be.MaxWait != 0 {
		t.Errorf("err = %#v, want a refusal for the 2s pause, for the deadline", err)
	}
}

// TestBudgetMaxWait: a call whose permit the budget foresees later than
// MaxWait is refused at once, whatever its deadline; one within MaxWait
// waits for it; a deadline sooner than MaxWait is the bound that counts.
func TestBudgetMaxWait(t *testing.T) {
	budgetLeakCheck(t)
	// 10 permits a second, a burst of 1: the second permit is 100 ms away.
	for _, tc := range []struct {
		name     string
		maxWait  time.Duration
		deadline time.Duration // 0: none
		granted  bool
		bound    time.Duration // the BudgetError's MaxWait
	}{
		{"MaxWait shorter than the wait, no deadline", 30 * time.Millisecond, 0, false, 30 * time.Millisecond},
		{"MaxWait shorter than the wait, a later deadline", 30 * time.Millisecond, time.Minute, false, 30 * time.Millisecond},
		{"deadline shorter than the wait and MaxWait", time.Minute, 30 * time.Millisecond, false, 0},
		{"MaxWait longer than the wait", time.Second, 0, true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := mustLocal(t, BudgetLimits{PerHour: 36000, PerDay: 864000, Burst: 1, MaxWait: tc.maxWait})
			rel, err := l.Acquire(ctxT(t))
			if err != nil {
				t.Fatal(err)
			}
			rel(Feedback{StatusCode: 200})
			ctx := context.Background()
			if tc.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.deadline)
				defer cancel()
			}
			start := time.Now()
			rel, err = l.Acquire(ctx)
			el := time.Since(start)
			if tc.granted {
				if err != nil {
					t.Fatalf("err = %v, want the permit after about 100ms", err)
				}
				rel(Feedback{StatusCode: 200})
				if el < 80*time.Millisecond {
					t.Errorf("granted after %v, before its permit", el)
				}
				return
			}
			var be *BudgetError
			if !errors.As(err, &be) || be.MaxWait != tc.bound || be.Wait < 50*time.Millisecond || be.Paused {
				t.Fatalf("err = %#v, want a *BudgetError with MaxWait %v", err, tc.bound)
			}
			if ctx.Err() != nil {
				t.Error("refused after the deadline: it slept")
			}
			want := "past the context's deadline"
			if tc.bound > 0 {
				want = "longer than the budget's MaxWait of " + tc.bound.String()
			}
			if !strings.Contains(err.Error(), want) {
				t.Errorf("message %q, want %q", err, want)
			}
			// The refused caller gave its reservation back.
			if st := l.State(); st.Waiting != 0 || st.Wait > 100*time.Millisecond {
				t.Errorf("after the refusal: %+v", st)
			}
			t.Logf("MEASURE refused in %v", el)
		})
	}
}
