package conversation

import (
	"context"
	"iter"
	"log/slog"
)

// DefaultSearchPageSize is how many conversations GetConversationsSearchIter
// asks for at a time when the search sets no range.
const DefaultSearchPageSize = 100

// GetConversationsSearchIter iterates over every conversation the search
// matches (getConversationsSearch), asking for DefaultSearchPageSize records
// at a time from search.RangeBegin on (or for RangeEnd-RangeBegin when the
// search sets both).
//
// The reference does not say whether range_end is inclusive, so the walk
// advances by the number of records received and skips a conversation it
// already yielded: either reading gives each conversation exactly once. It
// stops after an empty page, once it has read total records, when the caller
// breaks, or after yielding an error. A page that brings no conversation not
// yet yielded (a service that ignores the range), or a range past the API's
// int32 bounds, ends it with a *PagingError matching ErrPagingStalled, so no
// sequence of answers can make it loop. search is copied, never modified.
func (c *Client) GetConversationsSearchIter(ctx context.Context, search *ConversationSearchRequest) iter.Seq2[ConversationSummary, error] {
	var s ConversationSearchRequest
	if search != nil {
		s = *search
	}
	begin, size := int(s.GetRangeBegin()), DefaultSearchPageSize
	if s.RangeBegin != nil && s.RangeEnd != nil && *s.RangeEnd > *s.RangeBegin {
		size = int(*s.RangeEnd - *s.RangeBegin)
	}
	op := opGetConversationsSearch.id
	return func(yield func(ConversationSummary, error) bool) {
		if search == nil {
			yield(ConversationSummary{}, &ArgumentError{Operation: op, Argument: "search", Reason: "is required"})
			return
		}
		out := oncePer((*ConversationSummary).GetConversationUUID, yield)
		for at := begin; ; {
			req := s
			b, e := int32(at), int32(min(at+size, maxInt32))
			req.RangeBegin, req.RangeEnd = &b, &e
			page, err := c.GetConversationsSearch(ctx, &req)
			if err != nil {
				out.fail(err)
				return
			}
			before := out.fresh
			for _, conv := range page.Records {
				if !out.item(conv) {
					return
				}
			}
			at += len(page.Records)
			switch {
			case len(page.Records) == 0:
				return
			case page.Total != nil && at >= int(*page.Total):
				return
			}
			if err := pageStalled(op, "range_begin", int(b), len(page.Records), out.fresh-before, max(at, int(b)+1)); err != nil {
				c.logger.LogAttrs(ctx, slog.LevelWarn, "conversation: search stopped: "+err.Reason,
					slog.String("operation", op), slog.Int("range_begin", int(b)))
				out.fail(err)
				return
			}
		}
	}
}

const maxInt32 = 1<<31 - 1
