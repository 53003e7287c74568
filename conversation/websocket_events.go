package conversation

// The websocket events, one Go type per documented event_type. The
// reference documents each payload's model but not what the service puts
// in it; the descriptions below are read from the names.

// WebsocketEvent is the typed payload of a websocket message of kind
// "event": one of the Websocket* event types of this package (the set is
// closed; WebsocketMessage.Event returns nil for an event type this release
// does not know). Switch on it:
//
//	switch e := msg.Event().(type) {
//	case conversation.WebsocketNewMessage:
//		// e.ConversationSummary
//	case conversation.WebsocketQueueNewMember:
//		// e.ConversationWebchatQueueStatusQueueEntry
//	}
//
// A payload member the message lacks is the zero value of its model.
type WebsocketEvent interface {
	// EventType is the event_type the event is sent with.
	EventType() ConversationWebsocketMessageEventType
	// websocketPayload lists the payload members, in the order they are
	// written.
	websocketPayload() []websocketPayloadField
}

type websocketPayloadField struct {
	name  string
	value any
}

// WebsocketQueuePosition ("queue position", member event_queue_position):
// where a customer waiting in a webchat queue stands, and whether agents
// are logged in to it.
type WebsocketQueuePosition struct{ ConversationEventQueuePosition }

// WebsocketWebchatStartConversation ("webchat start conversation") has no
// payload: the message's conversation_uuid is the conversation started.
type WebsocketWebchatStartConversation struct{}

// WebsocketConversationClosed ("conversation closed", member
// event_conversation_closed): the conversation that was closed.
type WebsocketConversationClosed struct{ ConversationSummary }

// WebsocketNewConversation ("new conversation", member
// event_new_conversation): a conversation that started.
type WebsocketNewConversation struct{ ConversationSummary }

// WebsocketNewMessage ("new message", member event_new_message): the
// conversation, with its latest message (LastConversationMessageBody,
// LastMessageDts, ...).
type WebsocketNewMessage struct{ ConversationSummary }

// WebsocketUpdatedMessage ("updated message", member event_updated_message):
// a message as changed (a translation, a transport status).
type WebsocketUpdatedMessage struct{ ConversationMessage }

// WebsocketQueueStatusUpdate ("queue status update", member
// event_queue_status_update): a webchat queue's agents and waiting
// customers.
type WebsocketQueueStatusUpdate struct{ ConversationWebchatQueueStatus }

// WebsocketRRWeb ("rrweb", member event_rrweb): a part of the customer's
// browser session recording (rrweb).
type WebsocketRRWeb struct{ ConversationEventRRWeb }

// WebsocketParticipantUpdate ("participant update", member
// event_participant_update): the conversation after a participant changed.
type WebsocketParticipantUpdate struct{ ConversationSummary }

// WebsocketParticipantJoin ("participant join", members
// event_participant_join and event_participant_join_participant): the
// conversation, and the participant who joined it.
type WebsocketParticipantJoin struct {
	ConversationSummary
	Participant ConversationParticipant
}

// WebsocketParticipantLeft ("participant left", or the historical
// "participant leave"; members event_participant_left and
// event_participant_left_participant): the conversation, and the
// participant who left it.
type WebsocketParticipantLeft struct {
	ConversationSummary
	Participant ConversationParticipant
}

// WebsocketReadMessage ("read message", member event_read_message): the
// message read.
type WebsocketReadMessage struct{ ConversationEventReadMessage }

// WebsocketTyping ("typing", member event_typing): who is typing, and what
// so far.
type WebsocketTyping struct{ ConversationEventTyping }

// WebsocketAddCoupon ("add coupon", member event_add_coupon): an agent
// adding a coupon to the customer's cart.
type WebsocketAddCoupon struct{ ConversationEventAddCoupon }

// WebsocketAddItem ("add item", member event_add_item): an agent adding
// items to the customer's cart.
type WebsocketAddItem struct{ ConversationEventAddItem }

// WebsocketWebchatContext ("webchat context", member event_webchat_context):
// the customer's page, cart and UltraCart analytics id.
type WebsocketWebchatContext struct {
	ConversationEventWebchatContext
}

// WebsocketEngageCustomer ("engage customer", member event_engage_customer):
// a visitor an agent engages, as a webchat queue entry.
type WebsocketEngageCustomer struct {
	ConversationWebchatQueueStatusQueueEntry
}

// WebsocketQueueNewMember ("queue new member", member
// event_queue_new_member): a customer who joined a webchat queue.
type WebsocketQueueNewMember struct {
	ConversationWebchatQueueStatusQueueEntry
}

func (WebsocketQueuePosition) EventType() ConversationWebsocketMessageEventType {
	return ConversationWebsocketMessageEventTypeQueuePosition
}

func (WebsocketWebchatStartConversation) EventType() ConversationWebsocketMessageEventType {
	return ConversationWebsocketMessageEventTypeWebchatStartConversation
}

func (WebsocketConversationClosed) EventType() ConversationWebsocketMessageEventType {
	return ConversationWebsocketMessageEventTypeConversationClosed
}

func (WebsocketNewConversation) EventType() ConversationWebsocketMessageEventType {
	return ConversationWebsocketMessageEventTypeNewConversation
}

func (WebsocketNewMessage) EventType() ConversationWebsocketMessageEventType {
	return ConversationWebsocketMessageEventTypeNewMessage
}

func (WebsocketUpdatedMessage) EventType() ConversationWebsocketMessageEventType {
	return ConversationWebsocketMessageEventTypeUpdatedMessage
}

func (WebsocketQueueStatusUpdate) EventType() ConversationWebsocketMessageEventType {
	return ConversationWebsocketMessageEventTypeQueueStatusUpdate
}

func (WebsocketRRWeb) EventType() ConversationWebsocketMessageEventType {
	return ConversationWebsocketMessageEventTypeRrweb
}

func (WebsocketParticipantUpdate) EventType() ConversationWebsocketMessageEventType {
	return ConversationWebsocketMessageEventTypeParticipantUpdate
}

func (WebsocketParticipantJoin) EventType() ConversationWebsocketMessageEventType {
	return ConversationWebsocketMessageEventTypeParticipantJoin
}

func (WebsocketParticipantLeft) EventType() ConversationWebsocketMessageEventType {
	return ConversationWebsocketMessageEventTypeParticipantLeft
}

func (WebsocketReadMessage) EventType() ConversationWebsocketMessageEventType {
	return ConversationWebsocketMessageEventTypeReadMessage
}

func (WebsocketTyping) EventType() ConversationWebsocketMessageEventType {
	return ConversationWebsocketMessageEventTypeTyping
}

func (WebsocketAddCoupon) EventType() ConversationWebsocketMessageEventType {
	return ConversationWebsocketMessageEventTypeAddCoupon
}

func (WebsocketAddItem) EventType() ConversationWebsocketMessageEventType {
	return ConversationWebsocketMessageEventTypeAddItem
}

func (WebsocketWebchatContext) EventType() ConversationWebsocketMessageEventType {
	return ConversationWebsocketMessageEventTypeWebchatContext
}

func (WebsocketEngageCustomer) EventType() ConversationWebsocketMessageEventType {
	return ConversationWebsocketMessageEventTypeEngageCustomer
}

func (WebsocketQueueNewMember) EventType() ConversationWebsocketMessageEventType {
	return ConversationWebsocketMessageEventTypeQueueNewMember
}

func (e WebsocketQueuePosition) websocketPayload() []websocketPayloadField {
	return []websocketPayloadField{{"event_queue_position", e.ConversationEventQueuePosition}}
}

func (WebsocketWebchatStartConversation) websocketPayload() []websocketPayloadField { return nil }

func (e WebsocketConversationClosed) websocketPayload() []websocketPayloadField {
	return []websocketPayloadField{{"event_conversation_closed", e.ConversationSummary}}
}

func (e WebsocketNewConversation) websocketPayload() []websocketPayloadField {
	return []websocketPayloadField{{"event_new_conversation", e.ConversationSummary}}
}

func (e WebsocketNewMessage) websocketPayload() []websocketPayloadField {
	return []websocketPayloadField{{"event_new_message", e.ConversationSummary}}
}

func (e WebsocketUpdatedMessage) websocketPayload() []websocketPayloadField {
	return []websocketPayloadField{{"event_updated_message", e.ConversationMessage}}
}

func (e WebsocketQueueStatusUpdate) websocketPayload() []websocketPayloadField {
	return []websocketPayloadField{{"event_queue_status_update", e.ConversationWebchatQueueStatus}}
}

func (e WebsocketRRWeb) websocketPayload() []websocketPayloadField {
	return []websocketPayloadField{{"event_rrweb", e.ConversationEventRRWeb}}
}

func (e WebsocketParticipantUpdate) websocketPayload() []websocketPayloadField {
	return []websocketPayloadField{{"event_participant_update", e.ConversationSummary}}
}

func (e WebsocketParticipantJoin) websocketPayload() []websocketPayloadField {
	return []websocketPayloadField{
		{"event_participant_join", e.ConversationSummary},
		{"event_participant_join_participant", e.Participant},
	}
}

func (e WebsocketParticipantLeft) websocketPayload() []websocketPayloadField {
	return []websocketPayloadField{
		{"event_participant_left", e.ConversationSummary},
		{"event_participant_left_participant", e.Participant},
	}
}

func (e WebsocketReadMessage) websocketPayload() []websocketPayloadField {
	return []websocketPayloadField{{"event_read_message", e.ConversationEventReadMessage}}
}

func (e WebsocketTyping) websocketPayload() []websocketPayloadField {
	return []websocketPayloadField{{"event_typing", e.ConversationEventTyping}}
}

func (e WebsocketAddCoupon) websocketPayload() []websocketPayloadField {
	return []websocketPayloadField{{"event_add_coupon", e.ConversationEventAddCoupon}}
}

func (e WebsocketAddItem) websocketPayload() []websocketPayloadField {
	return []websocketPayloadField{{"event_add_item", e.ConversationEventAddItem}}
}

func (e WebsocketWebchatContext) websocketPayload() []websocketPayloadField {
	return []websocketPayloadField{{"event_webchat_context", e.ConversationEventWebchatContext}}
}

func (e WebsocketEngageCustomer) websocketPayload() []websocketPayloadField {
	return []websocketPayloadField{{"event_engage_customer", e.ConversationWebchatQueueStatusQueueEntry}}
}

func (e WebsocketQueueNewMember) websocketPayload() []websocketPayloadField {
	return []websocketPayloadField{{"event_queue_new_member", e.ConversationWebchatQueueStatusQueueEntry}}
}

// Event returns the typed payload of a message of kind "event", or nil for
// another kind or an event type this release does not know (see EventType
// and Field for those).
func (m *WebsocketMessage) Event() WebsocketEvent {
	if m.Kind() != ConversationWebsocketMessageTypeEvent {
		return nil
	}
	g := &m.model
	switch m.EventType() {
	case ConversationWebsocketMessageEventTypeQueuePosition:
		return WebsocketQueuePosition{deref(g.EventQueuePosition)}
	case ConversationWebsocketMessageEventTypeWebchatStartConversation:
		return WebsocketWebchatStartConversation{}
	case ConversationWebsocketMessageEventTypeConversationClosed:
		return WebsocketConversationClosed{deref(g.EventConversationClosed)}
	case ConversationWebsocketMessageEventTypeNewConversation:
		return WebsocketNewConversation{deref(g.EventNewConversation)}
	case ConversationWebsocketMessageEventTypeNewMessage:
		return WebsocketNewMessage{deref(g.EventNewMessage)}
	case ConversationWebsocketMessageEventTypeUpdatedMessage:
		return WebsocketUpdatedMessage{deref(g.EventUpdatedMessage)}
	case ConversationWebsocketMessageEventTypeQueueStatusUpdate:
		return WebsocketQueueStatusUpdate{deref(g.EventQueueStatusUpdate)}
	case ConversationWebsocketMessageEventTypeRrweb:
		return WebsocketRRWeb{deref(g.EventRrweb)}
	case ConversationWebsocketMessageEventTypeParticipantUpdate:
		return WebsocketParticipantUpdate{deref(g.EventParticipantUpdate)}
	case ConversationWebsocketMessageEventTypeParticipantJoin:
		return WebsocketParticipantJoin{deref(g.EventParticipantJoin), deref(g.EventParticipantJoinParticipant)}
	case ConversationWebsocketMessageEventTypeParticipantLeft:
		return WebsocketParticipantLeft{deref(g.EventParticipantLeft), deref(g.EventParticipantLeftParticipant)}
	case ConversationWebsocketMessageEventTypeReadMessage:
		return WebsocketReadMessage{deref(g.EventReadMessage)}
	case ConversationWebsocketMessageEventTypeTyping:
		return WebsocketTyping{deref(g.EventTyping)}
	case ConversationWebsocketMessageEventTypeAddCoupon:
		return WebsocketAddCoupon{deref(g.EventAddCoupon)}
	case ConversationWebsocketMessageEventTypeAddItem:
		return WebsocketAddItem{deref(g.EventAddItem)}
	case ConversationWebsocketMessageEventTypeWebchatContext:
		return WebsocketWebchatContext{deref(g.EventWebchatContext)}
	case ConversationWebsocketMessageEventTypeEngageCustomer:
		return WebsocketEngageCustomer{deref(g.EventEngageCustomer)}
	case ConversationWebsocketMessageEventTypeQueueNewMember:
		return WebsocketQueueNewMember{deref(g.EventQueueNewMember)}
	}
	return nil
}
