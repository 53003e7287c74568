package conversation

import (
	"context"
	"iter"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"time"
)

// InboxEventKind says what WatchInbox saw change.
type InboxEventKind int

const (
	// InboxNewConversation is a conversation that started since the
	// previous poll (or after InboxOptions.Since).
	InboxNewConversation InboxEventKind = iota + 1
	// InboxNewMessage is a conversation that already existed and whose
	// latest message is newer than at the previous poll.
	InboxNewMessage
)

// String names the kind, for logs: "new conversation", "new message".
func (k InboxEventKind) String() string {
	switch k {
	case InboxNewConversation:
		return "new conversation"
	case InboxNewMessage:
		return "new message"
	}
	return "InboxEventKind(" + strconv.Itoa(int(k)) + ")"
}

// InboxEvent is one change WatchInbox saw: a conversation summary as
// getConversations returned it, with its latest message
// (LastConversationMessageBody, LastMessageDts, MessageCount,
// UnreadMessages).
type InboxEvent struct {
	Kind         InboxEventKind
	Conversation ConversationSummary
}

// Defaults of InboxOptions.
const (
	DefaultInboxPageSize = 50
	DefaultInboxMaxPages = 5
)

// InboxOptions configure WatchInbox. The zero value watches every medium
// from now on, every DefaultInboxInterval.
type InboxOptions struct {
	// Medium keeps only conversations of one medium
	// (ConversationMediumSms, ConversationMediumWebsocket); empty watches
	// all.
	Medium ConversationMedium
	// Since reports activity after it. The zero time (unlike
	// FollowOptions.Since) means from now on: the first poll only notes
	// what the inbox holds, and later polls report what changes.
	Since time.Time
	// Interval is the wait between polls (default DefaultInboxInterval,
	// 30s). With the rate budget on, one shorter than its sustained
	// interval (8.64s by default) is refused.
	Interval time.Duration
	// PageSize is the number of summaries per request, 1..MaxPageSize
	// (default DefaultInboxPageSize).
	PageSize int
	// MaxPages bounds the requests of one poll (default
	// DefaultInboxMaxPages): a poll reads further pages only while every
	// summary on a page is new, which takes more than PageSize changes in
	// one interval.
	MaxPages int
}

// WatchInbox yields the inbox's changes, new conversations and new
// messages across every conversation, from one poll loop over
// getConversations, whose summaries come newest activity first and carry
// each conversation's latest message. One watcher costs one request per
// Interval however many conversations are open, where a follower per
// conversation (FollowMessages) costs one each: watch the inbox, and follow
// only the conversations being handled.
//
// Changes are found by activity time (the latest of a summary's
// last_message_dts, last_interactive_message_dts and start_dts), so
// several messages to one conversation between two polls are one event;
// fetch them with GetConversationMessages or FollowMessages. A summary with
// none of those times is skipped. Events of one poll come oldest first.
//
// It runs until ctx ends or the caller breaks. A failed poll is yielded as
// an error; the caller may break, or continue and polling resumes after
// Interval. Invalid options are yielded as an *ArgumentError before
// anything is sent.
func (c *Client) WatchInbox(ctx context.Context, opts *InboxOptions) iter.Seq2[InboxEvent, error] {
	var o InboxOptions
	if opts != nil {
		o = *opts
	}
	op := opGetConversations.id
	var optErr error
	o.Interval, optErr = c.pollInterval(op, "opts.Interval", o.Interval, DefaultInboxInterval)
	switch {
	case optErr != nil:
	case o.PageSize < 0 || o.PageSize > MaxPageSize:
		optErr = &ArgumentError{Operation: op, Argument: "opts.PageSize", Reason: "must be between 1 and " + strconv.Itoa(MaxPageSize) + " (0 takes the default)"}
	case o.MaxPages < 0:
		optErr = &ArgumentError{Operation: op, Argument: "opts.MaxPages", Reason: "must not be negative (0 takes the default)"}
	}
	if o.PageSize == 0 {
		o.PageSize = DefaultInboxPageSize
	}
	if o.MaxPages == 0 {
		o.MaxPages = DefaultInboxMaxPages
	}
	return func(yield func(InboxEvent, error) bool) {
		if err := checkCtx(op, ctx); err != nil {
			yield(InboxEvent{}, err)
			return
		}
		if optErr != nil {
			yield(InboxEvent{}, optErr)
			return
		}
		w := inboxWatch{c: c, o: o, mark: o.Since, baseline: o.Since.IsZero(), markIsSince: !o.Since.IsZero(),
			atMark: map[string]string{}}
		for {
			events, err := w.poll(ctx)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				if !yield(InboxEvent{}, err) {
					return
				}
			}
			for _, e := range events {
				if !yield(e, nil) {
					return
				}
			}
			if sleep(ctx, o.Interval) != nil {
				return
			}
		}
	}
}

// inboxWatch is the state of one WatchInbox run.
type inboxWatch struct {
	c *Client
	o InboxOptions
	// mark is the newest activity reported (or noted by the baseline poll);
	// atMark holds the conversations seen with exactly that activity, and
	// the state seen (summaryKey), so that a change within the same second
	// (the service's date-times have one-second resolution) is neither
	// lost nor repeated.
	mark   time.Time
	atMark map[string]string
	// markIsSince: mark is InboxOptions.Since, and activity at exactly
	// Since is not after it.
	markIsSince bool
	baseline    bool // the next successful poll only sets mark
}

// poll reads the pages of summaries newer than mark and returns what
// changed, oldest first.
func (w *inboxWatch) poll(ctx context.Context) ([]InboxEvent, error) {
	type seen struct {
		s         ConversationSummary
		at        time.Time
		uuid, key string
	}
	var fresh []seen
	lo := GetConversationsOptions{Medium: w.o.Medium, Limit: w.o.PageSize}
	for pages := 1; ; pages++ {
		page, err := w.c.GetConversations(ctx, &lo)
		if err != nil {
			return nil, err
		}
		// Read on only while the whole page is new: a summary seen
		// before, or older than the mark, means the rest is older too.
		allNew := true
		for _, s := range page.Items {
			at, ok := summaryActivity(s)
			if !ok {
				continue
			}
			uuid, key := deref(s.ConversationUUID), summaryKey(s)
			if w.baseline || at.After(w.mark) || (at.Equal(w.mark) && !w.markIsSince && w.atMark[uuid] != key) {
				fresh = append(fresh, seen{s, at, uuid, key})
			} else {
				allNew = false
			}
		}
		if !allNew || w.baseline || !page.More() || len(page.Items) == 0 {
			break
		}
		if pages >= w.o.MaxPages {
			w.c.logger.LogAttrs(ctx, slog.LevelWarn, "conversation: inbox poll stopped at MaxPages: older changes are not reported",
				slog.Int("max_pages", w.o.MaxPages), slog.Int("page_size", w.o.PageSize))
			break
		}
		next := lo.Offset + len(page.Items)
		if n := page.ResultSet.NextOffset; n != nil && int(*n) > lo.Offset {
			next = int(*n)
		}
		lo.Offset = next
	}
	slices.SortStableFunc(fresh, func(a, b seen) int { return a.at.Compare(b.at) })
	prev, prevSeen, prevIsSince := w.mark, maps.Clone(w.atMark), w.markIsSince
	var events []InboxEvent
	for _, f := range fresh {
		if !w.baseline {
			// New if it started after the previous poll's mark, or in its
			// second without having been seen there.
			kind := InboxNewMessage
			if start, ok := validTime(f.s.StartDts); ok {
				if _, seen := prevSeen[f.uuid]; start.After(prev) || (start.Equal(prev) && !prevIsSince && !seen) {
					kind = InboxNewConversation
				}
			}
			events = append(events, InboxEvent{Kind: kind, Conversation: f.s})
		}
		switch c := f.at.Compare(w.mark); {
		case c > 0:
			w.mark, w.markIsSince = f.at, false
			clear(w.atMark)
			w.atMark[f.uuid] = f.key
		case c == 0:
			w.atMark[f.uuid] = f.key
		}
	}
	w.baseline = false
	return events, nil
}

// summaryActivity is the latest time a summary carries.
func summaryActivity(s ConversationSummary) (time.Time, bool) {
	var at time.Time
	found := false
	for _, p := range []*DateTime{s.LastMessageDts, s.LastInteractiveMessageDts, s.StartDts} {
		if t, ok := validTime(p); ok {
			if !found || t.After(at) {
				at = t
			}
			found = true
		}
	}
	return at, found
}

func validTime(p *DateTime) (time.Time, bool) {
	if p == nil || !p.Valid() || p.Time.IsZero() {
		return time.Time{}, false
	}
	return p.Time, true
}

// summaryKey tells two states of a conversation apart when their activity
// times are equal: a second message within the same second changes the
// count, or at least the body.
func summaryKey(s ConversationSummary) string {
	return strconv.Itoa(int(deref(s.MessageCount))) + "\x00" + deref(s.LastConversationMessageBody)
}
