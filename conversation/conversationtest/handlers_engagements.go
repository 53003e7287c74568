package conversationtest

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/ultracart-community/ultracart-go/gen"
)

// GetConversationEngagements lists engagements ordered by engagement_name.
func (h handlers) GetConversationEngagements(_ context.Context, _ gen.GetConversationEngagementsRequestObject) (gen.GetConversationEngagementsResponseObject, error) {
	s := h.s
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]gen.ConversationEngagement, 0, len(s.st.engagements))
	for _, e := range s.st.engagements {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		return lessFold(str(out[i].EngagementName), str(out[j].EngagementName),
			*out[i].ConversationEngagementOid, *out[j].ConversationEngagementOid)
	})
	return gen.GetConversationEngagements200JSONResponse{
		ConversationEngagements: clone(out),
		Metadata:                okMeta(),
		Success:                 ptr(true),
	}, nil
}

func checkEngagement(e *gen.ConversationEngagement) error {
	if strings.TrimSpace(str(e.EngagementName)) == "" {
		return badRequest("engagement_name is required")
	}
	if e.TimeOnPage != nil && *e.TimeOnPage < 0 {
		return badRequest("time_on_page must not be negative")
	}
	return nil
}

// InsertConversationEngagement stores a new engagement under a new oid.
func (h handlers) InsertConversationEngagement(_ context.Context, req gen.InsertConversationEngagementRequestObject) (gen.InsertConversationEngagementResponseObject, error) {
	s := h.s
	if req.Body == nil {
		return nil, badRequest("an engagement body is required")
	}
	e := clone(*req.Body)
	if err := checkEngagement(&e); err != nil {
		return nil, err
	}
	e.ConversationEngagementOid = nil
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := clone(s.putEngagementLocked(e))
	return gen.InsertConversationEngagement200JSONResponse{
		ConversationEngagement: &stored,
		Metadata:               okMeta(),
		Success:                ptr(true),
	}, nil
}

// UpdateConversationEngagement replaces the engagement with that oid; an
// unknown oid is a 400.
func (h handlers) UpdateConversationEngagement(_ context.Context, req gen.UpdateConversationEngagementRequestObject) (gen.UpdateConversationEngagementResponseObject, error) {
	s := h.s
	oid := req.ConversationEngagementOid
	if req.Body == nil {
		return nil, badRequest("an engagement body is required")
	}
	e := clone(*req.Body)
	if err := checkOidMatch(e.ConversationEngagementOid, oid, "conversation_engagement_oid"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.engagements[oid]; !ok {
		return nil, notFound("engagement", strconv.Itoa(int(oid)))
	}
	if err := checkEngagement(&e); err != nil {
		return nil, err
	}
	e.ConversationEngagementOid = ptr(oid)
	stored := clone(s.putEngagementLocked(e))
	return gen.UpdateConversationEngagement200JSONResponse{
		ConversationEngagement: &stored,
		Metadata:               okMeta(),
		Success:                ptr(true),
	}, nil
}
