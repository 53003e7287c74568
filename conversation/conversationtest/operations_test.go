package conversationtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	cv "github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
	"github.com/ultracart-community/ultracart-go/uctime"
)

// crudCase is one stored kind seen through the client: what to insert,
// what an update changes, and the calls.
type crudCase[T any] struct {
	value  T
	change func(*T)
	id     func(*T) string
	insert func(*T) (*T, error)
	get    func(id string) (*T, error) // nil when the kind has no get
	list   func() ([]T, error)
	update func(id string, v *T) (*T, error)
	del    func(id string) error
}

// run inserts, reads back, lists, updates, deletes and reads again: an
// insert reads back equal, with every field sent; an update takes effect;
// a get (or list) after the delete no longer finds the object, a get being
// a 400 naming it in object_id.
func (c crudCase[T]) run(t *testing.T) {
	t.Helper()
	in, err := c.insert(&c.value)
	if err != nil {
		t.Fatalf("insert: %v", err)
	}
	id := c.id(in)
	if id == "" || id == "0" {
		t.Fatalf("insert assigned no identifier: %+v", in)
	}
	checkSubset(t, "insert", c.value, *in)
	c.readBack(t, "insert", id, in)

	up := *in
	c.change(&up)
	out, err := c.update(id, &up)
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if reflect.DeepEqual(jsonMap(t, *in), jsonMap(t, *out)) {
		t.Errorf("update changed nothing: %+v", *out)
	}
	checkSubset(t, "update", up, *out)
	c.readBack(t, "update", id, out)

	if err := c.del(id); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if c.get != nil {
		_, err := c.get(id)
		var apiErr *cv.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || apiErr.ObjectID != id {
			t.Errorf("get after delete: %v, want a 400 with object_id %s", err, id)
		}
	}
	if all, err := c.list(); err != nil || slices.ContainsFunc(all, func(x T) bool { return c.id(&x) == id }) {
		t.Errorf("list after delete: %v, still holds %s", err, id)
	}
}

// readBack checks that get and list return want.
func (c crudCase[T]) readBack(t *testing.T, after, id string, want *T) {
	t.Helper()
	if c.get != nil {
		got, err := c.get(id)
		if err != nil || !reflect.DeepEqual(jsonMap(t, *got), jsonMap(t, *want)) {
			t.Errorf("get after %s: %v\n got %+v\nwant %+v", after, err, got, want)
		}
	}
	all, err := c.list()
	i := slices.IndexFunc(all, func(x T) bool { return c.id(&x) == id })
	if err != nil || i < 0 || !reflect.DeepEqual(jsonMap(t, all[i]), jsonMap(t, *want)) {
		t.Errorf("list after %s: %v, index %d of %d", after, err, i, len(all))
	}
}

func jsonMap(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// checkSubset asserts that every field of sent is in got, equal.
func checkSubset(t *testing.T, what string, sent, got any) {
	t.Helper()
	g := jsonMap(t, got)
	for k, v := range jsonMap(t, sent) {
		if !reflect.DeepEqual(g[k], v) {
			t.Errorf("%s: %s = %v, sent %v", what, k, g[k], v)
		}
	}
}

func oid(p *int32) string { return strconv.Itoa(int(deref(p))) }

func atoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestEveryOperation drives every operation through conversation.Client
// against a fake seeded with the demo data, reading back what it writes.
// The fake checks each response against the spec before sending it (and
// fails the test if one does not pass), and a validating transport checks
// it again on the client side; at the end every operation must have been
// called and validated.
func TestEveryOperation(t *testing.T) {
	v := newValidatorFor(t)
	srv := conversationtest.NewServer(t, conversationtest.WithDemoData(),
		conversationtest.WithClientOptions(cv.WithHTTPClient(&http.Client{Transport: v}), cv.WithoutRetries()))
	c, ctx := srv.Client, context.Background()
	me := srv.AgentUserID()

	t.Run("conversations", func(t *testing.T) { conversationOps(ctx, t, srv, c) })
	t.Run("agent", func(t *testing.T) { agentOps(ctx, t, srv, c, me) })
	t.Run("crud", func(t *testing.T) { crudOps(ctx, t, c) })
	t.Run("pbx", func(t *testing.T) { pbxOps(ctx, t, srv, c) })
	t.Run("statuses", func(t *testing.T) { statusOps(ctx, t, srv, c) })

	validated := v.operations()
	for _, op := range conversationtest.OperationIDs() {
		if validated[op] == 0 {
			t.Errorf("%s was not exercised", op)
		}
	}
	if n := len(conversationtest.OperationIDs()); n != 140 {
		t.Errorf("OperationIDs: %d, want 140", n)
	}
}

func conversationOps(ctx context.Context, t *testing.T, srv *conversationtest.Server, c *cv.Client) {
	page, err := c.GetConversations(ctx, &cv.GetConversationsOptions{Limit: 2})
	if err != nil || len(page.Items) != 2 || !page.More() || deref(page.ResultSet.TotalRecords) != 3 {
		t.Fatalf("GetConversations: %v %+v", err, page)
	}
	started, err := c.StartConversation(ctx, &cv.ConversationStartRequest{AddConversationParticipantArns: []string{"arn:fake:conversation:user/customer-sms"}})
	if err != nil {
		t.Fatal(err)
	}
	id := started.GetConversationUUID()
	must(srv.AddMessage(id, cv.ConversationMessage{AuthorConversationParticipantARN: cv.Ptr("arn:fake:conversation:user/customer-sms"), Body: cv.Ptr("Is the mug dishwasher safe?")}))
	if err := c.JoinConversation(ctx, id, &cv.ConversationJoinRequest{ParticipantLanguageIsoCode: cv.Ptr("en")}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetConversation(ctx, id, nil)
	if err != nil || len(got.Messages) != 1 || !got.GetUnreadMessages() {
		t.Fatalf("GetConversation: %v %+v", err, got)
	}
	if msgs, err := c.GetConversationMessages(ctx, id, time.Time{}, nil); err != nil || len(msgs) != 1 {
		t.Fatalf("GetConversationMessages: %v %d", err, len(msgs))
	}
	if err := c.MarkReadConversation(ctx, id); err != nil {
		t.Fatal(err)
	}
	if wc, err := c.GetConversationContext(ctx, id); err != nil || wc.Cart == nil {
		t.Fatalf("GetConversationContext: %v", err)
	}
	if err := c.LeaveConversation(ctx, id); err != nil {
		t.Fatal(err)
	}

	// SMS unsubscribe marks the SMS participants.
	sam := must(c.GetConversationsSearch(ctx, &cv.ConversationSearchRequest{SmsPhoneNumberFilter: cv.Ptr("(555) 555-0123")}))
	if deref(sam.Total) != 1 || len(sam.Records) != 1 {
		t.Fatalf("search by phone: %+v", sam)
	}
	samID := sam.Records[0].GetConversationUUID()
	if err := c.SmsUnsubscribeConversation(ctx, samID); err != nil {
		t.Fatal(err)
	}
	after := must(c.GetConversation(ctx, samID, nil))
	if !slices.ContainsFunc(after.Participants, func(p cv.ConversationParticipant) bool { return p.GetStatus() == "unsubscribed" }) {
		t.Errorf("no participant unsubscribed: %+v", after.Participants)
	}

	// Search: filters, order and range.
	all := must(c.GetConversationsSearch(ctx, &cv.ConversationSearchRequest{OrderByOldest: cv.Ptr(true), RangeBegin: cv.Ptr(int32(1)), RangeEnd: cv.Ptr(int32(3))}))
	if deref(all.Total) != 4 || len(all.Records) != 2 || deref(all.RangeBegin) != 1 || deref(all.RangeEnd) != 3 {
		t.Errorf("search page: total %d, %d records, range %d-%d", deref(all.Total), len(all.Records), deref(all.RangeBegin), deref(all.RangeEnd))
	}
	text := must(c.GetConversationsSearch(ctx, &cv.ConversationSearchRequest{TextSearch: cv.Ptr("CANADA"), MediumFilter: cv.Ptr(cv.ConversationMediumWebsocket)}))
	if deref(text.Total) != 1 {
		t.Errorf("text search: %+v", text)
	}
	ac := must(c.GetConversationsAutocomplete(ctx, &cv.ConversationAutocompleteRequest{Field: cv.Ptr("email"), Term: cv.Ptr("PARK")}))
	if len(ac.Results) != 1 || ac.Results[0].GetValue() != "lee.park@example.com" || ac.GetField() != "email" {
		t.Errorf("autocomplete: %+v", ac)
	}

	// Webchat queue, agent session and uploads.
	queues := must(c.GetConversationWebchatQueueStatuses(ctx))
	if len(queues) != 1 {
		t.Fatalf("queues: %+v", queues)
	}
	status := cv.ConversationAgentStatusBusy
	if err := c.UpdateConversationWebchatQueueStatus(ctx, queues[0].GetQueueName(), &cv.ConversationWebchatQueueStatusUpdateRequest{AgentStatus: &status}); err != nil {
		t.Fatal(err)
	}
	if err := c.GetAgentKeepAlive(ctx); err != nil {
		t.Fatal(err)
	}
	if auth := must(c.GetAgentWebsocketAuthorization(ctx)); auth.GetJWT() == "" {
		t.Error("no JWT")
	}
	if u := must(c.GetConversationMultimediaUploadURL(ctx, "png")); !strings.HasPrefix(u.GetKey(), "conversation/") {
		t.Errorf("upload key %q", u.GetKey())
	}
}

func agentOps(ctx context.Context, t *testing.T, srv *conversationtest.Server, c *cv.Client, me cv.UserID) {
	// The caller's profile reads back what was written; user_id only in the list.
	mine := must(c.GetAgentProfile(ctx))
	mine.DisplayName, mine.ChatLimit = cv.Ptr("Fakey"), cv.Ptr(int32(7))
	mine.AiVoicePersonality = cv.Ptr(cv.ConversationAgentProfileAiVoicePersonalityRex)
	updated := must(c.UpdateAgentProfile(ctx, mine))
	checkSubset(t, "updateAgentProfile", *mine, *updated)
	if again := must(c.GetAgentProfile(ctx)); !reflect.DeepEqual(jsonMap(t, *again), jsonMap(t, *updated)) || again.UserID != nil {
		t.Errorf("getAgentProfile after update: %+v", again)
	}
	profiles := must(c.GetAgentProfiles(ctx))
	if i := slices.IndexFunc(profiles, func(p cv.ConversationAgentProfile) bool { return p.GetUserID() == me }); i < 0 || profiles[i].GetDisplayName() != "Fakey" {
		t.Errorf("getAgentProfiles: %+v", profiles)
	}
	members := must(c.GetConversationDepartmentMemberList(ctx))
	if len(members) != len(profiles) {
		t.Errorf("department members %d, profiles %d", len(members), len(profiles))
	}

	// MCP servers and knowledge base documents live under a profile.
	ava := cv.UserID(1003)
	crudCase[cv.ConversationMcpServer]{
		value:  cv.ConversationMcpServer{URL: cv.Ptr("https://mcp.example.com/catalog"), AuthMethod: cv.Ptr(cv.ConversationMcpServerAuthMethodBasic), BasicUserName: cv.Ptr("bot"), Priority: cv.Ptr(int32(2))},
		change: func(m *cv.ConversationMcpServer) { m.Priority = cv.Ptr(int32(0)) },
		id:     func(m *cv.ConversationMcpServer) string { return m.GetMcpServerUUID() },
		insert: func(m *cv.ConversationMcpServer) (*cv.ConversationMcpServer, error) {
			return c.InsertAgentProfileMcp(ctx, ava, m)
		},
		get:  func(id string) (*cv.ConversationMcpServer, error) { return c.GetAgentProfileMcp(ctx, ava, id) },
		list: func() ([]cv.ConversationMcpServer, error) { return c.GetAgentProfileMcps(ctx, ava) },
		update: func(id string, m *cv.ConversationMcpServer) (*cv.ConversationMcpServer, error) {
			return c.UpdateAgentProfileMcp(ctx, ava, id, m)
		},
		del: func(id string) error { return c.DeleteAgentProfileMcp(ctx, ava, id) },
	}.run(t)
	mcps := must(c.GetAgentProfileMcps(ctx, ava))
	if tools := must(c.GetAgentProfileMcpTools(ctx, ava, mcps[0].GetMcpServerUUID())); !json.Valid([]byte(tools)) {
		t.Errorf("tools_json is not JSON: %q", tools)
	}

	up := must(c.GetConversationKnowledgeBaseDocumentUploadURL(ctx, ava, "pdf"))
	if st, _ := put(t, up.GetURL(), []byte(strings.Repeat("x", 2500)), nil); st != 200 {
		t.Fatalf("upload: %d", st)
	}
	doc := must(c.InsertAgentProfileKnowledgeBaseDocument(ctx, ava, &cv.ConversationInsertKnowledgeBaseDocumentRequest{OriginalFileName: cv.Ptr("sizes.pdf"), PresignedURL: up.URL}))
	if doc.GetS3Key() != up.GetKey() || len(doc.VectorKeys) != 3 {
		t.Errorf("insert document: %+v", doc)
	}
	docs := must(c.GetAgentProfileKnowledgeBase(ctx, ava))
	i := slices.IndexFunc(docs, func(d cv.ConversationKnowledgeBaseDocument) bool { return d.GetDocumentUUID() == doc.GetDocumentUUID() })
	if i < 0 || docs[i].GetDocumentID() != "sizes.pdf" || docs[i].GetChunkCount() != 3 || docs[i].GetMimeType() != "application/pdf" {
		t.Fatalf("knowledge base: %+v", docs)
	}
	if name := must(c.DeleteAgentProfileKnowledgeBaseDocument(ctx, ava, doc.GetDocumentUUID())); name != "sizes.pdf" {
		t.Errorf("delete document answered %q", name)
	}
	if len(must(c.GetAgentProfileKnowledgeBase(ctx, ava))) != len(docs)-1 {
		t.Error("the document is still listed")
	}

	// Settings read back what was written.
	if p := must(c.GetConversationPermissions(ctx)); p.EditSettings == nil {
		t.Errorf("permissions: %+v", p)
	}
	budget := must(c.GetVirtualAgentBudget(ctx))
	budget.BudgetDaily = cv.Ptr(1234567.89)
	if b := must(c.UpdateVirtualAgentBudget(ctx, &cv.ConversationVirtualAgentBudget{BudgetDaily: budget.BudgetDaily, BudgetMonthly: cv.Ptr(50.0)})); b.GetBudgetDaily() != 1234567.89 || b.UsedDaily == nil {
		t.Errorf("budget update: %+v", b)
	}
	if b := must(c.GetVirtualAgentBudget(ctx)); b.GetBudgetDaily() != 1234567.89 || b.GetBudgetMonthly() != 50 {
		t.Errorf("budget: %+v", b)
	}
	caps := must(c.GetVirtualAgentCapabilities(ctx))
	caps.LookupOrderInformation, caps.OpenSupportTicketChannel = cv.Ptr(true), cv.Ptr(cv.ConversationNoticeChannelEmail)
	must(c.UpdateVirtualAgentCapabilities(ctx, caps))
	if again := must(c.GetVirtualAgentCapabilities(ctx)); !again.GetLookupOrderInformation() || again.GetOpenSupportTicketChannel() != "email" {
		t.Errorf("capabilities: %+v", again)
	}
	if countries := must(c.GetLocationsForEngagement(ctx)); len(countries) == 0 || countries[0].GetIso2() != "US" {
		t.Errorf("locations: %+v", countries)
	}
	item := must(c.GetConversationItemVariations(ctx, "TSHIRT-BLUE-M"))
	if len(item.Variations) != 1 || len(item.VariantItems) != 2 {
		t.Errorf("item: %+v", item)
	}
}

func crudOps(ctx context.Context, t *testing.T, c *cv.Client) {
	crudCase[cv.ConversationCannedMessage]{
		value:  cv.ConversationCannedMessage{ShortCode: cv.Ptr("returns"), CannedMessage: cv.Ptr("30 days."), ConversationDepartmentOids: []int{1}},
		change: func(m *cv.ConversationCannedMessage) { m.CannedMessage = cv.Ptr("60 days.") },
		id:     func(m *cv.ConversationCannedMessage) string { return oid(m.ConversationCannedMessageOid) },
		insert: func(m *cv.ConversationCannedMessage) (*cv.ConversationCannedMessage, error) {
			return c.InsertConversationCannedMessage(ctx, m)
		},
		list: func() ([]cv.ConversationCannedMessage, error) { return c.GetConversationCannedMessages(ctx) },
		update: func(id string, m *cv.ConversationCannedMessage) (*cv.ConversationCannedMessage, error) {
			return c.UpdateConversationCannedMessage(ctx, atoi(t, id), m)
		},
		del: func(id string) error { return c.DeleteConversationCannedMessage(ctx, atoi(t, id)) },
	}.run(t)
	if found := must(c.SearchConversationCannedMessages(ctx, &cv.ConversationCannedMessagesSearch{ShortCode: cv.Ptr("H")})); len(found) != 4 || found[1].GetShortCode() != "hours" || found[2].GetShortCode() != "shipping" {
		t.Errorf("search canned: %+v", found)
	}
	crudCase[cv.ConversationDepartment]{
		value: cv.ConversationDepartment{DepartmentName: cv.Ptr("Billing"), Members: []cv.ConversationDepartmentMember{{UserID: cv.Ptr(cv.UserID(1002)), Member: cv.Ptr(true)}},
			Settings: json.RawMessage(`{"route":"round_robin"}`)},
		change: func(d *cv.ConversationDepartment) { d.Members = nil },
		id:     func(d *cv.ConversationDepartment) string { return oid(d.ConversationDepartmentOid) },
		insert: func(d *cv.ConversationDepartment) (*cv.ConversationDepartment, error) {
			return c.InsertConversationDepartment(ctx, d)
		},
		list: func() ([]cv.ConversationDepartment, error) { return c.GetConversationDepartments(ctx) },
		update: func(id string, d *cv.ConversationDepartment) (*cv.ConversationDepartment, error) {
			return c.UpdateConversationDepartment(ctx, atoi(t, id), d)
		},
		del: func(id string) error { return c.DeleteDepartment(ctx, atoi(t, id)) },
	}.run(t)
	crudCase[cv.ConversationEngagement]{
		value:  cv.ConversationEngagement{EngagementName: cv.Ptr("Exit intent"), VisitorType: cv.Ptr(cv.ConversationEngagementVisitorTypeFirstTime), TimeOnPage: cv.Ptr(int32(5))},
		change: func(e *cv.ConversationEngagement) { e.Active = cv.Ptr(false) },
		id:     func(e *cv.ConversationEngagement) string { return oid(e.ConversationEngagementOid) },
		insert: func(e *cv.ConversationEngagement) (*cv.ConversationEngagement, error) {
			return c.InsertConversationEngagement(ctx, e)
		},
		get: func(id string) (*cv.ConversationEngagement, error) {
			return c.GetConversationEngagement(ctx, atoi(t, id))
		},
		list: func() ([]cv.ConversationEngagement, error) { return c.GetConversationEngagements(ctx) },
		update: func(id string, e *cv.ConversationEngagement) (*cv.ConversationEngagement, error) {
			return c.UpdateConversationEngagement(ctx, atoi(t, id), e)
		},
		del: func(id string) error { return c.DeleteEngagement(ctx, atoi(t, id)) },
	}.run(t)
}

// ignore drops the payload a delete returns.
func ignore[T any](_ T, err error) error { return err }

func pbxOps(ctx context.Context, t *testing.T, srv *conversationtest.Server, c *cv.Client) {
	crudCase[cv.ConversationPbxAddress]{
		value:  cv.ConversationPbxAddress{FriendlyName: cv.Ptr("Warehouse"), Street: cv.Ptr("1 Dock Rd"), City: cv.Ptr("Columbus"), Region: cv.Ptr("OH"), PostalCode: cv.Ptr("43004"), CountryCode: cv.Ptr("US")},
		change: func(a *cv.ConversationPbxAddress) { a.Street = cv.Ptr("2 Dock Rd") },
		id:     func(a *cv.ConversationPbxAddress) string { return a.GetConversationPbxAddressUUID() },
		insert: func(a *cv.ConversationPbxAddress) (*cv.ConversationPbxAddress, error) {
			return c.InsertPbxAddress(ctx, a)
		},
		get:  func(id string) (*cv.ConversationPbxAddress, error) { return c.GetPbxAddress(ctx, id) },
		list: func() ([]cv.ConversationPbxAddress, error) { return c.GetPbxAddresses(ctx) },
		update: func(id string, a *cv.ConversationPbxAddress) (*cv.ConversationPbxAddress, error) {
			return c.UpdatePbxAddress(ctx, id, a)
		},
		del: func(id string) error { return ignore(c.DeletePbxAddress(ctx, id)) },
	}.run(t)

	upload := must(c.GetConversationPbxAudioUploadURL(ctx, "mp3"))
	if st, _ := put(t, upload.GetURL(), []byte("ID3 fake audio"), nil); st != 200 {
		t.Fatalf("upload: %d", st)
	}
	audio := crudCase[cv.ConversationPbxAudio]{
		value:  cv.ConversationPbxAudio{Description: cv.Ptr("After hours"), Filename: cv.Ptr("after-hours.mp3"), AudioS3ListingKey: upload.Key},
		change: func(a *cv.ConversationPbxAudio) { a.DefaultHoldMusic = cv.Ptr(true) },
		id:     func(a *cv.ConversationPbxAudio) string { return a.GetConversationPbxAudioUUID() },
		insert: func(a *cv.ConversationPbxAudio) (*cv.ConversationPbxAudio, error) { return c.InsertPbxAudio(ctx, a) },
		get:    func(id string) (*cv.ConversationPbxAudio, error) { return c.GetPbxAudio(ctx, id) },
		list:   func() ([]cv.ConversationPbxAudio, error) { return c.GetPbxAudios(ctx) },
		update: func(id string, a *cv.ConversationPbxAudio) (*cv.ConversationPbxAudio, error) {
			return c.UpdatePbxAudio(ctx, id, a)
		},
		del: func(id string) error { return ignore(c.DeletePbxAudio(ctx, id)) },
	}
	audio.run(t)
	crudCase[cv.ConversationPbxAudio]{
		value:  cv.ConversationPbxAudio{Description: cv.Ptr("My greeting"), Filename: cv.Ptr("me.wav")},
		change: func(a *cv.ConversationPbxAudio) { a.Description = cv.Ptr("My new greeting") },
		id:     audio.id,
		insert: func(a *cv.ConversationPbxAudio) (*cv.ConversationPbxAudio, error) {
			return c.InsertUserPbxAudio(ctx, a)
		},
		get:  func(id string) (*cv.ConversationPbxAudio, error) { return c.GetUserPbxAudio(ctx, id) },
		list: func() ([]cv.ConversationPbxAudio, error) { return c.GetUserPbxAudios(ctx) },
		update: func(id string, a *cv.ConversationPbxAudio) (*cv.ConversationPbxAudio, error) {
			return c.UpdateUserPbxAudio(ctx, id, a)
		},
		del: func(id string) error { return ignore(c.DeleteUserPbxAudio(ctx, id)) },
	}.run(t)
	crudCase[cv.ConversationPbxClassOfService]{
		value:  cv.ConversationPbxClassOfService{Name: cv.Ptr("Sales"), OutboundEnabled: cv.Ptr(true), AllowedCountries: []string{"1"}},
		change: func(x *cv.ConversationPbxClassOfService) { x.AllowedCountries = []string{"1", "44"} },
		id:     func(x *cv.ConversationPbxClassOfService) string { return x.GetConversationPbxClassOfServiceUUID() },
		insert: func(x *cv.ConversationPbxClassOfService) (*cv.ConversationPbxClassOfService, error) {
			return c.InsertPbxClassOfService(ctx, x)
		},
		get:  func(id string) (*cv.ConversationPbxClassOfService, error) { return c.GetPbxClassOfService(ctx, id) },
		list: func() ([]cv.ConversationPbxClassOfService, error) { return c.GetPbxClassesOfService(ctx) },
		update: func(id string, x *cv.ConversationPbxClassOfService) (*cv.ConversationPbxClassOfService, error) {
			return c.UpdatePbxClassOfService(ctx, id, x)
		},
		del: func(id string) error { return c.DeletePbxClassOfService(ctx, id) },
	}.run(t)
	crudCase[cv.ConversationPbxHardwarePhone]{
		value:  cv.ConversationPbxHardwarePhone{Name: cv.Ptr("Warehouse phone"), Manufacturer: cv.Ptr("Poly"), Model: cv.Ptr("VVX 250"), MacAddress: cv.Ptr("00:04:F2:00:00:02")},
		change: func(x *cv.ConversationPbxHardwarePhone) { x.Description = cv.Ptr("by the dock door") },
		id:     func(x *cv.ConversationPbxHardwarePhone) string { return x.GetConversationPbxHardwarePhoneUUID() },
		insert: func(x *cv.ConversationPbxHardwarePhone) (*cv.ConversationPbxHardwarePhone, error) {
			return c.InsertPbxHardwarePhone(ctx, x)
		},
		get:  func(id string) (*cv.ConversationPbxHardwarePhone, error) { return c.GetPbxHardwarePhone(ctx, id) },
		list: func() ([]cv.ConversationPbxHardwarePhone, error) { return c.GetPbxHardwarePhones(ctx) },
		update: func(id string, x *cv.ConversationPbxHardwarePhone) (*cv.ConversationPbxHardwarePhone, error) {
			return c.UpdatePbxHardwarePhone(ctx, id, x)
		},
		del: func(id string) error { return ignore(c.DeletePbxHardwarePhone(ctx, id)) },
	}.run(t)
	// The demo data's support queue and mailbox: actions must name objects
	// that exist.
	action := cv.ConversationPbxAction("queue")
	queue := must(c.GetPbxQueues(ctx))[0].ConversationPbxQueueUUID
	mailbox := must(c.GetPbxVoicemailMailboxes(ctx))[0].ConversationPbxVoicemailMailboxUUID
	crudCase[cv.ConversationPbxMenu]{
		value: cv.ConversationPbxMenu{Name: cv.Ptr("Spanish menu"), Timeout: cv.Ptr(int32(8)),
			Mappings: []cv.ConversationPbxMenuMapping{{Digits: cv.Ptr(int32(1)), Action: &action, ActionTarget: queue}}},
		change: func(x *cv.ConversationPbxMenu) { x.Timeout = cv.Ptr(int32(12)) },
		id:     func(x *cv.ConversationPbxMenu) string { return x.GetConversationPbxMenuUUID() },
		insert: func(x *cv.ConversationPbxMenu) (*cv.ConversationPbxMenu, error) { return c.InsertPbxMenu(ctx, x) },
		get:    func(id string) (*cv.ConversationPbxMenu, error) { return c.GetPbxMenu(ctx, id) },
		list:   func() ([]cv.ConversationPbxMenu, error) { return c.GetPbxMenus(ctx) },
		update: func(id string, x *cv.ConversationPbxMenu) (*cv.ConversationPbxMenu, error) {
			return c.UpdatePbxMenu(ctx, id, x)
		},
		del: func(id string) error { return ignore(c.DeletePbxMenu(ctx, id)) },
	}.run(t)
	crudCase[cv.ConversationPbxQueue]{
		value: cv.ConversationPbxQueue{Name: cv.Ptr("Sales line"), Members: &cv.ConversationPbxQueueMembers{Users: []cv.UserID{1002}}, Voicemail: cv.Ptr(false)},
		change: func(x *cv.ConversationPbxQueue) {
			x.Members = &cv.ConversationPbxQueueMembers{Users: []cv.UserID{1001, 1002}}
		},
		id:     func(x *cv.ConversationPbxQueue) string { return x.GetConversationPbxQueueUUID() },
		insert: func(x *cv.ConversationPbxQueue) (*cv.ConversationPbxQueue, error) { return c.InsertPbxQueue(ctx, x) },
		get:    func(id string) (*cv.ConversationPbxQueue, error) { return c.GetPbxQueue(ctx, id) },
		list:   func() ([]cv.ConversationPbxQueue, error) { return c.GetPbxQueues(ctx) },
		update: func(id string, x *cv.ConversationPbxQueue) (*cv.ConversationPbxQueue, error) {
			return c.UpdatePbxQueue(ctx, id, x)
		},
		del: func(id string) error { return ignore(c.DeletePbxQueue(ctx, id)) },
	}.run(t)
	crudCase[cv.ConversationPbxTimeBased]{
		value: cv.ConversationPbxTimeBased{TimeBasedName: cv.Ptr("Weekend"), MappingConfig: &cv.ConversationPbxTimeBasedMappingConfig{
			DefaultMapping: &cv.ConversationPbxTimeBasedMapping{Name: cv.Ptr("Closed"), Action: &action, ActionTarget: queue}}},
		change: func(x *cv.ConversationPbxTimeBased) { x.TimeBasedName = cv.Ptr("Weekends") },
		id:     func(x *cv.ConversationPbxTimeBased) string { return x.GetConversationPbxTimeBasedUUID() },
		insert: func(x *cv.ConversationPbxTimeBased) (*cv.ConversationPbxTimeBased, error) {
			return c.InsertPbxTimeBased(ctx, x)
		},
		get:  func(id string) (*cv.ConversationPbxTimeBased, error) { return c.GetPbxTimeBased(ctx, id) },
		list: func() ([]cv.ConversationPbxTimeBased, error) { return c.GetPbxTimeBaseds(ctx) },
		update: func(id string, x *cv.ConversationPbxTimeBased) (*cv.ConversationPbxTimeBased, error) {
			return c.UpdatePbxTimeBased(ctx, id, x)
		},
		del: func(id string) error { return ignore(c.DeletePbxTimeBased(ctx, id)) },
	}.run(t)
	crudCase[cv.ConversationPbxTimeRange]{
		value: cv.ConversationPbxTimeRange{TimeRangeName: cv.Ptr("Holidays"), Timezone: cv.Ptr("America/New_York"),
			Configs: []cv.ConversationPbxTimeRangeConfig{{StartDate: uctime.Ptr(time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC)), EndDate: uctime.Ptr(time.Date(2026, 12, 26, 0, 0, 0, 0, time.UTC))}}},
		change: func(x *cv.ConversationPbxTimeRange) { x.Timezone = cv.Ptr("America/Chicago") },
		id:     func(x *cv.ConversationPbxTimeRange) string { return x.GetConversationPbxTimeRangeUUID() },
		insert: func(x *cv.ConversationPbxTimeRange) (*cv.ConversationPbxTimeRange, error) {
			return c.InsertPbxTimeRange(ctx, x)
		},
		get:  func(id string) (*cv.ConversationPbxTimeRange, error) { return c.GetPbxTimeRange(ctx, id) },
		list: func() ([]cv.ConversationPbxTimeRange, error) { return c.GetPbxTimeRanges(ctx) },
		update: func(id string, x *cv.ConversationPbxTimeRange) (*cv.ConversationPbxTimeRange, error) {
			return c.UpdatePbxTimeRange(ctx, id, x)
		},
		del: func(id string) error { return ignore(c.DeletePbxTimeRange(ctx, id)) },
	}.run(t)
	crudCase[cv.ConversationPbxVoicemailMailbox]{
		value:  cv.ConversationPbxVoicemailMailbox{VoicemailMailboxID: cv.Ptr("sales"), VoicemailMailboxType: cv.Ptr(cv.ConversationPbxVoicemailMailboxVoicemailMailboxTypeShared)},
		change: func(x *cv.ConversationPbxVoicemailMailbox) { x.SendNoticesToEmail = cv.Ptr("sales@example.com") },
		id:     func(x *cv.ConversationPbxVoicemailMailbox) string { return x.GetConversationPbxVoicemailMailboxUUID() },
		insert: func(x *cv.ConversationPbxVoicemailMailbox) (*cv.ConversationPbxVoicemailMailbox, error) {
			return c.InsertPbxVoicemailMailbox(ctx, x)
		},
		get:  func(id string) (*cv.ConversationPbxVoicemailMailbox, error) { return c.GetPbxVoicemailMailbox(ctx, id) },
		list: func() ([]cv.ConversationPbxVoicemailMailbox, error) { return c.GetPbxVoicemailMailboxes(ctx) },
		update: func(id string, x *cv.ConversationPbxVoicemailMailbox) (*cv.ConversationPbxVoicemailMailbox, error) {
			return c.UpdatePbxVoicemailMailbox(ctx, id, x)
		},
		del: func(id string) error { return ignore(c.DeletePbxVoicemailMailbox(ctx, id)) },
	}.run(t)

	// Phone numbers: search, purchase, protect; a protected one stays.
	avail := must(c.SearchPbxAvailablePhoneNumbers(ctx, "US", &cv.SearchPbxAvailablePhoneNumbersOptions{AreaCode: "614", SmsEnabled: cv.Ptr(true), Limit: 3}))
	if len(avail) != 3 || avail[0].GetPhoneNumber() == "+16145550100" || !avail[0].GetSms() {
		t.Fatalf("available numbers: %+v", avail)
	}
	crudCase[cv.ConversationPbxPhoneNumber]{
		change: func(x *cv.ConversationPbxPhoneNumber) {
			x.Action, x.ActionTarget = cv.Ptr(cv.ConversationPbxAction("voicemail")), mailbox
		},
		id: func(x *cv.ConversationPbxPhoneNumber) string { return x.GetConversationPbxPhoneNumberUUID() },
		insert: func(*cv.ConversationPbxPhoneNumber) (*cv.ConversationPbxPhoneNumber, error) {
			return c.PurchasePbxPhoneNumber(ctx, &cv.ConversationPbxPhoneNumberPurchaseRequest{PhoneNumber: avail[0].PhoneNumber, Action: &action, ActionTarget: queue})
		},
		get:  func(id string) (*cv.ConversationPbxPhoneNumber, error) { return c.GetPbxPhoneNumber(ctx, id) },
		list: func() ([]cv.ConversationPbxPhoneNumber, error) { return c.GetPbxPhoneNumbers(ctx) },
		update: func(id string, x *cv.ConversationPbxPhoneNumber) (*cv.ConversationPbxPhoneNumber, error) {
			return c.UpdatePbxPhoneNumber(ctx, id, x)
		},
		del: func(id string) error { return c.DeletePbxPhoneNumber(ctx, id) },
	}.run(t)
	numbers := must(c.GetPbxPhoneNumbers(ctx))
	protected := must(c.ProtectPbxPhoneNumber(ctx, numbers[0].GetConversationPbxPhoneNumberUUID()))
	var apiErr *cv.APIError
	if err := c.DeletePbxPhoneNumber(ctx, protected.GetConversationPbxPhoneNumberUUID()); !protected.GetDeletionProtected() || !errors.As(err, &apiErr) || apiErr.StatusCode != 400 {
		t.Errorf("deleting a protected number: %v", err)
	}
	if _, err := c.PurchasePbxPhoneNumber(ctx, &cv.ConversationPbxPhoneNumberPurchaseRequest{PhoneNumber: protected.PhoneNumber}); !errors.As(err, &apiErr) {
		t.Errorf("buying an owned number: %v", err)
	}

	// Agents and hardware phones.
	agents := must(c.GetPbxAgents(ctx))
	riley := must(c.GetPbxAgent(ctx, agents[1].GetConversationPbxAgentUUID()))
	riley.Extension, riley.Login = cv.Ptr(int32(202)), nil
	if up := must(c.UpdatePbxAgent(ctx, riley.GetConversationPbxAgentUUID(), riley)); up.GetExtension() != 202 || up.GetLogin() != agents[1].GetLogin() {
		t.Errorf("update agent: %+v (login kept?)", up)
	}
	phones := must(c.GetPbxHardwarePhones(ctx))
	before := phones[0].GetSIPPassword()
	if ph := must(c.RegeneratePasswordForPbxHardwarePhone(ctx, phones[0].GetConversationPbxHardwarePhoneUUID(), &phones[0])); ph.GetSIPPassword() == before || ph.GetSIPPassword() == "" {
		t.Errorf("password not regenerated: %q", ph.GetSIPPassword())
	}
	if m := must(c.GetPbxHardwarePhoneManufacturers(ctx)); len(m) == 0 || len(m[0].Models) == 0 {
		t.Errorf("manufacturers: %+v", m)
	}

	// Audio usage, queue statistics, voicemails and calls over demo data.
	audios := must(c.GetPbxAudios(ctx))
	hold := audios[slices.IndexFunc(audios, func(a cv.ConversationPbxAudio) bool { return a.GetDescription() == "Hold music" })]
	if usage := must(c.GetPbxAudioUsage(ctx, hold.GetConversationPbxAudioUUID())); len(usage.Queues) != 1 || len(usage.Menus) != 0 {
		t.Errorf("audio usage: %+v", usage)
	}
	queues := must(c.GetPbxQueues(ctx))
	q := queues[0].GetConversationPbxQueueUUID()
	if err := c.ResetConversationPbxQueueStatistics(ctx, q); err != nil {
		t.Error(err)
	}
	qvm := must(c.GetPbxQueueVoicemails(ctx, q))
	if len(qvm) != 1 {
		t.Fatalf("queue voicemails: %+v", qvm)
	}
	sid := qvm[0].GetRecordingSid()
	if err := c.ListenedPbxQueueVoicemail(ctx, q, sid); err != nil {
		t.Fatal(err)
	}
	if vm := must(c.GetPbxQueueVoicemail(ctx, q, sid)); !vm.GetListened() || vm.GetTranscriptText() == "" {
		t.Errorf("queue voicemail: %+v", vm)
	}
	if err := c.DeletePbxQueueVoicemail(ctx, q, sid); err != nil || len(must(c.GetPbxQueueVoicemails(ctx, q))) != 0 {
		t.Errorf("delete queue voicemail: %v", err)
	}
	mine := must(srv.AddVoicemail("", cv.ConversationPbxVoicemailMessage{From: cv.Ptr("+15555550199"), Duration: cv.Ptr(int32(9))}))
	avm := must(c.GetPbxAgentVoicemails(ctx))
	if len(avm) != 2 || avm[0].GetRecordingSid() != mine.GetRecordingSid() {
		t.Fatalf("agent voicemails, newest first: %+v", avm)
	}
	if err := c.ListenedPbxAgentVoicemail(ctx, mine.GetRecordingSid()); err != nil {
		t.Fatal(err)
	}
	if vm := must(c.GetPbxAgentVoicemail(ctx, mine.GetRecordingSid())); !vm.GetListened() {
		t.Errorf("agent voicemail: %+v", vm)
	}
	if err := c.DeletePbxAgentVoicemail(ctx, mine.GetRecordingSid()); err != nil {
		t.Fatal(err)
	}
	calls := must(c.SearchPbxCalls(ctx, &cv.ConversationPbxCallSearchRequest{HasRecording: cv.Ptr(true)}, &cv.SearchPbxCallsOptions{Limit: 1, Sort: "customer_name"}))
	if len(calls.Items) != 1 || calls.Items[0].GetCustomerName() != "Lee Park" || !calls.More() || deref(calls.ResultSet.TotalRecords) != 2 {
		t.Errorf("call search: %+v", calls)
	}
	if call := must(c.GetPbxCall(ctx, calls.Items[0].GetCallUUID())); call.GetCustomerName() != "Lee Park" {
		t.Errorf("call: %+v", call)
	}
	if logs := must(c.GetPbxCosAuditLogs(ctx, &cv.GetPbxCosAuditLogsOptions{Action: "blocked"})); len(logs) != 1 {
		t.Errorf("audit logs: %+v", logs)
	}
	snap := must(c.GetConversationPbxCustomerSnapshot(ctx, &cv.ConversationPbxCustomerSnapshotRequest{PhoneNumber: cv.Ptr("555-555-0123")}))
	if len(snap.Customers) != 1 || snap.Customers[0].GetEmail() != "sam.smith@example.com" {
		t.Errorf("customer snapshot: %+v", snap)
	}
}

// statusOps: custom statuses (a delete deactivates), the status reports
// over the events a status change records, the PBX default time zone and
// voicemail capabilities.
func statusOps(ctx context.Context, t *testing.T, srv *conversationtest.Server, c *cv.Client) {
	chat := cv.ConversationAgentStatusConfigChannel("chat")
	lunch := must(c.InsertAgentStatusConfig(ctx, &cv.ConversationAgentStatusConfig{Name: cv.Ptr("Lunch"), Channel: &chat, ParentStatus: cv.Ptr("unavailable"), Color: cv.Ptr("#F4B400"), SortOrder: cv.Ptr(int32(5))}))
	if lunch.GetRoutingEffect() != "unavailable" || !lunch.GetActive() || lunch.TwilioActivitySid != nil || lunch.CreatedAt == nil {
		t.Errorf("insert custom status: %+v", lunch)
	}
	id := lunch.GetConversationStatusUUID()
	lunch.Name, lunch.ParentStatus = cv.Ptr("Long lunch"), cv.Ptr("busy")
	if up := must(c.UpdateAgentStatusConfig(ctx, id, lunch)); up.GetName() != "Long lunch" || up.GetRoutingEffect() != "busy" {
		t.Errorf("update custom status: %+v", up)
	}
	// The queue status update picks it and records the change.
	queue := must(c.GetConversationWebchatQueueStatuses(ctx))[0].GetQueueName()
	busy := cv.ConversationAgentStatusBusy
	if err := c.UpdateConversationWebchatQueueStatus(ctx, queue, &cv.ConversationWebchatQueueStatusUpdateRequest{AgentStatus: &busy, CustomStatusUUID: &id}); err != nil {
		t.Fatal(err)
	}
	me := srv.AgentUserID().String()
	agent := must(c.GetConversationWebchatQueueStatuses(ctx))[0].Agents
	if i := slices.IndexFunc(agent, func(a cv.ConversationWebchatQueueStatusAgent) bool { return a.GetAgentUserID() == me }); i < 0 || agent[i].GetCustomStatusName() != "Long lunch" {
		t.Errorf("queue agent: %+v", agent)
	}
	history := must(c.SearchAgentStatusHistory(ctx, &cv.ConversationAgentStatusHistorySearchRequest{AgentUserID: &me}, &cv.SearchAgentStatusHistoryOptions{Limit: 1}))
	if deref(history.Total) == 0 || len(history.Events) != 1 || history.Events[0].GetCustomStatusUUID() != id || history.Events[0].GetNewRoutingEffect() != "busy" {
		t.Errorf("history: %+v", history)
	}
	if err := c.DeleteAgentStatusConfig(ctx, id); err != nil {
		t.Fatal(err)
	}
	all := must(c.GetAgentStatusConfigs(ctx))
	if i := slices.IndexFunc(all, func(s cv.ConversationAgentStatusConfig) bool { return s.GetConversationStatusUUID() == id }); i < 0 || all[i].GetActive() {
		t.Errorf("a deleted status stays listed, inactive: %+v", all)
	}

	// The reports over the demo data's day of events, 2026-04-20.
	day, day20 := "2026-04-20", time.Date(2026, 4, 20, 0, 0, 0, 0, time.UTC)
	rollups := must(c.SearchAgentStatusRollups(ctx, &cv.ConversationAgentStatusRollupSearchRequest{DateStart: &day, DateEnd: &day}))
	if len(rollups) == 0 || rollups[0].GetRollupDate() != day || rollups[0].GetTotalTrackedSeconds() == 0 {
		t.Errorf("rollups: %+v", rollups)
	}
	if sum := must(c.GetAgentStatusSummary(ctx, day20, day20)); sum.GetTotalAgents() == 0 || len(sum.Agents) == 0 {
		t.Errorf("summary: %+v", sum)
	}
	metric := cv.ConversationAgentStatusHeatmapRequestMetric("availability")
	if hm := must(c.GetAgentStatusHeatmap(ctx, &cv.ConversationAgentStatusHeatmapRequest{DateStart: &day, DateEnd: &day, Metric: &metric})); len(hm.Hours) != 24 || len(hm.Agents) == 0 {
		t.Errorf("heatmap: %+v", hm)
	}
	if tl := must(c.GetAgentStatusTimeline(ctx, 1002, day20, nil)); len(tl.StatusEvents) == 0 || len(tl.CallEvents) != 1 || tl.Summary.GetCallsTaken() != 1 {
		t.Errorf("timeline: %+v", tl)
	}

	// The PBX default time zone, and voicemail capabilities.
	if tz := must(c.GetPbxDefaultTimezone(ctx)); tz != "America/New_York" {
		t.Errorf("default time zone %q", tz)
	}
	if tz := must(c.UpdatePbxDefaultTimezone(ctx, &cv.ConversationPbxDefaultTimezoneUpdateRequest{DefaultTimezone: cv.Ptr("America/Chicago")})); tz != "America/Chicago" || must(c.GetPbxDefaultTimezone(ctx)) != "America/Chicago" {
		t.Errorf("default time zone after update: %q", tz)
	}
	if caps := must(c.GetPbxVoicemailCapabilities(ctx)); caps.ZohoDeskAvailable == nil {
		t.Errorf("voicemail capabilities: %+v", caps)
	}
}
