// Package redisbudget keeps one UltraCart rate budget for a fleet: every
// process (bots, a CRM sync, a dashboard) whose clients use a Limiter of
// this package with the same Redis and Name shares the hourly and daily
// figures and the "one request in flight" rule, as UltraCart counts them:
// per application, whatever process or machine sends the request.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})
//	budget, err := redisbudget.New(rdb, redisbudget.Options{Name: "my-ultracart-app"})
//	...
//	c, err := conversation.NewClient(conversation.WithSimpleKey(key), conversation.WithLimiter(budget))
//
// The hourly and daily buckets are GCRA limiters kept in Redis, computed
// in Lua on Redis's clock, so the machines' clocks need not agree. A
// caller reserves its permit in both buckets at once, in the script that
// also checks the pause and, when the permit is due at once, takes the
// in-flight slot: no two callers wait for the same permit, and a caller
// whose permit (or the pause) would come after its context's deadline, or
// later than the budget's MaxWait, is refused at once, reserving nothing,
// with a *conversation.BudgetError saying how long the wait would be. A
// caller whose context ends while it waits gives its permit back.
//
// At most MaxInFlight requests (UltraCart: one) are in flight fleet-wide:
// a request holds a slot in Redis, a key set with SET NX PX to a random
// owner token, for as long as it runs. The slot expires after LockTTL
// unless renewed; its holder renews it every LockTTL/3 while the request
// runs (every LockTTL/9 after a failed renewal), so a slow request keeps
// it, and a process that dies holding it blocks the others for at most
// LockTTL. A holder whose renewal comes more than LockTTL*2/3 late (its
// process, or Redis, stalled that long) may lose the slot to another
// caller: Options.OnError is told, and the holder takes the slot back
// once it is free. A slot is freed by compare-and-delete, so a holder
// whose slot expired cannot free another's. A caller whose permit is due
// while every slot is taken polls for one every PollInterval: that wait
// depends on the request in flight and ends with the caller's context.
//
// A permit costs two Redis round trips when the budget has one to give
// (the script above, and one that frees the slot), three when the caller
// waited for its reservation; each poll for a busy slot is one more.
//
// A 429 pauses the budget for every process (conversation.Feedback.Pause:
// its Retry-After, at most conversation.MaxPause): the pause is a Redis
// key with the pause's TTL, set in the script that frees the slot, before
// the slot is free, and never shortened by a later 429. A 429 whose
// UC-REST-ERROR names the daily (or hourly) rate also empties the daily
// (or hourly) bucket. A caller waiting for its permit learns of a pause
// its own process started at once, and of one another process started
// when its permit is due; one that cannot wait it out is refused then.
//
// A Redis that restarts empty (no persistence) or is flushed does not hand
// the fleet a fresh burst: a process that has seen the buckets takes
// missing ones as spent, as the service's own buckets would still be, and
// they refill at the sustained rate. Only a budget no running process has
// seen (its first use, or a restart of Redis and of every process
// together) starts full. The bucket keys carry no TTL. The in-flight
// slots were lost too, while requests sent before may still run: the
// process that finds the loss holds every slot for LockTTL with a
// placeholder, which a holder still running takes back when it renews
// its slot, and sets again the pause it knew of.
//
// While Redis fails, a call fails with the Redis error, or, with
// Options.Fallback, takes a permit from the fallback: only one available
// at once (or within PollInterval); otherwise it waits a little and asks
// Redis again, so that no fallback permit is granted long after Redis
// answers again. While any process runs on its fallback, the fleet's
// figures and its one request in flight are no longer kept: each process
// keeps only its fallback's, and a fallback request still running when
// Redis answers again may overlap the first one Redis grants. How soon a
// call finds Redis down is the go-redis client's doing: by default it
// dials five times, 100 ms apart (Options.DialerRetries: 1 fails at once).
// So is how long a Redis that stops answering holds a call: every wait of
// the Limiter ends with the caller's context, but a Redis command under
// way runs on until its reply or the client's ReadTimeout (5 s by
// default; -1, none, lets a silent Redis hold the call for ever), and
// ends at the context's deadline too only with ContextTimeoutEnabled.
//
// Every process sharing a Name must use the same figures and the same
// LockTTL. Only programs that import this package link go-redis: package
// conversation does not.
package redisbudget

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ultracart-community/ultracart-go/conversation"
)

// Defaults of Options.
const (
	DefaultPrefix       = "ultracart:budget:"
	DefaultLockTTL      = 10 * time.Second
	DefaultPollInterval = 20 * time.Millisecond
	// releaseTimeout bounds the Redis calls that end a permit: the caller's
	// context may have ended, and the slot must still be freed.
	releaseTimeout = 5 * time.Second
	// fallbackRetry bounds the wait, while Redis fails, before a caller
	// that the fallback could not serve at once asks Redis again.
	fallbackRetry = 100 * time.Millisecond
	// minPollInterval is the shortest PollInterval: shorter ones are
	// taken as this.
	minPollInterval = time.Millisecond
)

// Options configure a Limiter.
type Options struct {
	// Name identifies the budget: the processes that share one UltraCart
	// application's budget use the same Name (and the same Redis). Required.
	Name string
	// Limits are the figures, as for conversation.WithBudget (zero fields
	// take conversation.DefaultBudgetLimits; see BudgetLimits.Resolve).
	// Every process sharing the budget must use the same.
	Limits conversation.BudgetLimits
	// Prefix starts every Redis key (default DefaultPrefix). The keys are
	// Prefix + "{" + Name + "}:" + a suffix (the buckets' with "rate:"
	// before): the braces keep them in one Redis Cluster slot.
	Prefix string
	// LockTTL is how long an in-flight slot lives without renewal
	// (default DefaultLockTTL): the longest a dead process can block the
	// others. Its holder renews it every LockTTL/3. Every process sharing
	// the budget must use the same: a slot with a longer TTL is taken for
	// a stray and cut to it.
	LockTTL time.Duration
	// PollInterval is how often a caller whose permit is due polls for a
	// free in-flight slot (default DefaultPollInterval, jittered by up to
	// half; at least a millisecond), and how long it waits for the
	// Fallback's permit.
	PollInterval time.Duration
	// Fallback, when not nil, gives the permits while Redis cannot: a call
	// whose Redis call fails takes a permit of the Fallback available at
	// once (or within PollInterval), and otherwise asks Redis again after
	// a short wait. Nil makes such a call fail with the Redis error. A
	// conversation.LocalLimiter with a share of the budget keeps a process
	// going, within its share, through a Redis outage; the fleet's one
	// request in flight is not kept meanwhile.
	Fallback conversation.Limiter
	// OnError, when not nil, is told of Redis failures that no caller
	// sees: renewing or freeing a slot, recording a pause, using the
	// Fallback; and of a slot lost to a late renewal.
	OnError func(error)
}

// Limiter is a conversation.Limiter whose budget lives in Redis. It is safe
// for concurrent use.
type Limiter struct {
	rdb          redis.UniversalClient
	o            Options
	limits       conversation.BudgetLimits
	hourT, dayT  float64 // emission intervals, seconds
	lockTTL, cap int64   // ms; s (how far ahead a bucket's TAT can be)
	// Redis keys: reserveKeys = pause, hour, day, slots...; releaseKeys[i]
	// = slot i, pause, hour, day; resetKeys = hour, day, pause, slots...
	reserveKeys, resetKeys, cancelKeys []string
	releaseKeys                        [][]string

	inFlight, waiting, pauses atomic.Int64

	mu      sync.Mutex
	seen    seen          // the buckets as of the last exchange with Redis
	paused  time.Time     // the end of the pause last learnt of
	pauseCh chan struct{} // closed when this process starts a pause: wakes its waiters
}

// seen is what an exchange with Redis said of the buckets.
type seen struct {
	ok                  bool
	at                  time.Time // local time of the exchange
	hourTAT, dayTAT     float64   // Redis time, seconds since 2017
	hourAhead, dayAhead float64   // seconds each TAT was ahead of Redis's now
}

// New returns a Limiter keeping the budget opts.Name in rdb.
func New(rdb redis.UniversalClient, opts Options) (*Limiter, error) {
	if rdb == nil {
		return nil, errors.New("redisbudget: nil Redis client")
	}
	if opts.Name == "" {
		return nil, errors.New("redisbudget: Options.Name is required: one name per UltraCart application")
	}
	if opts.LockTTL < 0 || opts.PollInterval < 0 {
		return nil, errors.New("redisbudget: LockTTL and PollInterval must not be negative")
	}
	l, err := opts.Limits.Resolve()
	if err != nil {
		return nil, fmt.Errorf("redisbudget: %w", err)
	}
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	if opts.LockTTL == 0 {
		opts.LockTTL = DefaultLockTTL
	}
	opts.LockTTL = max(opts.LockTTL, 30*time.Millisecond)
	if opts.PollInterval == 0 {
		opts.PollInterval = DefaultPollInterval
	}
	// A poll every few nanoseconds would be a busy loop on Redis.
	opts.PollInterval = max(opts.PollInterval, minPollInterval)
	base := opts.Prefix + "{" + opts.Name + "}:"
	hourKey, dayKey, pauseKey := "rate:"+base+"hour", "rate:"+base+"day", base+"pause"
	lim := &Limiter{
		rdb:     rdb,
		o:       opts,
		limits:  l,
		hourT:   3600 / float64(l.PerHour),
		dayT:    86400 / float64(l.PerDay),
		lockTTL: opts.LockTTL.Milliseconds(),
		// A reservation reaches at most MaxWait past an empty bucket; twice
		// that and the longest pause is past anything a Limiter writes.
		cap:     int64(math.Ceil(2 * (l.MaxWait + conversation.MaxPause).Seconds())),
		pauseCh: make(chan struct{}),
	}
	lim.reserveKeys = []string{pauseKey, hourKey, dayKey}
	lim.resetKeys = []string{hourKey, dayKey, pauseKey}
	lim.cancelKeys = []string{hourKey, dayKey}
	for i := range l.MaxInFlight {
		slot := base + "inflight:" + strconv.Itoa(i)
		lim.reserveKeys = append(lim.reserveKeys, slot)
		lim.resetKeys = append(lim.resetKeys, slot)
		lim.releaseKeys = append(lim.releaseKeys, []string{slot, pauseKey, hourKey, dayKey})
	}
	return lim, nil
}

// redisError is a Redis call that failed: the Fallback's cue.
type redisError struct{ err error }

func (e *redisError) Error() string { return "redisbudget: " + e.err.Error() }
func (e *redisError) Unwrap() error { return e.err }

// Acquire implements conversation.Limiter.
func (l *Limiter) Acquire(ctx context.Context) (func(conversation.Feedback), error) {
	l.waiting.Add(1)
	defer l.waiting.Add(-1)
	a := &acquisition{l: l, ctx: ctx, start: time.Now(), token: newToken()}
	a.deadline, a.hasDeadline = ctx.Deadline()
	for {
		release, err := a.viaRedis()
		var rerr *redisError
		if !errors.As(err, &rerr) {
			return release, err
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if l.o.Fallback == nil {
			return nil, rerr
		}
		release, retryIn, err := a.viaFallback(rerr.err)
		if release != nil || err != nil {
			return release, err
		}
		if err := a.sleep(retryIn); err != nil {
			return nil, err
		}
	}
}

// acquisition is one call of Acquire.
type acquisition struct {
	l           *Limiter
	ctx         context.Context
	start       time.Time
	deadline    time.Time
	hasDeadline bool
	token       string
}

// bound is how long the caller may still wait for a permit it can be
// told of, and the MaxWait to report when that is what binds (0 when the
// deadline does).
func (a *acquisition) bound() (time.Duration, time.Duration) {
	b, maxWait := a.l.limits.MaxWait-time.Since(a.start), a.l.limits.MaxWait
	if a.hasDeadline {
		if r := time.Until(a.deadline); r <= b {
			b, maxWait = r, 0
		}
	}
	return max(b, 0), maxWait
}

// refuse is the refusal of a wait the caller cannot make.
func (a *acquisition) refuse(wait time.Duration, paused bool) error {
	_, maxWait := a.bound()
	return &conversation.BudgetError{Wait: wait, Paused: paused, MaxWait: maxWait}
}

// viaRedis reserves a permit and takes a slot in Redis: at once when the
// permit is due and a slot free, else after sleeping until the permit is
// due and polling for a slot. A Redis failure is a *redisError.
func (a *acquisition) viaRedis() (func(conversation.Feedback), error) {
	l := a.l
	bound, _ := a.bound()
	hourKnown, dayKnown, pauseKnown := l.known()
	res, err := reserveScript.Run(a.ctx, l.rdb, l.reserveKeys, a.token, l.lockTTL, bound.Milliseconds(),
		l.hourT, l.limits.Burst, l.dayT, l.limits.DailyBurst, hourKnown, dayKnown,
		conversation.MaxPause.Milliseconds(), l.cap, pauseKnown.Milliseconds()).Slice()
	if err != nil {
		return nil, &redisError{err}
	}
	status, x, y, due, err := l.noteReply(res)
	if err != nil {
		return nil, &redisError{err}
	}
	switch status {
	case 0:
		return l.hold(int(x), a.token), nil
	case 2:
		if y == 1 {
			l.notePause(ms(x))
		}
		return nil, a.refuse(ms(x), y == 1)
	}
	// Reserved: the permit is this caller's, due in x ms (0: due now, but
	// every slot is taken, the shortest for y ms).
	wait := ms(x)
	if x == 0 {
		wait = l.pollWait(y)
	}
	for {
		if err := a.sleep(wait); err != nil {
			l.cancel()
			return nil, err
		}
		bound, _ := a.bound()
		r, err := lockScript.Run(a.ctx, l.rdb, l.reserveKeys, a.token, l.lockTTL, bound.Milliseconds(),
			l.hourT, l.dayT, conversation.MaxPause.Milliseconds(), due).Int64Slice()
		if err == nil && len(r) != 2 {
			err = fmt.Errorf("lock script returned %v", r)
		}
		if err != nil {
			if a.ctx.Err() != nil {
				l.cancel()
				return nil, a.ctx.Err()
			}
			return nil, &redisError{err}
		}
		switch r[0] {
		case 0:
			return l.hold(int(r[1]), a.token), nil
		case 2: // a pause the caller cannot wait out: the permit went back
			l.notePause(ms(r[1]))
			return nil, a.refuse(ms(r[1]), true)
		case 3: // a pause, or a wake-up before the permit is due
			wait = ms(r[1])
		default:
			wait = l.pollWait(r[1])
		}
	}
}

// viaFallback takes a permit of the Fallback available at once (within
// PollInterval), after Redis failed with cause. Otherwise it says how long
// to wait before asking Redis again, or refuses when the Fallback's own
// wait is longer than the caller can wait.
func (a *acquisition) viaFallback(cause error) (func(conversation.Feedback), time.Duration, error) {
	l := a.l
	l.report(fmt.Errorf("redisbudget: using the fallback limiter: %w", cause))
	start := time.Now()
	fctx, cancel := context.WithTimeout(a.ctx, l.o.PollInterval)
	release, err := l.o.Fallback.Acquire(fctx)
	cancel()
	switch {
	case err == nil:
		if release == nil {
			release = func(conversation.Feedback) {}
		}
		return release, 0, nil
	case a.ctx.Err() != nil:
		return nil, 0, a.ctx.Err()
	}
	var be *conversation.BudgetError
	if errors.As(err, &be) {
		if bound, _ := a.bound(); be.Wait > bound {
			return nil, 0, a.refuse(be.Wait, be.Paused)
		}
		return nil, min(be.Wait, fallbackRetry), nil
	}
	if errors.Is(err, context.DeadlineExceeded) {
		// A request of the fallback in flight: ask Redis again once
		// PollInterval has passed, even if the Fallback gave up sooner
		// (asking again at once would be a busy loop on both).
		return nil, max(0, l.o.PollInterval-time.Since(start)), nil
	}
	return nil, 0, fmt.Errorf("redisbudget: fallback: %w", err)
}

// sleep waits d, or until the caller's context ends, or until this
// process starts a pause (the caller then asks Redis again at once).
func (a *acquisition) sleep(d time.Duration) error {
	if d <= 0 {
		return a.ctx.Err()
	}
	a.l.mu.Lock()
	pauseCh := a.l.pauseCh
	a.l.mu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-a.ctx.Done():
		return a.ctx.Err()
	case <-pauseCh:
	case <-t.C:
	}
	return nil
}

// cancel gives back a permit reserved, which its caller will not use.
func (l *Limiter) cancel() {
	ctx, cancel := context.WithTimeout(context.Background(), releaseTimeout)
	defer cancel()
	if err := cancelScript.Run(ctx, l.rdb, l.cancelKeys, l.hourT, l.dayT).Err(); err != nil {
		l.report(fmt.Errorf("redisbudget: giving back a reserved permit: %w", err))
	}
}

// hold starts renewing slot i's lock and returns the release function.
func (l *Limiter) hold(i int, token string) func(conversation.Feedback) {
	l.inFlight.Add(1)
	h := &holding{l: l, slot: i, token: token}
	h.mu.Lock()
	h.timer = time.AfterFunc(l.o.LockTTL/3, h.renew)
	h.mu.Unlock()
	return h.release
}

// holding is a permit in use: its slot, renewed every LockTTL/3 until the
// release.
type holding struct {
	l        *Limiter
	slot     int
	token    string
	mu       sync.Mutex
	done     bool
	lost     bool // a renewal found the slot held by another owner (told once)
	timer    *time.Timer
	renewing sync.WaitGroup
}

func (h *holding) renew() {
	h.mu.Lock()
	if h.done {
		h.mu.Unlock()
		return
	}
	h.renewing.Add(1)
	h.mu.Unlock()
	defer h.renewing.Done()
	l := h.l
	ctx, cancel := context.WithTimeout(context.Background(), l.o.LockTTL/3)
	held, err := renewScript.Run(ctx, l.rdb, l.releaseKeys[h.slot][:1], h.token, l.lockTTL).Int64()
	cancel()
	if err != nil {
		l.report(fmt.Errorf("redisbudget: renewing the in-flight lock: %w", err))
	}
	h.mu.Lock()
	// Taken: the renewal came after the slot expired (this process, or
	// Redis, stalled for LockTTL*2/3), and another caller took it. The
	// holder keeps renewing, and takes the slot back once it is free.
	taken := err == nil && held == 0 && !h.lost
	h.lost = h.lost || taken
	if !h.done {
		// After a failure (a connection that died with a restarted Redis,
		// say), try again soon: the slot has at most LockTTL*2/3 left.
		next := l.o.LockTTL / 3
		if err != nil {
			next = l.o.LockTTL / 9
		}
		h.timer.Reset(next)
	}
	h.mu.Unlock()
	if taken {
		l.report(fmt.Errorf("redisbudget: a request's in-flight slot expired before its renewal (LockTTL %v) and another caller took it: "+
			"two requests may be in flight until it ends", l.o.LockTTL))
	}
}

// release ends the permit once: a 429's pause and drain, then the slot
// freed, in one round trip.
func (h *holding) release(f conversation.Feedback) {
	h.mu.Lock()
	if h.done {
		h.mu.Unlock()
		return
	}
	h.done = true
	h.timer.Stop()
	h.mu.Unlock()
	h.renewing.Wait()
	l := h.l
	pause, drain := int64(-1), 0
	if f.Throttled() {
		l.pauses.Add(1)
		d := f.Pause(l.limits)
		pause = d.Milliseconds()
		if d > 0 {
			pause = max(pause, 1)
			l.notePause(d)
			l.wake()
		}
		switch {
		case f.Window >= 24*time.Hour:
			drain = 2
		case f.Window >= time.Hour:
			drain = 1
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), releaseTimeout)
	defer cancel()
	err := releaseScript.Run(ctx, l.rdb, l.releaseKeys[h.slot], h.token, pause, drain,
		l.hourT, l.limits.Burst, l.dayT, l.limits.DailyBurst).Err()
	if err != nil {
		l.report(fmt.Errorf("redisbudget: ending a permit (the in-flight lock expires after %v; a 429's pause may be lost): %w", l.o.LockTTL, err))
	}
	l.inFlight.Add(-1)
}

// wake wakes this process's waiters: a pause started.
func (l *Limiter) wake() {
	l.mu.Lock()
	close(l.pauseCh)
	l.pauseCh = make(chan struct{})
	l.mu.Unlock()
}

func (l *Limiter) report(err error) {
	if l.o.OnError != nil {
		l.o.OnError(err)
	}
}

// pollWait is the wait before polling again for a slot: PollInterval,
// jittered, or the slot's TTL (ms) when that is sooner.
func (l *Limiter) pollWait(ttl int64) time.Duration {
	p := l.o.PollInterval
	w := p/2 + rand.N(p/2+1)
	if ttl > 0 {
		w = min(w, ms(ttl))
	}
	return w
}

func ms(n int64) time.Duration { return time.Duration(n) * time.Millisecond }

// known returns the buckets' TATs as this process last saw them (0: never
// seen) and the pause it knows is left, for the script to restore what a
// restarted Redis lost.
func (l *Limiter) known() (hour, day float64, pause time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seen.hourTAT, l.seen.dayTAT, max(time.Until(l.paused), 0)
}

// noteReply reads the reserve script's reply, {status, x, y, hourTAT,
// dayTAT, now, due}, and keeps what it says of the buckets. due is
// returned as Redis sent it, for the lock script.
func (l *Limiter) noteReply(res []any) (status, x, y int64, due string, err error) {
	bad := fmt.Errorf("reserve script returned %v", res)
	if len(res) != 7 {
		return 0, 0, 0, "", bad
	}
	var n [3]int64
	var f [4]float64
	for i := range n {
		v, ok := res[i].(int64)
		if !ok {
			return 0, 0, 0, "", bad
		}
		n[i] = v
	}
	for i := range f {
		s, ok := res[3+i].(string)
		if !ok {
			return 0, 0, 0, "", bad
		}
		if f[i], err = strconv.ParseFloat(s, 64); err != nil {
			return 0, 0, 0, "", bad
		}
	}
	l.mu.Lock()
	l.seen = seen{ok: true, at: time.Now(), hourTAT: f[0], dayTAT: f[1], hourAhead: f[0] - f[2], dayAhead: f[1] - f[2]}
	l.mu.Unlock()
	return n[0], n[1], n[2], res[6].(string), nil
}

func (l *Limiter) notePause(d time.Duration) {
	until := time.Now().Add(d)
	l.mu.Lock()
	defer l.mu.Unlock()
	if until.After(l.paused) {
		l.paused = until
	}
}

// State implements conversation.Limiter. The permits left, the wait and
// the pause are as of this process's last exchange with Redis (the
// buckets refilling since, as far as this process knows); InFlight,
// Waiting and Pauses count this process's calls alone.
func (l *Limiter) State() conversation.BudgetState {
	now := time.Now()
	l.mu.Lock()
	sn, paused := l.seen, l.paused
	l.mu.Unlock()
	s := conversation.BudgetState{Enabled: true, Limits: l.limits, HourLeft: l.limits.Burst, DayLeft: l.limits.DailyBurst,
		InFlight: int(l.inFlight.Load()), Waiting: int(l.waiting.Load()), Pauses: int(l.pauses.Load())}
	if sn.ok {
		el := now.Sub(sn.at).Seconds()
		var hourWait, dayWait time.Duration
		s.HourLeft, hourWait = level(sn.hourAhead-el, l.hourT, l.limits.Burst)
		s.DayLeft, dayWait = level(sn.dayAhead-el, l.dayT, l.limits.DailyBurst)
		s.Wait = max(hourWait, dayWait)
	}
	s.PermitsLeft = min(s.HourLeft, s.DayLeft)
	if paused.After(now) {
		s.PausedUntil = paused
		s.Wait = max(s.Wait, paused.Sub(now))
	}
	return s
}

// level is what a bucket whose TAT is ahead seconds ahead of now holds,
// and how long until it holds one permit.
func level(ahead, t float64, burst int) (int, time.Duration) {
	ahead = max(ahead, 0)
	n := int(math.Floor(float64(burst) - ahead/t + 1e-6))
	wait := max(ahead-float64(burst-1)*t, 0)
	return min(max(n, 0), burst), time.Duration(wait * float64(time.Second))
}

// Reset fills the budget's buckets and drops its pause and in-flight
// slots: for tests, and for starting over after changing figures. (It
// writes full buckets rather than deleting them: a process that has seen
// the budget takes missing buckets as spent.)
func (l *Limiter) Reset(ctx context.Context) error {
	return resetScript.Run(ctx, l.rdb, l.resetKeys).Err()
}

func newToken() string {
	b := make([]byte, 16)
	_, _ = crand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}
