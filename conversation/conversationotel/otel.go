// Package conversationotel reports the calls of a conversation.Client to
// OpenTelemetry: a span per call (operationId, attempts, status,
// UC-REST-ERROR, retry and rate-budget waits, an event per attempt) and
// metrics of calls, attempts and waits; and, with Observer.ObserveBudget,
// gauges of a client's rate budget (permits left, pause, waiting calls).
//
//	obs := conversationotel.New()
//	c, err := conversation.NewClient(conversation.WithSimpleKey(key), conversation.WithObserver(obs))
//	reg, err := obs.ObserveBudget(c)
//
// It is a package of its own so that programs that do not use OpenTelemetry
// do not link it.
package conversationotel

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/ultracart-community/ultracart-go/conversation"
)

// ScopeName is the instrumentation scope of the tracer and meter.
const ScopeName = "github.com/ultracart-community/ultracart-go/conversation"

// Attribute keys on spans and metrics.
const (
	AttrOperation  = attribute.Key("ultracart.operation")
	AttrAttempts   = attribute.Key("ultracart.attempts")
	AttrAttempt    = attribute.Key("ultracart.attempt")
	AttrStatusCode = attribute.Key("http.response.status_code")
	AttrRESTError  = attribute.Key("ultracart.rest_error")
	AttrRetryWait  = attribute.Key("ultracart.retry_wait_ms")
	AttrBudgetWait = attribute.Key("ultracart.budget_wait_ms")
	AttrIdempotent = attribute.Key("ultracart.idempotent")
	AttrErrorType  = attribute.Key("error.type")
	// AttrBucket names the bucket of ultracart.client.budget.bucket.permits:
	// "hour" or "day".
	AttrBucket = attribute.Key("ultracart.budget.bucket")
)

// Option configures the observer.
type Option func(*Observer)

// WithTracerProvider sets where spans go (default: otel.GetTracerProvider()).
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(o *Observer) { o.tp = tp }
}

// WithMeterProvider sets where metrics go (default: otel.GetMeterProvider()).
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(o *Observer) { o.mp = mp }
}

// Observer is a conversation.Observer that reports to OpenTelemetry.
type Observer struct {
	tp     trace.TracerProvider
	mp     metric.MeterProvider
	tracer trace.Tracer

	calls      metric.Float64Histogram
	attempts   metric.Int64Counter
	retryWait  metric.Float64Histogram
	budgetWait metric.Float64Histogram

	meter  metric.Meter
	budget budgetGauges
}

// budgetGauges are the observable instruments of ObserveBudget, made once.
type budgetGauges struct {
	permits, bucketPermits, waiting, inFlight metric.Int64ObservableGauge
	pauses                                    metric.Int64ObservableCounter
	pauseLeft, wait                           metric.Float64ObservableGauge
	err                                       error // the first instrument the meter could not make
}

var _ conversation.Observer = (*Observer)(nil)

// New returns an observer reporting to the global providers unless options
// say otherwise. An instrument the meter cannot create is left out, so New
// never fails.
func New(opts ...Option) *Observer {
	o := &Observer{}
	for _, opt := range opts {
		if opt != nil {
			opt(o)
		}
	}
	if o.tp == nil {
		o.tp = otel.GetTracerProvider()
	}
	if o.mp == nil {
		o.mp = otel.GetMeterProvider()
	}
	o.tracer = o.tp.Tracer(ScopeName)
	m := o.mp.Meter(ScopeName)
	o.calls, _ = m.Float64Histogram("ultracart.client.call.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of UltraCart API calls, retries and waits included."))
	o.attempts, _ = m.Int64Counter("ultracart.client.attempts", metric.WithUnit("{request}"),
		metric.WithDescription("Requests sent to the UltraCart API, retries included."))
	o.retryWait, _ = m.Float64Histogram("ultracart.client.retry.wait", metric.WithUnit("s"),
		metric.WithDescription("Time a call waited between attempts."))
	o.budgetWait, _ = m.Float64Histogram("ultracart.client.budget.wait", metric.WithUnit("s"),
		metric.WithDescription("Time a call waited for the client's rate budget."))
	o.meter, o.budget = m, newBudgetGauges(m)
	return o
}

// CallStart implements conversation.Observer: it starts the call's span.
func (o *Observer) CallStart(ctx context.Context, call conversation.CallStart) context.Context {
	ctx, _ = o.tracer.Start(ctx, call.Operation, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(AttrOperation.String(call.Operation), AttrIdempotent.Bool(call.Idempotent)))
	return ctx
}

// Attempt implements conversation.Observer: an event on the span and the
// attempts counter.
func (o *Observer) Attempt(ctx context.Context, a conversation.Attempt) {
	attrs := []attribute.KeyValue{AttrAttempt.Int(a.Number)}
	if a.StatusCode != 0 {
		attrs = append(attrs, AttrStatusCode.Int(a.StatusCode))
	}
	if a.RESTError != "" {
		attrs = append(attrs, AttrRESTError.String(a.RESTError))
	}
	if a.Err != nil {
		attrs = append(attrs, AttrErrorType.String(errorType(a.Err)))
	}
	if a.BudgetWait > 0 {
		attrs = append(attrs, AttrBudgetWait.Int64(a.BudgetWait.Milliseconds()))
	}
	if a.RetryWait > 0 {
		attrs = append(attrs, AttrRetryWait.Int64(a.RetryWait.Milliseconds()))
	}
	trace.SpanFromContext(ctx).AddEvent("attempt", trace.WithAttributes(attrs...))
	if o.attempts != nil {
		o.attempts.Add(ctx, 1, metric.WithAttributes(AttrOperation.String(a.Operation), statusAttr(a.StatusCode)))
	}
}

// CallEnd implements conversation.Observer: it ends the span and records
// the call's duration and waits.
func (o *Observer) CallEnd(ctx context.Context, end conversation.CallEnd) {
	span := trace.SpanFromContext(ctx)
	attrs := []attribute.KeyValue{AttrAttempts.Int(end.Attempts),
		AttrRetryWait.Int64(end.RetryWait.Milliseconds()), AttrBudgetWait.Int64(end.BudgetWait.Milliseconds())}
	if end.StatusCode != 0 {
		attrs = append(attrs, AttrStatusCode.Int(end.StatusCode))
	}
	if end.RESTError != "" {
		attrs = append(attrs, AttrRESTError.String(end.RESTError))
	}
	span.SetAttributes(attrs...)
	if end.Err != nil {
		span.SetAttributes(AttrErrorType.String(errorType(end.Err)))
		// The error's text names no credential (the client scrubs it).
		span.SetStatus(codes.Error, end.Err.Error())
	}
	span.End()

	opAttr := metric.WithAttributes(AttrOperation.String(end.Operation), statusAttr(end.StatusCode))
	if o.calls != nil {
		o.calls.Record(ctx, end.Duration.Seconds(), opAttr)
	}
	if o.retryWait != nil && end.RetryWait > 0 {
		o.retryWait.Record(ctx, end.RetryWait.Seconds(), metric.WithAttributes(AttrOperation.String(end.Operation)))
	}
	if o.budgetWait != nil && end.BudgetWait > 0 {
		o.budgetWait.Record(ctx, end.BudgetWait.Seconds(), metric.WithAttributes(AttrOperation.String(end.Operation)))
	}
}

func statusAttr(status int) attribute.KeyValue { return AttrStatusCode.Int(status) }

// errorType is a low-cardinality name for a failure.
func errorType(err error) string {
	var apiErr *conversation.APIError
	var decErr *conversation.DecodeError
	var argErr *conversation.ArgumentError
	var te *conversation.TransportError
	switch {
	case errors.As(err, &apiErr):
		return "api_error"
	case errors.As(err, &decErr):
		return "decode_error"
	case errors.As(err, &argErr):
		return "invalid_argument"
	case errors.As(err, &te):
		return "transport_error"
	}
	return "error"
}

func newBudgetGauges(m metric.Meter) budgetGauges {
	var g budgetGauges
	keep := func(err error) {
		if g.err == nil && err != nil {
			g.err = err
		}
	}
	var err error
	g.permits, err = m.Int64ObservableGauge("ultracart.client.budget.permits", metric.WithUnit("{permit}"),
		metric.WithDescription("Requests the rate budget lets through now without waiting (the smaller of its buckets)."))
	keep(err)
	g.bucketPermits, err = m.Int64ObservableGauge("ultracart.client.budget.bucket.permits", metric.WithUnit("{permit}"),
		metric.WithDescription("Permits each bucket of the rate budget holds (ultracart.budget.bucket: hour, day)."))
	keep(err)
	g.waiting, err = m.Int64ObservableGauge("ultracart.client.budget.waiting", metric.WithUnit("{call}"),
		metric.WithDescription("Calls waiting for a permit of the rate budget."))
	keep(err)
	g.inFlight, err = m.Int64ObservableGauge("ultracart.client.budget.in_flight", metric.WithUnit("{request}"),
		metric.WithDescription("Requests under way that hold a permit of the rate budget."))
	keep(err)
	g.pauses, err = m.Int64ObservableCounter("ultracart.client.budget.pauses", metric.WithUnit("{pause}"),
		metric.WithDescription("429s that paused the rate budget."))
	keep(err)
	g.pauseLeft, err = m.Float64ObservableGauge("ultracart.client.budget.pause.remaining", metric.WithUnit("s"),
		metric.WithDescription("Time until the pause a 429 started ends; 0 when the budget is not paused."))
	keep(err)
	g.wait, err = m.Float64ObservableGauge("ultracart.client.budget.wait.expected", metric.WithUnit("s"),
		metric.WithDescription("How long a call made now would wait for its permit."))
	keep(err)
	return g
}

// ObserveBudget reports c's rate budget (conversation.Client.Budget) on
// o's meter, each time the meter collects, as these instruments, with
// attrs on every point (say, the name of the program's budget when it
// observes several clients):
//
//   - ultracart.client.budget.permits: what can be sent now without waiting;
//   - ultracart.client.budget.bucket.permits: each bucket's permits
//     (ultracart.budget.bucket "hour" and "day");
//   - ultracart.client.budget.pause.remaining: seconds until the pause a
//     429 started ends, 0 when not paused;
//   - ultracart.client.budget.wait.expected: seconds a call made now would
//     wait for its permit;
//   - ultracart.client.budget.waiting and ultracart.client.budget.in_flight:
//     calls waiting for a permit, requests under way;
//   - ultracart.client.budget.pauses: 429s that paused the budget (a
//     counter).
//
// Clients that share a budget report the same figures. A client without a
// budget (conversation.WithoutBudget) reports nothing at all, rather than
// figures that could read as an exhausted budget. Unregister the
// registration when c is no longer used: it holds c.
func (o *Observer) ObserveBudget(c *conversation.Client, attrs ...attribute.KeyValue) (metric.Registration, error) {
	if c == nil {
		return nil, errors.New("conversationotel: ObserveBudget: nil client")
	}
	g := o.budget
	if g.err != nil {
		return nil, fmt.Errorf("conversationotel: ObserveBudget: %w", g.err)
	}
	set := attribute.NewSet(attrs...)
	all := metric.WithAttributeSet(set)
	hour := metric.WithAttributeSet(attribute.NewSet(append(set.ToSlice(), AttrBucket.String("hour"))...))
	day := metric.WithAttributeSet(attribute.NewSet(append(set.ToSlice(), AttrBucket.String("day"))...))
	return o.meter.RegisterCallback(func(_ context.Context, ob metric.Observer) error {
		st := c.Budget()
		if !st.Enabled {
			return nil
		}
		ob.ObserveInt64(g.permits, int64(st.PermitsLeft), all)
		ob.ObserveInt64(g.bucketPermits, int64(st.HourLeft), hour)
		ob.ObserveInt64(g.bucketPermits, int64(st.DayLeft), day)
		ob.ObserveInt64(g.waiting, int64(st.Waiting), all)
		ob.ObserveInt64(g.inFlight, int64(st.InFlight), all)
		ob.ObserveInt64(g.pauses, int64(st.Pauses), all)
		var left time.Duration
		if !st.PausedUntil.IsZero() {
			left = max(time.Until(st.PausedUntil), 0)
		}
		ob.ObserveFloat64(g.pauseLeft, left.Seconds(), all)
		ob.ObserveFloat64(g.wait, st.Wait.Seconds(), all)
		return nil
	}, g.permits, g.bucketPermits, g.waiting, g.inFlight, g.pauses, g.pauseLeft, g.wait)
}
