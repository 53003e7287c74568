package conversationotel_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationotel"
)

const testKey = "sk-OTEL-TEST-KEY-0123456789"

type telemetry struct {
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	obs    *conversationotel.Observer
}

func newTelemetry() telemetry {
	sr := tracetest.NewSpanRecorder()
	reader := sdkmetric.NewManualReader()
	obs := conversationotel.New(
		conversationotel.WithTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))),
		conversationotel.WithMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))),
	)
	return telemetry{sr, reader, obs}
}

func (tm telemetry) metrics(t *testing.T) map[string]metricdata.Aggregation {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := tm.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]metricdata.Aggregation{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out[m.Name] = m.Data
		}
	}
	return out
}

func attrs(kvs []attribute.KeyValue) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range kvs {
		m[kv.Key] = kv.Value
	}
	return m
}

// TestSpanAndMetricsOfARetriedCall: one call that gets a 503, waits and
// succeeds is one span with two attempt events, and metrics of one call, two
// attempts and one retry wait.
func TestSpanAndMetricsOfARetriedCall(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("UC-REST-ERROR", "busy, try again")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"success":false}`)
			return
		}
		fmt.Fprint(w, `{"success":true,"conversation":{"conversation_uuid":"c1"}}`)
	}))
	defer srv.Close()
	tm := newTelemetry()
	c, err := conversation.NewClient(conversation.WithSimpleKey(testKey), conversation.WithBaseURL(srv.URL),
		conversation.WithRetryPolicy(conversation.RetryPolicy{BaseDelay: 2 * time.Millisecond, MaxDelay: 4 * time.Millisecond}),
		conversation.WithObserver(tm.obs))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetConversation(context.Background(), "c1", nil); err != nil {
		t.Fatal(err)
	}

	spans := tm.spans.Ended()
	if len(spans) != 1 {
		t.Fatalf("%d spans, want 1", len(spans))
	}
	s := spans[0]
	a := attrs(s.Attributes())
	if s.Name() != "getConversation" || a[conversationotel.AttrOperation].AsString() != "getConversation" ||
		a[conversationotel.AttrAttempts].AsInt64() != 2 || a[conversationotel.AttrStatusCode].AsInt64() != 200 ||
		a[conversationotel.AttrRetryWait].AsInt64() < 1 || s.Status().Code == codes.Error {
		t.Errorf("span %s %v status %v", s.Name(), s.Attributes(), s.Status())
	}
	ev := s.Events()
	if len(ev) != 2 {
		t.Fatalf("%d events, want 2", len(ev))
	}
	first, second := attrs(ev[0].Attributes), attrs(ev[1].Attributes)
	if first[conversationotel.AttrStatusCode].AsInt64() != 503 || first[conversationotel.AttrRESTError].AsString() != "busy, try again" ||
		first[conversationotel.AttrRetryWait].AsInt64() < 1 || second[conversationotel.AttrStatusCode].AsInt64() != 200 {
		t.Errorf("events %v / %v", ev[0].Attributes, ev[1].Attributes)
	}

	m := tm.metrics(t)
	calls, ok := m["ultracart.client.call.duration"].(metricdata.Histogram[float64])
	if !ok || len(calls.DataPoints) != 1 || calls.DataPoints[0].Count != 1 {
		t.Errorf("call duration %+v", m["ultracart.client.call.duration"])
	}
	attempts, ok := m["ultracart.client.attempts"].(metricdata.Sum[int64])
	var total int64
	for _, dp := range attempts.DataPoints {
		total += dp.Value
	}
	if !ok || total != 2 || len(attempts.DataPoints) != 2 { // one point per status: 503 and 200
		t.Errorf("attempts %+v", m["ultracart.client.attempts"])
	}
	wait, ok := m["ultracart.client.retry.wait"].(metricdata.Histogram[float64])
	if !ok || len(wait.DataPoints) != 1 || wait.DataPoints[0].Count != 1 {
		t.Errorf("retry wait %+v", m["ultracart.client.retry.wait"])
	}
	t.Logf("span %q: %d attributes, %d events; metrics: %d", s.Name(), len(s.Attributes()), len(ev), len(m))
}

// TestFailedCallSpan: a failure marks the span as an error with the
// error's type and UC-REST-ERROR, and no credential.
func TestFailedCallSpan(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("UC-REST-ERROR", "no such queue")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"success":false,"error":{"developer_message":"queue not found"}}`)
	}))
	defer srv.Close()
	tm := newTelemetry()
	c, err := conversation.NewClient(conversation.WithSimpleKey(testKey), conversation.WithBaseURL(srv.URL), conversation.WithObserver(tm.obs))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetPbxQueue(context.Background(), "q1"); err == nil {
		t.Fatal("no error")
	}
	s := tm.spans.Ended()[0]
	a := attrs(s.Attributes())
	if s.Status().Code != codes.Error || a[conversationotel.AttrErrorType].AsString() != "api_error" ||
		a[conversationotel.AttrRESTError].AsString() != "no such queue" || a[conversationotel.AttrAttempts].AsInt64() != 1 {
		t.Errorf("span %v status %v", s.Attributes(), s.Status())
	}
	if strings.Contains(fmt.Sprint(s.Attributes(), s.Status(), s.Events()), testKey) {
		t.Error("the span holds the key")
	}
}

// TestNoRequestNoAttempt: a call refused before sending reports no attempt.
func TestNoRequestNoAttempt(t *testing.T) {
	tm := newTelemetry()
	c, err := conversation.NewClient(conversation.WithSimpleKey(testKey), conversation.WithBaseURL("http://127.0.0.1:9"), conversation.WithObserver(tm.obs))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _ = c.GetPbxQueue(ctx, "q1")
	if spans := tm.spans.Ended(); len(spans) != 1 || attrs(spans[0].Attributes())[conversationotel.AttrAttempts].AsInt64() > 1 {
		t.Errorf("spans %v", spans)
	}
	// an invalid argument is refused before the call starts: no span at all
	_, _ = c.GetPbxQueue(context.Background(), "..")
	if n := len(tm.spans.Ended()); n != 1 {
		t.Errorf("%d spans after an invalid argument, want still 1", n)
	}
}

// gauge returns the points of a gauge or counter as value by the bucket
// attribute ("" for none), and whether it had any.
func gauge(t *testing.T, m map[string]metricdata.Aggregation, name string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	add := func(set attribute.Set, v float64) {
		b, _ := set.Value(conversationotel.AttrBucket)
		out[b.AsString()] = v
	}
	switch d := m[name].(type) {
	case nil:
	case metricdata.Gauge[int64]:
		for _, p := range d.DataPoints {
			add(p.Attributes, float64(p.Value))
		}
	case metricdata.Gauge[float64]:
		for _, p := range d.DataPoints {
			add(p.Attributes, p.Value)
		}
	case metricdata.Sum[int64]:
		for _, p := range d.DataPoints {
			add(p.Attributes, float64(p.Value))
		}
	default:
		t.Fatalf("%s: %T", name, d)
	}
	return out
}

// TestBudgetGauges: the budget of a client, observed: permits left in each
// bucket, then a 429 that pauses it and empties the hourly bucket; a
// client without a budget reports no point at all; unregistered, none.
func TestBudgetGauges(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 2 {
			w.Header().Set("UC-REST-ERROR", "rate of 1000 per 3600 second(s) exceeded.")
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	tm := newTelemetry()
	budget, err := conversation.NewLocalLimiter(conversation.BudgetLimits{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := conversation.NewClient(conversation.WithSimpleKey(testKey), conversation.WithBaseURL(srv.URL),
		conversation.WithLimiter(budget), conversation.WithoutRetries(), conversation.WithObserver(tm.obs))
	if err != nil {
		t.Fatal(err)
	}
	off, err := conversation.NewClient(conversation.WithSimpleKey(testKey), conversation.WithBaseURL(srv.URL), conversation.WithoutBudget())
	if err != nil {
		t.Fatal(err)
	}
	who := attribute.String("budget", "bot")
	reg, err := tm.obs.ObserveBudget(c, who)
	if err != nil {
		t.Fatal(err)
	}
	regOff, err := tm.obs.ObserveBudget(off, attribute.String("budget", "off"))
	if err != nil {
		t.Fatal(err)
	}
	defer regOff.Unregister()
	if _, err := tm.obs.ObserveBudget(nil); err == nil {
		t.Error("a nil client accepted")
	}

	if err := c.GetAgentKeepAlive(context.Background()); err != nil {
		t.Fatal(err)
	}
	m := tm.metrics(t)
	for name, want := range map[string]map[string]float64{
		"ultracart.client.budget.permits":         {"": 99},
		"ultracart.client.budget.bucket.permits":  {"hour": 99, "day": 999},
		"ultracart.client.budget.waiting":         {"": 0},
		"ultracart.client.budget.in_flight":       {"": 0},
		"ultracart.client.budget.pauses":          {"": 0},
		"ultracart.client.budget.pause.remaining": {"": 0},
		"ultracart.client.budget.wait.expected":   {"": 0},
	} {
		if got := gauge(t, m, name); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v (the client without a budget must add no point)", name, got, want)
		}
	}
	if d, ok := m["ultracart.client.budget.permits"].(metricdata.Gauge[int64]); !ok || len(d.DataPoints) != 1 ||
		!d.DataPoints[0].Attributes.HasValue("budget") {
		t.Errorf("permits points %+v, want one carrying the caller's attribute", m["ultracart.client.budget.permits"])
	}

	if err := c.GetAgentKeepAlive(context.Background()); err == nil {
		t.Fatal("want the 429")
	}
	m = tm.metrics(t)
	if got := gauge(t, m, "ultracart.client.budget.bucket.permits"); got["hour"] != 0 || got["day"] != 998 {
		t.Errorf("after an hourly 429: buckets %v, want the hourly one empty", got)
	}
	if got := gauge(t, m, "ultracart.client.budget.pause.remaining")[""]; got < 100 || got > 120 {
		t.Errorf("pause remaining %v s, want about 120", got)
	}
	if got := gauge(t, m, "ultracart.client.budget.wait.expected")[""]; got < 100 || got > 120 {
		t.Errorf("expected wait %v s, want about 120", got)
	}
	if got := gauge(t, m, "ultracart.client.budget.pauses")[""]; got != 1 {
		t.Errorf("pauses %v, want 1", got)
	}

	if err := reg.Unregister(); err != nil {
		t.Fatal(err)
	}
	if got := gauge(t, tm.metrics(t), "ultracart.client.budget.permits"); len(got) != 0 {
		t.Errorf("after Unregister: %v", got)
	}
}
