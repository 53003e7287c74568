package conversation

import (
	"context"
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
// count received). It stops after the last page, when the caller breaks, after
// yielding an error, or when the service sends a next offset that does not
// advance or repeats (logged at warn level), so a faulty service cannot make
// it loop. opts is copied, never modified.
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

// oncePer passes each item to yield once per identifier (items without one
// always): a walk over a list that shifts while it is read would otherwise
// yield an item twice.
func oncePer[T any](id func(*T) string, yield func(T, error) bool) func(T, error) bool {
	seen := map[string]bool{}
	return func(item T, err error) bool {
		if err != nil {
			return yield(item, err)
		}
		if k := id(&item); k != "" {
			if seen[k] {
				return true
			}
			seen[k] = true
		}
		return yield(item, nil)
	}
}

// walkPages fetches pages from offset on and hands their items to yield
// until it returns false, the last page, an error (also handed to yield), or
// a next offset that does not advance.
func walkPages[T any](ctx context.Context, c *Client, op string, offset int, fetch func(offset int) (*Page[T], error), yield func(T, error) bool) {
	visited := map[int]bool{offset: true}
	for {
		page, err := fetch(offset)
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		for _, item := range page.Items {
			if !yield(item, nil) {
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
		if next <= offset || visited[next] {
			c.logger.LogAttrs(ctx, slog.LevelWarn, "conversation: pagination stopped: next offset does not advance",
				slog.String("operation", op), slog.Int("offset", offset), slog.Int("next_offset", next))
			return
		}
		visited[next] = true
		offset = next
	}
}
