package conversation

import (
	"context"
	"fmt"
	"iter"
	"time"
)

// MessageEvent is a message FollowConversationMessages or GetConversationMessagesIter yields, with the
// position just after it. The message's fields and getters are promoted
// (e.Body, e.GetBody()); e.ConversationMessage is the message itself.
type MessageEvent struct {
	ConversationMessage
	// Position is where a later walk resumes to go on exactly after this
	// message: persist it with the message, and pass it back as
	// FollowConversationMessagesOptions.Resume or GetConversationMessagesIterOptions.Resume.
	Position MessagePosition
}

// FollowConversationMessagesOptions configure FollowConversationMessages.
type FollowConversationMessagesOptions struct {
	// Since is where to start: messages strictly after it are yielded. The
	// zero time yields the conversation's whole history first. Since means
	// the same in FollowConversationMessagesOptions, GetConversationMessagesIterOptions and InboxOptions.
	Since time.Time
	// Resume goes on exactly after a message yielded before (the Position
	// of its MessageEvent, which may come from GetConversationMessagesIter): no gap, no
	// duplicate. Set Since or Resume, not both.
	Resume MessagePosition
	// Interval is the wait between polls when there is nothing new
	// (default DefaultFollowInterval, 30s). With the rate budget on, an
	// interval shorter than its sustained interval (8.64s by default) is
	// refused: that poller alone would spend the whole budget.
	Interval time.Duration
	// PageSize is the most messages fetched per request: 1 to 200, or 0 for
	// the default of 100. (The follower asks for more, up to 1,000, when more
	// messages share one millisecond than a page holds.)
	PageSize int
}

// checkPageSize refuses a page size of FollowConversationMessagesOptions or GetConversationMessagesIterOptions
// out of bounds.
func checkPageSize(n int) error {
	if n < 0 || n > maxFollowPageSize {
		return &ArgumentError{Operation: opGetConversationMessages.id, Argument: "opts.PageSize",
			Reason: fmt.Sprintf("must be between 1 and %d (0: the default, %d)", maxFollowPageSize, defaultFollowPageSize)}
	}
	return nil
}

// messageStart is where a walk over messages starts: after since (strictly;
// the zero time: the whole history), or just after resume.
type messageStart struct {
	since  time.Time
	resume MessagePosition
}

func (s messageStart) check() error {
	if !s.since.IsZero() && !s.resume.IsZero() {
		return &ArgumentError{Operation: opGetConversationMessages.id, Argument: "opts.Resume", Reason: "set Since or Resume, not both"}
	}
	return nil
}

// cursor is the followCursor that starts there.
func (s messageStart) cursor(pageSize int) *followCursor {
	var start int64
	floor := false // messages at exactly Since are not "after" it
	if !s.since.IsZero() {
		start = max(s.since.UnixMilli(), 0)
		floor = s.since.UnixMilli() >= 0
	}
	c := newFollowCursor(start, floor, pageSize, maxFollowLimit)
	if !s.resume.IsZero() {
		c.resume(s.resume)
	}
	return c
}

// FollowConversationMessages yields a conversation's messages as they arrive, oldest
// first and each once, for bots that do not hold a websocket. Each comes
// with its Position: persist it, and a follower started later with
// FollowConversationMessagesOptions.Resume goes on exactly after that message.
//
// It polls getConversationMessages from the newest message seen, asking
// from one millisecond earlier and skipping messages already yielded, so
// that a message sharing the last one's millisecond is neither lost nor
// repeated, whether the service reads since as inclusive or exclusive. A
// full page is followed at once; otherwise it waits Interval. When more
// messages share one millisecond than a page holds, it asks for larger
// pages (up to 1,000 messages) rather than poll the same page again; past
// that it yields an error matching ErrMessagesSkipped and goes on after
// that millisecond. A full page that brings nothing new otherwise (a
// service that ignores since, or sends messages without an epoch) is
// yielded as a *PagingError matching ErrPagingStalled, and the follower
// polls again after Interval: it never polls without waiting more than
// ⌈log2(1000/PageSize)⌉+2 times in a row. Options out of bounds are
// yielded as an *ArgumentError before anything is sent.
//
// It runs until ctx ends or the caller breaks. A failed poll is yielded as an
// error; the caller may break, or continue and polling resumes after
// Interval (the client's retry policy has already been applied).
func (c *Client) FollowConversationMessages(ctx context.Context, conversationUUID string, opts *FollowConversationMessagesOptions) iter.Seq2[MessageEvent, error] {
	var o FollowConversationMessagesOptions
	if opts != nil {
		o = *opts
	}
	start := messageStart{since: o.Since, resume: o.Resume}
	optsErr := checkPageSize(o.PageSize)
	interval, intervalErr := c.pollInterval(opGetConversationMessages.id, "opts.Interval", o.Interval, DefaultFollowInterval)
	for _, err := range []error{intervalErr, start.check()} {
		if optsErr == nil {
			optsErr = err
		}
	}
	if o.PageSize == 0 {
		o.PageSize = defaultFollowPageSize
	}
	return c.pollMessages(ctx, conversationUUID, start, o.PageSize, optsErr, interval)
}

// GetConversationMessagesIterOptions configure GetConversationMessagesIter.
type GetConversationMessagesIterOptions struct {
	// Since is where to start: messages strictly after it are yielded. The
	// zero time yields the conversation's whole history.
	Since time.Time
	// Resume goes on exactly after a message yielded before (the Position
	// of its MessageEvent). Set Since or Resume, not both.
	Resume MessagePosition
	// PageSize is the most messages fetched per request: 1 to 200, or 0 for
	// the default of 100.
	PageSize int
}

// GetConversationMessagesIter yields a conversation's messages after opts.Since (or just
// after opts.Resume), oldest first and each once, each with its Position,
// and ends when it has caught up: when a poll returns less than a full
// page. It is FollowConversationMessages without the waiting, for reading a
// conversation's history; messages that share a millisecond are handled
// the same way, and a follower resumed from the last Position goes on
// where it ended. It ends after yielding an error (an ErrMessagesSkipped
// aside, after which it goes on), and so on any answer of the service: a
// full page that brings nothing new and is not the ties of one millisecond
// (a service that ignores since, sends no epochs, or epochs at the end of
// int64) ends it with a *PagingError matching ErrPagingStalled. It ends when
// the caller breaks. opts is copied, never modified.
func (c *Client) GetConversationMessagesIter(ctx context.Context, conversationUUID string, opts *GetConversationMessagesIterOptions) iter.Seq2[MessageEvent, error] {
	var o GetConversationMessagesIterOptions
	if opts != nil {
		o = *opts
	}
	start := messageStart{since: o.Since, resume: o.Resume}
	optsErr := checkPageSize(o.PageSize)
	if optsErr == nil {
		optsErr = start.check()
	}
	if o.PageSize == 0 {
		o.PageSize = defaultFollowPageSize
	}
	return c.pollMessages(ctx, conversationUUID, start, o.PageSize, optsErr, 0)
}

// pollMessages is the loop of FollowConversationMessages (interval > 0: it waits and
// goes on, yielding failures) and GetConversationMessagesIter (interval 0: it ends once
// caught up, or after a failure).
func (c *Client) pollMessages(ctx context.Context, conversationUUID string, start messageStart, pageSize int, optsErr error, interval time.Duration) iter.Seq2[MessageEvent, error] {
	return func(yield func(MessageEvent, error) bool) {
		if err := checkCtx(opGetConversationMessages.id, ctx); err != nil {
			yield(MessageEvent{}, err)
			return
		}
		if err := checkPathValue(opGetConversationMessages.id, "conversationUUID", conversationUUID); err != nil {
			yield(MessageEvent{}, err)
			return
		}
		if optsErr != nil {
			yield(MessageEvent{}, optsErr)
			return
		}
		cur := start.cursor(pageSize)
		for {
			since, limit := cur.next()
			msgs, err := c.GetConversationMessages(ctx, conversationUUID, time.UnixMilli(since), &GetConversationMessagesOptions{Limit: limit})
			if ctx.Err() != nil {
				if interval == 0 && err != nil {
					yield(MessageEvent{}, err) // a finite walk reports why it ended
				}
				return
			}
			wait := true
			if err != nil {
				if !yield(MessageEvent{}, err) || interval == 0 {
					return
				}
			} else {
				st := cur.take(since, limit, msgs)
				for _, m := range st.fresh {
					if !yield(m, nil) {
						return
					}
				}
				if st.err != nil && !yield(MessageEvent{}, st.err) {
					return
				}
				wait = st.wait
			}
			if wait && interval == 0 {
				return // caught up, or stalled
			}
			if wait && sleep(ctx, interval) != nil {
				return
			}
		}
	}
}
