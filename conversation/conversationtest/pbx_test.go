package conversationtest_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	cv "github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
	"github.com/ultracart-community/ultracart-go/uctime"
)

func TestPhoneNumberSearchAndPurchase(t *testing.T) {
	srv := conversationtest.NewServer(t)
	ctx := context.Background()
	search := func(country string, o cv.SearchPbxAvailablePhoneNumbersOptions) []string {
		t.Helper()
		var out []string
		for _, n := range must(srv.Client.SearchPbxAvailablePhoneNumbers(ctx, country, &o)) {
			out = append(out, n.GetPhoneNumber())
		}
		return out
	}
	if got := search("US", cv.SearchPbxAvailablePhoneNumbersOptions{AreaCode: "212", Contains: "5550*07"}); !slices.Equal(got, []string{"+12125550107"}) {
		t.Errorf("contains with a wildcard: %q", got)
	}
	if got := search("us", cv.SearchPbxAvailablePhoneNumbersOptions{Contains: "01GE", Limit: 100}); !slices.Equal(got, []string{"+16145550143", "+12125550143", "+14155550143"}) {
		t.Errorf("letters as on a keypad (GE is 43): %q", got)
	}
	if got := search("US", cv.SearchPbxAvailablePhoneNumbersOptions{}); len(got) != 20 {
		t.Errorf("default limit: %d", len(got))
	}
	if got := search("CA", cv.SearchPbxAvailablePhoneNumbersOptions{Type: "toll_free", Limit: 2}); !slices.Equal(got, []string{"+18335550100", "+18335550101"}) {
		t.Errorf("toll free: %q", got)
	}
	if got := search("FR", cv.SearchPbxAvailablePhoneNumbersOptions{}); len(got) != 0 {
		t.Errorf("another country: %q", got)
	}
	if _, err := srv.Client.SearchPbxAvailablePhoneNumbers(ctx, "US", &cv.SearchPbxAvailablePhoneNumbersOptions{Type: "satellite"}); err == nil {
		t.Error("an unknown type was accepted")
	}
	bought := must(srv.Client.PurchasePbxPhoneNumber(ctx, &cv.ConversationPbxPhoneNumberPurchaseRequest{PhoneNumber: cv.Ptr("+16145550100")}))
	if bought.GetPhoneNumber() != "+16145550100" || bought.GetDeletionProtected() {
		t.Errorf("bought: %+v", bought)
	}
	if got := search("US", cv.SearchPbxAvailablePhoneNumbersOptions{AreaCode: "614", Limit: 1}); got[0] != "+16145550101" {
		t.Errorf("an owned number is still offered: %q", got)
	}
	for _, n := range []string{"+16145550100", "+16145551234", "+442079460000"} {
		if _, err := srv.Client.PurchasePbxPhoneNumber(ctx, &cv.ConversationPbxPhoneNumberPurchaseRequest{PhoneNumber: &n}); err == nil {
			t.Errorf("bought %s", n)
		}
	}
	// An update may change the routing; the number and protection stay.
	menu := must(srv.Client.InsertPbxMenu(ctx, &cv.ConversationPbxMenu{Name: cv.Ptr("Main")}))
	up := must(srv.Client.UpdatePbxPhoneNumber(ctx, bought.GetConversationPbxPhoneNumberUUID(), &cv.ConversationPbxPhoneNumber{
		Action: cv.Ptr(cv.ConversationPbxAction("menu")), ActionTarget: menu.ConversationPbxMenuUUID}))
	if up.GetPhoneNumber() != "+16145550100" || up.GetAction() != "menu" || up.DeletionProtected == nil {
		t.Errorf("update: %+v", up)
	}
}

func TestCallSearch(t *testing.T) {
	srv := conversationtest.NewServer(t)
	ctx := context.Background()
	day := func(d, h int) *uctime.Time { return uctime.Ptr(time.Date(2026, 4, d, h, 0, 0, 0, time.UTC)) }
	transcript := &cv.ConversationPbxCallTranscript{Segments: []cv.ConversationPbxCallTranscriptSegment{{Text: cv.Ptr("I want a refund")}}}
	for i, c := range []cv.ConversationPbxCall{
		{CustomerName: cv.Ptr("Ann"), Email: cv.Ptr("ann@example.com"), CreatedAtDts: day(1, 9), Status: cv.Ptr("completed"),
			Caller: &cv.ConversationPbxCallCaller{PhoneNumber: cv.Ptr("+15555550101")}, Timeline: &cv.ConversationPbxCallTimeline{TotalDurationSeconds: cv.Ptr(int32(300))},
			Recordings: []cv.ConversationPbxCallRecording{{RecordingSid: cv.Ptr("RE1"), Transcript: transcript}},
			Routing:    &cv.ConversationPbxCallRouting{Direction: cv.Ptr("inbound"), Queue: &cv.ConversationPbxCallQueue{QueueUUID: cv.Ptr("q1")}}},
		{CustomerName: cv.Ptr("Bob"), CreatedAtDts: day(2, 23), Status: cv.Ptr("missed"), Caller: &cv.ConversationPbxCallCaller{PhoneNumber: cv.Ptr("+15555550102")},
			Timeline: &cv.ConversationPbxCallTimeline{TotalDurationSeconds: cv.Ptr(int32(20))}, Routing: &cv.ConversationPbxCallRouting{Direction: cv.Ptr("outbound")},
			Agents: []cv.ConversationPbxCallAgent{{AgentID: cv.Ptr("7")}}},
		{CustomerName: cv.Ptr("Cy"), CreatedAtDts: day(3, 8), Status: cv.Ptr("completed"),
			AiAgentEngagements: []cv.ConversationPbxCallAiEngagement{{AgentName: cv.Ptr("Ava")}}},
	} {
		c.CallUUID = cv.Ptr("00000000-0000-4000-8000-00000000000" + string(rune('1'+i)))
		must(srv.AddCall(c))
	}
	find := func(q cv.ConversationPbxCallSearchRequest, sort string) []string {
		t.Helper()
		var out []string
		for c, err := range srv.Client.SearchPbxCallsIter(ctx, &q, &cv.SearchPbxCallsOptions{Sort: sort, Limit: 1}) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, c.GetCustomerName())
		}
		return out
	}
	for name, tc := range map[string]struct {
		q    cv.ConversationPbxCallSearchRequest
		sort string
		want []string
	}{
		"newest first":        {cv.ConversationPbxCallSearchRequest{}, "", []string{"Cy", "Bob", "Ann"}},
		"by name":             {cv.ConversationPbxCallSearchRequest{}, "customer_name", []string{"Ann", "Bob", "Cy"}},
		"by duration desc":    {cv.ConversationPbxCallSearchRequest{}, "duration desc,customer_name", []string{"Ann", "Bob", "Cy"}},
		"end date is a day":   {cv.ConversationPbxCallSearchRequest{StartDate: cv.Ptr("2026-04-02"), EndDate: cv.Ptr("2026-04-02")}, "", []string{"Bob"}},
		"date-times":          {cv.ConversationPbxCallSearchRequest{StartDate: cv.Ptr("2026-04-01T10:00:00Z")}, "", []string{"Cy", "Bob"}},
		"without a zone, UTC": {cv.ConversationPbxCallSearchRequest{StartDate: cv.Ptr("2026-04-01 10:00:00")}, "", []string{"Cy", "Bob"}},
		"phone, partial":      {cv.ConversationPbxCallSearchRequest{PhoneNumber: cv.Ptr("0102")}, "", []string{"Bob"}},
		"term: email":         {cv.ConversationPbxCallSearchRequest{SearchTerm: cv.Ptr("ANN@example.com")}, "", []string{"Ann"}},
		"term: phone":         {cv.ConversationPbxCallSearchRequest{SearchTerm: cv.Ptr("(555) 555-0102")}, "", []string{"Bob"}},
		"term: uuid":          {cv.ConversationPbxCallSearchRequest{SearchTerm: cv.Ptr("00000000-0000-4000-8000-000000000003")}, "", []string{"Cy"}},
		"term: text":          {cv.ConversationPbxCallSearchRequest{SearchTerm: cv.Ptr("missed")}, "", []string{"Bob"}},
		"statuses":            {cv.ConversationPbxCallSearchRequest{Statuses: []string{"completed"}}, "", []string{"Cy", "Ann"}},
		"direction":           {cv.ConversationPbxCallSearchRequest{Direction: cv.Ptr(cv.ConversationCallDirection("OUTBOUND"))}, "", []string{"Bob"}},
		"agents":              {cv.ConversationPbxCallSearchRequest{AgentIds: []string{"7"}}, "", []string{"Bob"}},
		"queues":              {cv.ConversationPbxCallSearchRequest{QueueUuids: []string{"q1"}}, "", []string{"Ann"}},
		"duration bounds":     {cv.ConversationPbxCallSearchRequest{MinDurationSeconds: cv.Ptr(int32(10)), MaxDurationSeconds: cv.Ptr(int32(100))}, "", []string{"Bob"}},
		"ai engagement":       {cv.ConversationPbxCallSearchRequest{HasAiEngagement: cv.Ptr(true)}, "", []string{"Cy"}},
		"recording":           {cv.ConversationPbxCallSearchRequest{HasRecording: cv.Ptr(false)}, "", []string{"Cy", "Bob"}},
		"transcript":          {cv.ConversationPbxCallSearchRequest{HasTranscript: cv.Ptr(true), TranscriptSearch: cv.Ptr("REFUND")}, "", []string{"Ann"}},
		"customer name, part": {cv.ConversationPbxCallSearchRequest{CustomerName: cv.Ptr("o")}, "", []string{"Bob"}},
	} {
		if got := find(tc.q, tc.sort); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", name, got, tc.want)
		}
	}
	for _, bad := range []struct{ q, sort string }{{"", "shoe_size"}, {"not a date", ""}} {
		_, err := srv.Client.SearchPbxCalls(ctx, &cv.ConversationPbxCallSearchRequest{StartDate: cv.Ptr(bad.q)}, &cv.SearchPbxCallsOptions{Sort: bad.sort})
		if bad.q == "" && bad.sort == "" || err == nil {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}

func TestPbxBehaviour(t *testing.T) {
	srv := conversationtest.NewServer(t, conversationtest.WithDemoData())
	ctx := context.Background()
	c := srv.Client

	// An audio inserted with an upload's key gets its URL and type.
	up := must(c.GetConversationPbxAudioUploadURL(ctx, "wav"))
	if st, _ := put(t, up.GetURL(), []byte("RIFF"), nil); st != 200 {
		t.Fatal(st)
	}
	a := must(c.InsertPbxAudio(ctx, &cv.ConversationPbxAudio{AudioS3ListingKey: up.Key}))
	if a.GetMimeType() != "audio/wav" || !strings.HasSuffix(a.GetURL(), up.GetKey()) {
		t.Errorf("audio: %+v", a)
	}
	// A hardware phone gets SIP credentials.
	ph := must(c.InsertPbxHardwarePhone(ctx, &cv.ConversationPbxHardwarePhone{Name: cv.Ptr("Lobby")}))
	if ph.GetSIPUsername() == "" || ph.GetSIPPassword() == "" || !strings.HasSuffix(ph.GetSIPDomain(), ".sip.example.com") {
		t.Errorf("phone: %+v", ph)
	}
	// Audit log filters.
	logs := must(c.GetPbxCosAuditLogs(ctx, &cv.GetPbxCosAuditLogsOptions{Since: time.Date(2026, 4, 20, 11, 15, 0, 0, time.FixedZone("", -5*3600))}))
	if len(logs) != 1 || logs[0].GetAction() != "override_approved" {
		t.Errorf("since is exclusive: %+v", logs)
	}
	if logs := must(c.GetPbxCosAuditLogs(ctx, &cv.GetPbxCosAuditLogsOptions{AgentLogin: "riley", Limit: 1})); len(logs) != 1 {
		t.Errorf("limit: %+v", logs)
	}
	// A snapshot of an unknown number is empty, not an error.
	if s := must(c.GetConversationPbxCustomerSnapshot(ctx, &cv.ConversationPbxCustomerSnapshotRequest{PhoneNumber: cv.Ptr("+15555550999")})); len(s.Customers) != 0 || s.Orders == nil {
		t.Errorf("snapshot: %+v", s)
	}
	// The demo's webchat context names items that can be looked up.
	convs := must(c.GetConversations(ctx, nil))
	wc := must(c.GetConversationContext(ctx, convs.Items[0].GetConversationUUID()))
	for _, it := range wc.Cart.Items {
		if _, err := c.GetConversationItemVariations(ctx, it.GetItemID()); err != nil {
			t.Errorf("item %s of the cart: %v", it.GetItemID(), err)
		}
	}
}
