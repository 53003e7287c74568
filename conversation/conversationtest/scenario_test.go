package conversationtest_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
	"github.com/ultracart-community/ultracart-go/gen"
)

// TestScenario walks through all 23 operations with the generated client,
// checking the fake's behaviour, while the validating transport checks
// that every response conforms to the spec.
func TestScenario(t *testing.T) {
	srv, c, v := setup(t)
	ctx := context.Background()
	agentARN, agentName := srv.Agent()

	// Agent session.
	ka, err := c.GetAgentKeepAliveWithResponse(ctx)
	if err != nil || ka.StatusCode() != http.StatusNoContent {
		t.Fatalf("keepalive: %v %v", err, ka.StatusCode())
	}
	auth, err := c.GetAgentWebsocketAuthorizationWithResponse(ctx)
	if err != nil || auth.JSON200 == nil || auth.JSON200.AgentAuth == nil {
		t.Fatalf("auth: %v %s", err, auth.Body)
	}
	aa := auth.JSON200.AgentAuth
	checkJWT(t, deref(aa.JWT), agentARN)
	if deref(aa.ConversationParticipantARN) != agentARN || deref(aa.ConversationParticipantName) != agentName {
		t.Errorf("agent auth names %q %q", deref(aa.ConversationParticipantARN), deref(aa.ConversationParticipantName))
	}
	if ws := deref(aa.WebsocketURL); !strings.HasPrefix(ws, "ws://127.0.0.1:") {
		t.Errorf("websocket_url = %q", ws)
	}

	// Departments.
	var deptOids []int32
	for _, name := range []string{"Support", "billing", "Sales"} {
		r, err := c.InsertConversationDepartmentWithResponse(ctx, gen.ConversationDepartment{DepartmentName: ptr(name)})
		if err != nil || r.JSON200 == nil {
			t.Fatalf("insert department: %v %s", err, r.Body)
		}
		deptOids = append(deptOids, *r.JSON200.ConversationDepartment.ConversationDepartmentOid)
	}
	upd, err := c.UpdateConversationDepartmentWithResponse(ctx, deptOids[0], gen.ConversationDepartment{DepartmentName: ptr("Customer Support")})
	if err != nil || upd.JSON200 == nil || deref(upd.JSON200.ConversationDepartment.DepartmentName) != "Customer Support" {
		t.Fatalf("update department: %v %s", err, upd.Body)
	}
	depts, err := c.GetConversationDepartmentsWithResponse(ctx)
	if err != nil || depts.JSON200 == nil {
		t.Fatalf("departments: %v", err)
	}
	if got := names(depts.JSON200.ConversationDepartments, func(d gen.ConversationDepartment) *string { return d.DepartmentName }); !slices.Equal(got, []string{"billing", "Customer Support", "Sales"}) {
		t.Errorf("departments = %q", got)
	}

	// Canned messages.
	var cannedOid int32
	for _, code := range []string{"thanks", "hello", "hours"} {
		r, err := c.InsertConversationCannedMessageWithResponse(ctx, gen.ConversationCannedMessage{
			ShortCode: ptr(code), CannedMessage: ptr("text of " + code), ConversationDepartmentOids: []int{int(deptOids[0])},
		})
		if err != nil || r.JSON200 == nil {
			t.Fatalf("insert canned: %v %s", err, r.Body)
		}
		cannedOid = *r.JSON200.ConversationCannedMessage.ConversationCannedMessageOid
	}
	ucm, err := c.UpdateConversationCannedMessageWithResponse(ctx, cannedOid, gen.ConversationCannedMessage{ShortCode: ptr("hours"), CannedMessage: ptr("9 to 5")})
	if err != nil || ucm.JSON200 == nil || deref(ucm.JSON200.ConversationCannedMessage.CannedMessage) != "9 to 5" {
		t.Fatalf("update canned: %v %s", err, ucm.Body)
	}
	cms, err := c.GetConversationCannedMessagesWithResponse(ctx)
	if err != nil || cms.JSON200 == nil {
		t.Fatalf("canned: %v", err)
	}
	if got := names(cms.JSON200.ConversationCannedMessages, func(m gen.ConversationCannedMessage) *string { return m.ShortCode }); !slices.Equal(got, []string{"hello", "hours", "thanks"}) {
		t.Errorf("canned = %q", got)
	}
	search, err := c.SearchConversationCannedMessagesWithResponse(ctx, gen.ConversationCannedMessagesSearch{ShortCode: ptr("H"), MaxResults: ptr(int32(2))})
	if err != nil || search.JSON200 == nil {
		t.Fatalf("search: %v", err)
	}
	if got := names(search.JSON200.ConversationCannedMessages, func(m gen.ConversationCannedMessage) *string { return m.ShortCode }); !slices.Equal(got, []string{"hello", "hours"}) {
		t.Errorf("search = %q", got)
	}

	// Engagements.
	var engOid int32
	for _, name := range []string{"Welcome", "Cart helper"} {
		r, err := c.InsertConversationEngagementWithResponse(ctx, gen.ConversationEngagement{
			EngagementName: ptr(name), TimeOnPage: ptr(int32(30)), DepartmentOids: []int{int(deptOids[2])},
			Equation: &gen.ConversationEngagementEquation{Groups: []gen.ConversationEngagementEquationGroup{{}}},
		})
		if err != nil || r.JSON200 == nil {
			t.Fatalf("insert engagement: %v %s", err, r.Body)
		}
		engOid = *r.JSON200.ConversationEngagement.ConversationEngagementOid
	}
	ue, err := c.UpdateConversationEngagementWithResponse(ctx, engOid, gen.ConversationEngagement{EngagementName: ptr("Abandoned cart"), CustomerGreeting: ptr("Need help?")})
	if err != nil || ue.JSON200 == nil {
		t.Fatalf("update engagement: %v %s", err, ue.Body)
	}
	engs, err := c.GetConversationEngagementsWithResponse(ctx)
	if err != nil || engs.JSON200 == nil {
		t.Fatalf("engagements: %v", err)
	}
	if got := names(engs.JSON200.ConversationEngagements, func(e gen.ConversationEngagement) *string { return e.EngagementName }); !slices.Equal(got, []string{"Abandoned cart", "Welcome"}) {
		t.Errorf("engagements = %q", got)
	}

	// Webchat queue: the agent goes available, then picks a customer up.
	q := must(srv.AddQueueStatus(gen.ConversationWebchatQueueStatus{
		QueueName: ptr("general"),
		QueueEntries: []gen.ConversationWebchatQueueStatusQueueEntry{{
			ConversationParticipantARN:  ptr("arn:fake:conversation:user/customer-1"),
			ConversationParticipantName: ptr("Casey Customer"),
			Email:                       ptr("casey@example.com"),
			Question:                    ptr("Where is my order?"),
		}},
	}))
	queueUUID := *q.QueueEntries[0].ConversationWebchatQueueUUID
	us, err := c.UpdateConversationWebchatQueueStatusWithResponse(ctx, "general", gen.ConversationWebchatQueueStatusUpdateRequest{
		AgentStatus: ptr(gen.ConversationAgentStatusAvailable),
	})
	if err != nil || us.StatusCode() != http.StatusNoContent {
		t.Fatalf("queue status update: %v %d %s", err, us.StatusCode(), us.Body)
	}
	qs, err := c.GetConversationWebchatQueueStatusesWithResponse(ctx)
	if err != nil || qs.JSON200 == nil || len(qs.JSON200.QueueStatuses) != 1 {
		t.Fatalf("queue statuses: %v", err)
	}
	gq := qs.JSON200.QueueStatuses[0]
	if len(gq.Agents) != 1 || deref((*string)(gq.Agents[0].AgentStatus)) != "available" || deref(gq.AgentAvailableCount) != 1 || len(gq.QueueEntries) != 1 {
		t.Errorf("queue = %+v", gq)
	}

	start, err := c.StartConversationWithResponse(ctx, gen.ConversationStartRequest{
		ConversationWebchatQueueUUID:   ptr(queueUUID),
		AddConversationParticipantArns: []string{"arn:fake:conversation:user/supervisor"},
	})
	if err != nil || start.JSON200 == nil || start.JSON200.Conversation == nil {
		t.Fatalf("start: %v %s", err, start.Body)
	}
	conv := start.JSON200.Conversation
	id := deref(conv.ConversationUUID)
	if got := participantARNs(conv.Participants); !slices.Equal(got, []string{agentARN, "arn:fake:conversation:user/customer-1", "arn:fake:conversation:user/supervisor"}) {
		t.Errorf("participants = %q", got)
	}
	if deref((*string)(conv.Medium)) != "websocket" {
		t.Errorf("medium = %v", deref(conv.Medium))
	}
	if qq, _ := srv.QueueStatus("general"); len(qq.QueueEntries) != 0 {
		t.Errorf("customer still waiting: %+v", qq.QueueEntries)
	}

	// Messages arrive (over the websocket, in real life).
	var epochs []int64
	for i, body := range []string{"hi", "my order?", "order 123"} {
		m, err := srv.AddMessage(id, gen.ConversationMessage{
			AuthorConversationParticipantARN: ptr("arn:fake:conversation:user/customer-1"),
			Body:                             ptr(body),
			MessageDts:                       ptr(timeAt(i)),
		})
		if err != nil {
			t.Fatal(err)
		}
		epochs = append(epochs, *m.MessageEpoch)
	}
	list, err := c.GetConversationsWithResponse(ctx, &gen.GetConversationsParams{Medium: ptr(gen.ConversationMediumWebsocket)})
	if err != nil || list.JSON200 == nil || len(list.JSON200.Conversations) != 1 {
		t.Fatalf("conversations: %v %s", err, list.Body)
	}
	sum := list.JSON200.Conversations[0]
	if deref(sum.LastConversationMessageBody) != "order 123" || deref(sum.MessageCount) != 3 || !deref(sum.UnreadMessages) {
		t.Errorf("summary = %+v", sum)
	}
	if deref(sum.LastConversationParticipantName) != "Casey Customer" {
		t.Errorf("last participant name = %q", deref(sum.LastConversationParticipantName))
	}
	got, err := c.GetConversationWithResponse(ctx, id, &gen.GetConversationParams{Limit: ptr(int32(2))})
	if err != nil || got.JSON200 == nil {
		t.Fatalf("get: %v", err)
	}
	if b := messageBodies(got.JSON200.Conversation.Messages); !slices.Equal(b, []string{"my order?", "order 123"}) {
		t.Errorf("limited messages = %q", b)
	}
	msgs, err := c.GetConversationMessagesWithResponse(ctx, id, epochs[0], nil)
	if err != nil || msgs.JSON200 == nil {
		t.Fatalf("messages: %v", err)
	}
	if b := messageBodies(msgs.JSON200.ConversationMessages); !slices.Equal(b, []string{"my order?", "order 123"}) {
		t.Errorf("messages since = %q", b)
	}

	mr, err := c.MarkReadConversationWithResponse(ctx, id)
	if err != nil || mr.StatusCode() != http.StatusNoContent {
		t.Fatalf("markread: %v %d", err, mr.StatusCode())
	}
	if cv, _ := srv.Conversation(id); deref(cv.UnreadMessages) {
		t.Errorf("still unread after markread")
	}

	lv, err := c.LeaveConversationWithResponse(ctx, id)
	if err != nil || lv.StatusCode() != http.StatusNoContent {
		t.Fatalf("leave: %v %d", err, lv.StatusCode())
	}
	if cv, _ := srv.Conversation(id); cv.Participants[0].LeftDts == nil {
		t.Errorf("agent has not left")
	}
	jn, err := c.JoinConversationWithResponse(ctx, id, gen.ConversationJoinRequest{ParticipantLanguageIsoCode: ptr("es")})
	if err != nil || jn.StatusCode() != http.StatusNoContent {
		t.Fatalf("join: %v %d", err, jn.StatusCode())
	}
	if cv, _ := srv.Conversation(id); cv.Participants[0].LeftDts != nil || deref(cv.Participants[0].LanguageIsoCode) != "es" {
		t.Errorf("agent after rejoin = %+v", cv.Participants[0])
	}

	cx, err := c.GetConversationContextWithResponse(ctx, id)
	if err != nil || cx.JSON200 == nil || cx.JSON200.Cart == nil {
		t.Fatalf("context: %v %s", err, cx.Body)
	}
	if len(cx.JSON200.Cart.Items) == 0 || len(cx.JSON200.Orders) == 0 || cx.JSON200.Cart.Summary.Total == nil {
		t.Errorf("context has no cart items or orders: %s", cx.Body)
	}

	// Upload a file to the URL handed out, without credentials.
	up, err := c.GetConversationMultimediaUploadURLWithResponse(ctx, "png")
	if err != nil || up.JSON200 == nil || up.JSON200.ConversationMultimediaUploadURL == nil {
		t.Fatalf("upload url: %v %s", err, up.Body)
	}
	key := deref(up.JSON200.ConversationMultimediaUploadURL.Key)
	putURL := deref(up.JSON200.ConversationMultimediaUploadURL.URL)
	if strings.Contains(putURL, conversationtest.BasePath) || !strings.HasSuffix(key, ".png") {
		t.Errorf("upload key %q url %q", key, putURL)
	}
	content := []byte("\x89PNG fake image")
	req, _ := http.NewRequest(http.MethodPut, putURL, bytes.NewReader(content))
	req.Header.Set("Content-Type", "image/png")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("PUT: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT status %d", resp.StatusCode)
	}
	if b, ok := srv.UploadedFile(key); !ok || !bytes.Equal(b, content) {
		t.Errorf("uploaded = %q %v", b, ok)
	}

	// Every operation was exercised and its responses validated.
	validated := make(map[string]int)
	for op, n := range v.operations() {
		validated[strings.ToLower(op)] = n
	}
	// The 23 operations of the 2022 release; the fake does not serve the
	// others yet.
	old := strings.Fields(`getAgentKeepAlive getAgentWebsocketAuthorization getConversation
		getConversationCannedMessages getConversationContext getConversationDepartments
		getConversationEngagements getConversationMessages getConversationMultimediaUploadUrl
		getConversationWebchatQueueStatuses getConversations insertConversationCannedMessage
		insertConversationDepartment insertConversationEngagement joinConversation leaveConversation
		markReadConversation searchConversationCannedMessages startConversation
		updateConversationCannedMessage updateConversationDepartment updateConversationEngagement
		updateConversationWebchatQueueStatus`)
	for _, op := range old {
		if validated[strings.ToLower(op)] == 0 {
			t.Errorf("operation %s was not exercised", op)
		}
	}
	if n := len(conversationtest.OperationIDs()); n != 140 {
		t.Errorf("%d operations, want 140", n)
	}
	for op, n := range validated {
		if got := srv.RequestCount(op); got != n {
			t.Errorf("RequestCount(%s) = %d, validated %d", op, got, n)
		}
	}
}

func timeAt(i int) uctimeT { return uctimeNew(time.Date(2024, 3, 1, 10, i, 0, 0, time.UTC)) }

func names[T any](items []T, f func(T) *string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, deref(f(it)))
	}
	return out
}

func participantARNs(ps []gen.ConversationParticipant) []string {
	return names(ps, func(p gen.ConversationParticipant) *string { return p.ConversationParticipantARN })
}

func messageBodies(ms []gen.ConversationMessage) []string {
	return names(ms, func(m gen.ConversationMessage) *string { return m.Body })
}

// checkJWT asserts three base64url segments: a JSON header naming an
// algorithm, JSON claims whose subject is the agent, and a signature.
func checkJWT(t *testing.T, jwt, sub string) {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("jwt %q has %d segments", jwt, len(parts))
	}
	var header struct{ Alg, Typ string }
	var claims struct {
		Sub string `json:"sub"`
		Exp int64  `json:"exp"`
	}
	for i, dst := range []any{&header, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatalf("jwt segment %d: %v", i, err)
		}
		if err := json.Unmarshal(b, dst); err != nil {
			t.Fatalf("jwt segment %d: %v", i, err)
		}
	}
	if header.Alg == "" || claims.Sub != sub || claims.Exp == 0 {
		t.Errorf("jwt header %+v claims %+v", header, claims)
	}
	if sig, err := base64.RawURLEncoding.DecodeString(parts[2]); err != nil || len(sig) == 0 {
		t.Errorf("jwt signature: %v", err)
	}
}
