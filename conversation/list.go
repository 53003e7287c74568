package conversation

import (
	"context"
	"log/slog"
)

// MaxPageSize is the largest page the paged list operations serve
// (getConversations, searchPbxCalls).
const MaxPageSize = 200

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
