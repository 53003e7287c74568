package conversation

import (
	"context"
	"fmt"
	"log/slog"
)

// MaxPageSize is the largest page the paged list operations serve
// (getConversations, searchPbxCalls).
const MaxPageSize = 200

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
