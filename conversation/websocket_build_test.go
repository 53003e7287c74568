package conversation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ultracart-community/ultracart-go/uctime"
)

// wsFiller sets every field of a generated model, recursively: each
// pointer allocated, each slice and map given one element, every value
// different (a counter), times in UTC at millisecond precision as they
// come back from JSON.
type wsFiller struct{ n int }

var wsTimeType = reflect.TypeFor[uctime.Time]()

func (f *wsFiller) fill(v reflect.Value, depth int) {
	f.n++
	if v.Type() == wsTimeType {
		v.Set(reflect.ValueOf(uctime.New(wsTime.Add(time.Duration(f.n) * time.Second))))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if depth > 8 {
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		f.fill(v.Elem(), depth+1)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				f.fill(v.Field(i), depth)
			}
		}
	case reflect.Slice:
		if depth > 8 {
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		f.fill(v.Index(0), depth+1)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k := reflect.New(v.Type().Key()).Elem()
		f.fill(k, depth+1)
		e := reflect.New(v.Type().Elem()).Elem()
		f.fill(e, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.String:
		v.SetString(fmt.Sprintf("%s-%d", v.Type().Name(), f.n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(f.n))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(f.n) + 0.25)
	case reflect.Interface:
		v.Set(reflect.ValueOf(fmt.Sprint("any-", f.n)))
	default:
		panic("wsFiller: extend for " + v.Type().String())
	}
}

// wsFilled returns a copy of v with every field set.
func wsFilled[T any](f *wsFiller, v T) T {
	p := reflect.New(reflect.TypeOf(v)).Elem()
	f.fill(p, 0)
	return p.Interface().(T)
}

// wsAllEvents is one value of each event type of the package.
var wsAllEvents = []WebsocketEvent{
	WebsocketQueuePosition{},
	WebsocketWebchatStartConversation{},
	WebsocketConversationClosed{},
	WebsocketNewConversation{},
	WebsocketNewMessage{},
	WebsocketUpdatedMessage{},
	WebsocketQueueStatusUpdate{},
	WebsocketRRWeb{},
	WebsocketParticipantUpdate{},
	WebsocketParticipantJoin{},
	WebsocketParticipantLeft{},
	WebsocketReadMessage{},
	WebsocketTyping{},
	WebsocketAddCoupon{},
	WebsocketAddItem{},
	WebsocketWebchatContext{},
	WebsocketEngageCustomer{},
	WebsocketQueueNewMember{},
}

// TestWebsocketEventTypesCovered: one Go type per documented event type,
// no two alike.
func TestWebsocketEventTypesCovered(t *testing.T) {
	ref := wsLoadReference(t)
	documented := slices.Sorted(slices.Values(ref.Schemas["ConversationWebsocketMessage"].Properties["event_type"].Enum))
	var got []string
	for _, e := range wsAllEvents {
		got = append(got, string(e.EventType()))
		if !e.EventType().Valid() {
			t.Errorf("%T: event type %q is not a documented value", e, e.EventType())
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, documented) {
		t.Errorf("event types of the Go types %q, documented %q", got, documented)
	}
}

// TestWebsocketEventRoundTrip: every event type, its payload fully
// populated, built by NewWebsocketEvent, written by json.Marshal and read
// by DecodeWebsocketMessage, is the same event.
func TestWebsocketEventRoundTrip(t *testing.T) {
	f := &wsFiller{}
	for _, zero := range wsAllEvents {
		t.Run(string(zero.EventType()), func(t *testing.T) {
			e := wsFilled(f, zero)
			msg, err := NewWebsocketEvent("conv-1", e)
			if err != nil {
				t.Fatal(err)
			}
			frame, err := json.Marshal(msg)
			if err != nil {
				t.Fatal(err)
			}
			prefix := `{"type":"event","event_type":` + string(marshal(t, e.EventType())) + `,"conversation_uuid":"conv-1"`
			if !bytes.HasPrefix(frame, []byte(prefix)) {
				t.Errorf("frame %.200s does not start %s", frame, prefix)
			}
			back, err := DecodeWebsocketMessage(frame)
			if err != nil {
				t.Fatalf("DecodeWebsocketMessage(%.300s): %v", frame, err)
			}
			if !reflect.DeepEqual(back.Event(), e) {
				t.Errorf("decoded\n %#v\nbuilt\n %#v", back.Event(), e)
			}
			if back.EventType() != e.EventType() || back.Kind() != ConversationWebsocketMessageTypeEvent || back.ConversationUUID() != "conv-1" {
				t.Errorf("read back as %v", back)
			}
			if u := back.UnknownFields(); u != nil {
				t.Errorf("UnknownFields = %q", u)
			}
			again, _ := json.Marshal(back)
			if !bytes.Equal(again, frame) {
				t.Errorf("marshalled again:\n %.300s\nfirst:\n %.300s", again, frame)
			}
		})
	}
}

// TestWebsocketBuildKinds: the other kinds, and events with an empty
// payload or no conversation.
func TestWebsocketBuildKinds(t *testing.T) {
	f := &wsFiller{}
	chat := wsFilled(f, ConversationMessage{})
	msg, err := NewWebsocketChatMessage("conv-2", chat)
	if err != nil {
		t.Fatal(err)
	}
	frame := marshal(t, msg)
	if !bytes.HasPrefix(frame, []byte(`{"type":"message","conversation_uuid":"conv-2","message":{`)) {
		t.Errorf("frame %.100s", frame)
	}
	back, err := DecodeWebsocketMessage(frame)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*back.Message(), chat) || back.Kind() != ConversationWebsocketMessageTypeMessage {
		t.Errorf("decoded %#v", back.Message())
	}

	for _, tc := range []struct {
		name string
		msg  func() (*WebsocketMessage, error)
		want string
	}{
		{"ping", func() (*WebsocketMessage, error) {
			return NewWebsocketMessage(ConversationWebsocketMessageTypePing), nil
		}, `{"type":"ping"}`},
		{"check queue position", func() (*WebsocketMessage, error) {
			return NewWebsocketMessage(ConversationWebsocketMessageTypeCheckQueuePosition).WithField("conversation_uuid", "conv-3")
		}, `{"type":"check queue position","conversation_uuid":"conv-3"}`},
		{"a kind this release does not know", func() (*WebsocketMessage, error) {
			return NewWebsocketMessage("agent assist"), nil
		}, `{"type":"agent assist"}`},
		{"a kind that is not UTF-8", func() (*WebsocketMessage, error) {
			return NewWebsocketMessage("p\xffng"), nil
		}, `{"type":"p` + "\ufffd" + `ng"}`},
		{"empty payload", func() (*WebsocketMessage, error) {
			return NewWebsocketEvent("conv-4", WebsocketTyping{})
		}, `{"type":"event","event_type":"typing","conversation_uuid":"conv-4","event_typing":{}}`},
		{"no conversation", func() (*WebsocketMessage, error) {
			return NewWebsocketEvent("", WebsocketQueueStatusUpdate{ConversationWebchatQueueStatus: ConversationWebchatQueueStatus{QueueName: Ptr("support")}})
		}, `{"type":"event","event_type":"queue status update","event_queue_status_update":{"queue_name":"support"}}`},
		{"no payload", func() (*WebsocketMessage, error) {
			return NewWebsocketEvent("conv-5", WebsocketWebchatStartConversation{})
		}, `{"type":"event","event_type":"webchat start conversation","conversation_uuid":"conv-5"}`},
		{"a pointer to an event", func() (*WebsocketMessage, error) {
			return NewWebsocketEvent("conv-6", &WebsocketAddCoupon{ConversationEventAddCoupon: ConversationEventAddCoupon{CouponCode: Ptr("TENOFF")}})
		}, `{"type":"event","event_type":"add coupon","conversation_uuid":"conv-6","event_add_coupon":{"coupon_code":"TENOFF"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg, err := tc.msg()
			if err != nil {
				t.Fatal(err)
			}
			if got := string(marshal(t, msg)); got != tc.want {
				t.Errorf("frame %s, want %s", got, tc.want)
			}
			wsDecode(t, tc.want)
		})
	}
}

// TestWebsocketBuildErrors: arguments the constructors cannot write.
func TestWebsocketBuildErrors(t *testing.T) {
	var nilTyping *WebsocketTyping
	nan := WebsocketAddItem{ConversationEventAddItem: ConversationEventAddItem{
		Items: []CartItem{{Quantity: Ptr(math.NaN())}},
	}}
	for _, tc := range []struct {
		name string
		err  func() error
		want string
	}{
		{"nil event", func() error { _, err := NewWebsocketEvent("c", nil); return err }, "invalid argument e: nil event"},
		{"nil pointer event", func() error { _, err := NewWebsocketEvent("c", nilTyping); return err }, "invalid argument e: nil *conversation.WebsocketTyping"},
		{"NaN", func() error { _, err := NewWebsocketEvent("c", nan); return err }, "invalid argument e: member event_add_item"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.err()
			if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want an *ArgumentError saying %q", err, tc.want)
			}
		})
	}
}

// TestWebsocketWithField: a copy with one member set, in place or last;
// the original unchanged; what cannot be a member refused.
func TestWebsocketWithField(t *testing.T) {
	orig := wsDecode(t, `{"type":"event","x":1,"event_type":"typing","x":2,"event_typing":{"value":"a"}}`)
	for _, tc := range []struct {
		name  string
		field string
		value any
		want  string
		check func(t *testing.T, m *WebsocketMessage)
	}{
		{"replace a documented member", "event_type", "new message",
			`{"type":"event","x":1,"event_type":"new message","x":2,"event_typing":{"value":"a"}}`,
			func(t *testing.T, m *WebsocketMessage) {
				if _, ok := m.Event().(WebsocketNewMessage); !ok {
					t.Errorf("Event() = %T", m.Event())
				}
			}},
		{"replace a member given twice", "x", json.RawMessage(`[1.50]`),
			`{"type":"event","x":[1.50],"event_type":"typing","event_typing":{"value":"a"}}`, nil},
		{"add a member", "conversation_arn", "arn:1",
			`{"type":"event","x":1,"event_type":"typing","x":2,"event_typing":{"value":"a"},"conversation_arn":"arn:1"}`,
			func(t *testing.T, m *WebsocketMessage) {
				if m.ConversationARN() != "arn:1" {
					t.Errorf("ConversationARN = %q", m.ConversationARN())
				}
			}},
		{"a model value", "event_typing", ConversationEventTyping{Value: Ptr("b")},
			`{"type":"event","x":1,"event_type":"typing","x":2,"event_typing":{"value":"b"}}`,
			func(t *testing.T, m *WebsocketMessage) {
				if e := m.Event().(WebsocketTyping); e.GetValue() != "b" {
					t.Errorf("Value = %q", e.GetValue())
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := orig.WithField(tc.field, tc.value)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(marshal(t, m)); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			if tc.check != nil {
				tc.check(t, m)
			}
		})
	}
	if got := string(marshal(t, orig)); got != `{"type":"event","x":1,"event_type":"typing","x":2,"event_typing":{"value":"a"}}` {
		t.Errorf("the original changed: %s", got)
	}

	for _, tc := range []struct {
		name, field string
		value       any
		want        string
	}{
		{"empty name", "", 1, "invalid argument name"},
		{"name not UTF-8", "a\xff", 1, "invalid argument name"},
		{"value encoding/json refuses", "x", make(chan int), "invalid argument value"},
		{"raw value not JSON", "x", json.RawMessage(`{`), "invalid argument value"},
		{"raw value not UTF-8", "x", json.RawMessage("\"\xff\""), "invalid argument value"},
		{"documented member of the wrong type", "event_typing", "hel", `member "event_typing"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := orig.WithField(tc.field, tc.value)
			if err == nil || m != nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("WithField = %v, %v; want an error saying %q", m, err, tc.want)
			}
		})
	}

	var nilMsg *WebsocketMessage
	m, err := nilMsg.WithField("type", "ping")
	if err != nil || m.Kind() != "ping" {
		t.Errorf("nil.WithField = %v, %v", m, err)
	}
}
