package conversation

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// LocalLimiter is the in-process Limiter, and every client's default: two
// token buckets (golang.org/x/time/rate), hourly and daily, that a request
// must both pass, a count of requests in flight, and a pause that a 429
// starts for every caller at once.
//
// Waiting callers are served in the order they asked: each reserves its
// permits when it asks, so the wait is known at once, and a call whose
// permit would come after its context's deadline fails at once with a
// *BudgetError instead of sleeping into the deadline. A LocalLimiter is safe
// for concurrent use; pass one to several clients with WithLimiter to share
// it explicitly.
type LocalLimiter struct {
	limits BudgetLimits
	slots  chan struct{} // a token per request in flight
	// pauseUntil is the end of the current pause in Unix nanoseconds, read
	// without the lock on the fast path; written under mu.
	pauseUntil atomic.Int64
	waiting    atomic.Int64
	release    func(Feedback) // l.done, bound once: no allocation per permit

	mu      sync.Mutex
	hour    *rate.Limiter
	day     *rate.Limiter
	pauseCh chan struct{} // closed when a pause starts or grows: wakes waiters
	pauses  int
}

// NewLocalLimiter returns an in-process budget with the given figures (zero
// fields take DefaultBudgetLimits'). Its buckets start full.
func NewLocalLimiter(limits BudgetLimits) (*LocalLimiter, error) {
	l, err := limits.resolve("NewLocalLimiter")
	if err != nil {
		return nil, err
	}
	return newLocalLimiter(l), nil
}

// newLocalLimiter takes figures already checked.
func newLocalLimiter(l BudgetLimits) *LocalLimiter {
	ll := &LocalLimiter{
		limits:  l,
		slots:   make(chan struct{}, l.MaxInFlight),
		hour:    rate.NewLimiter(rate.Limit(float64(l.PerHour)/3600), l.Burst),
		day:     rate.NewLimiter(rate.Limit(float64(l.PerDay)/86400), l.DailyBurst),
		pauseCh: make(chan struct{}),
	}
	ll.release = ll.done
	return ll
}

// Limits returns the figures the limiter keeps.
func (l *LocalLimiter) Limits() BudgetLimits { return l.limits }

// Acquire implements Limiter.
func (l *LocalLimiter) Acquire(ctx context.Context) (func(Feedback), error) {
	for {
		l.mu.Lock()
		now := time.Now()
		if !l.pausedAt(now) && l.hour.TokensAt(now) >= 1 && l.day.TokensAt(now) >= 1 {
			select {
			case l.slots <- struct{}{}:
				// The budget is not binding and a slot is free: take a
				// permit from each bucket (they cannot refuse: every use
				// of them holds mu).
				l.hour.AllowN(now, 1)
				l.day.AllowN(now, 1)
				l.mu.Unlock()
				return l.release, nil
			default:
			}
			// Permits to spare, but a request in flight: wait for its slot
			// before taking any, so that a caller that gives up spends
			// none; then look again.
			l.mu.Unlock()
			l.waiting.Add(1)
			select {
			case l.slots <- struct{}{}:
				l.waiting.Add(-1)
				l.mu.Lock()
				now := time.Now()
				if !l.pausedAt(now) && l.hour.TokensAt(now) >= 1 && l.day.TokensAt(now) >= 1 {
					l.hour.AllowN(now, 1)
					l.day.AllowN(now, 1)
					l.mu.Unlock()
					return l.release, nil
				}
				l.mu.Unlock()
				<-l.slots // spent or paused meanwhile: reserve, below
				continue
			case <-ctx.Done():
				l.waiting.Add(-1)
				return nil, ctx.Err()
			}
		}
		// The buckets are short (or paused): reserve now, so that callers
		// are served in the order they asked and the wait is known before
		// sleeping.
		rh := l.hour.ReserveN(now, 1)
		rd := l.day.ReserveN(now, 1)
		l.mu.Unlock()
		return l.wait(ctx, now, rh, rd)
	}
}

// wait sleeps until the reservations rh and rd, made at reserved, can be
// used and no pause is in force, then takes a slot for a request in
// flight. A caller that gives up before its reservations are due gives
// them back; one that gives up waiting for a slot after they are due has
// spent them. The wait it can foresee ends by reserved + MaxWait, or by
// ctx's deadline when that is sooner: past that bound it is refused at
// once.
func (l *LocalLimiter) wait(ctx context.Context, reserved time.Time, rh, rd *rate.Reservation) (func(Feedback), error) {
	l.waiting.Add(1)
	defer l.waiting.Add(-1)
	tokensAt := reserved.Add(max(rh.DelayFrom(reserved), rd.DelayFrom(reserved)))
	bound, maxWait := reserved.Add(l.limits.MaxWait), l.limits.MaxWait
	if deadline, ok := ctx.Deadline(); ok && !deadline.After(bound) {
		bound, maxWait = deadline, 0
	}
	cancel := func() {
		l.mu.Lock()
		t := time.Now()
		rh.CancelAt(t)
		rd.CancelAt(t)
		l.mu.Unlock()
	}
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		// Until when must this caller wait? The later of its permits and
		// the pause, which a 429 may start or extend at any time.
		l.mu.Lock()
		pauseCh := l.pauseCh
		l.mu.Unlock()
		now := time.Now()
		readyAt, paused := tokensAt, false
		if p := time.Unix(0, l.pauseUntil.Load()); p.After(readyAt) {
			readyAt, paused = p, true
		}
		if readyAt.After(bound) {
			cancel()
			return nil, &BudgetError{Wait: readyAt.Sub(now), Paused: paused, MaxWait: maxWait}
		}
		if d := readyAt.Sub(now); d > 0 {
			if timer == nil {
				timer = time.NewTimer(d)
			} else {
				timer.Reset(d)
			}
			select {
			case <-ctx.Done():
				cancel()
				return nil, ctx.Err()
			case <-pauseCh:
				continue // a pause started: recompute
			case <-timer.C:
				continue // check the pause again before taking a slot
			}
		}
		select {
		case l.slots <- struct{}{}:
		case <-ctx.Done():
			cancel()
			return nil, ctx.Err()
		case <-pauseCh:
			continue
		}
		if !l.pausedAt(time.Now()) {
			return l.release, nil
		}
		<-l.slots // the request that held the slot got a 429: wait for the pause
	}
}

// pausedAt reports whether a pause is in force at now.
func (l *LocalLimiter) pausedAt(now time.Time) bool {
	return now.UnixNano() < l.pauseUntil.Load()
}

// done releases a permit's slot, after starting a pause when the attempt
// got a 429, so that no waiter takes the slot before the pause is in force.
func (l *LocalLimiter) done(f Feedback) {
	if f.Throttled() {
		l.throttled(f)
	}
	<-l.slots
}

// throttled pauses the budget for f.Pause, never shortening a pause in
// force, and empties the bucket of the window the service says is spent: a
// daily limit's 429 leaves no daily permits, an hourly one no hourly
// permits, so that after the pause requests go at the sustained rate, as
// the service's own bucket lets them.
func (l *LocalLimiter) throttled(f Feedback) {
	d := f.Pause(l.limits)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	l.pauses++
	if until := now.Add(d).UnixNano(); until > l.pauseUntil.Load() {
		l.pauseUntil.Store(until)
		close(l.pauseCh)
		l.pauseCh = make(chan struct{})
	}
	switch {
	case f.Window >= 24*time.Hour:
		drain(l.day, now)
	case f.Window >= time.Hour:
		drain(l.hour, now)
	}
}

// drain takes every whole permit a bucket holds.
func drain(b *rate.Limiter, now time.Time) {
	if n := math.Floor(b.TokensAt(now)); n >= 1 {
		b.AllowN(now, int(n))
	}
}

// State implements Limiter.
func (l *LocalLimiter) State() BudgetState {
	l.mu.Lock()
	now := time.Now()
	th, td := l.hour.TokensAt(now), l.day.TokensAt(now)
	pauses := l.pauses
	l.mu.Unlock()
	s := BudgetState{
		Enabled:  true,
		Limits:   l.limits,
		HourLeft: max(int(math.Floor(th)), 0),
		DayLeft:  max(int(math.Floor(td)), 0),
		InFlight: len(l.slots),
		Waiting:  int(l.waiting.Load()),
		Pauses:   pauses,
	}
	s.PermitsLeft = min(s.HourLeft, s.DayLeft)
	wait := max(tokenWait(th, float64(l.limits.PerHour)/3600), tokenWait(td, float64(l.limits.PerDay)/86400))
	if p := time.Unix(0, l.pauseUntil.Load()); p.After(now) {
		s.PausedUntil = p
		wait = max(wait, p.Sub(now))
	}
	s.Wait = wait
	return s
}

// tokenWait is the time a bucket holding tokens takes to hold one at
// perSecond.
func tokenWait(tokens, perSecond float64) time.Duration {
	if tokens >= 1 {
		return 0
	}
	return time.Duration((1 - tokens) / perSecond * float64(time.Second))
}

// idle reports whether the limiter is as good as new: both buckets full, no
// pause, nothing in flight or waiting. Dropping it then forgets nothing.
func (l *LocalLimiter) idle() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	return !l.pausedAt(now) && len(l.slots) == 0 && l.waiting.Load() == 0 &&
		l.hour.TokensAt(now) >= float64(l.limits.Burst) && l.day.TokensAt(now) >= float64(l.limits.DailyBurst)
}
