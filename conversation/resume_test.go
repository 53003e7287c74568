package conversation_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
	"github.com/ultracart-community/ultracart-go/uctime"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// tiedConversation adds a conversation whose messages share milliseconds:
// 3 at 1000, 1 at 1001, 5 at 1002, 2 at 1003.
func tiedConversation(t *testing.T, fake *conversationtest.Server) (id string, want []string) {
	t.Helper()
	var msgs []conversation.ConversationMessage
	for _, g := range []struct {
		epoch int64
		n     int
	}{{1000, 3}, {1001, 1}, {1002, 5}, {1003, 2}} {
		for i := range g.n {
			id := fmt.Sprintf("m%d-%d", g.epoch, i)
			msgs = append(msgs, conversation.ConversationMessage{ConversationMessageUUID: &id, MessageEpoch: conversation.Ptr(g.epoch),
				MessageDts: uctime.Ptr(time.UnixMilli(g.epoch)), Body: conversation.Ptr("body " + id)})
			want = append(want, id)
		}
	}
	c, err := fake.AddConversation(conversation.Conversation{Messages: msgs})
	if err != nil {
		t.Fatal(err)
	}
	return c.GetConversationUUID(), want
}

// persist is what a program does with a position: store its text, and read
// it back after a restart.
func persist[P interface {
	MarshalText() ([]byte, error)
}](t *testing.T, p P, into interface{ UnmarshalText([]byte) error }) {
	t.Helper()
	text, err := p.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	if err := into.UnmarshalText(text); err != nil {
		t.Fatalf("%q: %v", text, err)
	}
}

// TestMessagesResumeExactly: a history walk (GetConversationMessagesIter) or a follower
// stopped after n messages, for every n, and restarted from the persisted
// Position of the last message it yielded, yields exactly the rest: no
// gap, no duplicate, ties in one millisecond included, whatever the page
// size; a follower resumed from a history walk's last position goes on
// with what arrives later, including a late message in the millisecond
// the walk stopped in.
func TestMessagesResumeExactly(t *testing.T) {
	fake := conversationtest.NewServer(t)
	c := fake.Client
	id, want := tiedConversation(t, fake)
	for _, pageSize := range []int{1, 2, 3, 100} {
		for n := 1; n <= len(want); n++ {
			var got []string
			var pos conversation.MessagePosition
			for m, err := range c.GetConversationMessagesIter(testCtx(t), id, &conversation.GetConversationMessagesIterOptions{PageSize: pageSize}) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, m.GetConversationMessageUUID())
				persist(t, m.Position, &pos)
				if len(got) == n {
					break
				}
			}
			if pos.IsZero() {
				t.Fatal("no position")
			}
			for m, err := range c.GetConversationMessagesIter(testCtx(t), id, &conversation.GetConversationMessagesIterOptions{PageSize: pageSize, Resume: pos}) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, m.GetConversationMessageUUID())
			}
			if !slices.Equal(got, want) {
				t.Fatalf("page %d, stopped after %d at %s: got %v\nwant %v", pageSize, n, pos, got, want)
			}
			if n == len(want) {
				continue // nothing left: a follower would wait for more
			}
			// A follower from the same position yields the same rest.
			rest := []string{}
			ctx, cancel := context.WithCancel(testCtx(t))
			for m, err := range c.FollowConversationMessages(ctx, id, &conversation.FollowConversationMessagesOptions{PageSize: pageSize, Resume: pos, Interval: time.Millisecond}) {
				if err != nil {
					t.Fatal(err)
				}
				if rest = append(rest, m.GetConversationMessageUUID()); len(rest) == len(want)-n {
					break
				}
			}
			cancel()
			if !slices.Equal(rest, want[n:]) {
				t.Fatalf("follower from %s: %v, want %v", pos, rest, want[n:])
			}
		}
	}

	// Stopped in the millisecond 1002 after 2 of its 5 messages; then a
	// late message arrives in that same millisecond, and one later.
	var pos conversation.MessagePosition
	k := 0
	for m, err := range c.GetConversationMessagesIter(testCtx(t), id, &conversation.GetConversationMessagesIterOptions{PageSize: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		persist(t, m.Position, &pos)
		if k++; k == 6 {
			break
		}
	}
	if pos.Time().UnixMilli() != 1002 {
		t.Fatalf("stopped at %s", pos)
	}
	for _, m := range []conversation.ConversationMessage{
		{ConversationMessageUUID: conversation.Ptr("late-1002"), MessageEpoch: conversation.Ptr(int64(1002))},
		{ConversationMessageUUID: conversation.Ptr("later"), MessageEpoch: conversation.Ptr(int64(5000))},
	} {
		if _, err := fake.AddMessage(id, m); err != nil {
			t.Fatal(err)
		}
	}
	var rest []string
	for m, err := range c.FollowConversationMessages(testCtx(t), id, &conversation.FollowConversationMessagesOptions{Resume: pos, Interval: time.Millisecond}) {
		if err != nil {
			t.Fatal(err)
		}
		if rest = append(rest, m.GetConversationMessageUUID()); len(rest) == 7 {
			break
		}
	}
	// The late message comes with its millisecond, before 1003's.
	if w := slices.Concat(want[6:9], []string{"late-1002"}, want[9:], []string{"later"}); !slices.Equal(rest, w) {
		t.Errorf("resumed follower: %v\nwant %v", rest, w)
	}
}

// TestSinceOneMeaning: Since means "strictly after" in the three options,
// and its zero value the whole history; StartAtNow is the watcher's "from
// now on"; a start given twice is refused.
func TestSinceOneMeaning(t *testing.T) {
	fake := conversationtest.NewServer(t)
	c := fake.Client
	id, want := tiedConversation(t, fake)
	all := func(opts *conversation.GetConversationMessagesIterOptions) (got []string) {
		for m, err := range c.GetConversationMessagesIter(testCtx(t), id, opts) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, m.GetConversationMessageUUID())
		}
		return got
	}
	follow := func(opts conversation.FollowConversationMessagesOptions, n int) (got []string) {
		opts.Interval = time.Millisecond
		for m, err := range c.FollowConversationMessages(testCtx(t), id, &opts) {
			if err != nil {
				t.Fatal(err)
			}
			if got = append(got, m.GetConversationMessageUUID()); len(got) == n {
				break
			}
		}
		return got
	}
	if got := all(nil); !slices.Equal(got, want) {
		t.Errorf("GetConversationMessagesIter, zero Since: %v", got)
	}
	if got := follow(conversation.FollowConversationMessagesOptions{}, len(want)); !slices.Equal(got, want) {
		t.Errorf("FollowConversationMessages, zero Since: %v", got)
	}
	since := time.UnixMilli(1001)
	if got := all(&conversation.GetConversationMessagesIterOptions{Since: since}); !slices.Equal(got, want[4:]) {
		t.Errorf("GetConversationMessagesIter, Since 1001: %v", got)
	}
	if got := follow(conversation.FollowConversationMessagesOptions{Since: since}, len(want)-4); !slices.Equal(got, want[4:]) {
		t.Errorf("FollowConversationMessages, Since 1001: %v", got)
	}

	// The inbox: zero Since reports every conversation, Since excludes
	// activity at exactly it, StartAtNow reports none of what is there.
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		if _, err := fake.AddConversation(conversation.Conversation{ConversationUUID: conversation.Ptr(fmt.Sprintf("inbox-%d", i)),
			StartDts: uctime.Ptr(base.Add(time.Duration(i) * time.Second))}); err != nil {
			t.Fatal(err)
		}
	}
	watch := func(opts conversation.InboxOptions, n int) []string {
		return watchInbox(t, c, opts, n, 300*time.Millisecond, nil)
	}
	// The tied conversation started now (its messages are dated 1970).
	if got := watch(conversation.InboxOptions{}, 4); !slices.Equal(got, []string{"inbox-0", "inbox-1", "inbox-2", id}) {
		t.Errorf("WatchInbox, zero Since: %v", got)
	}
	if got := watch(conversation.InboxOptions{Since: base.Add(time.Second)}, 1); !slices.Equal(got, []string{"inbox-2"}) {
		t.Errorf("WatchInbox, Since: %v", got)
	}
	if got := watch(conversation.InboxOptions{StartAtNow: true}, 1); got != nil {
		t.Errorf("WatchInbox, StartAtNow: %v", got)
	}

	var p conversation.MessagePosition
	for m := range c.GetConversationMessagesIter(testCtx(t), id, nil) {
		p = m.Position
		break
	}
	var ip conversation.InboxPosition
	for e := range c.WatchInbox(testCtx(t), nil) {
		ip = e.Position
		break
	}
	for _, tc := range []struct {
		name, arg string
		seq       func(yield func(error) bool)
	}{
		{"GetConversationMessagesIter", "opts.Resume", errsOf(c.GetConversationMessagesIter(testCtx(t), id, &conversation.GetConversationMessagesIterOptions{Since: since, Resume: p}))},
		{"FollowConversationMessages", "opts.Resume", errsOf(c.FollowConversationMessages(testCtx(t), id, &conversation.FollowConversationMessagesOptions{Since: since, Resume: p}))},
		{"WatchInbox/Since+StartAtNow", "opts.StartAtNow", errsOf(c.WatchInbox(testCtx(t), &conversation.InboxOptions{Since: since, StartAtNow: true}))},
		{"WatchInbox/StartAtNow+Resume", "opts.Resume", errsOf(c.WatchInbox(testCtx(t), &conversation.InboxOptions{Resume: ip, StartAtNow: true}))},
		{"WatchInbox/Since+Resume", "opts.Resume", errsOf(c.WatchInbox(testCtx(t), &conversation.InboxOptions{Since: since, Resume: ip}))},
	} {
		for err := range tc.seq {
			var ae *conversation.ArgumentError
			if !errors.As(err, &ae) || ae.Argument != tc.arg {
				t.Errorf("%s: %v, want an *ArgumentError for %s", tc.name, err, tc.arg)
			}
			break
		}
	}
}

// errsOf is the errors of seq.
func errsOf[T any](seq func(func(T, error) bool)) func(yield func(error) bool) {
	return func(yield func(error) bool) {
		for _, err := range seq {
			if err != nil && !yield(err) {
				return
			}
		}
	}
}

// TestInboxResumeExactly: a watcher from the beginning stopped after n
// events, for every n, and restarted from the persisted Position of the
// last event, reports exactly the rest: no gap, no duplicate, changes in
// one second included, whatever the page size; a change in the second it
// stopped in, made while it was stopped, is reported after the restart.
func TestInboxResumeExactly(t *testing.T) {
	fake := conversationtest.NewServer(t)
	c := fake.Client
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i, sec := range []int{0, 0, 0, 1, 2, 2, 3, 3, 3, 3, 4, 5} {
		if _, err := fake.AddConversation(conversation.Conversation{ConversationUUID: conversation.Ptr(fmt.Sprintf("c%02d", i)),
			StartDts: uctime.Ptr(base.Add(time.Duration(sec) * time.Second))}); err != nil {
			t.Fatal(err)
		}
	}
	watch := func(opts conversation.InboxOptions, n int, pos *conversation.InboxPosition) []string {
		return watchInbox(t, c, opts, n, 10*time.Second, func(e conversation.InboxEvent) {
			persist(t, e.Position, pos)
			activity := e.Conversation.StartDts.Time
			if d := e.Conversation.LastMessageDts; d != nil && d.After(activity) {
				activity = d.Time
			}
			if !pos.Time().Equal(activity) {
				t.Fatalf("position %s, want the activity %v", pos, activity)
			}
		})
	}
	var pos conversation.InboxPosition
	want := watch(conversation.InboxOptions{}, 12, &pos)
	if len(want) != 12 {
		t.Fatalf("whole inbox: %v", want)
	}
	for _, pageSize := range []int{1, 2, 5, 50} {
		for n := 1; n < len(want); n++ {
			var pos conversation.InboxPosition
			got := watch(conversation.InboxOptions{PageSize: pageSize}, n, &pos)
			got = append(got, watch(conversation.InboxOptions{PageSize: pageSize, Resume: pos}, len(want)-n, &pos)...)
			if !slices.Equal(got, want) {
				t.Fatalf("page %d, stopped after %d: %v\nwant %v", pageSize, n, got, want)
			}
		}
	}

	// Stopped after 2 of the 4 conversations of second 3; meanwhile one
	// more starts in that second, and c00 gets a message later.
	got := watch(conversation.InboxOptions{PageSize: 2}, 8, &pos)
	if !pos.Time().Equal(base.Add(3 * time.Second)) {
		t.Fatalf("stopped at %s after %v", pos, got)
	}
	if _, err := fake.AddConversation(conversation.Conversation{ConversationUUID: conversation.Ptr("late"), StartDts: uctime.Ptr(base.Add(3 * time.Second))}); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.AddMessage("c00", conversation.ConversationMessage{MessageDts: uctime.Ptr(base.Add(time.Minute))}); err != nil {
		t.Fatal(err)
	}
	rest := watch(conversation.InboxOptions{PageSize: 2, Resume: pos}, 6, &pos)
	if slices.Sort(rest[:3]); !slices.Equal(rest, slices.Concat(sorted(append(slices.Clone(want[8:10]), "late")), want[10:], []string{"c00"})) {
		t.Errorf("after the restart: %v", rest)
	}
}

func sorted(s []string) []string { slices.Sort(s); return s }

// TestInboxBacklogNeverSilent: a CRM sync restarted after downtime, from
// the position it persisted, with 300 conversations started meanwhile (more
// than the old 5 pages of 50): the default options report all 300; with
// MaxPages 5 the watch ends with an ErrInboxBacklog instead (never 250
// events and silence), and resuming from its Position with more pages
// reports all 300.
func TestInboxBacklogNeverSilent(t *testing.T) {
	fake := conversationtest.NewServer(t)
	c := fake.Client
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	add := func(i int) {
		if _, err := fake.AddConversation(conversation.Conversation{ConversationUUID: conversation.Ptr(fmt.Sprintf("c%03d", i)),
			StartDts: uctime.Ptr(base.Add(time.Duration(i) * time.Second))}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 10 {
		add(i)
	}
	var pos conversation.InboxPosition
	for e, err := range c.WatchInbox(testCtx(t), nil) { // the sync's first run
		if err != nil {
			t.Fatal(err)
		}
		if pos = e.Position; e.Conversation.GetConversationUUID() == "c009" {
			break
		}
	}
	for i := 10; i < 310; i++ { // downtime
		add(i)
	}
	events := func(opts conversation.InboxOptions) (n int, errs []error) {
		ctx, cancel := context.WithTimeout(testCtx(t), 10*time.Second)
		defer cancel()
		opts.Interval = time.Millisecond
		for e, err := range c.WatchInbox(ctx, &opts) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if want := fmt.Sprintf("c%03d", 10+n); e.Conversation.GetConversationUUID() != want {
				t.Fatalf("event %d is %s, want %s", n, e.Conversation.GetConversationUUID(), want)
			}
			if n++; n == 300 {
				break
			}
		}
		return n, errs
	}
	if n, errs := events(conversation.InboxOptions{Resume: pos}); n != 300 || errs != nil {
		t.Errorf("default options: %d events, errors %v", n, errs)
	}
	n, errs := events(conversation.InboxOptions{Resume: pos, MaxPages: 5})
	var backlog *conversation.InboxBacklogError
	if n != 0 || len(errs) != 1 || !errors.Is(errs[0], conversation.ErrInboxBacklog) || !errors.As(errs[0], &backlog) {
		t.Fatalf("MaxPages 5: %d events, errors %v: want none and an ErrInboxBacklog", n, errs)
	}
	if n, errs := events(conversation.InboxOptions{Resume: backlog.Position, MaxPages: 7}); n != 300 || errs != nil {
		t.Errorf("resumed from the backlog error: %d events, errors %v", n, errs)
	}
	t.Logf("MEASURE inbox_backlog changes=300 events_default=300 maxpages5=%q", errs[0])
}

// watchInbox collects the conversation uuids of up to n events of a watcher
// polling every millisecond for at most d, passing each event to each
// (when not nil); an error fails the test.
func watchInbox(t *testing.T, c *conversation.Client, opts conversation.InboxOptions, n int, d time.Duration, each func(conversation.InboxEvent)) (got []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(testCtx(t), d)
	defer cancel()
	opts.Interval = time.Millisecond
	for e, err := range c.WatchInbox(ctx, &opts) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e.Conversation.GetConversationUUID())
		if each != nil {
			each(e)
		}
		if len(got) == n {
			break
		}
	}
	return got
}
