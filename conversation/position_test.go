package conversation

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestPositionText: positions survive their text form (and JSON, which
// uses it), ids with the separators in them included; the empty text is no
// position; malformed text is refused with an error naming the type.
func TestPositionText(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 1, 500, time.UTC)
	for _, p := range []MessagePosition{
		{},
		{epoch: 0, ids: []string{""}, set: true},
		{epoch: 1670000000123, ids: []string{"m1"}, set: true},
		{epoch: 1<<63 - 1, ids: []string{"a,b", "c=d", "e f", "%zz", "é", "m1:x"}, set: true},
	} {
		var back MessagePosition
		if err := back.UnmarshalText([]byte(p.String())); err != nil || !reflect.DeepEqual(back.String(), p.String()) || back.IsZero() != p.IsZero() ||
			(!p.IsZero() && (back.epoch != p.epoch || !reflect.DeepEqual(back.ids, p.ids))) {
			t.Errorf("%q: back %+v, %v", p, back, err)
		}
		b, err := json.Marshal(struct{ P MessagePosition }{p})
		var j struct{ P MessagePosition }
		if err != nil || json.Unmarshal(b, &j) != nil || j.P.String() != p.String() {
			t.Errorf("JSON %s: %+v %v", b, j, err)
		}
	}
	for _, p := range []InboxPosition{
		{},
		{at: at, set: true},
		{at: at, floor: true, set: true},
		{at: at, seen: []inboxSeen{{"a,b=c", stateHash("1\x00hi")}, {"", "0"}}, set: true},
	} {
		var back InboxPosition
		if err := back.UnmarshalText([]byte(p.String())); err != nil || back.String() != p.String() || !back.Time().Equal(p.Time()) ||
			back.floor != p.floor || len(back.seen) != len(p.seen) {
			t.Errorf("%q: back %+v, %v", p, back, err)
		}
	}
	if s := (InboxPosition{at: at, seen: []inboxSeen{{"c", stateHash("1\x00secret body")}}, set: true}).String(); strings.Contains(s, "secret") {
		t.Errorf("the text holds message content: %s", s)
	}
	for _, bad := range []string{"x", "m2:1", "m1:", "m1:-1", "m1:abc", "m1:1,%zz", "i1:1", "i1:2026-03-01T09:00:00Z,a", "i1:2026-03-01T09:00:00Z,%zz=1"} {
		var m MessagePosition
		var i InboxPosition
		em, ei := m.UnmarshalText([]byte(bad)), i.UnmarshalText([]byte(bad))
		if em == nil || ei == nil {
			t.Errorf("%q accepted: %v / %v", bad, em, ei)
		}
		if (em != nil && !strings.Contains(em.Error(), "MessagePosition")) || (ei != nil && !strings.Contains(ei.Error(), "InboxPosition")) {
			t.Errorf("%q: %v / %v", bad, em, ei)
		}
	}
}
