package conversationtest

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/ultracart-community/ultracart-go/gen"
)

// sortedCannedLocked returns the canned messages ordered by short_code.
func (s *Server) sortedCannedLocked() []gen.ConversationCannedMessage {
	out := make([]gen.ConversationCannedMessage, 0, len(s.st.canned))
	for _, m := range s.st.canned {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool {
		return lessFold(str(out[i].ShortCode), str(out[j].ShortCode),
			*out[i].ConversationCannedMessageOid, *out[j].ConversationCannedMessageOid)
	})
	return out
}

// GetConversationCannedMessages lists canned messages ordered by short_code.
func (h handlers) GetConversationCannedMessages(_ context.Context, _ gen.GetConversationCannedMessagesRequestObject) (gen.GetConversationCannedMessagesResponseObject, error) {
	s := h.s
	s.mu.Lock()
	defer s.mu.Unlock()
	return gen.GetConversationCannedMessages200JSONResponse{
		ConversationCannedMessages: clone(s.sortedCannedLocked()),
		Metadata:                   okMeta(),
		Success:                    ptr(true),
	}, nil
}

func checkCanned(m *gen.ConversationCannedMessage) error {
	if strings.TrimSpace(str(m.ShortCode)) == "" {
		return badRequest("short_code is required")
	}
	return nil
}

// InsertConversationCannedMessage stores a new canned message under a new
// oid; an oid in the body is ignored.
func (h handlers) InsertConversationCannedMessage(_ context.Context, req gen.InsertConversationCannedMessageRequestObject) (gen.InsertConversationCannedMessageResponseObject, error) {
	s := h.s
	if req.Body == nil {
		return nil, badRequest("a canned message body is required")
	}
	m := clone(*req.Body)
	if err := checkCanned(&m); err != nil {
		return nil, err
	}
	m.ConversationCannedMessageOid = nil
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := clone(s.putCannedLocked(m))
	return gen.InsertConversationCannedMessage200JSONResponse{
		ConversationCannedMessage: &stored,
		Metadata:                  okMeta(),
		Success:                   ptr(true),
	}, nil
}

// UpdateConversationCannedMessage replaces the canned message with that
// oid; an unknown oid, or a different oid in the body, is a 400.
func (h handlers) UpdateConversationCannedMessage(_ context.Context, req gen.UpdateConversationCannedMessageRequestObject) (gen.UpdateConversationCannedMessageResponseObject, error) {
	s := h.s
	oid := req.ConversationCannedMessageOid
	if req.Body == nil {
		return nil, badRequest("a canned message body is required")
	}
	m := clone(*req.Body)
	if err := checkOidMatch(m.ConversationCannedMessageOid, oid, "conversation_canned_message_oid"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.canned[oid]; !ok {
		return nil, notFound("canned message", strconv.Itoa(int(oid)))
	}
	if err := checkCanned(&m); err != nil {
		return nil, err
	}
	m.ConversationCannedMessageOid = ptr(oid)
	stored := clone(s.putCannedLocked(m))
	return gen.UpdateConversationCannedMessage200JSONResponse{
		ConversationCannedMessage: &stored,
		Metadata:                  okMeta(),
		Success:                   ptr(true),
	}, nil
}

// checkOidMatch refuses a body that names another object than the path.
func checkOidMatch(body *int32, path int32, field string) error {
	if body != nil && *body != 0 && *body != path {
		return badRequest("%s %d in the body does not match %d in the path", field, *body, path)
	}
	return nil
}

// SearchConversationCannedMessages finds canned messages whose short_code
// contains the search text, case-insensitively: prefix matches first, each
// group ordered by short_code, at most max_results when positive.
func (h handlers) SearchConversationCannedMessages(_ context.Context, req gen.SearchConversationCannedMessagesRequestObject) (gen.SearchConversationCannedMessagesResponseObject, error) {
	s := h.s
	if req.Body == nil {
		return nil, badRequest("a search request body is required")
	}
	q := strings.ToLower(strings.TrimSpace(str(req.Body.ShortCode)))
	limit := 0
	if req.Body.MaxResults != nil {
		if *req.Body.MaxResults < 0 {
			return nil, badRequest("max_results must not be negative")
		}
		limit = int(*req.Body.MaxResults)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var prefix, inner []gen.ConversationCannedMessage
	for _, m := range s.sortedCannedLocked() {
		code := strings.ToLower(str(m.ShortCode))
		switch {
		case strings.HasPrefix(code, q):
			prefix = append(prefix, m)
		case strings.Contains(code, q):
			inner = append(inner, m)
		}
	}
	out := append(prefix, inner...)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	if out == nil {
		out = []gen.ConversationCannedMessage{}
	}
	return gen.SearchConversationCannedMessages200JSONResponse{
		ConversationCannedMessages: clone(out),
		Metadata:                   okMeta(),
		Success:                    ptr(true),
	}, nil
}
