package conversation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ultracart-community/ultracart-go/gen"
)

// ConversationWebsocketMessageEventTypeParticipantLeave is the historical
// wire value of the participant-left event: UltraCart's SDKs of early 2023
// (3.10.88 to 3.10.108 and the 4.0 release candidates) listed
// "participant leave" where later ones list "participant left", with the
// same payload fields. WebsocketMessage.EventType reports it as
// ConversationWebsocketMessageEventTypeParticipantLeft; WireEventType and
// json.Marshal keep it as it was sent.
const ConversationWebsocketMessageEventTypeParticipantLeave ConversationWebsocketMessageEventType = "participant leave"

// maxWebsocketSnippet bounds the piece of a frame kept in a
// WebsocketDecodeError: enough to recognize it, never the whole of a large
// frame.
const maxWebsocketSnippet = 120

// WebsocketMessage is one message of the agent websocket: a JSON object of
// UltraCart's ConversationWebsocketMessage schema. DecodeWebsocketMessage
// reads one from a frame; NewWebsocketEvent, NewWebsocketChatMessage and
// NewWebsocketMessage build one to send.
//
// A message keeps every member of the object as it was received, in order,
// including members, kinds and event types this release does not know:
// json.Marshal writes back the same JSON, numbers digit for digit. The
// accessors read the members the schema documents, decoded into the
// generated models. A WebsocketMessage does not change once made (WithField
// returns a copy), so it is safe for concurrent use; the models its
// accessors return share memory with it and are to be read, not changed.
type WebsocketMessage struct {
	members []websocketMember
	model   gen.ConversationWebsocketMessage // the documented members, decoded
}

// websocketMember is one member of the object, its value as it came.
type websocketMember struct {
	name  string
	value json.RawMessage
}

// websocketFields maps each member name the schema documents to the index
// of its field in gen.ConversationWebsocketMessage, read from the json tags
// so that the generated model stays the one list of documented members.
var websocketFields = func() map[string]int {
	t := reflect.TypeFor[gen.ConversationWebsocketMessage]()
	fields := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			fields[name] = i
		}
	}
	return fields
}()

// WebsocketDecodeError is a frame DecodeWebsocketMessage cannot read: not
// UTF-8, not JSON, JSON that is not one object, or a documented member
// whose value does not fit its model (a string where the schema has a
// number). A member, kind or event type that is merely unknown is never an
// error.
type WebsocketDecodeError struct {
	// Field is the documented member whose value did not fit, or "" when the
	// frame as a whole is wrong.
	Field string
	// Snippet is the start of the frame, or of the member's value when Field
	// is set: at most 120 bytes.
	Snippet []byte
	Err     error
}

func (e *WebsocketDecodeError) Error() string {
	s := "conversation: websocket message"
	if e.Field != "" {
		s += ": member " + strconv.Quote(e.Field)
	}
	s += ": " + e.Err.Error()
	if len(e.Snippet) > 0 {
		what := "frame"
		if e.Field != "" {
			what = "value"
		}
		s += ": " + what + " starts " + strconv.Quote(string(e.Snippet))
	}
	return s
}

func (e *WebsocketDecodeError) Unwrap() error { return e.Err }

// DecodeWebsocketMessage reads one websocket frame: a JSON object of the
// ConversationWebsocketMessage schema. Any object decodes, whatever its kind
// and event type, and keeps what this release does not understand; bytes
// that are not one UTF-8 JSON object, or a documented member of the wrong
// JSON type, give a *WebsocketDecodeError. data is not retained.
func DecodeWebsocketMessage(data []byte) (*WebsocketMessage, error) {
	members, err := parseWebsocketObject(data)
	if err != nil {
		return nil, &WebsocketDecodeError{Snippet: websocketSnippet(data), Err: err}
	}
	return newWebsocketMessage(members)
}

// UnmarshalJSON decodes a frame as DecodeWebsocketMessage does, so that a
// WebsocketMessage can be a field of a larger document. A JSON null leaves
// m unchanged, as encoding/json does for every type.
func (m *WebsocketMessage) UnmarshalJSON(data []byte) error {
	if string(trimJSONSpace(data)) == "null" {
		return nil
	}
	decoded, err := DecodeWebsocketMessage(data)
	if err != nil {
		return err
	}
	*m = *decoded
	return nil
}

// parseWebsocketObject splits a JSON object into its members, in order,
// each value copied as it is.
func parseWebsocketObject(data []byte) ([]websocketMember, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("not valid UTF-8 (at byte %d)", invalidUTF8At(data))
	}
	trimmed := trimJSONSpace(data)
	if len(trimmed) == 0 {
		return nil, errors.New("empty frame, not a JSON object")
	}
	if trimmed[0] != '{' {
		return nil, errors.New(notAnObject(trimmed))
	}
	end := len(bytes.TrimRight(data, jsonSpace)) // a syntax error here is a truncation
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil { // the opening brace
		return nil, jsonSyntax(err, end)
	}
	var members []websocketMember
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonSyntax(err, end)
		}
		name, ok := tok.(string)
		if !ok { // dec.Token reports a non-string key as a syntax error; stay safe
			return nil, fmt.Errorf("object key %v is not a string", tok)
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, fmt.Errorf("member %q: %w", name, jsonSyntax(err, end))
		}
		members = append(members, websocketMember{name: name, value: value})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, jsonSyntax(err, end)
	}
	if rest := bytes.TrimLeft(data[dec.InputOffset():], jsonSpace); len(rest) > 0 {
		return nil, fmt.Errorf("data after the object (at byte %d)", len(data)-len(rest))
	}
	return members, nil
}

// jsonSyntax words a decoder error for a frame whose content ends at byte
// end: a frame that ends early as truncated (encoding/json says
// io.ErrUnexpectedEOF, its v2 implementation a syntax error at the end),
// else where the syntax error is.
func jsonSyntax(err error, end int) error {
	var se *json.SyntaxError
	isSyntax := errors.As(err, &se)
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), isSyntax && se.Offset >= int64(end):
		return fmt.Errorf("truncated: %w", io.ErrUnexpectedEOF)
	case isSyntax:
		return fmt.Errorf("%w (at byte %d)", err, se.Offset)
	}
	return err
}

// decodeWebsocketModel decodes the documented members into the generated
// model, each by its exact name (encoding/json alone would also take "TYPE"
// for "type"). A member given twice takes its last value, as with
// encoding/json.
func decodeWebsocketModel(members []websocketMember) (gen.ConversationWebsocketMessage, error) {
	var model gen.ConversationWebsocketMessage
	v := reflect.ValueOf(&model).Elem()
	for _, mem := range members {
		i, ok := websocketFields[mem.name]
		if !ok {
			continue
		}
		f := v.Field(i)
		f.SetZero()
		if err := json.Unmarshal(mem.value, f.Addr().Interface()); err != nil {
			return gen.ConversationWebsocketMessage{}, &WebsocketDecodeError{
				Field: mem.name, Snippet: websocketSnippet(mem.value), Err: err,
			}
		}
	}
	return model, nil
}

// MarshalJSON writes the message as it was decoded or built: every member,
// in order, each value exactly as it was.
func (m WebsocketMessage) MarshalJSON() ([]byte, error) {
	n := 2
	for _, mem := range m.members {
		n += len(mem.name) + len(mem.value) + 4
	}
	b := make([]byte, 0, n)
	b = append(b, '{')
	for i, mem := range m.members {
		if i > 0 {
			b = append(b, ',')
		}
		name, err := json.Marshal(mem.name)
		if err != nil {
			return nil, err
		}
		b = append(b, name...)
		b = append(b, ':')
		b = append(b, mem.value...)
	}
	return append(b, '}'), nil
}

// Kind is the message's "type": ConversationWebsocketMessageTypeMessage,
// ...TypeEvent, ...TypePing, ...TypeCheckQueuePosition, another value a
// newer service sends (Kind().Valid() is false), or "" when absent.
func (m *WebsocketMessage) Kind() ConversationWebsocketMessageType {
	if m == nil {
		return ""
	}
	return deref(m.model.Type)
}

// EventType is the event's "event_type", or "" when absent. The historical
// "participant leave" is reported as
// ConversationWebsocketMessageEventTypeParticipantLeft, the event it is.
func (m *WebsocketMessage) EventType() ConversationWebsocketMessageEventType {
	t := ConversationWebsocketMessageEventType(m.WireEventType())
	if t == ConversationWebsocketMessageEventTypeParticipantLeave {
		return ConversationWebsocketMessageEventTypeParticipantLeft
	}
	return t
}

// WireEventType is "event_type" exactly as it was sent.
func (m *WebsocketMessage) WireEventType() string {
	if m == nil {
		return ""
	}
	return string(deref(m.model.EventType))
}

// ConversationUUID is the conversation the message is about, or "" when
// it is about none (a ping, a queue's status).
func (m *WebsocketMessage) ConversationUUID() string {
	if m == nil {
		return ""
	}
	return deref(m.model.ConversationUUID)
}

// ConversationARN is the message's "conversation_arn", or "".
func (m *WebsocketMessage) ConversationARN() string {
	if m == nil {
		return ""
	}
	return deref(m.model.ConversationARN)
}

// Message is the chat message a message of kind "message" carries (its
// "message" member): a copy, never nil, the zero value when there is none.
func (m *WebsocketMessage) Message() *ConversationMessage {
	var v ConversationMessage
	if m != nil {
		v = deref(m.model.Message)
	}
	return &v
}

// Model returns every documented member, decoded, as the generated model:
// nil fields are the members the message does not have. Its EventType is
// the wire value ("participant leave" stays so).
func (m *WebsocketMessage) Model() ConversationWebsocketMessage {
	if m == nil {
		return ConversationWebsocketMessage{}
	}
	return m.model
}

// Field returns the value of the member with that name as it was received
// (the last one, should the name appear twice), documented or not.
func (m *WebsocketMessage) Field(name string) (json.RawMessage, bool) {
	if m == nil {
		return nil, false
	}
	for i := len(m.members) - 1; i >= 0; i-- {
		if m.members[i].name == name {
			return bytes.Clone(m.members[i].value), true
		}
	}
	return nil, false
}

// UnknownFields names the members the schema does not document, in the
// order received: what a newer service added. json.Marshal keeps them.
func (m *WebsocketMessage) UnknownFields() []string {
	if m == nil {
		return nil
	}
	var names []string
	for _, mem := range m.members {
		if _, ok := websocketFields[mem.name]; !ok {
			names = append(names, mem.name)
		}
	}
	return names
}

// String describes the message for logs: its kind, event type and
// conversation, never its payload.
func (m *WebsocketMessage) String() string {
	if m == nil {
		return "websocket message <nil>"
	}
	s := "websocket message " + strconv.Quote(string(m.Kind()))
	if t := m.WireEventType(); t != "" {
		s += " " + strconv.Quote(t)
	}
	if id := m.ConversationUUID(); id != "" {
		s += " conversation " + strconv.Quote(id)
	}
	return s
}

// WithField returns a copy of the message with the member name set to
// value as encoding/json writes it (a json.RawMessage is taken as it is):
// in the place of an existing member of that name, or last. A documented
// member must fit its model, as for DecodeWebsocketMessage. Use it for
// members the constructors do not set, such as conversation_arn, or a
// member this release does not know.
func (m *WebsocketMessage) WithField(name string, value any) (*WebsocketMessage, error) {
	const op = "WebsocketMessage.WithField"
	if name == "" || !utf8.ValidString(name) {
		return nil, &ArgumentError{Operation: op, Argument: "name", Reason: fmt.Sprintf("%q is not a member name", name)}
	}
	raw, err := json.Marshal(value)
	if err != nil {
		return nil, &ArgumentError{Operation: op, Argument: "value", Reason: err.Error()}
	}
	if !utf8.Valid(raw) {
		return nil, &ArgumentError{Operation: op, Argument: "value", Reason: "not valid UTF-8"}
	}
	var members []websocketMember
	set := false
	for _, mem := range m.membersOrNil() {
		if mem.name != name {
			members = append(members, mem)
		} else if !set {
			members = append(members, websocketMember{name: name, value: raw})
			set = true
		}
	}
	if !set {
		members = append(members, websocketMember{name: name, value: raw})
	}
	return newWebsocketMessage(members)
}

func (m *WebsocketMessage) membersOrNil() []websocketMember {
	if m == nil {
		return nil
	}
	return m.members
}

// newWebsocketMessage decodes members as DecodeWebsocketMessage would, so
// that a built message reads back exactly as a received one.
func newWebsocketMessage(members []websocketMember) (*WebsocketMessage, error) {
	model, err := decodeWebsocketModel(members)
	if err != nil {
		return nil, err
	}
	return &WebsocketMessage{members: members, model: model}, nil
}

// trimJSONSpace cuts the white space JSON allows around a value.
func trimJSONSpace(b []byte) []byte { return bytes.Trim(b, jsonSpace) }

const jsonSpace = " \t\r\n"

// notAnObject says what b, which does not start with '{', is instead.
func notAnObject(b []byte) string {
	if !json.Valid(b) {
		r, _ := utf8.DecodeRune(b)
		return fmt.Sprintf("not a JSON object (starts with %q)", r)
	}
	kind := "a JSON number"
	switch b[0] {
	case '[':
		kind = "a JSON array"
	case '"':
		kind = "a JSON string"
	case 't', 'f':
		kind = "a JSON boolean"
	case 'n':
		kind = "JSON null"
	}
	return kind + ", not an object"
}

// invalidUTF8At is the offset of the first byte of b that is not UTF-8.
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// websocketSnippet is the start of b for an error: at most
// maxWebsocketSnippet bytes, cut before a rune that does not fit.
func websocketSnippet(b []byte) []byte {
	if len(b) <= maxWebsocketSnippet {
		return bytes.Clone(b)
	}
	n := maxWebsocketSnippet
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return bytes.Clone(b[:n])
}
