package conversation

import (
	"encoding"
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// MessagePosition is where a walk over a conversation's messages stands:
// the newest message epoch yielded and the messages yielded at that epoch
// (a millisecond may hold several, and more may arrive later). Every
// MessageEvent carries the position just after its message; persist it (its
// text form, MarshalText, is a short string), and pass it back as
// FollowConversationMessagesOptions.Resume or GetConversationMessagesIterOptions.Resume to go on exactly after
// that message: no gap, no duplicate, ties in one millisecond included. A
// position belongs to one conversation. The zero value is no position.
type MessagePosition struct {
	epoch int64
	// ids are the messages yielded at epoch, in order. Positions of one
	// walk share ids' backing array, which is only appended to: each holds
	// its own prefix.
	ids []string
	set bool
}

// IsZero reports whether p is no position.
func (p MessagePosition) IsZero() bool { return !p.set }

// Time is the epoch of the newest message yielded, as a time (the zero time
// for no position).
func (p MessagePosition) Time() time.Time {
	if !p.set {
		return time.Time{}
	}
	return time.UnixMilli(p.epoch)
}

// String is the text form (MarshalText).
func (p MessagePosition) String() string { return textOf(p) }

// messagePositionPrefix starts the text form, and names its version.
const messagePositionPrefix = "m1:"

// MarshalText encodes p as "m1:<epoch>" followed by ",<id>" for each message
// yielded at that epoch (ids query-escaped); no position is empty text.
func (p MessagePosition) MarshalText() ([]byte, error) {
	if !p.set {
		return []byte{}, nil
	}
	return positionText(messagePositionPrefix, strconv.FormatInt(p.epoch, 10), len(p.ids),
		func(i int) string { return url.QueryEscape(p.ids[i]) }), nil
}

// UnmarshalText decodes MarshalText's form; empty text is no position.
func (p *MessagePosition) UnmarshalText(text []byte) error {
	head, entries, err := splitPosition("MessagePosition", messagePositionPrefix, string(text))
	if err != nil || len(text) == 0 {
		*p = MessagePosition{}
		return err
	}
	epoch, err := strconv.ParseInt(head, 10, 64)
	if err != nil || epoch < 0 {
		return errors.New("conversation: MessagePosition: the epoch is not a non-negative integer")
	}
	ids := make([]string, len(entries))
	for i, e := range entries {
		if ids[i], err = url.QueryUnescape(e); err != nil {
			return fmt.Errorf("conversation: MessagePosition: message id: %w", err)
		}
	}
	*p = MessagePosition{epoch: epoch, ids: ids, set: true}
	return nil
}

// positionText is a position's text form: prefix and head, then ",entry(i)"
// for i from 0 to n-1.
func positionText(prefix, head string, n int, entry func(i int) string) []byte {
	var b strings.Builder
	b.WriteString(prefix)
	b.WriteString(head)
	for i := range n {
		b.WriteByte(',')
		b.WriteString(entry(i))
	}
	return []byte(b.String())
}

// splitPosition cuts a position's text form (of type typ) into its head and
// entries; empty text has neither.
func splitPosition(typ, prefix, text string) (head string, entries []string, err error) {
	if text == "" {
		return "", nil, nil
	}
	rest, ok := strings.CutPrefix(text, prefix)
	if !ok {
		return "", nil, errors.New("conversation: " + typ + ": text does not start with " + strconv.Quote(prefix))
	}
	fields := strings.Split(rest, ",")
	return fields[0], fields[1:], nil
}

// InboxPosition is where WatchInbox stands: the newest activity reported,
// and the conversations reported with exactly that activity, in the state
// reported (the service's times have one-second resolution, so several
// changes may share one). Every InboxEvent carries the position just after
// it; persist it (MarshalText), and pass it back as InboxOptions.Resume to
// go on exactly after that event: no gap, no duplicate, changes in one
// second included. The zero value is no position.
type InboxPosition struct {
	at time.Time
	// seen are the conversations reported at exactly at, with a hash of the
	// state reported (summaryKey), in order; a later entry for the same
	// conversation replaces an earlier one. Positions of one watch share
	// the backing array, which is only appended to.
	seen []inboxSeen
	// floor: no activity at exactly at is wanted (a position made from
	// InboxOptions.Since, never one an event carries).
	floor bool
	set   bool
}

type inboxSeen struct{ uuid, key string }

// IsZero reports whether p is no position.
func (p InboxPosition) IsZero() bool { return !p.set }

// Time is the activity time of the newest change reported (the latest of a
// summary's last_message_dts, last_interactive_message_dts and start_dts),
// or the zero time for no position.
func (p InboxPosition) Time() time.Time { return p.at }

// String is the text form (MarshalText).
func (p InboxPosition) String() string { return textOf(p) }

// textOf is a position's text form (its MarshalText never fails).
func textOf(p encoding.TextMarshaler) string {
	b, _ := p.MarshalText()
	return string(b)
}

const inboxPositionPrefix = "i1:"

// MarshalText encodes p as "i1:<RFC 3339 time>" followed by
// ",<conversation uuid>=<state hash>" for each conversation reported at that
// time (uuids query-escaped); no position is empty text. The text holds no
// message content: the state is a hash.
func (p InboxPosition) MarshalText() ([]byte, error) {
	if !p.set {
		return []byte{}, nil
	}
	head := p.at.UTC().Format(time.RFC3339Nano)
	if p.floor {
		head += "!"
	}
	return positionText(inboxPositionPrefix, head, len(p.seen),
		func(i int) string { return url.QueryEscape(p.seen[i].uuid) + "=" + p.seen[i].key }), nil
}

// UnmarshalText decodes MarshalText's form; empty text is no position.
func (p *InboxPosition) UnmarshalText(text []byte) error {
	head, entries, err := splitPosition("InboxPosition", inboxPositionPrefix, string(text))
	if err != nil || len(text) == 0 {
		*p = InboxPosition{}
		return err
	}
	ts, floor := strings.CutSuffix(head, "!")
	at, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return errors.New("conversation: InboxPosition: the time is not RFC 3339")
	}
	seen := make([]inboxSeen, len(entries))
	for i, e := range entries {
		u, key, ok := strings.Cut(e, "=")
		uuid, err := url.QueryUnescape(u)
		if !ok || err != nil {
			return errors.New("conversation: InboxPosition: a conversation entry is not uuid=state")
		}
		seen[i] = inboxSeen{uuid, key}
	}
	*p = InboxPosition{at: at, seen: seen, floor: floor, set: true}
	return nil
}

// stateHash is the short hash of a summary's state (summaryKey) a position
// keeps, so that it holds no message content.
func stateHash(key string) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	return strconv.FormatUint(h.Sum64(), 16)
}
