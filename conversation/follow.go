package conversation

import (
	"cmp"
	"context"
	"iter"
	"slices"
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
	// PageSize is the most messages fetched per request (default 100).
	PageSize int
}

// FollowMessages yields a conversation's messages as they arrive, oldest
// first, for bots that do not hold a websocket. It polls
// getConversationMessages with since set to the newest message seen, asking
// from one millisecond earlier and skipping messages already yielded, so a
// message sharing the last one's millisecond is neither lost nor repeated.
// A full page is followed at once; otherwise it waits Interval.
//
// It runs until ctx ends or the caller breaks. A failed poll is yielded as an
// error; the caller may break, or continue and polling resumes after
// Interval (the client's retry policy has already been applied).
func (c *Client) FollowMessages(ctx context.Context, conversationUUID string, opts *FollowOptions) iter.Seq2[ConversationMessage, error] {
	var o FollowOptions
	if opts != nil {
		o = *opts
	}
	interval, intervalErr := c.pollInterval(opGetConversationMessages.id, "opts.Interval", o.Interval, DefaultFollowInterval)
	o.Interval = interval
	if o.PageSize <= 0 {
		o.PageSize = 100
	}
	var start int64
	if !o.Since.IsZero() {
		start = o.Since.UnixMilli()
	}
	return func(yield func(ConversationMessage, error) bool) {
		if err := checkCtx(opGetConversationMessages.id, ctx); err != nil {
			yield(ConversationMessage{}, err)
			return
		}
		if err := checkPathValue(opGetConversationMessages.id, "conversationUUID", conversationUUID); err != nil {
			yield(ConversationMessage{}, err)
			return
		}
		if intervalErr != nil {
			yield(ConversationMessage{}, intervalErr)
			return
		}
		last := start               // epoch of the newest message yielded
		atLast := map[string]bool{} // uuids yielded whose epoch == last
		lastIsStart := start > 0    // messages at exactly Since are not "after" it
		for {
			query := max(last-1, 0)
			resp, err := c.MessagesSinceEpoch(ctx, conversationUUID, query, &MessagesOptions{Limit: o.PageSize})
			if ctx.Err() != nil {
				return
			}
			fresh := 0
			if err != nil {
				if !yield(ConversationMessage{}, err) {
					return
				}
			} else {
				msgs := resp.ConversationMessages
				slices.SortStableFunc(msgs, func(a, b ConversationMessage) int {
					return cmp.Compare(epochOf(a, last), epochOf(b, last))
				})
				for _, m := range msgs {
					e := epochOf(m, last)
					id := deref(m.ConversationMessageUUID)
					if e < last || (e == last && (lastIsStart || atLast[id])) {
						continue
					}
					if e > last {
						last, lastIsStart = e, false
						clear(atLast)
					}
					atLast[id] = true
					fresh++
					if !yield(m, nil) {
						return
					}
				}
				if len(msgs) >= o.PageSize && fresh > 0 {
					continue // a full page: more may be waiting
				}
			}
			if sleep(ctx, o.Interval) != nil {
				return
			}
		}
	}
}

// epochOf is a message's epoch, or fallback when the service left it out.
func epochOf(m ConversationMessage, fallback int64) int64 {
	if m.MessageEpoch != nil {
		return *m.MessageEpoch
	}
	return fallback
}
