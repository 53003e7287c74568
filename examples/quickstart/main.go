// Command quickstart walks through an agent's day with the conversation
// package.
//
//	go run ./examples/quickstart
//
// With no configuration it starts the in-memory fake service
// (conversationtest) on a loopback port, seeds it with demo data and runs
// every kind of call against it. With ULTRACART_SIMPLE_KEY set it runs only
// read-only calls against the real service (or ULTRACART_BASE_URL).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart failed:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	if os.Getenv(conversation.EnvSimpleKey) != "" || os.Getenv(conversation.EnvBearerToken) != "" {
		c, err := conversation.NewClientFromEnv()
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Read-only tour of %s\n", c.BaseURL())
		return readOnly(ctx, out, c)
	}
	srv, base, stop, err := startFake()
	if err != nil {
		return err
	}
	defer stop()
	// The fake has no rate limits, and the tour follows a conversation
	// every 50ms: its client turns the budget off. Against UltraCart keep
	// it on (the default): 1,000 requests an hour, 10,000 a day, one at a
	// time.
	c, err := conversation.NewClient(conversation.WithSimpleKey(srv.Key), conversation.WithBaseURL(base),
		conversation.WithoutBudget())
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Fake UltraCart service at %s (set %s to use the real one)\n\n", base, conversation.EnvSimpleKey)
	return agentDay(ctx, out, c, srv)
}

// startFake serves the fake on a loopback port, as cmd/ultracart-fake does.
func startFake() (*conversationtest.Server, string, func(), error) {
	srv, err := conversationtest.New(conversationtest.WithDemoData())
	if err != nil {
		return nil, "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = hs.Shutdown(ctx)
		srv.Close()
	}
	return srv, "http://" + ln.Addr().String() + conversationtest.BasePath, stop, nil
}

// agentDay exercises the API as a support agent would.
func agentDay(ctx context.Context, out io.Writer, c *conversation.Client, srv *conversationtest.Server) error {
	step := func(format string, args ...any) { fmt.Fprintf(out, "• "+format+"\n", args...) }

	// Queues first: is anyone waiting?
	queues, err := c.WebchatQueueStatuses(ctx)
	if err != nil {
		return err
	}
	for _, q := range queues.QueueStatuses {
		step("queue %q: %d agents, %d customers waiting", str(q.QueueName), len(q.Agents), len(q.QueueEntries))
		status := conversation.AgentAvailable
		if err := c.UpdateWebchatQueueStatus(ctx, str(q.QueueName), &conversation.ConversationWebchatQueueStatusUpdateRequest{AgentStatus: &status}); err != nil {
			return err
		}
		step("  marked myself %s in %q", status, str(q.QueueName))
	}
	if err := c.KeepAlive(ctx); err != nil {
		return err
	}

	depts, err := c.Departments(ctx)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(depts.ConversationDepartments))
	for _, d := range depts.ConversationDepartments {
		names = append(names, str(d.DepartmentName))
	}
	step("departments: %v", names)

	// Every conversation, across pages, through the iterator.
	var first *conversation.ConversationSummary
	n := 0
	for s, err := range c.AllConversations(ctx, nil) {
		if err != nil {
			return err
		}
		if first == nil {
			first = &s
		}
		n++
	}
	step("%d conversations; newest: %q with %s", n, str(first.LastConversationMessageBody), str(first.LastConversationParticipantName))

	// A new conversation: join it, read it, follow its messages.
	started, err := c.StartConversation(ctx, &conversation.ConversationStartRequest{})
	if err != nil {
		return err
	}
	id := str(started.Conversation.ConversationUUID)
	step("started conversation %s", id)
	if err := c.JoinConversation(ctx, id, nil); err != nil {
		return err
	}
	step("joined it")

	// A customer writes while the bot follows the conversation.
	go func() {
		for _, body := range []string{"Hello! Is my order shipped yet?", "It's order DEMO-0001."} {
			time.Sleep(150 * time.Millisecond)
			_, _ = srv.AddMessage(id, conversation.ConversationMessage{
				AuthorConversationParticipantName: ptr("Jane Doe"),
				AuthorConversationParticipantARN:  ptr("arn:fake:conversation:user/customer-jane"),
				Body:                              ptr(body),
			})
		}
	}()
	followCtx, stopFollowing := context.WithTimeout(ctx, 5*time.Second)
	got := 0
	for m, err := range c.FollowMessages(followCtx, id, &conversation.FollowOptions{Interval: 50 * time.Millisecond}) {
		if err != nil {
			stopFollowing()
			return err
		}
		step("  new message from %s: %q", str(m.AuthorConversationParticipantName), str(m.Body))
		if got++; got == 2 {
			break
		}
	}
	stopFollowing()
	if got != 2 {
		return errors.New("did not receive the customer's two messages")
	}

	conv, err := c.GetConversation(ctx, id, nil)
	if err != nil {
		return err
	}
	step("conversation has %d messages, unread: %t", len(conv.Conversation.Messages), deref(conv.Conversation.UnreadMessages))
	if err := c.MarkRead(ctx, id); err != nil {
		return err
	}
	step("marked it read")

	found, err := c.SearchCannedMessages(ctx, &conversation.ConversationCannedMessagesSearch{ShortCode: ptr("ship")})
	if err != nil {
		return err
	}
	for _, m := range found.ConversationCannedMessages {
		step("canned reply %q: %q", str(m.ShortCode), str(m.CannedMessage))
	}

	up, err := c.UploadMultimedia(ctx, "png", "", []byte("\x89PNG demo bytes"))
	if err != nil {
		return err
	}
	step("uploaded an image: key %s", str(up.Key))

	if err := c.LeaveConversation(ctx, id); err != nil {
		return err
	}
	step("left the conversation")

	// Errors carry what UltraCart said, and match sentinels.
	_, err = c.UpdateCannedMessage(ctx, 999999, &conversation.ConversationCannedMessage{ShortCode: ptr("nope")})
	var apiErr *conversation.APIError
	if !errors.As(err, &apiErr) {
		return fmt.Errorf("expected an API error for a missing canned message, got %v", err)
	}
	step("updating a missing canned message: %d %s", apiErr.StatusCode, apiErr.DeveloperMessage)
	fmt.Fprintln(out, "\nDone.")
	return nil
}

// readOnly makes only calls that change nothing.
func readOnly(ctx context.Context, out io.Writer, c *conversation.Client) error {
	queues, err := c.WebchatQueueStatuses(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "• %d webchat queues\n", len(queues.QueueStatuses))
	depts, err := c.Departments(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "• %d departments\n", len(depts.ConversationDepartments))
	canned, err := c.CannedMessages(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "• %d canned messages\n", len(canned.ConversationCannedMessages))
	page, err := c.ListConversations(ctx, &conversation.ListConversationsOptions{Limit: 5})
	if err != nil {
		return err
	}
	for _, s := range page.Conversations {
		fmt.Fprintf(out, "• conversation %s (%s): %q\n", str(s.ConversationUUID), deref(s.Medium), str(s.LastConversationMessageBody))
	}
	b := c.Budget()
	fmt.Fprintf(out, "• rate budget: %d requests can go now (%d an hour, %d a day)\n", b.PermitsLeft, b.Limits.PerHour, b.Limits.PerDay)
	fmt.Fprintln(out, "\nDone.")
	return nil
}

func ptr[T any](v T) *T { return &v }

func str(p *string) string { return deref(p) }

func deref[T any](p *T) T {
	var zero T
	if p != nil {
		return *p
	}
	return zero
}
