package conversation

import (
	"encoding/json"
	"testing"
)

// benchWebsocketFrame is a typical frame: a "new message" event with a
// conversation summary of two participants.
const benchWebsocketFrame = `{"type":"event","event_type":"new message","conversation_uuid":"2fd5c4e8-1f0e-4d6b-9a51-0c1f3a3c9b7e","conversation_arn":"arn:ultracart:conversation:channel/2fd5c4e8","event_new_message":{"conversation_uuid":"2fd5c4e8-1f0e-4d6b-9a51-0c1f3a3c9b7e","conversation_arn":"arn:ultracart:conversation:channel/2fd5c4e8","merchant_id":"DEMO","medium":"websocket","closed":false,"visible":true,"unread_messages":true,"message_count":4,"start_dts":"2026-05-07T10:11:12-05:00","last_message_dts":"2026-05-07T10:14:02-05:00","last_interactive_message_dts":"2026-05-07T10:14:02-05:00","last_conversation_message_body":"Where is my order?","last_conversation_participant_arn":"arn:ultracart:conversation:user/ann","last_conversation_participant_name":"Ann","participants":[{"conversation_participant_arn":"arn:ultracart:conversation:user/ann","conversation_participant_name":"Ann","conversation_participant_uuid":"p-1","joined_dts":"2026-05-07T10:11:12-05:00","status":"joined","unread_messages":0},{"conversation_participant_arn":"arn:ultracart:conversation:user/sam","conversation_participant_name":"Sam","conversation_participant_uuid":"p-2","joined_dts":"2026-05-07T10:12:00-05:00","status":"joined","unread_messages":1}]}}`

// BenchmarkWebsocketDecode: DecodeWebsocketMessage and Event of a typical
// frame, against json.Unmarshal into the generated model alone (which
// keeps neither unknown members nor the numbers as sent).
func BenchmarkWebsocketDecode(b *testing.B) {
	data := []byte(benchWebsocketFrame)
	b.Run("DecodeWebsocketMessage", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			msg, err := DecodeWebsocketMessage(data)
			if err != nil || msg.Event() == nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json.Unmarshal", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var m ConversationWebsocketMessage
			if err := json.Unmarshal(data, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
	msg, err := DecodeWebsocketMessage(data)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("json.Marshal", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(msg); err != nil {
				b.Fatal(err)
			}
		}
	})
}
