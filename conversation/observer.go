package conversation

import (
	"context"
	"errors"
	"time"
)

// Observer sees every call and every attempt of a Client, for telemetry:
// traces, metrics, logs. Package conversationotel implements it with
// OpenTelemetry; WithObserver installs one. Its methods run on the calling
// goroutine and must be safe for concurrent use and quick.
type Observer interface {
	// CallStart is called as a call begins. The context it returns is the
	// one the call's attempts run with and the one passed to Attempt and
	// CallEnd, so a tracer can put the call's span there.
	CallStart(ctx context.Context, call CallStart) context.Context
	// Attempt is called after each attempt, retries included.
	Attempt(ctx context.Context, attempt Attempt)
	// CallEnd is called once, when the call returns.
	CallEnd(ctx context.Context, end CallEnd)
}

// CallStart describes a call as it begins.
type CallStart struct {
	// Operation is the operationId, e.g. "getConversation".
	Operation string
	// Idempotent reports whether the call may be retried after a failure
	// that may have reached the service.
	Idempotent bool
}

// Attempt describes one request of a call.
type Attempt struct {
	Operation string
	// Number counts the call's attempts from 1.
	Number int
	// StatusCode is the response's status, 0 when there was none.
	StatusCode int
	// RESTError is the UC-REST-ERROR header of an error response.
	RESTError string
	// Err is the attempt's failure, nil on success.
	Err error
	// Duration is the time from sending to the end of the response.
	Duration time.Duration
	// BudgetWait is how long the attempt waited for the rate budget first.
	BudgetWait time.Duration
	// RetryWait is the wait before the next attempt; 0 when none follows.
	RetryWait time.Duration
}

// CallEnd describes a call as it returns.
type CallEnd struct {
	Operation string
	// Attempts is how many requests were made (0 when none could be: an
	// invalid argument, a context that had ended).
	Attempts int
	// StatusCode is the last response's status, 0 when there was none.
	StatusCode int
	// RESTError is the last error response's UC-REST-ERROR header.
	RESTError string
	// Err is what the call returned.
	Err error
	// Duration is the whole call, waits included.
	Duration time.Duration
	// RetryWait and BudgetWait are the call's total waits between attempts
	// and for the rate budget.
	RetryWait, BudgetWait time.Duration
}

// WithObserver sends every call and attempt of the client to o.
func WithObserver(o Observer) Option {
	return func(c *config) error {
		if o == nil {
			return errors.New("WithObserver: observer is nil")
		}
		c.observer = o
		return nil
	}
}

// callTrace reports one call to the client's Observer. Its methods do
// nothing on a nil *callTrace, the client without an observer.
type callTrace struct {
	obs                   Observer
	op                    string
	start                 time.Time
	attempts              int
	status                int
	restError             string
	retryWait, budgetWait time.Duration
}

// trace starts reporting a call, when the client has an observer.
func (c *Client) trace(ctx context.Context, op operation) (context.Context, *callTrace) {
	if c.observer == nil {
		return ctx, nil
	}
	t := &callTrace{obs: c.observer, op: op.id, start: time.Now()}
	return c.observer.CallStart(ctx, CallStart{Operation: op.id, Idempotent: op.idempotent}), t
}

// attempt reports attempt n: its failure (nil on success), the status of a
// successful response, how long it took, and the waits around it.
func (t *callTrace) attempt(ctx context.Context, n int, err error, okStatus int, took, budgetWait, retryWait time.Duration) {
	if t == nil {
		return
	}
	a := Attempt{Operation: t.op, Number: n, StatusCode: okStatus, Err: err, Duration: took, BudgetWait: budgetWait, RetryWait: retryWait}
	var apiErr *APIError
	var decErr *DecodeError
	switch {
	case errors.As(err, &apiErr):
		a.StatusCode, a.RESTError = apiErr.StatusCode, apiErr.RESTError
	case errors.As(err, &decErr):
		a.StatusCode = decErr.StatusCode
	}
	t.attempts = n
	t.status, t.restError = a.StatusCode, a.RESTError
	t.retryWait += retryWait
	t.budgetWait += budgetWait
	t.obs.Attempt(ctx, a)
}

// end reports the call's result.
func (t *callTrace) end(ctx context.Context, err error) {
	if t == nil {
		return
	}
	t.obs.CallEnd(ctx, CallEnd{Operation: t.op, Attempts: t.attempts, StatusCode: t.status, RESTError: t.restError,
		Err: err, Duration: time.Since(t.start), RetryWait: t.retryWait, BudgetWait: t.budgetWait})
}
