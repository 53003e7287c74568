package conversationtest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"maps"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ultracart-community/ultracart-go/gen"
	"github.com/ultracart-community/ultracart-go/ucid"
)

// websocketPath is where the websocket URL of agent authorization points.
// The fake does not speak websocket: it answers 501 there.
const websocketPath = "/websocket"

// agentAuth returns a JWT for the calling agent and where to connect with
// it.
func (s *Server) agentAuth(rq *request) (any, error) {
	ws := rq.origin
	if rest, ok := strings.CutPrefix(ws, "https://"); ok {
		ws = "wss://" + rest
	} else {
		ws = "ws://" + strings.TrimPrefix(ws, "http://")
	}
	return &gen.ConversationAgentAuth{
		ConversationParticipantARN:  ptr(s.cfg.agentARN),
		ConversationParticipantName: ptr(s.cfg.agentName),
		JWT:                         ptr(s.agentJWT()),
		MerchantID:                  ptr(s.cfg.merchantID),
		// A merchant outside a linked group: its own parent, the only
		// merchant of its group.
		ParentMerchantID: ptr(s.cfg.merchantID),
		Merchants:        []gen.ConversationAgentAuthMerchant{{MerchantID: ptr(s.cfg.merchantID), IsParent: ptr(true)}},
		UserID:           ptr(ucid.UserID(s.cfg.agentUserID)),
		TwilioAccounts: []gen.ConversationTwilioAccount{{
			MerchantID: ptr(s.cfg.merchantID),
			// 555-01xx numbers are reserved for fiction.
			TwilioPhoneNumbers: []string{"+15555550100"},
		}},
		WebsocketURL: ptr(ws + websocketPath),
	}, nil
}

// agentJWT builds an HS256 JWT for the agent, valid for an hour, signed
// with a secret that lives only as long as the server.
func (s *Server) agentJWT() string {
	enc := base64.RawURLEncoding
	now := s.now()
	header, _ := json.Marshal(map[string]string{"alg": "HS256", "typ": "JWT"})
	claims, _ := json.Marshal(map[string]any{
		"iss":         "conversationtest",
		"sub":         s.cfg.agentARN,
		"name":        s.cfg.agentName,
		"merchant_id": s.cfg.merchantID,
		"iat":         now.Unix(),
		"exp":         now.Unix() + 3600,
		"jti":         randomHex(8),
	})
	signing := enc.EncodeToString(header) + "." + enc.EncodeToString(claims)
	mac := hmac.New(sha256.New, s.jwtSecret)
	mac.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(mac.Sum(nil))
}

// webchatQueues lists the webchat queues ordered by queue_name, with their
// agents and waiting customers.
func (s *Server) webchatQueues(*request) (any, error) {
	out := make([]*gen.ConversationWebchatQueueStatus, len(s.st.queues))
	copy(out, s.st.queues)
	sort.SliceStable(out, func(i, j int) bool { return str(out[i].QueueName) < str(out[j].QueueName) })
	return out, nil
}

// updateWebchatQueueStatus sets the calling agent's status in the queue,
// adding the agent to the queue when not yet in it, with its user id and
// the custom status picked, if any: an active one for chat (or both),
// custom_status_name paired with it (the status's name when left out).
// A change is recorded as a manual status event on the chat channel, for
// the status reports. An unknown queue or custom status, or a missing
// agent_status, is a 400.
func (s *Server) updateWebchatQueueStatus(rq *request) (any, error) {
	var body gen.ConversationWebchatQueueStatusUpdateRequest
	if err := rq.decode(&body); err != nil {
		return nil, err
	}
	if body.AgentStatus == nil {
		return nil, badRequest("agent_status is required")
	}
	status := *body.AgentStatus
	custom, name := str(body.CustomStatusUUID), str(body.CustomStatusName)
	switch {
	case custom != "":
		c, err := s.findLocked(kindByKey("agent_status_configs"), "", custom)
		if err != nil {
			return nil, err
		}
		if c["active"] != true {
			return nil, badRequest("custom status %q is deactivated: activate it again (updateAgentStatusConfig with active true) or pick an active one", custom)
		}
		if strOf(c["channel"]) == "pbx" {
			return nil, badRequest("custom status %q is for the PBX only (channel pbx): pick one whose channel is chat or both", custom)
		}
		if name == "" {
			name = strOf(c["name"])
		}
	case name != "":
		return nil, badRequest("custom_status_name needs custom_status_uuid, the custom status it names")
	}
	q := s.findQueueLocked(rq.path["queue_name"])
	if q == nil {
		return nil, notFound("webchat queue", rq.path["queue_name"])
	}
	var me *gen.ConversationWebchatQueueStatusAgent
	for i := range q.Agents {
		if str(q.Agents[i].ConversationParticipantARN) == s.cfg.agentARN {
			me = &q.Agents[i]
		}
	}
	if me == nil {
		q.Agents = append(q.Agents, gen.ConversationWebchatQueueStatusAgent{
			ConversationParticipantARN:  ptr(s.cfg.agentARN),
			ConversationParticipantName: ptr(s.cfg.agentName),
			NextRoundRobin:              ptr(false),
		})
		me = &q.Agents[len(q.Agents)-1]
	}
	user := strconv.Itoa(s.cfg.agentUserID)
	before, beforeCustom := me.AgentStatus, str(me.CustomStatusUUID)
	me.AgentStatus, me.AgentUserID = ptr(status), ptr(user)
	me.CustomStatusUUID, me.CustomStatusName = nil, nil
	if custom != "" {
		me.CustomStatusUUID, me.CustomStatusName = ptr(custom), ptr(name)
	}
	recountAgents(q)
	if before != nil && *before == status && beforeCustom == custom {
		return nil, nil // no transition
	}
	e := obj{"agent_user_id": user, "channel": "chat", "new_status": string(status), "trigger": "manual"}
	if custom != "" {
		e["custom_status_uuid"], e["custom_status_name"] = custom, name
	}
	if before != nil && s.lastEventLocked(user, "chat", s.now().Add(time.Millisecond)) == nil {
		e["previous_status"], e["previous_routing_effect"] = string(*before), string(*before)
	}
	return nil, s.recordStatusLocked(e)
}

// myProfile is the calling agent's profile. As documented, user_id is
// left out: only getAgentProfiles carries it.
func (s *Server) myProfile(*request) (any, error) {
	o, err := s.findLocked(kindByKey("agent_profiles"), "", strconv.Itoa(s.cfg.agentUserID))
	if err != nil {
		return nil, err
	}
	mine := maps.Clone(o) // encodeReply views it as the schema says
	delete(mine, "user_id")
	return mine, nil
}

// updateMyProfile replaces the calling agent's profile, as an update of
// any kind does.
func (s *Server) updateMyProfile(rq *request) (any, error) {
	rq.path = map[string]string{"user_id": strconv.Itoa(s.cfg.agentUserID)}
	if _, err := kindByKey("agent_profiles").updateOp(s, rq); err != nil {
		return nil, err
	}
	return s.myProfile(rq)
}

// departmentMembers are the possible department members: every agent
// profile, by name.
func (s *Server) departmentMembers(*request) (any, error) {
	out := []gen.ConversationDepartmentMember{}
	for _, o := range s.sortedLocked(kindByKey("agent_profiles"), "") {
		p := fromObj[gen.ConversationAgentProfile](o.(obj))
		name := p.DisplayName
		if emptyStr(name) {
			name = p.Name
		}
		out = append(out, gen.ConversationDepartmentMember{UserID: p.UserID, Name: name, Ai: p.Ai})
	}
	return out, nil
}

// mcpTools describes the tools of an MCP server. The fake connects to no
// MCP server: every one offers the same sample tool list.
func (s *Server) mcpTools(rq *request) (any, error) {
	if _, err := kindByKey("mcp_servers").getOp(s, rq); err != nil {
		return nil, err
	}
	b, err := json.Marshal(referenceData["mcp_tools"])
	return string(b), err
}
