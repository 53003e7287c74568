package conversation

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// msgServer is a conversation whose messages arrive over time: before
// answering poll n it adds script[n]. It answers getConversationMessages with
// the messages strictly after since, oldest first (or newest first when
// reverse), at most limit of them.
type msgServer struct {
	mu      sync.Mutex
	msgs    []ConversationMessage
	script  map[int][]ConversationMessage
	fail    map[int]int // poll -> status to answer instead
	block   map[int]bool
	reverse bool
	// inclusive answers messages at since too (the fake and this server by
	// default answer those strictly after it).
	inclusive bool
	sinces    []int64
	limits    []string
	polled    chan int
}

func msg(id string, epoch int64) ConversationMessage {
	return ConversationMessage{ConversationMessageUUID: ptr(id), MessageEpoch: ptr(epoch), Body: ptr("body of " + id)}
}

func (s *msgServer) start(t *testing.T, opts ...Option) *Client {
	t.Helper()
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if s.polled != nil {
			select {
			case s.polled <- n:
			default:
			}
		}
		path := r.URL.EscapedPath()
		prefix := basePath + "/conversation/conversations/conv-1/messages/"
		if r.Method != http.MethodGet || !strings.HasPrefix(path, prefix) {
			t.Errorf("unexpected %s %s", r.Method, path)
			w.WriteHeader(404)
			return
		}
		since, err := strconv.ParseInt(strings.TrimPrefix(path, prefix), 10, 64)
		if err != nil {
			t.Errorf("since in %s: %v", path, err)
		}
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		s.mu.Lock()
		s.sinces = append(s.sinces, since)
		s.limits = append(s.limits, r.URL.Query().Get("limit"))
		s.msgs = append(s.msgs, s.script[n]...)
		slices.SortStableFunc(s.msgs, func(a, b ConversationMessage) int { return int(*a.MessageEpoch - *b.MessageEpoch) })
		var out []ConversationMessage
		for _, m := range s.msgs {
			after := *m.MessageEpoch > since || (s.inclusive && *m.MessageEpoch == since)
			if after && (limit == 0 || len(out) < limit) {
				out = append(out, m)
			}
		}
		status, block := s.fail[n], s.block[n]
		s.mu.Unlock()
		if block {
			<-r.Context().Done()
			return
		}
		if status != 0 {
			writeError(w, status, "")
			return
		}
		if s.reverse {
			slices.Reverse(out)
		}
		writeValue(t, w, 200, ConversationMessagesResponse{ConversationMessages: out, Success: ptr(true)})
	})
	return newClient(t, srv, opts...)
}

func (s *msgServer) polls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sinces)
}

// follow collects up to n messages (and any errors) from FollowConversationMessages.
func follow(ctx context.Context, c *Client, opts *FollowConversationMessagesOptions, n int) (ids []string, errs []error) {
	for m, err := range c.FollowConversationMessages(ctx, "conv-1", opts) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, *m.ConversationMessageUUID)
		if len(ids) == n {
			break
		}
	}
	return ids, errs
}

// TestFollowConversationMessages: messages are yielded once each, in order, across polls,
// including one that shares the previous message's millisecond but arrives
// a poll later.
func TestFollowConversationMessages(t *testing.T) {
	s := &msgServer{script: map[int][]ConversationMessage{
		1: {msg("a", 1000), msg("b", 1001)},
		2: {msg("c", 1001)}, // same millisecond as b, a poll later
		4: {msg("d", 1002), msg("e", 1002)},
		6: {msg("f", 2000)},
		7: {msg("g", 2000), msg("h", 2001)},
	}}
	c := s.start(t)
	got, errs := follow(ctxT(t), c, &FollowConversationMessagesOptions{Interval: time.Millisecond}, 8)
	if errs != nil {
		t.Fatal(errs)
	}
	if want := []string{"a", "b", "c", "d", "e", "f", "g", "h"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sinces[0] != 0 || s.sinces[1] != 1000 || s.limits[0] != "100" {
		t.Errorf("sinces %v, limits %v", s.sinces, s.limits)
	}
}

// TestFollowConversationMessagesUnsorted: the service's order does not matter.
func TestFollowConversationMessagesUnsorted(t *testing.T) {
	s := &msgServer{reverse: true, script: map[int][]ConversationMessage{
		1: {msg("a", 10), msg("b", 20), msg("c", 30)},
		3: {msg("d", 30), msg("e", 40)},
	}}
	got, errs := follow(ctxT(t), s.start(t), &FollowConversationMessagesOptions{Interval: time.Millisecond}, 5)
	if errs != nil || !slices.Equal(got, []string{"a", "b", "c", "d", "e"}) {
		t.Errorf("got %v %v", got, errs)
	}
}

// TestFollowConversationMessagesFullPage: a full page is followed at once, without
// waiting the interval.
func TestFollowConversationMessagesFullPage(t *testing.T) {
	var initial []ConversationMessage
	for i := range 7 {
		initial = append(initial, msg(string(rune('a'+i)), int64(100+i)))
	}
	s := &msgServer{script: map[int][]ConversationMessage{1: initial}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	got, errs := follow(ctx, s.start(t), &FollowConversationMessagesOptions{Interval: time.Hour, PageSize: 2}, 7)
	if errs != nil || !slices.Equal(got, []string{"a", "b", "c", "d", "e", "f", "g"}) {
		t.Fatalf("got %v %v", got, errs)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v: waited between full pages", d)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limits[0] != "2" {
		t.Errorf("limit %q", s.limits[0])
	}
}

// TestFollowConversationMessagesSince: only messages after Since are yielded.
func TestFollowConversationMessagesSince(t *testing.T) {
	s := &msgServer{script: map[int][]ConversationMessage{
		1: {msg("old", 1000), msg("at", 2000), msg("new", 3000)},
		2: {msg("newer", 3000)},
	}}
	got, errs := follow(ctxT(t), s.start(t), &FollowConversationMessagesOptions{Since: time.UnixMilli(2000), Interval: time.Millisecond}, 2)
	if errs != nil || !slices.Equal(got, []string{"new", "newer"}) {
		t.Errorf("got %v %v", got, errs)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sinces[0] != 2000 { // messages at Since itself are not wanted
		t.Errorf("first since %d, want 2000", s.sinces[0])
	}
}

// TestFollowConversationMessagesStops: the iteration ends on break, on cancel while
// waiting, and on cancel during a request, with no error yielded.
func TestFollowConversationMessagesStops(t *testing.T) {
	t.Run("break", func(t *testing.T) {
		s := &msgServer{script: map[int][]ConversationMessage{1: {msg("a", 1), msg("b", 2)}}}
		got, _ := follow(ctxT(t), s.start(t), &FollowConversationMessagesOptions{Interval: time.Millisecond}, 1)
		if !slices.Equal(got, []string{"a"}) {
			t.Errorf("got %v", got)
		}
		n := s.polls()
		time.Sleep(20 * time.Millisecond)
		if s.polls() != 1 || n != 1 {
			t.Errorf("%d polls after break", s.polls())
		}
	})
	t.Run("cancel_while_waiting", func(t *testing.T) {
		s := &msgServer{script: map[int][]ConversationMessage{1: {msg("a", 1)}}}
		c := s.start(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		start := time.Now()
		var got []string
		for m, err := range c.FollowConversationMessages(ctx, "conv-1", &FollowConversationMessagesOptions{Interval: time.Hour}) {
			if err != nil {
				t.Errorf("error yielded: %v", err)
				continue
			}
			got = append(got, *m.ConversationMessageUUID)
			cancel() // and keep ranging: the iterator must end by itself
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v", d)
		}
		if !slices.Equal(got, []string{"a"}) || s.polls() != 1 {
			t.Errorf("got %v after %d polls", got, s.polls())
		}
	})
	t.Run("cancel_during_request", func(t *testing.T) {
		s := &msgServer{block: map[int]bool{2: true}, polled: make(chan int, 10),
			script: map[int][]ConversationMessage{1: {msg("a", 1)}}}
		c := s.start(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			for n := range s.polled {
				if n == 2 {
					cancel()
					return
				}
			}
		}()
		got, errs := follow(ctx, c, &FollowConversationMessagesOptions{Interval: time.Millisecond}, 100)
		if !slices.Equal(got, []string{"a"}) || errs != nil {
			t.Errorf("got %v, errors %v", got, errs)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		s := &msgServer{}
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		got, errs := follow(ctx, s.start(t), &FollowConversationMessagesOptions{Interval: 5 * time.Millisecond}, 100)
		if got != nil || errs != nil {
			t.Errorf("got %v %v", got, errs)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v", d)
		}
		if s.polls() < 2 {
			t.Errorf("only %d polls", s.polls())
		}
	})
}

// TestFollowConversationMessagesErrors: a failed poll is yielded; ranging on resumes
// polling and nothing is lost or repeated.
func TestFollowConversationMessagesErrors(t *testing.T) {
	s := &msgServer{
		fail: map[int]int{2: 400, 3: 401},
		script: map[int][]ConversationMessage{
			1: {msg("a", 5)},
			2: {msg("b", 6)},
			4: {msg("c", 6)},
		},
	}
	got, errs := follow(ctxT(t), s.start(t), &FollowConversationMessagesOptions{Interval: time.Millisecond}, 3)
	if !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("got %v", got)
	}
	if len(errs) != 2 || !errors.Is(errs[0], ErrBadRequest) || !errors.Is(errs[1], ErrUnauthorized) {
		t.Errorf("errors %v", errs)
	}

	// Breaking on the error ends the iteration.
	s2 := &msgServer{fail: map[int]int{1: 410}}
	n := 0
	for _, err := range s2.start(t).FollowConversationMessages(ctxT(t), "conv-1", &FollowConversationMessagesOptions{Interval: time.Millisecond}) {
		n++
		if !errors.Is(err, ErrGone) {
			t.Errorf("err = %v", err)
		}
		break
	}
	if n != 1 || s2.polls() != 1 {
		t.Errorf("%d yields, %d polls", n, s2.polls())
	}
}

// TestFollowConversationMessagesDefaults: nil options poll from the start, 100 at a time.
func TestFollowConversationMessagesDefaults(t *testing.T) {
	s := &msgServer{script: map[int][]ConversationMessage{1: {msg("a", 1)}}}
	got, _ := follow(ctxT(t), s.start(t), nil, 1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.Equal(got, []string{"a"}) || s.sinces[0] != 0 || s.limits[0] != "100" {
		t.Errorf("got %v, since %v, limit %v", got, s.sinces, s.limits)
	}
}
