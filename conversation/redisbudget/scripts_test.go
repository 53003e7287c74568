package redisbudget_test

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/redisbudget"
)

// roundTrips counts the commands a go-redis client sends (each one round
// trip; a pipeline counts once), in all and per call: a context made with
// counting carries a counter of its own, which leaves out an EVALSHA that
// found the script missing (after a restart of Redis: go-redis sends the
// script again, once), to count the script runs of the call.
type roundTrips struct{ total atomic.Int64 }

type tripsKey struct{}

// counting returns ctx with a counter of the round trips made with it.
func counting(ctx context.Context) (context.Context, *atomic.Int64) {
	n := new(atomic.Int64)
	return context.WithValue(ctx, tripsKey{}, n), n
}

func (h *roundTrips) count(ctx context.Context, err error) {
	h.total.Add(1)
	if n, ok := ctx.Value(tripsKey{}).(*atomic.Int64); ok && (err == nil || !strings.HasPrefix(err.Error(), "NOSCRIPT")) {
		n.Add(1)
	}
}

func (h *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

// ProcessHook counts every command but those that set up a new
// connection (HELLO, CLIENT SETINFO, sent in a pipeline), which go-redis
// sends once per connection, not per permit.
func (h *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if !setup(cmd) {
			h.count(ctx, err)
		}
		return err
	}
}

func (h *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		for _, cmd := range cmds {
			if !setup(cmd) {
				h.count(ctx, err)
				break
			}
		}
		return err
	}
}

func setup(cmd redis.Cmder) bool { return cmd.Name() == "hello" || cmd.Name() == "client" }

// countedRedis is a client of the test server whose round trips are
// counted.
func countedRedis(t *testing.T) (*redis.Client, *roundTrips) {
	t.Helper()
	rdb := requireRedis(t)
	h := &roundTrips{}
	rdb.AddHook(h)
	return rdb, h
}

// countedRedisB is countedRedis for a benchmark.
func countedRedisB(b *testing.B) (*redis.Client, *roundTrips) {
	b.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr})
	b.Cleanup(func() { _ = rdb.Close() })
	h := &roundTrips{}
	rdb.AddHook(h)
	return rdb, h
}

var ok200 = conversation.Feedback{StatusCode: 200}

// tenAfterOne is 10 permits a second with a burst of 1: after the first
// permit, the next ones are due 100 ms apart.
var tenAfterOne = conversation.BudgetLimits{PerHour: 36000, PerDay: 36000 * 24 * 10, Burst: 1, DailyBurst: 100000}

// TestReservations (issue 18, item 9): callers of two Limiters (two
// processes, as far as Redis can tell) arrive together with one deadline
// while the permits come every 100 ms. Each reserves a permit of its own:
// those whose permit comes before the deadline get it, no two at once and
// each no sooner than its permit; the others are refused at once, by the
// first script, before sleeping (one round trip), and none waits out its
// deadline.
func TestReservations(t *testing.T) {
	rdb, _ := countedRedis(t)
	leakCheck(t)
	stalls := watchStalls(t, requireRedis(t))
	name := budgetName(t)
	a := newLimiter(t, rdb, redisbudget.Options{Name: name, Limits: tenAfterOne})
	b := newLimiter(t, rdb, redisbudget.Options{Name: name, Limits: tenAfterOne})
	rel, err := a.Acquire(waitCtx(t)) // the burst
	if err != nil {
		t.Fatal(err)
	}
	rel(ok200)
	spent := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 350*time.Millisecond)
	defer cancel()
	type outcome struct {
		err   error
		trips int64
		took  time.Duration
		at    time.Time
	}
	out := make([]outcome, 10)
	var wg sync.WaitGroup
	for i := range out {
		wg.Go(func() {
			cctx, trips := counting(ctx)
			start := time.Now()
			rel, err := []*redisbudget.Limiter{a, b}[i%2].Acquire(cctx)
			out[i] = outcome{err: err, trips: trips.Load(), took: time.Since(start), at: time.Now()}
			if err == nil {
				rel(ok200)
			}
		})
	}
	wg.Wait()
	var granted []time.Time
	var worst time.Duration
	for i, o := range out {
		var be *conversation.BudgetError
		switch {
		case o.err == nil:
			granted = append(granted, o.at)
		case errors.As(o.err, &be):
			if o.trips != 1 || be.Paused || be.MaxWait != 0 {
				t.Errorf("caller %d refused after %d round trips (%v): want one, the first script's", i, o.trips, o.err)
			}
			worst = max(worst, o.took)
		default: // its permit, due 50 ms before the deadline, came too late
			stalls.Errorf(t, 50*time.Millisecond, "caller %d: %v (after %v): a caller waited out its deadline", i, o.err, o.took)
		}
	}
	// The permits after the burst come at +100, +200, +300 ms (and +400,
	// past the deadline unless this goroutine was late to set it).
	deadline, _ := ctx.Deadline()
	want := int(deadline.Sub(spent) / (100 * time.Millisecond))
	if n := len(granted); n > want+1 {
		t.Errorf("%d callers granted, want %d: one per permit due before the deadline", n, want)
	} else if n < want {
		stalls.Errorf(t, 50*time.Millisecond, "%d callers granted, want %d: one per permit due before the deadline", n, want)
	}
	sort.Slice(granted, func(i, j int) bool { return granted[i].Before(granted[j]) })
	for i := range granted {
		if gap := granted[i].Sub(spent); gap < time.Duration(i+1)*90*time.Millisecond {
			t.Errorf("grant %d came %v after the burst was spent: before its permit", i+1, gap)
		}
	}
	t.Logf("MEASURE %d granted (one per permit), %d refused at once by the first script, the slowest refusal after %v",
		len(granted), len(out)-len(granted), worst)
}

// TestRoundTripsPerPermit (issue 18, item 12): a permit costs two round
// trips when the budget has one (reserve-and-lock, release), three when
// the caller waited for it (and a 429's pause and drain ride on the
// release), one for a refusal: never more than three.
func TestRoundTripsPerPermit(t *testing.T) {
	rdb, h := countedRedis(t)
	leakCheck(t)
	l := newLimiter(t, rdb, redisbudget.Options{Name: budgetName(t), Limits: tenAfterOne})
	ctx := waitCtx(t)
	stalls := watchStalls(t, requireRedis(t))
	permit := func(f conversation.Feedback) {
		t.Helper()
		rel, err := l.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rel(f)
	}
	// Load every script once (EVALSHA, then EVAL the first time).
	permit(ok200)
	permit(ok200)
	for _, tc := range []struct {
		name string
		run  func()
		want int64
	}{
		{"a permit at once", func() {
			time.Sleep(150 * time.Millisecond) // the bucket earns its permit back
			permit(ok200)
		}, 2},
		{"a permit after waiting for it", func() { permit(ok200) }, 3},
		{"a permit whose request got a 429", func() {
			permit(conversation.Feedback{StatusCode: 429, RetryAfterSet: true, Window: time.Hour})
		}, 3},
		{"a refusal", func() {
			if _, err := acquireWithin(t, ctx, l, 10*time.Millisecond); !errors.Is(err, conversation.ErrBudgetExhausted) {
				t.Errorf("err = %v, want a refusal", err)
			}
		}, 1},
	} {
		before := h.total.Load()
		tc.run()
		got := h.total.Load() - before
		switch {
		case got > tc.want || got > 3:
			t.Errorf("%s: %d round trips, want %d", tc.name, got, tc.want)
		case got < tc.want:
			// The permit due 100 ms after the last one came at once: the
			// machine stalled the test between the two.
			stalls.Errorf(t, 50*time.Millisecond, "%s: %d round trips, want %d", tc.name, got, tc.want)
		}
		t.Logf("MEASURE %s: %d Redis round trips", tc.name, got)
	}
}

// TestPauseNeverShortenedRedis: a later 429 with a shorter Retry-After, or
// one saying now, leaves the longer pause in force for the whole fleet.
// Without the guard in the release script the second 429 would cut it
// short.
func TestPauseNeverShortenedRedis(t *testing.T) {
	rdb := requireRedis(t)
	leakCheck(t)
	name := budgetName(t)
	a := newLimiter(t, rdb, redisbudget.Options{Name: name, Limits: conversation.BudgetLimits{MaxInFlight: 3}})
	b := newLimiter(t, rdb, redisbudget.Options{Name: name, Limits: conversation.BudgetLimits{MaxInFlight: 3}})
	var rels []func(conversation.Feedback)
	for range 3 {
		rel, err := a.Acquire(waitCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		rels = append(rels, rel)
	}
	rels[0](conversation.Feedback{StatusCode: 429, RetryAfter: 2 * time.Second, RetryAfterSet: true})
	rels[1](conversation.Feedback{StatusCode: 429, RetryAfter: 100 * time.Millisecond, RetryAfterSet: true})
	rels[2](conversation.Feedback{StatusCode: 429, RetryAfterSet: true})
	pauseKey := redisbudget.DefaultPrefix + "{" + name + "}:pause"
	if ttl := rdb.PTTL(context.Background(), pauseKey).Val(); ttl < time.Second {
		t.Errorf("pause key TTL %v, want the 2s pause kept", ttl)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := b.Acquire(ctx)
	var be *conversation.BudgetError
	if !errors.As(err, &be) || !be.Paused || be.Wait < time.Second {
		t.Errorf("b: err = %#v, want a refusal for the 2s pause", err)
	}
}

// TestPauseBoundsRedis: a 429 that says "now" pauses no one; an absurd
// Retry-After pauses the fleet for MaxPause, and a call without a deadline
// is refused at once for the budget's MaxWait, saying how long.
func TestPauseBoundsRedis(t *testing.T) {
	rdb := requireRedis(t)
	leakCheck(t)
	ctx := waitCtx(t)
	for _, tc := range []struct {
		name string
		f    conversation.Feedback
		want time.Duration
	}{
		{"now", conversation.Feedback{StatusCode: 429, RetryAfterSet: true}, 0},
		{"a year", conversation.Feedback{StatusCode: 429, RetryAfter: 365 * 24 * time.Hour, RetryAfterSet: true}, conversation.MaxPause},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := budgetName(t)
			a := newLimiter(t, rdb, redisbudget.Options{Name: name})
			b := newLimiter(t, rdb, redisbudget.Options{Name: name})
			rel, err := a.Acquire(ctx)
			if err != nil {
				t.Fatal(err)
			}
			rel(tc.f)
			ttl := rdb.PTTL(ctx, redisbudget.DefaultPrefix+"{"+name+"}:pause").Val()
			rel, err = b.Acquire(ctx)
			if tc.want == 0 {
				if ttl > 0 || err != nil {
					t.Errorf("pause TTL %v, next call %v: want no pause", ttl, err)
				} else {
					rel(ok200)
				}
				return
			}
			var be *conversation.BudgetError
			if ttl > tc.want || ttl < tc.want-time.Minute || !errors.As(err, &be) || !be.Paused ||
				be.MaxWait != conversation.DefaultMaxWait || be.Wait > tc.want || be.Wait < tc.want-time.Minute {
				t.Errorf("pause TTL %v, next call %#v: want %v, and a refusal for MaxWait", ttl, err, tc.want)
			}
			if st := b.State(); st.PausedUntil.IsZero() || st.Wait < tc.want-time.Minute {
				t.Errorf("b's state %+v: the pause must show", st)
			}
		})
	}
}

// TestStrayKeys: keys that no Limiter wrote (a slot or a pause without a
// TTL, or with an absurd one, a bucket holding garbage, a far-future time,
// or another type) neither stop the fleet nor hand it a fresh burst.
func TestStrayKeys(t *testing.T) {
	rdb := requireRedis(t)
	leakCheck(t)
	ctx := waitCtx(t)
	for _, tc := range []struct {
		name  string
		plant func(base string) error
		check func(t *testing.T, l *redisbudget.Limiter)
	}{
		{"a slot without a TTL", func(base string) error {
			return rdb.Set(ctx, base+"inflight:0", "stray", 0).Err()
		}, granted},
		{"a slot held for a year", func(base string) error {
			return rdb.Set(ctx, base+"inflight:0", "stray", 365*24*time.Hour).Err()
		}, granted},
		{"a pause without a TTL", func(base string) error {
			return rdb.Set(ctx, base+"pause", "1", 0).Err()
		}, granted},
		{"a pause of a year", func(base string) error {
			return rdb.Set(ctx, base+"pause", "1", 365*24*time.Hour).Err()
		}, func(t *testing.T, l *redisbudget.Limiter) {
			_, err := l.Acquire(ctx)
			var be *conversation.BudgetError
			if !errors.As(err, &be) || !be.Paused || be.Wait > conversation.MaxPause {
				t.Errorf("err = %#v, want a refusal for a pause cut to MaxPause", err)
			}
		}},
		{"a bucket holding garbage", func(base string) error {
			return rdb.Set(ctx, "rate:"+base+"hour", "garbage", 0).Err()
		}, spentBucket},
		{"a bucket a century ahead", func(base string) error {
			return rdb.Set(ctx, "rate:"+base+"hour", "3.2e9", 0).Err()
		}, spentBucket},
		{"a bucket of another type", func(base string) error {
			return rdb.HSet(ctx, "rate:"+base+"hour", "x", "y").Err()
		}, granted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := budgetName(t)
			if err := tc.plant(redisbudget.DefaultPrefix + "{" + name + "}:"); err != nil {
				t.Fatal(err)
			}
			tc.check(t, newLimiter(t, rdb, redisbudget.Options{Name: name, Limits: tenAfterOne, LockTTL: 200 * time.Millisecond}))
		})
	}
}

// granted checks that l gives a permit within two seconds.
func granted(t *testing.T, l *redisbudget.Limiter) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rel, err := l.Acquire(ctx)
	if err != nil {
		t.Fatalf("err = %v, want a permit", err)
	}
	rel(ok200)
}

// spentBucket checks that l's hourly bucket is taken as spent: no permit
// for about one interval (100 ms), then one.
func spentBucket(t *testing.T, l *redisbudget.Limiter) {
	t.Helper()
	rel, err := acquireWithin(t, t.Context(), l, 50*time.Millisecond)
	if err == nil {
		rel(ok200)
	}
	var be *conversation.BudgetError
	if !errors.As(err, &be) || be.Wait < 50*time.Millisecond || be.Wait > 100*time.Millisecond {
		t.Errorf("err = %#v, want a refusal: the bucket spent, a permit 100ms away", err)
	}
	granted(t, l)
}

// TestRestartedRedis (issue 18, item 11): Redis restarts empty while a
// request holds the in-flight slot. The processes that had seen the
// budget take its buckets as spent (no fresh burst: over the second after
// the restart, no more permits than the rate's), and no request is sent
// beside the one that was in flight before the restart, which keeps its
// slot by renewing it.
func TestRestartedRedis(t *testing.T) {
	leakCheck(t) // first: its check runs after the server is stopped
	srv := newPrivateRedis(t)
	rdb := srv.client()
	name := budgetName(t)
	opts := redisbudget.Options{Name: name, Limits: tenPerSecond, LockTTL: 150 * time.Millisecond, PollInterval: 5 * time.Millisecond}
	a := newLimiter(t, rdb, opts)
	b := newLimiter(t, rdb, opts)
	ctx := waitCtx(t)
	for range tenPerSecond.Burst { // b spends the burst: both processes have seen the budget
		rel, err := b.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rel(ok200)
	}
	stalls := watchStalls(t, srv.client()) // a client of its own: its failed dials count in its own pool
	holding, err := a.Acquire(ctx)         // in flight across the restart
	if err != nil {
		t.Fatal(err)
	}
	defer holding(ok200) // a no-op once released below
	srv.Stop()
	srv.Start()
	restarted := time.Now()

	// No fresh burst: the bucket is spent, the next permit an interval
	// (100 ms) away, past a deadline 90 ms away.
	rel, err := acquireWithin(t, ctx, b, 90*time.Millisecond)
	if err == nil {
		rel(ok200)
	}
	var be *conversation.BudgetError
	if !errors.As(err, &be) || be.Wait < 30*time.Millisecond || be.Wait > 100*time.Millisecond {
		t.Fatalf("b right after the restart: %#v, want a refusal: the bucket spent, a permit 100ms away", err)
	}
	// b takes permits for a second; the first waits for the slot, which a,
	// still running, keeps past the placeholder's TTL by renewing it.
	var released atomic.Int64
	grants := make(chan time.Time, 100)
	go func() {
		defer close(grants)
		for time.Since(restarted) < time.Second {
			rctx, cancel := context.WithTimeout(ctx, time.Second-time.Since(restarted))
			rel, err := b.Acquire(rctx)
			cancel()
			if err != nil {
				return
			}
			grants <- time.Now()
			rel(ok200)
		}
	}()
	time.Sleep(400 * time.Millisecond) // more than two LockTTLs
	released.Store(time.Now().UnixNano())
	holding(ok200)
	n := 0
	var early time.Duration
	for at := range grants {
		if n == 0 && at.UnixNano() < released.Load() {
			early = time.Duration(released.Load() - at.UnixNano())
		}
		if at.Sub(restarted) < time.Second {
			n++
		}
	}
	if n > 10 {
		t.Errorf("%d permits in the second after the restart, want at most the rate's 10: a fresh burst", n)
	}
	if early > 0 { // a's renewal came too late to take back its slot
		stalls.Errorf(t, opts.LockTTL/3, "b got the slot %v before a, in flight across the restart, released it", early)
	}
	t.Logf("MEASURE after a restart of Redis: %d permits in the next second (10 a second, the burst of %d not granted anew)", n, tenPerSecond.Burst)
}

// TestFallbackAfterRecovery (issue 18, item 10): while Redis is down, a
// caller takes a permit of the Fallback only if it is available at once;
// one whose Fallback permit is further than its deadline is refused at
// once; one that can wait keeps asking Redis, and once Redis answers again
// gets its permit there, not a Fallback permit seconds later.
func TestFallbackAfterRecovery(t *testing.T) {
	leakCheck(t) // first: its check runs after the server is stopped
	srv := newPrivateRedis(t)
	rdb := srv.client()
	h := &roundTrips{}
	rdb.AddHook(h)
	fallback, err := conversation.NewLocalLimiter(conversation.BudgetLimits{PerHour: 360, Burst: 1}) // a permit every 10s
	if err != nil {
		t.Fatal(err)
	}
	var reports atomic.Int32
	name := budgetName(t)
	l := newLimiter(t, rdb, redisbudget.Options{Name: name, Fallback: fallback, OnError: func(error) { reports.Add(1) }})
	ctx := waitCtx(t)
	srv.Stop()

	rel, err := l.Acquire(ctx) // the fallback's burst: at once
	if err != nil {
		t.Fatalf("with Redis down, the fallback's permit: %v", err)
	}
	rel(ok200)

	cctx, trips := counting(ctx)
	cctx, cancel := context.WithTimeout(cctx, 5*time.Second)
	start := time.Now()
	_, err = l.Acquire(cctx)
	took := time.Since(start)
	cancel()
	var be *conversation.BudgetError
	if !errors.As(err, &be) || be.Wait < 5*time.Second || trips.Load() != 1 {
		t.Errorf("deadline before the fallback's next permit: %#v after %d round trips, want a refusal at once", err, trips.Load())
	}
	t.Logf("MEASURE refused with Redis down in %v (the fallback's permit %v away)", took, be.Wait.Round(time.Second))

	// A caller that can wait for the fallback's permit: Redis comes back
	// first.
	type result struct {
		rel  func(conversation.Feedback)
		err  error
		at   time.Time
		held string
	}
	got := make(chan result, 1)
	go func() {
		wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		rel, err := l.Acquire(wctx)
		r := result{rel: rel, err: err, at: time.Now()}
		if err == nil {
			r.held, _ = rdb.Get(ctx, redisbudget.DefaultPrefix+"{"+name+"}:inflight:0").Result()
		}
		got <- r
	}()
	time.Sleep(300 * time.Millisecond)
	back := time.Now()
	srv.Start()
	r := <-got
	if r.err != nil {
		t.Fatal(r.err)
	}
	defer r.rel(ok200)
	if r.held == "" || r.held == "lost" {
		t.Errorf("the permit holds no slot in Redis (%q): granted by the fallback after Redis answered again", r.held)
	}
	if st := fallback.State(); st.InFlight != 0 || st.Wait < 5*time.Second {
		t.Errorf("fallback %+v: its permit was taken", st)
	}
	if reports.Load() == 0 {
		t.Error("OnError never told of Redis down")
	}
	t.Logf("MEASURE Redis restarted: the waiting caller got its permit from Redis %v after the restart began (the fallback's was %v away)",
		r.at.Sub(back).Round(time.Millisecond), fallback.State().Wait.Round(time.Second))
}
