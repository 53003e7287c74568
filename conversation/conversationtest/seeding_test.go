package conversationtest_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	cv "github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
	"github.com/ultracart-community/ultracart-go/gen"
	"github.com/ultracart-community/ultracart-go/uctime"
)

// Seeding refuses what the strictest client could not read, naming the
// property, and stores nothing; every seeding helper reports it the same way.
func TestSeedingChecksTheSpec(t *testing.T) {
	srv := conversationtest.NewServer(t)
	var bad uctime.Time
	if err := bad.UnmarshalJSON([]byte(`"yesterday"`)); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		add  func() error
		want string
	}{
		{"enum", func() error {
			_, err := conversationtest.Add(srv, gen.ConversationPbxQueue{Name: ptr("q"), SayVoice: ptr(gen.ConversationPbxVoice("robot"))})
			return err
		}, "say_voice"},
		{"maxLength", func() error {
			_, err := conversationtest.Add(srv, gen.ConversationPbxAddress{CountryCode: ptr("USA")})
			return err
		}, "country_code"},
		{"conversation enum", func() error {
			_, err := srv.AddConversation(gen.Conversation{Medium: ptr(gen.ConversationMedium("fax"))})
			return err
		}, "medium"},
		{"message date-time", func() error {
			c := must(srv.AddConversation(gen.Conversation{}))
			_, err := srv.AddMessage(*c.ConversationUUID, gen.ConversationMessage{DelayUntilDts: &bad})
			return err
		}, "delay_until_dts"},
		{"webchat queue", func() error {
			_, err := srv.AddQueueStatus(gen.ConversationWebchatQueueStatus{Agents: []gen.ConversationWebchatQueueStatusAgent{{AgentStatus: ptr(gen.ConversationAgentStatus("asleep"))}}})
			return err
		}, "agent_status"},
		{"missing parent", func() error {
			_, err := conversationtest.AddUnder(srv, "424242", gen.ConversationMcpServer{URL: ptr("https://mcp.example.com")})
			return err
		}, "424242"},
		{"no parent kind", func() error {
			_, err := conversationtest.AddUnder(srv, "x", gen.ConversationPbxQueue{})
			return err
		}, "not kept under a parent"},
		{"not a kind", func() error {
			_, err := conversationtest.Add(srv, gen.ConversationMessage{})
			return err
		}, "not a kind"},
		{"required", func() error {
			_, err := conversationtest.Add(srv, gen.ConversationDepartment{})
			return err
		}, "department_name is required"},
		{"voicemail queue", func() error {
			_, err := srv.AddVoicemail("no-such-queue", gen.ConversationPbxVoicemailMessage{})
			return err
		}, "no-such-queue"},
	}
	for _, tc := range cases {
		if err := tc.add(); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "conversationtest: ") {
			t.Errorf("%s: %v, want an error naming %s", tc.name, err, tc.want)
		}
	}
	if n := len(conversationtest.List[gen.ConversationPbxQueue](srv)); n != 0 {
		t.Errorf("%d queues stored after a refused seed", n)
	}
	if convs := must(srv.Client.GetConversations(context.Background(), nil)); len(convs.Items) != 1 {
		t.Errorf("%d conversations, want only the valid one", len(convs.Items))
	}
}

// Seeded objects keep their identifiers, so that seeds can name each other;
// the rest is filled in; List reads back in list order.
func TestAddAndList(t *testing.T) {
	srv := conversationtest.NewServer(t, conversationtest.WithMerchantID("ACME"))
	q := must(conversationtest.Add(srv, gen.ConversationPbxQueue{ConversationPbxQueueUUID: ptr("queue-1"), Name: ptr("b")}))
	if q.GetMerchantID() != "ACME" || q.GetConversationPbxQueueUUID() != "queue-1" {
		t.Errorf("seeded queue: %+v", q)
	}
	must(conversationtest.Add(srv, gen.ConversationPbxQueue{Name: ptr("A")}))
	if l := conversationtest.List[gen.ConversationPbxQueue](srv); len(l) != 2 || l[0].GetName() != "A" {
		t.Errorf("list: %+v", l)
	}
	d := must(conversationtest.Add(srv, gen.ConversationDepartment{ConversationDepartmentOid: ptr(int32(40)), DepartmentName: ptr("Forty")}))
	next := must(srv.Client.InsertConversationDepartment(context.Background(), &cv.ConversationDepartment{DepartmentName: ptr("Next")}))
	if d.GetConversationDepartmentOid() != 40 || next.GetConversationDepartmentOid() != 41 {
		t.Errorf("oids %d then %d, want 40 then 41", d.GetConversationDepartmentOid(), next.GetConversationDepartmentOid())
	}
	vm := must(srv.AddVoicemail("queue-1", gen.ConversationPbxVoicemailMessage{From: ptr("+15555550111")}))
	if vm.GetRecordingSid() == "" || vm.GetRecordingStatus() != "completed" || vm.Listened == nil || vm.VoicemailDts == nil {
		t.Errorf("voicemail defaults: %+v", vm)
	}
	if l := conversationtest.ListUnder[gen.ConversationPbxVoicemailMessage](srv, "queue-1"); len(l) != 1 {
		t.Errorf("queue voicemails: %+v", l)
	}
	call := must(srv.AddCall(gen.ConversationPbxCall{CustomerName: ptr("Pat")}))
	if call.GetCallUUID() == "" || call.CreatedAtDts == nil || call.GetMerchantID() != "ACME" {
		t.Errorf("call defaults: %+v", call)
	}
	budget := must(conversationtest.Add(srv, gen.ConversationVirtualAgentBudget{BudgetDaily: ptr(3.5)}))
	if got := must(srv.Client.GetVirtualAgentBudget(context.Background())); got.GetBudgetDaily() != 3.5 || budget.GetBudgetDaily() != 3.5 {
		t.Errorf("singleton replaced by Add: %+v", got)
	}
	audio := must(conversationtest.AddUnder(srv, "1001", gen.ConversationPbxAudio{Description: ptr("mine")}))
	if audio.GetUserID() != 1001 || len(must(srv.Client.GetUserPbxAudios(context.Background()))) != 1 {
		t.Errorf("user audio: %+v", audio)
	}
}

// WithSeedJSON takes lists by kind, lists by parent for the kinds kept under
// one, single objects for singletons, conversations and webchat queues.
func TestWithSeedJSON(t *testing.T) {
	doc := `{
	  "pbx_queues": [{"conversation_pbx_queue_uuid": "q9", "name": "Nine"}],
	  "queue_voicemails": {"q9": [{"recording_sid": "RE9", "from": "+15555550109"}]},
	  "agent_profiles": [{"user_id": 7, "name": "Seven"}],
	  "mcp_servers": {"7": [{"url": "https://mcp.example.com/7"}]},
	  "permissions": {"edit_settings": false},
	  "conversations": [{"conversation_uuid": "c1", "medium": "sms", "messages": [{"body": "hi"}]}],
	  "webchat_queue_statuses": [{"queue_name": "vip"}]
	}`
	srv := conversationtest.NewServer(t, conversationtest.WithSeedJSON([]byte(doc)))
	ctx := context.Background()
	if vms := must(srv.Client.GetPbxQueueVoicemails(ctx, "q9")); len(vms) != 1 || vms[0].GetRecordingSid() != "RE9" {
		t.Errorf("queue voicemails: %+v", vms)
	}
	if mcps := must(srv.Client.GetAgentProfileMcps(ctx, 7)); len(mcps) != 1 {
		t.Errorf("mcp servers: %+v", mcps)
	}
	if p := must(srv.Client.GetConversationPermissions(ctx)); p.EditSettings == nil || *p.EditSettings {
		t.Errorf("permissions: %+v", p)
	}
	if c, ok := srv.Conversation("c1"); !ok || len(c.Messages) != 1 {
		t.Errorf("conversation: %+v", c)
	}
	if _, ok := srv.QueueStatus("vip"); !ok {
		t.Error("no webchat queue vip")
	}
	for _, bad := range []string{`{"pbx_queue": []}`, `{"pbx_queues": {}}`, `{"mcp_servers": {"99": [{"url": "https://x.example.com"}]}}`, `[`} {
		if _, err := conversationtest.New(conversationtest.WithSeedJSON([]byte(bad))); err == nil {
			t.Errorf("seed %s: no error", bad)
		}
	}
}

// The demo data passes the spec (New checks every seeded object) and holds
// what WithDemoData promises.
func TestDemoData(t *testing.T) {
	srv := conversationtest.NewServer(t, conversationtest.WithDemoData())
	ctx := context.Background()
	for name, n := range map[string]int{
		"departments":    len(must(srv.Client.GetConversationDepartments(ctx))),
		"agent profiles": len(must(srv.Client.GetAgentProfiles(ctx))),
		"PBX queues":     len(must(srv.Client.GetPbxQueues(ctx))),
		"phone numbers":  len(must(srv.Client.GetPbxPhoneNumbers(ctx))),
		"menus":          len(must(srv.Client.GetPbxMenus(ctx))),
		"agent vms":      len(must(srv.Client.GetPbxAgentVoicemails(ctx))),
		"calls":          len(must(srv.Client.SearchPbxCalls(ctx, &cv.ConversationPbxCallSearchRequest{}, nil)).Items),
	} {
		if n == 0 {
			t.Errorf("demo has no %s", name)
		}
	}
	for _, d := range must(srv.Client.GetConversationDepartments(ctx)) {
		if len(d.Members) == 0 {
			t.Errorf("department %s has no members", d.GetDepartmentName())
		}
	}
	if _, err := conversationtest.New(conversationtest.WithMerchantID("TOOLONG")); err == nil {
		t.Error("a merchant id longer than 5 was accepted")
	}
}

// The ready-made client takes options: without retries, a test sees the
// 429 it injects.
func TestWithClientOptions(t *testing.T) {
	srv := conversationtest.NewServer(t, conversationtest.WithClientOptions(cv.WithoutRetries()))
	srv.FailNext(1, conversationtest.RateLimited(0).For("getPbxQueues"))
	_, err := srv.Client.GetPbxQueues(context.Background())
	if !errors.Is(err, cv.ErrRateLimited) || srv.RequestCount("getPbxQueues") != 1 {
		t.Errorf("err %v after %d requests, want the 429 at once", err, srv.RequestCount("getPbxQueues"))
	}
}
