package conversation_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/ultracart-community/ultracart-go/conversation"
)

// fakeUltraCart stands in for the service in these examples; real programs
// leave the base URL at its default.
func fakeUltraCart(h http.HandlerFunc) *httptest.Server { return httptest.NewServer(h) }

func ExampleNewClient() {
	srv := fakeUltraCart(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Ultracart-Simple-Key") != "my-simple-key" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, `{"success":true,"conversation_departments":[`+
			`{"conversation_department_oid":1,"department_name":"Sales"},`+
			`{"conversation_department_oid":2,"department_name":"Support"}]}`)
	})
	defer srv.Close()

	c, err := conversation.NewClient(
		conversation.WithSimpleKey("my-simple-key"),
		conversation.WithBaseURL(srv.URL), // omit to call secure.ultracart.com
	)
	if err != nil {
		log.Fatal(err)
	}
	depts, err := c.GetConversationDepartments(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range depts {
		fmt.Println(d.GetConversationDepartmentOid(), d.GetDepartmentName())
	}
	// Output:
	// 1 Sales
	// 2 Support
}

func ExampleClient_GetConversationsIter() {
	// Seven conversations, served two per page.
	srv := fakeUltraCart(func(w http.ResponseWriter, r *http.Request) {
		offset, _ := strconv.Atoi(r.URL.Query().Get("_offset"))
		fmt.Fprint(w, `{"success":true,"conversations":[`)
		n := 0
		for i := offset; i < 7 && i < offset+2; i++ {
			if n > 0 {
				fmt.Fprint(w, ",")
			}
			fmt.Fprintf(w, `{"conversation_uuid":"conv-%d","medium":"sms"}`, i)
			n++
		}
		more := offset+n < 7
		fmt.Fprintf(w, `],"metadata":{"result_set":{"count":%d,"offset":%d,"more":%t,"next_offset":%d}}}`, n, offset, more, offset+n)
	})
	defer srv.Close()
	c, err := conversation.NewClient(conversation.WithSimpleKey("my-simple-key"), conversation.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	opts := &conversation.GetConversationsOptions{Medium: conversation.ConversationMediumSms, Limit: 2}
	for summary, err := range c.GetConversationsIter(ctx, opts) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(summary.GetConversationUUID())
	}
	// Output:
	// conv-0
	// conv-1
	// conv-2
	// conv-3
	// conv-4
	// conv-5
	// conv-6
}

func ExampleAPIError() {
	srv := fakeUltraCart(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("UC-REST-ERROR", "Rate limit exceeded")
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"success":false,"error":{"error_code":"429","user_message":"Too many requests, slow down.",`+
			`"developer_message":"Rate limit of 10 calls per second exceeded"}}`)
	})
	defer srv.Close()
	c, err := conversation.NewClient(conversation.WithSimpleKey("my-simple-key"), conversation.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	// A Retry-After of two minutes exceeds the retry policy's MaxRetryAfter,
	// so the 429 comes back at once for the program to act on.
	_, err = c.GetConversation(context.Background(), "conv-1", nil)

	fmt.Println(errors.Is(err, conversation.ErrRateLimited))
	var apiErr *conversation.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.RetryAfter)
		fmt.Println(apiErr.UserMessage)
		fmt.Println(apiErr.RESTError)
	}
	fmt.Println(err)
	// Output:
	// true
	// 429 2m0s
	// Too many requests, slow down.
	// Rate limit exceeded
	// conversation: getConversation: 429 Too Many Requests: Rate limit of 10 calls per second exceeded (error_code 429)
}

func Example_errors() {
	srv := fakeUltraCart(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
	})
	defer srv.Close()
	c, err := conversation.NewClient(conversation.WithSimpleKey("my-simple-key"), conversation.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// Not found: an *APIError matching ErrNotFound.
	err = c.MarkReadConversation(ctx, "no-such-conversation")
	fmt.Println(errors.Is(err, conversation.ErrNotFound))

	// A bad argument: nothing is sent.
	_, err = c.UpdateConversationDepartment(ctx, 0, &conversation.ConversationDepartment{})
	fmt.Println(errors.Is(err, conversation.ErrInvalidArgument), err)

	// A context that ends: a *TransportError matching the context's error.
	expired, cancel := context.WithTimeout(ctx, -time.Second)
	defer cancel()
	err = c.GetAgentKeepAlive(expired)
	var te *conversation.TransportError
	fmt.Println(errors.As(err, &te), errors.Is(err, context.DeadlineExceeded))
	// Output:
	// true
	// true conversation: updateConversationDepartment: invalid argument conversationDepartmentOid: must be between 1 and 2147483647
	// true true
}

func ExampleClient_FollowConversationMessages() {
	// A conversation where a message arrives at each poll.
	var polls atomic.Int64
	srv := fakeUltraCart(func(w http.ResponseWriter, r *http.Request) {
		n := polls.Add(1)
		fmt.Fprint(w, `{"success":true,"conversation_messages":[`)
		for i := int64(1); i <= n; i++ {
			if i > 1 {
				fmt.Fprint(w, ",")
			}
			fmt.Fprintf(w, `{"conversation_message_uuid":"m%d","message_epoch":%d,"body":"message %d"}`, i, 1670000000000+i, i)
		}
		fmt.Fprint(w, `]}`)
	})
	defer srv.Close()
	// A loopback fake has no rate limits: WithoutBudget lets the example
	// poll every 10ms. Against UltraCart, keep the budget and the default
	// interval.
	c, err := conversation.NewClient(conversation.WithSimpleKey("my-simple-key"), conversation.WithBaseURL(srv.URL),
		conversation.WithoutBudget())
	if err != nil {
		log.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n := 0
	for m, err := range c.FollowConversationMessages(ctx, "conv-1", &conversation.FollowConversationMessagesOptions{Interval: 10 * time.Millisecond}) {
		if err != nil {
			log.Print(err) // a failed poll: keep following
			continue
		}
		fmt.Println(m.GetBody())
		if n++; n == 3 {
			break
		}
	}
	// Output:
	// message 1
	// message 2
	// message 3
}

func ExampleWithResponseInfo() {
	srv := fakeUltraCart(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"success":true,"conversation":{"conversation_uuid":"conv-1","medium":"sms"},`+
			`"warning":{"warning_message":"participant list truncated"}}`)
	})
	defer srv.Close()
	c, err := conversation.NewClient(conversation.WithSimpleKey("my-simple-key"), conversation.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	// The method returns the conversation; the rest of the response is
	// there for the asking.
	var info conversation.ResponseInfo
	conv, err := c.GetConversation(context.Background(), "conv-1", nil, conversation.WithResponseInfo(&info))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(conv.GetConversationUUID(), conv.GetMedium() == conversation.ConversationMediumSms)
	fmt.Println(info.StatusCode, info.Warning.GetWarningMessage())
	// Output:
	// conv-1 true
	// 200 participant list truncated
}

func ExamplePtr() {
	// Optional fields are pointers: Ptr builds them in place.
	msg := conversation.ConversationCannedMessage{
		ShortCode:     conversation.Ptr("hours"),
		CannedMessage: conversation.Ptr("We are open 9 to 5, Monday to Friday."),
	}
	// Getters read them back without nil checks.
	fmt.Println(msg.GetShortCode(), msg.GetConversationCannedMessageOid())
	// Output:
	// hours 0
}

func ExampleClient_GetConversationsSearchIter() {
	// A search service with five matches, served as the client asks.
	srv := fakeUltraCart(func(w http.ResponseWriter, r *http.Request) {
		var req conversation.ConversationSearchRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		fmt.Fprint(w, `{"total":5,"records":[`)
		for i := req.GetRangeBegin(); i < min(req.GetRangeEnd(), 5); i++ {
			if i > req.GetRangeBegin() {
				fmt.Fprint(w, ",")
			}
			fmt.Fprintf(w, `{"conversation_uuid":"conv-%d"}`, i)
		}
		fmt.Fprint(w, `]}`)
	})
	defer srv.Close()
	c, err := conversation.NewClient(conversation.WithSimpleKey("my-simple-key"), conversation.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	search := &conversation.ConversationSearchRequest{
		TextSearch: conversation.Ptr("refund"),
		RangeBegin: conversation.Ptr(int32(0)),
		RangeEnd:   conversation.Ptr(int32(2)), // two per request
	}
	for conv, err := range c.GetConversationsSearchIter(context.Background(), search) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(conv.GetConversationUUID())
	}
	// Output:
	// conv-0
	// conv-1
	// conv-2
	// conv-3
	// conv-4
}

func ExampleClient_GetConversationMessagesIter() {
	// A conversation with three messages.
	srv := fakeUltraCart(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"success":true,"conversation_messages":[`+
			`{"conversation_message_uuid":"m1","message_epoch":1670000000001,"body":"Hi, where is my order?"},`+
			`{"conversation_message_uuid":"m2","message_epoch":1670000000002,"body":"Let me check."},`+
			`{"conversation_message_uuid":"m3","message_epoch":1670000000003,"body":"It shipped today."}]}`)
	})
	defer srv.Close()
	c, err := conversation.NewClient(conversation.WithSimpleKey("my-simple-key"), conversation.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	// The whole history, then the loop ends: no polling.
	for m, err := range c.GetConversationMessagesIter(context.Background(), "conv-1", nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(m.GetBody())
	}
	// Output:
	// Hi, where is my order?
	// Let me check.
	// It shipped today.
}
