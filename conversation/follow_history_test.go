package conversation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

// history collects everything GetConversationMessagesIter yields.
func history(ctx context.Context, c *Client, opts *GetConversationMessagesIterOptions) (ids []string, errs []error) {
	for m, err := range c.GetConversationMessagesIter(ctx, "conv-1", opts) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, m.GetConversationMessageUUID())
	}
	return ids, errs
}

// TestGetConversationMessagesIter: the whole history, each message once and in order, ties
// in one millisecond included, and the walk ends once it has caught up,
// whatever the service's reading of since.
func TestGetConversationMessagesIter(t *testing.T) {
	var many []ConversationMessage
	for i := range 250 {
		many = append(many, msg(fmt.Sprintf("m%03d", i), 1000+int64(i)))
	}
	tied := append(append(sameMillisecond("a", 7, 1000), sameMillisecond("b", 4, 1001)...), msg("c", 1002))
	for _, tc := range []struct {
		name     string
		msgs     []ConversationMessage
		opts     *GetConversationMessagesIterOptions
		want     []string
		maxPolls int
	}{
		{"empty", nil, nil, nil, 1},
		{"one_page", many[:10], nil, idsOf(many[:10]), 1},
		{"three_pages", many, &GetConversationMessagesIterOptions{PageSize: 100}, idsOf(many), 3},
		{"ties_small_pages", tied, &GetConversationMessagesIterOptions{PageSize: 3}, idsOf(tied), 12},
		{"since", many, &GetConversationMessagesIterOptions{Since: time.UnixMilli(1000 + 199)}, idsOf(many[200:]), 2},
	} {
		for _, inclusive := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/inclusive=%v", tc.name, inclusive), func(t *testing.T) {
				s := &msgServer{inclusive: inclusive, script: map[int][]ConversationMessage{1: tc.msgs}}
				c := s.start(t)
				got, errs := history(ctxT(t), c, tc.opts)
				if errs != nil {
					t.Fatal(errs)
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("got %d %v, want %d", len(got), got, len(tc.want))
				}
				if s.polls() > tc.maxPolls {
					t.Errorf("%d polls, want at most %d", s.polls(), tc.maxPolls)
				}
				gaps, dups := gapsAndDuplicates(got, tc.want)
				t.Logf("MEASURE history gaps=%d duplicates=%d messages=%d polls=%d", gaps, dups, len(tc.want), s.polls())
			})
		}
	}
}

// TestGetConversationMessagesIterEndsOnError: a failed poll is yielded and ends the walk, as
// an ended context does; options out of bounds are refused before sending.
func TestGetConversationMessagesIterEndsOnError(t *testing.T) {
	s := &msgServer{script: map[int][]ConversationMessage{1: sameMillisecond("m", 3, 1000)}, fail: map[int]int{1: 400}}
	c := s.start(t, WithoutRetries())
	got, errs := history(ctxT(t), c, nil)
	if len(got) != 0 || len(errs) != 1 || !errors.Is(errs[0], ErrBadRequest) || s.polls() != 1 {
		t.Errorf("got %v errs %v after %d polls", got, errs, s.polls())
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, errs := history(ctx, c, nil); len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Errorf("canceled: errs %v", errs)
	}

	before := s.polls()
	if _, errs := history(ctxT(t), c, &GetConversationMessagesIterOptions{PageSize: 201}); len(errs) != 1 || !errors.Is(errs[0], ErrInvalidArgument) {
		t.Errorf("page size 201: errs %v", errs)
	}
	if _, errs := history(ctxT(t), c, &GetConversationMessagesIterOptions{PageSize: -1}); len(errs) != 1 || !errors.Is(errs[0], ErrInvalidArgument) {
		t.Errorf("page size -1: errs %v", errs)
	}
	if s.polls() != before {
		t.Error("options out of bounds were sent")
	}
}
