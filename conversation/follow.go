package conversation

import (
	"context"
	"fmt"
	"iter"
	"time"
)

// FollowOptions configure FollowMessages.
type FollowOptions struct {
	// Since is where to start: messages after it are yielded. The zero time
	// yields the conversation's whole history first.
	Since time.Time
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

// checkPageSize refuses a page size of FollowOptions or AllMessagesOptions
// out of bounds.
func checkPageSize(n int) error {
	if n < 0 || n > maxFollowPageSize {
		return &ArgumentError{Operation: opGetConversationMessages.id, Argument: "opts.PageSize",
			Reason: fmt.Sprintf("must be between 1 and %d (0: the default, %d)", maxFollowPageSize, defaultFollowPageSize)}
	}
	return nil
}

// FollowMessages yields a conversation's messages as they arrive, oldest
// first and each once, for bots that do not hold a websocket. It polls
// getConversationMessages from the newest message seen, asking from one
// millisecond earlier and skipping messages already yielded, so that a
// message sharing the last one's millisecond is neither lost nor repeated,
// whether the service reads since as inclusive or exclusive. A full page
// is followed at once; otherwise it waits Interval. When more messages
// share one millisecond than a page holds, it asks for larger pages (up to
// 1,000 messages) rather than poll the same page again; past that it
// yields an error matching ErrMessagesSkipped and goes on after that
// millisecond. Options out of bounds are yielded as an *ArgumentError
// before anything is sent.
//
// It runs until ctx ends or the caller breaks. A failed poll is yielded as an
// error; the caller may break, or continue and polling resumes after
// Interval (the client's retry policy has already been applied).
func (c *Client) FollowMessages(ctx context.Context, conversationUUID string, opts *FollowOptions) iter.Seq2[ConversationMessage, error] {
	var o FollowOptions
	if opts != nil {
		o = *opts
	}
	optsErr := checkPageSize(o.PageSize)
	interval, intervalErr := c.pollInterval(opGetConversationMessages.id, "opts.Interval", o.Interval, DefaultFollowInterval)
	if optsErr == nil {
		optsErr = intervalErr
	}
	o.Interval = interval
	if o.PageSize == 0 {
		o.PageSize = defaultFollowPageSize
	}
	return c.pollMessages(ctx, conversationUUID, o.Since, o.PageSize, optsErr, o.Interval)
}

// AllMessagesOptions configure AllMessages.
type AllMessagesOptions struct {
	// Since is where to start: messages after it are yielded. The zero time
	// yields the conversation's whole history.
	Since time.Time
	// PageSize is the most messages fetched per request: 1 to 200, or 0 for
	// the default of 100.
	PageSize int
}

// AllMessages yields a conversation's messages after opts.Since, oldest
// first and each once, and ends when it has caught up: when a poll returns
// less than a full page. It is FollowMessages without the waiting, for
// reading a conversation's history; messages that share a millisecond are
// handled the same way. It ends after yielding an error, or when the caller
// breaks. opts is copied, never modified.
func (c *Client) AllMessages(ctx context.Context, conversationUUID string, opts *AllMessagesOptions) iter.Seq2[ConversationMessage, error] {
	var o AllMessagesOptions
	if opts != nil {
		o = *opts
	}
	optsErr := checkPageSize(o.PageSize)
	if o.PageSize == 0 {
		o.PageSize = defaultFollowPageSize
	}
	return c.pollMessages(ctx, conversationUUID, o.Since, o.PageSize, optsErr, 0)
}

// pollMessages is the loop of FollowMessages (interval > 0: it waits and
// goes on, yielding failures) and AllMessages (interval 0: it ends once
// caught up, or after a failure).
func (c *Client) pollMessages(ctx context.Context, conversationUUID string, since time.Time, pageSize int, optsErr error, interval time.Duration) iter.Seq2[ConversationMessage, error] {
	var start int64
	if !since.IsZero() {
		start = max(since.UnixMilli(), 0)
	}
	floor := !since.IsZero() && since.UnixMilli() >= 0 // messages at exactly Since are not "after" it
	return func(yield func(ConversationMessage, error) bool) {
		if err := checkCtx(opGetConversationMessages.id, ctx); err != nil {
			yield(ConversationMessage{}, err)
			return
		}
		if err := checkPathValue(opGetConversationMessages.id, "conversationUUID", conversationUUID); err != nil {
			yield(ConversationMessage{}, err)
			return
		}
		if optsErr != nil {
			yield(ConversationMessage{}, optsErr)
			return
		}
		cur := newFollowCursor(start, floor, pageSize, maxFollowLimit)
		for {
			since, limit := cur.next()
			msgs, err := c.GetConversationMessages(ctx, conversationUUID, time.UnixMilli(since), &GetConversationMessagesOptions{Limit: limit})
			if ctx.Err() != nil {
				if interval == 0 && err != nil {
					yield(ConversationMessage{}, err) // a finite walk reports why it ended
				}
				return
			}
			wait := true
			if err != nil {
				if !yield(ConversationMessage{}, err) || interval == 0 {
					return
				}
			} else {
				st := cur.take(since, limit, msgs)
				for _, m := range st.fresh {
					if !yield(m, nil) {
						return
					}
				}
				if st.err != nil && !yield(ConversationMessage{}, st.err) {
					return
				}
				wait = st.wait
			}
			if wait && interval == 0 {
				return // caught up
			}
			if wait && sleep(ctx, interval) != nil {
				return
			}
		}
	}
}
