package conversation

import (
	"context"
	"iter"
	"log/slog"
)

// DefaultSearchPageSize is how many conversations AllConversationsMatching
// asks for at a time when the search sets no range.
const DefaultSearchPageSize = 100

// AllConversationsMatching iterates over every conversation the search
// matches (getConversationsSearch), asking for DefaultSearchPageSize records
// at a time from search.RangeBegin on (or for RangeEnd-RangeBegin when the
// search sets both).
//
// The reference does not say whether range_end is inclusive, so the walk
// advances by the number of records received and skips a conversation it
// already yielded: either reading gives each conversation exactly once. It
// stops after an empty page, once it has read total records, when the caller
// breaks, after yielding an error, or when a page brings nothing new (logged
// at warn level), so a service that ignores the range cannot make it loop.
// search is copied, never modified.
func (c *Client) AllConversationsMatching(ctx context.Context, search *ConversationSearchRequest) iter.Seq2[ConversationSummary, error] {
	var s ConversationSearchRequest
	if search != nil {
		s = *search
	}
	begin, size := int(s.GetRangeBegin()), DefaultSearchPageSize
	if s.RangeBegin != nil && s.RangeEnd != nil && *s.RangeEnd > *s.RangeBegin {
		size = int(*s.RangeEnd - *s.RangeBegin)
	}
	return func(yield func(ConversationSummary, error) bool) {
		if search == nil {
			yield(ConversationSummary{}, &ArgumentError{Operation: opGetConversationsSearch.id, Argument: "search", Reason: "is required"})
			return
		}
		fresh := 0 // conversations the page brought that the walk had not yielded
		once := oncePer((*ConversationSummary).GetConversationUUID, func(s ConversationSummary, _ error) bool {
			fresh++
			return yield(s, nil)
		})
		for at := begin; ; {
			req := s
			b, e := int32(at), int32(min(at+size, maxInt32))
			req.RangeBegin, req.RangeEnd = &b, &e
			page, err := c.GetConversationsSearch(ctx, &req)
			if err != nil {
				yield(ConversationSummary{}, err)
				return
			}
			fresh = 0
			for _, conv := range page.Records {
				if !once(conv, nil) {
					return
				}
			}
			at += len(page.Records)
			switch {
			case len(page.Records) == 0:
				return
			case page.Total != nil && at >= int(*page.Total):
				return
			case fresh == 0:
				c.logger.LogAttrs(ctx, slog.LevelWarn, "conversation: search stopped: a page brought no new conversation",
					slog.String("operation", opGetConversationsSearch.id), slog.Int("range_begin", int(b)))
				return
			}
		}
	}
}

const maxInt32 = 1<<31 - 1
