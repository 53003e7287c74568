package conversation

import "context"

// WebsocketHandlers routes websocket messages to a handler per kind and
// event type: set the fields for what the program handles and call
// Dispatch with each decoded message. Every handler gets the message (for
// its ConversationUUID, Field, ...) and, for an event, its typed payload.
// The zero value handles nothing; a WebsocketHandlers may be shared by
// goroutines as long as its fields are not changed.
type WebsocketHandlers struct {
	// OnMessage handles kind "message": a chat message of the conversation.
	OnMessage func(ctx context.Context, msg *WebsocketMessage, m ConversationMessage) error
	// OnPing handles kind "ping".
	OnPing func(ctx context.Context, msg *WebsocketMessage) error
	// OnCheckQueuePosition handles kind "check queue position".
	OnCheckQueuePosition func(ctx context.Context, msg *WebsocketMessage) error

	// The events of kind "event", one per event_type.
	OnQueuePosition            func(ctx context.Context, msg *WebsocketMessage, e WebsocketQueuePosition) error
	OnWebchatStartConversation func(ctx context.Context, msg *WebsocketMessage, e WebsocketWebchatStartConversation) error
	OnConversationClosed       func(ctx context.Context, msg *WebsocketMessage, e WebsocketConversationClosed) error
	OnNewConversation          func(ctx context.Context, msg *WebsocketMessage, e WebsocketNewConversation) error
	OnNewMessage               func(ctx context.Context, msg *WebsocketMessage, e WebsocketNewMessage) error
	OnUpdatedMessage           func(ctx context.Context, msg *WebsocketMessage, e WebsocketUpdatedMessage) error
	OnQueueStatusUpdate        func(ctx context.Context, msg *WebsocketMessage, e WebsocketQueueStatusUpdate) error
	OnRRWeb                    func(ctx context.Context, msg *WebsocketMessage, e WebsocketRRWeb) error
	OnParticipantUpdate        func(ctx context.Context, msg *WebsocketMessage, e WebsocketParticipantUpdate) error
	OnParticipantJoin          func(ctx context.Context, msg *WebsocketMessage, e WebsocketParticipantJoin) error
	// OnParticipantLeft also handles the historical "participant leave".
	OnParticipantLeft func(ctx context.Context, msg *WebsocketMessage, e WebsocketParticipantLeft) error
	OnReadMessage     func(ctx context.Context, msg *WebsocketMessage, e WebsocketReadMessage) error
	OnTyping          func(ctx context.Context, msg *WebsocketMessage, e WebsocketTyping) error
	OnAddCoupon       func(ctx context.Context, msg *WebsocketMessage, e WebsocketAddCoupon) error
	OnAddItem         func(ctx context.Context, msg *WebsocketMessage, e WebsocketAddItem) error
	OnWebchatContext  func(ctx context.Context, msg *WebsocketMessage, e WebsocketWebchatContext) error
	OnEngageCustomer  func(ctx context.Context, msg *WebsocketMessage, e WebsocketEngageCustomer) error
	OnQueueNewMember  func(ctx context.Context, msg *WebsocketMessage, e WebsocketQueueNewMember) error

	// OnUnknown handles a kind or event type this release does not know
	// (what a newer service may send), or a message without one. When nil,
	// OnUnhandled handles those too.
	OnUnknown func(ctx context.Context, msg *WebsocketMessage) error
	// OnUnhandled handles a known kind or event type whose handler is nil.
	// When nil, such messages are ignored.
	OnUnhandled func(ctx context.Context, msg *WebsocketMessage) error
}

// Dispatch calls the handler for msg's kind and event type and returns its
// error; msg goes to OnUnknown or OnUnhandled when no handler matches, and
// is ignored (nil error) when those are nil too. A nil msg is an
// *ArgumentError.
func (h *WebsocketHandlers) Dispatch(ctx context.Context, msg *WebsocketMessage) error {
	if msg == nil {
		return &ArgumentError{Operation: "WebsocketHandlers.Dispatch", Argument: "msg", Reason: "nil message"}
	}
	switch msg.Kind() {
	case ConversationWebsocketMessageTypeMessage:
		if h.OnMessage != nil {
			return h.OnMessage(ctx, msg, *msg.Message())
		}
	case ConversationWebsocketMessageTypePing:
		if h.OnPing != nil {
			return h.OnPing(ctx, msg)
		}
	case ConversationWebsocketMessageTypeCheckQueuePosition:
		if h.OnCheckQueuePosition != nil {
			return h.OnCheckQueuePosition(ctx, msg)
		}
	case ConversationWebsocketMessageTypeEvent:
		if handled, err := h.dispatchEvent(ctx, msg); handled {
			return err
		}
		if msg.Event() == nil {
			return h.unknown(ctx, msg)
		}
	default:
		return h.unknown(ctx, msg)
	}
	if h.OnUnhandled != nil {
		return h.OnUnhandled(ctx, msg)
	}
	return nil
}

func (h *WebsocketHandlers) unknown(ctx context.Context, msg *WebsocketMessage) error {
	switch {
	case h.OnUnknown != nil:
		return h.OnUnknown(ctx, msg)
	case h.OnUnhandled != nil:
		return h.OnUnhandled(ctx, msg)
	}
	return nil
}

// dispatchEvent calls the handler of msg's event, reporting whether there
// was one.
func (h *WebsocketHandlers) dispatchEvent(ctx context.Context, msg *WebsocketMessage) (bool, error) {
	switch e := msg.Event().(type) {
	case WebsocketQueuePosition:
		return handle(ctx, h.OnQueuePosition, msg, e)
	case WebsocketWebchatStartConversation:
		return handle(ctx, h.OnWebchatStartConversation, msg, e)
	case WebsocketConversationClosed:
		return handle(ctx, h.OnConversationClosed, msg, e)
	case WebsocketNewConversation:
		return handle(ctx, h.OnNewConversation, msg, e)
	case WebsocketNewMessage:
		return handle(ctx, h.OnNewMessage, msg, e)
	case WebsocketUpdatedMessage:
		return handle(ctx, h.OnUpdatedMessage, msg, e)
	case WebsocketQueueStatusUpdate:
		return handle(ctx, h.OnQueueStatusUpdate, msg, e)
	case WebsocketRRWeb:
		return handle(ctx, h.OnRRWeb, msg, e)
	case WebsocketParticipantUpdate:
		return handle(ctx, h.OnParticipantUpdate, msg, e)
	case WebsocketParticipantJoin:
		return handle(ctx, h.OnParticipantJoin, msg, e)
	case WebsocketParticipantLeft:
		return handle(ctx, h.OnParticipantLeft, msg, e)
	case WebsocketReadMessage:
		return handle(ctx, h.OnReadMessage, msg, e)
	case WebsocketTyping:
		return handle(ctx, h.OnTyping, msg, e)
	case WebsocketAddCoupon:
		return handle(ctx, h.OnAddCoupon, msg, e)
	case WebsocketAddItem:
		return handle(ctx, h.OnAddItem, msg, e)
	case WebsocketWebchatContext:
		return handle(ctx, h.OnWebchatContext, msg, e)
	case WebsocketEngageCustomer:
		return handle(ctx, h.OnEngageCustomer, msg, e)
	case WebsocketQueueNewMember:
		return handle(ctx, h.OnQueueNewMember, msg, e)
	}
	return false, nil
}

// handle calls f, when set, with the event.
func handle[E WebsocketEvent](ctx context.Context, f func(context.Context, *WebsocketMessage, E) error, msg *WebsocketMessage, e E) (bool, error) {
	if f == nil {
		return false, nil
	}
	return true, f(ctx, msg, e)
}
