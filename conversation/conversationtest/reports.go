package conversationtest

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The agent status reports, computed from the status events
// (agent_status_events), the PBX call records and the conversations.
//
// An event starts a stretch of time in its new status, on its channel,
// that lasts until the agent's next event on that channel, or until now;
// after an offline one nothing is tracked (the agent logged out). Days are
// days of the PBX default time zone (getPbxDefaultTimezone), in which the
// reports' YYYY-MM-DD dates are read. Available time counts busy time too,
// as the reports document ("incl. Busy").

// segment is a stretch of time an agent spent in one status on a channel.
type segment struct {
	user, channel string
	status        string // the custom status's name, or new_status
	effect        string // its routing effect
	from, to      time.Time
}

// available reports time that counts as available: available or busy.
func (g segment) available() bool { return g.effect == "available" || g.effect == "busy" }

// clip is the part of g within [from, to), and whether there is one.
func (g segment) clip(from, to time.Time) (segment, bool) {
	if g.from.After(from) {
		from = g.from
	}
	if g.to.Before(to) {
		to = g.to
	}
	g.from, g.to = from, to
	return g, to.After(from)
}

func (g segment) seconds() int64 { return int64(g.to.Sub(g.from) / time.Second) }

// eventsLocked are the status events, oldest first, each with its time.
func (s *Server) eventsLocked() []timedEvent {
	k := kindByKey("agent_status_events")
	var out []timedEvent
	for _, e := range s.st.store[k][""] {
		if at, err := time.Parse(time.RFC3339Nano, strOf(e["event_dts"])); err == nil {
			out = append(out, timedEvent{e, at})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].at.Equal(out[j].at) {
			return out[i].at.Before(out[j].at)
		}
		return strOf(out[i].o["event_uuid"]) < strOf(out[j].o["event_uuid"])
	})
	return out
}

type timedEvent struct {
	o  obj
	at time.Time
}

// segmentsLocked are every agent's stretches of time in a status, by
// channel, from the events.
func (s *Server) segmentsLocked() []segment {
	now := s.now()
	last := map[[2]string]*segment{}
	var out []segment
	for _, e := range s.eventsLocked() {
		key := [2]string{strOf(e.o["agent_user_id"]), strOf(e.o["channel"])}
		if prev := last[key]; prev != nil {
			prev.to = e.at
			out = append(out, *prev)
			delete(last, key)
		}
		status := strOf(e.o["new_status"])
		if untracked(status) {
			continue
		}
		if name := strOf(e.o["custom_status_name"]); name != "" {
			status = name
		}
		last[key] = &segment{user: key[0], channel: key[1], status: status, effect: strOf(e.o["new_routing_effect"]), from: e.at}
	}
	for _, g := range last {
		if now.After(g.from) {
			g.to = now
			out = append(out, *g)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].from.Before(out[j].from) })
	return out
}

// zoneLocked is the PBX default time zone, in which days are read.
func (s *Server) zoneLocked() *time.Location {
	o := s.st.store[kindByKey("pbx_default_timezone")][""][""]
	if loc, err := time.LoadLocation(strOf(o["default_timezone"])); err == nil {
		return loc
	}
	loc, _ := time.LoadLocation(defaultTimezone)
	return loc
}

// window is the time a report covers: whole days of the zone.
type window struct {
	from, to time.Time // [from, to)
	loc      *time.Location
}

// days are the midnights of the days the window covers.
func (w window) days() []time.Time {
	var out []time.Time
	for d := w.from; d.Before(w.to); d = d.AddDate(0, 0, 1) {
		out = append(out, d)
	}
	return out
}

// dayOf is the midnight of t's day in the window's zone.
func (w window) dayOf(t time.Time) time.Time {
	y, m, d := t.In(w.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, w.loc)
}

// dateRange reads a report's date_start and date_end, each YYYY-MM-DD in
// the zone (or, where dateTimes, an RFC 3339 date-time), both days
// included. Absent ones leave the range open on that side, unless
// required.
func (s *Server) dateRangeLocked(start, end string, required, dateTimes bool) (window, error) {
	w := window{loc: s.zoneLocked()}
	if required && (start == "" || end == "") {
		return w, badRequest("date_start and date_end are required: days as YYYY-MM-DD")
	}
	var err error
	if start == "" {
		w.from = time.Unix(0, 0).In(w.loc)
	} else if w.from, _, err = parseDay("date_start", start, w.loc, dateTimes); err != nil {
		return w, err
	}
	if end == "" {
		w.to = w.dayOf(s.now()).AddDate(0, 0, 1)
	} else {
		var exact bool
		if w.to, exact, err = parseDay("date_end", end, w.loc, dateTimes); err != nil {
			return w, err
		}
		if exact {
			w.to = w.to.Add(time.Nanosecond) // an instant is included
		} else {
			w.to = w.to.AddDate(0, 0, 1)
		}
	}
	if !w.to.After(w.from) {
		return w, badRequest("date_end %s is before date_start %s: a range must end after it begins", end, start)
	}
	return w, nil
}

// parseDay reads a YYYY-MM-DD day (its midnight in loc) or, where
// dateTimes, an RFC 3339 date-time (exact).
func parseDay(name, v string, loc *time.Location, dateTimes bool) (t time.Time, exact bool, err error) {
	if t, err := time.ParseInLocation(time.DateOnly, v, loc); err == nil {
		return t, false, nil
	}
	if dateTimes {
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return t, true, nil
		}
		return t, false, badRequest("%s %q is neither a day (YYYY-MM-DD) nor an RFC 3339 date-time", name, v)
	}
	return t, false, badRequest("%s %q is not a day: use YYYY-MM-DD", name, v)
}

// channelParam checks a channel filter: pbx, chat, or empty for both.
func channelParam(v string) (string, error) {
	if v != "" && v != "pbx" && v != "chat" {
		return "", badRequest("channel %q is not a channel: use pbx or chat, or leave it out for both", v)
	}
	return v, nil
}

// ---- what agents did: calls and chats -------------------------------

// work is a call taken or missed, or a chat handled, by an agent.
type work struct {
	user    string
	channel string // pbx: a call; chat: a conversation
	taken   bool   // a call answered, every chat
	missed  bool   // an inbound call the agent missed
	at      time.Time
	handle  int64 // seconds: a call's talk time, a chat's length
	call    obj
	conv    *convRecord
}

// activityLocked lists every agent's calls and chats.
func (s *Server) activityLocked() []work {
	var out []work
	for _, c := range s.st.store[kindByKey("pbx_calls")][""] {
		at, err := time.Parse(time.RFC3339Nano, firstOf(c, "created_at_dts"))
		if err != nil {
			continue
		}
		routing, _ := c["routing"].(obj)
		timeline, _ := c["timeline"].(obj)
		talk := int64(num(timeline["talk_time_seconds"]))
		for _, a := range objects(c, "agents") {
			user := firstOf(a, "agent_user_id", "agent_id")
			if user == "" {
				continue
			}
			taken := a["answered"] == true
			missed := !taken && strOf(routing["direction"]) == "inbound" && strings.EqualFold(strOf(c["disposition"]), "missed")
			out = append(out, work{user: user, channel: "pbx", taken: taken, missed: missed, at: at, handle: talk, call: c})
		}
	}
	for _, rec := range s.st.conversations {
		if rec.conv.StartDts == nil {
			continue
		}
		at := rec.conv.StartDts.Time
		end := at
		if n := len(rec.messages); n > 0 && rec.messages[n-1].MessageDts != nil {
			end = rec.messages[n-1].MessageDts.Time
		}
		for user := range s.chatAgentsLocked(rec) {
			out = append(out, work{user: user, channel: "chat", taken: true, at: at, handle: int64(end.Sub(at) / time.Second), conv: rec})
		}
	}
	return out
}

// chatAgentsLocked are the user ids of the agents in a conversation.
func (s *Server) chatAgentsLocked(rec *convRecord) map[string]bool {
	arns := s.agentARNsLocked()
	users := map[string]bool{}
	for _, p := range rec.conv.Participants {
		if u, ok := arns[str(p.ConversationParticipantARN)]; ok {
			users[u] = true
		}
	}
	return users
}

// agentARNsLocked maps the participant ARNs of agents to their user ids:
// the calling agent's, those of webchat queue agents with a user id, and
// those chat status events name.
func (s *Server) agentARNsLocked() map[string]string {
	arns := map[string]string{s.cfg.agentARN: strconv.Itoa(s.cfg.agentUserID)}
	for _, q := range s.st.queues {
		for _, a := range q.Agents {
			if !emptyStr(a.AgentUserID) && !emptyStr(a.ConversationParticipantARN) {
				arns[*a.ConversationParticipantARN] = *a.AgentUserID
			}
		}
	}
	for _, e := range s.st.store[kindByKey("agent_status_events")][""] {
		if strOf(e["channel"]) == "chat" && strings.HasPrefix(strOf(e["agent_identifier"]), "arn:") {
			arns[strOf(e["agent_identifier"])] = strOf(e["agent_user_id"])
		}
	}
	return arns
}

// num is a stored number as a float64 (0 when absent).
func num(v any) float64 {
	switch n := v.(type) {
	case json.Number:
		f, _ := n.Float64()
		return f
	case float64:
		return n
	}
	return 0
}

// ---- the reports ----------------------------------------------------

// tally is time and activity summed for a report's row.
type tally struct {
	available, unavailable, tracked int64
	breakdown                       map[string]int64
	callsTaken, callsMissed, chats  int32
	handle                          []int64
}

func (t *tally) addTime(g segment) {
	if t.breakdown == nil {
		t.breakdown = map[string]int64{}
	}
	n := g.seconds()
	t.tracked += n
	t.breakdown[g.status] += n
	if g.available() {
		t.available += n
	} else {
		t.unavailable += n
	}
}

func (t *tally) addActivity(a work) {
	switch {
	case a.channel == "chat":
		t.chats++
		t.handle = append(t.handle, a.handle)
	case a.taken:
		t.callsTaken++
		t.handle = append(t.handle, a.handle)
	case a.missed:
		t.callsMissed++
	}
}

func (t *tally) merge(o *tally) {
	t.available += o.available
	t.unavailable += o.unavailable
	t.tracked += o.tracked
	for k, v := range o.breakdown {
		if t.breakdown == nil {
			t.breakdown = map[string]int64{}
		}
		t.breakdown[k] += v
	}
	t.callsTaken += o.callsTaken
	t.callsMissed += o.callsMissed
	t.chats += o.chats
	t.handle = append(t.handle, o.handle...)
}

// pct is the share of tracked time available, in percent, two decimals.
func (t *tally) pct() float64 {
	if t.tracked == 0 {
		return 0
	}
	return round(float64(t.available)*100/float64(t.tracked), 2)
}

func round(f float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(f*p) / p
}

// rowKey names a rollup row: an agent, a day, a channel.
type rowKey struct {
	user, channel string
	day           time.Time
}

// tallyLocked sums the window's time and activity by agent, day and
// channel (channel "" for both), the agent user filter applied when set.
func (s *Server) tallyLocked(w window, user, channel string) map[rowKey]*tally {
	rows := map[rowKey]*tally{}
	row := func(k rowKey) *tally {
		if rows[k] == nil {
			rows[k] = &tally{}
		}
		return rows[k]
	}
	for _, g := range s.segmentsLocked() {
		if (user != "" && g.user != user) || (channel != "" && g.channel != channel) {
			continue
		}
		for _, day := range w.days() {
			if part, ok := g.clip(day, day.AddDate(0, 0, 1)); ok {
				row(rowKey{g.user, g.channel, day}).addTime(part)
			}
		}
	}
	for _, a := range s.activityLocked() {
		if (user != "" && a.user != user) || (channel != "" && a.channel != channel) || a.at.Before(w.from) || !a.at.Before(w.to) {
			continue
		}
		row(rowKey{a.user, a.channel, w.dayOf(a.at)}).addActivity(a)
	}
	return rows
}

// agentNameLocked is an agent's display name for a report.
func (s *Server) agentNameLocked(user string) string {
	profile, agent := s.agentLocked(user)
	if name := firstOf(profile, "display_name", "name"); name != "" {
		return name
	}
	if name := firstOf(agent, "full_name"); name != "" {
		return name
	}
	for _, e := range s.st.store[kindByKey("agent_status_events")][""] {
		if strOf(e["agent_user_id"]) == user && strOf(e["agent_name"]) != "" {
			return strOf(e["agent_name"])
		}
	}
	return user
}

// breakdown is a status breakdown as the API writes it: seconds by status
// name.
func breakdown(m map[string]int64) obj {
	out := obj{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// nonNil makes a nil list an empty one, which the API writes as [].
func nonNil(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}
