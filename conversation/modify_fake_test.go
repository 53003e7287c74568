package conversation_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"testing"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
)

// TestModifyKeepsWhatItDoesNotChange against the fake, end to end: the
// trap first (an update of one field replaces the whole queue, and the
// fake, as the service, refuses a queue without its name), then one field
// changed through ModifyPbxQueue, every other field kept.
func TestModifyKeepsWhatItDoesNotChange(t *testing.T) {
	srv := conversationtest.NewServer(t)
	c, ctx := srv.Client, context.Background()
	q, err := c.InsertPbxQueue(ctx, &conversation.ConversationPbxQueue{
		Name:           conversation.Ptr("Support"),
		MaxHoldSeconds: conversation.Ptr(int32(60)),
		Members:        &conversation.ConversationPbxQueueMembers{Users: []conversation.UserID{srv.AgentUserID()}},
		Voicemail:      conversation.Ptr(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	id := q.GetConversationPbxQueueUUID()

	_, err = c.UpdatePbxQueue(ctx, id, &conversation.ConversationPbxQueue{MaxHoldSeconds: conversation.Ptr(int32(120))})
	if !errors.Is(err, conversation.ErrBadRequest) {
		t.Errorf("an update with only max_hold_seconds: %v, want the fake's 400 for a queue without its name", err)
	}

	got, err := c.ModifyPbxQueue(ctx, id, func(q *conversation.ConversationPbxQueue) error {
		q.MaxHoldSeconds = conversation.Ptr(int32(120))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.GetPbxQueue(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []*conversation.ConversationPbxQueue{got, again} {
		if r.GetName() != "Support" || r.GetMaxHoldSeconds() != 120 || !r.GetVoicemail() ||
			len(r.GetMembers().GetUsers()) != 1 || r.GetMembers().GetUsers()[0] != srv.AgentUserID() {
			t.Errorf("queue after ModifyPbxQueue: %+v, want the name, members and voicemail kept, max_hold_seconds 120", *r)
		}
	}

	_, err = c.ModifyPbxQueue(ctx, "no-such-queue", func(*conversation.ConversationPbxQueue) error {
		t.Error("change called for a queue that does not exist")
		return nil
	})
	if !errors.Is(err, conversation.ErrNotFound) {
		t.Errorf("a missing queue: %v, want ErrNotFound", err)
	}
}

// Change one setting of a PBX queue and keep the others: UpdatePbxQueue
// replaces the whole queue, so a queue sent with only MaxHoldSeconds would
// lose its name, members and mailbox. ModifyPbxQueue reads the queue, lets
// the function change it, and writes it back whole.
func ExampleClient_ModifyPbxQueue() {
	_, c, done := servedFake(conversationtest.WithDemoData())
	defer done()
	ctx := context.Background()
	queues, err := c.GetPbxQueues(ctx)
	if err != nil {
		log.Fatal(err)
	}
	id := queues[0].GetConversationPbxQueueUUID()

	q, err := c.ModifyPbxQueue(ctx, id, func(q *conversation.ConversationPbxQueue) error {
		q.MaxHoldSeconds = conversation.Ptr(int32(120))
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: hold %ds, %d members\n", q.GetName(), q.GetMaxHoldSeconds(), len(q.GetMembers().GetUsers()))
	// Output:
	// Support line: hold 120s, 2 members
}
