package conversationtest_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	cv "github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
	"github.com/ultracart-community/ultracart-go/gen"
	"github.com/ultracart-community/ultracart-go/gen/genspec"
)

// The release the fake serves is the embedded document's, and the 400s
// for what a request sends outside the schema name it.
func TestRelease(t *testing.T) {
	doc, err := genspec.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	srv := conversationtest.NewServer(t)
	if srv.Release() == "" || srv.Release() != doc.Info.Version || srv.Release() != cv.APIRelease {
		t.Fatalf("Release() = %q, the spec's info.version %q, conversation.APIRelease %q", srv.Release(), doc.Info.Version, cv.APIRelease)
	}
	st, b := rawCall(t, srv, "POST", "/conversation/pbx/queue", `{"name":"Sales","say_voice":"robot"}`)
	if st != 400 || !strings.Contains(string(b), "release "+srv.Release()+" of the UltraCart Conversation API") {
		t.Errorf("a value the schema refuses: %d %s", st, b)
	}
}

// unknownCase is a request with a property or query parameter the release
// does not define, and what the 400 must name.
type unknownCase struct {
	name, method, path, body string
	want                     []string
}

var unknownCases = []unknownCase{
	{"a property of a newer release", "POST", "/conversation/pbx/queue", `{"name":"Sales","ai_tone":"warm"}`,
		[]string{`body property "ai_tone" of ConversationPbxQueue is not in release`}},
	{"several, nested in an object and an array", "POST", "/conversation/pbx/menu",
		`{"name":"Main","colour":"red","mappings":[{"digits":1,"action":"queue","action_target":"` + demoQueue + `","label":"x"}]}`,
		[]string{`body properties "colour", "mappings[0].label" of ConversationPbxMenu are not in release`}},
	{"in a nested object", "POST", "/conversation/pbx/queue", `{"name":"Sales","members":{"users":[1002],"teams":[1]}}`,
		[]string{`"members.teams"`}},
	{"on an update", "PUT", "/conversation/pbx/queue/" + demoQueue, `{"name":"Support line","ai_tone":"warm"}`,
		[]string{`"ai_tone"`}},
	{"on the agent's profile", "PUT", "/conversation/agent/profile", `{"display_name":"Me","nickname":"x"}`,
		[]string{`"nickname" of ConversationAgentProfile`}},
	{"on a singleton", "PUT", "/conversation/virtualagent/budget", `{"budget_daily":5,"budget_weekly":20}`,
		[]string{`"budget_weekly"`}},
	{"in a request the fake does not store", "PUT", "/conversation/conversations/queues/general/status",
		`{"agent_status":"busy","custom_status_color":"red"}`, []string{`"custom_status_color" of ConversationWebchatQueueStatusUpdateRequest`}},
	{"in a search", "POST", "/conversation/pbx/call/search", `{"has_recording":true,"sentiment":"negative"}`,
		[]string{`"sentiment"`}},
	{"a misspelt property", "POST", "/conversation/pbx/time_range", `{"time_range_name":"Hours","time_zone":"UTC"}`,
		[]string{`"time_zone"`}},
	{"a query parameter", "GET", "/conversation/conversations?_limit=2&sort=newest", "",
		[]string{`query parameter "sort" of getConversations is not in release`}},
	{"two query parameters and a property", "POST", "/conversation/pbx/call/search?_limit=1&page=2&per_page=5", `{"x":1}`,
		[]string{`body property "x" of ConversationPbxCallSearchRequest and query parameters "page", "per_page" of searchPbxCalls are not in release`}},
}

// RefuseUnknown, the default: each such request is a 400 naming what the
// release does not define and the release, and changes nothing.
func TestUnknownPropertiesRefused(t *testing.T) {
	srv := conversationtest.NewServer(t, conversationtest.WithDemoData())
	for _, tc := range unknownCases {
		t.Run(tc.name, func(t *testing.T) {
			before := pbxState(t, srv)
			st, b := rawCall(t, srv, tc.method, tc.path, tc.body)
			var er gen.ErrorResponse
			if err := json.Unmarshal(b, &er); err != nil || st != 400 || er.Error == nil {
				t.Fatalf("%d %s", st, b)
			}
			msg := deref(er.Error.DeveloperMessage)
			for _, w := range append(tc.want, "release "+srv.Release()+" of the UltraCart Conversation API", "WithUnknownProperties", "-unknown-properties=keep") {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			if after := pbxState(t, srv); after != before {
				t.Errorf("a refused request changed the PBX")
			}
		})
	}
	// What the schema leaves free-form takes any property.
	if st, b := rawCall(t, srv, "POST", "/conversation/departments", `{"department_name":"Ops","settings":{"anything":{"goes":1}}}`); st != 200 {
		t.Errorf("free-form settings: %d %s", st, b)
	}
}

// KeepUnknown: accepted, logged once per request, and on stored objects
// kept and returned as sent by every read.
func TestUnknownPropertiesKept(t *testing.T) {
	var mu sync.Mutex
	var lines []string
	logf := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, fmt.Sprintf(format, args...))
	}
	srv := conversationtest.NewServer(t, conversationtest.WithDemoData(),
		conversationtest.WithUnknownProperties(conversationtest.KeepUnknown), conversationtest.WithLogf(logf))
	logged := func(want ...string) {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		if len(lines) != 1 {
			t.Fatalf("%d log lines, want 1: %q", len(lines), lines)
		}
		for _, w := range want {
			if !strings.Contains(lines[0], w) {
				t.Errorf("log line %q lacks %q", lines[0], w)
			}
		}
		lines = nil
	}

	st, b := rawCall(t, srv, "POST", "/conversation/pbx/queue",
		`{"name":"Sales","ai_tone":"warm","ai_notes":"Be brief.","members":{"users":[1002],"teams":[7]}}`)
	var resp struct {
		Queue map[string]any `json:"queue"`
	}
	if err := json.Unmarshal(b, &resp); err != nil || st != 200 {
		t.Fatalf("insert: %d %s", st, b)
	}
	logged("insertPbxQueue", `"ai_notes", "ai_tone", "members.teams"`, "release "+srv.Release())
	id, _ := resp.Queue["conversation_pbx_queue_uuid"].(string)
	wantKept := func(what string, q map[string]any, tone, notes string) {
		t.Helper()
		members, _ := q["members"].(map[string]any)
		if q["ai_tone"] != tone || q["ai_notes"] != notes || fmt.Sprint(members["teams"]) != "[7]" {
			t.Errorf("%s: %v", what, q)
		}
	}
	wantKept("insert's answer", resp.Queue, "warm", "Be brief.")
	b = mustBody(t, srv.URL+"/conversation/pbx/queue/"+id, srv.Key)
	if err := json.Unmarshal(b, &resp); err != nil {
		t.Fatal(err)
	}
	wantKept("get", resp.Queue, "warm", "Be brief.")
	if strings.Contains(string(b), `\u0000`) {
		t.Errorf("the fake's mark reached the wire: %s", b)
	}
	var all struct {
		Queues []map[string]any `json:"queues"`
	}
	if err := json.Unmarshal(mustBody(t, srv.URL+"/conversation/pbx/queue", srv.Key), &all); err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, q := range all.Queues {
		if q["conversation_pbx_queue_uuid"] == id {
			found++
			wantKept("list", q, "warm", "Be brief.")
		}
	}
	if found != 1 {
		t.Errorf("listed %d times", found)
	}

	// An update replaces the whole object, unknown properties too.
	st, b = rawCall(t, srv, "PUT", "/conversation/pbx/queue/"+id, `{"name":"Sales","ai_tone":"cool","members":{"users":[1002],"teams":[7]}}`)
	if st != 200 {
		t.Fatalf("update: %d %s", st, b)
	}
	logged("updatePbxQueue")
	resp.Queue = nil
	if err := json.Unmarshal(mustBody(t, srv.URL+"/conversation/pbx/queue/"+id, srv.Key), &resp); err != nil {
		t.Fatal(err)
	}
	if resp.Queue["ai_tone"] != "cool" || resp.Queue["ai_notes"] != nil {
		t.Errorf("after update: %v", resp.Queue)
	}

	// The caller's profile, read through its own operation.
	if st, b := rawCall(t, srv, "PUT", "/conversation/agent/profile", `{"display_name":"Me","pronouns":"they"}`); st != 200 || !strings.Contains(string(b), `"pronouns":"they"`) {
		t.Errorf("profile: %d %s", st, b)
	}
	logged("updateAgentProfile", `"pronouns"`)
	if b := mustBody(t, srv.URL+"/conversation/agent/profile", srv.Key); !strings.Contains(string(b), `"pronouns":"they"`) {
		t.Errorf("profile read back: %s", b)
	}

	// Query parameters and requests the fake does not store: accepted,
	// logged, ignored.
	if st, b := rawCall(t, srv, "GET", "/conversation/conversations?_limit=2&sort=newest", ""); st != 200 {
		t.Errorf("query parameter: %d %s", st, b)
	}
	logged("getConversations", `query parameter "sort"`)
	if st, b := rawCall(t, srv, "POST", "/conversation/pbx/call/search", `{"sentiment":"negative"}`); st != 200 {
		t.Errorf("search: %d %s", st, b)
	}
	logged("searchPbxCalls", `"sentiment"`)
}

// A seed document is held to the same rule: refused by default, kept with
// KeepUnknown.
func TestUnknownPropertiesSeeded(t *testing.T) {
	doc := []byte(`{"pbx_addresses":[{"conversation_pbx_address_uuid":"7f3c2a10-5b1e-4c8a-9d01-0000000000f1","friendly_name":"HQ","nickname":"x"}]}`)
	_, err := conversationtest.New(conversationtest.WithSeedJSON(doc))
	if err == nil || !strings.Contains(err.Error(), `"nickname" of ConversationPbxAddress is not in release`) {
		t.Errorf("seeded unknown property: %v", err)
	}
	_, err = conversationtest.New(conversationtest.WithSeedJSON([]byte(`{"conversations":[{"medium":"sms","mood":"happy"}]}`)))
	if err == nil || !strings.Contains(err.Error(), `"[0].mood" of Conversation`) {
		t.Errorf("seeded conversation with an unknown property: %v", err)
	}

	var lines []string
	srv := conversationtest.NewServer(t, conversationtest.WithSeedJSON(doc),
		conversationtest.WithUnknownProperties(conversationtest.KeepUnknown),
		conversationtest.WithLogf(func(f string, a ...any) { lines = append(lines, fmt.Sprintf(f, a...)) }))
	if b := mustBody(t, srv.URL+"/conversation/pbx/address/7f3c2a10-5b1e-4c8a-9d01-0000000000f1", srv.Key); !strings.Contains(string(b), `"nickname":"x"`) {
		t.Errorf("seeded property not kept: %s", b)
	}
	if len(lines) != 1 || !strings.Contains(lines[0], "pbx_addresses") {
		t.Errorf("log: %q", lines)
	}
}

func TestUnknownPropertiesOption(t *testing.T) {
	for _, u := range []conversationtest.UnknownProperties{conversationtest.RefuseUnknown, conversationtest.KeepUnknown} {
		got, err := conversationtest.ParseUnknownProperties(u.String())
		if err != nil || got != u {
			t.Errorf("%v: %v %v", u, got, err)
		}
	}
	if _, err := conversationtest.ParseUnknownProperties("drop"); err == nil {
		t.Error("drop: no error")
	}
	if _, err := conversationtest.New(conversationtest.WithUnknownProperties(7)); err == nil {
		t.Error("WithUnknownProperties(7): no error")
	}
	if _, err := conversationtest.New(conversationtest.WithLogf(nil)); err == nil {
		t.Error("WithLogf(nil): no error")
	}
}
