package conversationtest

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/ultracart-community/ultracart-go/gen"
	"github.com/ultracart-community/ultracart-go/uctime"
)

// handlers implements the 23 operations for the generated strict server.
// It is a separate type so that Server's own method set stays the test
// API.
type handlers struct {
	s *Server
	// The operations of release 4.1.70 the fake does not serve yet answer
	// 501 before they reach here (see served).
	gen.StrictServerInterface
}

var _ gen.StrictServerInterface = handlers{}

// okMeta is the metadata of a successful response without a result set.
func okMeta() *gen.ResponseMetadata { return &gen.ResponseMetadata{} }

// Limits of getConversations, as documented.
const (
	defaultPageLimit = 100
	maxPageLimit     = 200
)

// StartConversation creates a conversation with the calling agent and the
// requested participants. With conversation_webchat_queue_uuid it picks
// that customer up from the webchat queue (medium websocket); otherwise
// the medium is sms. A conversation_arn naming an existing conversation
// reopens it and joins the agent to it.
func (h handlers) StartConversation(_ context.Context, req gen.StartConversationRequestObject) (gen.StartConversationResponseObject, error) {
	s := h.s
	body := req.Body
	if body == nil {
		return nil, badRequest("a start request body is required")
	}
	for _, arn := range body.AddConversationParticipantArns {
		if strings.TrimSpace(arn) == "" {
			return nil, badRequest("add_conversation_participant_arns contains an empty ARN")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	if arn := str(body.ConversationARN); arn != "" {
		for _, rec := range s.st.conversations {
			if str(rec.conv.ConversationARN) != arn {
				continue
			}
			rec.conv.Closed = ptr(false)
			s.joinLocked(rec, nil)
			for _, a := range body.AddConversationParticipantArns {
				s.addParticipantLocked(rec, gen.ConversationParticipant{ConversationParticipantARN: ptr(a)})
			}
			c := s.fullConversationLocked(rec, 0)
			return gen.StartConversation200JSONResponse{Conversation: &c}, nil
		}
	}

	medium := gen.ConversationMediumSms
	var customer *gen.ConversationParticipant
	if qid := str(body.ConversationWebchatQueueUUID); qid != "" {
		entry := s.takeQueueEntryLocked(qid)
		if entry == nil {
			return nil, notFound("webchat queue entry", qid)
		}
		medium = gen.ConversationMediumWebsocket
		customer = &gen.ConversationParticipant{
			ConversationParticipantARN:  entry.ConversationParticipantARN,
			ConversationParticipantName: entry.ConversationParticipantName,
			Email:                       entry.Email,
			LanguageIsoCode:             entry.ParticipantLanguageIsoCode,
		}
	}

	id := newUUID()
	arn := str(body.ConversationARN)
	if arn == "" {
		arn = conversationARN(id)
	}
	now := uctime.Ptr(s.now())
	s.st.seq++
	rec := &convRecord{seq: s.st.seq, conv: gen.Conversation{
		ConversationUUID: ptr(id),
		ConversationARN:  ptr(arn),
		MerchantID:       ptr(s.cfg.merchantID),
		Medium:           ptr(medium),
		StartDts:         now,
		Closed:           ptr(false),
		Visible:          ptr(true),
		UnreadMessages:   ptr(false),
		MessageCount:     ptr(int32(0)),
	}}
	s.joinLocked(rec, nil)
	if customer != nil {
		s.addParticipantLocked(rec, *customer)
	}
	for _, a := range body.AddConversationParticipantArns {
		s.addParticipantLocked(rec, gen.ConversationParticipant{ConversationParticipantARN: ptr(a)})
	}
	s.st.conversations[id] = rec
	c := s.fullConversationLocked(rec, 0)
	return gen.StartConversation200JSONResponse{Conversation: &c}, nil
}

// addParticipantLocked adds p unless a participant with its ARN is there
// already, filling in uuid, joined_dts, status and a known name.
func (s *Server) addParticipantLocked(rec *convRecord, p gen.ConversationParticipant) {
	arn := str(p.ConversationParticipantARN)
	if findParticipant(&rec.conv, arn) != nil {
		return
	}
	if p.ConversationParticipantName == nil {
		p.ConversationParticipantName = s.knownNameLocked(arn)
	}
	p.ConversationParticipantUUID = ptr(newUUID())
	p.JoinedDts = uctime.Ptr(s.now())
	p.Status = ptr("joined")
	p.UnreadMessages = ptr(int32(0))
	rec.conv.Participants = append(rec.conv.Participants, p)
}

// knownNameLocked finds a name for a participant ARN among the agents,
// queue entries and participants the fake knows.
func (s *Server) knownNameLocked(arn string) *string {
	if arn == s.cfg.agentARN {
		return ptr(s.cfg.agentName)
	}
	for _, q := range s.st.queues {
		for _, a := range q.Agents {
			if str(a.ConversationParticipantARN) == arn && a.ConversationParticipantName != nil {
				return ptr(*a.ConversationParticipantName)
			}
		}
		for _, e := range q.QueueEntries {
			if str(e.ConversationParticipantARN) == arn && e.ConversationParticipantName != nil {
				return ptr(*e.ConversationParticipantName)
			}
		}
	}
	for _, rec := range s.st.conversations {
		if p := findParticipant(&rec.conv, arn); p != nil && p.ConversationParticipantName != nil {
			return ptr(*p.ConversationParticipantName)
		}
	}
	return nil
}

// takeQueueEntryLocked removes the webchat queue entry with that uuid from
// its queue and returns it, or nil.
func (s *Server) takeQueueEntryLocked(queueUUID string) *gen.ConversationWebchatQueueStatusQueueEntry {
	for _, q := range s.st.queues {
		for i, e := range q.QueueEntries {
			if str(e.ConversationWebchatQueueUUID) != queueUUID {
				continue
			}
			q.QueueEntries = append(q.QueueEntries[:i], q.QueueEntries[i+1:]...)
			q.CustomerWaitingCount = ptr(int32(len(q.QueueEntries)))
			n := int32(0)
			if q.CustomerActiveCount != nil {
				n = *q.CustomerActiveCount
			}
			q.CustomerActiveCount = ptr(n + 1)
			return &e
		}
	}
	return nil
}

// joinLocked makes the calling agent an active participant.
func (s *Server) joinLocked(rec *convRecord, lang *string) {
	now := uctime.Ptr(s.now())
	if p := findParticipant(&rec.conv, s.cfg.agentARN); p != nil {
		if p.LeftDts != nil {
			p.LeftDts = nil
			p.JoinedDts = now
		}
		p.Status = ptr("joined")
		if lang != nil {
			p.LanguageIsoCode = lang
		}
		return
	}
	rec.conv.Participants = append(rec.conv.Participants, gen.ConversationParticipant{
		ConversationParticipantARN:  ptr(s.cfg.agentARN),
		ConversationParticipantName: ptr(s.cfg.agentName),
		ConversationParticipantUUID: ptr(newUUID()),
		JoinedDts:                   now,
		LanguageIsoCode:             lang,
		Status:                      ptr("joined"),
		UnreadMessages:              ptr(int32(0)),
	})
}

// lookupLocked finds a conversation or answers the 400 the service gives
// for an unknown one.
func (s *Server) lookupLocked(id string) (*convRecord, error) {
	rec, ok := s.st.conversations[id]
	if !ok {
		return nil, notFound("conversation", id)
	}
	return rec, nil
}

// activity is when a conversation last changed: its last message, else its
// start. getConversations orders and filters by it.
func activity(c *gen.Conversation) time.Time {
	if c.LastMessageDts != nil {
		return c.LastMessageDts.Time
	}
	if c.StartDts != nil {
		return c.StartDts.Time
	}
	return time.Time{}
}

// GetConversations lists conversation summaries newest first, filtered by
// medium and before (RFC 3339, strictly before), paged by _limit/_offset.
func (h handlers) GetConversations(_ context.Context, req gen.GetConversationsRequestObject) (gen.GetConversationsResponseObject, error) {
	s := h.s
	p := req.Params
	limit := int32(defaultPageLimit)
	if p.Limit != nil && *p.Limit != 0 {
		limit = *p.Limit
	}
	if limit < 1 || limit > maxPageLimit {
		return nil, badRequest("_limit must be between 1 and %d", maxPageLimit)
	}
	offset := int32(0)
	if p.Offset != nil {
		offset = *p.Offset
	}
	if offset < 0 {
		return nil, badRequest("_offset must not be negative")
	}
	var before time.Time
	if p.Before != nil && *p.Before != "" {
		t, err := time.Parse(time.RFC3339Nano, *p.Before)
		if err != nil {
			return nil, badRequest("before must be an RFC 3339 date-time such as 2022-12-13T09:58:41-05:00: %q", *p.Before)
		}
		before = t
	}
	medium := ""
	if p.Medium != nil {
		medium = string(*p.Medium)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var list []*convRecord
	for _, rec := range s.st.conversations {
		if medium != "" && !strings.EqualFold(str((*string)(rec.conv.Medium)), medium) {
			continue
		}
		if !before.IsZero() && !activity(&rec.conv).Before(before) {
			continue
		}
		list = append(list, rec)
	}
	sort.Slice(list, func(i, j int) bool {
		ai, aj := activity(&list[i].conv), activity(&list[j].conv)
		if !ai.Equal(aj) {
			return ai.After(aj)
		}
		return list[i].seq > list[j].seq
	})
	total := int32(len(list))
	start := min(offset, total)
	end := min(int64(start)+int64(limit), int64(total))
	page := list[start:end]
	out := make([]gen.ConversationSummary, 0, len(page))
	for _, rec := range page {
		out = append(out, summarize(clone(rec.conv)))
	}
	count := int32(len(out))
	more := start+count < total
	rs := &gen.ResultSet{
		Count:        ptr(count),
		Limit:        ptr(limit),
		Offset:       ptr(offset),
		More:         ptr(more),
		TotalRecords: ptr(total),
	}
	if more {
		rs.NextOffset = ptr(start + count)
	}
	return gen.GetConversations200JSONResponse{
		Conversations: out,
		Metadata:      &gen.ResponseMetadata{ResultSet: rs},
		Success:       ptr(true),
	}, nil
}

// summarize is the summary view of a conversation the list returns.
func summarize(c gen.Conversation) gen.ConversationSummary {
	medium := c.Medium
	return gen.ConversationSummary{
		Closed:                               c.Closed,
		ConversationARN:                      c.ConversationARN,
		ConversationUUID:                     c.ConversationUUID,
		CustomerFirstMessageUnrespondedToDts: c.CustomerFirstMessageUnrespondedToDts,
		LastConversationMessageBody:          c.LastConversationMessageBody,
		LastConversationParticipantARN:       c.LastConversationParticipantARN,
		LastConversationParticipantName:      c.LastConversationParticipantName,
		LastInteractiveMessageDts:            c.LastInteractiveMessageDts,
		LastMessageDts:                       c.LastMessageDts,
		Medium:                               medium,
		MerchantID:                           c.MerchantID,
		MessageCount:                         c.MessageCount,
		Participants:                         c.Participants,
		StartDts:                             c.StartDts,
		UnreadMessages:                       c.UnreadMessages,
		Visible:                              c.Visible,
	}
}

// GetConversation returns a conversation with its participants and its
// most recent limit messages (all when limit is absent or 0), oldest first.
func (h handlers) GetConversation(_ context.Context, req gen.GetConversationRequestObject) (gen.GetConversationResponseObject, error) {
	s := h.s
	limit, err := messageLimit(req.Params.Limit)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := s.lookupLocked(req.ConversationUUID)
	if err != nil {
		return nil, err
	}
	c := s.fullConversationLocked(rec, limit)
	return gen.GetConversation200JSONResponse{Conversation: &c, Metadata: okMeta(), Success: ptr(true)}, nil
}

func messageLimit(p *int32) (int, error) {
	if p == nil {
		return 0, nil
	}
	if *p < 0 {
		return 0, badRequest("limit must not be negative")
	}
	return int(*p), nil
}

// GetConversationMessages returns the messages whose message_epoch is
// strictly after since, oldest first, at most limit of them.
func (h handlers) GetConversationMessages(_ context.Context, req gen.GetConversationMessagesRequestObject) (gen.GetConversationMessagesResponseObject, error) {
	s := h.s
	limit, err := messageLimit(req.Params.Limit)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := s.lookupLocked(req.ConversationUUID)
	if err != nil {
		return nil, err
	}
	out := []gen.ConversationMessage{}
	for _, m := range rec.messages {
		if m.MessageEpoch == nil || *m.MessageEpoch <= req.Since {
			continue
		}
		out = append(out, m)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return gen.GetConversationMessages200JSONResponse{
		ConversationMessages: clone(out),
		Metadata:             okMeta(),
		Success:              ptr(true),
	}, nil
}

// JoinConversation makes the calling agent a participant (again).
func (h handlers) JoinConversation(_ context.Context, req gen.JoinConversationRequestObject) (gen.JoinConversationResponseObject, error) {
	s := h.s
	var lang *string
	if req.Body != nil && !emptyStr(req.Body.ParticipantLanguageIsoCode) {
		lang = ptr(*req.Body.ParticipantLanguageIsoCode)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := s.lookupLocked(req.ConversationUUID)
	if err != nil {
		return nil, err
	}
	s.joinLocked(rec, lang)
	return gen.JoinConversation204Response{}, nil
}

// LeaveConversation marks the calling agent as having left. Leaving twice
// is fine; leaving a conversation the agent never joined is a 400.
func (h handlers) LeaveConversation(_ context.Context, req gen.LeaveConversationRequestObject) (gen.LeaveConversationResponseObject, error) {
	s := h.s
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := s.lookupLocked(req.ConversationUUID)
	if err != nil {
		return nil, err
	}
	p := findParticipant(&rec.conv, s.cfg.agentARN)
	if p == nil {
		return nil, badRequest("the agent is not a participant of conversation %q", req.ConversationUUID)
	}
	if p.LeftDts == nil {
		p.LeftDts = uctime.Ptr(s.now())
		p.Status = ptr("left")
	}
	return gen.LeaveConversation204Response{}, nil
}

// MarkReadConversation clears unread_messages and the agent's unread count.
func (h handlers) MarkReadConversation(_ context.Context, req gen.MarkReadConversationRequestObject) (gen.MarkReadConversationResponseObject, error) {
	s := h.s
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := s.lookupLocked(req.ConversationUUID)
	if err != nil {
		return nil, err
	}
	rec.conv.UnreadMessages = ptr(false)
	if p := findParticipant(&rec.conv, s.cfg.agentARN); p != nil {
		p.UnreadMessages = ptr(int32(0))
	}
	return gen.MarkReadConversation204Response{}, nil
}

// GetConversationContext returns the webchat context set with
// SetWebchatContext, or a generated sample with a cart and two orders.
func (h handlers) GetConversationContext(_ context.Context, req gen.GetConversationContextRequestObject) (gen.GetConversationContextResponseObject, error) {
	s := h.s
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := s.lookupLocked(req.ConversationUUID)
	if err != nil {
		return nil, err
	}
	if rec.context != nil {
		return gen.GetConversationContext200JSONResponse(clone(*rec.context)), nil
	}
	return gen.GetConversationContext200JSONResponse(sampleContext(&rec.conv, s.cfg.merchantID)), nil
}
