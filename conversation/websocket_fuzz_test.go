package conversation

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// FuzzDecodeWebsocketMessage: arbitrary bytes never panic; an error is a
// *WebsocketDecodeError with a short snippet; a frame that decodes comes
// back from json.Marshal as the same JSON, decodes again to the same kind,
// event and model, and dispatches without a panic.
func FuzzDecodeWebsocketMessage(f *testing.F) {
	for _, s := range []string{
		`{"type":"ping"}`,
		`{"type":"message","conversation_uuid":"c1","message":{"body":"hi","message_dts":"2026-05-07T10:11:12-05:00","message_epoch":1746630672000}}`,
		`{"type":"event","event_type":"queue new member","event_queue_new_member":{"conversation_participant_name":"Ann","join_dts":"2026-05-07T10:11:12Z"}}`,
		`{"type":"event","event_type":"participant leave","event_participant_left":{"participants":[{"status":"left"}]},"event_participant_left_participant":{}}`,
		`{"type":"event","event_type":"queue position","event_queue_position":{"position":-1,"available":false}}`,
		`{"type":"event","event_type":"add item","event_add_item":{"items":[{"quantity":1.5,"unit_cost":{"value":9.99,"currency_code":"USD"}}]}}`,
		`{"type":"event","event_type":"rrweb","event_rrweb":{"type":"init","data":"eyJ9","data_part":0}}`,
		`{"type":"event","event_type":"cart abandoned","x":[1.0,1e400,-0],"y":{"z":null}}`,
		`{"type":"check queue position","conversation_uuid":"c1","type":"event"}`,
		`{"TYPE":"x","ty\u0070e":"message","message":null}`,
		`{"type":5}`, `{"type":"event","event_type":"typing","event_typing":"x"}`,
		`{}`, `[]`, `null`, `42`, `"s"`, ``, `{`, `{"a":1}{}`, "{\"a\":\"\xff\"}",
		`{"a":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		msg, err := DecodeWebsocketMessage(data)
		if err != nil {
			var de *WebsocketDecodeError
			if !errors.As(err, &de) || len(de.Snippet) > 120 || msg != nil {
				t.Fatalf("error %T %v, msg %v", err, err, msg)
			}
			return
		}
		out, err := json.Marshal(msg)
		if err != nil {
			t.Fatalf("json.Marshal of a decoded frame: %v", err)
		}
		if !reflect.DeepEqual(generic(t, data), generic(t, out)) {
			t.Fatalf("not the same JSON:\n in  %q\n out %q", data, out)
		}
		again, err := DecodeWebsocketMessage(out)
		if err != nil {
			t.Fatalf("the marshalled frame does not decode: %v\n%q", err, out)
		}
		if again.Kind() != msg.Kind() || again.WireEventType() != msg.WireEventType() ||
			!bytes.Equal(marshal(t, again.Model()), marshal(t, msg.Model())) {
			t.Fatalf("decoded differently the second time: %v, %v", msg, again)
		}
		var h WebsocketHandlers
		_ = h.Dispatch(t.Context(), msg)
		_ = msg.Event()
		_ = msg.String()
	})
}
