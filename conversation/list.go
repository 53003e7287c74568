package conversation

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
)

// MaxPageSize is the largest page the paged list operations serve
// (getConversations, searchPbxCalls).
const MaxPageSize = 200

// AllConversations iterates over every conversation summary from
// opts.Offset on, newest first, fetching pages of MaxPageSize (or opts.Limit)
// as needed.
//
// A walk yields each conversation at most once. The list is ordered newest
// first and paged by offset, so a conversation that starts during the walk
// shifts later pages by one: the walk then sees a summary it already yielded
// again, and skips it. A walk does not see conversations that start after it
// began (they land before its offset), and may miss one whose summary moves
// from a page not yet read to one already read (a new message moves it to the
// front). For a live view, use WatchInbox or FollowMessages.
//
// It follows result_set.more and next_offset (or, without next_offset, the
// count received). It stops after the last page, when the caller breaks, or
// after yielding an error. A service that stops making progress (a page
// with more to come that brings no conversation not yet yielded, or a next
// offset that does not advance) ends it with a *PagingError matching
// ErrPagingStalled, so no sequence of answers can make it loop: every
// request but the last yields a conversation. opts is copied, never
// modified.
func (c *Client) AllConversations(ctx context.Context, opts *ListConversationsOptions) iter.Seq2[ConversationSummary, error] {
	var o ListConversationsOptions
	if opts != nil {
		o = *opts
	}
	if o.Limit == 0 {
		o.Limit = MaxPageSize
	}
	return func(yield func(ConversationSummary, error) bool) {
		o := o // each run of the iterator starts over
		walkPages(ctx, c, opGetConversations.id, o.Offset, func(offset int) (*Page[ConversationSummary], error) {
			o.Offset = offset
			return c.ListConversations(ctx, &o)
		}, oncePer((*ConversationSummary).GetConversationUUID, yield))
	}
}

// AllPbxCalls iterates over every PBX call record the search matches, from
// opts.Offset on, fetching pages of MaxPageSize (or opts.Limit) as needed
// (searchPbxCalls). It yields each call at most once, and stops as
// AllConversations does. search and opts are copied, never modified.
func (c *Client) AllPbxCalls(ctx context.Context, search *ConversationPbxCallSearchRequest, opts *SearchPbxCallsOptions) iter.Seq2[ConversationPbxCall, error] {
	var o SearchPbxCallsOptions
	if opts != nil {
		o = *opts
	}
	if o.Limit == 0 {
		o.Limit = MaxPageSize
	}
	var s *ConversationPbxCallSearchRequest
	if search != nil {
		cp := *search
		s = &cp
	}
	return func(yield func(ConversationPbxCall, error) bool) {
		o := o
		walkPages(ctx, c, opSearchPbxCalls.id, o.Offset, func(offset int) (*Page[ConversationPbxCall], error) {
			o.Offset = offset
			return c.SearchPbxCalls(ctx, s, &o)
		}, oncePer((*ConversationPbxCall).GetCallUUID, yield))
	}
}

// onceYield hands the items of a walk to the caller's yield once per
// identifier (items without one always): a walk over a list that shifts
// while it is read would otherwise yield an item twice. It counts the items
// with an identifier it had not seen, so that the walk can tell a page that
// brought nothing new (an item without an identifier cannot prove the walk
// moved on: the service may be sending the same page again).
type onceYield[T any] struct {
	id    func(*T) string
	yield func(T, error) bool
	seen  map[string]bool
	fresh int // items with an identifier not seen before
}

// oncePer makes the onceYield of yield, identifying items by id.
func oncePer[T any](id func(*T) string, yield func(T, error) bool) *onceYield[T] {
	return &onceYield[T]{id: id, yield: yield, seen: map[string]bool{}}
}

// item hands item on unless its identifier was seen; false: the caller
// broke.
func (o *onceYield[T]) item(item T) bool {
	if k := o.id(&item); k != "" {
		if o.seen[k] {
			return true
		}
		o.seen[k] = true
		o.fresh++
	}
	return o.yield(item, nil)
}

// fail hands err on: the walk's last yield.
func (o *onceYield[T]) fail(err error) {
	var zero T
	o.yield(zero, err)
}

// walkPages fetches pages from offset on and hands their items to out until
// the caller breaks, the last page (more is false, or the page is empty),
// or an error (also handed to out). It ends with a *PagingError
// (ErrPagingStalled) when the service stops making progress: a page with
// more to come that brings no item out had not seen (the service ignores
// _offset, or the list shifted by a whole page), or a next offset that does
// not advance or leaves the API's int32 range. So every request but the
// last brings at least one new identifier, and offsets strictly increase:
// no sequence of pages makes it loop, and a walk over n distinct items makes
// at most n+1 requests.
func walkPages[T any](ctx context.Context, c *Client, op string, offset int, fetch func(offset int) (*Page[T], error), out *onceYield[T]) {
	for {
		page, err := fetch(offset)
		if err != nil {
			out.fail(err)
			return
		}
		before := out.fresh
		for _, item := range page.Items {
			if !out.item(item) {
				return
			}
		}
		if !page.More() || len(page.Items) == 0 {
			return
		}
		next := offset + len(page.Items)
		if n := page.ResultSet.NextOffset; n != nil {
			next = int(*n)
		}
		if err := pageStalled(op, "_offset", offset, len(page.Items), out.fresh-before, next); err != nil {
			c.logger.LogAttrs(ctx, slog.LevelWarn, "conversation: pagination stopped: "+err.Reason,
				slog.String("operation", op), slog.Int("offset", offset), slog.Int("next_offset", next))
			out.fail(err)
			return
		}
		offset = next
	}
}

// pageStalled is the *PagingError of a page of n items asked at offset (the
// request parameter param), fresh of them new, after which more follow at
// next; nil when the walk may go on.
func pageStalled(op, param string, offset, n, fresh, next int) *PagingError {
	var reason string
	switch {
	case fresh == 0:
		reason = fmt.Sprintf("a page of %d at %s %d brought nothing new (the service ignores %s, or the list shifted by a whole page)", n, param, offset, param)
	case next <= offset:
		reason = fmt.Sprintf("next_offset %d does not advance past offset %d", next, offset)
	case next > maxInt32:
		reason = fmt.Sprintf("next offset %d is beyond the API's range", next)
	default:
		return nil
	}
	return &PagingError{Operation: op, Reason: reason}
}
