package conversation

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// TestWalksEndOnServiceIgnoringOffset: a service that ignores _offset (or
// the search range) and answers the same full page with more to come, for
// ever, makes each iterator yield that page once, then a *PagingError
// matching ErrPagingStalled that names the operation, after two requests
// (one when no item has an identifier: no page can prove progress).
// (The server gives up after 100 requests, so that a walk that does not
// stop fails instead of hanging.)
func TestWalksEndOnServiceIgnoringOffset(t *testing.T) {
	page := func(key string, n int) []map[string]any {
		var items []map[string]any
		for i := range n {
			items = append(items, map[string]any{key: fmt.Sprintf("x%d", i)})
		}
		return items
	}
	for _, tc := range []struct {
		name, op string
		body     func(n int) map[string]any
		walk     func(c *Client) (int, []error)
		requests int // 2: the second page brings nothing new
	}{
		{"GetConversationsIter", "getConversations",
			func(n int) map[string]any {
				return map[string]any{"success": true, "conversations": page("conversation_uuid", 200), "metadata": map[string]any{"result_set": map[string]any{"more": n < 100}}}
			},
			func(c *Client) (int, []error) { return rangeAll(c.GetConversationsIter(ctxT(t), nil)) }, 2},
		{"AllConversations_next_offset_advances", "getConversations",
			func(n int) map[string]any {
				return map[string]any{"success": true, "conversations": page("conversation_uuid", 200),
					"metadata": map[string]any{"result_set": map[string]any{"more": n < 100, "next_offset": 200 * n}}}
			},
			func(c *Client) (int, []error) { return rangeAll(c.GetConversationsIter(ctxT(t), nil)) }, 2},
		{"SearchPbxCallsIter", "searchPbxCalls",
			func(n int) map[string]any {
				return map[string]any{"success": true, "calls": page("call_uuid", 200), "metadata": map[string]any{"result_set": map[string]any{"more": n < 100}}}
			},
			func(c *Client) (int, []error) {
				return rangeAll(c.SearchPbxCallsIter(ctxT(t), &ConversationPbxCallSearchRequest{}, nil))
			}, 2},
		{"AllConversations_no_ids", "getConversations", // nothing tells pages apart: no page proves progress, the first ends it
			func(n int) map[string]any {
				return map[string]any{"success": true, "conversations": []map[string]any{{"medium": "sms"}}, "metadata": map[string]any{"result_set": map[string]any{"more": n < 100}}}
			},
			func(c *Client) (int, []error) { return rangeAll(c.GetConversationsIter(ctxT(t), nil)) }, 1},
		{"GetConversationsSearchIter", "getConversationsSearch",
			func(n int) map[string]any {
				if n >= 100 {
					return map[string]any{}
				}
				return map[string]any{"records": page("conversation_uuid", 100)}
			},
			func(c *Client) (int, []error) {
				return rangeAll(c.GetConversationsSearchIter(ctxT(t), &ConversationSearchRequest{}))
			}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, n int) { writeValue(t, w, 200, tc.body(n)) })
			items, errs := tc.walk(newClient(t, srv))
			var pe *PagingError
			if len(errs) != 1 || !errors.Is(errs[0], ErrPagingStalled) || !errors.As(errs[0], &pe) || pe.Operation != tc.op ||
				!strings.Contains(errs[0].Error(), "brought nothing new") {
				t.Errorf("errors %v, want one ErrPagingStalled of %s", errs, tc.op)
			}
			if rc.count() != tc.requests {
				t.Errorf("%d requests (%d items), want %d", rc.count(), items, tc.requests)
			}
			t.Logf("MEASURE walk=%s requests=%d items=%d errors=%d", tc.name, rc.count(), items, len(errs))
		})
	}
}

// rangeAll ranges over seq to its end, as a caller that goes on after errors
// does, counting the items and keeping the errors.
func rangeAll[T any](seq func(func(T, error) bool)) (items int, errs []error) {
	for _, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		items++
	}
	return items, errs
}

// walkModel is a paged list service that answers anything: the pages of a
// script, cycled for ever.
type walkModel struct {
	script   []byte
	at       int
	requests []int // the offset of each request
}

// page decodes the next page: a header byte (item count in bits 0..3;
// bit 4: more; bits 5..6: no next_offset, next_offset = offset+count,
// next_offset from the next byte, next_offset = offset), then a byte per
// item (its id, one of 16, or none for 15).
func (m *walkModel) page(offset int) *Page[ConversationSummary] {
	next := func() byte { b := m.script[m.at%len(m.script)]; m.at++; return b }
	m.requests = append(m.requests, offset)
	h := next()
	p := &Page[ConversationSummary]{}
	for range int(h & 15) {
		s := ConversationSummary{}
		if id := next() & 15; id != 15 {
			s.ConversationUUID = ptr(fmt.Sprintf("c%d", id))
		}
		p.Items = append(p.Items, s)
	}
	p.ResultSet.More = ptr(h&16 != 0)
	switch (h >> 5) & 3 {
	case 1:
		p.ResultSet.NextOffset = ptr(int32(offset + len(p.Items)))
	case 2:
		p.ResultSet.NextOffset = ptr(int32(next()) * 7)
	case 3:
		p.ResultSet.NextOffset = ptr(int32(offset))
	}
	return p
}

// FuzzWalkPages drives walkPages (GetConversationsIter, SearchPbxCallsIter and the
// generated iterators) against walkModel: any sequence of pages, with
// repeated and missing ids, offsets that repeat, go back or jump, more
// for ever. Properties: each id is yielded at most once; the walk ends,
// within (ids+1) requests (16 ids here), with a request offset that
// strictly increases; when it ends on a page that says more follow, it
// yields a *PagingError (ErrPagingStalled) last; and every request but the
// last brought an id not yielded before.
func FuzzWalkPages(f *testing.F) {
	f.Add(byte(0), []byte{0x13, 0, 1, 2}) // the same page, more for ever
	f.Add(byte(0), []byte{0x33, 0, 1, 2, 0x33, 3, 4, 5, 0x02, 6, 7})
	f.Add(byte(5), []byte{0x71, 1, 0x52, 2, 3, 9}) // next_offset repeats, jumps
	f.Add(byte(0), []byte{0x11, 15})               // items without ids
	f.Add(byte(0), []byte{0x10})                   // empty pages saying more
	f.Fuzz(func(t *testing.T, startAt byte, script []byte) {
		if len(script) == 0 || len(script) > 256 {
			return
		}
		c := &Client{logger: slog.New(slog.DiscardHandler)}
		m := &walkModel{script: script}
		count := map[string]int{}
		var yields []string
		var errs []error
		idsAt := []int{} // distinct ids yielded when each request was made
		out := oncePer((*ConversationSummary).GetConversationUUID, func(s ConversationSummary, err error) bool {
			if err != nil {
				errs = append(errs, err)
				yields = append(yields, "error")
				return true
			}
			if id := s.GetConversationUUID(); id != "" {
				if count[id]++; count[id] > 1 {
					t.Fatalf("%s yielded twice", id)
				}
			}
			yields = append(yields, s.GetConversationUUID())
			return true
		})
		var last *Page[ConversationSummary]
		walkPages(ctxT(t), c, "getConversations", int(startAt), func(offset int) (*Page[ConversationSummary], error) {
			if len(m.requests) > 17 { // 16 ids + 1: the walk should have ended
				t.Fatalf("request %d: the walk does not end (offsets %v)", len(m.requests)+1, m.requests)
			}
			if n := len(m.requests); n > 0 {
				if offset <= m.requests[n-1] {
					t.Fatalf("offset %d after %d", offset, m.requests[n-1])
				}
				if len(count) <= idsAt[n-1] {
					t.Fatalf("request %d after a page that brought no new id", n+1)
				}
			}
			idsAt = append(idsAt, len(count))
			last = m.page(offset)
			return last, nil
		}, out)
		for _, e := range errs[:max(len(errs)-1, 0)] {
			t.Fatalf("error before the last yield: %v", e)
		}
		endedOnMore := last != nil && last.More() && len(last.Items) > 0
		stalled := len(errs) == 1 && errors.Is(errs[0], ErrPagingStalled) && yields[len(yields)-1] == "error"
		if endedOnMore != stalled {
			t.Fatalf("ended on a page saying more: %v; stall yielded: %v (%v)", endedOnMore, stalled, errs)
		}
		if len(m.requests) > len(count)+1 {
			t.Fatalf("%d requests for %d ids", len(m.requests), len(count))
		}
	})
}
