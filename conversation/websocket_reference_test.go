package conversation

// Frames built from the 4.1.86 reference: every documented kind and event
// type, each payload populated with every property its schema lists, read
// by DecodeWebsocketMessage and written back by json.Marshal.
//
// The schemas are read from the reference committed in api/testdata (its
// "websocket_schemas" roots and the "schemas" they reach), so that the
// test runs in any clone.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ultracart-community/ultracart-go/gen/genspec"
)

// wsSchema is the part of a reference schema the generator reads.
type wsSchema struct {
	Properties map[string]wsProperty `json:"properties"`
}

type wsProperty struct {
	Type   string      `json:"type"`
	Format *string     `json:"format"`
	Ref    string      `json:"$ref"`
	Enum   []string    `json:"enum"`
	Items  *wsProperty `json:"items"`
}

type wsReference struct {
	Roots   []string            `json:"websocket_schemas"`
	Schemas map[string]wsSchema `json:"schemas"`
}

func wsLoadReference(t *testing.T) *wsReference {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "api", "testdata", "ultracart-conversation-v4.1.86.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref wsReference
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Schemas["ConversationWebsocketMessage"].Properties) == 0 {
		t.Fatal("the reference has no ConversationWebsocketMessage schema")
	}
	return &ref
}

// wsPopulator makes values with every property of a schema set. Values
// vary (a counter) so that two fields never hold the same value by
// accident, and enums take each of their values in turn.
type wsPopulator struct {
	ref *wsReference
	n   int
}

func (p *wsPopulator) object(schema string, depth int) map[string]any {
	s, ok := p.ref.Schemas[schema]
	if !ok {
		panic("no schema " + schema)
	}
	out := make(map[string]any, len(s.Properties))
	for name, prop := range s.Properties {
		if v, ok := p.value(schema+"."+name, prop, depth); ok {
			out[name] = v
		}
	}
	return out
}

func (p *wsPopulator) value(path string, prop wsProperty, depth int) (any, bool) {
	p.n++
	switch {
	case prop.Ref != "":
		if depth > 8 { // no cycle in 4.1.86; stay finite should one appear
			return nil, false
		}
		return p.object(prop.Ref, depth+1), true
	case len(prop.Enum) > 0:
		return prop.Enum[p.n%len(prop.Enum)], true
	}
	format := ""
	if prop.Format != nil {
		format = *prop.Format
	}
	switch prop.Type {
	case "string":
		if format == "date-time" {
			// UltraCart's documented form: seconds, milliseconds, an offset.
			return fmt.Sprintf("2026-05-%02dT10:11:%02d.%03d-05:00", 1+p.n%28, p.n%60, p.n%1000), true
		}
		return fmt.Sprintf("%s #%d", path, p.n), true
	case "integer":
		if format == "int64" {
			return json.Number(fmt.Sprint(1746630000000 + int64(p.n))), true
		}
		return json.Number(fmt.Sprint(p.n)), true
	case "number":
		return json.Number(fmt.Sprintf("%d.25", p.n)), true
	case "boolean":
		return true, true
	case "array":
		if prop.Items == nil {
			return []any{}, true
		}
		v, ok := p.value(path+"[]", *prop.Items, depth)
		if !ok {
			return []any{}, true
		}
		return []any{v}, true
	}
	panic(fmt.Sprintf("%s: type %q: extend the generator", path, prop.Type))
}

// wsPayloadMembers lists, for an event type, the members of its payload:
// "event_" and the event type with underscores, and its "_participant"
// companion when the schema has one. None for an event without payload.
func wsPayloadMembers(msgSchema wsSchema, eventType string) []string {
	base := "event_" + strings.ReplaceAll(eventType, " ", "_")
	var out []string
	for _, name := range []string{base, base + "_participant"} {
		if _, ok := msgSchema.Properties[name]; ok {
			out = append(out, name)
		}
	}
	return out
}

// wsFrame is a frame as an ordered list of members.
type wsFrame []wsMember

type wsMember struct {
	name  string
	value any
}

func (f wsFrame) bytes(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range f {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(m.name)
		value, err := json.Marshal(m.value)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(name)
		b.WriteByte(':')
		b.Write(value)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// wsCheckTyped compares a populated payload with the same payload after
// decoding into the generated model and encoding again (got), property by
// property along the schema. A value that changed is an error. A property
// that is gone is one the generated model lacks: fine (the frame keeps it)
// when api/openapi.yaml lacks it too, which the test reports, and an error
// when the spec has it.
func wsCheckTyped(t *testing.T, ref *wsReference, schema, path string, want, got any, missing map[string]bool) {
	t.Helper()
	w, ok1 := want.(map[string]any)
	g, ok2 := got.(map[string]any)
	if !ok1 || !ok2 {
		t.Errorf("%s: want an object on both sides, got %T and %T", path, want, got)
		return
	}
	for name := range g {
		if _, ok := w[name]; !ok {
			t.Errorf("%s.%s: the model wrote a property that was not sent", path, name)
		}
	}
	for name, wv := range w {
		gv, ok := g[name]
		if !ok {
			missing[schema+"."+name] = true
			continue
		}
		prop := ref.Schemas[schema].Properties[name]
		switch {
		case prop.Ref != "":
			wsCheckTyped(t, ref, prop.Ref, path+"."+name, wv, gv, missing)
		case prop.Type == "array" && prop.Items != nil && prop.Items.Ref != "":
			wa, _ := wv.([]any)
			ga, _ := gv.([]any)
			if len(wa) != len(ga) {
				t.Errorf("%s.%s: %d items sent, %d back", path, name, len(wa), len(ga))
				continue
			}
			for i := range wa {
				wsCheckTyped(t, ref, prop.Items.Ref, fmt.Sprintf("%s.%s[%d]", path, name, i), wa[i], ga[i], missing)
			}
		case prop.Format != nil && *prop.Format == "date-time":
			// The same instant; time.Time writes its own digits
			// (".010" comes back ".01").
			ws, _ := wv.(string)
			gs, _ := gv.(string)
			wt, err1 := time.Parse(time.RFC3339Nano, ws)
			gt, err2 := time.Parse(time.RFC3339Nano, gs)
			if err1 != nil || err2 != nil || !wt.Equal(gt) {
				t.Errorf("%s.%s: sent %v, the model gave back %v", path, name, wv, gv)
			}
		default:
			if !reflect.DeepEqual(wv, gv) {
				t.Errorf("%s.%s: sent %v, the model gave back %v", path, name, wv, gv)
			}
		}
	}
}

// wsReportMissing fails for a property the spec has but the model lost,
// and logs the 4.1.86 properties the generated models do not have yet.
func wsReportMissing(t *testing.T, missing map[string]bool) {
	t.Helper()
	if len(missing) == 0 {
		return
	}
	doc, err := genspec.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	var notInSpec []string
	for _, key := range slices.Sorted(maps.Keys(missing)) {
		schema, prop, _ := strings.Cut(key, ".")
		if s := doc.Components.Schemas[schema]; s != nil && s.Value != nil && s.Value.Properties[prop] != nil {
			t.Errorf("%s is in api/openapi.yaml, but decoding into the model lost it", key)
			continue
		}
		notInSpec = append(notInSpec, key)
	}
	if len(notInSpec) > 0 {
		t.Logf("4.1.86 properties api/openapi.yaml does not have (kept in the frame, not in the typed payload): %s", strings.Join(notInSpec, ", "))
	}
}

// TestWebsocketReferenceEvents builds, for every event_type the reference
// documents, a frame whose payload has every property of its schema, and
// checks that it decodes to that event, comes back from json.Marshal as
// the same JSON, and that the typed payload holds every value.
func TestWebsocketReferenceEvents(t *testing.T) {
	ref := wsLoadReference(t)
	msgSchema := ref.Schemas["ConversationWebsocketMessage"]
	eventTypes := msgSchema.Properties["event_type"].Enum
	if len(eventTypes) < 18 {
		t.Fatalf("the reference lists %d event types; 4.1.86 has 18", len(eventTypes))
	}
	p := &wsPopulator{ref: ref}
	missing := map[string]bool{}
	covered := map[string]bool{}
	for _, et := range eventTypes {
		t.Run(et, func(t *testing.T) {
			members := wsPayloadMembers(msgSchema, et)
			if len(members) == 0 && et != "webchat start conversation" {
				t.Fatalf("no payload member for %q: the naming rule event_<type> does not hold", et)
			}
			frame := wsFrame{
				{"type", "event"},
				{"event_type", et},
				{"conversation_uuid", "2fd5c4e8-1f0e-4d6b-9a51-0c1f3a3c9b7e"},
				{"conversation_arn", "arn:ultracart:conversation:channel/2fd5c4e8"},
			}
			payload := map[string]any{}
			for _, name := range members {
				covered[name] = true
				v, _ := p.value("ConversationWebsocketMessage."+name, msgSchema.Properties[name], 0)
				payload[name] = v
				frame = append(frame, wsMember{name, v})
			}
			data := frame.bytes(t)

			msg, err := DecodeWebsocketMessage(data)
			if err != nil {
				t.Fatalf("DecodeWebsocketMessage: %v", err)
			}
			if msg.Kind() != ConversationWebsocketMessageTypeEvent {
				t.Errorf("Kind = %q", msg.Kind())
			}
			if string(msg.EventType()) != et || !msg.EventType().Valid() {
				t.Errorf("EventType = %q (valid %v), want %q", msg.EventType(), msg.EventType().Valid(), et)
			}
			if msg.ConversationUUID() != "2fd5c4e8-1f0e-4d6b-9a51-0c1f3a3c9b7e" || msg.ConversationARN() != "arn:ultracart:conversation:channel/2fd5c4e8" {
				t.Errorf("conversation = %q, %q", msg.ConversationUUID(), msg.ConversationARN())
			}
			if u := msg.UnknownFields(); len(u) != 0 {
				t.Errorf("UnknownFields = %q: the generated model lacks a documented member", u)
			}
			ev := msg.Event()
			if ev == nil {
				t.Fatalf("Event() = nil: no Go type for the documented event type %q", et)
			}
			if string(ev.EventType()) != et {
				t.Errorf("Event() is a %T, whose EventType is %q", ev, ev.EventType())
			}
			back, err := json.Marshal(msg)
			if err != nil {
				t.Fatal(err)
			}
			jsonEqual(t, "json.Marshal(decoded)", back, data)

			// The typed payload, written again by the constructor, holds
			// every value that was sent.
			rebuilt, err := NewWebsocketEvent(msg.ConversationUUID(), ev)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range members {
				raw, ok := rebuilt.Field(name)
				if !ok {
					t.Errorf("NewWebsocketEvent wrote no %s", name)
					continue
				}
				schema := msgSchema.Properties[name].Ref
				sent, _ := json.Marshal(payload[name])
				wsCheckTyped(t, ref, schema, name, generic(t, sent), generic(t, raw), missing)
			}
		})
	}
	for name := range msgSchema.Properties {
		if strings.HasPrefix(name, "event_") && name != "event_type" && !covered[name] {
			t.Errorf("member %s belongs to no documented event type", name)
		}
	}
	wsReportMissing(t, missing)
}

// TestWebsocketReferenceKinds covers each documented kind: a chat message
// with every property of ConversationMessage, a ping, a queue-position
// check, and the historical "participant leave".
func TestWebsocketReferenceKinds(t *testing.T) {
	ref := wsLoadReference(t)
	msgSchema := ref.Schemas["ConversationWebsocketMessage"]
	kinds := msgSchema.Properties["type"].Enum
	want := []string{"check queue position", "event", "message", "ping"}
	if got := slices.Sorted(slices.Values(kinds)); !slices.Equal(got, want) {
		t.Fatalf("the reference's kinds are %q, want %q", got, want)
	}
	for _, k := range kinds {
		if !ConversationWebsocketMessageType(k).Valid() {
			t.Errorf("kind %q has no constant", k)
		}
	}
	p := &wsPopulator{ref: ref}
	missing := map[string]bool{}

	chat, _ := p.value("ConversationWebsocketMessage.message", msgSchema.Properties["message"], 0)
	participant, _ := p.value("participant", wsProperty{Ref: "ConversationParticipant"}, 0)
	summary, _ := p.value("summary", wsProperty{Ref: "ConversationSummary"}, 0)
	const id = "5b1e0f4a-8c2d-4e7f-b3a6-9d0c1e2f3a4b"
	for _, tc := range []struct {
		name  string
		frame wsFrame
		check func(t *testing.T, msg *WebsocketMessage)
	}{
		{"message", wsFrame{{"type", "message"}, {"conversation_uuid", id}, {"message", chat}},
			func(t *testing.T, msg *WebsocketMessage) {
				if msg.Kind() != ConversationWebsocketMessageTypeMessage || msg.Event() != nil {
					t.Errorf("Kind %q, Event %v", msg.Kind(), msg.Event())
				}
				rebuilt, err := NewWebsocketChatMessage(id, *msg.Message())
				if err != nil {
					t.Fatal(err)
				}
				raw, _ := rebuilt.Field("message")
				sent, _ := json.Marshal(chat)
				wsCheckTyped(t, ref, "ConversationMessage", "message", generic(t, sent), generic(t, raw), missing)
			}},
		{"ping", wsFrame{{"type", "ping"}},
			func(t *testing.T, msg *WebsocketMessage) {
				if msg.Kind() != ConversationWebsocketMessageTypePing || msg.ConversationUUID() != "" {
					t.Errorf("Kind %q, conversation %q", msg.Kind(), msg.ConversationUUID())
				}
			}},
		{"check queue position", wsFrame{{"type", "check queue position"}, {"conversation_uuid", id}},
			func(t *testing.T, msg *WebsocketMessage) {
				if msg.Kind() != ConversationWebsocketMessageTypeCheckQueuePosition || msg.ConversationUUID() != id {
					t.Errorf("Kind %q, conversation %q", msg.Kind(), msg.ConversationUUID())
				}
			}},
		{"participant leave", wsFrame{{"type", "event"}, {"event_type", "participant leave"}, {"conversation_uuid", id},
			{"event_participant_left", summary}, {"event_participant_left_participant", participant}},
			func(t *testing.T, msg *WebsocketMessage) {
				if msg.EventType() != ConversationWebsocketMessageEventTypeParticipantLeft {
					t.Errorf("EventType = %q", msg.EventType())
				}
				if msg.WireEventType() != "participant leave" || *msg.Model().EventType != ConversationWebsocketMessageEventTypeParticipantLeave {
					t.Errorf("WireEventType = %q", msg.WireEventType())
				}
				e, ok := msg.Event().(WebsocketParticipantLeft)
				if !ok {
					t.Fatalf("Event() = %T", msg.Event())
				}
				rebuilt, err := NewWebsocketEvent(id, e)
				if err != nil {
					t.Fatal(err)
				}
				for name, v := range map[string]any{"event_participant_left": summary, "event_participant_left_participant": participant} {
					raw, _ := rebuilt.Field(name)
					sent, _ := json.Marshal(v)
					schema := msgSchema.Properties[name].Ref
					wsCheckTyped(t, ref, schema, name, generic(t, sent), generic(t, raw), missing)
				}
				if got := rebuilt.WireEventType(); got != "participant left" {
					t.Errorf("a rebuilt event is sent as %q, want the current name", got)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.frame.bytes(t)
			msg, err := DecodeWebsocketMessage(data)
			if err != nil {
				t.Fatalf("DecodeWebsocketMessage: %v", err)
			}
			tc.check(t, msg)
			back, err := json.Marshal(msg)
			if err != nil {
				t.Fatal(err)
			}
			jsonEqual(t, "json.Marshal(decoded)", back, data)
		})
	}
	wsReportMissing(t, missing)
}

// TestWebsocketReferenceSchemasCovered checks that the generated message
// model has a field for each member the reference documents, and no other.
func TestWebsocketReferenceSchemasCovered(t *testing.T) {
	ref := wsLoadReference(t)
	var want []string
	for name := range ref.Schemas["ConversationWebsocketMessage"].Properties {
		want = append(want, name)
	}
	sort.Strings(want)
	var got []string
	rt := reflect.TypeFor[ConversationWebsocketMessage]()
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		got = append(got, name)
	}
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Errorf("ConversationWebsocketMessage fields %q, reference members %q", got, want)
	}
}
