package conversationtest

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"sort"
	"strings"

	"github.com/ultracart-community/ultracart-go/gen"
)

// websocketPath is where the websocket URL of agent authorization points.
// The fake does not speak websocket: it answers 501 there.
const websocketPath = "/websocket"

// originKey carries the request's scheme and host to the strict handlers,
// which do not see the request, so that URLs handed out point back at the
// fake.
type originKey struct{}

func originFrom(ctx context.Context) string {
	if o, ok := ctx.Value(originKey{}).(string); ok {
		return o
	}
	return "http://127.0.0.1"
}

// GetAgentKeepAlive succeeds with no body.
func (h handlers) GetAgentKeepAlive(context.Context, gen.GetAgentKeepAliveRequestObject) (gen.GetAgentKeepAliveResponseObject, error) {
	return gen.GetAgentKeepAlive204Response{}, nil
}

// GetAgentWebsocketAuthorization returns a JWT for the calling agent and
// where to connect with it.
func (h handlers) GetAgentWebsocketAuthorization(ctx context.Context, _ gen.GetAgentWebsocketAuthorizationRequestObject) (gen.GetAgentWebsocketAuthorizationResponseObject, error) {
	s := h.s
	ws := originFrom(ctx)
	if rest, ok := strings.CutPrefix(ws, "https://"); ok {
		ws = "wss://" + rest
	} else {
		ws = "ws://" + strings.TrimPrefix(ws, "http://")
	}
	return gen.GetAgentWebsocketAuthorization200JSONResponse{
		AgentAuth: &gen.ConversationAgentAuth{
			ConversationParticipantARN:  ptr(s.cfg.agentARN),
			ConversationParticipantName: ptr(s.cfg.agentName),
			JWT:                         ptr(s.agentJWT()),
			MerchantID:                  ptr(s.cfg.merchantID),
			TwilioAccounts: []gen.ConversationTwilioAccount{{
				MerchantID: ptr(s.cfg.merchantID),
				// 555-01xx numbers are reserved for fiction.
				TwilioPhoneNumbers: []string{"+15555550100"},
			}},
			WebsocketURL: ptr(ws + websocketPath),
		},
		Metadata: okMeta(),
		Success:  ptr(true),
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

// GetConversationWebchatQueueStatuses lists the webchat queues ordered by
// queue_name, with their agents and waiting customers.
func (h handlers) GetConversationWebchatQueueStatuses(context.Context, gen.GetConversationWebchatQueueStatusesRequestObject) (gen.GetConversationWebchatQueueStatusesResponseObject, error) {
	s := h.s
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]gen.ConversationWebchatQueueStatus, 0, len(s.st.queues))
	for _, q := range s.st.queues {
		out = append(out, clone(*q))
	}
	sort.SliceStable(out, func(i, j int) bool { return str(out[i].QueueName) < str(out[j].QueueName) })
	return gen.GetConversationWebchatQueueStatuses200JSONResponse{
		QueueStatuses: out,
		Metadata:      okMeta(),
		Success:       ptr(true),
	}, nil
}

// UpdateConversationWebchatQueueStatus sets the calling agent's status in
// the queue, adding the agent to the queue when not yet in it. An unknown
// queue or a missing agent_status is a 400.
func (h handlers) UpdateConversationWebchatQueueStatus(_ context.Context, req gen.UpdateConversationWebchatQueueStatusRequestObject) (gen.UpdateConversationWebchatQueueStatusResponseObject, error) {
	s := h.s
	if req.Body == nil || req.Body.AgentStatus == nil {
		return nil, badRequest("agent_status is required")
	}
	status := *req.Body.AgentStatus
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.findQueueLocked(req.QueueName)
	if q == nil {
		return nil, notFound("webchat queue", req.QueueName)
	}
	found := false
	for i := range q.Agents {
		if str(q.Agents[i].ConversationParticipantARN) == s.cfg.agentARN {
			q.Agents[i].AgentStatus = ptr(status)
			found = true
		}
	}
	if !found {
		q.Agents = append(q.Agents, gen.ConversationWebchatQueueStatusAgent{
			AgentStatus:                 ptr(status),
			ConversationParticipantARN:  ptr(s.cfg.agentARN),
			ConversationParticipantName: ptr(s.cfg.agentName),
			NextRoundRobin:              ptr(false),
		})
	}
	recountAgents(q)
	return gen.UpdateConversationWebchatQueueStatus204Response{}, nil
}
