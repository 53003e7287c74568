package conversation

import (
	"context"
	"errors"
	"fmt"
	"iter"
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
// UnreadMessages), and the watcher's position just after it.
type InboxEvent struct {
	Kind         InboxEventKind
	Conversation ConversationSummary
	// Position is where a later watcher resumes to go on exactly after
	// this event: persist it, and pass it back as InboxOptions.Resume.
	// Position.Time() is the change's activity time.
	Position InboxPosition
}

// Defaults of InboxOptions.
const (
	DefaultInboxPageSize = 50
	// DefaultInboxMaxPages is the default bound of the requests of one
	// poll: the default budget's burst, so that a backlog of up to 5,000
	// changes (at the default page size) is read at once.
	DefaultInboxMaxPages = 100
)

// InboxOptions configure WatchInbox. The zero value watches every medium
// from the beginning (the first poll reports every conversation of the
// inbox), every DefaultInboxInterval; StartAtNow watches from now on.
type InboxOptions struct {
	// Medium keeps only conversations of one medium
	// (ConversationMediumSms, ConversationMediumWebsocket); empty watches
	// all.
	Medium ConversationMedium
	// Since reports activity strictly after it. The zero time means from
	// the beginning: the first poll reports every conversation of the
	// inbox, oldest activity first, and later polls what changes. Since
	// means the same in FollowConversationMessagesOptions and GetConversationMessagesIterOptions.
	Since time.Time
	// StartAtNow makes the first poll only note what the inbox holds:
	// later polls report what changes after it, as a dashboard that shows
	// only new activity wants. Set at most one of Since, StartAtNow and
	// Resume.
	StartAtNow bool
	// Resume goes on exactly after an event yielded before (the Position
	// of an InboxEvent, or of an *InboxBacklogError): no gap, no
	// duplicate.
	Resume InboxPosition
	// Interval is the wait between polls (default DefaultInboxInterval,
	// 30s). With the rate budget on, one shorter than its sustained
	// interval (8.64s by default) is refused.
	Interval time.Duration
	// PageSize is the number of summaries per request, 1..MaxPageSize
	// (default DefaultInboxPageSize).
	PageSize int
	// MaxPages bounds the requests of one poll (default
	// DefaultInboxMaxPages). A poll reads pages until it reaches activity
	// older than what it reported; one that reaches MaxPages first reports
	// nothing and ends the watch with an *InboxBacklogError, never losing
	// a change in silence.
	MaxPages int
}

// ErrInboxBacklog is matched (errors.Is) by the *InboxBacklogError that
// ends a WatchInbox whose poll found more changes than MaxPages pages hold.
var ErrInboxBacklog = errors.New("inbox backlog larger than MaxPages pages")

// InboxBacklogError ends a WatchInbox whose poll read MaxPages pages of
// changes without reaching activity already reported: the changes are
// newest first, so it cannot report the oldest of them, and reports none.
// Nothing was lost: restart the watch from Position (InboxOptions.Resume)
// with a larger MaxPages (or PageSize, up to 200) to catch up, or with
// StartAtNow to skip the backlog.
type InboxBacklogError struct {
	Pages, PageSize int
	// Position is where the watcher stood: every change after it is yet
	// to be reported.
	Position InboxPosition
}

func (e *InboxBacklogError) Error() string {
	from := "the start"
	if !e.Position.IsZero() {
		from = e.Position.Time().UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("conversation: %s: inbox backlog: more changes since %s than %d pages of %d hold, none reported: "+
		"resume from the error's Position with a larger InboxOptions.MaxPages (or PageSize, up to %d), or set StartAtNow to skip them",
		opGetConversations.id, from, e.Pages, e.PageSize, MaxPageSize)
}

// Is makes errors.Is(err, ErrInboxBacklog) work.
func (e *InboxBacklogError) Is(target error) bool { return target == ErrInboxBacklog }

// WatchInbox yields the inbox's changes, new conversations and new
// messages across every conversation, from one poll loop over
// getConversations, whose summaries come newest activity first and carry
// each conversation's latest message. One watcher costs one request per
// Interval however many conversations are open, where a follower per
// conversation (FollowConversationMessages) costs one each: watch the inbox, and follow
// only the conversations being handled.
//
// Changes are found by activity time (the latest of a summary's
// last_message_dts, last_interactive_message_dts and start_dts), so
// several messages to one conversation between two polls are one event;
// fetch them with GetConversationMessages or FollowConversationMessages. A summary with none of those
// times is skipped. Events of one poll come oldest first, each with the
// Position to persist: a watcher started with InboxOptions.Resume goes on
// exactly after it.
//
// Each poll reads pages until it reaches activity older than what it
// reported, so a backlog (a sync restarted after downtime) is reported
// whole. A poll that
// reaches MaxPages first ends the watch with an *InboxBacklogError (nothing
// of the backlog reported, nothing lost: it says how to resume). A page
// that brings only conversations the poll already read, or a next offset
// that does not advance, is yielded as a *PagingError matching
// ErrPagingStalled, and the poll reports nothing: its changes are reported
// by a later poll.
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
	// The starts given, in order: the second one set is the one refused.
	starts, second := 0, ""
	for _, f := range []struct {
		arg string
		set bool
	}{{"opts.Since", !o.Since.IsZero()}, {"opts.StartAtNow", o.StartAtNow}, {"opts.Resume", !o.Resume.IsZero()}} {
		if f.set {
			if starts++; starts == 2 {
				second = f.arg
			}
		}
	}
	switch {
	case optErr != nil:
	case o.PageSize < 0 || o.PageSize > MaxPageSize:
		optErr = &ArgumentError{Operation: op, Argument: "opts.PageSize", Reason: "must be between 1 and " + strconv.Itoa(MaxPageSize) + " (0 takes the default)"}
	case o.MaxPages < 0:
		optErr = &ArgumentError{Operation: op, Argument: "opts.MaxPages", Reason: "must not be negative (0 takes the default)"}
	case starts > 1:
		optErr = &ArgumentError{Operation: op, Argument: second, Reason: "set at most one of Since, StartAtNow and Resume"}
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
		w := newInboxWatch(c, o)
		for {
			events, err := w.poll(ctx)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				var backlog *InboxBacklogError
				if !yield(InboxEvent{}, err) || errors.As(err, &backlog) {
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
	// the hash of the state seen (stateHash of summaryKey), so that a
	// change within the same second (the service's date-times have
	// one-second resolution) is neither lost nor repeated. marked is the
	// same, in order, for positions (append-only: positions share it).
	mark   time.Time
	atMark map[string]string
	marked []inboxSeen
	// markIsSince: mark is InboxOptions.Since, and activity at exactly
	// Since is not after it.
	markIsSince bool
	baseline    bool // the next successful poll only sets mark
}

func newInboxWatch(c *Client, o InboxOptions) *inboxWatch {
	w := &inboxWatch{c: c, o: o, atMark: map[string]string{}, baseline: o.StartAtNow}
	switch {
	case !o.Resume.IsZero():
		w.mark, w.markIsSince = o.Resume.at, o.Resume.floor
		w.marked = append([]inboxSeen(nil), o.Resume.seen...)
		for _, s := range o.Resume.seen {
			w.atMark[s.uuid] = s.key
		}
	case !o.Since.IsZero():
		w.mark, w.markIsSince = o.Since, true
	}
	return w
}

// position is where the watch stands; no position before anything was
// reported or noted from the beginning.
func (w *inboxWatch) position() InboxPosition {
	if w.mark.IsZero() && len(w.marked) == 0 {
		return InboxPosition{}
	}
	return InboxPosition{at: w.mark, seen: w.marked[:len(w.marked):len(w.marked)], floor: w.markIsSince, set: true}
}

// isNew reports whether a summary with activity at and state key is after
// the mark.
func (w *inboxWatch) isNew(at time.Time, uuid, key string) bool {
	if at.After(w.mark) {
		return true
	}
	if !at.Equal(w.mark) || w.markIsSince {
		return false
	}
	k, seen := w.atMark[uuid]
	return !seen || k != key
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
	read := map[string]bool{} // conversations this poll has read
	lo := GetConversationsOptions{Medium: w.o.Medium, Limit: w.o.PageSize}
	for pages := 1; ; pages++ {
		page, err := w.c.GetConversations(ctx, &lo)
		if err != nil {
			return nil, err
		}
		// Read on until a summary older than the mark: the rest is older
		// too. One at the mark that was seen does not end the walk: more
		// changes in that second may follow it, in whatever order the
		// service lists a second's conversations.
		older, brought := false, 0
		for _, s := range page.Items {
			uuid := deref(s.ConversationUUID)
			if uuid != "" {
				if read[uuid] {
					continue // the list shifted while it was read
				}
				read[uuid] = true
				brought++
			}
			at, ok := summaryActivity(s)
			if !ok {
				continue
			}
			key := stateHash(summaryKey(s))
			switch {
			case w.baseline || w.isNew(at, uuid, key):
				fresh = append(fresh, seen{s, at, uuid, key})
			case at.Before(w.mark) || w.markIsSince:
				older = true
			}
		}
		if older || w.baseline || !page.More() || len(page.Items) == 0 {
			break
		}
		next := lo.Offset + len(page.Items)
		if n := page.ResultSet.NextOffset; n != nil {
			next = int(*n)
		}
		if err := pageStalled(opGetConversations.id, "_offset", lo.Offset, len(page.Items), brought, next); err != nil {
			return nil, err
		}
		if pages >= w.o.MaxPages {
			return nil, &InboxBacklogError{Pages: pages, PageSize: w.o.PageSize, Position: w.position()}
		}
		lo.Offset = next
	}
	// Oldest first: the pages list the newest first, ties in one second
	// included, so the reverse of their order, sorted by time, is oldest
	// first within a second too.
	slices.Reverse(fresh)
	slices.SortStableFunc(fresh, func(a, b seen) int { return a.at.Compare(b.at) })
	prev, prevSeen, prevIsSince := w.mark, maps.Clone(w.atMark), w.markIsSince
	var events []InboxEvent
	for _, f := range fresh {
		switch c := f.at.Compare(w.mark); {
		case c > 0:
			w.mark, w.markIsSince = f.at, false
			clear(w.atMark)
			w.marked = nil // a new array: earlier positions keep theirs
			fallthrough
		case c == 0:
			w.atMark[f.uuid] = f.key
			w.marked = append(w.marked, inboxSeen{f.uuid, f.key})
		}
		if w.baseline {
			continue
		}
		// New if it started after the previous poll's mark, or in its
		// second without having been seen there.
		kind := InboxNewMessage
		if start, ok := validTime(f.s.StartDts); ok {
			if _, seen := prevSeen[f.uuid]; start.After(prev) || (start.Equal(prev) && !prevIsSince && !seen) {
				kind = InboxNewConversation
			}
		}
		events = append(events, InboxEvent{Kind: kind, Conversation: f.s, Position: w.position()})
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
