package conversationtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/getkin/kin-openapi/routers"
)

// request is what a handler sees of an API request, already validated
// against the spec: its path and query values and its body.
type request struct {
	op     string
	path   map[string]string
	query  url.Values
	body   []byte
	origin string // scheme and host the request was sent to
}

// decode reads the body into v; an absent body leaves v as it is.
func (rq *request) decode(v any) error {
	if len(bytes.TrimSpace(rq.body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(rq.body, v); err != nil {
		return badRequest("body: %v", err)
	}
	return nil
}

// object is the body as a stored object, numbers kept exact.
func (rq *request) object() (obj, error) {
	var o obj
	d := json.NewDecoder(bytes.NewReader(rq.body))
	d.UseNumber()
	if err := d.Decode(&o); err != nil || o == nil {
		return nil, badRequest("a JSON object body is required")
	}
	return o, nil
}

// queryInt is an integer query value (validated by the spec), or def.
func (rq *request) queryInt(name string, def int) int {
	if n, err := strconv.Atoi(rq.query.Get(name)); err == nil {
		return n
	}
	return def
}

// queryBool is a boolean query value, as true/false or the 1/0 UltraCart's
// PHP SDK sends, or nil when absent.
func (rq *request) queryBool(name string) *bool {
	if b, err := strconv.ParseBool(rq.query.Get(name)); err == nil {
		return &b
	}
	return nil
}

// handler serves one operation with Server.mu held, so that it reads and
// changes the state freely; what it returns is encoded before the lock is
// released. It returns the value of the response's one payload property
// (address, conversation), fields for a response with several, or nil.
// The envelope (success, metadata) is added as the spec's schema has it.
type handler func(s *Server, rq *request) (any, error)

// fields are top-level properties of a response body.
type fields map[string]any

// ops maps every operationId of the API to its handler: the generic ones
// of the kinds (kinds.go) and the service's own behaviour.
var ops = func() map[string]handler {
	m := map[string]handler{
		// Conversations and messages (handlers_conversations.go).
		"getConversations":                 (*Server).listConversations,
		"getConversation":                  (*Server).getConversation,
		"getConversationMessages":          (*Server).getMessages,
		"startConversation":                (*Server).startConversation,
		"joinConversation":                 (*Server).joinConversation,
		"leaveConversation":                (*Server).leaveConversation,
		"markReadConversation":             (*Server).markRead,
		"smsUnsubscribeConversation":       (*Server).smsUnsubscribe,
		"getConversationContext":           (*Server).webchatContext,
		"getConversationsSearch":           (*Server).searchConversations,
		"getConversationsAutocomplete":     (*Server).autocomplete,
		"searchConversationCannedMessages": (*Server).searchCanned,
		// The agent and the webchat queues (handlers_agent.go).
		"getAgentKeepAlive":                    func(*Server, *request) (any, error) { return nil, nil },
		"getAgentWebsocketAuthorization":       (*Server).agentAuth,
		"getAgentProfile":                      (*Server).myProfile,
		"updateAgentProfile":                   (*Server).updateMyProfile,
		"getConversationDepartmentMemberList":  (*Server).departmentMembers,
		"getConversationWebchatQueueStatuses":  (*Server).webchatQueues,
		"updateConversationWebchatQueueStatus": (*Server).updateWebchatQueueStatus,
		"getAgentProfileMcpTools":              (*Server).mcpTools,
		// Uploads and documents (handlers_upload.go).
		"getConversationMultimediaUploadUrl":            (*Server).uploadURL,
		"getConversationPbxAudioUploadUrl":              (*Server).uploadURL,
		"getConversationKnowledgeBaseDocumentUploadUrl": (*Server).uploadURL,
		"insertAgentProfileKnowledgeBaseDocument":       (*Server).insertDocument,
		// PBX behaviour (handlers_pbx.go).
		"searchPbxAvailablePhoneNumbers":        (*Server).searchPhoneNumbers,
		"purchasePbxPhoneNumber":                (*Server).purchasePhoneNumber,
		"protectPbxPhoneNumber":                 (*Server).protectPhoneNumber,
		"regeneratePasswordForPbxHardwarePhone": (*Server).regeneratePassword,
		"getPbxAudioUsage":                      (*Server).audioUsage,
		"listenedPbxAgentVoicemail":             (*Server).voicemailListened,
		"listenedPbxQueueVoicemail":             (*Server).voicemailListened,
		"resetConversationPbxQueueStatistics":   (*Server).resetQueueStatistics,
		"searchPbxCalls":                        (*Server).searchCalls,
		"getPbxCosAuditLogs":                    (*Server).cosAuditLogs,
		"getConversationPbxCustomerSnapshot":    (*Server).customerSnapshot,
		"getPbxHardwarePhoneManufacturers":      reference("manufacturers"),
		"getPbxVoicemailCapabilities":           (*Server).voicemailCapabilities,
		// Custom statuses and the status reports (statuses.go, reports.go).
		"deleteAgentStatusConfig":   (*Server).deactivateStatus,
		"searchAgentStatusHistory":  (*Server).statusHistory,
		"searchAgentStatusRollups":  (*Server).statusRollups,
		"getAgentStatusSummary":     (*Server).statusSummary,
		"getAgentStatusHeatmap":     (*Server).statusHeatmap,
		"getAgentStatusTimeline":    (*Server).statusTimeline,
		"getLocationsForEngagement": reference("countries"),
	}
	for _, k := range kinds {
		for op, h := range k.handlers() {
			m[op] = h
		}
	}
	return m
}()

// serveOp runs the operation's handler and writes its answer, checked
// against the spec first unless WithoutResponseValidation.
func (s *Server) serveOp(w http.ResponseWriter, r *http.Request, op string, route *routers.Route, params map[string]string, body []byte) {
	info, h := s.spec.ops[op], ops[op]
	if info == nil || h == nil { // TestEveryOperationHasAHandler rules this out
		writeError(w, http.StatusNotImplemented, "the fake does not serve "+op, "", nil)
		return
	}
	rq := &request{op: op, path: params, query: r.URL.Query(), body: body, origin: origin(r)}
	s.mu.Lock()
	v, err := h(s, rq)
	var out []byte
	if err == nil && info.status != http.StatusNoContent {
		out, err = encodeReply(info, v)
	}
	s.mu.Unlock()
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) {
			writeError(w, ae.status, ae.msg, ae.objectID, nil)
			return
		}
		writeError(w, http.StatusInternalServerError, "internal error in the fake: "+firstLine(err.Error()), "", nil)
		return
	}
	header := http.Header{}
	if out != nil {
		header.Set("Content-Type", "application/json")
	}
	if s.cfg.validateResponses {
		if err := s.spec.validateResponse(r, route, params, info.status, header, out); err != nil {
			msg := "the fake built a response the spec rejects: " + err.Error()
			if s.tb != nil {
				s.tb.Errorf("conversationtest: %s: %s", op, msg)
			}
			writeError(w, http.StatusInternalServerError, msg, "", nil)
			return
		}
	}
	for k, vs := range header {
		w.Header()[k] = vs
	}
	w.WriteHeader(info.status)
	_, _ = w.Write(out)
}

// encodeReply builds the body the operation's schema describes around v.
func encodeReply(info *opSpec, v any) ([]byte, error) {
	body := make(map[string]any)
	if info.envelope {
		body["success"] = true
		body["metadata"] = obj{}
	}
	switch t := v.(type) {
	case nil:
	case fields:
		for k, x := range t {
			body[k] = x
		}
	default:
		// A payload that is a property of the object acted on, such as the
		// document_id a knowledge base delete answers, is taken from it.
		if o, ok := t.(obj); ok && info.payloadSchema != nil && !info.payloadSchema.Value.Type.Includes("object") {
			v = o[info.payload]
		}
		body[info.payload] = view(info.payloadSchema, v)
	}
	return json.Marshal(body)
}
