package conversation

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Bounds of FollowConversationMessages' requests.
const (
	// defaultFollowPageSize is FollowConversationMessagesOptions.PageSize's default.
	defaultFollowPageSize = 100
	// maxFollowPageSize bounds FollowConversationMessagesOptions.PageSize. The reference
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

// ErrMessagesSkipped is yielded by FollowConversationMessages and GetConversationMessagesIter when more
// messages share one millisecond than they may fetch in one request (1,000):
// they cannot page past them, since the API pages by time only, so they
// yield those they got, report this error and go on after that millisecond.
// Messages yielded before and after are unaffected.
var ErrMessagesSkipped = errors.New("messages skipped")

// followCursor is FollowConversationMessages' bookkeeping, apart from any I/O so that a
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
// When a full page brings nothing new, it is either all messages already
// seen at last (more share that millisecond than the page holds) or an
// answer the service should not give (messages older than since, messages
// without an epoch, messages at a millisecond the cursor asked past). In
// the first case asking the same again would loop, so the limit doubles (up
// to maxLimit) and it asks at once. In the second the cursor reports a
// *PagingError (ErrPagingStalled) and waits, as if caught up: the follower
// polls again after its interval, the history walk ends. Each immediate
// poll therefore either yields a message, changes the request (a larger
// limit, or since moved once the reading of since is learned), or skips a
// millisecond holding more than maxLimit messages; at most
// log2(maxLimit/pageSize)+2 polls in a row bring nothing, whatever the
// service answers. A page that is not full means the cursor has caught up:
// the caller waits its interval, and the limit shrinks back to the page
// size, or to what the messages at last need to fit with room to spare.
//
// Epochs are int64 milliseconds from the service; the cursor's arithmetic
// saturates (since never wraps past math.MaxInt64, nor below 0).
type followCursor struct {
	pageSize, maxLimit int
	limit              int // of the next poll
	last               int64
	// floor: no message at epoch last is wanted (last is the start, or a
	// millisecond skipped), so the next poll need not include it.
	floor     bool
	seen      map[string]struct{} // ids yielded at epoch last
	ids       []string            // the same, in the order yielded: positions share it
	inclusive bool                // the service was seen to include since
}

func newFollowCursor(start int64, floor bool, pageSize, maxLimit int) *followCursor {
	return &followCursor{pageSize: pageSize, maxLimit: max(maxLimit, pageSize), limit: pageSize,
		last: max(start, 0), floor: floor, seen: map[string]struct{}{}}
}

// resume sets the cursor just after p: at p's epoch, with p's messages
// seen there.
func (c *followCursor) resume(p MessagePosition) {
	c.last, c.floor = max(p.epoch, 0), false
	clear(c.seen)
	c.ids = append([]string(nil), p.ids...)
	for _, id := range p.ids {
		c.seen[id] = struct{}{}
	}
}

// position is where the cursor stands: after the messages of ids at last.
func (c *followCursor) position() MessagePosition {
	return MessagePosition{epoch: c.last, ids: c.ids[:len(c.ids):len(c.ids)], set: true}
}

// next is the since and limit of the next poll.
func (c *followCursor) next() (since int64, limit int) {
	since = c.last - 1 // includes last, whichever the reading of since
	if c.inclusive {
		since = c.last
	}
	if c.floor && since < math.MaxInt64 {
		since++ // excludes last
	}
	return max(since, 0), c.limit
}

// followStep is what one poll's answer gives the follower: the messages to
// yield, oldest first, each with the position after it; an error to yield
// after them (ErrMessagesSkipped, or a *PagingError); whether to wait the
// interval before the next poll.
type followStep struct {
	fresh []MessageEvent
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
			c.ids = nil // a new array: earlier positions keep theirs
		}
		c.seen[id] = struct{}{}
		c.ids = append(c.ids, id)
		st.fresh = append(st.fresh, MessageEvent{ConversationMessage: m, Position: c.position()})
	}
	switch {
	case len(page) < limit: // caught up
		c.limit = c.fitLimit(page)
		st.wait = true
	case len(st.fresh) > 0 || learned: // more may wait; or since moves
	case c.floor || !c.allAtLast(page):
		// Not the ties of one millisecond: the service did not answer
		// since. Asking again at once would bring the same.
		st.err = c.stalled(since, page)
		st.wait = true
	case c.limit < c.maxLimit:
		c.limit = min(2*c.limit, c.maxLimit)
	default:
		st.err = fmt.Errorf("conversation: %s: at least %d messages share epoch %d, more than one request may fetch: %w",
			opGetConversationMessages.id, c.maxLimit, c.last, ErrMessagesSkipped)
		c.floor = true
		clear(c.seen)
		c.ids = nil
		c.limit = c.pageSize
	}
	return st
}

// allAtLast reports whether every message of page carries the epoch last.
func (c *followCursor) allAtLast(page []ConversationMessage) bool {
	for _, m := range page {
		if m.MessageEpoch == nil || *m.MessageEpoch != c.last {
			return false
		}
	}
	return true
}

// stalled is the *PagingError of a full page, asked since, that brought
// nothing new and is not the ties of one millisecond: it says what the
// service sent.
func (c *followCursor) stalled(since int64, page []ConversationMessage) error {
	var older, noEpoch, atLast int
	for _, m := range page {
		switch {
		case m.MessageEpoch == nil:
			noEpoch++
		case *m.MessageEpoch < since:
			older++
		default:
			atLast++
		}
	}
	return &PagingError{Operation: opGetConversationMessages.id, Reason: fmt.Sprintf(
		"a full page of %d messages since %d brought nothing new: %d older than since, %d without message_epoch, %d already yielded or skipped (the service ignores since?)",
		len(page), since, older, noEpoch, atLast)}
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
