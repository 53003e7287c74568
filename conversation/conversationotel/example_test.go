package conversationotel_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

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
