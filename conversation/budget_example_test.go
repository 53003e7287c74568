package conversation_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
)

// An application whose limits UltraCart raised tells its clients the new
// figures; the other fields keep their defaults.
func ExampleWithBudget() {
	c, err := conversation.NewClient(
		conversation.WithSimpleKey("key-of-an-application-with-raised-limits"),
		conversation.WithBudget(conversation.BudgetLimits{PerHour: 5000, PerDay: 50000}),
	)
	if err != nil {
		log.Fatal(err)
	}
	b := c.Budget()
	fmt.Println(b.Limits.PerHour, b.Limits.PerDay, b.PermitsLeft, b.Limits.MaxInFlight)
	// A poll loop must wait at least this long between polls:
	fmt.Println(b.Limits.SustainedInterval())
	// Output:
	// 5000 50000 100 1
	// 1.728s
}

// UltraCart counts an application's requests together, whatever credential
// they carry. Clients with different credentials for one application (here
// a bot with the simple key and a dashboard with an OAuth token) share a
// budget when given the same Limiter. Across processes, use package
// conversation/redisbudget.
func ExampleWithLimiter() {
	srv := fakeUltraCart(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	defer srv.Close()
	shared, err := conversation.NewLocalLimiter(conversation.BudgetLimits{})
	if err != nil {
		log.Fatal(err)
	}
	bot, err := conversation.NewClient(conversation.WithSimpleKey("my-simple-key"),
		conversation.WithBaseURL(srv.URL), conversation.WithLimiter(shared))
	if err != nil {
		log.Fatal(err)
	}
	dashboard, err := conversation.NewClient(conversation.WithBearerToken("my-access-token"),
		conversation.WithBaseURL(srv.URL), conversation.WithLimiter(shared))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if err := bot.GetAgentKeepAlive(ctx); err != nil {
		log.Fatal(err)
	}
	if err := dashboard.GetAgentKeepAlive(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println(bot.Budget().PermitsLeft, dashboard.Budget().PermitsLeft)
	// Output:
	// 98 98
}

// A call whose permit would come after its deadline fails at once, sending
// nothing, with an error that says how long the wait would have been.
func ExampleBudgetError() {
	srv := fakeUltraCart(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	defer srv.Close()
	// A budget of one request an hour, to make the point quickly.
	budget, err := conversation.NewLocalLimiter(conversation.BudgetLimits{PerHour: 1, Burst: 1})
	if err != nil {
		log.Fatal(err)
	}
	c, err := conversation.NewClient(conversation.WithSimpleKey("my-simple-key"),
		conversation.WithBaseURL(srv.URL), conversation.WithLimiter(budget))
	if err != nil {
		log.Fatal(err)
	}
	if err := c.GetAgentKeepAlive(context.Background()); err != nil { // the hour's permit
		log.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = c.GetAgentKeepAlive(ctx)
	var be *conversation.BudgetError
	if errors.As(err, &be) {
		fmt.Println(errors.Is(err, conversation.ErrBudgetExhausted), be.Operation, be.Wait.Round(time.Minute))
	}
	fmt.Println(ctx.Err()) // the deadline has not passed: the program can still act
	// Output:
	// true getAgentKeepAlive 1h0m0s
	// <nil>
}

// A 429 pauses the budget of every client that shares it until its
// Retry-After; a UC-REST-ERROR that names the exceeded rate also empties the
// bucket of that rate.
func ExampleClient_Budget() {
	srv := fakeUltraCart(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("UC-REST-ERROR", "rate of 1000 per 3600 second(s) exceeded.")
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	defer srv.Close()
	budget, err := conversation.NewLocalLimiter(conversation.BudgetLimits{})
	if err != nil {
		log.Fatal(err)
	}
	c, err := conversation.NewClient(conversation.WithSimpleKey("my-simple-key"),
		conversation.WithBaseURL(srv.URL), conversation.WithLimiter(budget))
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.GetConversationDepartments(context.Background())
	fmt.Println(errors.Is(err, conversation.ErrRateLimited), errors.Is(err, conversation.ErrDailyLimit))

	b := c.Budget()
	fmt.Println("pauses:", b.Pauses, "paused for:", time.Until(b.PausedUntil).Round(time.Minute))
	fmt.Println("hourly permits left:", b.HourLeft)
	// Output:
	// true false
	// pauses: 1 paused for: 2m0s
	// hourly permits left: 0
}

// One poll loop watches the whole inbox: new conversations, and new
// messages in any of them.
func ExampleClient_WatchInbox() {
	fake, err := conversationtest.New()
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(fake.Handler())
	defer srv.Close()
	// The fake has no rate limits: WithoutBudget lets the example poll every
	// 10ms. Against UltraCart, keep the budget and the default interval.
	c, err := conversation.NewClient(conversation.WithSimpleKey(fake.Key),
		conversation.WithBaseURL(srv.URL+conversationtest.BasePath), conversation.WithoutBudget())
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	started, err := c.StartConversation(ctx, &conversation.ConversationStartRequest{})
	if err != nil {
		log.Fatal(err)
	}

	// While the inbox is watched, a customer writes, then another
	// conversation starts.
	go func() {
		polls := func() int { return fake.RequestCount("getConversations") }
		waitFor := func(n int) {
			for polls() < n && ctx.Err() == nil {
				time.Sleep(time.Millisecond)
			}
		}
		waitFor(2) // the first poll, which notes the inbox as it is, is over
		body := "Where is my order?"
		if _, err := fake.AddMessage(started.GetConversationUUID(), conversation.ConversationMessage{Body: &body}); err != nil {
			log.Print(err)
		}
		waitFor(polls() + 2) // a poll that began after the message is over
		if _, err := c.StartConversation(ctx, &conversation.ConversationStartRequest{}); err != nil {
			log.Print(err)
		}
	}()

	n := 0
	for e, err := range c.WatchInbox(ctx, &conversation.InboxOptions{StartAtNow: true, Interval: 10 * time.Millisecond}) {
		if err != nil {
			log.Print(err) // a failed poll: keep watching
			continue
		}
		body := ""
		if e.Conversation.LastConversationMessageBody != nil {
			body = *e.Conversation.LastConversationMessageBody
		}
		fmt.Printf("%s: %q\n", e.Kind, body)
		if n++; n == 2 {
			break
		}
	}
	// Output:
	// new message: "Where is my order?"
	// new conversation: ""
}

// The figures in force for what a program gives: zero fields take the
// defaults, and the pause after a 429 without Retry-After follows the
// hourly rate. Package redisbudget takes its figures the same way.
func ExampleBudgetLimits_Resolve() {
	l, err := conversation.BudgetLimits{PerHour: 2000}.Resolve()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(l.PerHour, l.PerDay, l.Burst, l.Pause, l.MaxWait)
	_, err = conversation.BudgetLimits{Burst: -1}.Resolve()
	fmt.Println(err)
	// Output:
	// 2000 10000 100 1.8s 10m0s
	// conversation: BudgetLimits.Resolve: invalid argument BudgetLimits.Burst: must not be negative (0 takes the default, 100)
}

// How long a budget pauses after a 429: its Retry-After, nothing when the
// service says "now", the budget's Pause when it gives none, and never
// more than MaxPause. A Limiter of your own can pause the same way.
func ExampleFeedback_Pause() {
	l, _ := conversation.BudgetLimits{}.Resolve()
	for _, f := range []conversation.Feedback{
		{StatusCode: 429, RetryAfter: 30 * time.Second, RetryAfterSet: true},
		{StatusCode: 429, RetryAfterSet: true}, // "Retry-After: 0"
		{StatusCode: 429},                      // no Retry-After
		{StatusCode: 429, RetryAfter: 365 * 24 * time.Hour, RetryAfterSet: true},
		{StatusCode: 200},
	} {
		fmt.Println(f.Pause(l))
	}
	// Output:
	// 30s
	// 0s
	// 3.6s
	// 1h0m0s
	// 0s
}

// MaxWait bounds how long any call waits for a permit, deadline or not: a
// dashboard that would rather show "try again" than hang sets a short one.
func ExampleBudgetError_maxWait() {
	srv := fakeUltraCart(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	defer srv.Close()
	budget, err := conversation.NewLocalLimiter(conversation.BudgetLimits{PerHour: 60, Burst: 1, MaxWait: 5 * time.Second})
	if err != nil {
		log.Fatal(err)
	}
	c, err := conversation.NewClient(conversation.WithSimpleKey("my-simple-key"),
		conversation.WithBaseURL(srv.URL), conversation.WithLimiter(budget))
	if err != nil {
		log.Fatal(err)
	}
	if err := c.GetAgentKeepAlive(context.Background()); err != nil { // the burst
		log.Fatal(err)
	}
	err = c.GetAgentKeepAlive(context.Background()) // no deadline: the next permit is a minute away
	var be *conversation.BudgetError
	if errors.As(err, &be) {
		fmt.Println(be.Wait.Round(time.Minute), be.MaxWait)
	}
	// Output:
	// 1m0s 5s
}

// A client without a budget reports it off, with permits that never run
// out, so that code reading PermitsLeft never takes it for exhausted.
func ExampleWithoutBudget() {
	c, err := conversation.NewClient(conversation.WithSimpleKey("my-simple-key"), conversation.WithoutBudget())
	if err != nil {
		log.Fatal(err)
	}
	b := c.Budget()
	fmt.Println(b.Enabled, b.PermitsLeft == conversation.UnlimitedPermits, b.PermitsLeft > 0)
	// Output:
	// false true true
}
