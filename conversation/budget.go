package conversation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
// See docs/RELIABILITY.md for the arithmetic.
var DefaultBudgetLimits = BudgetLimits{
	PerHour:     DefaultPerHour,
	PerDay:      DefaultPerDay,
	Burst:       100,
	DailyBurst:  1000,
	MaxInFlight: 1,
}

// maxPause bounds a pause learned from a 429: no rule of the service needs
// more than its longest window to let one more request through, and a
// Retry-After of a year (a misconfigured proxy) must not stop a client for
// longer than that.
const maxPause = 24 * time.Hour

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
	// through.
	Pause time.Duration
}

// withDefaults fills zero fields and refuses negative ones.
func (b BudgetLimits) withDefaults() (BudgetLimits, error) {
	d := DefaultBudgetLimits
	for _, f := range []struct {
		name string
		v    int
		dst  *int
	}{
		{"PerHour", b.PerHour, &d.PerHour},
		{"PerDay", b.PerDay, &d.PerDay},
		{"Burst", b.Burst, &d.Burst},
		{"DailyBurst", b.DailyBurst, &d.DailyBurst},
		{"MaxInFlight", b.MaxInFlight, &d.MaxInFlight},
	} {
		switch {
		case f.v < 0:
			return BudgetLimits{}, fmt.Errorf("budget: %s must not be negative (0 takes the default)", f.name)
		case f.v > 0:
			*f.dst = f.v
		}
	}
	if b.Pause < 0 {
		return BudgetLimits{}, errors.New("budget: Pause must not be negative (0 takes the default)")
	}
	d.Pause = b.Pause
	if d.Pause == 0 {
		d.Pause = d.hourlyInterval()
	}
	d.Pause = min(d.Pause, maxPause)
	return d, nil
}

// hourlyInterval is the time the hourly rate takes to earn one permit.
func (b BudgetLimits) hourlyInterval() time.Duration { return time.Hour / time.Duration(b.PerHour) }

// SustainedInterval is the time the budget takes to earn one permit once its
// bursts are spent: the longer of the hourly and daily intervals (8.64 s
// with the default figures, where the daily rate binds). A poll loop with a
// shorter interval would alone spend the whole budget.
func (b BudgetLimits) SustainedInterval() time.Duration {
	b, err := b.withDefaults()
	if err != nil {
		b = DefaultBudgetLimits
	}
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
	// the wait would be) when the permit cannot come before ctx's deadline,
	// and ctx's error when ctx ends while waiting.
	Acquire(ctx context.Context) (release func(Feedback), err error)
	// State describes the budget now, for monitoring.
	State() BudgetState
}

// Feedback is what one attempt learned about the budget, passed to the
// release function of its permit.
type Feedback struct {
	// StatusCode is the response's status (0 when there was none).
	StatusCode int
	// RetryAfter is the response's Retry-After (0 when absent).
	RetryAfter time.Duration
	// Limit and Window are the rate a 429's UC-REST-ERROR says was exceeded
	// ("rate of 10000 per 86400 second(s) exceeded.": 10000 and 24h), zero
	// when it names none.
	Limit  int
	Window time.Duration
}

// Throttled reports whether the service refused the attempt for its rate
// limits (429): the budget should pause.
func (f Feedback) Throttled() bool { return f.StatusCode == http.StatusTooManyRequests }

// pause is how long a budget with the given figures stops after f.
func (f Feedback) pause(l BudgetLimits) time.Duration {
	d := f.RetryAfter
	if d <= 0 {
		d = l.Pause
	}
	return min(d, maxPause)
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
		f.Limit, f.Window, _ = apiErr.RateLimit()
	}
	return f
}

// BudgetState is a budget's state at one moment, from Client.Budget.
type BudgetState struct {
	// Enabled is false for a client made WithoutBudget: nothing below applies.
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
	// counting the calls already waiting or in flight.
	Wait time.Duration
	// PausedUntil is when the pause that a 429 started ends (zero when not
	// paused); Pauses counts the 429s that paused the budget.
	PausedUntil time.Time
	Pauses      int
	// Shared is how many Client values share the budget (0 when unknown).
	Shared int
}

// ErrBudgetExhausted matches a *BudgetError: the client's rate budget
// could not give the call a permit before its context's deadline, so it
// failed at once, without waiting and without sending anything.
var ErrBudgetExhausted = errors.New("rate budget cannot serve the call before the context's deadline")

// BudgetError is a call refused by the client's rate budget before anything
// was sent, because the permit would come after the context's deadline.
// The context has not ended: the caller may retry later, with a longer
// deadline, or drop the work.
type BudgetError struct {
	// Operation is the operationId of the call.
	Operation string
	// Wait is how long the call would have had to wait for its permit.
	Wait time.Duration
	// Paused is true when the wait comes from a pause that a 429 started.
	Paused bool
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
	return "conversation: " + op + ": " + why + " has no permit for " + fmtWait(e.Wait) + ", past the context's deadline"
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
// shares the budget.
func (c *Client) Budget() BudgetState {
	if c.limiter == nil {
		return BudgetState{}
	}
	s := c.limiter.State()
	s.Enabled = true
	if c.budget != nil {
		s.Shared = int(c.budget.refs.Load())
	}
	return s
}

// budgetLogAfter is the wait for a permit above which the client logs it.
const budgetLogAfter = 100 * time.Millisecond

// acquire takes a permit for an attempt to the API host, and says how long
// it waited. last is the previous attempt's failure (nil for the first
// attempt): when the budget cannot serve a retry before the deadline, the
// call returns that failure, as it does when a retry's backoff would cross
// the deadline.
func (c *Client) acquire(ctx context.Context, op operation, attempt int, last error) (func(Feedback), time.Duration, error) {
	if c.limiter == nil || op.foreign {
		return releaseNothing, 0, nil
	}
	var release func(Feedback)
	var waited time.Duration
	var err error
	if l, ok := c.limiter.(*LocalLimiter); ok {
		release, waited, err = l.acquire(ctx) // says how long it waited
	} else {
		start := time.Now()
		release, err = c.limiter.Acquire(ctx)
		waited = time.Since(start)
	}
	if waited >= budgetLogAfter {
		c.logger.LogAttrs(ctx, slog.LevelDebug, "conversation: waited for the rate budget",
			slog.String("operation", op.id), slog.Int("attempt", attempt), slog.Duration("wait", waited),
			slog.Bool("granted", err == nil))
	}
	if err == nil {
		if release == nil {
			release = releaseNothing
		}
		return release, waited, nil
	}
	return nil, waited, c.refusal(ctx, op, attempt, last, err)
}

// refusal is the error of a call whose permit the budget refused with err.
func (c *Client) refusal(ctx context.Context, op operation, attempt int, last, err error) error {
	switch {
	case errors.Is(err, ErrBudgetExhausted):
		if last != nil {
			return finalError(op, attempt-1, last)
		}
		be := &BudgetError{}
		if errors.As(err, &be) {
			cp := *be
			be = &cp
		}
		be.Operation = op.id
		return be
	case ctx.Err() != nil:
		if last != nil {
			return &TransportError{Operation: op.id, Attempts: attempt - 1,
				Err: fmt.Errorf("%w while waiting for the rate budget: %w", ctx.Err(), last)}
		}
		return &TransportError{Operation: op.id, Err: fmt.Errorf("%w while waiting for the rate budget", ctx.Err())}
	}
	return fmt.Errorf("conversation: %s: rate budget: %w", op.id, err)
}

func releaseNothing(Feedback) {}
