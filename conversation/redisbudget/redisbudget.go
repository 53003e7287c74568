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
// The hourly and daily buckets are GCRA limiters kept in Redis by
// github.com/go-redis/redis_rate: a request takes a permit from each, and
// the arithmetic runs in Redis, on Redis's clock, so the machines' clocks
// need not agree.
//
// At most MaxInFlight requests (UltraCart: one) are in flight fleet-wide:
// a request holds a lock in Redis, a key set with SET NX PX to a random
// owner token, for as long as it runs. The lock expires after LockTTL
// unless renewed; its holder renews it every LockTTL/3 while the request
// runs, so a slow request keeps it, and a process that dies holding it
// blocks the others for at most LockTTL. It is released by compare-and-
// delete (a Lua script deletes the key only if it still holds the owner's
// token), so a holder whose lock expired cannot release another's. Only
// the holder of a lock takes permits from the buckets, so taking one from
// each is atomic for the fleet.
//
// A 429 pauses the budget for every process: the pause is a Redis key with
// the pause's TTL, checked before every request. A 429 whose UC-REST-ERROR
// names the daily (or hourly) rate also empties the daily (or hourly)
// bucket.
//
// Waiting callers poll Redis for the lock every PollInterval; a caller
// that finds the buckets empty or the budget paused learns the wait from
// Redis and fails at once with a *conversation.BudgetError when it would
// end after its context's deadline.
//
// Only programs that import this package link go-redis: package
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

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/ultracart-community/ultracart-go/conversation"
)

// Defaults of Options.
const (
	DefaultPrefix       = "ultracart:budget:"
	DefaultLockTTL      = 10 * time.Second
	DefaultPollInterval = 20 * time.Millisecond
	// releaseTimeout bounds the Redis calls that end a permit: the caller's
	// context may have ended, and the lock must still be released.
	releaseTimeout = 5 * time.Second
)

// Options configure a Limiter.
type Options struct {
	// Name identifies the budget: the processes that share one UltraCart
	// application's budget use the same Name (and the same Redis). Required.
	Name string
	// Limits are the figures, as for conversation.WithBudget (zero fields
	// take conversation.DefaultBudgetLimits). Every process sharing the
	// budget must use the same.
	Limits conversation.BudgetLimits
	// Prefix starts every Redis key (default DefaultPrefix). The keys are
	// Prefix + "{" + Name + "}:" + a suffix: the braces keep them in one
	// Redis Cluster slot.
	Prefix string
	// LockTTL is how long the in-flight lock lives without renewal
	// (default DefaultLockTTL): the longest a dead process can block the
	// others. Its holder renews it every LockTTL/3.
	LockTTL time.Duration
	// PollInterval is how often a caller waiting for the in-flight lock
	// tries again (default DefaultPollInterval, jittered by up to half).
	PollInterval time.Duration
	// Fallback, when not nil, gives the permits while Redis cannot: Acquire
	// uses it when a Redis call fails. Nil makes such a call fail with the
	// Redis error. A conversation.LocalLimiter with a share of the budget
	// keeps a process going, within its share, through a Redis outage.
	Fallback conversation.Limiter
	// OnError, when not nil, is told of Redis failures that no caller sees:
	// renewing or releasing a lock, recording a pause.
	OnError func(error)
}

// Limiter is a conversation.Limiter whose budget lives in Redis. It is safe
// for concurrent use.
type Limiter struct {
	rdb    redis.UniversalClient
	rate   *redis_rate.Limiter
	o      Options
	limits conversation.BudgetLimits
	hour   redis_rate.Limit
	day    redis_rate.Limit
	// Redis keys.
	hourKey, dayKey, pauseKey string
	lockKeys                  []string

	inFlight, waiting atomic.Int64
	pauses            atomic.Int64
	mu                sync.Mutex
	last              conversation.BudgetState // as of the last exchange with Redis
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
	base := opts.Prefix + "{" + opts.Name + "}:"
	lim := &Limiter{
		rdb:      rdb,
		rate:     redis_rate.NewLimiter(rdb),
		o:        opts,
		limits:   l,
		hour:     redis_rate.Limit{Rate: l.PerHour, Period: time.Hour, Burst: l.Burst},
		day:      redis_rate.Limit{Rate: l.PerDay, Period: 24 * time.Hour, Burst: l.DailyBurst},
		hourKey:  base + "hour",
		dayKey:   base + "day",
		pauseKey: base + "pause",
	}
	for i := range l.MaxInFlight {
		lim.lockKeys = append(lim.lockKeys, base+"inflight:"+strconv.Itoa(i))
	}
	lim.last = conversation.BudgetState{Enabled: true, Limits: l, HourLeft: l.Burst, DayLeft: l.DailyBurst,
		PermitsLeft: min(l.Burst, l.DailyBurst)}
	return lim, nil
}

// lockScript takes an in-flight slot unless the budget is paused. KEYS:
// the pause key, then the slots; ARGV: owner token, TTL in ms. It returns
// {0, slot} when a slot was taken, {1, ms} while paused, {2, ms} when every
// slot is taken (ms: the shortest remaining TTL among them).
var lockScript = redis.NewScript(`
local p = redis.call('PTTL', KEYS[1])
if p > 0 then return {1, p} end
for i = 2, #KEYS do
  if redis.call('SET', KEYS[i], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0, i - 2} end
end
local m = -1
for i = 2, #KEYS do
  local t = redis.call('PTTL', KEYS[i])
  if t > 0 and (m < 0 or t < m) then m = t end
end
return {2, m}
`)

// renewScript extends a slot's TTL if the owner still holds it.
var renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`)

// releaseScript deletes a slot if the owner still holds it: compare and
// delete, so that a holder whose lock expired cannot free another's.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// pauseScript starts or extends the pause to ARGV[1] ms from now; it never
// shortens one.
var pauseScript = redis.NewScript(`
local p = redis.call('PTTL', KEYS[1])
if p < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 0
`)

// Acquire implements conversation.Limiter.
func (l *Limiter) Acquire(ctx context.Context) (func(conversation.Feedback), error) {
	l.waiting.Add(1)
	defer l.waiting.Add(-1)
	deadline, hasDeadline := ctx.Deadline()
	tooLate := func(wait time.Duration) bool { return hasDeadline && time.Now().Add(wait).After(deadline) }
	token := newToken()
	for {
		res, err := lockScript.Run(ctx, l.rdb, append([]string{l.pauseKey}, l.lockKeys...), token, l.o.LockTTL.Milliseconds()).Int64Slice()
		if err != nil {
			return l.fallback(ctx, err)
		}
		if len(res) != 2 {
			return l.fallback(ctx, fmt.Errorf("lock script returned %v", res))
		}
		switch res[0] {
		case 1: // paused
			wait := time.Duration(res[1]) * time.Millisecond
			l.notePause(wait)
			if tooLate(wait) {
				return nil, &conversation.BudgetError{Wait: wait, Paused: true}
			}
			if err := sleep(ctx, wait); err != nil {
				return nil, err
			}
			continue
		case 2: // every slot taken: poll
			wait := l.pollWait()
			if res[1] > 0 {
				wait = min(wait, time.Duration(res[1])*time.Millisecond)
			}
			if err := sleep(ctx, wait); err != nil {
				return nil, err
			}
			continue
		}
		slot := l.lockKeys[res[1]]
		wait, err := l.takePermit(ctx)
		if err != nil {
			l.unlock(slot, token)
			return l.fallback(ctx, err)
		}
		if wait > 0 {
			// The buckets are empty: free the slot, and come back when
			// they hold a permit, unless that is too late.
			l.unlock(slot, token)
			if tooLate(wait) {
				return nil, &conversation.BudgetError{Wait: wait}
			}
			if err := sleep(ctx, wait); err != nil {
				return nil, err
			}
			continue
		}
		return l.hold(slot, token), nil
	}
}

// takePermit takes a permit from the daily and the hourly bucket, or
// returns how long until both hold one. It runs with an in-flight slot
// held, so no other process of the fleet takes permits meanwhile.
func (l *Limiter) takePermit(ctx context.Context) (time.Duration, error) {
	// Peek at the daily bucket first (a cost of 0 takes nothing): taking
	// an hourly permit and then finding no daily one would waste it.
	day, err := l.rate.AllowN(ctx, l.dayKey, l.day, 0)
	if err != nil {
		return 0, err
	}
	if w := waitForOne(day, l.day); w > 0 {
		l.note(nil, day)
		return w, nil
	}
	hour, err := l.rate.AllowN(ctx, l.hourKey, l.hour, 1)
	if err != nil {
		return 0, err
	}
	if hour.Allowed == 0 {
		l.note(hour, day)
		return max(hour.RetryAfter, time.Millisecond), nil
	}
	day, err = l.rate.AllowN(ctx, l.dayKey, l.day, 1)
	if err != nil {
		return 0, err
	}
	l.note(hour, day)
	if day.Allowed == 0 { // another slot holder took it (MaxInFlight > 1)
		return max(day.RetryAfter, time.Millisecond), nil
	}
	return 0, nil
}

// waitForOne is how long until a bucket holds one permit: the GCRA's
// theoretical arrival time is ResetAfter ahead, and a full bucket holds
// Burst permits' worth of it.
func waitForOne(r *redis_rate.Result, lim redis_rate.Limit) time.Duration {
	w := r.ResetAfter - time.Duration(lim.Burst-1)*interval(lim)
	return max(w, 0)
}

// available is how many whole permits a bucket holds after r. ResetAfter
// comes from Redis as a decimal: a thousandth of an interval absorbs its
// rounding.
func available(r *redis_rate.Result, lim redis_rate.Limit) int {
	n := float64(lim.Burst) - r.ResetAfter.Seconds()/interval(lim).Seconds() + 1e-3
	return max(int(math.Floor(n)), 0)
}

func interval(lim redis_rate.Limit) time.Duration { return lim.Period / time.Duration(lim.Rate) }

// hold starts renewing the slot's lock and returns the release function.
func (l *Limiter) hold(slot, token string) func(conversation.Feedback) {
	l.inFlight.Add(1)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(l.o.LockTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				ctx, cancel := context.WithTimeout(context.Background(), l.o.LockTTL/3)
				err := renewScript.Run(ctx, l.rdb, []string{slot}, token, l.o.LockTTL.Milliseconds()).Err()
				cancel()
				if err != nil {
					l.report(fmt.Errorf("redisbudget: renewing the in-flight lock: %w", err))
				}
			}
		}
	}()
	var once sync.Once
	return func(f conversation.Feedback) {
		once.Do(func() {
			close(stop)
			<-done
			if f.Throttled() {
				l.throttled(f) // before the slot is free: no one sends first
			}
			l.unlock(slot, token)
			l.inFlight.Add(-1)
		})
	}
}

// throttled records a 429: a pause for every process, and an empty bucket
// for the rate the service says was exceeded.
func (l *Limiter) throttled(f conversation.Feedback) {
	l.pauses.Add(1)
	d := f.Pause(l.limits)
	ctx, cancel := context.WithTimeout(context.Background(), releaseTimeout)
	defer cancel()
	if err := pauseScript.Run(ctx, l.rdb, []string{l.pauseKey}, max(d.Milliseconds(), 1)).Err(); err != nil {
		l.report(fmt.Errorf("redisbudget: recording a pause: %w", err))
	}
	l.notePause(d)
	var key string
	var lim redis_rate.Limit
	switch {
	case f.Window >= 24*time.Hour:
		key, lim = l.dayKey, l.day
	case f.Window >= time.Hour:
		key, lim = l.hourKey, l.hour
	default:
		return
	}
	if _, err := l.rate.AllowAtMost(ctx, key, lim, lim.Burst); err != nil {
		l.report(fmt.Errorf("redisbudget: emptying a bucket: %w", err))
	}
}

func (l *Limiter) unlock(slot, token string) {
	ctx, cancel := context.WithTimeout(context.Background(), releaseTimeout)
	defer cancel()
	if err := releaseScript.Run(ctx, l.rdb, []string{slot}, token).Err(); err != nil {
		l.report(fmt.Errorf("redisbudget: releasing the in-flight lock (it expires after %v): %w", l.o.LockTTL, err))
	}
}

// fallback hands a failed Redis call to the Fallback limiter, if any.
func (l *Limiter) fallback(ctx context.Context, err error) (func(conversation.Feedback), error) {
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if l.o.Fallback != nil {
		l.report(fmt.Errorf("redisbudget: using the fallback limiter: %w", err))
		return l.o.Fallback.Acquire(ctx)
	}
	return nil, fmt.Errorf("redisbudget: %w", err)
}

func (l *Limiter) report(err error) {
	if l.o.OnError != nil {
		l.o.OnError(err)
	}
}

func (l *Limiter) pollWait() time.Duration {
	p := l.o.PollInterval
	return p/2 + rand.N(p/2+1)
}

// note keeps what Redis said of the buckets, for State (hour nil: not
// asked this time).
func (l *Limiter) note(hour, day *redis_rate.Result) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if hour != nil {
		l.last.HourLeft = available(hour, l.hour)
	}
	l.last.DayLeft = available(day, l.day)
	l.last.PermitsLeft = min(l.last.HourLeft, l.last.DayLeft)
}

func (l *Limiter) notePause(d time.Duration) {
	until := time.Now().Add(d)
	l.mu.Lock()
	defer l.mu.Unlock()
	if until.After(l.last.PausedUntil) {
		l.last.PausedUntil = until
	}
}

// State implements conversation.Limiter. The permits left and the pause
// are as of this process's last exchange with Redis; InFlight, Waiting and
// Pauses count this process's calls alone.
func (l *Limiter) State() conversation.BudgetState {
	l.mu.Lock()
	s := l.last
	l.mu.Unlock()
	s.InFlight = int(l.inFlight.Load())
	s.Waiting = int(l.waiting.Load())
	s.Pauses = int(l.pauses.Load())
	if now := time.Now(); s.PausedUntil.After(now) {
		s.Wait = s.PausedUntil.Sub(now)
	} else {
		s.PausedUntil = time.Time{}
	}
	return s
}

// Reset deletes the budget's keys in Redis: its buckets full again, no
// pause, no lock. For tests and for starting over after changing figures.
func (l *Limiter) Reset(ctx context.Context) error {
	keys := append([]string{"rate:" + l.hourKey, "rate:" + l.dayKey, l.pauseKey}, l.lockKeys...)
	return l.rdb.Del(ctx, keys...).Err()
}

func newToken() string {
	b := make([]byte, 16)
	_, _ = crand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(max(d, time.Millisecond))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
