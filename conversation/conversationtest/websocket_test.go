package conversationtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
	"github.com/ultracart-community/ultracart-go/gen"
)

// decodeFrame decodes a frame the fake made, as a bot would, and checks
// that it is one the package reads completely.
func decodeFrame(t *testing.T, frame []byte, err error) *conversation.WebsocketMessage {
	t.Helper()
	if err != nil {
		t.Fatalf("frame: %v", err)
	}
	msg, err := conversation.DecodeWebsocketMessage(frame)
	if err != nil {
		t.Fatalf("DecodeWebsocketMessage(%s): %v", frame, err)
	}
	if u := msg.UnknownFields(); len(u) != 0 {
		t.Errorf("members the schema does not document: %q", u)
	}
	return msg
}

// sameJSON fails unless a and b encode to the same JSON.
func sameJSON(t *testing.T, what string, a, b any) {
	t.Helper()
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Errorf("%s:\n frame %s\n state %s", what, ja, jb)
	}
}

// TestFramesConversation: the frames of a conversation carry what the
// fake holds, as its REST operations return it, and only once the change
// happened.
func TestFramesConversation(t *testing.T) {
	srv := conversationtest.NewServer(t)
	ctx := context.Background()
	const customer = "arn:fake:conversation:user/customer-ann"
	conv, err := srv.AddConversation(conversation.Conversation{
		Participants: []conversation.ConversationParticipant{{
			ConversationParticipantARN:  ptr(customer),
			ConversationParticipantName: ptr("Ann"),
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := *conv.ConversationUUID
	frames := srv.Frames()

	if _, err := frames.NewMessage(id); err == nil || !strings.Contains(err.Error(), "has no message") {
		t.Errorf("NewMessage before any message: %v", err)
	}
	msg := decodeFrame(t, must(frames.NewConversation(id)), nil)
	if _, ok := msg.Event().(conversation.WebsocketNewConversation); !ok || msg.ConversationUUID() != id || msg.ConversationARN() != *conv.ConversationARN {
		t.Errorf("NewConversation: %v, %T", msg, msg.Event())
	}

	stored, err := srv.AddMessage(id, conversation.ConversationMessage{
		AuthorConversationParticipantARN: ptr(customer),
		Body:                             ptr("Where is my order?"),
	})
	if err != nil {
		t.Fatal(err)
	}
	frame, err := frames.Message(id, stored)
	msg = decodeFrame(t, frame, err)
	if msg.Kind() != conversation.ConversationWebsocketMessageTypeMessage || msg.ConversationUUID() != id {
		t.Errorf("Message: %v", msg)
	}
	sameJSON(t, "the message", msg.Message(), stored)
	if msg.Message().GetAuthorConversationParticipantName() != "Ann" {
		t.Errorf("author %q: the stored message, filled in by the fake, is sent", msg.Message().GetAuthorConversationParticipantName())
	}
	if _, err := frames.Message(id, conversation.ConversationMessage{Body: ptr("never added")}); err == nil {
		t.Error("Message of a message the conversation does not hold")
	}
	if _, err := frames.Message(id, conversation.ConversationMessage{ConversationMessageUUID: ptr("nope")}); err == nil {
		t.Error("Message with an unknown conversation_message_uuid")
	}

	msg = decodeFrame(t, must(frames.NewMessage(id)), nil)
	e, ok := msg.Event().(conversation.WebsocketNewMessage)
	if !ok {
		t.Fatalf("NewMessage: %T", msg.Event())
	}
	page, err := srv.Client.GetConversations(ctx, nil)
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("ListConversations: %v, %v", page, err)
	}
	sameJSON(t, "the summary, as getConversations returns it", e.ConversationSummary, page.Items[0])

	// Participants: the agent joins through the API, then leaves.
	agentARN, agentName := srv.Agent()
	if _, err := frames.ParticipantJoin(id, agentARN); err == nil {
		t.Error("ParticipantJoin of an agent not in the conversation")
	}
	if err := srv.Client.JoinConversation(ctx, id, &conversation.ConversationJoinRequest{}); err != nil {
		t.Fatal(err)
	}
	msg = decodeFrame(t, must(frames.ParticipantJoin(id, agentARN)), nil)
	join, ok := msg.Event().(conversation.WebsocketParticipantJoin)
	if !ok || join.Participant.GetConversationParticipantName() != agentName || len(join.Participants) != 2 {
		t.Errorf("ParticipantJoin: %#v", msg.Event())
	}
	if _, err := frames.ParticipantLeft(id, agentARN); err == nil || !strings.Contains(err.Error(), "has not left") {
		t.Errorf("ParticipantLeft before leaving: %v", err)
	}
	if err := srv.Client.LeaveConversation(ctx, id); err != nil {
		t.Fatal(err)
	}
	msg = decodeFrame(t, must(frames.ParticipantLeft(id, agentARN)), nil)
	left, ok := msg.Event().(conversation.WebsocketParticipantLeft)
	if !ok || msg.WireEventType() != "participant left" || left.Participant.LeftDts == nil || left.Participant.GetStatus() != "left" {
		t.Errorf("ParticipantLeft: %v %#v", msg, msg.Event())
	}
	if _, err := frames.ParticipantJoin(id, agentARN); err == nil || !strings.Contains(err.Error(), "has left") {
		t.Errorf("ParticipantJoin after leaving: %v", err)
	}
	if _, err := frames.ParticipantJoin(id, "arn:nobody"); err == nil {
		t.Error("ParticipantJoin of a stranger")
	}

	// Closing.
	if _, err := frames.ConversationClosed(id); err == nil || !strings.Contains(err.Error(), "not closed") {
		t.Errorf("ConversationClosed of an open conversation: %v", err)
	}
	closed, err := srv.AddConversation(conversation.Conversation{Closed: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	msg = decodeFrame(t, must(frames.ConversationClosed(*closed.ConversationUUID)), nil)
	if c, ok := msg.Event().(conversation.WebsocketConversationClosed); !ok || !c.GetClosed() {
		t.Errorf("ConversationClosed: %#v", msg.Event())
	}

	// A conversation the fake does not hold.
	for name, call := range map[string]func() ([]byte, error){
		"Message":            func() ([]byte, error) { return frames.Message("nope", stored) },
		"NewConversation":    func() ([]byte, error) { return frames.NewConversation("nope") },
		"NewMessage":         func() ([]byte, error) { return frames.NewMessage("nope") },
		"ConversationClosed": func() ([]byte, error) { return frames.ConversationClosed("nope") },
		"ParticipantJoin":    func() ([]byte, error) { return frames.ParticipantJoin("nope", agentARN) },
		"ParticipantLeft":    func() ([]byte, error) { return frames.ParticipantLeft("nope", agentARN) },
	} {
		if b, err := call(); err == nil || b != nil || !strings.Contains(err.Error(), `conversation "nope" does not exist`) {
			t.Errorf("%s: %s, %v", name, b, err)
		}
	}
}

// TestFramesQueue: a webchat queue's frames carry the queue and the
// waiting customer as the fake holds them.
func TestFramesQueue(t *testing.T) {
	srv := conversationtest.NewServer(t)
	q, err := srv.AddQueueStatus(conversation.ConversationWebchatQueueStatus{
		QueueName: ptr("support"),
		QueueEntries: []gen.ConversationWebchatQueueStatusQueueEntry{{
			ConversationParticipantARN:  ptr("arn:fake:conversation:user/customer-bo"),
			ConversationParticipantName: ptr("Bo"),
			Question:                    ptr("Do you ship to Canada?"),
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	frames := srv.Frames()
	msg := decodeFrame(t, must(frames.QueueStatusUpdate("support")), nil)
	e, ok := msg.Event().(conversation.WebsocketQueueStatusUpdate)
	if !ok || msg.ConversationUUID() != "" || msg.ConversationARN() != "" {
		t.Fatalf("QueueStatusUpdate: %v %T", msg, msg.Event())
	}
	sameJSON(t, "the queue", e.ConversationWebchatQueueStatus, q)

	entry := q.QueueEntries[0]
	msg = decodeFrame(t, must(frames.QueueNewMember("support", *entry.ConversationWebchatQueueUUID)), nil)
	member, ok := msg.Event().(conversation.WebsocketQueueNewMember)
	if !ok {
		t.Fatalf("QueueNewMember: %T", msg.Event())
	}
	sameJSON(t, "the queue entry", member.ConversationWebchatQueueStatusQueueEntry, entry)

	for name, call := range map[string]func() ([]byte, error){
		"QueueStatusUpdate of an unknown queue": func() ([]byte, error) { return frames.QueueStatusUpdate("sales") },
		"QueueNewMember of an unknown queue":    func() ([]byte, error) { return frames.QueueNewMember("sales", *entry.ConversationWebchatQueueUUID) },
		"QueueNewMember of an unknown entry":    func() ([]byte, error) { return frames.QueueNewMember("support", "nope") },
		"QueueNewMember of no entry":            func() ([]byte, error) { return frames.QueueNewMember("support", "") },
	} {
		if b, err := call(); err == nil || b != nil {
			t.Errorf("%s: %s, %v", name, b, err)
		}
	}

	// Once picked up, the customer waits no more.
	if _, err := srv.Client.StartConversation(context.Background(), &conversation.ConversationStartRequest{
		ConversationWebchatQueueUUID: entry.ConversationWebchatQueueUUID,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := frames.QueueNewMember("support", *entry.ConversationWebchatQueueUUID); err == nil {
		t.Error("QueueNewMember of a customer already picked up")
	}
}
