package conversationtest

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/gen"
	"github.com/ultracart-community/ultracart-go/uctime"
)

// state is everything the fake remembers. It is guarded by Server.mu:
// handlers run and their answers are encoded with it held, and callers of
// the seeding and inspection methods get deep copies (clone).
type state struct {
	seq           int // insertion order of conversations, to break time ties
	conversations map[string]*convRecord

	// store holds the kinds of kinds.go: by kind, scope and identifier.
	store map[*kind]map[string]map[string]obj
	oids  map[*kind]int32 // the next oid of each kind with int ids

	queues []*gen.ConversationWebchatQueueStatus // in insertion order

	uploads map[string]*uploadRecord
	// offered are the phone numbers searchPbxAvailablePhoneNumbers
	// offered: the ones purchasePbxPhoneNumber sells.
	offered map[string]bool
	// seeding collects what a seed document stores, while it is loaded,
	// for its references to be checked at the end (refs.go).
	seeding *[]seeded

	faults []*pendingFault

	counts map[string]int
	log    []RecordedRequest
}

func newState() state {
	return state{
		conversations: make(map[string]*convRecord),
		store:         make(map[*kind]map[string]map[string]obj),
		oids:          make(map[*kind]int32),
		uploads:       make(map[string]*uploadRecord),
		offered:       make(map[string]bool),
		counts:        make(map[string]int),
	}
}

// convRecord is one conversation. conv.Messages is always nil: the
// messages live in messages, sorted by message_epoch.
type convRecord struct {
	seq      int
	conv     gen.Conversation
	messages []gen.ConversationMessage
	context  *gen.ConversationWebchatContext
}

// clone deep-copies a model through its JSON form, the one representation
// every generated type round-trips exactly.
func clone[T any](v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		return v
	}
	return out
}

// now is the current time from the configured clock, to the millisecond
// as the service's epochs are.
func (s *Server) now() time.Time { return s.cfg.now().Truncate(time.Millisecond) }

func newUUID() string { return uuid.NewString() }

func conversationARN(id string) string { return "arn:fake:conversation:channel/" + id }

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func emptyStr(p *string) bool { return p == nil || *p == "" }

// ---- seeding ---------------------------------------------------------

// AddConversation stores c and returns it as stored, messages included.
// Missing fields are filled in: conversation_uuid and conversation_arn
// (random), merchant_id, medium ("websocket"), start_dts (now), visible
// (true), closed and unread_messages (false), and each participant's
// conversation_participant_uuid and joined_dts. Messages in c.Messages are
// added as by AddMessage. A conversation with the same UUID is replaced.
// Like every seeding method it fails, storing nothing, when the result
// would not pass the spec as the strictest client reads it (an unknown
// enum value, a string over its maximum length).
func (s *Server) AddConversation(c gen.Conversation) (gen.Conversation, error) {
	c = clone(c)
	msgs := c.Messages
	c.Messages = nil
	if emptyStr(c.ConversationUUID) {
		c.ConversationUUID = ptr(newUUID())
	}
	id := *c.ConversationUUID
	if emptyStr(c.ConversationARN) {
		c.ConversationARN = ptr(conversationARN(id))
	}
	if emptyStr(c.MerchantID) {
		c.MerchantID = ptr(s.cfg.merchantID)
	}
	if c.Medium == nil {
		c.Medium = ptr(gen.ConversationMedium("websocket"))
	}
	if c.StartDts == nil {
		c.StartDts = uctime.Ptr(s.now())
	}
	if c.Visible == nil {
		c.Visible = ptr(true)
	}
	if c.Closed == nil {
		c.Closed = ptr(false)
	}
	if c.UnreadMessages == nil {
		c.UnreadMessages = ptr(false)
	}
	for i := range c.Participants {
		p := &c.Participants[i]
		if emptyStr(p.ConversationParticipantUUID) {
			p.ConversationParticipantUUID = ptr(newUUID())
		}
		if p.JoinedDts == nil {
			p.JoinedDts = c.StartDts
		}
	}
	c.MessageCount = ptr(int32(0))

	s.mu.Lock()
	defer s.mu.Unlock()
	rec := &convRecord{seq: s.st.seq + 1, conv: c}
	for _, m := range msgs {
		s.addMessageLocked(rec, m)
	}
	full := s.fullConversationLocked(rec, 0)
	if err := s.checkModel("Conversation", full); err != nil {
		return gen.Conversation{}, fmt.Errorf("conversationtest: AddConversation: %w", err)
	}
	s.st.seq++
	s.st.conversations[id] = rec
	return full, nil
}

// checkModel validates a seeded model against its component schema.
func (s *Server) checkModel(schema string, v any) error {
	o, err := toObj(v)
	if err != nil {
		return err
	}
	return checkValue(s.spec.doc.Components.Schemas[schema].Value, o)
}

// AddMessage appends m to the conversation as if a participant had sent
// it, and returns it as stored. Missing fields are filled in:
// conversation_message_uuid, message_dts (now), message_epoch (from
// message_dts, made unique within the conversation), type ("message"),
// merchant_id, and the author's name from the participants. The
// conversation's last-message fields and message_count follow; a message
// whose author is not the calling agent sets unread_messages and the
// agent's unread count. It fails if the conversation does not exist.
func (s *Server) AddMessage(conversationUUID string, m gen.ConversationMessage) (gen.ConversationMessage, error) {
	m = clone(m)
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.st.conversations[conversationUUID]
	if !ok {
		return gen.ConversationMessage{}, fmt.Errorf("conversationtest: AddMessage: conversation %q does not exist", conversationUUID)
	}
	if err := s.checkModel("ConversationMessage", m); err != nil {
		return gen.ConversationMessage{}, fmt.Errorf("conversationtest: AddMessage: %w", err)
	}
	return clone(s.addMessageLocked(rec, m)), nil
}

func (s *Server) addMessageLocked(rec *convRecord, m gen.ConversationMessage) gen.ConversationMessage {
	if emptyStr(m.ConversationMessageUUID) {
		m.ConversationMessageUUID = ptr(newUUID())
	}
	autoDts := m.MessageDts == nil
	if autoDts {
		m.MessageDts = uctime.Ptr(s.now())
	}
	if m.MessageEpoch == nil {
		epoch := m.MessageDts.UnixMilli()
		for s.epochTaken(rec, epoch) {
			epoch++ // two messages in one millisecond would break paging by since
		}
		m.MessageEpoch = ptr(epoch)
		if autoDts {
			m.MessageDts = uctime.Ptr(time.UnixMilli(epoch).In(m.MessageDts.Location()))
		}
	}
	if m.Type == nil {
		m.Type = ptr(gen.ConversationMessageType("message"))
	}
	if emptyStr(m.MerchantID) {
		m.MerchantID = rec.conv.MerchantID
	}
	author := str(m.AuthorConversationParticipantARN)
	if author != "" && m.AuthorConversationParticipantName == nil {
		for _, p := range rec.conv.Participants {
			if str(p.ConversationParticipantARN) == author {
				m.AuthorConversationParticipantName = p.ConversationParticipantName
			}
		}
	}
	rec.messages = append(rec.messages, m)
	sort.SliceStable(rec.messages, func(i, j int) bool {
		return *rec.messages[i].MessageEpoch < *rec.messages[j].MessageEpoch
	})

	c := &rec.conv
	c.MessageCount = ptr(int32(len(rec.messages)))
	last := rec.messages[len(rec.messages)-1]
	c.LastMessageDts = last.MessageDts
	c.LastConversationMessageBody = last.Body
	c.LastConversationParticipantARN = last.AuthorConversationParticipantARN
	c.LastConversationParticipantName = last.AuthorConversationParticipantName
	if str((*string)(m.Type)) == "message" {
		if c.LastInteractiveMessageDts == nil || m.MessageDts.After(c.LastInteractiveMessageDts.Time) {
			c.LastInteractiveMessageDts = m.MessageDts
		}
	}
	for i := range c.Participants {
		p := &c.Participants[i]
		if author != "" && str(p.ConversationParticipantARN) == author {
			p.LastMessageDts = m.MessageDts
		}
	}
	if author != s.cfg.agentARN {
		c.UnreadMessages = ptr(true)
		if p := findParticipant(c, s.cfg.agentARN); p != nil {
			n := int32(0)
			if p.UnreadMessages != nil {
				n = *p.UnreadMessages
			}
			p.UnreadMessages = ptr(n + 1)
		}
	}
	return m
}

func (s *Server) epochTaken(rec *convRecord, epoch int64) bool {
	for _, m := range rec.messages {
		if m.MessageEpoch != nil && *m.MessageEpoch == epoch {
			return true
		}
	}
	return false
}

func findParticipant(c *gen.Conversation, arn string) *gen.ConversationParticipant {
	for i := range c.Participants {
		if str(c.Participants[i].ConversationParticipantARN) == arn {
			return &c.Participants[i]
		}
	}
	return nil
}

// SetWebchatContext sets what getConversationContext returns for the
// conversation, instead of the generated sample (a cart with two items and
// two orders). It fails if the conversation does not exist.
func (s *Server) SetWebchatContext(conversationUUID string, ctx gen.ConversationWebchatContext) error {
	ctx = clone(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.st.conversations[conversationUUID]
	if !ok {
		return fmt.Errorf("conversationtest: SetWebchatContext: conversation %q does not exist", conversationUUID)
	}
	rec.context = &ctx
	return nil
}

// AddQueueStatus stores a webchat queue and returns it as stored. queue_name
// is required (a random one is made up when empty); a queue with the same
// name is replaced. Agent counts are computed from agents and
// customer_waiting_count from queue_entries when not given; queue entries
// get a conversation_webchat_queue_uuid and join_dts when missing, and the
// calling agent its agent_user_id. A
// queue entry's conversation_webchat_queue_uuid is what startConversation
// takes to pick that customer up.
func (s *Server) AddQueueStatus(q gen.ConversationWebchatQueueStatus) (gen.ConversationWebchatQueueStatus, error) {
	q = clone(q)
	if emptyStr(q.QueueName) {
		q.QueueName = ptr("queue-" + randomHex(4))
	}
	for i := range q.QueueEntries {
		e := &q.QueueEntries[i]
		if emptyStr(e.ConversationWebchatQueueUUID) {
			e.ConversationWebchatQueueUUID = ptr(newUUID())
		}
		if e.JoinDts == nil {
			e.JoinDts = uctime.Ptr(s.now())
		}
	}
	if q.CustomerWaitingCount == nil {
		q.CustomerWaitingCount = ptr(int32(len(q.QueueEntries)))
	}
	for i := range q.Agents {
		if a := &q.Agents[i]; emptyStr(a.AgentUserID) && str(a.ConversationParticipantARN) == s.cfg.agentARN {
			a.AgentUserID = ptr(strconv.Itoa(s.cfg.agentUserID))
		}
	}
	if q.AgentCount == nil {
		recountAgents(&q)
	}
	if err := s.checkModel("ConversationWebchatQueueStatus", q); err != nil {
		return gen.ConversationWebchatQueueStatus{}, fmt.Errorf("conversationtest: AddQueueStatus: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, old := range s.st.queues {
		if str(old.QueueName) == *q.QueueName {
			s.st.queues[i] = &q
			return clone(q), nil
		}
	}
	s.st.queues = append(s.st.queues, &q)
	return clone(q), nil
}

// AddVoicemail stores a voicemail as if a caller had left it: in the PBX
// queue with that uuid, or for the calling agent when queueUUID is empty.
// Missing fields are filled in: recording_sid (random), voicemail_dts
// (now), recording_status ("completed"), listened (false) and
// merchant_id. It is Add or AddUnder for gen.ConversationPbxVoicemailMessage.
func (s *Server) AddVoicemail(queueUUID string, v gen.ConversationPbxVoicemailMessage) (gen.ConversationPbxVoicemailMessage, error) {
	if emptyStr(v.RecordingSid) {
		v.RecordingSid = ptr("RE" + randomHex(16))
	}
	if v.VoicemailDts == nil {
		v.VoicemailDts = uctime.Ptr(s.now())
	}
	if v.RecordingStatus == nil {
		v.RecordingStatus = ptr(gen.ConversationPbxRecordingStatusCompleted)
	}
	if v.Listened == nil {
		v.Listened = ptr(false)
	}
	if queueUUID == "" {
		return Add(s, v)
	}
	return AddUnder(s, queueUUID, v)
}

// AddCall stores a PBX call record, as searchPbxCalls and getPbxCall find
// it. Missing fields are filled in: call_uuid (random), created_at_dts and
// updated_at_dts (now) and merchant_id. It is Add for gen.ConversationPbxCall.
func (s *Server) AddCall(c gen.ConversationPbxCall) (gen.ConversationPbxCall, error) {
	if c.CreatedAtDts == nil {
		c.CreatedAtDts = uctime.Ptr(s.now())
	}
	if c.UpdatedAtDts == nil {
		c.UpdatedAtDts = c.CreatedAtDts
	}
	return Add(s, c)
}

// recountAgents recomputes the agent counts from the agents' statuses.
func recountAgents(q *gen.ConversationWebchatQueueStatus) {
	var avail, busy, unavail int32
	for _, a := range q.Agents {
		switch str((*string)(a.AgentStatus)) {
		case "available":
			avail++
		case "busy":
			busy++
		default:
			unavail++
		}
	}
	q.AgentCount = ptr(int32(len(q.Agents)))
	q.AgentAvailableCount = ptr(avail)
	q.AgentBusyCount = ptr(busy)
	q.AgentUnavailableCount = ptr(unavail)
}

// ---- inspection ------------------------------------------------------

// Conversation returns the conversation as the fake holds it now, all
// messages included, and whether it exists.
func (s *Server) Conversation(conversationUUID string) (gen.Conversation, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.st.conversations[conversationUUID]
	if !ok {
		return gen.Conversation{}, false
	}
	return s.fullConversationLocked(rec, 0), true
}

// fullConversationLocked copies the conversation with its most recent limit
// messages (all when limit <= 0), oldest first.
func (s *Server) fullConversationLocked(rec *convRecord, limit int) gen.Conversation {
	c := clone(rec.conv)
	msgs := rec.messages
	if limit > 0 && len(msgs) > limit {
		msgs = msgs[len(msgs)-limit:]
	}
	c.Messages = clone(msgs)
	return c
}

// QueueStatus returns the webchat queue with that name as it is now, and
// whether it exists.
func (s *Server) QueueStatus(queueName string) (gen.ConversationWebchatQueueStatus, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q := s.findQueueLocked(queueName); q != nil {
		return clone(*q), true
	}
	return gen.ConversationWebchatQueueStatus{}, false
}

func (s *Server) findQueueLocked(name string) *gen.ConversationWebchatQueueStatus {
	for _, q := range s.st.queues {
		if str(q.QueueName) == name {
			return q
		}
	}
	return nil
}

// Agent returns the participant ARN and name the fake treats as the caller.
func (s *Server) Agent() (arn, name string) { return s.cfg.agentARN, s.cfg.agentName }

// MerchantID returns the merchant_id the fake reports.
func (s *Server) MerchantID() string { return s.cfg.merchantID }

// AgentUserID returns the calling agent's user_id: the agent profile
// getAgentProfile returns, and the user under which user PBX audio lives.
func (s *Server) AgentUserID() conversation.UserID { return conversation.UserID(s.cfg.agentUserID) }

func deref[T any](p *T) T {
	var zero T
	if p != nil {
		return *p
	}
	return zero
}

// plural is "1 conversation", "2 conversations".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
