package conversationtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/ultracart-community/ultracart-go/gen"
)

// seedCaller gives a new server what describes the calling agent, data or
// not: the singletons, the agent's profile and PBX agent.
func (s *Server) seedCaller() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range kinds {
		if k.singleton() && k.initial != nil {
			o, _ := toObj(k.initial) // a copy per server
			if _, err := s.putLocked(k, "", o, nil); err != nil {
				return err
			}
		}
	}
	id := json.Number(strconv.Itoa(s.cfg.agentUserID))
	if _, err := s.putLocked(kindByKey("agent_profiles"), "", obj{"user_id": id, "name": s.cfg.agentName, "ai": false, "chat_limit": json.Number("5"), "default_status": "available"}, nil); err != nil {
		return err
	}
	_, err := s.putLocked(kindByKey("pbx_agents"), "", obj{"user_id": id, "login": "agent" + id.String(), "full_name": s.cfg.agentName,
		"extension": json.Number("101"), "call_routing_preference": "softphone", "ai": false, "voicemail": false}, nil)
	return err
}

// seedJSON stores what a seed document holds (see WithSeedJSON), parents
// first.
func (s *Server) seedJSON(data []byte) error {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return err
	}
	keys := []string{"conversations", "webchat_queue_statuses"}
	for _, k := range kinds {
		keys = append(keys, k.key)
	}
	for key := range doc {
		if !slices.Contains(keys, key) {
			return fmt.Errorf("unknown key %q: want one of %q", key, keys)
		}
	}
	// The document's objects may name each other in any order: their
	// references are checked once all of them are stored.
	var stored []seeded
	s.mu.Lock()
	s.st.seeding = &stored
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.st.seeding = nil
		s.mu.Unlock()
	}()
	for _, k := range kinds {
		raw, ok := doc[k.key]
		if !ok {
			continue
		}
		lists := map[string][]obj{}
		var err error
		switch {
		case k.singleton():
			var o obj
			err = decodeExact(raw, &o)
			lists[""] = []obj{o}
		case k.scope != "":
			err = decodeExact(raw, &lists)
		default:
			var l []obj
			err = decodeExact(raw, &l)
			lists[""] = l
		}
		if err != nil {
			return fmt.Errorf("%s: %w", k.key, err)
		}
		for _, parent := range sortedKeys(lists) {
			for i, o := range lists[parent] {
				s.mu.Lock()
				_, err := s.seedLocked(k, parent, o)
				s.mu.Unlock()
				if err != nil {
					return fmt.Errorf("%s %s[%d]: %w", k.key, parent, i, err)
				}
			}
		}
	}
	s.mu.Lock()
	s.st.seeding = nil
	err := s.seedRefsLocked(stored)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	for key, schema := range map[string]string{"conversations": "Conversation", "webchat_queue_statuses": "ConversationWebchatQueueStatus"} {
		if err := s.unknownSeeded(key, schema, doc[key]); err != nil {
			return err
		}
	}
	var convs []gen.Conversation
	var queues []gen.ConversationWebchatQueueStatus
	if err := decodeExact(cmpOrRaw(doc["conversations"]), &convs); err != nil {
		return fmt.Errorf("conversations: %w", err)
	}
	if err := decodeExact(cmpOrRaw(doc["webchat_queue_statuses"]), &queues); err != nil {
		return fmt.Errorf("webchat_queue_statuses: %w", err)
	}
	for _, c := range convs {
		if _, err := s.AddConversation(c); err != nil {
			return err
		}
	}
	for _, q := range queues {
		if _, err := s.AddQueueStatus(q); err != nil {
			return err
		}
	}
	return nil
}

// unknownSeeded applies WithUnknownProperties to a seed document's list of
// conversations or queue statuses, which the fake keeps as models: an
// unknown property is refused or, with KeepUnknown, logged and ignored.
func (s *Server) unknownSeeded(key, schema string, raw json.RawMessage) error {
	var list []any
	if raw == nil || decodeExact(raw, &list) != nil {
		return nil // decoding the list reports the error
	}
	sc := s.spec.doc.Components.Schemas[schema]
	var props []string
	for i, v := range list {
		for _, p := range unknownIn(sc, normalize(v)) {
			props = append(props, fmt.Sprintf("[%d].%s", i, p))
		}
	}
	if len(props) == 0 {
		return nil
	}
	u := &unknownRequest{schema: schema, props: props, seeded: true}
	if s.cfg.unknown == KeepUnknown {
		s.logf("%s (ignored: the fake keeps %s as models)", u.kept("seeding "+key, s.spec.release), key)
		return nil
	}
	return fmt.Errorf("%s: %w", key, errUnknownSeed(schema, props, s.spec.release))
}

// decodeExact decodes JSON keeping numbers exact.
func decodeExact(raw json.RawMessage, v any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	return d.Decode(v)
}

func cmpOrRaw(raw json.RawMessage) json.RawMessage {
	if raw == nil {
		return json.RawMessage("null")
	}
	return raw
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
