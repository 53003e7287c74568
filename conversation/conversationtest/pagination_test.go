package conversationtest_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ultracart-community/ultracart-go/gen"
	"github.com/ultracart-community/ultracart-go/uctime"
)

// seedConversations adds n conversations started an hour apart, the
// newest last, alternating sms and websocket, and returns their UUIDs
// newest first.
func seedConversations(t *testing.T, srv interface {
	AddConversation(gen.Conversation) (gen.Conversation, error)
}, n int, t0 time.Time) []string {
	t.Helper()
	var ids []string
	for i := 0; i < n; i++ {
		medium := gen.ConversationMediumSms
		if i%2 == 1 {
			medium = gen.ConversationMediumWebsocket
		}
		c := must(srv.AddConversation(gen.Conversation{
			ConversationUUID: ptr(fmt.Sprintf("conv-%02d", i)),
			Medium:           ptr(medium),
			StartDts:         uctime.Ptr(t0.Add(time.Duration(i) * time.Hour)),
		}))
		ids = append(ids, *c.ConversationUUID)
	}
	slices.Reverse(ids)
	return ids
}

func TestConversationsPagination(t *testing.T) {
	srv, c, _ := setup(t)
	ctx := context.Background()
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	want := seedConversations(t, srv, 7, t0)

	var got []string
	offset := int32(0)
	for page := 0; ; page++ {
		r, err := c.GetConversationsWithResponse(ctx, &gen.GetConversationsParams{Limit: ptr(int32(3)), Offset: ptr(offset)})
		if err != nil || r.JSON200 == nil {
			t.Fatalf("page %d: %v %s", page, err, r.Body)
		}
		rs := r.JSON200.Metadata.ResultSet
		n := int32(len(r.JSON200.Conversations))
		wantCount := min(3, 7-offset)
		if deref(rs.Count) != n || n != wantCount || deref(rs.Offset) != offset || deref(rs.Limit) != 3 || deref(rs.TotalRecords) != 7 {
			t.Fatalf("page %d result_set %+v with %d conversations", page, *rs, n)
		}
		for _, s := range r.JSON200.Conversations {
			got = append(got, deref(s.ConversationUUID))
		}
		if !deref(rs.More) {
			if rs.NextOffset != nil {
				t.Errorf("next_offset %d on the last page", *rs.NextOffset)
			}
			break
		}
		if deref(rs.NextOffset) != offset+n {
			t.Fatalf("next_offset = %d, want %d", deref(rs.NextOffset), offset+n)
		}
		offset = *rs.NextOffset
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages = %q, want newest first %q", got, want)
	}

	// Past the end: an empty page.
	r, _ := c.GetConversationsWithResponse(ctx, &gen.GetConversationsParams{Offset: ptr(int32(50))})
	if rs := r.JSON200.Metadata.ResultSet; len(r.JSON200.Conversations) != 0 || deref(rs.More) || deref(rs.Count) != 0 {
		t.Errorf("past the end: %s", r.Body)
	}
	// Default limit 100, and 0 means the default.
	for _, l := range []*int32{nil, ptr(int32(0))} {
		r, _ := c.GetConversationsWithResponse(ctx, &gen.GetConversationsParams{Limit: l})
		if deref(r.JSON200.Metadata.ResultSet.Limit) != 100 || len(r.JSON200.Conversations) != 7 {
			t.Errorf("default limit: %s", r.Body)
		}
	}
	// The maximum is accepted.
	if r, _ := c.GetConversationsWithResponse(ctx, &gen.GetConversationsParams{Limit: ptr(int32(200))}); r.StatusCode() != 200 {
		t.Errorf("_limit=200: %d", r.StatusCode())
	}
}

func TestConversationsFilters(t *testing.T) {
	srv, c, _ := setup(t)
	ctx := context.Background()
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	seedConversations(t, srv, 6, t0) // conv-00 (sms) at t0 ... conv-05 (websocket) at t0+5h

	list := func(p gen.GetConversationsParams) []string {
		t.Helper()
		r, err := c.GetConversationsWithResponse(ctx, &p)
		if err != nil || r.JSON200 == nil {
			t.Fatalf("%v %s", err, r.Body)
		}
		return names(r.JSON200.Conversations, func(s gen.ConversationSummary) *string { return s.ConversationUUID })
	}
	if got := list(gen.GetConversationsParams{Medium: ptr(gen.ConversationMediumSms)}); !slices.Equal(got, []string{"conv-04", "conv-02", "conv-00"}) {
		t.Errorf("sms = %q", got)
	}
	if got := list(gen.GetConversationsParams{Medium: ptr(gen.ConversationMediumWebsocket)}); !slices.Equal(got, []string{"conv-05", "conv-03", "conv-01"}) {
		t.Errorf("websocket = %q", got)
	}
	if got := list(gen.GetConversationsParams{Medium: ptr(gen.ConversationMedium("fax"))}); len(got) != 0 {
		t.Errorf("fax = %q", got)
	}
	// before is strict: a conversation active exactly at that instant is excluded.
	before := t0.Add(3 * time.Hour).In(time.FixedZone("EST", -5*3600)).Format(time.RFC3339)
	if got := list(gen.GetConversationsParams{Before: ptr(before)}); !slices.Equal(got, []string{"conv-02", "conv-01", "conv-00"}) {
		t.Errorf("before %s = %q", before, got)
	}
	if got := list(gen.GetConversationsParams{Before: ptr(before), Medium: ptr(gen.ConversationMediumWebsocket)}); !slices.Equal(got, []string{"conv-01"}) {
		t.Errorf("before + websocket = %q", got)
	}

	// A new message moves an old conversation to the top.
	if _, err := srv.AddMessage("conv-00", gen.ConversationMessage{Body: ptr("bump"), MessageDts: uctime.Ptr(t0.Add(10 * time.Hour))}); err != nil {
		t.Fatal(err)
	}
	if got := list(gen.GetConversationsParams{Limit: ptr(int32(2))}); !slices.Equal(got, []string{"conv-00", "conv-05"}) {
		t.Errorf("after new message = %q", got)
	}
}

func TestMessagesPaging(t *testing.T) {
	srv, c, _ := setup(t)
	ctx := context.Background()
	conv := must(srv.AddConversation(gen.Conversation{}))
	id := *conv.ConversationUUID
	// Added in the same millisecond: epochs must still be distinct and ordered.
	for i := 0; i < 10; i++ {
		if _, err := srv.AddMessage(id, gen.ConversationMessage{Body: ptr(fmt.Sprint(i))}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	since := int64(0)
	for {
		r, err := c.GetConversationMessagesWithResponse(ctx, id, since, &gen.GetConversationMessagesParams{Limit: ptr(int32(4))})
		if err != nil || r.JSON200 == nil {
			t.Fatalf("%v %s", err, r.Body)
		}
		ms := r.JSON200.ConversationMessages
		if len(ms) == 0 {
			break
		}
		if len(ms) > 4 {
			t.Fatalf("%d messages, limit 4", len(ms))
		}
		for _, m := range ms {
			if *m.MessageEpoch <= since {
				t.Fatalf("epoch %d not after since %d", *m.MessageEpoch, since)
			}
			since = *m.MessageEpoch
			got = append(got, deref(m.Body))
		}
	}
	if want := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}; !slices.Equal(got, want) {
		t.Errorf("messages = %q", got)
	}
	// getConversation: the most recent N, oldest first; all without a limit.
	r, _ := c.GetConversationWithResponse(ctx, id, &gen.GetConversationParams{Limit: ptr(int32(3))})
	if b := messageBodies(r.JSON200.Conversation.Messages); !slices.Equal(b, []string{"7", "8", "9"}) {
		t.Errorf("limit 3 = %q", b)
	}
	if deref(r.JSON200.Conversation.MessageCount) != 10 {
		t.Errorf("message_count = %d", deref(r.JSON200.Conversation.MessageCount))
	}
	r, _ = c.GetConversationWithResponse(ctx, id, nil)
	if len(r.JSON200.Conversation.Messages) != 10 {
		t.Errorf("no limit: %d messages", len(r.JSON200.Conversation.Messages))
	}
}
