// Package conversationotel reports the calls of a conversation.Client to
// OpenTelemetry: a span per call (operationId, attempts, status,
// UC-REST-ERROR, retry and rate-budget waits, an event per attempt) and
// metrics of calls, attempts and waits.
//
//	c, err := conversation.NewClient(conversation.WithSimpleKey(key),
//		conversation.WithObserver(conversationotel.New()))
//
// It is a package of its own so that programs that do not use OpenTelemetry
// do not link it.
package conversationotel

import (
	"context"
	"errors"

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
