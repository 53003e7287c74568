package conversationtest_test

import (
	"context"
	"slices"
	"testing"

	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
	"github.com/ultracart-community/ultracart-go/gen"
)

func TestCannedMessagesOrderAndSearch(t *testing.T) {
	srv, c, _ := setup(t)
	ctx := context.Background()
	for _, code := range []string{"zeta", "Alpha", "beta", "alphabet", "shipping", "ship-intl", "reship"} {
		r, err := c.InsertConversationCannedMessageWithResponse(ctx, gen.ConversationCannedMessage{ShortCode: ptr(code), CannedMessage: ptr(code)})
		if err != nil || r.JSON200 == nil {
			t.Fatalf("%v %s", err, r.Body)
		}
	}
	must(conversationtest.Add(srv, gen.ConversationCannedMessage{ShortCode: ptr("middle")}))

	r, _ := c.GetConversationCannedMessagesWithResponse(ctx)
	codes := func(ms []gen.ConversationCannedMessage) []string {
		return names(ms, func(m gen.ConversationCannedMessage) *string { return m.ShortCode })
	}
	if got := codes(r.JSON200.ConversationCannedMessages); !slices.Equal(got, []string{"Alpha", "alphabet", "beta", "middle", "reship", "ship-intl", "shipping", "zeta"}) {
		t.Errorf("order = %q", got)
	}
	// oids are a sequence.
	var oids []int32
	for _, m := range r.JSON200.ConversationCannedMessages {
		oids = append(oids, *m.ConversationCannedMessageOid)
	}
	slices.Sort(oids)
	if !slices.Equal(oids, []int32{1, 2, 3, 4, 5, 6, 7, 8}) {
		t.Errorf("oids = %v", oids)
	}

	search := func(code string, max *int32) []string {
		t.Helper()
		r, err := c.SearchConversationCannedMessagesWithResponse(ctx, gen.ConversationCannedMessagesSearch{ShortCode: ptr(code), MaxResults: max})
		if err != nil || r.JSON200 == nil {
			t.Fatalf("%v %s", err, r.Body)
		}
		return codes(r.JSON200.ConversationCannedMessages)
	}
	if got := search("SHIP", nil); !slices.Equal(got, []string{"ship-intl", "shipping", "reship"}) {
		t.Errorf("search SHIP = %q (prefix matches first)", got)
	}
	if got := search("alp", ptr(int32(1))); !slices.Equal(got, []string{"Alpha"}) {
		t.Errorf("search alp max 1 = %q", got)
	}
	if got := search("nothing", nil); len(got) != 0 {
		t.Errorf("search nothing = %q", got)
	}
	if got := search("", ptr(int32(0))); len(got) != 8 {
		t.Errorf("empty search = %q", got)
	}
}

func TestUpdateMissingOid(t *testing.T) {
	_, c, _ := setup(t)
	ctx := context.Background()
	r1, _ := c.UpdateConversationCannedMessageWithResponse(ctx, 404, gen.ConversationCannedMessage{ShortCode: ptr("x")})
	er := checkError(t, r1.HTTPResponse, r1.Body, 400)
	if deref(er.Error.ObjectID) != "404" {
		t.Errorf("object_id = %q", deref(er.Error.ObjectID))
	}
	r2, _ := c.UpdateConversationDepartmentWithResponse(ctx, 7, gen.ConversationDepartment{DepartmentName: ptr("x")})
	checkError(t, r2.HTTPResponse, r2.Body, 400)
	r3, _ := c.UpdateConversationEngagementWithResponse(ctx, 7, gen.ConversationEngagement{EngagementName: ptr("x")})
	checkError(t, r3.HTTPResponse, r3.Body, 400)
	if r1.JSON400 == nil || r2.JSON400 == nil || r3.JSON400 == nil {
		t.Errorf("JSON400 not decoded")
	}
}

func TestUpdateReplacesAndChecksOid(t *testing.T) {
	srv, c, _ := setup(t)
	ctx := context.Background()
	m := must(conversationtest.Add(srv, gen.ConversationCannedMessage{ShortCode: ptr("a"), CannedMessage: ptr("A"), ConversationDepartmentOids: []int{1}}))
	oid := *m.ConversationCannedMessageOid
	r, _ := c.UpdateConversationCannedMessageWithResponse(ctx, oid, gen.ConversationCannedMessage{ShortCode: ptr("b")})
	got := r.JSON200.ConversationCannedMessage
	if deref(got.ShortCode) != "b" || got.CannedMessage != nil || len(got.ConversationDepartmentOids) != 0 || deref(got.ConversationCannedMessageOid) != oid {
		t.Errorf("update does not replace: %s", r.Body)
	}
	bad, _ := c.UpdateConversationCannedMessageWithResponse(ctx, oid, gen.ConversationCannedMessage{ShortCode: ptr("b"), ConversationCannedMessageOid: ptr(oid + 1)})
	checkError(t, bad.HTTPResponse, bad.Body, 400)
}

func TestDepartmentsAndEngagementsOrder(t *testing.T) {
	srv, c, _ := setup(t)
	ctx := context.Background()
	for _, n := range []string{"support", "Billing", "sales", "Accounts"} {
		if r, _ := c.InsertConversationDepartmentWithResponse(ctx, gen.ConversationDepartment{DepartmentName: ptr(n)}); r.JSON200 == nil {
			t.Fatalf("%s", r.Body)
		} else if deref(r.JSON200.ConversationDepartment.MerchantID) != srv.MerchantID() {
			t.Errorf("merchant_id = %q", deref(r.JSON200.ConversationDepartment.MerchantID))
		}
	}
	d, _ := c.GetConversationDepartmentsWithResponse(ctx)
	if got := names(d.JSON200.ConversationDepartments, func(d gen.ConversationDepartment) *string { return d.DepartmentName }); !slices.Equal(got, []string{"Accounts", "Billing", "sales", "support"}) {
		t.Errorf("departments = %q", got)
	}
	if len(d.JSON200.ConversationDepartments) != 4 {
		t.Errorf("departments: %s", d.Body)
	}

	for _, n := range []string{"welcome", "Exit intent", "cart"} {
		must(conversationtest.Add(srv, gen.ConversationEngagement{EngagementName: ptr(n)}))
	}
	e, _ := c.GetConversationEngagementsWithResponse(ctx)
	if got := names(e.JSON200.ConversationEngagements, func(e gen.ConversationEngagement) *string { return e.EngagementName }); !slices.Equal(got, []string{"cart", "Exit intent", "welcome"}) {
		t.Errorf("engagements = %q", got)
	}
}

func TestConversationLifecycle(t *testing.T) {
	srv, c, _ := setup(t)
	ctx := context.Background()
	agentARN, _ := srv.Agent()
	start, _ := c.StartConversationWithResponse(ctx, gen.ConversationStartRequest{AddConversationParticipantArns: []string{"arn:fake:conversation:user/customer"}})
	conv := start.JSON200.Conversation
	id := *conv.ConversationUUID
	if deref((*string)(conv.Medium)) != "sms" || deref(conv.Closed) || !deref(conv.Visible) || conv.StartDts == nil {
		t.Errorf("started = %s", start.Body)
	}
	if _, err := srv.AddMessage(id, gen.ConversationMessage{AuthorConversationParticipantARN: ptr("arn:fake:conversation:user/customer"), Body: ptr("hello")}); err != nil {
		t.Fatal(err)
	}
	cv, _ := srv.Conversation(id)
	if !deref(cv.UnreadMessages) || deref(cv.Participants[0].UnreadMessages) != 1 {
		t.Errorf("unread after customer message: %+v", cv)
	}
	// The agent's own message does not make the conversation unread.
	if _, err := c.MarkReadConversationWithResponse(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.AddMessage(id, gen.ConversationMessage{AuthorConversationParticipantARN: ptr(agentARN), Body: ptr("hi!")}); err != nil {
		t.Fatal(err)
	}
	cv, _ = srv.Conversation(id)
	if deref(cv.UnreadMessages) || deref(cv.Participants[0].UnreadMessages) != 0 || deref(cv.LastConversationMessageBody) != "hi!" {
		t.Errorf("after agent message: %+v", cv)
	}
	// Leaving twice is fine; joining again returns the agent.
	for i := 0; i < 2; i++ {
		if r, _ := c.LeaveConversationWithResponse(ctx, id); r.StatusCode() != 204 {
			t.Fatalf("leave %d: %d", i, r.StatusCode())
		}
	}
	if r, _ := c.JoinConversationWithBodyWithResponse(ctx, id, "application/json", nil); r.StatusCode() != 204 {
		t.Fatalf("join without body: %d %s", r.StatusCode(), r.Body)
	}
	cv, _ = srv.Conversation(id)
	if cv.Participants[0].LeftDts != nil || deref(cv.Participants[0].Status) != "joined" {
		t.Errorf("after rejoin: %+v", cv.Participants[0])
	}
	// Restarting by ARN reopens the same conversation.
	again, _ := c.StartConversationWithResponse(ctx, gen.ConversationStartRequest{ConversationARN: cv.ConversationARN})
	if deref(again.JSON200.Conversation.ConversationUUID) != id {
		t.Errorf("restart made a new conversation")
	}
	// Missing conversations are a 400 on every conversation operation.
	r1, _ := c.JoinConversationWithResponse(ctx, "nope", gen.ConversationJoinRequest{})
	checkError(t, r1.HTTPResponse, r1.Body, 400)
	r2, _ := c.MarkReadConversationWithResponse(ctx, "nope")
	checkError(t, r2.HTTPResponse, r2.Body, 400)
	r3, _ := c.GetConversationContextWithResponse(ctx, "nope")
	checkError(t, r3.HTTPResponse, r3.Body, 400)
	r4, _ := c.GetConversationMessagesWithResponse(ctx, "nope", 0, nil)
	checkError(t, r4.HTTPResponse, r4.Body, 400)
	if _, err := srv.AddMessage("nope", gen.ConversationMessage{}); err == nil {
		t.Errorf("AddMessage to a missing conversation: no error")
	}
}

func TestSetWebchatContext(t *testing.T) {
	srv, c, _ := setup(t)
	conv := must(srv.AddConversation(gen.Conversation{}))
	if err := srv.SetWebchatContext(*conv.ConversationUUID, gen.ConversationWebchatContext{CurrentURL: ptr("https://shop.example.com/x")}); err != nil {
		t.Fatal(err)
	}
	r, _ := c.GetConversationContextWithResponse(context.Background(), *conv.ConversationUUID)
	if deref(r.JSON200.CurrentURL) != "https://shop.example.com/x" || r.JSON200.Cart != nil {
		t.Errorf("context = %s", r.Body)
	}
	if err := srv.SetWebchatContext("nope", gen.ConversationWebchatContext{}); err == nil {
		t.Errorf("no error for a missing conversation")
	}
}
