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
	"strings"
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
	explain := func(text string) { fmt.Fprintf(out, "  (%s)\n", text) }

	// Webchat queues hold the customers waiting for an agent; an agent who
	// marks themselves available in a queue is offered its customers.
	queues, err := c.GetConversationWebchatQueueStatuses(ctx)
	if err != nil {
		return err
	}
	explain("a webchat queue holds customers waiting for an agent")
	for _, q := range queues {
		step("queue %q: %s, %s waiting", q.GetQueueName(), plural(len(q.Agents), "agent"), plural(len(q.QueueEntries), "customer"))
		status := conversation.ConversationAgentStatusAvailable
		if err := c.UpdateConversationWebchatQueueStatus(ctx, q.GetQueueName(), &conversation.ConversationWebchatQueueStatusUpdateRequest{AgentStatus: &status}); err != nil {
			return err
		}
		step("  set my status in %q to %s, so its customers can be routed to me", q.GetQueueName(), status)
	}
	if err := c.GetAgentKeepAlive(ctx); err != nil {
		return err
	}
	step("sent a keep-alive (an agent's session ends without one; RunAgentKeepAlive sends them in the background)")

	if err := tour(ctx, step, explain, c); err != nil {
		return err
	}

	// Every conversation, across pages, through the iterator.
	var first *conversation.ConversationSummary
	n := 0
	for s, err := range c.GetConversationsIter(ctx, nil) {
		if err != nil {
			return err
		}
		if first == nil {
			first = &s
		}
		n++
	}
	step("%s; newest: %q from %s", plural(n, "conversation"), first.GetLastConversationMessageBody(), first.GetLastConversationParticipantName())

	// A new conversation: join it, read it, follow its messages.
	started, err := c.StartConversation(ctx, &conversation.ConversationStartRequest{})
	if err != nil {
		return err
	}
	id := started.GetConversationUUID()
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
				AuthorConversationParticipantName: conversation.Ptr("Jane Doe"),
				AuthorConversationParticipantARN:  conversation.Ptr("arn:fake:conversation:user/customer-jane"),
				Body:                              conversation.Ptr(body),
			})
		}
	}()
	followCtx, stopFollowing := context.WithTimeout(ctx, 5*time.Second)
	got := 0
	for m, err := range c.FollowConversationMessages(followCtx, id, &conversation.FollowConversationMessagesOptions{Interval: 50 * time.Millisecond}) {
		if err != nil {
			stopFollowing()
			return err
		}
		step("  new message from %s: %q", m.GetAuthorConversationParticipantName(), m.GetBody())
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
	step("conversation has %s, unread: %t", plural(len(conv.Messages), "message"), conv.GetUnreadMessages())
	if err := c.MarkReadConversation(ctx, id); err != nil {
		return err
	}
	step("marked it read")

	// Canned messages are an agent's saved replies, found by a short code.
	found, err := c.SearchConversationCannedMessages(ctx, &conversation.ConversationCannedMessagesSearch{ShortCode: conversation.Ptr("ship")})
	if err != nil {
		return err
	}
	explain("canned messages are saved replies an agent inserts by short code")
	for _, m := range found {
		step("canned message %q: %q", m.GetShortCode(), m.GetCannedMessage())
	}

	up, err := c.UploadConversationMultimedia(ctx, "png", "", strings.NewReader("\x89PNG demo bytes"))
	if err != nil {
		return err
	}
	step("uploaded an image: key %s", up.Key)

	if err := c.LeaveConversation(ctx, id); err != nil {
		return err
	}
	step("left the conversation")

	// Errors carry what UltraCart said, and match sentinels. This read is
	// wrong on purpose (no engagement has oid 999999), to show one: UltraCart
	// answers a missing object with a 400 naming it, which ErrNotFound
	// matches, so a get-or-create branch is one errors.Is.
	_, err = c.GetConversationEngagement(ctx, 999999)
	var apiErr *conversation.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, conversation.ErrNotFound) {
		return fmt.Errorf("expected ErrNotFound for a missing engagement, got %v", err)
	}
	step("on purpose, read an engagement that does not exist: %d %s", apiErr.StatusCode, apiErr.DeveloperMessage)
	explain("errors.As gives the *APIError; errors.Is(err, conversation.ErrNotFound) matches UltraCart's missing-object 400")
	fmt.Fprintln(out, "\nDone.")
	return nil
}

// tour shows the departments with their members, the phone system and the
// caller's agent profile.
func tour(ctx context.Context, step func(string, ...any), explain func(string), c *conversation.Client) error {
	depts, err := c.GetConversationDepartments(ctx)
	if err != nil {
		return err
	}
	for _, d := range depts {
		var members []string
		for _, m := range d.Members {
			members = append(members, m.GetName())
		}
		step("department %q: %s", d.GetDepartmentName(), strings.Join(members, ", "))
	}
	explain("the PBX routes calls: a phone number to a menu or queue, a queue to its agents")
	numbers, err := c.GetPbxPhoneNumbers(ctx)
	if err != nil {
		return err
	}
	for _, n := range numbers {
		step("phone number %s routes incoming calls (action %q)", n.GetPhoneNumber(), n.GetAction())
	}
	queues, err := c.GetPbxQueues(ctx)
	if err != nil {
		return err
	}
	for _, q := range queues {
		step("PBX queue %q: %s, voicemail %t", q.GetName(), plural(len(q.GetMembers().GetUsers()), "agent"), q.GetVoicemail())
	}
	if len(queues) > 0 {
		// An update replaces the whole object: ModifyPbxQueue reads the
		// queue, lets this function change it and writes it all back, so
		// the fields it does not touch keep their values.
		q, err := c.ModifyPbxQueue(ctx, queues[0].GetConversationPbxQueueUUID(), func(q *conversation.ConversationPbxQueue) error {
			q.MaxHoldSeconds = conversation.Ptr(int32(300))
			return nil
		})
		if err != nil {
			return err
		}
		step("PBX queue %q now holds callers up to %ds", q.GetName(), q.GetMaxHoldSeconds())
		explain("updates replace the whole object; the Modify helpers read, change and write it back")
	}
	me, err := c.GetAgentProfile(ctx)
	if err != nil {
		return err
	}
	step("my agent profile: %s, up to %s at once, %s when I sign in", me.GetName(), plural(int(me.GetChatLimit()), "chat"), me.GetDefaultStatus())
	return nil
}

// readOnly makes only calls that change nothing.
func readOnly(ctx context.Context, out io.Writer, c *conversation.Client) error {
	queues, err := c.GetConversationWebchatQueueStatuses(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "• %s\n", plural(len(queues), "webchat queue"))
	depts, err := c.GetConversationDepartments(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "• %s\n", plural(len(depts), "department"))
	canned, err := c.GetConversationCannedMessages(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "• %s\n", plural(len(canned), "canned message"))
	page, err := c.GetConversations(ctx, &conversation.GetConversationsOptions{Limit: 5})
	if err != nil {
		return err
	}
	for _, s := range page.Items {
		fmt.Fprintf(out, "• conversation %s (%s): %q\n", s.GetConversationUUID(), s.GetMedium(), s.GetLastConversationMessageBody())
	}
	b := c.Budget()
	fmt.Fprintf(out, "• rate budget: %d requests can go now (%d an hour, %d a day)\n", b.PermitsLeft, b.Limits.PerHour, b.Limits.PerDay)
	fmt.Fprintln(out, "\nDone.")
	return nil
}

// plural is "1 customer", "2 customers".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
