package conversationtest

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ultracart-community/ultracart-go/gen"
	"github.com/ultracart-community/ultracart-go/uctime"
)

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
func (s *Server) startConversation(rq *request) (any, error) {
	body := &gen.ConversationStartRequest{}
	if err := rq.decode(body); err != nil {
		return nil, err
	}
	for _, arn := range body.AddConversationParticipantArns {
		if strings.TrimSpace(arn) == "" {
			return nil, badRequest("add_conversation_participant_arns contains an empty ARN")
		}
	}
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
			return s.fullConversationLocked(rec, 0), nil
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
	return s.fullConversationLocked(rec, 0), nil
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
func (s *Server) listConversations(rq *request) (any, error) {
	limit, offset, err := pageParams(rq)
	if err != nil {
		return nil, err
	}
	var before time.Time
	if b := rq.query.Get("before"); b != "" {
		t, err := time.Parse(time.RFC3339Nano, b)
		if err != nil {
			return nil, badRequest("before must be an RFC 3339 date-time such as 2022-12-13T09:58:41-05:00: %q", b)
		}
		before = t
	}
	medium := rq.query.Get("medium")
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
	sortByActivity(list, true)
	start, end := pageBounds(len(list), limit, offset)
	out := make([]gen.ConversationSummary, 0, end-start)
	for _, rec := range list[start:end] {
		out = append(out, summarize(rec.conv))
	}
	return fields{"conversations": out, "metadata": resultSet(len(list), limit, offset, len(out))}, nil
}

// sortByActivity orders conversations by their last activity, newest
// first unless !newest, then by when they were added.
func sortByActivity(list []*convRecord, newest bool) {
	sort.Slice(list, func(i, j int) bool {
		ai, aj := activity(&list[i].conv), activity(&list[j].conv)
		if !ai.Equal(aj) {
			return ai.After(aj) == newest
		}
		return (list[i].seq > list[j].seq) == newest
	})
}

// pageParams reads _limit (default 100; 0 means the default) and _offset.
// The spec bounds both.
func pageParams(rq *request) (limit, offset int, err error) {
	limit = rq.queryInt("_limit", defaultPageLimit)
	if limit == 0 {
		limit = defaultPageLimit
	}
	if limit < 1 || limit > maxPageLimit {
		return 0, 0, badRequest("_limit must be between 1 and %d", maxPageLimit)
	}
	offset = rq.queryInt("_offset", 0)
	if offset < 0 {
		return 0, 0, badRequest("_offset must not be negative")
	}
	return limit, offset, nil
}

// pageBounds is the slice of n items a page covers.
func pageBounds(n, limit, offset int) (start, end int) {
	start = min(offset, n)
	return start, min(start+limit, n)
}

// resultSet is the metadata of a page of count items out of total.
func resultSet(total, limit, offset, count int) *gen.ResponseMetadata {
	more := offset+count < total
	rs := &gen.ResultSet{
		Count:        ptr(int32(count)),
		Limit:        ptr(int32(limit)),
		Offset:       ptr(int32(offset)),
		More:         ptr(more),
		TotalRecords: ptr(int32(total)),
	}
	if more {
		rs.NextOffset = ptr(int32(offset + count))
	}
	return &gen.ResponseMetadata{ResultSet: rs}
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
func (s *Server) getConversation(rq *request) (any, error) {
	limit, err := messageLimit(rq)
	if err != nil {
		return nil, err
	}
	rec, err := s.lookupLocked(rq.path["conversation_uuid"])
	if err != nil {
		return nil, err
	}
	return s.fullConversationLocked(rec, limit), nil
}

func messageLimit(rq *request) (int, error) {
	n := rq.queryInt("limit", 0)
	if n < 0 {
		return 0, badRequest("limit must not be negative")
	}
	return n, nil
}

// GetConversationMessages returns the messages whose message_epoch is
// strictly after since, oldest first, at most limit of them.
func (s *Server) getMessages(rq *request) (any, error) {
	limit, err := messageLimit(rq)
	if err != nil {
		return nil, err
	}
	since, _ := strconv.ParseInt(rq.path["since"], 10, 64) // the spec makes it an int64
	rec, err := s.lookupLocked(rq.path["conversation_uuid"])
	if err != nil {
		return nil, err
	}
	out := []gen.ConversationMessage{}
	for _, m := range rec.messages {
		if m.MessageEpoch == nil || *m.MessageEpoch <= since {
			continue
		}
		out = append(out, m)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}

// JoinConversation makes the calling agent a participant (again).
func (s *Server) joinConversation(rq *request) (any, error) {
	var body gen.ConversationJoinRequest
	if err := rq.decode(&body); err != nil {
		return nil, err
	}
	var lang *string
	if !emptyStr(body.ParticipantLanguageIsoCode) {
		lang = body.ParticipantLanguageIsoCode
	}
	rec, err := s.lookupLocked(rq.path["conversation_uuid"])
	if err != nil {
		return nil, err
	}
	s.joinLocked(rec, lang)
	return nil, nil
}

// LeaveConversation marks the calling agent as having left. Leaving twice
// is fine; leaving a conversation the agent never joined is a 400.
func (s *Server) leaveConversation(rq *request) (any, error) {
	rec, err := s.lookupLocked(rq.path["conversation_uuid"])
	if err != nil {
		return nil, err
	}
	p := findParticipant(&rec.conv, s.cfg.agentARN)
	if p == nil {
		return nil, badRequest("the agent is not a participant of conversation %q", rq.path["conversation_uuid"])
	}
	if p.LeftDts == nil {
		p.LeftDts = uctime.Ptr(s.now())
		p.Status = ptr("left")
	}
	return nil, nil
}

// MarkReadConversation clears unread_messages and the agent's unread count.
func (s *Server) markRead(rq *request) (any, error) {
	rec, err := s.lookupLocked(rq.path["conversation_uuid"])
	if err != nil {
		return nil, err
	}
	rec.conv.UnreadMessages = ptr(false)
	if p := findParticipant(&rec.conv, s.cfg.agentARN); p != nil {
		p.UnreadMessages = ptr(int32(0))
	}
	return nil, nil
}

// smsUnsubscribe marks every participant with an SMS number as
// unsubscribed: status "unsubscribed", left_dts now.
func (s *Server) smsUnsubscribe(rq *request) (any, error) {
	rec, err := s.lookupLocked(rq.path["conversation_uuid"])
	if err != nil {
		return nil, err
	}
	for i := range rec.conv.Participants {
		if p := &rec.conv.Participants[i]; !emptyStr(p.SmsPhoneNumber) {
			p.Status = ptr("unsubscribed")
			if p.LeftDts == nil {
				p.LeftDts = uctime.Ptr(s.now())
			}
		}
	}
	return nil, nil
}

// GetConversationContext returns the webchat context set with
// SetWebchatContext, or a generated sample with a cart and two orders.
func (s *Server) webchatContext(rq *request) (any, error) {
	rec, err := s.lookupLocked(rq.path["conversation_uuid"])
	if err != nil {
		return nil, err
	}
	ctx := sampleContext(&rec.conv, s.cfg.merchantID)
	if rec.context != nil {
		ctx = *rec.context
	}
	o, err := toObj(ctx)
	return fields(o), err
}
