package conversation

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"
)

// sameMillisecond is n messages named prefix0.. at epoch.
func sameMillisecond(prefix string, n int, epoch int64) []ConversationMessage {
	out := make([]ConversationMessage, n)
	for i := range out {
		out[i] = msg(fmt.Sprintf("%s%d", prefix, i), epoch)
	}
	return out
}

func idsOf(msgs []ConversationMessage) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = *m.ConversationMessageUUID
	}
	return out
}

// gapsAndDuplicates compares what was yielded with what was expected.
func gapsAndDuplicates(got, want []string) (gaps, dups int) {
	count := map[string]int{}
	for _, id := range got {
		count[id]++
	}
	for _, id := range want {
		if count[id] == 0 {
			gaps++
		}
	}
	for _, n := range count {
		dups += max(n-1, 0)
	}
	return gaps, dups
}

// More messages share one millisecond than fit in a page: every one is
// yielded once, in order, and so is every later message, for both readings
// of since. The interval is an hour, so the test would time out if the
// follower waited: a full page is followed at once, and a full page of
// messages already seen makes it ask for a larger one rather than the same
// again. Before, PageSize 2 and five messages in one millisecond yielded
// two, then polled the same since forever.
func TestFollowConversationMessagesManyInOneMillisecond(t *testing.T) {
	for _, tc := range []struct {
		name     string
		pageSize int
		initial  []ConversationMessage
	}{
		{"page_2_five_tied", 2, sameMillisecond("m", 5, 1000)},
		{"page_default_101_tied", 0, sameMillisecond("m", 101, 1000)},
		{"page_1_fifty_tied", 1, sameMillisecond("m", 50, 1000)},
		{"page_3_ties_then_more", 3, append(append(sameMillisecond("a", 7, 1000), sameMillisecond("b", 4, 1001)...), msg("c", 1002))},
		{"page_2_ties_after_others", 2, append([]ConversationMessage{msg("x", 999)}, sameMillisecond("m", 6, 1000)...)},
	} {
		for _, inclusive := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/inclusive=%v", tc.name, inclusive), func(t *testing.T) {
				s := &msgServer{inclusive: inclusive, script: map[int][]ConversationMessage{1: tc.initial}}
				c := s.start(t)
				want := idsOf(tc.initial)
				got, errs := follow(ctxT(t), c, &FollowConversationMessagesOptions{Interval: time.Hour, PageSize: tc.pageSize}, len(want))
				if errs != nil {
					t.Fatal(errs)
				}
				gaps, dups := gapsAndDuplicates(got, want)
				t.Logf("MEASURE follower gaps=%d duplicates=%d messages=%d polls=%d", gaps, dups, len(want), s.polls())
				if !slices.Equal(got, want) {
					t.Errorf("got %v, want %v", got, want)
				}
			})
		}
	}
}

// Ties that arrive over several polls, among full pages, with both
// readings of since: nothing lost, nothing repeated, epochs in order.
// (FuzzFollowCursor checks this over random scripts, and that the same
// window is never asked twice in a row with nothing yielded and no wait.)
func TestFollowConversationMessagesTiesArriveLater(t *testing.T) {
	for _, inclusive := range []bool{false, true} {
		t.Run(fmt.Sprintf("inclusive=%v", inclusive), func(t *testing.T) {
			script := map[int][]ConversationMessage{
				1:  sameMillisecond("a", 3, 1000),
				2:  sameMillisecond("b", 3, 1000),
				4:  append(sameMillisecond("c", 2, 1000), sameMillisecond("d", 5, 1001)...),
				7:  sameMillisecond("e", 4, 1001),
				9:  sameMillisecond("f", 2, 1005),
				12: sameMillisecond("g", 9, 1005),
			}
			var want []string
			for _, n := range []int{1, 2, 4, 7, 9, 12} {
				want = append(want, idsOf(script[n])...)
			}
			s := &msgServer{inclusive: inclusive, script: script}
			got, errs := follow(ctxT(t), s.start(t), &FollowConversationMessagesOptions{Interval: time.Millisecond, PageSize: 2}, len(want))
			if errs != nil {
				t.Fatal(errs)
			}
			// Same-epoch messages have no order among them: compare the
			// epochs in order and the sets.
			gaps, dups := gapsAndDuplicates(got, want)
			t.Logf("MEASURE follower gaps=%d duplicates=%d messages=%d polls=%d", gaps, dups, len(want), s.polls())
			if gaps != 0 || dups != 0 || len(got) != len(want) {
				t.Errorf("got %v, want %v", got, want)
			}
			for i := 1; i < len(got); i++ {
				if got[i][0] < got[i-1][0] { // the letter orders the epochs here
					t.Errorf("out of order: %v", got)
				}
			}
		})
	}
}

// More than 1,000 messages in one millisecond, which the follower may not
// page past: it yields the 1,000 it got, then an error matching
// ErrMessagesSkipped, then goes on with later messages, with nothing
// repeated, for both readings of since.
func TestFollowConversationMessagesTooManyInOneMillisecond(t *testing.T) {
	for _, inclusive := range []bool{false, true} {
		t.Run(fmt.Sprintf("inclusive=%v", inclusive), func(t *testing.T) {
			tied := sameMillisecond("m", maxFollowLimit+1, 1000)
			s := &msgServer{inclusive: inclusive, script: map[int][]ConversationMessage{
				1: append(tied, msg("later", 1001), msg("later2", 1002)),
			}}
			var got []string
			var errs []error
			for m, err := range s.start(t).FollowConversationMessages(ctxT(t), "conv-1", &FollowConversationMessagesOptions{Interval: time.Hour, PageSize: maxFollowPageSize}) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				got = append(got, *m.ConversationMessageUUID)
				if *m.ConversationMessageUUID == "later2" {
					break
				}
			}
			if len(errs) != 1 || !errors.Is(errs[0], ErrMessagesSkipped) {
				t.Fatalf("errors %v", errs)
			}
			_, dups := gapsAndDuplicates(got, nil)
			if len(got) != maxFollowLimit+2 || dups != 0 || got[len(got)-2] != "later" {
				t.Errorf("%d yielded, %d duplicates, ending %v", len(got), dups, got[max(0, len(got)-3):])
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			for _, l := range s.limits {
				if n, err := strconv.Atoi(l); err != nil || n < 1 || n > maxFollowLimit {
					t.Errorf("limit %q: want 1..%d", l, maxFollowLimit)
				}
			}
			t.Logf("polls %d, limits %v", len(s.limits), s.limits)
		})
	}
}

// FollowConversationMessagesOptions out of bounds are yielded as an *ArgumentError naming the
// field, before any request.
func TestFollowConversationMessagesOptionBounds(t *testing.T) {
	for _, tc := range []struct {
		opts FollowConversationMessagesOptions
		arg  string
	}{
		{FollowConversationMessagesOptions{PageSize: maxFollowPageSize + 1}, "opts.PageSize"},
		{FollowConversationMessagesOptions{PageSize: 100000}, "opts.PageSize"},
		{FollowConversationMessagesOptions{PageSize: -1}, "opts.PageSize"},
		{FollowConversationMessagesOptions{Interval: -time.Second}, "opts.Interval"},
	} {
		s := &msgServer{}
		n := 0
		for _, err := range s.start(t).FollowConversationMessages(ctxT(t), "conv-1", &tc.opts) {
			n++
			var ae *ArgumentError
			if !errors.As(err, &ae) || ae.Argument != tc.arg {
				t.Errorf("%+v: got %v, want an *ArgumentError for %s", tc.opts, err, tc.arg)
			}
		}
		if n != 1 || s.polls() != 0 {
			t.Errorf("%+v: %d yields, %d polls", tc.opts, n, s.polls())
		}
	}
	// The bounds themselves are accepted.
	s := &msgServer{script: map[int][]ConversationMessage{1: {msg("a", 1)}}}
	got, errs := follow(ctxT(t), s.start(t), &FollowConversationMessagesOptions{PageSize: maxFollowPageSize}, 1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if errs != nil || !slices.Equal(got, []string{"a"}) || s.limits[0] != "200" {
		t.Errorf("PageSize 200: %v %v, limits %v", got, errs, s.limits)
	}
}
