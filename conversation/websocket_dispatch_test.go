package conversation

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// wsCall is one handler call seen by wsRecordingHandlers.
type wsCall struct {
	handler string
	msg     *WebsocketMessage
	payload any // the third argument, if any
}

// wsRecordingHandlers sets every handler field of WebsocketHandlers,
// except those named in skip, to one that records its call and returns
// ret.
func wsRecordingHandlers(calls *[]wsCall, ret error, skip ...string) *WebsocketHandlers {
	h := &WebsocketHandlers{}
	v := reflect.ValueOf(h).Elem()
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		if strings.Contains(" "+strings.Join(skip, " ")+" ", " "+name+" ") {
			continue
		}
		f := v.Field(i)
		f.Set(reflect.MakeFunc(f.Type(), func(args []reflect.Value) []reflect.Value {
			c := wsCall{handler: name, msg: args[1].Interface().(*WebsocketMessage)}
			if len(args) > 2 {
				c.payload = args[2].Interface()
			}
			*calls = append(*calls, c)
			out := reflect.New(reflect.TypeFor[error]()).Elem()
			if ret != nil {
				out.Set(reflect.ValueOf(ret))
			}
			return []reflect.Value{out}
		}))
	}
	return h
}

// TestWebsocketDispatchEvents: each event type reaches its own handler
// (On + the type's name without Websocket) with its payload.
func TestWebsocketDispatchEvents(t *testing.T) {
	f := &wsFiller{}
	var calls []wsCall
	h := wsRecordingHandlers(&calls, nil)
	for _, zero := range wsAllEvents {
		e := wsFilled(f, zero)
		msg, err := NewWebsocketEvent("conv-1", e)
		if err != nil {
			t.Fatal(err)
		}
		frame := marshal(t, msg)
		decoded, err := DecodeWebsocketMessage(frame)
		if err != nil {
			t.Fatal(err)
		}
		calls = nil
		if err := h.Dispatch(context.Background(), decoded); err != nil {
			t.Fatal(err)
		}
		want := "On" + strings.TrimPrefix(reflect.TypeOf(e).Name(), "Websocket")
		if len(calls) != 1 || calls[0].handler != want {
			t.Errorf("%s: calls %v, want one to %s", e.EventType(), calls, want)
			continue
		}
		if calls[0].msg != decoded || !reflect.DeepEqual(calls[0].payload, e) {
			t.Errorf("%s: %s got %#v", e.EventType(), want, calls[0].payload)
		}
	}
}

// TestWebsocketDispatchRouting: kinds, the historical event name, the
// unknown and the unhandled, and errors passed through.
func TestWebsocketDispatchRouting(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		name  string
		frame string
		skip  []string // handlers left nil
		want  string   // the handler called; "" for none
	}{
		{"message", `{"type":"message","message":{"body":"hi"}}`, nil, "OnMessage"},
		{"ping", `{"type":"ping"}`, nil, "OnPing"},
		{"check queue position", `{"type":"check queue position"}`, nil, "OnCheckQueuePosition"},
		{"participant leave", `{"type":"event","event_type":"participant leave","event_participant_left_participant":{"conversation_participant_name":"Ann"}}`, nil, "OnParticipantLeft"},
		{"unknown kind", `{"type":"agent assist"}`, nil, "OnUnknown"},
		{"no kind", `{}`, nil, "OnUnknown"},
		{"unknown event type", `{"type":"event","event_type":"cart abandoned"}`, nil, "OnUnknown"},
		{"event without type", `{"type":"event"}`, nil, "OnUnknown"},
		{"unknown, OnUnknown nil", `{"type":"agent assist"}`, []string{"OnUnknown"}, "OnUnhandled"},
		{"unknown, both nil", `{"type":"agent assist"}`, []string{"OnUnknown", "OnUnhandled"}, ""},
		{"known kind unhandled", `{"type":"ping"}`, []string{"OnPing"}, "OnUnhandled"},
		{"known event unhandled", `{"type":"event","event_type":"typing"}`, []string{"OnTyping"}, "OnUnhandled"},
		{"known event unhandled, not unknown", `{"type":"event","event_type":"typing"}`, []string{"OnTyping", "OnUnhandled"}, ""},
		{"message unhandled", `{"type":"message"}`, []string{"OnMessage", "OnUnhandled"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := wsDecode(t, tc.frame)
			for _, ret := range []error{nil, boom} {
				var calls []wsCall
				h := wsRecordingHandlers(&calls, ret, tc.skip...)
				err := h.Dispatch(context.Background(), msg)
				if tc.want == "" {
					if len(calls) != 0 || err != nil {
						t.Errorf("calls %v, err %v; want none", calls, err)
					}
					continue
				}
				if len(calls) != 1 || calls[0].handler != tc.want || calls[0].msg != msg {
					t.Errorf("calls %v, want one to %s", calls, tc.want)
				}
				if err != ret {
					t.Errorf("Dispatch returned %v, the handler %v", err, ret)
				}
			}
		})
	}

	var calls []wsCall
	h := wsRecordingHandlers(&calls, nil)
	msg := wsDecode(t, `{"type":"event","event_type":"participant leave","event_participant_left_participant":{"conversation_participant_name":"Ann"}}`)
	if err := h.Dispatch(context.Background(), msg); err != nil || len(calls) != 1 {
		t.Fatalf("calls %v, err %v", calls, err)
	}
	if e := calls[0].payload.(WebsocketParticipantLeft); e.Participant.GetConversationParticipantName() != "Ann" {
		t.Errorf("payload %#v", e)
	}

	if err := h.Dispatch(context.Background(), nil); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("Dispatch(nil) = %v", err)
	}
	var zero WebsocketHandlers
	if err := zero.Dispatch(context.Background(), msg); err != nil {
		t.Errorf("the zero WebsocketHandlers: %v", err)
	}
}
