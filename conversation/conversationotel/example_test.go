package conversationotel_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationotel"
)

func Example() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"success":true,"conversation_departments":[]}`)
	}))
	defer srv.Close()

	// In a program: conversationotel.New() with the global providers.
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))

	c, err := conversation.NewClient(conversation.WithSimpleKey("my-simple-key"), conversation.WithBaseURL(srv.URL),
		conversation.WithObserver(conversationotel.New(conversationotel.WithTracerProvider(tp))))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.GetConversationDepartments(context.Background()); err != nil {
		log.Fatal(err)
	}
	for _, s := range spans.Ended() {
		fmt.Println(s.Name(), len(s.Events()), "attempt")
	}
	// Output:
	// getConversationDepartments 1 attempt
}

// The rate budget as gauges: permits left, the pause a 429 started, calls
// waiting. Here read back with a manual reader; in a program, the meter
// provider exports them.
func ExampleObserver_ObserveBudget() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()

	reader := sdkmetric.NewManualReader()
	obs := conversationotel.New(conversationotel.WithMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))))
	c, err := conversation.NewClient(conversation.WithSimpleKey("my-simple-key"), conversation.WithBaseURL(srv.URL),
		conversation.WithObserver(obs))
	if err != nil {
		log.Fatal(err)
	}
	reg, err := obs.ObserveBudget(c, attribute.String("program", "support-bot"))
	if err != nil {
		log.Fatal(err)
	}
	defer reg.Unregister()
	if err := c.GetAgentKeepAlive(context.Background()); err != nil {
		log.Fatal(err)
	}

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		log.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if g, ok := m.Data.(metricdata.Gauge[int64]); ok && m.Name == "ultracart.client.budget.permits" {
				fmt.Println(m.Name, g.DataPoints[0].Value)
			}
		}
	}
	// Output:
	// ultracart.client.budget.permits 99
}
