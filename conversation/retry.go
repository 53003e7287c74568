package conversation

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Retryer decides whether a failed attempt is tried again, and after how long.
//
// The client consults it only for failures that are safe to retry: a 429, or
// a 502/503/504 or broken connection on an operation that cannot be applied
// twice by repeating it. Inserts and startConversation are retried only when
// the failure proves the service did not act (a 429, or no connection made).
// A Retryer must be safe for concurrent use.
type Retryer interface {
	// RetryDelay is called after failed attempt number attempt (from 1), with
	// the total time already spent waiting between attempts. It returns the
	// wait before the next attempt, or false to give up and return err.
	RetryDelay(attempt int, waited time.Duration, err error) (delay time.Duration, retry bool)
}

// RetryPolicy is the default Retryer: exponential backoff with jitter, bounded
// attempts and a bounded total wait, honouring Retry-After. Zero fields take
// the defaults shown in DefaultRetryPolicy; WithRetryPolicy and WithRetryer
// refuse a negative one with an *ArgumentError naming the field.
type RetryPolicy struct {
	// MaxAttempts counts the first request too; 1 disables retries.
	MaxAttempts int
	// BaseDelay is the first backoff; it doubles on each retry up to MaxDelay.
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// MaxRetryAfter is the longest Retry-After the client will sleep for; a
	// longer one returns the rate-limit error at once.
	MaxRetryAfter time.Duration
	// MaxTotalWait bounds the sum of all waits of one call.
	MaxTotalWait time.Duration
}

// DefaultRetryPolicy is what a client uses unless told otherwise.
var DefaultRetryPolicy = RetryPolicy{
	MaxAttempts:   4,
	BaseDelay:     250 * time.Millisecond,
	MaxDelay:      5 * time.Second,
	MaxRetryAfter: 30 * time.Second,
	MaxTotalWait:  45 * time.Second,
}

// validate refuses negative figures, by the rule of notNegative (the one
// WithBudget applies to BudgetLimits): a negative figure would otherwise
// silently become the default.
func (p RetryPolicy) validate(op string) error {
	d := DefaultRetryPolicy
	for _, err := range []error{
		notNegative(op, "RetryPolicy", "MaxAttempts", p.MaxAttempts, d.MaxAttempts),
		notNegative(op, "RetryPolicy", "BaseDelay", p.BaseDelay, d.BaseDelay),
		notNegative(op, "RetryPolicy", "MaxDelay", p.MaxDelay, d.MaxDelay),
		notNegative(op, "RetryPolicy", "MaxRetryAfter", p.MaxRetryAfter, d.MaxRetryAfter),
		notNegative(op, "RetryPolicy", "MaxTotalWait", p.MaxTotalWait, d.MaxTotalWait),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy
	if p.MaxAttempts > 0 {
		d.MaxAttempts = p.MaxAttempts
	}
	if p.BaseDelay > 0 {
		d.BaseDelay = p.BaseDelay
	}
	if p.MaxDelay > 0 {
		d.MaxDelay = p.MaxDelay
	}
	if p.MaxRetryAfter > 0 {
		d.MaxRetryAfter = p.MaxRetryAfter
	}
	if p.MaxTotalWait > 0 {
		d.MaxTotalWait = p.MaxTotalWait
	}
	return d
}

// RetryDelay implements Retryer.
func (p RetryPolicy) RetryDelay(attempt int, waited time.Duration, err error) (time.Duration, bool) {
	p = p.withDefaults()
	if attempt >= p.MaxAttempts {
		return 0, false
	}
	delay := p.backoff(attempt)
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		if !apiErr.Temporary() {
			return 0, false
		}
		if apiErr.RetryAfter > 0 {
			if apiErr.RetryAfter > p.MaxRetryAfter {
				return 0, false
			}
			delay = apiErr.RetryAfter
		}
	}
	if waited+delay > p.MaxTotalWait {
		return 0, false
	}
	return delay, true
}

// backoff is exponential with "equal jitter": between half and all of the
// exponential step, so clients that failed together spread out but never
// hammer the service with a near-zero wait.
func (p RetryPolicy) backoff(attempt int) time.Duration {
	d := p.BaseDelay
	for i := 1; i < attempt && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}

// noRetry is the Retryer of WithoutRetries.
type noRetry struct{}

func (noRetry) RetryDelay(int, time.Duration, error) (time.Duration, bool) { return 0, false }

// maxRetryAfter caps a parsed Retry-After so that arithmetic never overflows.
const maxRetryAfter = 365 * 24 * time.Hour

// parseRetryAfter reads a Retry-After value: delay-seconds or an HTTP-date.
// It returns 0 for an absent, malformed or past value.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d <= 0 {
			return 0
		}
		return min(d, maxRetryAfter)
	}
	return 0
}

// retrySafe reports whether a failure may be retried at all for an operation,
// whatever the Retryer says: never after the context ended, and never when a
// non-idempotent request might have been processed.
func retrySafe(ctx context.Context, idempotent bool, err error) bool {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var local *localError
	if errors.As(err, &local) {
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		if apiErr.StatusCode == http.StatusTooManyRequests {
			return true // the service refused the request: it did not act
		}
		return idempotent && apiErr.Temporary()
	}
	var decErr *DecodeError
	var redirErr *redirectError
	if errors.As(err, &decErr) || errors.As(err, &redirErr) {
		return false
	}
	return idempotent || connectionNotMade(err)
}

// localError is a failure found on this side before anything was sent, that
// no retry can change: a header value net/http refuses, a request body that
// cannot be produced again, a token source that hands out an empty or
// malformed token, or a token endpoint that refused the grant. Retrying it
// would only spend the backoff budget.
type localError struct{ err error }

func (e *localError) Error() string { return e.err.Error() }
func (e *localError) Unwrap() error { return e.err }

// connectionNotMade reports whether err shows the request never reached the
// service (dial or DNS failure), which makes even an insert safe to retry.
func connectionNotMade(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// sleep waits for d or until ctx ends, whichever is first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
