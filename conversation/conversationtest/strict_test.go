package conversationtest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
	"github.com/ultracart-community/ultracart-go/gen"
)

// The demo data's PBX (data/demo.json), which the cases below refer to.
const (
	demoTimeRange = "7f3c2a10-5b1e-4c8a-9d01-000000000001"
	demoAudio     = "7f3c2a10-5b1e-4c8a-9d01-000000000012"
	demoMailbox   = "7f3c2a10-5b1e-4c8a-9d01-000000000021"
	demoQueue     = "7f3c2a10-5b1e-4c8a-9d01-000000000031"
	demoMenu      = "7f3c2a10-5b1e-4c8a-9d01-000000000041"
	demoTimeBased = "7f3c2a10-5b1e-4c8a-9d01-000000000051"
	demoNumber    = "7f3c2a10-5b1e-4c8a-9d01-000000000061"
	demoAgent     = "7f3c2a10-5b1e-4c8a-9d01-0000000000a1"
	missingUUID   = "00000000-0000-4000-8000-00000000dead"
)

// rawCall sends one request to the fake with its key and returns the
// status and the body.
func rawCall(t *testing.T, srv *conversationtest.Server, method, path, body string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-UltraCart-Simple-Key", srv.Key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// pbxState is everything the refused requests below could have changed.
func pbxState(t *testing.T, srv *conversationtest.Server) string {
	t.Helper()
	b, err := json.Marshal([]any{
		conversationtest.List[gen.ConversationPbxMenu](srv), conversationtest.List[gen.ConversationPbxQueue](srv),
		conversationtest.List[gen.ConversationPbxTimeRange](srv), conversationtest.List[gen.ConversationPbxTimeBased](srv),
		conversationtest.List[gen.ConversationPbxPhoneNumber](srv), conversationtest.List[gen.ConversationPbxVoicemailMailbox](srv),
		conversationtest.List[gen.ConversationPbxAgent](srv), conversationtest.List[gen.ConversationPbxHardwarePhone](srv),
		conversationtest.List[gen.ConversationPbxClassOfService](srv), conversationtest.List[gen.ConversationPbxAudio](srv),
		conversationtest.List[gen.ConversationVirtualAgentBudget](srv),
		conversationtest.ListUnder[gen.ConversationMcpServer](srv, "1003"),
		conversationtest.ListUnder[gen.ConversationKnowledgeBaseDocument](srv, "1003"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// strictCase is a request the service cannot mean: the fake answers
// UltraCart's 400 ErrorResponse, whose developer_message names the
// property and says the fix (every string in want), with object_id naming
// a missing object the request referred to, and changes nothing.
type strictCase struct {
	name, method, path, body string
	want                     []string
	objectID                 string
}

// The invalid configurations of issue 19, then the other rules of
// rules.go, refs.go and the handlers.
var strictCases = []strictCase{
	// A menu whose action points at a queue that does not exist.
	{"menu mapping to a missing queue", "POST", "/conversation/pbx/menu",
		`{"name":"Main","mappings":[{"digits":1,"action":"queue","action_target":"` + missingUUID + `"}]}`,
		[]string{"mappings[0].action_target", "no PBX queue", "insert it first"}, missingUUID},
	{"menu default action to a missing queue", "PUT", "/conversation/pbx/menu/" + demoMenu,
		`{"name":"Main menu","default_action":"queue","default_action_target":"` + missingUUID + `"}`,
		[]string{"default_action_target", "no PBX queue"}, missingUUID},
	// An action "bogus": the schema lists the mapping's actions; a menu's
	// default_action has no enum in the schema, the fake checks it.
	{"menu default action bogus", "POST", "/conversation/pbx/menu",
		`{"name":"Main","default_action":"bogus","default_action_target":"` + demoQueue + `"}`,
		[]string{`default_action "bogus" is not a PBX action`, `"time based", "menu", "queue", "voicemail", "agent"`}, ""},
	{"menu mapping action bogus", "POST", "/conversation/pbx/menu",
		`{"name":"Main","mappings":[{"digits":1,"action":"bogus","action_target":"` + demoQueue + `"}]}`,
		[]string{`"/mappings/0/action"`, "not one of the allowed values", `"time based"`}, ""},
	// A queue with no name, or an update that blanks it.
	{"queue with no name", "POST", "/conversation/pbx/queue", `{"max_hold_seconds":120}`,
		[]string{"name is required", "PBX queue"}, ""},
	{"queue update that blanks the name", "PUT", "/conversation/pbx/queue/" + demoQueue, `{"max_hold_seconds":120}`,
		[]string{"name is required", "replaces the whole object"}, ""},
	{"queue with a blank name", "POST", "/conversation/pbx/queue", `{"name":"  "}`, []string{"name is required"}, ""},
	// A negative daily budget.
	{"negative daily budget", "PUT", "/conversation/virtualagent/budget", `{"budget_daily":-5,"budget_monthly":100}`,
		[]string{"budget_daily must not be negative", "use 0 or more"}, ""},
	{"negative monthly budget", "PUT", "/conversation/virtualagent/budget", `{"budget_daily":5,"budget_monthly":-0.01}`,
		[]string{"budget_monthly must not be negative"}, ""},
	// A time zone that is not one.
	{"timezone Mars/Olympus", "POST", "/conversation/pbx/time_range", `{"time_range_name":"Hours","timezone":"Mars/Olympus"}`,
		[]string{`timezone "Mars/Olympus" is not an IANA time zone`, "America/New_York"}, ""},
	{"timezone Local", "POST", "/conversation/pbx/time_range", `{"time_range_name":"Hours","timezone":"Local"}`,
		[]string{"not an IANA time zone"}, ""},
	{"empty timezone", "POST", "/conversation/pbx/time_range", `{"time_range_name":"Hours","timezone":""}`,
		[]string{"not an IANA time zone"}, ""},
	// A start time "9am", and other times of day out of form or range.
	{"start time 9am", "POST", "/conversation/pbx/time_range",
		`{"time_range_name":"Hours","timezone":"UTC","configs":[{"start_time":"9am","end_time":"17:00"}]}`,
		[]string{`configs[0].start_time "9am" is not a time of day`, "HH:MM", "09:00"}, ""},
	{"end time 24:00", "POST", "/conversation/pbx/time_range",
		`{"time_range_name":"Hours","timezone":"UTC","configs":[{"start_time":"09:00","end_time":"24:00"}]}`,
		[]string{"configs[0].end_time", "not a time of day"}, ""},
	{"time 9:00", "POST", "/conversation/pbx/time_range",
		`{"time_range_name":"Hours","configs":[{"start_time":"9:00"}]}`, []string{"start_time", "HH:MM"}, ""},
	// A day of the week 9, or -1.
	{"day of week 9", "POST", "/conversation/pbx/time_range",
		`{"time_range_name":"Hours","timezone":"UTC","configs":[{"start_day_of_week":1,"end_day_of_week":9}]}`,
		[]string{"configs[0].end_day_of_week 9 is not a day of the week", "0 to 7"}, ""},
	{"day of week -1", "POST", "/conversation/pbx/time_range",
		`{"time_range_name":"Hours","configs":[{"start_day_of_week":-1}]}`, []string{"start_day_of_week -1"}, ""},
	{"dates out of order", "POST", "/conversation/pbx/time_range",
		`{"time_range_name":"Holidays","configs":[{"start_date":"2026-12-26T00:00:00Z","end_date":"2026-12-24T00:00:00Z"}]}`,
		[]string{"end_date", "is before start_date"}, ""},
	{"time range with no name", "POST", "/conversation/pbx/time_range", `{"timezone":"UTC"}`, []string{"time_range_name is required"}, ""},
	// A search range that ends before it begins.
	{"conversation search range_end before range_begin", "POST", "/conversation/conversations/search",
		`{"range_begin":20,"range_end":10}`, []string{"range_end 10 is not after range_begin 20"}, ""},
	{"conversation search date_end before date_start", "POST", "/conversation/conversations/search",
		`{"date_start":"2026-04-02T00:00:00Z","date_end":"2026-04-01T00:00:00Z"}`, []string{"date_end", "is before date_start"}, ""},
	{"call search end_date before start_date", "POST", "/conversation/pbx/call/search",
		`{"start_date":"2026-04-02","end_date":"2026-04-01"}`, []string{"end_date 2026-04-01 is before start_date 2026-04-02"}, ""},
	{"call search durations out of order", "POST", "/conversation/pbx/call/search",
		`{"min_duration_seconds":60,"max_duration_seconds":30}`, []string{"max_duration_seconds 30 is below min_duration_seconds 60"}, ""},
	// Buying a number never offered.
	{"purchase a number never offered", "POST", "/conversation/pbx/phone_number", `{"phone_number":"+16145550177"}`,
		[]string{`phone number "+16145550177" was not offered`, "searchPbxAvailablePhoneNumbers"}, ""},
	{"purchase a real-looking number", "POST", "/conversation/pbx/phone_number", `{"phone_number":"+16145551234"}`,
		[]string{"was not offered"}, ""},
	{"purchase a number already held", "POST", "/conversation/pbx/phone_number", `{"phone_number":"+16145550100"}`,
		[]string{"already a PBX phone number"}, ""},
	{"purchase without a number", "POST", "/conversation/pbx/phone_number", `{"action":"queue","action_target":"` + demoQueue + `"}`,
		[]string{"phone_number is required"}, ""},
	// Other references: each must name an object that exists.
	{"phone number routed to a missing menu", "PUT", "/conversation/pbx/phone_number/" + demoNumber,
		`{"action":"menu","action_target":"` + missingUUID + `"}`, []string{"action_target", "no PBX menu"}, missingUUID},
	{"phone number action without a target", "PUT", "/conversation/pbx/phone_number/" + demoNumber,
		`{"action":"voicemail"}`, []string{`action_target is required with action "voicemail"`, "PBX voicemail mailbox"}, ""},
	{"phone number target without an action", "PUT", "/conversation/pbx/phone_number/" + demoNumber,
		`{"action_target":"` + demoQueue + `"}`, []string{"action is required"}, ""},
	{"menu mapping without an action", "POST", "/conversation/pbx/menu", `{"name":"Main","mappings":[{"digits":1}]}`,
		[]string{"mappings[0].action is required"}, ""},
	{"menu mapping to a queue's uuid as a menu", "POST", "/conversation/pbx/menu",
		`{"name":"Main","mappings":[{"digits":1,"action":"menu","action_target":"` + demoQueue + `"}]}`,
		[]string{"no PBX menu"}, demoQueue},
	{"menu with a missing greeting", "POST", "/conversation/pbx/menu", `{"name":"Main","play_audio_uuid":"` + missingUUID + `"}`,
		[]string{"play_audio_uuid", "no PBX audio or user PBX audio"}, missingUUID},
	{"menu with a negative timeout", "POST", "/conversation/pbx/menu", `{"name":"Main","timeout":-1}`,
		[]string{"timeout must not be negative"}, ""},
	{"menu with negative digits", "POST", "/conversation/pbx/menu",
		`{"name":"Main","mappings":[{"digits":-1,"action":"queue","action_target":"` + demoQueue + `"}]}`,
		[]string{"mappings[0].digits must not be negative"}, ""},
	{"menu with no name", "POST", "/conversation/pbx/menu", `{"timeout":5}`, []string{"name is required", "PBX menu"}, ""},
	{"time-based mapping to a missing time range", "POST", "/conversation/pbx/time_based",
		`{"time_based_name":"Hours","mapping_config":{"mappings":[{"time_range_uuid":"` + missingUUID + `","action":"menu","action_target":"` + demoMenu + `"}]}}`,
		[]string{"mapping_config.mappings[0].time_range_uuid", "no PBX time range"}, missingUUID},
	{"time-based mapping without a time range", "POST", "/conversation/pbx/time_based",
		`{"time_based_name":"Hours","mapping_config":{"mappings":[{"action":"menu","action_target":"` + demoMenu + `"}]}}`,
		[]string{"time_range_uuid is required"}, ""},
	{"time-based default to a missing mailbox", "PUT", "/conversation/pbx/time_based/" + demoTimeBased,
		`{"time_based_name":"Open hours","mapping_config":{"default_mapping":{"action":"voicemail","action_target":"` + missingUUID + `"}}}`,
		[]string{"mapping_config.default_mapping.action_target", "no PBX voicemail mailbox"}, missingUUID},
	{"time-based with no name", "POST", "/conversation/pbx/time_based", `{}`, []string{"time_based_name is required"}, ""},
	{"queue member who is no agent", "POST", "/conversation/pbx/queue", `{"name":"Sales","members":{"users":[1002,4242]}}`,
		[]string{"members.users[1]", "no PBX agent with user_id", "4242"}, "4242"},
	{"queue with a missing mailbox", "POST", "/conversation/pbx/queue",
		`{"name":"Sales","conversation_voicemail_mailbox_uuid":"` + missingUUID + `"}`, []string{"no PBX voicemail mailbox"}, missingUUID},
	{"queue with missing hold music", "POST", "/conversation/pbx/queue",
		`{"name":"Sales","hold_conversation_pbx_audio_uuid":"` + missingUUID + `"}`, []string{"hold_conversation_pbx_audio_uuid"}, missingUUID},
	{"queue with a negative hold time", "POST", "/conversation/pbx/queue", `{"name":"Sales","max_hold_seconds":-30}`,
		[]string{"max_hold_seconds must not be negative"}, ""},
	{"mailbox with missing prompt audio", "POST", "/conversation/pbx/voicemail_mailbox",
		`{"voicemail_mailbox_id":"sales","voicemail_prompt_play_audio_uuid":"` + missingUUID + `"}`, []string{"voicemail_prompt_play_audio_uuid"}, missingUUID},
	{"agent mailbox of no agent", "POST", "/conversation/pbx/voicemail_mailbox",
		`{"voicemail_mailbox_id":"lee","voicemail_mailbox_type":"agent","user_id":4242}`, []string{"user_id", "no PBX agent"}, "4242"},
	{"mailbox with no id", "POST", "/conversation/pbx/voicemail_mailbox", `{"voicemail_mailbox_type":"shared"}`,
		[]string{"voicemail_mailbox_id is required"}, ""},
	{"agent with a missing class of service", "PUT", "/conversation/pbx/agent/" + demoAgent,
		`{"full_name":"Riley Agent","cos_uuid":"` + missingUUID + `"}`, []string{"cos_uuid", "no PBX class of service"}, missingUUID},
	{"agent with a missing hardware phone", "PUT", "/conversation/pbx/agent/" + demoAgent,
		`{"full_name":"Riley Agent","hardware_phone_uuids":["` + missingUUID + `"]}`, []string{"hardware_phone_uuids[0]"}, missingUUID},
	{"hardware phone of a missing agent", "POST", "/conversation/pbx/hardware_phone",
		`{"name":"Lobby","conversation_pbx_agent_uuid":"` + missingUUID + `"}`, []string{"no PBX agent"}, missingUUID},
	{"hardware phone with no name", "POST", "/conversation/pbx/hardware_phone", `{"model":"T54W"}`, []string{"name is required"}, ""},
	{"class of service with a country name", "POST", "/conversation/pbx/class_of_service", `{"name":"Intl","allowed_countries":["1","GB"]}`,
		[]string{`allowed_countries[1] "GB" is not an E.164 country calling code`, "44 for the UK"}, ""},
	{"class of service with a missing time range", "POST", "/conversation/pbx/class_of_service",
		`{"name":"Night","time_range_uuid":"` + missingUUID + `"}`, []string{"no PBX time range"}, missingUUID},
	{"purchase routed to a missing queue", "POST", "/conversation/pbx/phone_number",
		`{"phone_number":"+16145550101","action":"queue","action_target":"` + missingUUID + `"}`, []string{"no PBX queue"}, missingUUID},
	// Uploads: the follow-up insert names what was uploaded.
	{"audio with a key never handed out", "POST", "/conversation/pbx/audio", `{"description":"Greeting","audio_s3_listing_key":"pbx/audio/DEMO/made-up.mp3"}`,
		[]string{"audio_s3_listing_key", "is not a key getConversationPbxAudioUploadUrl returned"}, "pbx/audio/DEMO/made-up.mp3"},
	{"document from a URL never handed out", "POST", "/conversation/agent/profiles/1003/knowledge_base",
		`{"original_file_name":"a.pdf","presigned_url":"https://example.com/a.pdf"}`,
		[]string{"presigned_url must be the url getConversationKnowledgeBaseDocumentUploadUrl returned for user 1003"}, ""},
	// MCP servers.
	{"MCP server over http", "POST", "/conversation/agent/profiles/1003/mcps", `{"url":"http://mcp.example.com"}`,
		[]string{"url must be an https URL"}, ""},
	{"MCP header auth without a header name", "POST", "/conversation/agent/profiles/1003/mcps",
		`{"url":"https://mcp.example.com","auth_method":"header","header_value":"v"}`, []string{"header_name is required"}, ""},
}

func TestStrictRefusals(t *testing.T) {
	srv := conversationtest.NewServer(t, conversationtest.WithDemoData())
	// One search, so that the purchase cases refuse for the reason they name
	// and not because nothing was ever offered: it offers +16145550101 on.
	if st, body := rawCall(t, srv, "GET", "/conversation/pbx/phone_number/search?country=US&area_code=614&limit=5", ""); st != 200 {
		t.Fatalf("search: %d %s", st, body)
	}
	for _, tc := range strictCases {
		t.Run(tc.name, func(t *testing.T) {
			before := pbxState(t, srv)
			st, body := rawCall(t, srv, tc.method, tc.path, tc.body)
			var er gen.ErrorResponse
			if err := json.Unmarshal(body, &er); err != nil || st != http.StatusBadRequest || er.Success == nil || *er.Success || er.Error == nil {
				t.Fatalf("got %d %s, want a 400 ErrorResponse", st, body)
			}
			msg := er.Error.GetDeveloperMessage()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("developer_message %q lacks %q", msg, w)
				}
			}
			if got := er.Error.GetObjectID(); got != tc.objectID {
				t.Errorf("object_id %q, want %q", got, tc.objectID)
			}
			if after := pbxState(t, srv); after != before {
				t.Error("a refused request changed the state")
			}
		})
	}
}

// TestStrictAccepts: the valid neighbours of the refused values pass, so
// that the rules refuse only what they name.
func TestStrictAccepts(t *testing.T) {
	srv := conversationtest.NewServer(t, conversationtest.WithDemoData())
	for _, tc := range []struct{ name, method, path, body string }{
		{"times of day and days of the week at their bounds", "POST", "/conversation/pbx/time_range",
			`{"time_range_name":"All week","timezone":"UTC","configs":[{"start_day_of_week":0,"end_day_of_week":7,"start_time":"00:00","end_time":"23:59:59"}]}`},
		{"a time range with no time zone", "POST", "/conversation/pbx/time_range", `{"time_range_name":"Default zone"}`},
		{"a zero budget", "PUT", "/conversation/virtualagent/budget", `{"budget_daily":0,"budget_monthly":0}`},
		{"a menu routing to every kind", "POST", "/conversation/pbx/menu", `{"name":"Everything","default_action":"agent","default_action_target":"` + demoAgent + `",` +
			`"mappings":[{"digits":0,"action":"time based","action_target":"` + demoTimeBased + `"},{"digits":1,"action":"menu","action_target":"` + demoMenu + `"},` +
			`{"digits":2,"action":"queue","action_target":"` + demoQueue + `"},{"digits":3,"action":"voicemail","action_target":"` + demoMailbox + `"}],` +
			`"play_audio_uuid":"` + demoAudio + `"}`},
		{"a queue of the calling agent", "POST", "/conversation/pbx/queue", `{"name":"Solo","members":{"users":[1001],"groups":[7]}}`},
		{"a time-based route", "POST", "/conversation/pbx/time_based", `{"time_based_name":"Hours","mapping_config":{"mappings":[` +
			`{"time_range_uuid":"` + demoTimeRange + `","action":"queue","action_target":"` + demoQueue + `"}],"default_mapping":{"action":"voicemail","action_target":"` + demoMailbox + `"}}}`},
		{"a search range of one record", "POST", "/conversation/conversations/search", `{"range_begin":0,"range_end":1}`},
		{"a search with no range_end", "POST", "/conversation/conversations/search", `{"range_begin":5}`},
		{"a call search over one day", "POST", "/conversation/pbx/call/search", `{"start_date":"2026-04-20","end_date":"2026-04-20","min_duration_seconds":10,"max_duration_seconds":10}`},
	} {
		if st, body := rawCall(t, srv, tc.method, tc.path, tc.body); st != 200 {
			t.Errorf("%s: %d %s", tc.name, st, body)
		}
	}
}

// TestStrictSeeds: seeding refuses what an insert refuses, names the
// object, and lets a seed document's objects refer to each other in any
// order; Add checks references at once.
func TestStrictSeeds(t *testing.T) {
	// A menu listed before the queue it routes to, and a queue before the
	// menu: either order loads.
	doc := `{"pbx_menus":[{"conversation_pbx_menu_uuid":"m1","name":"M","default_action":"queue","default_action_target":"q1"}],` +
		`"pbx_queues":[{"conversation_pbx_queue_uuid":"q1","name":"Q"}]}`
	if _, err := conversationtest.New(conversationtest.WithSeedJSON([]byte(doc))); err != nil {
		t.Errorf("a seed naming an object it holds: %v", err)
	}
	for _, tc := range []struct{ doc, want string }{
		{`{"pbx_menus":[{"conversation_pbx_menu_uuid":"m1","name":"M","default_action":"queue","default_action_target":"q9"}]}`, `pbx_menus m1: default_action_target: no PBX queue "q9"`},
		{`{"pbx_queues":[{"conversation_pbx_queue_uuid":"q1"}]}`, "name is required"},
		{`{"pbx_time_ranges":[{"time_range_name":"T","timezone":"Mars/Olympus"}]}`, "Mars/Olympus"},
		{`{"virtual_agent_budget":{"budget_daily":-1}}`, "budget_daily must not be negative"},
	} {
		_, err := conversationtest.New(conversationtest.WithSeedJSON([]byte(tc.doc)))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("seed %s: err = %v, want %q", tc.doc, err, tc.want)
		}
	}
	srv := conversationtest.NewServer(t)
	if _, err := conversationtest.Add(srv, gen.ConversationPbxMenu{Name: ptr("M"), DefaultAction: ptr(gen.ConversationPbxActionQueue), DefaultActionTarget: ptr(missingUUID)}); err == nil ||
		!strings.Contains(err.Error(), "no PBX queue") {
		t.Errorf("Add of a menu routing to a missing queue: %v", err)
	}
	q, err := conversationtest.Add(srv, gen.ConversationPbxQueue{Name: ptr("Q")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conversationtest.Add(srv, gen.ConversationPbxMenu{Name: ptr("M"), DefaultAction: ptr(gen.ConversationPbxActionQueue), DefaultActionTarget: q.ConversationPbxQueueUUID}); err != nil {
		t.Errorf("Add of a menu routing to a queue: %v", err)
	}
}

// TestPurchaseNeedsAnOffer: a number is sold only after a search offered
// it, exactly as offered, and only once.
func TestPurchaseNeedsAnOffer(t *testing.T) {
	srv := conversationtest.NewServer(t)
	const num = "+12125550142"
	buy := `{"phone_number":"` + num + `"}`
	if st, body := rawCall(t, srv, "POST", "/conversation/pbx/phone_number", buy); st != 400 || !bytes.Contains(body, []byte("was not offered")) {
		t.Fatalf("before any search: %d %s", st, body)
	}
	if st, body := rawCall(t, srv, "GET", "/conversation/pbx/phone_number/search?country=US&area_code=212&contains=0142", ""); st != 200 ||
		!bytes.Contains(body, []byte(num)) {
		t.Fatalf("search: %d %s", st, body)
	}
	if st, body := rawCall(t, srv, "POST", "/conversation/pbx/phone_number", `{"phone_number":"(212) 555-0142"}`); st != 400 {
		t.Errorf("another spelling of the offered number: %d %s", st, body)
	}
	if st, body := rawCall(t, srv, "POST", "/conversation/pbx/phone_number", buy); st != 200 {
		t.Fatalf("after the search: %d %s", st, body)
	}
	if st, body := rawCall(t, srv, "POST", "/conversation/pbx/phone_number", buy); st != 400 || !bytes.Contains(body, []byte("already")) {
		t.Errorf("twice: %d %s", st, body)
	}
}
