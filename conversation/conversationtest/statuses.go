package conversationtest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ultracart-community/ultracart-go/gen"
)

// Custom agent statuses and the status events the reports are computed
// from (reports.go).

// Limits of custom statuses, as insertAgentStatusConfig documents them.
const (
	maxActiveStatuses   = 20 // active custom statuses per merchant
	maxTwilioActivities = 50 // Twilio activities per workspace: PBX statuses, deactivated ones too
)

// routingEffects reads a status name as the routing semantic it has: the
// three the API names (available, busy, unavailable), and Twilio's default
// activities (Available, Unavailable, Offline), case-insensitively.
func routingEffect(status string) (string, bool) {
	switch s := strings.ToLower(strings.TrimSpace(status)); s {
	case "available", "busy", "unavailable":
		return s, true
	case "offline":
		return "unavailable", true
	}
	return "", false
}

// untracked reports a status after which an agent's time is not tracked:
// offline, as an agent who logged out (Twilio's Offline activity).
func untracked(status string) bool {
	return strings.EqualFold(strings.TrimSpace(status), "offline")
}

// timestamp is how the fake writes a date-time into a stored object.
func timestamp(t time.Time) string { return t.Format(time.RFC3339Nano) }

// fillStatusConfig completes a custom status as the service does: the
// routing effect derived from (channel, parent_status), a Twilio activity
// for a status the PBX uses (kept for its life), created_at and
// updated_at, active unless said otherwise; and applies the documented
// caps. An update keeps what the service owns; a seeded status keeps what
// it gives.
func fillStatusConfig(s *Server, rq *request, o obj) error {
	k := kindByKey("agent_status_configs")
	effect, ok := routingEffect(strOf(o["parent_status"]))
	if !ok {
		return badRequest("parent_status %q is not a status a custom status can build on: use available, busy or unavailable (Twilio's Available, Unavailable and Offline read the same)", o["parent_status"])
	}
	o["routing_effect"] = effect
	id := idKey(o[k.id])
	old := s.st.store[k][""][id]
	now := timestamp(s.now())
	if rq != nil || o["created_at"] == nil {
		if old != nil && old["created_at"] != nil {
			o["created_at"] = old["created_at"]
		} else {
			o["created_at"] = now
		}
	}
	if rq != nil || o["updated_at"] == nil {
		o["updated_at"] = now
	}
	if o["active"] == nil {
		o["active"] = old == nil || old["active"] == true
	}
	if strOf(o["channel"]) == "chat" {
		delete(o, "twilio_activity_sid") // "null for chat-only statuses"
	} else if old != nil && old["twilio_activity_sid"] != nil {
		o["twilio_activity_sid"] = old["twilio_activity_sid"]
	} else if rq != nil || o["twilio_activity_sid"] == nil {
		activities := 0
		for _, c := range s.st.store[k][""] {
			if c["twilio_activity_sid"] != nil {
				activities++
			}
		}
		if activities >= maxTwilioActivities {
			return badRequest("a PBX custom status needs a Twilio activity, and the workspace has its %d (deactivated statuses keep theirs): use channel chat, or reuse a status", maxTwilioActivities)
		}
		o["twilio_activity_sid"] = "WA" + randomHex(16)
	}
	if o["active"] == true {
		active := 0
		for cid, c := range s.st.store[k][""] {
			if cid != id && c["active"] == true {
				active++
			}
		}
		if active >= maxActiveStatuses {
			return badRequest("at most %d custom statuses may be active: deactivate one (deleteAgentStatusConfig) first", maxActiveStatuses)
		}
	}
	return nil
}

// deactivateStatus is deleteAgentStatusConfig: a soft delete, as
// documented. The status stays listed with active false (and keeps its
// Twilio activity); an update may activate it again.
func (s *Server) deactivateStatus(rq *request) (any, error) {
	k := kindByKey("agent_status_configs")
	o, err := s.findLocked(k, "", rq.path["conversation_status_uuid"])
	if err != nil {
		return nil, err
	}
	o["active"] = false
	o["updated_at"] = timestamp(s.now())
	return nil, nil
}

// fillStatusEvent completes a status event as the service would record
// it: when (now), the agent's name and type from its profile or PBX
// agent, its identifier (the PBX agent's client:login, or the calling
// agent's participant ARN for chat), the trigger (manual), the routing
// effect of the new status (a custom status's own), and what the agent's
// previous event on the channel gives: previous_status, its routing effect
// and the seconds spent in it. What the event carries is kept.
func fillStatusEvent(s *Server, _ *request, o obj) error {
	if o["event_dts"] == nil {
		o["event_dts"] = timestamp(s.now())
	}
	at, err := time.Parse(time.RFC3339Nano, strOf(o["event_dts"]))
	if err != nil {
		return fmt.Errorf("event_dts %q is not an RFC 3339 date-time", o["event_dts"])
	}
	user, channel := strOf(o["agent_user_id"]), strOf(o["channel"])
	profile, agent := s.agentLocked(user)
	if o["agent_name"] == nil {
		if name := firstOf(profile, "display_name", "name"); name != "" {
			o["agent_name"] = name
		} else if name := firstOf(agent, "full_name"); name != "" {
			o["agent_name"] = name
		}
	}
	if o["agent_type"] == nil {
		o["agent_type"] = "human"
		if profile["ai"] == true || agent["ai"] == true {
			o["agent_type"] = "ai"
		}
	}
	if o["agent_identifier"] == nil {
		switch {
		case channel == "pbx" && firstOf(agent, "login") != "":
			o["agent_identifier"] = "client:" + firstOf(agent, "login")
		case channel == "chat" && user == strconv.Itoa(s.cfg.agentUserID):
			o["agent_identifier"] = s.cfg.agentARN
		}
	}
	if o["parent_merchant_id"] == nil {
		o["parent_merchant_id"] = s.cfg.merchantID
	}
	if o["trigger"] == nil {
		o["trigger"] = "manual"
	}
	if id := strOf(o["custom_status_uuid"]); id != "" {
		status, err := s.findLocked(kindByKey("agent_status_configs"), "", id)
		if err != nil {
			return err
		}
		if o["custom_status_name"] == nil {
			o["custom_status_name"] = status["name"]
		}
		if o["new_routing_effect"] == nil {
			o["new_routing_effect"] = status["routing_effect"]
		}
	}
	if o["new_routing_effect"] == nil {
		if effect, ok := routingEffect(strOf(o["new_status"])); ok {
			o["new_routing_effect"] = effect
		}
	}
	if prev := s.lastEventLocked(user, channel, at); prev != nil {
		if o["previous_status"] == nil {
			o["previous_status"] = prev["new_status"]
		}
		if o["previous_routing_effect"] == nil && prev["new_routing_effect"] != nil {
			o["previous_routing_effect"] = prev["new_routing_effect"]
		}
		if o["duration_in_previous_seconds"] == nil {
			if t, err := time.Parse(time.RFC3339Nano, strOf(prev["event_dts"])); err == nil {
				o["duration_in_previous_seconds"] = json.Number(strconv.FormatInt(int64(at.Sub(t)/time.Second), 10))
			}
		}
	}
	return nil
}

// lastEventLocked is the agent's latest status event on the channel
// before t, or nil.
func (s *Server) lastEventLocked(user, channel string, t time.Time) obj {
	var last obj
	var lastAt time.Time
	for _, e := range s.st.store[kindByKey("agent_status_events")][""] {
		if strOf(e["agent_user_id"]) != user || strOf(e["channel"]) != channel {
			continue
		}
		at, err := time.Parse(time.RFC3339Nano, strOf(e["event_dts"]))
		if err != nil || !at.Before(t) {
			continue
		}
		if last == nil || at.After(lastAt) {
			last, lastAt = e, at
		}
	}
	return last
}

// agentLocked finds an agent by user id: its agent profile and its PBX
// agent (either may be nil).
func (s *Server) agentLocked(user string) (profile, agent obj) {
	profile = s.st.store[kindByKey("agent_profiles")][""][canonicalInt(user)]
	for _, a := range s.st.store[kindByKey("pbx_agents")][""] {
		if idKey(a["user_id"]) == canonicalInt(user) {
			agent = a
		}
	}
	return profile, agent
}

// recordStatusLocked stores the event of an agent's status change.
func (s *Server) recordStatusLocked(e obj) error {
	_, err := s.putLocked(kindByKey("agent_status_events"), "", e, nil)
	return err
}

// AddAgentStatusEvent records an agent's status change, as the service
// does when an agent or the system changes it, for the status reports
// (searchAgentStatusHistory, the rollups, summary, heatmap and timeline).
// agent_user_id, channel ("pbx" or "chat") and new_status are required;
// the rest is filled in as the service would (see the package
// documentation): add an agent's events in time order for previous_status
// and duration_in_previous_seconds to follow from the one before. It is
// Add for gen.ConversationAgentStatusEvent.
func (s *Server) AddAgentStatusEvent(e gen.ConversationAgentStatusEvent) (gen.ConversationAgentStatusEvent, error) {
	return Add(s, e)
}

// strOf is a string property of a stored object ("" when absent).
func strOf(v any) string {
	s, _ := v.(string)
	return s
}

// firstOf is the first non-empty string property of o among props.
func firstOf(o obj, props ...string) string {
	for _, p := range props {
		if v := strOf(o[p]); v != "" {
			return v
		}
	}
	return ""
}
