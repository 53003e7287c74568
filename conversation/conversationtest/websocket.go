package conversationtest

import (
	"encoding/json"
	"fmt"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/gen"
)

// Frames makes the websocket frames the service would send when the
// fake's state changes, so that a bot's handling of them can be tested
// without a socket: change the state (AddMessage, AddQueueStatus, a
// joinConversation call through the client, ...), take the frame of the
// change, and give it to the code under test, which decodes it with
// conversation.DecodeWebsocketMessage as it would a frame read from the
// socket. Get one from Server.Frames.
//
// Each frame is built from the fake's state at the time of the call, with
// the constructors of package conversation, and is refused (an error)
// when the state does not show the change: a message the conversation
// does not hold, a participant who has not left. Which frames the real
// service sends for a change, and in what order, is not documented; each
// method makes the message of one documented kind or event type, with the
// payload its schema gives it, conversation_uuid and conversation_arn set
// for a conversation. Nothing is sent anywhere: the fake has no websocket.
type Frames struct{ s *Server }

// Frames returns the frame maker of this fake.
func (s *Server) Frames() Frames { return Frames{s} }

// Message is the frame of kind "message" carrying a message of the
// conversation, as stored: pass what AddMessage returned (it is looked up
// by conversation_message_uuid).
func (f Frames) Message(conversationUUID string, m gen.ConversationMessage) ([]byte, error) {
	const op = "Frames.Message"
	c, err := f.conversation(op, conversationUUID)
	if err != nil {
		return nil, err
	}
	id := str(m.ConversationMessageUUID)
	for _, stored := range c.Messages {
		if id != "" && str(stored.ConversationMessageUUID) == id {
			msg, err := conversation.NewWebsocketChatMessage(conversationUUID, stored)
			return frameOf(op, c, msg, err)
		}
	}
	return nil, fmt.Errorf("conversationtest: %s: conversation %q holds no message %q", op, conversationUUID, id)
}

// NewConversation is the "new conversation" event of the conversation as
// it is now.
func (f Frames) NewConversation(conversationUUID string) ([]byte, error) {
	const op = "Frames.NewConversation"
	c, err := f.conversation(op, conversationUUID)
	if err != nil {
		return nil, err
	}
	return f.event(op, c, conversation.WebsocketNewConversation{ConversationSummary: summarize(c)})
}

// NewMessage is the "new message" event: the conversation's summary with
// its latest message. The conversation must have one.
func (f Frames) NewMessage(conversationUUID string) ([]byte, error) {
	const op = "Frames.NewMessage"
	c, err := f.conversation(op, conversationUUID)
	if err != nil {
		return nil, err
	}
	if len(c.Messages) == 0 {
		return nil, fmt.Errorf("conversationtest: %s: conversation %q has no message", op, conversationUUID)
	}
	return f.event(op, c, conversation.WebsocketNewMessage{ConversationSummary: summarize(c)})
}

// ConversationClosed is the "conversation closed" event. The conversation
// must be closed.
func (f Frames) ConversationClosed(conversationUUID string) ([]byte, error) {
	const op = "Frames.ConversationClosed"
	c, err := f.conversation(op, conversationUUID)
	if err != nil {
		return nil, err
	}
	if c.Closed == nil || !*c.Closed {
		return nil, fmt.Errorf("conversationtest: %s: conversation %q is not closed", op, conversationUUID)
	}
	return f.event(op, c, conversation.WebsocketConversationClosed{ConversationSummary: summarize(c)})
}

// ParticipantJoin is the "participant join" event for the participant with
// that ARN, who must be in the conversation and not have left it.
func (f Frames) ParticipantJoin(conversationUUID, participantARN string) ([]byte, error) {
	const op = "Frames.ParticipantJoin"
	c, p, err := f.participant(op, conversationUUID, participantARN)
	if err != nil {
		return nil, err
	}
	if p.LeftDts != nil {
		return nil, fmt.Errorf("conversationtest: %s: participant %q has left conversation %q", op, participantARN, conversationUUID)
	}
	return f.event(op, c, conversation.WebsocketParticipantJoin{ConversationSummary: summarize(c), Participant: *p})
}

// ParticipantLeft is the "participant left" event for the participant with
// that ARN, who must have left the conversation (leaveConversation, or a
// left_dts seeded).
func (f Frames) ParticipantLeft(conversationUUID, participantARN string) ([]byte, error) {
	const op = "Frames.ParticipantLeft"
	c, p, err := f.participant(op, conversationUUID, participantARN)
	if err != nil {
		return nil, err
	}
	if p.LeftDts == nil {
		return nil, fmt.Errorf("conversationtest: %s: participant %q has not left conversation %q", op, participantARN, conversationUUID)
	}
	return f.event(op, c, conversation.WebsocketParticipantLeft{ConversationSummary: summarize(c), Participant: *p})
}

// QueueStatusUpdate is the "queue status update" event of the webchat
// queue with that name, as it is now. It is about no conversation.
func (f Frames) QueueStatusUpdate(queueName string) ([]byte, error) {
	const op = "Frames.QueueStatusUpdate"
	q, ok := f.s.QueueStatus(queueName)
	if !ok {
		return nil, fmt.Errorf("conversationtest: %s: no webchat queue %q", op, queueName)
	}
	return f.event(op, gen.Conversation{}, conversation.WebsocketQueueStatusUpdate{ConversationWebchatQueueStatus: q})
}

// QueueNewMember is the "queue new member" event for the customer waiting
// in the queue with that conversation_webchat_queue_uuid (what
// startConversation takes to pick the customer up).
func (f Frames) QueueNewMember(queueName, queueEntryUUID string) ([]byte, error) {
	const op = "Frames.QueueNewMember"
	q, ok := f.s.QueueStatus(queueName)
	if !ok {
		return nil, fmt.Errorf("conversationtest: %s: no webchat queue %q", op, queueName)
	}
	for _, e := range q.QueueEntries {
		if queueEntryUUID != "" && str(e.ConversationWebchatQueueUUID) == queueEntryUUID {
			return f.event(op, gen.Conversation{}, conversation.WebsocketQueueNewMember{ConversationWebchatQueueStatusQueueEntry: e})
		}
	}
	return nil, fmt.Errorf("conversationtest: %s: nobody waits in webchat queue %q with conversation_webchat_queue_uuid %q", op, queueName, queueEntryUUID)
}

// conversation reads the conversation as the fake holds it now.
func (f Frames) conversation(op, conversationUUID string) (gen.Conversation, error) {
	c, ok := f.s.Conversation(conversationUUID)
	if !ok {
		return gen.Conversation{}, fmt.Errorf("conversationtest: %s: conversation %q does not exist", op, conversationUUID)
	}
	return c, nil
}

func (f Frames) participant(op, conversationUUID, arn string) (gen.Conversation, *gen.ConversationParticipant, error) {
	c, err := f.conversation(op, conversationUUID)
	if err != nil {
		return c, nil, err
	}
	p := findParticipant(&c, arn)
	if arn == "" || p == nil {
		return c, nil, fmt.Errorf("conversationtest: %s: conversation %q has no participant %q", op, conversationUUID, arn)
	}
	return c, p, nil
}

// event builds the frame of e, about c when c is a conversation.
func (f Frames) event(op string, c gen.Conversation, e conversation.WebsocketEvent) ([]byte, error) {
	msg, err := conversation.NewWebsocketEvent(str(c.ConversationUUID), e)
	return frameOf(op, c, msg, err)
}

// frameOf adds the conversation's ARN to msg and writes it.
func frameOf(op string, c gen.Conversation, msg *conversation.WebsocketMessage, err error) ([]byte, error) {
	if err == nil && !emptyStr(c.ConversationARN) {
		msg, err = msg.WithField("conversation_arn", *c.ConversationARN)
	}
	if err != nil {
		return nil, fmt.Errorf("conversationtest: %s: %w", op, err)
	}
	return json.Marshal(msg)
}
