package conversationtest_test

import (
	"context"
	"slices"
	"testing"
	"time"

	cv "github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
	"github.com/ultracart-community/ultracart-go/uctime"
)

// getConversationsSearch and getConversationsAutocomplete over stored
// conversations, as the package documentation describes them.
func TestConversationSearch(t *testing.T) {
	t0 := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	srv := conversationtest.NewServer(t, conversationtest.WithClock(func() time.Time { return t0 }))
	ctx := context.Background()
	add := func(id, medium, email, phone, lang, body string, start time.Time, visible bool) {
		t.Helper()
		must(srv.AddConversation(cv.Conversation{
			ConversationUUID: &id, Medium: cv.Ptr(cv.ConversationMedium(medium)), StartDts: uctime.Ptr(start), Visible: &visible,
			Participants: []cv.ConversationParticipant{{ConversationParticipantARN: cv.Ptr("arn:" + id), ConversationParticipantName: cv.Ptr("Name " + id),
				Email: cv.Ptr(email), SmsPhoneNumber: cv.Ptr(phone), LanguageIsoCode: cv.Ptr(lang)}},
			Messages: []cv.ConversationMessage{{Body: &body, MessageDts: uctime.Ptr(start.Add(time.Hour))}},
		}))
	}
	add("a", "sms", "ann@example.com", "+15555550101", "en", "Where is my parcel?", t0.Add(-72*time.Hour), true)
	add("b", "websocket", "bob@example.com", "", "es", "Hola", t0.Add(-48*time.Hour), true)
	add("c", "websocket", "ANN@example.com", "", "en", "Refund please", t0.Add(-24*time.Hour), false)

	ids := func(q cv.ConversationSearchRequest) []string {
		t.Helper()
		r := must(srv.Client.GetConversationsSearch(ctx, &q))
		var out []string
		for _, s := range r.Records {
			out = append(out, s.GetConversationUUID())
		}
		if int(deref(r.Total)) < len(out) {
			t.Errorf("total %d < %d records", deref(r.Total), len(out))
		}
		return out
	}
	for name, tc := range map[string]struct {
		q    cv.ConversationSearchRequest
		want []string
	}{
		"all, newest first":      {cv.ConversationSearchRequest{}, []string{"c", "b", "a"}},
		"oldest first":           {cv.ConversationSearchRequest{OrderByOldest: cv.Ptr(true)}, []string{"a", "b", "c"}},
		"email, any case":        {cv.ConversationSearchRequest{EmailFilter: cv.Ptr("ann@EXAMPLE.com")}, []string{"c", "a"}},
		"phone by digits":        {cv.ConversationSearchRequest{SmsPhoneNumberFilter: cv.Ptr("555-555-0101")}, []string{"a"}},
		"medium":                 {cv.ConversationSearchRequest{MediumFilter: cv.Ptr(cv.ConversationMediumWebsocket)}, []string{"c", "b"}},
		"language":               {cv.ConversationSearchRequest{LanguageFilter: cv.Ptr("ES")}, []string{"b"}},
		"visible":                {cv.ConversationSearchRequest{VisibleFilter: cv.Ptr(false)}, []string{"c"}},
		"text in a message":      {cv.ConversationSearchRequest{TextSearch: cv.Ptr("PARCEL")}, []string{"a"}},
		"text in a name":         {cv.ConversationSearchRequest{TextSearch: cv.Ptr("name b")}, []string{"b"}},
		"active in the range":    {cv.ConversationSearchRequest{DateStart: uctime.Ptr(t0.Add(-50 * time.Hour)), DateEnd: uctime.Ptr(t0.Add(-30 * time.Hour))}, []string{"b"}},
		"range_begin..range_end": {cv.ConversationSearchRequest{RangeBegin: cv.Ptr(int32(1)), RangeEnd: cv.Ptr(int32(2))}, []string{"b"}},
	} {
		if got := ids(tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", name, got, tc.want)
		}
	}
	// The iterator of package conversation walks the pages to the end.
	var all []string
	for s, err := range srv.Client.GetConversationsSearchIter(ctx, &cv.ConversationSearchRequest{RangeBegin: cv.Ptr(int32(0)), RangeEnd: cv.Ptr(int32(2))}) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, s.GetConversationUUID())
	}
	if !slices.Equal(all, []string{"c", "b", "a"}) {
		t.Errorf("GetConversationsSearchIter: %q", all)
	}

	ac := func(field, term string) []string {
		t.Helper()
		r := must(srv.Client.GetConversationsAutocomplete(ctx, &cv.ConversationAutocompleteRequest{Field: &field, Term: &term}))
		var out []string
		for _, v := range r.Results {
			out = append(out, v.GetValue()+" / "+v.GetDescription())
		}
		return out
	}
	if got := ac("email_filter", "ann"); !slices.Equal(got, []string{"ANN@example.com / 1 conversation", "ann@example.com / 1 conversation"}) {
		t.Errorf("email: %q", got)
	}
	if got := ac("medium", "sock"); !slices.Equal(got, []string{"websocket / 2 conversations"}) {
		t.Errorf("medium: %q", got)
	}
	if got := ac("name", "b"); !slices.Equal(got, []string{"Name b / 1 conversation"}) {
		t.Errorf("name, prefix first: %q", got)
	}
	if _, err := srv.Client.GetConversationsAutocomplete(ctx, &cv.ConversationAutocompleteRequest{Field: cv.Ptr("shoe_size"), Term: cv.Ptr("")}); err == nil {
		t.Error("an unknown field was accepted")
	}
}
