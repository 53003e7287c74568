package conversation

import (
	"cmp"
	"context"
	"errors"
	"math"
	"net/http"
	"time"
)

// UltraCart's published rate limits: per authorized application and per IP,
// a leaky bucket with no fixed reset, and no concurrent requests.
const (
	// DefaultPerHour is UltraCart's default hourly limit.
	DefaultPerHour = 1000
	// DefaultPerDay is UltraCart's default daily limit.
	DefaultPerDay = 10000
)

// Bounds on waiting for the budget.
const (
	// MaxPause is the longest pause a 429 starts, whatever its Retry-After
	// says. UltraCart's limits are leaky buckets: the service lets one more
	// request through one interval after it refused one (3.6 s for the
	// hourly limit, 8.64 s for the daily), so a Retry-After of hours comes
	// from a misconfigured proxy or a clock gone wrong, not from a rate
	// rule. Should the service really want longer, the request sent after
	// an hour gets another 429 and another pause: a request an hour is
	// what capping costs.
	MaxPause = time.Hour
	// DefaultMaxWait is BudgetLimits.MaxWait unless set: a call made
	// without a deadline waits at most this long for its permit, and fails
	// at once with a *BudgetError when it would wait longer.
	DefaultMaxWait = 10 * time.Minute
)

// DefaultBudgetLimits are the figures of a client's budget unless
// WithBudget says otherwise: UltraCart's published limits, with bursts
// chosen so that a process can start up without waiting, and a restart (or
// a crash loop) cannot spend much of the service's own bucket at once.
//
// Burst is 100: a tenth of the hour. A program's start-up (a few pages of
// conversations, departments, canned messages, queue statuses) runs without
// waiting, and a process that restarts, and so forgets what it spent, can
// spend at most 100 requests before the hourly rate paces it: ten restarts
// to spend the service's hour. DailyBurst is 1,000: an hour at the hourly
// rate, a tenth of the day, so the hourly figure is reachable (for about
// 1.5 hours from a full budget) while the daily rate paces sustained use.
// See docs/RELIABILITY.md for the arithmetic. Pause is left zero here: it
// follows PerHour (BudgetLimits.Resolve).
var DefaultBudgetLimits = BudgetLimits{
	PerHour:     DefaultPerHour,
	PerDay:      DefaultPerDay,
	Burst:       100,
	DailyBurst:  1000,
	MaxInFlight: 1,
	MaxWait:     DefaultMaxWait,
}

// BudgetLimits are the figures of a request budget. Zero fields take the
// values of DefaultBudgetLimits (Pause: one hourly interval).
type BudgetLimits struct {
	// PerHour is the sustained hourly rate (UltraCart: 1,000).
	PerHour int
	// PerDay is the sustained daily rate (UltraCart: 10,000).
	PerDay int
	// Burst is how many requests may go at once, on top of the hourly rate:
	// over any window W, at most Burst + W×PerHour/1h requests are sent.
	Burst int
	// DailyBurst is the same for the daily rate: over any window W, at most
	// DailyBurst + W×PerDay/24h requests are sent.
	DailyBurst int
	// MaxInFlight is how many requests may be in flight at once (UltraCart
	// refuses concurrent requests with a 429: 1).
	MaxInFlight int
	// Pause is how long the budget stops after a 429 that carries no
	// Retry-After: by default one hourly interval (3.6 s at 1,000 per
	// hour), the time the service's bucket takes to let one more request
	// through. At most MaxPause.
	Pause time.Duration
	// MaxWait is the longest a call waits for a permit that the budget can
	// foresee: its rates and a pause (default DefaultMaxWait). A call
	// whose permit would come later fails at once, sending nothing, with a
	// *BudgetError saying how long the wait would have been, as one whose
	// permit would come after its context's deadline does. It is what
	// bounds a call made without a deadline. (The wait for a request in
	// flight to end cannot be foreseen: that request's own deadline bounds
	// it.)
	MaxWait time.Duration
}

// Resolve returns the figures in force for b: zero fields take the values
// of DefaultBudgetLimits, Pause one hourly interval of PerHour, and Pause
// is capped at MaxPause. A negative field is an error that names it.
// NewLocalLimiter, WithBudget and package redisbudget take figures this
// way.
func (b BudgetLimits) Resolve() (BudgetLimits, error) { return b.resolve("BudgetLimits.Resolve") }

// resolve is Resolve for op, the option or function given the figures,
// which its errors name.
func (b BudgetLimits) resolve(op string) (BudgetLimits, error) {
	d := DefaultBudgetLimits
	ints := []struct {
		name string
		v    int
		dst  *int
	}{
		{"PerHour", b.PerHour, &d.PerHour},
		{"PerDay", b.PerDay, &d.PerDay},
		{"Burst", b.Burst, &d.Burst},
		{"DailyBurst", b.DailyBurst, &d.DailyBurst},
		{"MaxInFlight", b.MaxInFlight, &d.MaxInFlight},
	}
	for _, f := range ints {
		if err := notNegative(op, "BudgetLimits", f.name, f.v, *f.dst); err != nil {
			return BudgetLimits{}, err
		}
		if f.v > 0 {
			*f.dst = f.v
		}
	}
	durations := []struct {
		name     string
		v        time.Duration
		dst      *time.Duration
		fallback time.Duration // what zero takes, where the default is derived
	}{
		{"Pause", b.Pause, &d.Pause, d.hourlyInterval()},
		{"MaxWait", b.MaxWait, &d.MaxWait, DefaultMaxWait},
	}
	for _, f := range durations {
		if err := notNegative(op, "BudgetLimits", f.name, f.v, cmp.Or(*f.dst, f.fallback)); err != nil {
			return BudgetLimits{}, err
		}
		if f.v > 0 {
			*f.dst = f.v
		}
	}
	if d.Pause == 0 {
		d.Pause = d.hourlyInterval()
	}
	d.Pause = min(d.Pause, MaxPause)
	if d.MaxWait == 0 {
		d.MaxWait = DefaultMaxWait // DefaultBudgetLimits changed by the program
	}
	return d, nil
}

// resolvedOrDefault is b resolved, or the default figures when b is
// invalid: for readings that have no error to return.
func (b BudgetLimits) resolvedOrDefault() BudgetLimits {
	r, err := b.Resolve()
	if err != nil {
		r, _ = BudgetLimits{}.Resolve()
	}
	return r
}

// hourlyInterval is the time the hourly rate takes to earn one permit.
func (b BudgetLimits) hourlyInterval() time.Duration { return time.Hour / time.Duration(b.PerHour) }

// SustainedInterval is the time the budget takes to earn one permit once its
// bursts are spent: the longer of the hourly and daily intervals (8.64 s
// with the default figures, where the daily rate binds). A poll loop with a
// shorter interval would alone spend the whole budget.
func (b BudgetLimits) SustainedInterval() time.Duration {
	b = b.resolvedOrDefault()
	return max(b.hourlyInterval(), 24*time.Hour/time.Duration(b.PerDay))
}

// Limiter keeps a client's request budget. The client calls Acquire before
// every attempt to the API host, retries included, and calls the release
// function it returns once, when the attempt is over (its response read or
// failed), with what the attempt learned. Requests to other hosts (the
// presigned upload URL) do not take a permit.
//
// NewLocalLimiter is the in-process implementation, and every client has
// one unless told otherwise (shared by the clients of one process with the
// same credential and host); package conversation/redisbudget shares one
// budget across processes. Implementations must be safe for concurrent use.
type Limiter interface {
	// Acquire waits until one more request may be sent. It returns at once
	// an error matching ErrBudgetExhausted (a *BudgetError, saying how long
	// the wait would be) when the permit cannot come before ctx's deadline
	// or within the budget's MaxWait, and ctx's error when ctx ends while
	// waiting.
	Acquire(ctx context.Context) (release func(Feedback), err error)
	// State describes the budget now, for monitoring.
	State() BudgetState
}

// Feedback is what one attempt learned about the budget, passed to the
// release function of its permit.
type Feedback struct {
	// StatusCode is the response's status (0 when there was none).
	StatusCode int
	// RetryAfter is the response's Retry-After (0 when absent, and when it
	// said "now").
	RetryAfter time.Duration
	// RetryAfterSet reports that the response carried a valid Retry-After:
	// with a RetryAfter of 0, the service said "retry now" (0 seconds, or
	// a date already past).
	RetryAfterSet bool
	// Limit and Window are the rate a 429's UC-REST-ERROR says was exceeded
	// ("rate of 10000 per 86400 second(s) exceeded.": 10000 and 24h), zero
	// when it names none.
	Limit  int
	Window time.Duration
}

// Throttled reports whether the service refused the attempt for its rate
// limits (429): the budget should pause.
func (f Feedback) Throttled() bool { return f.StatusCode == http.StatusTooManyRequests }

// Pause is how long a budget with the figures l stops after the attempt:
// nothing unless the service throttled it; then its Retry-After, nothing
// for a Retry-After that says "now" (the budget's rates still pace what
// follows), l.Pause when it gave none, and never more than MaxPause.
// Every Limiter of this module pauses this way.
func (f Feedback) Pause(l BudgetLimits) time.Duration {
	if !f.Throttled() {
		return 0
	}
	d := f.RetryAfter
	if d <= 0 && !f.RetryAfterSet {
		d = l.resolvedOrDefault().Pause
	}
	return min(max(d, 0), MaxPause)
}

// feedbackOf reads what an attempt's outcome says about the budget.
func feedbackOf(err error) Feedback {
	if err == nil {
		return Feedback{StatusCode: http.StatusOK}
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return Feedback{}
	}
	f := Feedback{StatusCode: apiErr.StatusCode, RetryAfter: apiErr.RetryAfter}
	if f.Throttled() {
		f.RetryAfterSet = f.RetryAfter > 0 || retryAfterSaysNow(apiErr.Header.Get("Retry-After"), time.Now())
		f.Limit, f.Window, _ = apiErr.RateLimit()
	}
	return f
}

// UnlimitedPermits is what BudgetState reports as permits left for a
// client without a budget (WithoutBudget): nothing limits it, and code
// that compares permits left with zero, or with what it needs, does the
// right thing.
const UnlimitedPermits = math.MaxInt

// BudgetState is a budget's state at one moment, from Client.Budget.
type BudgetState struct {
	// Enabled is false for a client made WithoutBudget: its permits left
	// are UnlimitedPermits, and nothing else below applies.
	Enabled bool
	// Limits are the figures in force (zero when the Limiter does not say).
	Limits BudgetLimits
	// HourLeft and DayLeft are the permits the hourly and daily buckets
	// hold now; PermitsLeft is the smaller, what can be sent without waiting.
	HourLeft, DayLeft, PermitsLeft int
	// InFlight counts the requests under way; Waiting the calls waiting for
	// a permit.
	InFlight, Waiting int
	// Wait is how long a call made now would wait for its permit, not
	// counting the calls already waiting or in flight: a call whose Wait
	// is over its deadline, or over Limits.MaxWait, would be refused.
	Wait time.Duration
	// PausedUntil is when the pause that a 429 started ends (zero when not
	// paused); Pauses counts the 429s the budget was told of (one whose
	// Retry-After said "now" pauses it for no time).
	PausedUntil time.Time
	Pauses      int
	// Shared is how many Client values share the budget (0 when unknown).
	Shared int
}

// ErrBudgetExhausted matches a *BudgetError: the client's rate budget
// could not give the call a permit before its context's deadline, or
// within the budget's MaxWait, so it failed at once, without waiting and
// without sending anything.
var ErrBudgetExhausted = errors.New("rate budget cannot serve the call in time")

// BudgetError is a call refused by the client's rate budget before anything
// was sent, because the permit would come after the context's deadline, or
// later than the budget's MaxWait. The context has not ended: the caller
// may retry later, with a longer deadline, or drop the work.
type BudgetError struct {
	// Operation is the operationId of the call.
	Operation string
	// Wait is how long the call would have had to wait for its permit.
	Wait time.Duration
	// Paused is true when the wait comes from a pause that a 429 started.
	Paused bool
	// MaxWait is the budget's MaxWait when that is what the wait exceeds
	// (the context's deadline being later, or absent); 0 when the refusal
	// is for the deadline.
	MaxWait time.Duration
}

func (e *BudgetError) Error() string {
	why := "the rate budget"
	if e.Paused {
		why = "the rate budget (paused after a 429)"
	}
	op := e.Operation
	if op == "" {
		op = "budget"
	}
	bound := "past the context's deadline"
	if e.MaxWait > 0 {
		bound = "longer than the budget's MaxWait of " + fmtWait(e.MaxWait)
	}
	return "conversation: " + op + ": " + why + " has no permit for " + fmtWait(e.Wait) + ", " + bound
}

// Is makes errors.Is(err, ErrBudgetExhausted) work.
func (e *BudgetError) Is(target error) bool { return target == ErrBudgetExhausted }

func fmtWait(d time.Duration) string {
	if d >= time.Second {
		return d.Round(10 * time.Millisecond).String()
	}
	return d.Round(time.Microsecond).String()
}

// Budget returns the state of the client's rate budget: permits left,
// current wait, pauses from 429s. It is shared with every client that
// shares the budget. A client without a budget reports Enabled false and
// UnlimitedPermits.
func (c *Client) Budget() BudgetState {
	if c.limiter == nil {
		return BudgetState{HourLeft: UnlimitedPermits, DayLeft: UnlimitedPermits, PermitsLeft: UnlimitedPermits}
	}
	s := c.limiter.State()
	s.Enabled = true
	if c.budget != nil {
		s.Shared = int(c.budget.refs.Load())
	}
	return s
}
