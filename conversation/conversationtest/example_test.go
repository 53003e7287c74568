package conversationtest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
	"github.com/ultracart-community/ultracart-go/uctime"
)

func strPtr(s string) *string { return &s }

// A test seeds the fake, runs the code under test against srv.Client, and
// checks the outcome in the fake's state.
func ExampleNewServer() {
	t := &testing.T{} // stands in for the *testing.T of a real test function

	srv := conversationtest.NewServer(t)
	defer srv.Close() // in a real test, t.Cleanup does this

	conv, err := srv.AddConversation(conversation.Conversation{})
	if err != nil {
		t.Fatal(err)
	}
	id := *conv.ConversationUUID
	_, _ = srv.AddMessage(id, conversation.ConversationMessage{
		AuthorConversationParticipantARN: strPtr("arn:fake:conversation:user/customer"),
		Body:                             strPtr("Is my order on its way?"),
	})

	// The code under test: read the unread conversations, mark them read.
	ctx := context.Background()
	page, err := srv.Client.GetConversations(ctx, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range page.Items {
		if s.UnreadMessages != nil && *s.UnreadMessages {
			fmt.Println("unread:", *s.LastConversationMessageBody)
			if err := srv.Client.MarkReadConversation(ctx, *s.ConversationUUID); err != nil {
				fmt.Println(err)
			}
		}
	}

	after, _ := srv.Conversation(id)
	fmt.Println("still unread:", *after.UnreadMessages)
	fmt.Println("markread calls:", srv.RequestCount("markReadConversation"))
	// Output:
	// unread: Is my order on its way?
	// still unread: false
	// markread calls: 1
}

// Injected faults exercise a client's retries: here a 429 the client
// waits out (Retry-After: 0) before trying again, then an outage it
// reports.
func ExampleServer_FailNext() {
	t := &testing.T{} // stands in for the *testing.T of a real test function
	srv := conversationtest.NewServer(t)
	defer srv.Close()
	ctx := context.Background()

	srv.FailNext(1, conversationtest.RateLimited(0).For("getConversationDepartments"))
	_, err := srv.Client.GetConversationDepartments(ctx)
	fmt.Println("after a 429:", err, "- requests:", srv.RequestCount("getConversationDepartments"))

	srv.FailNext(1, conversationtest.HTTPStatus(500))
	_, err = srv.Client.GetConversationDepartments(ctx)
	var apiErr *conversation.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("after a 500:", apiErr.StatusCode, errors.Is(err, conversation.ErrServer))
	}
	// Output:
	// after a 429: <nil> - requests: 2
	// after a 500: 500 true
}

// New serves the fake on a server of your own, here httptest's; the
// ultracart-fake command does the same on a TCP address.
func ExampleNew() {
	fake, err := conversationtest.New(conversationtest.WithKey("test-key"), conversationtest.WithDemoData())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer fake.Close()
	hs := httptest.NewServer(fake.Handler())
	defer hs.Close()

	c, err := conversation.NewClient(
		conversation.WithSimpleKey("test-key"),
		conversation.WithBaseURL(hs.URL+conversationtest.BasePath),
		conversation.WithoutBudget(), // the fake has no rate limits
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	canned, err := c.GetConversationCannedMessages(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range canned {
		fmt.Println(m.GetShortCode())
	}
	// Output:
	// hello
	// hours
	// shipping
	// thanks
}

// A request with a property the release the fake serves does not define
// (here one a newer SDK might send) is refused by default, as the service
// would ignore it; KeepUnknown keeps it instead and logs a line.
func ExampleWithUnknownProperties() {
	t := &testing.T{} // stands in for the *testing.T of a real test function
	const queue = `{"name":"Sales","ai_tone":"warm"}`

	strict := conversationtest.NewServer(t)
	defer strict.Close()
	status, body := postJSON(strict, "/conversation/pbx/queue", queue)
	fmt.Println(status, strings.Contains(body, `body property \"ai_tone\" of ConversationPbxQueue is not in release `+strict.Release()))

	lenient := conversationtest.NewServer(t,
		conversationtest.WithUnknownProperties(conversationtest.KeepUnknown),
		conversationtest.WithLogf(func(format string, args ...any) {
			line, _, _ := strings.Cut(fmt.Sprintf(format, args...), ", not in release")
			fmt.Println("log:", line)
		}))
	defer lenient.Close()
	status, body = postJSON(lenient, "/conversation/pbx/queue", queue)
	fmt.Println(status, strings.Contains(body, `"ai_tone":"warm"`))
	// Output:
	// 400 true
	// log: conversationtest: insertPbxQueue: accepted body property "ai_tone" of ConversationPbxQueue
	// 200 true
}

// postJSON posts body to the fake's path with its key.
func postJSON(srv *conversationtest.Server, path, body string) (int, string) {
	req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
	req.Header.Set("x-ultracart-simple-key", srv.Key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The status reports are computed from status events, which a test adds
// (and the webchat queue status update records): here a morning of the
// calling agent's on chat, and that day's rollup.
func ExampleServer_AddAgentStatusEvent() {
	t := &testing.T{} // stands in for the *testing.T of a real test function
	srv := conversationtest.NewServer(t)
	defer srv.Close()

	ny, _ := time.LoadLocation("America/New_York") // the PBX default time zone: the reports' days
	me, chat := srv.AgentUserID().String(), conversation.ConversationAgentChannel("chat")
	for _, e := range []struct {
		status string
		hour   int
	}{{"available", 9}, {"busy", 11}, {"offline", 12}} {
		when := uctime.Ptr(time.Date(2026, 4, 20, e.hour, 0, 0, 0, ny))
		if _, err := srv.AddAgentStatusEvent(conversation.ConversationAgentStatusEvent{AgentUserID: &me, Channel: &chat, NewStatus: &e.status, EventDts: when}); err != nil {
			fmt.Println(err)
			return
		}
	}

	day := "2026-04-20"
	rollups, err := srv.Client.SearchAgentStatusRollups(context.Background(), &conversation.ConversationAgentStatusRollupSearchRequest{DateStart: &day, DateEnd: &day})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rollups {
		fmt.Println(r.GetAgentName(), r.GetChannel(), r.GetAvailableSeconds(), "of", r.GetTotalTrackedSeconds(), "seconds available:", string(r.StatusBreakdown))
	}
	// Output:
	// Fake Agent chat 10800 of 10800 seconds available: {"available":7200,"busy":3600}
}
