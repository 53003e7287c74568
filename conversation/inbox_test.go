package conversation

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// inboxServer answers getConversations from a list of summaries, newest
// activity first, paged by _limit and _offset. Before answering request n it
// applies script[n]; fail[n] is a status to answer instead.
type inboxServer struct {
	mu     sync.Mutex
	convs  map[string]ConversationSummary
	script map[int]func(s *inboxServer)
	fail   map[int]int
	pages  []string // "offset/limit" of each request
}

// inboxT0 is the time the tests' inboxes start from.
var inboxT0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func at(sec int) *DateTime {
	v := DateTime{Time: inboxT0.Add(time.Duration(sec) * time.Second)}
	return &v
}

// put adds or replaces a conversation started at start whose last message
// (its count-th) came at last.
func (s *inboxServer) put(id string, start, last, count int) {
	if s.convs == nil {
		s.convs = map[string]ConversationSummary{}
	}
	s.convs[id] = ConversationSummary{ConversationUUID: ptr(id), StartDts: at(start), LastMessageDts: at(last),
		MessageCount: ptr(int32(count)), LastConversationMessageBody: ptr(fmt.Sprintf("%s #%d", id, count))}
}

// message adds a message to id at sec.
func (s *inboxServer) message(id string, sec int) {
	c := s.convs[id]
	s.put(id, int(c.StartDts.Sub(inboxT0)/time.Second), sec, int(*c.MessageCount)+1)
}

func (s *inboxServer) start(t *testing.T, opts ...Option) *Client {
	t.Helper()
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path != basePath+"/conversation/conversations" {
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
		s.mu.Lock()
		if f := s.script[n]; f != nil {
			f(s)
		}
		list := make([]ConversationSummary, 0, len(s.convs))
		for _, c := range s.convs {
			list = append(list, c)
		}
		q := r.URL.Query()
		s.pages = append(s.pages, q.Get("_offset")+"/"+q.Get("_limit"))
		status := s.fail[n]
		s.mu.Unlock()
		if status != 0 {
			writeError(w, status, "")
			return
		}
		slices.SortFunc(list, func(a, b ConversationSummary) int {
			if c := latest(b).Compare(latest(a)); c != 0 {
				return c
			}
			return strings.Compare(*a.ConversationUUID, *b.ConversationUUID)
		})
		offset, _ := strconv.Atoi(q.Get("_offset"))
		limit, _ := strconv.Atoi(q.Get("_limit"))
		end := min(offset+limit, len(list))
		page := list[min(offset, end):end]
		more := end < len(list)
		writeValue(t, w, 200, ConversationsResponse{Conversations: page, Success: ptr(true),
			Metadata: &ResponseMetadata{ResultSet: &ResultSet{More: ptr(more), Count: ptr(int32(len(page)))}}})
	})
	return newClient(t, srv, opts...)
}

func latest(s ConversationSummary) time.Time {
	t, _ := summaryActivity(s)
	return t
}

func (s *inboxServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.pages...)
}

// watch collects n events (and the errors met) from WatchInbox, as
// "kind:uuid#count".
func watch(t *testing.T, c *Client, opts *InboxOptions, n int) (events []string, errs []error) {
	t.Helper()
	for e, err := range c.WatchInbox(ctxT(t), opts) {
		if err != nil {
			errs = append(errs, err)
			if len(errs) > 10 {
				t.Fatalf("errors: %v", errs)
			}
			continue
		}
		kind := map[InboxEventKind]string{InboxNewConversation: "new", InboxNewMessage: "msg"}[e.Kind]
		events = append(events, fmt.Sprintf("%s:%s#%d", kind, *e.Conversation.ConversationUUID, *e.Conversation.MessageCount))
		if len(events) == n {
			break
		}
	}
	return events, errs
}

// TestWatchInbox: with StartAtNow, the first poll notes the inbox; later ones report each
// new conversation and each conversation's new message once, oldest first,
// including a change in the same second as the newest one already seen.
func TestWatchInbox(t *testing.T) {
	s := &inboxServer{script: map[int]func(*inboxServer){
		2: func(s *inboxServer) { s.message("a", 30) },
		3: func(s *inboxServer) { s.put("c", 40, 40, 1) },
		4: func(s *inboxServer) { s.message("b", 40) }, // the same second as c
		5: func(s *inboxServer) { s.message("c", 40) }, // and c again, in that second
		7: func(s *inboxServer) { s.message("c", 50); s.message("a", 45); s.put("d", 47, 48, 2) },
		8: func(s *inboxServer) { s.put("e", 50, 50, 1) }, // started in the second of the newest seen
	}}
	s.put("a", 0, 10, 3)
	s.put("b", 5, 20, 1)
	c := s.start(t)
	got, errs := watch(t, c, &InboxOptions{StartAtNow: true, Interval: time.Millisecond}, 8)
	if errs != nil {
		t.Fatal(errs)
	}
	want := []string{"msg:a#4", "new:c#1", "msg:b#2", "msg:c#2", "msg:a#5", "new:d#2", "msg:c#3", "new:e#1"}
	if !slices.Equal(got, want) {
		t.Errorf("events %v\nwant   %v", got, want)
	}
	// One request a poll: the first page alone, since it ends in summaries
	// already seen.
	reqs := s.requests()
	if len(reqs) != 8 || slices.IndexFunc(reqs, func(r string) bool { return r != "/50" }) >= 0 {
		t.Errorf("requests %v, want 8 of the first page of %d", reqs, DefaultInboxPageSize)
	}
}

// TestWatchInboxSincePaging: with Since, the first poll reports the
// activity after it, reading pages until one reaches older activity.
func TestWatchInboxSincePaging(t *testing.T) {
	s := &inboxServer{}
	for i := 1; i <= 7; i++ {
		s.put("c"+strconv.Itoa(i), i*10-15, i*10, 1) // c1 and c2 started before Since
	}
	s.put("old1", 0, 1, 1)
	s.put("old2", 0, 2, 1)
	c := s.start(t)
	got, errs := watch(t, c, &InboxOptions{Since: inboxT0.Add(5 * time.Second), PageSize: 3, Interval: time.Millisecond}, 7)
	if errs != nil {
		t.Fatal(errs)
	}
	want := []string{"msg:c1#1", "msg:c2#1", "new:c3#1", "new:c4#1", "new:c5#1", "new:c6#1", "new:c7#1"}
	if !slices.Equal(got, want) {
		t.Errorf("events %v\nwant   %v", got, want)
	}
	if reqs := s.requests(); !slices.Equal(reqs, []string{"/3", "3/3", "6/3"}) {
		t.Errorf("requests %v", reqs)
	}
}

// TestWatchInboxMaxPages: a poll that reads MaxPages pages of changes
// without catching up reports none of them and ends the watch with an
// *InboxBacklogError whose Position resumes the watch, with more pages,
// exactly where it stood.
func TestWatchInboxMaxPages(t *testing.T) {
	s := &inboxServer{}
	for i := 1; i <= 10; i++ {
		s.put("c"+strconv.Itoa(i), i, i, 1)
	}
	c := s.start(t)
	got, errs := watch(t, c, &InboxOptions{Since: inboxT0, PageSize: 2, MaxPages: 2, Interval: time.Hour}, 4)
	var backlog *InboxBacklogError
	if len(got) != 0 || len(errs) != 1 || !errors.Is(errs[0], ErrInboxBacklog) || !errors.As(errs[0], &backlog) {
		t.Fatalf("events %v, errors %v: want no event and one ErrInboxBacklog", got, errs)
	}
	if reqs := s.requests(); len(reqs) != 2 {
		t.Errorf("requests %v", reqs)
	}
	if backlog.Pages != 2 || backlog.PageSize != 2 || !backlog.Position.Time().Equal(inboxT0) ||
		!strings.Contains(backlog.Error(), "MaxPages") || !strings.Contains(backlog.Error(), "Position") {
		t.Errorf("backlog error %+v: %v", backlog, backlog)
	}
	got, errs = watch(t, c, &InboxOptions{Resume: backlog.Position, PageSize: 2, MaxPages: 6, Interval: time.Hour}, 10)
	var want []string
	for i := 1; i <= 10; i++ {
		want = append(want, "new:c"+strconv.Itoa(i)+"#1")
	}
	if errs != nil || !slices.Equal(got, want) {
		t.Errorf("resumed: events %v, errors %v\nwant %v", got, errs, want)
	}
}

// TestWatchInboxErrors: a failed poll is yielded and polling resumes, the
// baseline still to be taken; breaking on an error stops; a summary without
// any time is skipped.
func TestWatchInboxErrors(t *testing.T) {
	s := &inboxServer{fail: map[int]int{1: 503, 3: 400}, script: map[int]func(*inboxServer){
		3: func(s *inboxServer) { s.message("a", 30) }, // answered with a 400: seen at poll 4
		4: func(s *inboxServer) {
			s.convs["timeless"] = ConversationSummary{ConversationUUID: ptr("timeless"), MessageCount: ptr(int32(1))}
		},
	}}
	s.put("a", 0, 10, 1)
	c := s.start(t, WithoutRetries())
	got, errs := watch(t, c, &InboxOptions{StartAtNow: true, Interval: time.Millisecond}, 1)
	if !slices.Equal(got, []string{"msg:a#2"}) {
		t.Errorf("events %v", got)
	}
	if len(errs) != 2 || !errors.Is(errs[0], ErrServer) || !errors.Is(errs[1], ErrBadRequest) {
		t.Errorf("errors %v", errs)
	}
	s.mu.Lock()
	s.fail[len(s.pages)+1] = 500
	s.mu.Unlock()
	n := 0
	for _, err := range c.WatchInbox(ctxT(t), &InboxOptions{StartAtNow: true, Interval: time.Millisecond}) {
		n++
		if !errors.Is(err, ErrServer) {
			t.Errorf("yield %v, want the 500", err)
		}
		break
	}
	if n != 1 || len(s.requests()) != 5 {
		t.Errorf("%d yields, %d requests: breaking on the error did not stop", n, len(s.requests()))
	}
}

// TestWatchInboxArguments: invalid options are refused before anything is
// sent.
func TestWatchInboxArguments(t *testing.T) {
	srv, rc := newServer(t, failOnRequest(t))
	c := newClient(t, srv)
	for _, tc := range []struct {
		opts *InboxOptions
		arg  string
	}{
		{&InboxOptions{PageSize: -1}, "opts.PageSize"},
		{&InboxOptions{PageSize: MaxPageSize + 1}, "opts.PageSize"},
		{&InboxOptions{MaxPages: -1}, "opts.MaxPages"},
		{&InboxOptions{Interval: -time.Second}, "opts.Interval"},
	} {
		err := firstError(c.WatchInbox(ctxT(t), tc.opts))
		var ae *ArgumentError
		if !errors.As(err, &ae) || ae.Argument != tc.arg || ae.Operation != "getConversations" {
			t.Errorf("%+v: err = %v, want an *ArgumentError for %s", tc.opts, err, tc.arg)
		}
	}
	var nilCtx context.Context
	if err := firstError(c.WatchInbox(nilCtx, nil)); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("nil ctx: %v", err)
	}
	if rc.count() != 0 {
		t.Errorf("%d requests", rc.count())
	}
	if s := InboxNewConversation.String() + ", " + InboxNewMessage.String() + ", " + InboxEventKind(9).String(); s != "new conversation, new message, InboxEventKind(9)" {
		t.Errorf("kinds print as %q", s)
	}
}

// TestWatchInboxNoChangeOnePage: a poll that finds only what it has seen
// reads on past a full page of conversations in the second of its mark (a
// change in that second may be listed after them), and stops at the first
// older summary.
func TestWatchInboxNoChangeOnePage(t *testing.T) {
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	s := &inboxServer{script: map[int]func(*inboxServer){6: func(*inboxServer) { cancel() }}}
	s.put("a", 0, 10, 1)
	s.put("b", 0, 10, 1)
	s.put("c", 0, 5, 1)
	c := s.start(t)
	for e, err := range c.WatchInbox(ctx, &InboxOptions{StartAtNow: true, PageSize: 2, Interval: time.Millisecond}) {
		t.Errorf("yielded %+v, %v", e, err)
	}
	if reqs := s.requests(); !slices.Equal(reqs[:5], []string{"/2", "/2", "2/2", "/2", "2/2"}) {
		t.Errorf("requests %v, want the first page alone for the baseline, then two pages at each poll", reqs)
	}
}

// TestWatchInboxTieOnNextPage: a change in the second of the mark, listed
// after conversations already seen in that second (on the next page), is
// reported.
func TestWatchInboxTieOnNextPage(t *testing.T) {
	s := &inboxServer{script: map[int]func(*inboxServer){3: func(s *inboxServer) { s.put("d", 0, 10, 1) }}}
	s.put("a", 0, 10, 1)
	s.put("b", 0, 10, 1)
	s.put("c", 0, 5, 1)
	got, errs := watch(t, s.start(t), &InboxOptions{StartAtNow: true, PageSize: 2, Interval: time.Millisecond}, 1)
	if errs != nil || !slices.Equal(got, []string{"msg:d#1"}) {
		t.Errorf("events %v, errors %v", got, errs)
	}
}
