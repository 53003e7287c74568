package conversation_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ultracart-community/ultracart-go/conversation"
)

// One frame as a websocket library hands it over: decoded, read through
// the typed payload, and written back whole, the member this release does
// not know included.
func ExampleDecodeWebsocketMessage() {
	frame := []byte(`{"type":"event","event_type":"queue new member","event_queue_new_member":{"conversation_participant_name":"Ann","queue_name":"support","question":"Where is my order?"},"priority":2.50}`)

	msg, err := conversation.DecodeWebsocketMessage(frame)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(msg.Kind(), "/", msg.EventType())
	if e, ok := msg.Event().(conversation.WebsocketQueueNewMember); ok {
		fmt.Printf("%s waits in %s: %s\n", e.GetConversationParticipantName(), e.GetQueueName(), e.GetQuestion())
	}
	fmt.Println("unknown:", msg.UnknownFields())
	out, _ := json.Marshal(msg)
	fmt.Println(string(out))

	_, err = conversation.DecodeWebsocketMessage([]byte(`[{"type":"ping"}]`))
	fmt.Println(err)
	// Output:
	// event / queue new member
	// Ann waits in support: Where is my order?
	// unknown: [priority]
	// {"type":"event","event_type":"queue new member","event_queue_new_member":{"conversation_participant_name":"Ann","queue_name":"support","question":"Where is my order?"},"priority":2.50}
	// conversation: websocket message: a JSON array, not an object: frame starts "[{\"type\":\"ping\"}]"
}

// A bot's read loop: each frame read from the socket (here a slice) is
// decoded and dispatched to the handler of its kind or event type; what
// this release does not know goes to OnUnknown.
func ExampleWebsocketHandlers_Dispatch() {
	frames := []string{
		`{"type":"event","event_type":"queue new member","event_queue_new_member":{"conversation_participant_name":"Ann","conversation_webchat_queue_uuid":"q-1"}}`,
		`{"type":"message","conversation_uuid":"c-1","message":{"author_conversation_participant_name":"Ann","body":"Where is my order?"}}`,
		`{"type":"event","event_type":"typing","conversation_uuid":"c-1","event_typing":{"author_conversation_participant_name":"Ann","value":"Hello?"}}`,
		`{"type":"event","event_type":"participant leave","conversation_uuid":"c-1","event_participant_left_participant":{"conversation_participant_name":"Ann"}}`,
		`{"type":"event","event_type":"cart abandoned","conversation_uuid":"c-1"}`,
		`{"type":"ping"}`,
	}
	h := &conversation.WebsocketHandlers{
		OnQueueNewMember: func(ctx context.Context, msg *conversation.WebsocketMessage, e conversation.WebsocketQueueNewMember) error {
			// A bot would pick the customer up here:
			// c.StartConversation(ctx, &conversation.ConversationStartRequest{ConversationWebchatQueueUUID: e.ConversationWebchatQueueUUID})
			fmt.Println("waiting:", e.GetConversationParticipantName())
			return nil
		},
		OnMessage: func(ctx context.Context, msg *conversation.WebsocketMessage, m conversation.ConversationMessage) error {
			fmt.Printf("%s in %s: %s\n", m.GetAuthorConversationParticipantName(), msg.ConversationUUID(), m.GetBody())
			return nil
		},
		OnParticipantLeft: func(ctx context.Context, msg *conversation.WebsocketMessage, e conversation.WebsocketParticipantLeft) error {
			fmt.Printf("%s left (sent as %q)\n", e.Participant.GetConversationParticipantName(), msg.WireEventType())
			return nil
		},
		OnUnknown: func(ctx context.Context, msg *conversation.WebsocketMessage) error {
			fmt.Println("not known to this release:", msg)
			return nil
		},
		OnUnhandled: func(ctx context.Context, msg *conversation.WebsocketMessage) error {
			fmt.Println("ignored:", msg)
			return nil
		},
	}
	ctx := context.Background()
	for _, frame := range frames {
		msg, err := conversation.DecodeWebsocketMessage([]byte(frame))
		if err != nil {
			fmt.Println(err) // one bad frame; keep reading
			continue
		}
		if err := h.Dispatch(ctx, msg); err != nil {
			fmt.Println(err)
		}
	}
	// Output:
	// waiting: Ann
	// Ann in c-1: Where is my order?
	// ignored: websocket message "event" "typing" conversation "c-1"
	// Ann left (sent as "participant leave")
	// not known to this release: websocket message "event" "cart abandoned" conversation "c-1"
	// ignored: websocket message "ping"
}

// A type switch on the event is the alternative to WebsocketHandlers.
func ExampleWebsocketMessage_Event() {
	msg, err := conversation.DecodeWebsocketMessage([]byte(`{"type":"event","event_type":"read message","conversation_uuid":"c-1","event_read_message":{"conversation_message_uuid":"m-9","message_epoch":1746630672000}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	switch e := msg.Event().(type) {
	case conversation.WebsocketReadMessage:
		fmt.Println("read up to", e.GetConversationMessageUUID(), "in", msg.ConversationUUID())
	case conversation.WebsocketTyping:
		fmt.Println("typing:", e.GetValue())
	case nil:
		fmt.Println("not an event this release knows:", msg)
	}
	// Output:
	// read up to m-9 in c-1
}

// Frames an agent sends, built from typed values: a typing event, a chat
// message, a ping. conversation_arn, or any member the constructors do not
// set, is added with WithField.
func ExampleNewWebsocketEvent() {
	typing, err := conversation.NewWebsocketEvent("c-1", conversation.WebsocketTyping{
		ConversationEventTyping: conversation.ConversationEventTyping{
			AuthorConversationParticipantName: conversation.Ptr("Sam (agent)"),
			Value:                             conversation.Ptr("Let me check"),
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	typing, err = typing.WithField("conversation_arn", "arn:ultracart:conversation:c-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	chat, err := conversation.NewWebsocketChatMessage("c-1", conversation.ConversationMessage{
		Body: conversation.Ptr("Your order shipped today."),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ping := conversation.NewWebsocketMessage(conversation.ConversationWebsocketMessageTypePing)

	for _, msg := range []*conversation.WebsocketMessage{typing, chat, ping} {
		frame, _ := json.Marshal(msg) // write frame to the socket as a text message
		fmt.Println(string(frame))
	}
	// Output:
	// {"type":"event","event_type":"typing","conversation_uuid":"c-1","event_typing":{"author_conversation_participant_name":"Sam (agent)","value":"Let me check"},"conversation_arn":"arn:ultracart:conversation:c-1"}
	// {"type":"message","conversation_uuid":"c-1","message":{"body":"Your order shipped today."}}
	// {"type":"ping"}
}
