package conversationtest

import (
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ultracart-community/ultracart-go/gen"
)

// The operations of the agent status reports, over reports.go's stretches
// of time and tallies.

// statusHistory is searchAgentStatusHistory: the events that match every
// filter given (agent_user_id, channel, status as new_status, trigger,
// date_start and date_end as days or date-times), newest first, paged by
// _limit and _offset.
func (s *Server) statusHistory(rq *request) (any, error) {
	var q gen.ConversationAgentStatusHistorySearchRequest
	if err := rq.decode(&q); err != nil {
		return nil, err
	}
	w, err := s.dateRangeLocked(str(q.DateStart), str(q.DateEnd), false, true)
	if err != nil {
		return nil, err
	}
	limit, offset, err := pageParams(rq)
	if err != nil {
		return nil, err
	}
	k := kindByKey("agent_status_events")
	var events []any
	for _, e := range s.sortedLocked(k, "") {
		o := e.(obj)
		at, _ := time.Parse(time.RFC3339Nano, strOf(o["event_dts"]))
		switch {
		case q.AgentUserID != nil && strOf(o["agent_user_id"]) != *q.AgentUserID,
			q.Channel != nil && strOf(o["channel"]) != string(*q.Channel),
			q.Status != nil && !strings.EqualFold(strOf(o["new_status"]), *q.Status),
			q.Trigger != nil && strOf(o["trigger"]) != string(*q.Trigger),
			at.Before(w.from) || !at.Before(w.to):
			continue
		}
		events = append(events, view(k.schema, o))
	}
	start, end := pageBounds(len(events), limit, offset)
	return fields{"events": nonNil(events[start:end]), "total": len(events), "metadata": resultSet(len(events), limit, offset, end-start)}, nil
}

// statusRollups is searchAgentStatusRollups: one row per agent, day and
// channel with time tracked or calls and chats in the range (every day
// up to today when it is open), oldest day first, then by agent name.
func (s *Server) statusRollups(rq *request) (any, error) {
	var q gen.ConversationAgentStatusRollupSearchRequest
	if err := rq.decode(&q); err != nil {
		return nil, err
	}
	w, err := s.dateRangeLocked(str(q.DateStart), str(q.DateEnd), false, false)
	if err != nil {
		return nil, err
	}
	channel := ""
	if q.Channel != nil {
		channel = string(*q.Channel)
	}
	if q.DateStart == nil {
		w.from = s.firstDayLocked(w)
	}
	rows := s.tallyLocked(w, str(q.AgentUserID), channel)
	keys := make([]rowKey, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	names := map[string]string{}
	for _, k := range keys {
		names[k.user] = s.agentNameLocked(k.user)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if !a.day.Equal(b.day) {
			return a.day.Before(b.day)
		}
		if names[a.user] != names[b.user] {
			return names[a.user] < names[b.user]
		}
		if a.user != b.user {
			return a.user < b.user
		}
		return a.channel < b.channel
	})
	out := []obj{}
	for _, k := range keys {
		t := rows[k]
		r := obj{
			"agent_user_id": k.user, "agent_name": names[k.user], "channel": k.channel, "rollup_date": k.day.Format(time.DateOnly),
			"available_seconds": t.available, "unavailable_seconds": t.unavailable, "total_tracked_seconds": t.tracked,
			"status_breakdown": breakdown(t.breakdown),
		}
		if k.channel == "pbx" {
			r["calls_taken"] = t.callsTaken
		} else {
			r["chats_handled"] = t.chats
		}
		r["availability_pct"] = t.pct() // a number, as its description says (see wireShapes)
		out = append(out, r)
	}
	return out, nil
}

// firstDayLocked is the day of the earliest event or activity, for a
// range open at its start.
func (s *Server) firstDayLocked(w window) time.Time {
	first := w.to
	if ev := s.eventsLocked(); len(ev) > 0 && ev[0].at.Before(first) {
		first = ev[0].at
	}
	for _, a := range s.activityLocked() {
		if a.at.Before(first) {
			first = a.at
		}
	}
	return w.dayOf(first)
}

// statusSummary is getAgentStatusSummary: per agent, its time and
// activity over the range (both channels), the agents with a status
// transition in it, and the totals.
func (s *Server) statusSummary(rq *request) (any, error) {
	w, err := s.dateRangeLocked(rq.query.Get("date_start"), rq.query.Get("date_end"), true, false)
	if err != nil {
		return nil, err
	}
	byAgent := map[string]*tally{}
	for k, t := range s.tallyLocked(w, "", "") {
		if byAgent[k.user] == nil {
			byAgent[k.user] = &tally{}
		}
		byAgent[k.user].merge(t)
	}
	transitions := map[string]bool{}
	for _, e := range s.eventsLocked() {
		if !e.at.Before(w.from) && e.at.Before(w.to) {
			transitions[strOf(e.o["agent_user_id"])] = true
		}
	}
	users := slices.Collect(maps.Keys(byAgent))
	names := s.byNameLocked(users)
	agents := []obj{}
	total := &tally{}
	var pcts []float64
	for _, u := range users {
		t := byAgent[u]
		total.merge(t)
		a := obj{"agent_user_id": u, "agent_name": names[u], "available_seconds": t.available,
			"total_tracked_seconds": t.tracked, "calls_taken": t.callsTaken, "chats_handled": t.chats,
			"availability_pct": t.pct()}
		if t.tracked > 0 {
			pcts = append(pcts, t.pct())
		}
		agents = append(agents, a)
	}
	avg := 0.0
	for _, p := range pcts {
		avg += p / float64(len(pcts))
	}
	return fields{"agents": agents, "total_agents": len(transitions), "status_breakdown": breakdown(total.breakdown),
		"avg_available_pct": round(avg, 2)}, nil
}

// statusHeatmap is getAgentStatusHeatmap: per agent (the y axis, by
// name) and hour of the day (0 to 23, in the zone), the metric averaged
// over the days of the range: availability in percent of the hour
// (available on either channel when none is given), or the calls or
// chats begun in the hour. Cells of 0 are left out.
func (s *Server) statusHeatmap(rq *request) (any, error) {
	var q gen.ConversationAgentStatusHeatmapRequest
	if err := rq.decode(&q); err != nil {
		return nil, err
	}
	if q.Metric == nil {
		return nil, badRequest("metric is required: availability, call_volume or chat_volume")
	}
	w, err := s.dateRangeLocked(str(q.DateStart), str(q.DateEnd), true, false)
	if err != nil {
		return nil, err
	}
	channel := ""
	if q.Channel != nil {
		channel = string(*q.Channel)
	}
	days := float64(len(w.days()))
	cells := map[string]*[24]float64{}
	cell := func(user string) *[24]float64 {
		if cells[user] == nil {
			cells[user] = &[24]float64{}
		}
		return cells[user]
	}
	switch *q.Metric {
	case "availability":
		for user, spans := range s.availableSpansLocked(channel) {
			for _, sp := range spans {
				for _, day := range w.days() {
					for h := range 24 {
						from := time.Date(day.Year(), day.Month(), day.Day(), h, 0, 0, 0, w.loc)
						if part, ok := (segment{from: sp[0], to: sp[1]}).clip(from, from.Add(time.Hour)); ok {
							cell(user)[h] += float64(part.seconds()) * 100 / 3600 / days
						}
					}
				}
			}
		}
	default:
		want := "pbx"
		if *q.Metric == "chat_volume" {
			want = "chat"
		}
		for _, a := range s.activityLocked() {
			if a.channel == want && (a.taken || a.missed) && !a.at.Before(w.from) && a.at.Before(w.to) {
				cell(a.user)[a.at.In(w.loc).Hour()] += 1 / days
			}
		}
	}
	users := slices.Collect(maps.Keys(cells))
	names := s.byNameLocked(users)
	labels := make([]string, len(users))
	var data []any
	for i, u := range users {
		labels[i] = names[u]
		for h, v := range cells[u] {
			if v = round(v, 2); v > 0 {
				data = append(data, []any{i, h, v})
			}
		}
	}
	hours := make([]int, 24)
	for h := range hours {
		hours[h] = h
	}
	// data rows are [agent_index, hour, value] arrays, as the description
	// says (see wireShapes).
	return fields{"agents": labels, "hours": hours, "data": nonNil(data)}, nil
}

// availableSpansLocked are each agent's stretches of available (or busy)
// time on the channel, or on either channel when channel is "", merged.
func (s *Server) availableSpansLocked(channel string) map[string][][2]time.Time {
	spans := map[string][][2]time.Time{}
	for _, g := range s.segmentsLocked() {
		if g.available() && (channel == "" || g.channel == channel) {
			spans[g.user] = append(spans[g.user], [2]time.Time{g.from, g.to})
		}
	}
	for u, list := range spans {
		sort.Slice(list, func(i, j int) bool { return list[i][0].Before(list[j][0]) })
		merged := list[:1]
		for _, sp := range list[1:] {
			lastSp := &merged[len(merged)-1]
			if sp[0].After(lastSp[1]) {
				merged = append(merged, sp)
			} else if sp[1].After(lastSp[1]) {
				lastSp[1] = sp[1]
			}
		}
		spans[u] = merged
	}
	return spans
}

// statusTimeline is getAgentStatusTimeline: an agent's day (date, in the
// zone), on one channel or both: its status events, oldest first, its
// calls and chats, and the day's summary. An agent the fake does not know
// (no agent profile, PBX agent or status event with that user id) is a
// 400 naming it.
func (s *Server) statusTimeline(rq *request) (any, error) {
	user := rq.path["agent_user_id"]
	if !s.knownAgentLocked(user) {
		return nil, notFound("agent with user id", user)
	}
	channel, err := channelParam(rq.query.Get("channel"))
	if err != nil {
		return nil, err
	}
	date := rq.query.Get("date")
	w, err := s.dateRangeLocked(date, date, true, false)
	if err != nil {
		return nil, err
	}
	k := kindByKey("agent_status_events")
	statusEvents := []any{}
	for _, e := range s.eventsLocked() {
		if strOf(e.o["agent_user_id"]) == user && (channel == "" || strOf(e.o["channel"]) == channel) && !e.at.Before(w.from) && e.at.Before(w.to) {
			statusEvents = append(statusEvents, view(k.schema, e.o))
		}
	}
	calls, chats := []obj{}, []obj{}
	day := &tally{}
	for key, t := range s.tallyLocked(w, user, channel) {
		if key.user == user {
			day.merge(t)
		}
	}
	acts := s.activityLocked()
	sort.SliceStable(acts, func(i, j int) bool { return acts[i].at.Before(acts[j].at) })
	for _, a := range acts {
		if a.user != user || (channel != "" && a.channel != channel) || a.at.Before(w.from) || !a.at.Before(w.to) {
			continue
		}
		if a.channel == "pbx" {
			calls = append(calls, callEvent(a.call))
		} else {
			chats = append(chats, s.chatEventLocked(a.conv))
		}
	}
	var avg int64
	if len(day.handle) > 0 {
		var sum int64
		for _, h := range day.handle {
			sum += h
		}
		avg = sum / int64(len(day.handle))
	}
	return fields{
		"status_events": statusEvents,
		"call_events":   calls,
		"chat_events":   chats,
		"summary": obj{"available_seconds": day.available, "calls_taken": day.callsTaken, "calls_missed": day.callsMissed,
			"chats_handled": day.chats, "avg_handle_time_seconds": avg},
	}, nil
}

// knownAgentLocked reports whether an agent has that user id.
func (s *Server) knownAgentLocked(user string) bool {
	profile, agent := s.agentLocked(user)
	if profile != nil || agent != nil {
		return true
	}
	for _, e := range s.st.store[kindByKey("agent_status_events")][""] {
		if strOf(e["agent_user_id"]) == user {
			return true
		}
	}
	return false
}

// callEvent is a call record as a timeline shows it.
func callEvent(c obj) obj {
	routing, _ := c["routing"].(obj)
	timeline, _ := c["timeline"].(obj)
	caller, _ := c["caller"].(obj)
	e := obj{"call_uuid": c["call_uuid"], "disposition": c["disposition"], "start_dts": firstOf(timeline, "created_dts")}
	if e["start_dts"] == "" {
		e["start_dts"] = c["created_at_dts"]
	}
	if d := strOf(routing["direction"]); d == "inbound" || d == "outbound" {
		e["direction"] = d
	}
	if v, ok := timeline["total_duration_seconds"]; ok {
		e["duration_seconds"] = v
	}
	if v := firstOf(timeline, "end_dts"); v != "" {
		e["end_dts"] = v
	}
	if v := firstOf(caller, "phone_number"); v != "" {
		e["phone_number"] = v
	}
	for k, v := range e {
		if v == nil {
			delete(e, k)
		}
	}
	return e
}

// chatEventLocked is a conversation as a timeline shows it: the customer
// is the first participant who is not an agent.
func (s *Server) chatEventLocked(rec *convRecord) obj {
	e := obj{"conversation_uuid": str(rec.conv.ConversationUUID), "start_dts": timestamp(rec.conv.StartDts.Time), "message_count": len(rec.messages)}
	if n := len(rec.messages); n > 0 && rec.messages[n-1].MessageDts != nil {
		e["end_dts"] = timestamp(rec.messages[n-1].MessageDts.Time)
	}
	arns := s.agentARNsLocked()
	for _, p := range rec.conv.Participants {
		if _, agent := arns[str(p.ConversationParticipantARN)]; !agent && !emptyStr(p.ConversationParticipantName) {
			e["customer_name"] = *p.ConversationParticipantName
			break
		}
	}
	return e
}

// byNameLocked sorts user ids by their agents' names, then by id, and
// returns the names.
func (s *Server) byNameLocked(users []string) map[string]string {
	names := map[string]string{}
	for _, u := range users {
		names[u] = s.agentNameLocked(u)
	}
	sort.Slice(users, func(i, j int) bool {
		if names[users[i]] != names[users[j]] {
			return names[users[i]] < names[users[j]]
		}
		return users[i] < users[j]
	})
	return names
}
