package conversation

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// Bounds of FollowMessages' requests.
const (
	// defaultFollowPageSize is FollowOptions.PageSize's default.
	defaultFollowPageSize = 100
	// maxFollowPageSize bounds FollowOptions.PageSize. The reference
	// documents no maximum for getConversationMessages' limit; 200 is the
	// API's documented page maximum elsewhere (getConversations' _limit),
	// so a page the caller picks is one the service is known to serve.
	maxFollowPageSize = 200
	// maxFollowLimit bounds how far the follower grows a request's limit to
	// page past messages that share one millisecond. A thousand messages
	// stamped in the same millisecond is beyond what a conversation
	// produces (an import could), and a thousand messages stay far below
	// the client's default response limit of 32 MiB. Past it, the follower
	// reports ErrMessagesSkipped rather than stall.
	maxFollowLimit = 1000
)

// ErrMessagesSkipped is yielded by FollowMessages when more messages share
// one millisecond than it may fetch in one request (1,000): it cannot page
// past them, since the API pages by time only, so it yields those it got,
// reports this error and goes on after that millisecond. Messages yielded
// before and after are unaffected.
var ErrMessagesSkipped = errors.New("messages skipped")

// followCursor is FollowMessages' bookkeeping, apart from any I/O so that a
// fuzz target can drive it against a model of the service.
//
// getConversationMessages pages by time only: since (epoch milliseconds)
// and a limit. The cursor assumes what the fake does and what "since" and
// "limit" mean: the answer holds the oldest messages after since, at most
// limit of them, in any order; a message becomes visible no later than any
// message with a newer epoch (ties may arrive later). Whether since itself
// is included is not documented, so the cursor asks so that both readings
// give it every message it needs, and learns "inclusive" once an answer
// holds a message at exactly since.
//
// State: last is the epoch of the newest message yielded (or the start),
// and seen the messages yielded at that epoch. Each poll asks from one
// millisecond before last, so that messages sharing last's millisecond that
// arrive later are fetched, and skips those seen: no gap, no duplicate.
//
// A full page (as many messages as asked) may have been cut inside its
// newest millisecond; the cursor yields what it got and asks again at once.
// When a full page brings nothing new, all of it is messages already seen
// at last: asking the same again would loop, so the limit doubles (up to
// maxLimit) and it asks at once. Each immediate poll therefore either
// yields a message, changes the request (a larger limit, or since moved
// once the reading of since is learned), or skips a millisecond holding
// more than maxLimit messages; at most log2(maxLimit/pageSize)+2 polls in a
// row bring nothing. A page that is not full means the cursor has caught
// up: the caller waits its interval, and the limit shrinks back to the page
// size, or to what the messages at last need to fit with room to spare.
type followCursor struct {
	pageSize, maxLimit int
	limit              int // of the next poll
	last               int64
	// floor: no message at epoch last is wanted (last is the start, or a
	// millisecond skipped), so the next poll need not include it.
	floor     bool
	seen      map[string]struct{} // ids yielded at epoch last
	inclusive bool                // the service was seen to include since
}

func newFollowCursor(start int64, floor bool, pageSize, maxLimit int) *followCursor {
	return &followCursor{pageSize: pageSize, maxLimit: max(maxLimit, pageSize), limit: pageSize,
		last: start, floor: floor, seen: map[string]struct{}{}}
}

// next is the since and limit of the next poll.
func (c *followCursor) next() (since int64, limit int) {
	since = c.last - 1 // includes last, whichever the reading of since
	if c.inclusive {
		since = c.last
	}
	if c.floor {
		since++ // excludes last
	}
	return max(since, 0), c.limit
}

// followStep is what one poll's answer gives the follower: the messages to
// yield, oldest first; an ErrMessagesSkipped to yield after them; whether to
// wait the interval before the next poll.
type followStep struct {
	fresh []ConversationMessage
	err   error
	wait  bool
}

// take digests the answer page to the poll (since, limit). It may reorder
// page.
func (c *followCursor) take(since int64, limit int, page []ConversationMessage) followStep {
	learned := false
	for _, m := range page {
		if !c.inclusive && m.MessageEpoch != nil && *m.MessageEpoch == since {
			c.inclusive, learned = true, true
		}
	}
	slices.SortStableFunc(page, func(a, b ConversationMessage) int {
		return cmp.Compare(epochOf(a, c.last), epochOf(b, c.last))
	})
	var st followStep
	for _, m := range page {
		e := epochOf(m, c.last)
		id := deref(m.ConversationMessageUUID)
		if e < c.last {
			continue
		}
		if e == c.last {
			if _, dup := c.seen[id]; dup || c.floor {
				continue
			}
		}
		if e > c.last {
			c.last, c.floor = e, false
			clear(c.seen)
		}
		c.seen[id] = struct{}{}
		st.fresh = append(st.fresh, m)
	}
	switch {
	case len(page) < limit: // caught up
		c.limit = c.fitLimit(page)
		st.wait = true
	case len(st.fresh) > 0 || learned: // more may wait; or since moves
	case c.limit < c.maxLimit:
		c.limit = min(2*c.limit, c.maxLimit)
	default:
		st.err = fmt.Errorf("conversation: %s: at least %d messages share epoch %d, more than one request may fetch: %w",
			opGetConversationMessages.id, c.maxLimit, c.last, ErrMessagesSkipped)
		c.floor = true
		clear(c.seen)
		c.limit = c.pageSize
	}
	return st
}

// fitLimit is the limit for the poll after a caught-up page: the page size,
// doubled while the messages of page the next poll fetches again would fill
// it, so that an idle poll does not grow the limit all over again.
func (c *followCursor) fitLimit(page []ConversationMessage) int {
	since, _ := c.next()
	again := 0
	for _, m := range page {
		if epochOf(m, c.last) >= since {
			again++
		}
	}
	l := c.pageSize
	for l <= again && l < c.maxLimit {
		l = min(2*l, c.maxLimit)
	}
	return l
}

// epochOf is a message's epoch, or fallback when the service left it out.
func epochOf(m ConversationMessage, fallback int64) int64 {
	if m.MessageEpoch != nil {
		return *m.MessageEpoch
	}
	return fallback
}
