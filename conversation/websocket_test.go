package conversation

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// wsDecode decodes a frame that must decode, and checks that json.Marshal
// gives the same JSON back.
func wsDecode(t *testing.T, frame string) *WebsocketMessage {
	t.Helper()
	msg, err := DecodeWebsocketMessage([]byte(frame))
	if err != nil {
		t.Fatalf("DecodeWebsocketMessage: %v", err)
	}
	back, err := json.Marshal(msg)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	jsonEqual(t, "json.Marshal(decoded)", back, []byte(frame))
	return msg
}

// TestWebsocketUnknown: what a newer service may send (kinds, event types,
// members, properties inside known payloads) decodes, is reported as
// unknown, and comes back whole.
func TestWebsocketUnknown(t *testing.T) {
	for _, tc := range []struct {
		name, frame string
		kind        ConversationWebsocketMessageType
		eventType   ConversationWebsocketMessageEventType
		unknown     []string
		check       func(t *testing.T, msg *WebsocketMessage)
	}{
		{name: "unknown kind", frame: `{"type":"agent assist","suggestion":{"text":"Try a refund","score":0.870},"conversation_uuid":"c1"}`,
			kind: "agent assist", unknown: []string{"suggestion"}},
		{name: "unknown event type", frame: `{"type":"event","event_type":"cart abandoned","event_cart_abandoned":{"cart_id":"C-1","total":12.50}}`,
			kind: "event", eventType: "cart abandoned", unknown: []string{"event_cart_abandoned"}},
		{name: "unknown member beside a known event", frame: `{"type":"event","event_type":"typing","sequence":18446744073709551617,"event_typing":{"value":"hel","author_conversation_participant_name":"Ann"}}`,
			kind: "event", eventType: "typing", unknown: []string{"sequence"},
			check: func(t *testing.T, msg *WebsocketMessage) {
				e, ok := msg.Event().(WebsocketTyping)
				if !ok || e.GetValue() != "hel" || e.GetAuthorConversationParticipantName() != "Ann" {
					t.Errorf("Event() = %#v", msg.Event())
				}
				if raw, ok := msg.Field("sequence"); !ok || string(raw) != "18446744073709551617" {
					t.Errorf("Field(sequence) = %s, %v", raw, ok)
				}
			}},
		{name: "unknown properties inside a known payload", frame: `{"type":"event","event_type":"queue position","event_queue_position":{"position":3,"available":true,"eta_seconds":1e400,"ratio":2.50,"tags":["a",null,{"b":-0}]}}`,
			kind: "event", eventType: "queue position",
			check: func(t *testing.T, msg *WebsocketMessage) {
				e := msg.Event().(WebsocketQueuePosition)
				if e.GetPosition() != 3 || !e.GetAvailable() {
					t.Errorf("Event() = %#v", e)
				}
			}},
		{name: "numbers as sent", frame: `{"type":"event","event_type":"read message","event_read_message":{"message_epoch":1746630000000,"conversation_message_uuid":"m1"},"x":[1.0,1E+2,-0,0.000001,123456789012345678901234567890]}`,
			kind: "event", eventType: "read message", unknown: []string{"x"},
			check: func(t *testing.T, msg *WebsocketMessage) {
				e := msg.Event().(WebsocketReadMessage)
				if e.GetMessageEpoch() != 1746630000000 {
					t.Errorf("MessageEpoch = %d", e.GetMessageEpoch())
				}
				raw, _ := msg.Field("x")
				if string(raw) != `[1.0,1E+2,-0,0.000001,123456789012345678901234567890]` {
					t.Errorf("x = %s", raw)
				}
			}},
		{name: "a date-time that is not RFC 3339", frame: `{"type":"event","event_type":"read message","event_read_message":{"message_dts":"last Tuesday"}}`,
			kind: "event", eventType: "read message",
			check: func(t *testing.T, msg *WebsocketMessage) {
				e := msg.Event().(WebsocketReadMessage)
				if e.MessageDts == nil || e.MessageDts.Valid() || e.MessageDts.Raw() != `"last Tuesday"` {
					t.Errorf("MessageDts = %v", e.MessageDts)
				}
			}},
		{name: "null payload", frame: `{"type":"event","event_type":"new message","event_new_message":null,"message":null}`,
			kind: "event", eventType: "new message",
			check: func(t *testing.T, msg *WebsocketMessage) {
				if e, ok := msg.Event().(WebsocketNewMessage); !ok || e.ConversationUUID != nil {
					t.Errorf("Event() = %#v", msg.Event())
				}
			}},
		{name: "payload absent", frame: `{"type":"event","event_type":"participant join","conversation_uuid":"c1"}`,
			kind: "event", eventType: "participant join",
			check: func(t *testing.T, msg *WebsocketMessage) {
				e, ok := msg.Event().(WebsocketParticipantJoin)
				if !ok || e.Participant.ConversationParticipantARN != nil || e.ConversationUUID != nil {
					t.Errorf("Event() = %#v", msg.Event())
				}
			}},
		{name: "empty object", frame: `{}`},
		{name: "event without event_type", frame: `{"type":"event"}`, kind: "event"},
		{name: "event_type without kind", frame: `{"event_type":"typing","event_typing":{"value":"x"}}`, eventType: "typing",
			check: func(t *testing.T, msg *WebsocketMessage) {
				if msg.Event() != nil {
					t.Errorf("Event() = %#v for a message of no kind", msg.Event())
				}
			}},
		{name: "member twice: the last wins", frame: `{"type":"ping","type":"event","event_type":"typing","event_typing":{"value":"a","author_conversation_participant_arn":"x"},"event_typing":{"value":"b"}}`,
			kind: "event", eventType: "typing",
			check: func(t *testing.T, msg *WebsocketMessage) {
				e := msg.Event().(WebsocketTyping)
				if e.GetValue() != "b" || e.AuthorConversationParticipantARN != nil {
					t.Errorf("Event() = %#v, want only the last event_typing", e)
				}
			}},
		{name: "names are exact", frame: `{"TYPE":"event","Type":"message","type":"ping"}`,
			kind: "ping", unknown: []string{"TYPE", "Type"}},
		{name: "escaped names", frame: `{"ty\u0070e":"message","message":{"body":"h\u00e9llo \u2028 \ud83d\ude00 <b>&amp;</b>"}}`,
			kind: "message",
			check: func(t *testing.T, msg *WebsocketMessage) {
				if got := msg.Message().GetBody(); got != "héllo \u2028 😀 <b>&amp;</b>" {
					t.Errorf("Body = %q", got)
				}
			}},
		{name: "white space", frame: " \r\n\t{ \"type\" : \"ping\" }\n", kind: "ping"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := wsDecode(t, tc.frame)
			if msg.Kind() != tc.kind || msg.EventType() != tc.eventType {
				t.Errorf("Kind %q, EventType %q; want %q, %q", msg.Kind(), msg.EventType(), tc.kind, tc.eventType)
			}
			if got := msg.UnknownFields(); strings.Join(got, ",") != strings.Join(tc.unknown, ",") {
				t.Errorf("UnknownFields = %q, want %q", got, tc.unknown)
			}
			if tc.check != nil {
				tc.check(t, msg)
			}
		})
	}
}

// TestWebsocketMalformed: bytes that are not one JSON object give a
// *WebsocketDecodeError saying what is wrong, with a short snippet, and
// never a panic.
func TestWebsocketMalformed(t *testing.T) {
	huge := `{"type":"message","message":{"body":"` + strings.Repeat("a", 8<<20)
	for _, tc := range []struct {
		name, frame string
		want        string // in the error text
		field       string
	}{
		{"empty", ``, "empty frame", ""},
		{"white space only", " \n\t ", "empty frame", ""},
		{"truncated after a member", `{"type":"ping"`, "truncated", ""},
		{"truncated in a value", `{"type":"pi`, `member "type": truncated`, ""},
		{"truncated in a key", `{"ty`, "truncated", ""},
		{"only a brace", `{`, "truncated", ""},
		{"array", `[]`, "a JSON array, not an object", ""},
		{"array of a frame", `[{"type":"ping"}]`, "a JSON array, not an object", ""},
		{"number", `42`, "a JSON number, not an object", ""},
		{"negative number", `-1.5e3`, "a JSON number, not an object", ""},
		{"null", `null`, "JSON null, not an object", ""},
		{"string", `"ping"`, "a JSON string, not an object", ""},
		{"boolean", `true`, "a JSON boolean, not an object", ""},
		{"not JSON", `<html><body>502 Bad Gateway</body></html>`, "not a JSON object (starts with '<')", ""},
		{"a broken literal", `nul`, "not a JSON object (starts with 'n')", ""},
		{"byte order mark", "\ufeff{\"type\":\"ping\"}", "not a JSON object", ""},
		{"two objects", `{"type":"ping"}{"type":"ping"}`, "data after the object (at byte 15)", ""},
		{"trailing garbage", `{"type":"ping"} x`, "data after the object (at byte 16)", ""},
		{"unquoted key", `{type:"ping"}`, "invalid character", ""},
		{"trailing comma", `{"type":"ping",}`, "invalid character", ""},
		{"missing comma", `{"a":1 "b":2}`, "invalid character", ""},
		{"invalid UTF-8", "{\"type\":\"\xff\"}", "not valid UTF-8 (at byte 9)", ""},
		{"invalid UTF-8 in a key", "{\"t\xc3\x28\":1}", "not valid UTF-8 (at byte 3)", ""},
		{"deeply nested", `{"x":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`, "exceeded max depth", ""},
		{"deeply nested objects", `{"x":` + strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000) + `}`, "exceeded max depth", ""},
		{"huge and truncated", huge, "truncated", ""},
		{"kind not a string", `{"type":5}`, "cannot unmarshal number", "type"},
		{"event type not a string", `{"type":"event","event_type":["typing"]}`, "cannot unmarshal array", "event_type"},
		{"payload of the wrong type", `{"type":"event","event_type":"queue position","event_queue_position":{"position":"first"}}`, "int32", "event_queue_position"},
		{"payload not an object", `{"type":"event","event_type":"typing","event_typing":"hel"}`, "cannot unmarshal string", "event_typing"},
		{"message not an object", `{"type":"message","message":[]}`, "cannot unmarshal array", "message"},
		{"int32 overflow", `{"type":"event","event_type":"queue position","event_queue_position":{"position":2147483648}}`, "int32", "event_queue_position"},
		{"conversation_uuid not a string", `{"type":"ping","conversation_uuid":{"a":1}}`, "cannot unmarshal object", "conversation_uuid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg, err := DecodeWebsocketMessage([]byte(tc.frame))
			if err == nil {
				t.Fatalf("no error; decoded %v", msg)
			}
			if msg != nil {
				t.Errorf("a message with the error: %v", msg)
			}
			var de *WebsocketDecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %T, want *WebsocketDecodeError: %v", err, err)
			}
			if de.Field != tc.field {
				t.Errorf("Field = %q, want %q", de.Field, tc.field)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if len(de.Snippet) > 120 || len(err.Error()) > 600 {
				t.Errorf("error too long (%d bytes, snippet %d): %.300s", len(err.Error()), len(de.Snippet), err)
			}
			if tc.frame != "" && strings.TrimSpace(tc.frame) != "" && len(de.Snippet) == 0 {
				t.Errorf("no snippet: %v", err)
			}
			// The same bytes through json.Unmarshal fail alike.
			var m WebsocketMessage
			if err := json.Unmarshal([]byte(tc.frame), &m); err == nil && tc.frame != "null" {
				t.Errorf("json.Unmarshal accepted it")
			}
		})
	}
}

// TestWebsocketHuge: a large frame (a 1 MiB rrweb recording part) decodes
// and comes back whole.
func TestWebsocketHuge(t *testing.T) {
	data := strings.Repeat("0123456789abcdef", 1<<20/16)
	frame := `{"type":"event","event_type":"rrweb","conversation_uuid":"c1","event_rrweb":{"type":"events","data":"` + data + `","data_part":1,"data_total_parts":3}}`
	msg := wsDecode(t, frame)
	e, ok := msg.Event().(WebsocketRRWeb)
	if !ok || len(e.GetData()) != len(data) || e.GetDataPart() != 1 || e.GetType() != ConversationEventRRWebTypeEvents {
		t.Errorf("Event() = %T, data %d bytes", msg.Event(), len(e.GetData()))
	}
}

// TestWebsocketUnmarshalJSON: a WebsocketMessage inside a larger document,
// and the null convention of encoding/json.
func TestWebsocketUnmarshalJSON(t *testing.T) {
	var doc struct {
		Frames []WebsocketMessage `json:"frames"`
		Last   WebsocketMessage   `json:"last"`
	}
	in := `{"frames":[{"type":"ping"},{"type":"event","event_type":"typing","event_typing":{"value":"x"},"z":1}],"last":null}`
	if err := json.Unmarshal([]byte(in), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Frames) != 2 || doc.Frames[0].Kind() != "ping" || doc.Frames[1].EventType() != "typing" || doc.Last.Kind() != "" {
		t.Errorf("decoded %v", doc)
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	jsonEqual(t, "document", out, []byte(`{"frames":[{"type":"ping"},{"type":"event","event_type":"typing","event_typing":{"value":"x"},"z":1}],"last":{}}`))

	var bad struct{ M WebsocketMessage }
	err = json.Unmarshal([]byte(`{"M":{"type":7}}`), &bad)
	var de *WebsocketDecodeError
	if !errors.As(err, &de) || de.Field != "type" {
		t.Errorf("err = %v", err)
	}
}

// TestWebsocketAccessors: a nil or zero message reads as empty, and String
// names kind, event type and conversation only.
func TestWebsocketAccessors(t *testing.T) {
	var nilMsg *WebsocketMessage
	if nilMsg.Kind() != "" || nilMsg.EventType() != "" || nilMsg.ConversationUUID() != "" || nilMsg.ConversationARN() != "" ||
		nilMsg.Event() != nil || nilMsg.UnknownFields() != nil || nilMsg.Message().Body != nil || nilMsg.Model().Type != nil {
		t.Error("a nil message is not empty")
	}
	if _, ok := nilMsg.Field("type"); ok {
		t.Error("a nil message has a field")
	}
	if b, err := json.Marshal(nilMsg); err != nil || string(b) != "null" {
		t.Errorf("json.Marshal(nil) = %s, %v", b, err)
	}
	var zero WebsocketMessage
	if b, err := json.Marshal(zero); err != nil || string(b) != "{}" {
		t.Errorf("json.Marshal(zero) = %s, %v", b, err)
	}
	msg := wsDecode(t, `{"type":"event","event_type":"typing","conversation_uuid":"c-1","event_typing":{"value":"my card is 4111 1111 1111 1111"}}`)
	if got, want := msg.String(), `websocket message "event" "typing" conversation "c-1"`; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	// Field returns a copy: changing it changes nothing.
	raw, _ := msg.Field("event_typing")
	raw[2] = 'X'
	if raw2, _ := msg.Field("event_typing"); raw2[2] == 'X' {
		t.Error("Field shares the message's bytes")
	}
}

// wsTime is a date-time as the generated models hold one read from JSON.
var wsTime = time.Date(2026, 5, 7, 10, 11, 12, 345000000, time.UTC)
