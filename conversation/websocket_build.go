package conversation

import (
	"encoding/json"
	"reflect"
	"strings"
)

// NewWebsocketEvent builds a message of kind "event" carrying e:
// {"type":"event","event_type":...,"conversation_uuid":...,<payload>}, the
// payload members marshalled from e's models exactly as
// DecodeWebsocketMessage reads them back. conversationUUID is left out when
// empty (a queue's status is about no conversation). A nil e is an
// *ArgumentError; a payload encoding/json cannot write (a NaN amount) is
// its error.
func NewWebsocketEvent(conversationUUID string, e WebsocketEvent) (*WebsocketMessage, error) {
	if e == nil {
		return nil, &ArgumentError{Operation: "NewWebsocketEvent", Argument: "e", Reason: "nil event"}
	}
	if v := reflect.ValueOf(e); v.Kind() == reflect.Pointer && v.IsNil() {
		return nil, &ArgumentError{Operation: "NewWebsocketEvent", Argument: "e", Reason: "nil " + v.Type().String()}
	}
	header := []websocketPayloadField{
		{"type", ConversationWebsocketMessageTypeEvent},
		{"event_type", e.EventType()},
	}
	return buildWebsocketMessage("NewWebsocketEvent", "e", header, conversationUUID, e.websocketPayload())
}

// NewWebsocketChatMessage builds a message of kind "message" carrying m, a
// chat message of the conversation:
// {"type":"message","conversation_uuid":...,"message":{...}}.
func NewWebsocketChatMessage(conversationUUID string, m ConversationMessage) (*WebsocketMessage, error) {
	header := []websocketPayloadField{{"type", ConversationWebsocketMessageTypeMessage}}
	return buildWebsocketMessage("NewWebsocketChatMessage", "m", header, conversationUUID, []websocketPayloadField{{"message", m}})
}

// NewWebsocketMessage builds a message of the given kind with no other
// member: {"type":"ping"} for ConversationWebsocketMessageTypePing. Add
// members with WithField, for example the conversation_uuid of a
// ConversationWebsocketMessageTypeCheckQueuePosition. Text that is not
// UTF-8 in kind is replaced, as encoding/json does.
func NewWebsocketMessage(kind ConversationWebsocketMessageType) *WebsocketMessage {
	kind = ConversationWebsocketMessageType(strings.ToValidUTF8(string(kind), "\uFFFD"))
	raw, _ := json.Marshal(string(kind)) // a valid UTF-8 string always encodes
	return &WebsocketMessage{
		members: []websocketMember{{name: "type", value: raw}},
		model:   ConversationWebsocketMessage{Type: &kind},
	}
}

// buildWebsocketMessage writes the header (kind, event type), the
// conversation_uuid when given, then the payload, and decodes them back as
// a received frame would be. arg names the argument the payload came from.
func buildWebsocketMessage(op, arg string, header []websocketPayloadField, conversationUUID string, payload []websocketPayloadField) (*WebsocketMessage, error) {
	fields := header
	if conversationUUID != "" {
		fields = append(fields, websocketPayloadField{"conversation_uuid", conversationUUID})
	}
	fields = append(fields, payload...)
	members := make([]websocketMember, 0, len(fields))
	for _, f := range fields {
		raw, err := json.Marshal(f.value)
		if err != nil {
			return nil, &ArgumentError{Operation: op, Argument: arg, Reason: "member " + f.name + ": " + err.Error()}
		}
		members = append(members, websocketMember{name: f.name, value: raw})
	}
	return newWebsocketMessage(members)
}
