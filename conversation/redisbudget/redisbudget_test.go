package redisbudget_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/redisbudget"
)

// testKey is the simple key of the tests' clients: obviously fake.
const testKey = "sk-REDISBUDGET-TEST-not-a-real-key"

// tenPerSecond is a budget small enough to bind within a test: 10 requests
// a second after a burst of 3, and a daily bucket that never binds.
var tenPerSecond = conversation.BudgetLimits{PerHour: 36000, PerDay: 36000 * 24 * 10, Burst: 3, DailyBurst: 100000}

// names numbers budget names, so that tests (and -count runs) never share one.
var names atomic.Int64

func budgetName(t *testing.T) string {
	return fmt.Sprintf("test-%d-%d-%s", os.Getpid(), names.Add(1), strings.ReplaceAll(t.Name(), "/", "-"))
}

func newLimiter(t *testing.T, rdb redis.UniversalClient, o redisbudget.Options) *redisbudget.Limiter {
	t.Helper()
	l, err := redisbudget.New(rdb, o)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func leakCheck(t *testing.T) {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() {
		if err := goleak.Find(ignore); err != nil {
			t.Errorf("goroutines left after the test: %v", err)
		}
	})
}

// apiServer answers 204, records each request's arrival and the most
// requests it had at once.
type apiServer struct {
	*httptest.Server
	cur, top atomic.Int32
	mu       sync.Mutex
	arrivals []time.Time
}

func newAPIServer(t *testing.T) *apiServer {
	t.Helper()
	s := &apiServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n := s.cur.Add(1)
		defer s.cur.Add(-1)
		for {
			top := s.top.Load()
			if n <= top || s.top.CompareAndSwap(top, n) {
				break
			}
		}
		s.mu.Lock()
		s.arrivals = append(s.arrivals, time.Now())
		s.mu.Unlock()
		time.Sleep(2 * time.Millisecond) // widen the window for an overlap
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *apiServer) times() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.arrivals...)
}

// checkWithinBudget checks that the k-th request arrived no sooner than its
// permit could exist: k ≤ burst + rate × (arrival - start), the buckets
// being full at start.
func checkWithinBudget(t *testing.T, times []time.Time, start time.Time, l conversation.BudgetLimits) {
	t.Helper()
	rate := float64(l.PerHour) / 3600
	for k, at := range times {
		if bound := float64(l.Burst) + rate*at.Sub(start).Seconds(); float64(k+1) > bound+1e-9 {
			t.Errorf("request %d arrived %v after the start: over the budget's %.2f", k+1, at.Sub(start).Round(time.Millisecond), bound)
		}
	}
}

// client is a conversation client of srv taking its permits from l.
func client(t *testing.T, srv string, l conversation.Limiter) *conversation.Client {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := conversation.NewClient(conversation.WithSimpleKey(testKey), conversation.WithBaseURL(srv+"/rest/v2"),
		conversation.WithHTTPClient(&http.Client{Transport: tr}), conversation.WithLimiter(l))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// hammer calls GetAgentKeepAlive from each client on goroutines until ctx ends.
func hammer(ctx context.Context, clients []*conversation.Client, goroutines int) (calls, refused int64, errs []error) {
	var n, r atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			c := clients[g%len(clients)]
			for ctx.Err() == nil {
				err := c.GetAgentKeepAlive(ctx)
				switch {
				case err == nil:
					n.Add(1)
				case errors.Is(err, conversation.ErrBudgetExhausted):
					r.Add(1)
					return // the next permit comes after the deadline
				case ctx.Err() == nil:
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return n.Load(), r.Load(), errs
}

// TestSharedAcrossLimiters: two Limiters of one name (two processes, as
// far as Redis can tell) with four goroutines each: the server never has
// two requests at once, and they stay within the budget together.
func TestSharedAcrossLimiters(t *testing.T) {
	rdb := requireRedis(t)
	leakCheck(t)
	srv := newAPIServer(t)
	name := budgetName(t)
	a := newLimiter(t, rdb, redisbudget.Options{Name: name, Limits: tenPerSecond})
	b := newLimiter(t, rdb, redisbudget.Options{Name: name, Limits: tenPerSecond})
	ctx, cancel := context.WithTimeout(context.Background(), 800*time.Millisecond)
	defer cancel()
	start := time.Now()
	calls, refused, errs := hammer(ctx, []*conversation.Client{client(t, srv.URL, a), client(t, srv.URL, b)}, 8)
	for _, err := range errs {
		t.Error(err)
	}
	times := srv.times()
	checkWithinBudget(t, times, start, tenPerSecond)
	if top := srv.top.Load(); top != 1 {
		t.Errorf("the server had %d requests at once, want 1", top)
	}
	if len(times) < tenPerSecond.Burst {
		t.Errorf("%d requests: the budget was not used", len(times))
	}
	// a's state after an exchange with Redis: what the two spent together,
	// refilled since at 10 a second. (Right after the hammer, not a moment
	// later: a's last exchange may be from well before its end, and the
	// buckets refill while a stalled machine gets to the check.)
	asked := time.Now()
	rel, err := acquireWithin(t, waitCtx(t), a, 20*time.Millisecond)
	left := 1 // refused: less than a permit left
	if err == nil {
		rel(ok200) // granted: the buckets refilled meanwhile, and a took a permit
		left = tenPerSecond.Burst - 1
	}
	st := a.State()
	if left += int(10 * time.Since(asked).Seconds()); st.Limits.PerHour != 36000 || st.InFlight != 0 || st.Waiting != 0 || st.HourLeft > left {
		t.Errorf("state %+v, want at most %d permits left", st, left)
	}
	t.Logf("MEASURE %d requests (%d calls) in %v by two limiters, bound %.1f; %d refused at once near the deadline; at most %d in flight",
		len(times), calls, time.Since(start).Round(time.Millisecond), 3+10*time.Since(start).Seconds(), refused, srv.top.Load())
}

// The helper process: a program of its own that shares the budget through
// Redis. TestTwoProcesses runs two of it.
const helperEnv = "REDISBUDGET_TEST_HELPER"

func helperProcess() int {
	get := func(k string) string { return os.Getenv(helperEnv + "_" + k) }
	if os.Getenv(helperEnv) == "fleet" {
		return fleetProcess(get)
	}
	ms, _ := strconv.Atoi(get("MS"))
	rdb := redis.NewClient(&redis.Options{Addr: get("REDIS")})
	defer rdb.Close()
	l, err := redisbudget.New(rdb, redisbudget.Options{Name: get("NAME"), Limits: tenPerSecond})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	c, err := conversation.NewClient(conversation.WithSimpleKey(testKey), conversation.WithBaseURL(get("URL")+"/rest/v2"),
		conversation.WithLimiter(l))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(ms)*time.Millisecond)
	defer cancel()
	calls, refused, errs := hammer(ctx, []*conversation.Client{c}, 3)
	for _, err := range errs {
		fmt.Fprintln(os.Stderr, err)
	}
	fmt.Printf("calls=%d refused=%d\n", calls, refused)
	if len(errs) > 0 {
		return 1
	}
	return 0
}

// TestTwoProcesses: two OS processes, each with its own client and
// Limiter, share one Redis budget and together stay within it, one request
// at a time.
func TestTwoProcesses(t *testing.T) {
	requireRedis(t)
	srv := newAPIServer(t)
	name := budgetName(t)
	start := time.Now()
	var wg sync.WaitGroup
	outs := make([]bytes.Buffer, 2)
	for i := range 2 {
		cmd := startHelper(t, append(os.Environ(), helperEnv+"=1", helperEnv+"_REDIS="+redisAddr, helperEnv+"_NAME="+name,
			helperEnv+"_URL="+srv.URL, helperEnv+"_MS=1200"), &outs[i])
		wg.Go(func() {
			if err := cmd.Wait(); err != nil {
				t.Errorf("process %d: %v\n%s", i, err, outs[i].String())
			}
		})
	}
	wg.Wait()
	el := time.Since(start)
	times := srv.times()
	checkWithinBudget(t, times, start, tenPerSecond)
	if top := srv.top.Load(); top != 1 {
		t.Errorf("the server had %d requests at once, want 1", top)
	}
	for i := range outs {
		if !strings.Contains(outs[i].String(), "calls=") || strings.Contains(outs[i].String(), "calls=0 ") {
			t.Errorf("process %d made no call: %s", i, outs[i].String())
		}
	}
	t.Logf("MEASURE two processes: %d requests in %v, budget bound %.1f, at most %d in flight; %s / %s",
		len(times), el.Round(time.Millisecond), 3+10*el.Seconds(), srv.top.Load(),
		strings.TrimSpace(outs[0].String()), strings.TrimSpace(outs[1].String()))
}

// TestFailsFastPastDeadline: with the buckets empty, a call whose permit
// comes after its deadline fails at once with a *conversation.BudgetError.
func TestFailsFastPastDeadline(t *testing.T) {
	rdb := requireRedis(t)
	leakCheck(t)
	l := newLimiter(t, rdb, redisbudget.Options{Name: budgetName(t), Limits: conversation.BudgetLimits{PerHour: 60, Burst: 1}})
	rel, err := l.Acquire(waitCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	rel(conversation.Feedback{StatusCode: 200})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	_, err = l.Acquire(ctx)
	el := time.Since(start)
	var be *conversation.BudgetError
	if !errors.As(err, &be) || !errors.Is(err, conversation.ErrBudgetExhausted) || be.Paused ||
		be.Wait < 55*time.Second || be.Wait > time.Minute {
		t.Errorf("err = %#v, want a *BudgetError with a wait of about 1m", err)
	}
	if ctx.Err() != nil {
		t.Error("returned after the deadline")
	}
	t.Logf("MEASURE refusal after %v, wait %v", el, be.Wait.Round(time.Millisecond))
}

// TestPauseSharedByProcesses: a 429 seen through one Limiter pauses the
// other, for the Retry-After; with a daily-limit message it also empties
// the daily bucket.
func TestPauseSharedByProcesses(t *testing.T) {
	rdb := requireRedis(t)
	leakCheck(t)
	name := budgetName(t)
	a := newLimiter(t, rdb, redisbudget.Options{Name: name})
	b := newLimiter(t, rdb, redisbudget.Options{Name: name})
	stalls := watchStalls(t, requireRedis(t))
	rel, err := a.Acquire(waitCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	rel(conversation.Feedback{StatusCode: 429, RetryAfter: 300 * time.Millisecond, Limit: 10000, Window: 24 * time.Hour})
	if st := a.State(); st.Pauses != 1 || st.PausedUntil.IsZero() {
		t.Errorf("a: %+v", st)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	_, err = b.Acquire(ctx)
	cancel()
	var be *conversation.BudgetError
	if !errors.As(err, &be) || !be.Paused || be.Wait > 300*time.Millisecond || be.Wait < 100*time.Millisecond {
		stalls.Errorf(t, 100*time.Millisecond, "b: err = %#v, want a *BudgetError for the pause", err)
	}
	// After the pause: the daily bucket is empty, so the next permit is a
	// daily interval (8.64s) away.
	ctx, cancel = context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err = b.Acquire(ctx)
	if !errors.As(err, &be) || be.Paused || be.Wait < 7*time.Second || be.Wait > 9*time.Second {
		t.Errorf("after the pause: err = %#v, want a wait of about 8.64s for the daily bucket", err)
	}
}

// TestInFlightLock: the lock outlives its TTL while its holder runs (it is
// renewed), a dead holder's lock expires, and a release never deletes a
// lock that another owner holds.
//
// Every permit the test gets is released, expected or not: a permit left
// held is renewed for as long as the process lives, and the next wait for
// the slot would never end. (Under load, a renewal more than LockTTL*2/3
// late once let b in beside a; b's permit, dropped, then held the slot
// for ever, and the next Acquire, without a deadline, hung the package.)
func TestInFlightLock(t *testing.T) {
	rdb := requireRedis(t)
	leakCheck(t)
	ctx := waitCtx(t)
	stalls := watchStalls(t, requireRedis(t))
	name := budgetName(t)
	var late atomic.Int32
	opts := redisbudget.Options{Name: name, LockTTL: 300 * time.Millisecond, PollInterval: 5 * time.Millisecond,
		OnError: func(error) { late.Add(1) }}
	a := newLimiter(t, rdb, opts)
	b := newLimiter(t, rdb, opts)
	rel, err := a.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rel(ok200) // a no-op once released below
	// Held for two TTLs: b cannot get in, and waits until its deadline.
	bctx, cancel := context.WithTimeout(ctx, 600*time.Millisecond)
	relB, err := b.Acquire(bctx)
	cancel()
	if err == nil {
		relB(ok200)
		stalls.Errorf(t, opts.LockTTL/3, "b got the lock while a held it (%d renewals of a's lock came too late, or failed)", late.Load())
	} else if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("b while a holds the lock: %v, want the deadline", err)
	}
	if st := a.State(); st.InFlight != 1 {
		t.Errorf("a: %+v", st)
	}
	rel(ok200)
	rel(ok200) // a second release does nothing
	relB, err = b.Acquire(ctx)
	if err != nil {
		t.Fatalf("b after the release: %v", err)
	}
	relB(ok200)

	// A holder that died: its lock, never renewed, expires after its TTL.
	lockKey := redisbudget.DefaultPrefix + "{" + name + "}:inflight:0"
	if err := rdb.Set(ctx, lockKey, "dead-owner", 100*time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	relB, err = b.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	waited := time.Since(start)
	// Another owner took the lock meanwhile (ours expired): releasing ours
	// must leave theirs.
	if err := rdb.Set(ctx, lockKey, "other-owner", time.Minute).Err(); err != nil {
		relB(ok200)
		t.Fatal(err)
	}
	relB(ok200)
	if v, err := rdb.Get(ctx, lockKey).Result(); err != nil || v != "other-owner" {
		t.Errorf("after release: %q, %v; want the other owner's lock kept", v, err)
	}
	t.Logf("MEASURE a dead holder's 100ms lock held b for %v", waited.Round(time.Millisecond))
}

// TestSlotTakenWhileHeld: a holder whose slot another caller took (as
// when its renewal comes after the slot expired: its process, or Redis,
// stalled) is told so through OnError, once; it takes the slot back once
// it is free, and its release leaves another owner's slot alone.
func TestSlotTakenWhileHeld(t *testing.T) {
	rdb := requireRedis(t)
	leakCheck(t)
	ctx := waitCtx(t)
	name := budgetName(t)
	reports := make(chan error, 100)
	l := newLimiter(t, rdb, redisbudget.Options{Name: name, LockTTL: 90 * time.Millisecond, // renewed every 30 ms
		OnError: func(err error) { reports <- err }})
	rel, err := l.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rel(ok200)
	lockKey := redisbudget.DefaultPrefix + "{" + name + "}:inflight:0"
	if err := rdb.Set(ctx, lockKey, "other-owner", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-reports:
		if !strings.Contains(err.Error(), "another caller took it") {
			t.Errorf("OnError: %v, want the slot reported taken", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("OnError was never told that another caller took the slot")
	}
	time.Sleep(120 * time.Millisecond) // four more renewals
	if n := len(reports); n != 0 {
		t.Errorf("%d more reports: want the loss told once", n)
	}
	// Free again: the holder, still running, takes its slot back.
	if err := rdb.Del(ctx, lockKey).Err(); err != nil {
		t.Fatal(err)
	}
	for {
		v, err := rdb.Get(ctx, lockKey).Result()
		if err == nil && v != "other-owner" {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("the holder never took its slot back: %q, %v", v, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	rel(ok200)
	if n, err := rdb.Exists(ctx, lockKey).Result(); err != nil || n != 0 {
		t.Errorf("after the release: the slot exists (%d, %v), want it freed", n, err)
	}
}

// TestRedisDown: with Redis unreachable a call fails with the Redis error,
// or takes its permit from the Fallback.
func TestRedisDown(t *testing.T) {
	leakCheck(t)
	dead := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = dead.Close() })
	var reported atomic.Int32
	l := newLimiter(t, dead, redisbudget.Options{Name: budgetName(t)})
	ctx := waitCtx(t)
	_, err := l.Acquire(ctx)
	if err == nil || !strings.Contains(err.Error(), "redisbudget") {
		t.Errorf("err = %v, want the Redis error", err)
	}
	local, err := conversation.NewLocalLimiter(conversation.BudgetLimits{Burst: 10})
	if err != nil {
		t.Fatal(err)
	}
	l = newLimiter(t, dead, redisbudget.Options{Name: budgetName(t), Fallback: local, OnError: func(error) { reported.Add(1) }})
	rel, err := l.Acquire(ctx)
	if err != nil {
		t.Fatalf("with a fallback: %v", err)
	}
	rel(conversation.Feedback{StatusCode: 200})
	if local.State().HourLeft != 9 || reported.Load() != 1 {
		t.Errorf("fallback state %+v, %d reports", local.State(), reported.Load())
	}
}

// TestOptions: a Limiter needs a client and a name; its figures are checked
// like conversation.WithBudget's.
func TestOptions(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer rdb.Close()
	for _, tc := range []struct {
		rdb  redis.UniversalClient
		o    redisbudget.Options
		want string
	}{
		{nil, redisbudget.Options{Name: "x"}, "nil Redis client"},
		{rdb, redisbudget.Options{}, "Name is required"},
		{rdb, redisbudget.Options{Name: "x", LockTTL: -1}, "negative"},
		{rdb, redisbudget.Options{Name: "x", Limits: conversation.BudgetLimits{PerHour: -1}}, "PerHour"},
	} {
		if _, err := redisbudget.New(tc.rdb, tc.o); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.o, err, tc.want)
		}
	}
	l, err := redisbudget.New(rdb, redisbudget.Options{Name: "x", Limits: conversation.BudgetLimits{PerHour: 2000}})
	if err != nil {
		t.Fatal(err)
	}
	if st := l.State(); st.Limits.PerHour != 2000 || st.Limits.PerDay != 10000 || st.PermitsLeft != 100 {
		t.Errorf("state %+v", st)
	}
}

// TestClient: a client with a Redis budget reports it, and its poll loops
// are held to its figures.
func TestClient(t *testing.T) {
	rdb := requireRedis(t)
	srv := newAPIServer(t)
	l := newLimiter(t, rdb, redisbudget.Options{Name: budgetName(t)})
	c := client(t, srv.URL, l)
	ctx := waitCtx(t)
	if err := c.GetAgentKeepAlive(ctx); err != nil {
		t.Fatal(err)
	}
	st := c.Budget()
	if !st.Enabled || st.Limits.PerHour != 1000 || st.HourLeft != 99 || st.DayLeft != 999 {
		t.Errorf("budget %+v", st)
	}
	if err := c.RunAgentKeepAlive(ctx, time.Second, nil); !errors.Is(err, conversation.ErrInvalidArgument) {
		t.Errorf("RunAgentKeepAlive every second: %v, want refused", err)
	}
	if err := l.Reset(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestRenewalRetriedSoon: while Redis fails, a holder tries to renew its
// slot every LockTTL/9, not every LockTTL/3: a slot last renewed before
// the failure has LockTTL*2/3 left, too little for one more try to be
// enough. (A connection that died with a restarted Redis fails one try.)
func TestRenewalRetriedSoon(t *testing.T) {
	leakCheck(t) // first: its check runs after the server is stopped
	srv := newPrivateRedis(t)
	var failed atomic.Int32
	l := newLimiter(t, srv.client(), redisbudget.Options{Name: budgetName(t), LockTTL: 900 * time.Millisecond,
		OnError: func(err error) {
			if strings.Contains(err.Error(), "renewing the in-flight lock") {
				failed.Add(1)
			}
		}})
	stalls := watchStalls(t, nil)
	rel, err := l.Acquire(waitCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	defer rel(ok200)
	srv.Stop()
	time.Sleep(time.Second)
	n := failed.Load()
	srv.Start()
	// The first try fails within LockTTL/3 (300 ms), then one every 100 ms:
	// seven or more in the second; every LockTTL/3, four at most.
	if n < 5 {
		stalls.Errorf(t, 100*time.Millisecond, "%d renewals tried in a second of Redis down, want 5 or more: one every LockTTL/9 after a failure", n)
	}
	t.Logf("MEASURE %d renewals tried in a second of Redis down (LockTTL %v)", n, 900*time.Millisecond)
}

// refusingFallback is a Fallback that gives up at once with a deadline
// error, as a custom Limiter might.
type refusingFallback struct{ calls atomic.Int32 }

func (f *refusingFallback) Acquire(context.Context) (func(conversation.Feedback), error) {
	f.calls.Add(1)
	return nil, context.DeadlineExceeded
}

func (f *refusingFallback) State() conversation.BudgetState { return conversation.BudgetState{} }

// TestNoBusyLoopWhileRedisDown: with Redis unreachable, a Fallback that
// gives up at once and a PollInterval of a nanosecond, a caller still asks
// at most once per millisecond (the shortest PollInterval) until its
// context ends, instead of spinning.
func TestNoBusyLoopWhileRedisDown(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialerRetries: 1})
	defer rdb.Close()
	for _, poll := range []time.Duration{time.Nanosecond, 20 * time.Millisecond} {
		fb := &refusingFallback{}
		l, err := redisbudget.New(rdb, redisbudget.Options{Name: "busy", PollInterval: poll, Fallback: fb})
		if err != nil {
			t.Fatal(err)
		}
		const window = 200 * time.Millisecond
		ctx, cancel := context.WithTimeout(context.Background(), window)
		start := time.Now()
		if _, err := l.Acquire(ctx); err == nil {
			t.Fatalf("poll %v: a permit with Redis down and a refusing fallback", poll)
		}
		cancel()
		elapsed := time.Since(start)
		step := max(poll, time.Millisecond)
		if n, most := int(fb.calls.Load()), int(elapsed/step)+2; n < 1 || n > most {
			t.Errorf("poll %v: the fallback was asked %d times in %v, want 1 to %d", poll, n, elapsed, most)
		}
		t.Logf("poll %v: the fallback asked %d times in %v", poll, fb.calls.Load(), elapsed)
	}
}
