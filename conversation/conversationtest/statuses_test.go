package conversationtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cv "github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
	"github.com/ultracart-community/ultracart-go/gen"
	"github.com/ultracart-community/ultracart-go/uctime"
)

// eastern is the PBX default time zone until one is set.
var eastern = func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err)
	}
	return loc
}()

// at is a time on 2026-04-20 or 21 in the default zone (EDT).
func at(day, hour, minute int) *uctime.Time {
	return uctime.Ptr(time.Date(2026, 4, day, hour, minute, 0, 0, eastern))
}

// statusDay seeds a day of status changes: the calling agent (1001) on
// chat 09:00 available, 10:00 busy, 10:30 unavailable, 11:00 offline;
// Riley (1002) on the PBX available from 23:30 to 00:30 the next day.
// The clock stands at noon on the 21st.
func statusDay(t *testing.T) *conversationtest.Server {
	t.Helper()
	srv := conversationtest.NewServer(t, conversationtest.WithClock(func() time.Time { return time.Date(2026, 4, 21, 12, 0, 0, 0, eastern) }))
	must(conversationtest.Add(srv, gen.ConversationAgentProfile{UserID: cv.Ptr(cv.UserID(1002)), Name: cv.Ptr("Riley Agent"), DisplayName: cv.Ptr("Riley")}))
	for _, e := range []struct {
		user, channel, status string
		when                  *uctime.Time
	}{
		{"1001", "chat", "available", at(20, 9, 0)},
		{"1001", "chat", "busy", at(20, 10, 0)},
		{"1001", "chat", "unavailable", at(20, 10, 30)},
		{"1001", "chat", "offline", at(20, 11, 0)},
		{"1002", "pbx", "available", at(20, 23, 30)},
		{"1002", "pbx", "offline", at(21, 0, 30)},
	} {
		ch := gen.ConversationAgentChannel(e.channel)
		if _, err := srv.AddAgentStatusEvent(gen.ConversationAgentStatusEvent{AgentUserID: &e.user, Channel: &ch, NewStatus: &e.status, EventDts: e.when}); err != nil {
			t.Fatal(err)
		}
	}
	return srv
}

// TestStatusEvents: what AddAgentStatusEvent fills in, and the history
// search's filters, order and pages.
func TestStatusEvents(t *testing.T) {
	srv := statusDay(t)
	c, ctx := srv.Client, context.Background()
	me := "1001"
	day := "2026-04-20"
	h := must(c.SearchAgentStatusHistory(ctx, &cv.ConversationAgentStatusHistorySearchRequest{AgentUserID: &me, DateStart: &day, DateEnd: &day}, nil))
	if deref(h.Total) != 4 || len(h.Events) != 4 {
		t.Fatalf("history: %+v", h)
	}
	// Newest first; each event knows the one before it.
	busy := h.Events[2]
	if busy.GetNewStatus() != "busy" || busy.GetPreviousStatus() != "available" || busy.GetDurationInPreviousSeconds() != 3600 ||
		busy.GetNewRoutingEffect() != "busy" || busy.GetPreviousRoutingEffect() != "available" || busy.GetTrigger() != "manual" ||
		busy.GetAgentName() != "Fake Agent" || busy.GetAgentType() != "human" || busy.GetAgentIdentifier() != conversationtest.DefaultAgentARN ||
		busy.GetMerchantID() != "DEMO" || busy.GetParentMerchantID() != "DEMO" || busy.GetEventUUID() == "" {
		t.Errorf("the busy event: %+v", busy)
	}
	if h.Events[0].GetNewStatus() != "offline" || h.Events[0].GetNewRoutingEffect() != "unavailable" {
		t.Errorf("newest first: %+v", h.Events[0])
	}
	for _, tc := range []struct {
		name  string
		req   cv.ConversationAgentStatusHistorySearchRequest
		total int
	}{
		{"channel pbx", cv.ConversationAgentStatusHistorySearchRequest{Channel: cv.Ptr(cv.ConversationAgentChannel("pbx")), DateStart: &day}, 2},
		{"status, any case", cv.ConversationAgentStatusHistorySearchRequest{Status: cv.Ptr("BUSY"), DateStart: &day}, 1},
		{"trigger", cv.ConversationAgentStatusHistorySearchRequest{Trigger: cv.Ptr(cv.ConversationAgentStatusTrigger("system")), DateStart: &day}, 0},
		{"date-times", cv.ConversationAgentStatusHistorySearchRequest{DateStart: cv.Ptr("2026-04-20T14:00:00Z"), DateEnd: cv.Ptr("2026-04-20T14:30:00Z")}, 2}, // 10:00 and 10:30 EDT, both ends included
		{"the 21st", cv.ConversationAgentStatusHistorySearchRequest{DateStart: cv.Ptr("2026-04-21"), DateEnd: cv.Ptr("2026-04-21")}, 1},
	} {
		if got := must(c.SearchAgentStatusHistory(ctx, &tc.req, nil)); deref(got.Total) != int32(tc.total) || len(got.Events) != tc.total {
			t.Errorf("%s: %d events, want %d", tc.name, deref(got.Total), tc.total)
		}
	}
	page := must(c.SearchAgentStatusHistory(ctx, &cv.ConversationAgentStatusHistorySearchRequest{AgentUserID: &me}, &cv.SearchAgentStatusHistoryOptions{Limit: 2, Offset: 1}))
	if len(page.Events) != 2 || page.Events[0].GetNewStatus() != "unavailable" || page.Metadata == nil || !page.Metadata.ResultSet.GetMore() || page.Metadata.ResultSet.GetNextOffset() != 3 {
		t.Errorf("page: %+v", page)
	}
	// The client's iterator walks the pages.
	var walked []string
	for e, err := range c.SearchAgentStatusHistoryIter(ctx, &cv.ConversationAgentStatusHistorySearchRequest{AgentUserID: &me}, &cv.SearchAgentStatusHistoryOptions{Limit: 3}) {
		if err != nil {
			t.Fatal(err)
		}
		walked = append(walked, e.GetNewStatus())
	}
	if got := strings.Join(walked, " "); got != "offline unavailable busy available" {
		t.Errorf("the walk: %s", got)
	}
	// What the reports cannot read is refused.
	for _, req := range []cv.ConversationAgentStatusHistorySearchRequest{
		{DateStart: cv.Ptr("20/04/2026")},
		{DateStart: cv.Ptr("2026-04-21"), DateEnd: cv.Ptr("2026-04-20")},
	} {
		if _, err := c.SearchAgentStatusHistory(ctx, &req, nil); !errors.Is(err, cv.ErrBadRequest) {
			t.Errorf("%+v: %v", req, err)
		}
	}
	// An event names its agent and channel; a custom status must exist.
	for _, e := range []gen.ConversationAgentStatusEvent{
		{Channel: cv.Ptr(gen.ConversationAgentChannel("chat")), NewStatus: cv.Ptr("busy")},
		{AgentUserID: &me, NewStatus: cv.Ptr("busy")},
		{AgentUserID: &me, Channel: cv.Ptr(gen.ConversationAgentChannel("chat")), NewStatus: cv.Ptr("busy"), CustomStatusUUID: cv.Ptr(missingUUID)},
	} {
		if _, err := srv.AddAgentStatusEvent(e); err == nil {
			t.Errorf("%+v: no error", e)
		}
	}
}

// TestStatusReports: rollups, summary, heatmap and timeline over
// statusDay, to the second, in the PBX default time zone.
func TestStatusReports(t *testing.T) {
	srv := statusDay(t)
	c, ctx := srv.Client, context.Background()
	d20, d21 := "2026-04-20", "2026-04-21"
	day20, day21 := time.Date(2026, 4, 20, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 21, 0, 0, 0, 0, time.UTC)

	type row struct {
		user, channel, date             string
		available, unavailable, tracked int64
		breakdown                       string
	}
	rows := func(req cv.ConversationAgentStatusRollupSearchRequest) []row {
		var out []row
		for _, r := range must(c.SearchAgentStatusRollups(ctx, &req)) {
			out = append(out, row{r.GetAgentUserID(), string(r.GetChannel()), r.GetRollupDate(), r.GetAvailableSeconds(), r.GetUnavailableSeconds(), r.GetTotalTrackedSeconds(), string(r.StatusBreakdown)})
		}
		return out
	}
	want := []row{
		{"1001", "chat", d20, 5400, 1800, 7200, `{"available":3600,"busy":1800,"unavailable":1800}`},
		{"1002", "pbx", d20, 1800, 0, 1800, `{"available":1800}`},
		{"1002", "pbx", d21, 1800, 0, 1800, `{"available":1800}`},
	}
	if got := rows(cv.ConversationAgentStatusRollupSearchRequest{DateStart: &d20, DateEnd: &d21}); !slices.Equal(got, want) {
		t.Errorf("rollups\n got %+v\nwant %+v", got, want)
	}
	if got := rows(cv.ConversationAgentStatusRollupSearchRequest{DateStart: &d20, DateEnd: &d21, AgentUserID: cv.Ptr("1002"), Channel: cv.Ptr(cv.ConversationAgentChannel("pbx"))}); !slices.Equal(got, want[1:]) {
		t.Errorf("rollups of 1002 on the PBX: %+v", got)
	}
	// Days are the default time zone's: in UTC, Riley's hour is the 21st's.
	must(c.UpdatePbxDefaultTimezone(ctx, &cv.ConversationPbxDefaultTimezoneUpdateRequest{DefaultTimezone: cv.Ptr("UTC")}))
	if got := rows(cv.ConversationAgentStatusRollupSearchRequest{DateStart: &d20, DateEnd: &d21, AgentUserID: cv.Ptr("1002")}); len(got) != 1 || got[0].date != d21 || got[0].tracked != 3600 {
		t.Errorf("rollups in UTC: %+v", got)
	}
	must(c.UpdatePbxDefaultTimezone(ctx, &cv.ConversationPbxDefaultTimezoneUpdateRequest{DefaultTimezone: cv.Ptr("America/New_York")}))

	sum := must(c.GetAgentStatusSummary(ctx, day20, day20))
	if sum.GetTotalAgents() != 2 || len(sum.Agents) != 2 || string(sum.StatusBreakdown) != `{"available":5400,"busy":1800,"unavailable":1800}` {
		t.Errorf("summary: %+v", sum)
	}
	if a := sum.Agents[0]; a.GetAgentName() != "Fake Agent" || a.GetAvailableSeconds() != 5400 || a.GetTotalTrackedSeconds() != 7200 {
		t.Errorf("summary of the calling agent: %+v", a)
	}
	if a := sum.Agents[1]; a.GetAgentName() != "Riley" || a.GetAvailableSeconds() != 1800 {
		t.Errorf("summary of Riley: %+v", a)
	}
	// The percentages are numbers, as their descriptions say (the SDKs type
	// them as objects).
	if got := fmt.Sprintf("%s %s %s", sum.Agents[0].AvailabilityPct, sum.Agents[1].AvailabilityPct, sum.AvgAvailablePct); got != "75 100 87.5" {
		t.Errorf("summary percentages: %s", got)
	}

	metric := cv.ConversationAgentStatusHeatmapRequestMetric("availability")
	hm := must(c.GetAgentStatusHeatmap(ctx, &cv.ConversationAgentStatusHeatmapRequest{DateStart: &d20, DateEnd: &d20, Metric: &metric}))
	if !slices.Equal(hm.Agents, []string{"Fake Agent", "Riley"}) || len(hm.Hours) != 24 || hm.Hours[23] != 23 {
		t.Errorf("heatmap axes: %+v %+v", hm.Agents, hm.Hours)
	}
	var cells []string
	for _, d := range hm.Data {
		cells = append(cells, string(d))
	}
	if got := strings.Join(cells, " "); got != "[0,9,100] [0,10,50] [1,23,50]" {
		t.Errorf("heatmap cells: %s", got)
	}
	// Two days: the cells are averages.
	hm2 := must(c.GetAgentStatusHeatmap(ctx, &cv.ConversationAgentStatusHeatmapRequest{DateStart: &d20, DateEnd: &d21, Metric: &metric, Channel: cv.Ptr(cv.ConversationAgentChannel("pbx"))}))
	if !slices.Equal(hm2.Agents, []string{"Riley"}) {
		t.Errorf("two-day PBX heatmap: %+v", hm2.Agents)
	}
	if len(hm2.Data) != 2 || string(hm2.Data[0]) != "[0,0,25]" || string(hm2.Data[1]) != "[0,23,25]" {
		t.Errorf("two-day PBX heatmap cells: %s", hm2.Data)
	}

	tl := must(c.GetAgentStatusTimeline(ctx, 1001, day20, nil))
	if len(tl.StatusEvents) != 4 || tl.StatusEvents[0].GetNewStatus() != "available" || tl.Summary.GetAvailableSeconds() != 5400 {
		t.Errorf("timeline: %+v", tl)
	}
	if tl := must(c.GetAgentStatusTimeline(ctx, 1001, day20, &cv.GetAgentStatusTimelineOptions{Channel: "pbx"})); len(tl.StatusEvents) != 0 || tl.Summary.GetAvailableSeconds() != 0 {
		t.Errorf("timeline on the PBX: %+v", tl)
	}

	// What the reports cannot read is a 400; an unknown agent is one too.
	for name, call := range map[string]func() error{
		"summary order": func() error { _, err := c.GetAgentStatusSummary(ctx, day21, day20); return err },
		"heatmap metric": func() error {
			_, err := c.GetAgentStatusHeatmap(ctx, &cv.ConversationAgentStatusHeatmapRequest{DateStart: &d20, DateEnd: &d20})
			return err
		},
		"heatmap dates": func() error {
			_, err := c.GetAgentStatusHeatmap(ctx, &cv.ConversationAgentStatusHeatmapRequest{Metric: &metric})
			return err
		},
		"timeline channel": func() error {
			_, err := c.GetAgentStatusTimeline(ctx, 1001, day20, &cv.GetAgentStatusTimelineOptions{Channel: "sms"})
			return err
		},
	} {
		if err := call(); !errors.Is(err, cv.ErrBadRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Days the Go client cannot send (it takes a time.Time), as another
	// SDK may.
	for _, path := range []string{
		"/conversation/agent/status/rollup/summary?date_start=April%2020&date_end=2026-04-20",
		"/conversation/agent/status/history/1001/timeline?date=yesterday",
	} {
		if status, body := rawCall(t, srv, "GET", path, ""); status != 400 {
			t.Errorf("GET %s: %d %s, want 400", path, status, body)
		}
	}
	if _, err := c.GetAgentStatusTimeline(ctx, 4242, day20, nil); !errors.Is(err, cv.ErrNotFound) {
		t.Errorf("timeline of no agent: %v", err)
	}
}

// Calls and chats count in the reports: a call Riley answered and a chat
// of the calling agent, on 2026-04-20.
func TestStatusReportActivity(t *testing.T) {
	srv := statusDay(t)
	c, ctx := srv.Client, context.Background()
	d20, day20 := "2026-04-20", time.Date(2026, 4, 20, 0, 0, 0, 0, time.UTC)
	var call cv.ConversationPbxCall
	if err := json.Unmarshal([]byte(`{"call_uuid":"5c0a1b2c-0000-4000-8000-00000000000a","disposition":"answered","created_at_dts":"2026-04-20T11:02:00-04:00",
		"caller":{"phone_number":"+15555550123"},"routing":{"direction":"inbound"},
		"timeline":{"created_dts":"2026-04-20T11:02:00-04:00","end_dts":"2026-04-20T11:09:30-04:00","talk_time_seconds":415,"total_duration_seconds":450},
		"agents":[{"agent_id":"1002","agent_user_id":"1002","answered":true}]}`), &call); err != nil {
		t.Fatal(err)
	}
	must(srv.AddCall(call))
	conv := must(srv.AddConversation(cv.Conversation{StartDts: at(20, 9, 15), Participants: []cv.ConversationParticipant{
		{ConversationParticipantARN: cv.Ptr(conversationtest.DefaultAgentARN)},
		{ConversationParticipantARN: cv.Ptr("arn:fake:customer/jo"), ConversationParticipantName: cv.Ptr("Jo")}}}))
	must(srv.AddMessage(conv.GetConversationUUID(), cv.ConversationMessage{Body: cv.Ptr("hi"), MessageDts: at(20, 9, 25)}))

	tl := must(c.GetAgentStatusTimeline(ctx, 1001, day20, nil))
	if len(tl.ChatEvents) != 1 || tl.ChatEvents[0].GetCustomerName() != "Jo" || tl.ChatEvents[0].GetMessageCount() != 1 ||
		tl.Summary.GetChatsHandled() != 1 || tl.Summary.GetAvgHandleTimeSeconds() != 600 {
		t.Errorf("chat timeline: %+v %+v", tl.ChatEvents, tl.Summary)
	}
	riley := must(c.GetAgentStatusTimeline(ctx, 1002, day20, nil))
	if len(riley.CallEvents) != 1 || riley.CallEvents[0].GetDirection() != "inbound" || riley.CallEvents[0].GetDurationSeconds() != 450 ||
		riley.Summary.GetCallsTaken() != 1 || riley.Summary.GetAvgHandleTimeSeconds() != 415 {
		t.Errorf("call timeline: %+v %+v", riley.CallEvents, riley.Summary)
	}
	rollups := must(c.SearchAgentStatusRollups(ctx, &cv.ConversationAgentStatusRollupSearchRequest{DateStart: &d20, DateEnd: &d20}))
	byKey := map[string]*cv.ConversationAgentStatusRollup{}
	for i, r := range rollups {
		byKey[r.GetAgentUserID()+"/"+string(r.GetChannel())] = &rollups[i]
	}
	if byKey["1001/chat"].GetChatsHandled() != 1 || byKey["1002/pbx"].GetCallsTaken() != 1 {
		t.Errorf("rollups count activity: %+v", rollups)
	}
	// Each metric has the one agent with such activity.
	for metric, want := range map[string]string{"call_volume": "[0,11,1]", "chat_volume": "[0,9,1]"} {
		m := cv.ConversationAgentStatusHeatmapRequestMetric(metric)
		hm := must(c.GetAgentStatusHeatmap(ctx, &cv.ConversationAgentStatusHeatmapRequest{DateStart: &d20, DateEnd: &d20, Metric: &m}))
		if !slices.ContainsFunc(hm.Data, func(d json.RawMessage) bool { return string(d) == want }) {
			t.Errorf("%s: %s, want a cell %s", metric, hm.Data, want)
		}
	}
}

// TestCustomStatuses: what the service derives, the soft delete, the
// documented caps, and picking one in the webchat queue.
func TestCustomStatuses(t *testing.T) {
	srv := conversationtest.NewServer(t, conversationtest.WithDemoData())
	c, ctx := srv.Client, context.Background()
	ch := func(s string) *cv.ConversationAgentStatusConfigChannel {
		v := cv.ConversationAgentStatusConfigChannel(s)
		return &v
	}
	pbx := must(c.InsertAgentStatusConfig(ctx, &cv.ConversationAgentStatusConfig{Name: cv.Ptr("Wrap-up"), Channel: ch("both"), ParentStatus: cv.Ptr("Busy")}))
	if pbx.GetRoutingEffect() != "busy" || !strings.HasPrefix(pbx.GetTwilioActivitySid(), "WA") || !pbx.GetActive() || pbx.CreatedAt == nil || pbx.UpdatedAt == nil {
		t.Errorf("insert: %+v", pbx)
	}
	// An update keeps what the service owns, whatever the body says.
	changed := *pbx
	changed.TwilioActivitySid, changed.CreatedAt, changed.RoutingEffect = cv.Ptr("WAother"), at(1, 0, 0), nil
	changed.ParentStatus = cv.Ptr("offline")
	up := must(c.UpdateAgentStatusConfig(ctx, pbx.GetConversationStatusUUID(), &changed))
	if up.GetTwilioActivitySid() != pbx.GetTwilioActivitySid() || !up.CreatedAt.Equal(pbx.CreatedAt.Time) || up.GetRoutingEffect() != "unavailable" {
		t.Errorf("update: %+v", up)
	}
	for name, s := range map[string]cv.ConversationAgentStatusConfig{
		"no name":          {Channel: ch("chat"), ParentStatus: cv.Ptr("busy")},
		"no channel":       {Name: cv.Ptr("x"), ParentStatus: cv.Ptr("busy")},
		"no parent status": {Name: cv.Ptr("x"), Channel: ch("chat")},
		"parent status":    {Name: cv.Ptr("x"), Channel: ch("chat"), ParentStatus: cv.Ptr("napping")},
	} {
		if _, err := c.InsertAgentStatusConfig(ctx, &s); !errors.Is(err, cv.ErrBadRequest) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := c.DeleteAgentStatusConfig(ctx, missingUUID); !errors.Is(err, cv.ErrNotFound) {
		t.Errorf("delete of no status: %v", err)
	}

	pbxOnly := must(c.InsertAgentStatusConfig(ctx, &cv.ConversationAgentStatusConfig{Name: cv.Ptr("Desk phone only"), Channel: ch("pbx"), ParentStatus: cv.Ptr("available")}))

	// At most 20 active.
	active := 0
	for _, s := range must(c.GetAgentStatusConfigs(ctx)) {
		if s.GetActive() {
			active++
		}
	}
	var last string
	for ; active < 20; active++ {
		last = must(c.InsertAgentStatusConfig(ctx, &cv.ConversationAgentStatusConfig{Name: cv.Ptr(fmt.Sprint("Status ", active)), Channel: ch("chat"), ParentStatus: cv.Ptr("unavailable")})).GetConversationStatusUUID()
	}
	extra := &cv.ConversationAgentStatusConfig{Name: cv.Ptr("One too many"), Channel: ch("chat"), ParentStatus: cv.Ptr("busy")}
	if _, err := c.InsertAgentStatusConfig(ctx, extra); err == nil || !strings.Contains(err.Error(), "at most 20") {
		t.Errorf("21st active status: %v", err)
	}
	if err := c.DeleteAgentStatusConfig(ctx, last); err != nil {
		t.Fatal(err)
	}
	must(c.InsertAgentStatusConfig(ctx, extra))
	all := must(c.GetAgentStatusConfigs(ctx))
	i := slices.IndexFunc(all, func(s cv.ConversationAgentStatusConfig) bool { return s.GetConversationStatusUUID() == last })
	if len(all) != 21 || i < 0 || all[i].GetActive() {
		t.Fatalf("%d statuses listed, the deleted one at %d: %+v", len(all), i, all)
	}
	inactive := all[i]
	inactive.Active = cv.Ptr(true)
	if _, err := c.UpdateAgentStatusConfig(ctx, last, &inactive); err == nil || !strings.Contains(err.Error(), "at most 20") {
		t.Errorf("reactivating over the cap: %v", err)
	}

	// Picking a custom status in the webchat queue.
	queue := must(c.GetConversationWebchatQueueStatuses(ctx))[0].GetQueueName()
	busy := cv.ConversationAgentStatusBusy
	for _, tc := range []struct {
		name       string
		uuid, what *string
	}{
		{"deactivated", cv.Ptr(last), nil},
		{"for the PBX alone", pbxOnly.ConversationStatusUUID, nil},
		{"missing", cv.Ptr(missingUUID), nil},
		{"a name alone", nil, cv.Ptr("Lunch")},
	} {
		if err := c.UpdateConversationWebchatQueueStatus(ctx, queue, &cv.ConversationWebchatQueueStatusUpdateRequest{AgentStatus: &busy, CustomStatusUUID: tc.uuid, CustomStatusName: tc.what}); !errors.Is(err, cv.ErrBadRequest) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// The queue status update: the agent's entry carries its user id and
// custom status, and each change is a manual chat event.
func TestQueueStatusEvents(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	tick := func() time.Time { // a second per reading: events in order
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second)
		return now
	}
	srv := conversationtest.NewServer(t, conversationtest.WithDemoData(), conversationtest.WithClock(tick))
	c, ctx := srv.Client, context.Background()
	me := srv.AgentUserID().String()
	queue := must(c.GetConversationWebchatQueueStatuses(ctx))[0].GetQueueName()
	lunch := "7f3c2a10-5b1e-4c8a-9d01-0000000000d1" // the demo's
	count := func() int {
		h := must(c.SearchAgentStatusHistory(ctx, &cv.ConversationAgentStatusHistorySearchRequest{AgentUserID: &me, Channel: cv.Ptr(cv.ConversationAgentChannel("chat"))}, nil))
		return int(deref(h.Total))
	}
	before := count()
	set := func(status cv.ConversationAgentStatus, custom *string) {
		t.Helper()
		if err := c.UpdateConversationWebchatQueueStatus(ctx, queue, &cv.ConversationWebchatQueueStatusUpdateRequest{AgentStatus: &status, CustomStatusUUID: custom}); err != nil {
			t.Fatal(err)
		}
	}
	set(cv.ConversationAgentStatusUnavailable, &lunch)
	set(cv.ConversationAgentStatusUnavailable, &lunch) // no change, no event
	q := must(c.GetConversationWebchatQueueStatuses(ctx))[0]
	i := slices.IndexFunc(q.Agents, func(a cv.ConversationWebchatQueueStatusAgent) bool { return a.GetAgentUserID() == me })
	if i < 0 || q.Agents[i].GetCustomStatusUUID() != lunch || q.Agents[i].GetCustomStatusName() != "Lunch" {
		t.Fatalf("queue agent: %+v", q.Agents)
	}
	set(cv.ConversationAgentStatusAvailable, nil)
	if n := count(); n != before+2 {
		t.Errorf("%d events recorded, want 2", n-before)
	}
	h := must(c.SearchAgentStatusHistory(ctx, &cv.ConversationAgentStatusHistorySearchRequest{AgentUserID: &me}, &cv.SearchAgentStatusHistoryOptions{Limit: 2}))
	back, out := h.Events[0], h.Events[1]
	if out.GetCustomStatusName() != "Lunch" || out.GetNewRoutingEffect() != "unavailable" || out.GetTrigger() != "manual" ||
		back.GetNewStatus() != "available" || back.GetPreviousStatus() != "unavailable" || back.CustomStatusUUID != nil {
		t.Errorf("events: %+v %+v", out, back)
	}
	if q := must(c.GetConversationWebchatQueueStatuses(ctx))[0]; q.Agents[i].CustomStatusUUID != nil {
		t.Errorf("a system status clears the custom one: %+v", q.Agents[i])
	}
}

// The PBX default time zone: America/New_York until set, an IANA zone,
// seedable.
func TestDefaultTimezone(t *testing.T) {
	srv := conversationtest.NewServer(t)
	c, ctx := srv.Client, context.Background()
	if tz := must(c.GetPbxDefaultTimezone(ctx)); tz != "America/New_York" {
		t.Errorf("default: %q", tz)
	}
	for _, bad := range []string{"Mars/Olympus", "Local", "", "EST5EDT "} {
		_, err := c.UpdatePbxDefaultTimezone(ctx, &cv.ConversationPbxDefaultTimezoneUpdateRequest{DefaultTimezone: &bad})
		if !errors.Is(err, cv.ErrBadRequest) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if tz := must(c.UpdatePbxDefaultTimezone(ctx, &cv.ConversationPbxDefaultTimezoneUpdateRequest{DefaultTimezone: cv.Ptr("Europe/Berlin")})); tz != "Europe/Berlin" || must(c.GetPbxDefaultTimezone(ctx)) != "Europe/Berlin" {
		t.Errorf("after update: %q", tz)
	}
	seeded := conversationtest.NewServer(t, conversationtest.WithSeedJSON([]byte(`{"pbx_default_timezone":{"default_timezone":"Asia/Tokyo"}}`)))
	if tz := must(seeded.Client.GetPbxDefaultTimezone(ctx)); tz != "Asia/Tokyo" {
		t.Errorf("seeded: %q", tz)
	}
	if _, err := conversationtest.New(conversationtest.WithSeedJSON([]byte(`{"pbx_default_timezone":{"default_timezone":"Mars/Olympus"}}`))); err == nil {
		t.Error("a seeded zone that is not one: no error")
	}
}

// Properties the service derives: voicemail capabilities follow the Zoho
// Desk connection, agent authorization names the merchant group, customer
// phones have their E.164 form.
func TestDerivedProperties(t *testing.T) {
	srv := conversationtest.NewServer(t, conversationtest.WithDemoData(), conversationtest.WithSeedJSON([]byte(
		`{"virtual_agent_capabilities":{"zoho_desk_available":true,"zoho_desk_departments":[{"department_id":"7","department_name":"Returns"}]}}`)))
	c, ctx := srv.Client, context.Background()
	if caps := must(c.GetPbxVoicemailCapabilities(ctx)); !caps.GetZohoDeskAvailable() || len(caps.ZohoDeskDepartments) != 1 || caps.ZohoDeskDepartments[0].GetDepartmentName() != "Returns" {
		t.Errorf("voicemail capabilities: %+v", caps)
	}
	auth := must(c.GetAgentWebsocketAuthorization(ctx))
	if auth.GetParentMerchantID() != "DEMO" || len(auth.Merchants) != 1 || !auth.Merchants[0].GetIsParent() {
		t.Errorf("agent auth: %+v", auth)
	}
	snap := must(c.GetConversationPbxCustomerSnapshot(ctx, &cv.ConversationPbxCustomerSnapshotRequest{PhoneNumber: cv.Ptr("555-555-0123"), SearchLinkedAccounts: cv.Ptr(true)}))
	if len(snap.Customers) != 1 || snap.Customers[0].Billing[0].GetDayPhoneE164() != "+15555550123" {
		t.Errorf("customer snapshot: %+v", snap)
	}
}
