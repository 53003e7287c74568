package conversation

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// hostileMessages serves getConversationMessages from answer(since, limit),
// recording each request's since and time. After 100 requests it answers
// 400, so that a walk that does not end fails instead of hanging.
type hostileMessages struct {
	answer func(since int64, limit int) []ConversationMessage
	mu     sync.Mutex
	sinces []int64
	times  []time.Time
}

func (h *hostileMessages) start(t *testing.T) *Client {
	t.Helper()
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		path := r.URL.EscapedPath()
		since, _ := strconv.ParseInt(path[strings.LastIndexByte(path, '/')+1:], 10, 64)
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		h.mu.Lock()
		h.sinces = append(h.sinces, since)
		h.times = append(h.times, time.Now())
		h.mu.Unlock()
		if n > 100 {
			writeError(w, 400, "")
			return
		}
		writeValue(t, w, 200, ConversationMessagesResponse{ConversationMessages: h.answer(since, limit), Success: ptr(true)})
	})
	return newClient(t, srv, WithoutRetries(), WithoutBudget())
}

func (h *hostileMessages) polls() []int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]int64(nil), h.sinces...)
}

// hostileCase is a service that answers since wrongly (stall: the
// follower must report it), or oddly but rightly.
type hostileCase struct {
	name   string
	answer func(since int64, limit int) []ConversationMessage
	stall  bool
}

func hostileCases() []hostileCase {
	numbered := func(n int, epoch func(i int) *int64) []ConversationMessage {
		var out []ConversationMessage
		for i := range n {
			out = append(out, ConversationMessage{ConversationMessageUUID: ptr(fmt.Sprintf("m%04d", i)), MessageEpoch: epoch(i), Body: ptr("b")})
		}
		return out
	}
	first := func(all []ConversationMessage) func(int64, int) []ConversationMessage {
		return func(_ int64, limit int) []ConversationMessage { return all[:min(limit, len(all))] }
	}
	after := func(all []ConversationMessage, inclusive bool) func(int64, int) []ConversationMessage {
		return func(since int64, limit int) []ConversationMessage {
			var out []ConversationMessage
			for _, m := range all {
				if e := *m.MessageEpoch; (e > since || (inclusive && e == since)) && len(out) < limit {
					out = append(out, m)
				}
			}
			return out
		}
	}
	atMax := func(int) *int64 { return ptr(int64(math.MaxInt64)) }
	return []hostileCase{
		{"ignores_since", first(numbered(1500, func(i int) *int64 { return ptr(int64(1000 + i)) })), true},
		{"no_epochs", first(numbered(300, func(int) *int64 { return nil })), true},
		{"epochs_at_max_ignoring_since", first(numbered(1500, atMax)), true},
		// 1,500 messages in the last millisecond of int64: 1,000 are
		// yielded, then ErrMessagesSkipped; asking past it must not wrap.
		{"epochs_at_max_inclusive", after(numbered(1500, atMax), true), true},
		{"epochs_at_max_exclusive", after(numbered(1500, atMax), false), false},
	}
}

// TestGetConversationMessagesIterEndsOnHostileService: GetConversationMessagesIter ends on any answer,
// after yielding an error that says what the service did: a service that
// ignores since, sends no epochs, or epochs at 2^63-1 (inclusive or
// exclusive) ends the walk within a few requests, and since never goes
// backwards (at 2^63-1 it wrapped to 0, and the walk started over for ever).
func TestGetConversationMessagesIterEndsOnHostileService(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			h := &hostileMessages{answer: tc.answer}
			c := h.start(t)
			seen := map[string]bool{}
			var errs []error
			for m, err := range c.GetConversationMessagesIter(ctxT(t), "conv-1", nil) {
				if err != nil {
					errs = append(errs, err)
					continue // keep ranging: the walk itself must end
				}
				if id := m.GetConversationMessageUUID(); seen[id] {
					t.Errorf("%s yielded twice", id)
				} else {
					seen[id] = true
				}
			}
			polls := h.polls()
			for i := 1; i < len(polls); i++ {
				if polls[i] < polls[i-1] {
					t.Errorf("since went back from %d to %d", polls[i-1], polls[i])
				}
			}
			if tc.stall && (len(errs) == 0 || !errors.Is(errs[len(errs)-1], ErrPagingStalled)) {
				t.Errorf("errors %v, want the walk to end with ErrPagingStalled", errs)
			}
			for _, err := range errs {
				if !errors.Is(err, ErrPagingStalled) && !errors.Is(err, ErrMessagesSkipped) {
					t.Errorf("error %v", err)
				}
			}
			if len(polls) > 12 {
				t.Errorf("%d requests", len(polls))
			}
			t.Logf("MEASURE hostile=%s polls=%d yielded=%d errors=%d last_since=%d", tc.name, len(polls), len(seen), len(errs), polls[len(polls)-1])
		})
	}
}

// TestFollowConversationMessagesWaitsOnHostileService: the follower goes on polling a
// service that answers since wrongly (that is its job), yielding the stall
// each time, but never polls again without waiting its interval after one.
func TestFollowConversationMessagesWaitsOnHostileService(t *testing.T) {
	const interval = 20 * time.Millisecond
	for _, tc := range hostileCases() {
		if !tc.stall {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			h := &hostileMessages{answer: tc.answer}
			c := h.start(t)
			stalls := 0
			var stallAt []int // the request count when each stall was yielded
			for _, err := range c.FollowConversationMessages(ctxT(t), "conv-1", &FollowConversationMessagesOptions{Interval: interval}) {
				if errors.Is(err, ErrPagingStalled) {
					stallAt = append(stallAt, len(h.polls()))
					if stalls++; stalls == 3 {
						break
					}
				}
			}
			if stalls != 3 {
				t.Errorf("%d stalls yielded, want 3", stalls)
			}
			h.mu.Lock()
			defer h.mu.Unlock()
			for _, n := range stallAt {
				if n < len(h.times) {
					if gap := h.times[n].Sub(h.times[n-1]); gap < interval {
						t.Errorf("request %d came %v after the stall, want at least the interval %v", n+1, gap, interval)
					}
				}
			}
			t.Logf("MEASURE follow_hostile=%s polls=%d stalls=%d", tc.name, len(h.times), stalls)
		})
	}
}
