package conversation

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
)

// searchServer answers getConversationsSearch over total conversations
// "s0".."s<total-1>". inclusive makes range_end inclusive (one more record a
// page than asked); ignoreRange always sends the first page.
func searchServer(t *testing.T, total int, inclusive, ignoreRange, withTotal bool) (*Client, *recorder) {
	t.Helper()
	var rc *recorder
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n > 50 {
			t.Errorf("request %d: the search walk does not stop", n)
			writeJSON(w, 200, `{}`)
			return
		}
		var req ConversationSearchRequest
		if err := json.Unmarshal(rc.all()[n-1].Body, &req); err != nil {
			t.Errorf("body: %v", err)
		}
		begin, end := int(req.GetRangeBegin()), int(req.GetRangeEnd())
		if ignoreRange {
			begin, end = 0, 3
		}
		if inclusive {
			end++
		}
		var recs []map[string]any
		for i := begin; i < end && i < total; i++ {
			recs = append(recs, map[string]any{"conversation_uuid": "s" + strconv.Itoa(i)})
		}
		body := map[string]any{"records": recs, "range_begin": begin, "range_end": end}
		if withTotal {
			body["total"] = total
		}
		writeValue(t, w, 200, body)
	})
	return newClient(t, srv), rc
}

func TestGetConversationsSearchIter(t *testing.T) {
	want := func(n int) []string {
		var out []string
		for i := range n {
			out = append(out, "s"+strconv.Itoa(i))
		}
		return out
	}
	for _, tc := range []struct {
		name                              string
		total                             int
		inclusive, ignoreRange, withTotal bool
		want                              []string
		requests                          int
		stalled                           bool // ends with an ErrPagingStalled
	}{
		{"exclusive_with_total", 250, false, false, true, want(250), 3, false},
		{"exclusive_no_total", 250, false, false, false, want(250), 4, false}, // one empty page ends it
		{"inclusive_with_total", 250, true, false, true, want(250), 3, false},
		{"exact_pages", 200, false, false, true, want(200), 2, false},
		{"empty", 0, false, false, true, nil, 1, false},
		{"service_ignores_range", 10, false, true, false, want(3), 2, true}, // the second page brings nothing new
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, rc := searchServer(t, tc.total, tc.inclusive, tc.ignoreRange, tc.withTotal)
			search := &ConversationSearchRequest{TextSearch: Ptr("order")}
			var got []string
			var errs []error
			for s, err := range c.GetConversationsSearchIter(ctxT(t), search) {
				if err != nil {
					errs = append(errs, err)
					continue // keep ranging: the iterator itself must stop
				}
				got = append(got, s.GetConversationUUID())
			}
			if tc.stalled != (len(errs) == 1 && errors.Is(errs[0], ErrPagingStalled)) || len(errs) > 1 || (!tc.stalled && len(errs) > 0) {
				t.Fatalf("errors %v (want a stall: %v)", errs, tc.stalled)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %d conversations %v, want %d", len(got), got, len(tc.want))
			}
			if rc.count() != tc.requests {
				t.Errorf("%d requests, want %d", rc.count(), tc.requests)
			}
			if search.RangeBegin != nil || search.RangeEnd != nil {
				t.Error("the caller's search was modified")
			}
			for _, r := range rc.all() {
				var body map[string]any
				_ = json.Unmarshal(r.Body, &body)
				if body["text_search"] != "order" {
					t.Errorf("filter lost: %s", r.Body)
				}
			}
		})
	}
}

func TestGetConversationsSearchIterRangeAndBreak(t *testing.T) {
	c, rc := searchServer(t, 100, false, false, true)
	var got []string
	for s, err := range c.GetConversationsSearchIter(ctxT(t), &ConversationSearchRequest{RangeBegin: Ptr(int32(10)), RangeEnd: Ptr(int32(15))}) {
		if err != nil {
			t.Fatal(err)
		}
		if got = append(got, s.GetConversationUUID()); len(got) == 7 {
			break
		}
	}
	if !slices.Equal(got, []string{"s10", "s11", "s12", "s13", "s14", "s15", "s16"}) {
		t.Errorf("got %v", got)
	}
	var ranges []string
	for _, r := range rc.all() {
		var req ConversationSearchRequest
		_ = json.Unmarshal(r.Body, &req)
		ranges = append(ranges, fmt.Sprintf("%d-%d", req.GetRangeBegin(), req.GetRangeEnd()))
	}
	if !slices.Equal(ranges, []string{"10-15", "15-20"}) {
		t.Errorf("ranges asked %v, want pages of 5 from 10", ranges)
	}
}

func TestGetConversationsSearchIterError(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeError(w, 400, "") })
	c := newClient(t, srv)
	n := 0
	for _, err := range c.GetConversationsSearchIter(ctxT(t), &ConversationSearchRequest{}) {
		n++
		if err == nil || !isStatus(err, 400) {
			t.Fatalf("err = %v", err)
		}
	}
	if n != 1 {
		t.Errorf("%d yields, want the one error", n)
	}
}

func isStatus(err error, status int) bool {
	ae, ok := err.(*APIError)
	return ok && ae.StatusCode == status
}

// offsetServer serves a list of total items paged by _offset and _limit
// under the response property list, each item {key: prefix<n>}; with
// shifted, every page after the first starts with the previous page's last
// item again (a list that shifted while it was read).
func offsetServer(t *testing.T, total int, list, key, prefix string, shifted bool) (*httptest.Server, *recorder) {
	return newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n > 20 {
			t.Errorf("does not stop")
			writeJSON(w, 200, `{"success":true}`)
			return
		}
		q := r.URL.Query()
		offset, _ := strconv.Atoi(q.Get("_offset"))
		limit, _ := strconv.Atoi(q.Get("_limit"))
		var items []map[string]any
		if shifted && offset > 0 {
			items = append(items, map[string]any{key: prefix + strconv.Itoa(offset-1)})
		}
		for i := offset; i < total && i < offset+limit; i++ {
			items = append(items, map[string]any{key: prefix + strconv.Itoa(i)})
		}
		writeValue(t, w, 200, map[string]any{"success": true, list: items,
			"metadata": map[string]any{"result_set": honest(offset, limit, len(items), total)}})
	})
}

// TestSearchPbxCallsIter pages searchPbxCalls by offset and keeps the search
// body on every page.
func TestSearchPbxCallsIter(t *testing.T) {
	const total = 450
	srv, rc := offsetServer(t, total, "calls", "call_uuid", "call", false)
	c := newClient(t, srv)
	search := &ConversationPbxCallSearchRequest{Direction: Ptr(ConversationCallDirectionInbound)}
	opts := &SearchPbxCallsOptions{Sort: "-start_time"}
	n := 0
	for call, err := range c.SearchPbxCallsIter(ctxT(t), search, opts) {
		if err != nil {
			t.Fatal(err)
		}
		if call.GetCallUUID() != "call"+strconv.Itoa(n) {
			t.Fatalf("call %d is %s", n, call.GetCallUUID())
		}
		n++
	}
	if n != total || rc.count() != 3 {
		t.Errorf("%d calls in %d requests, want %d in 3", n, rc.count(), total)
	}
	if opts.Limit != 0 || opts.Offset != 0 {
		t.Errorf("the caller's options were modified: %+v", opts)
	}
	for _, r := range rc.all() {
		if r.Query.Get("_sort") != "-start_time" || r.Query.Get("_limit") != "200" || !json.Valid(r.Body) || string(r.Body) != `{"direction":"inbound"}` {
			t.Errorf("request %s %s", r.RawQuery, r.Body)
		}
	}
}

// TestSearchAgentStatusHistoryIter pages searchAgentStatusHistory, whose
// method returns the whole response (events beside a total): the iterator
// walks the events by offset, keeps the search body on every page, and
// yields each event once.
func TestSearchAgentStatusHistoryIter(t *testing.T) {
	const total = 250
	srv, rc := offsetServer(t, total, "events", "event_uuid", "ev", true)
	c := newClient(t, srv)
	search := &ConversationAgentStatusHistorySearchRequest{AgentUserID: Ptr("42")}
	opts := &SearchAgentStatusHistoryOptions{}
	n := 0
	for ev, err := range c.SearchAgentStatusHistoryIter(ctxT(t), search, opts) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.GetEventUUID() != "ev"+strconv.Itoa(n) {
			t.Fatalf("event %d is %s", n, ev.GetEventUUID())
		}
		n++
	}
	if n != total || rc.count() != 2 {
		t.Errorf("%d events in %d requests, want %d in 2", n, rc.count(), total)
	}
	if opts.Limit != 0 || opts.Offset != 0 || *search.AgentUserID != "42" {
		t.Errorf("the caller's options or search were modified: %+v %+v", opts, search)
	}
	for _, r := range rc.all() {
		if r.Query.Get("_limit") != "200" || string(r.Body) != `{"agent_user_id":"42"}` {
			t.Errorf("request %s %s", r.RawQuery, r.Body)
		}
	}
}

// TestGetConversationsIterOncePerWalk: a conversation that starts during the walk
// shifts the newest-first pages by one; the walk does not yield the summary
// that moves onto the next page a second time.
func TestGetConversationsIterOncePerWalk(t *testing.T) {
	list := []string{"c4", "c3", "c2", "c1", "c0"}
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 2 {
			list = append([]string{"c5"}, list...) // arrives between the pages
		}
		q := r.URL.Query()
		offset, _ := strconv.Atoi(q.Get("_offset"))
		limit, _ := strconv.Atoi(q.Get("_limit"))
		var convs []map[string]any
		for i := offset; i < len(list) && i < offset+limit; i++ {
			convs = append(convs, map[string]any{"conversation_uuid": list[i]})
		}
		writeValue(t, w, 200, map[string]any{"success": true, "conversations": convs,
			"metadata": map[string]any{"result_set": honest(offset, limit, len(convs), len(list))}})
	})
	var got []string
	for s, err := range newClient(t, srv).GetConversationsIter(ctxT(t), &GetConversationsOptions{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, s.GetConversationUUID())
	}
	if !slices.Equal(got, []string{"c4", "c3", "c2", "c1", "c0"}) {
		t.Errorf("got %v, want each once", got)
	}
}

func TestPtrAndPage(t *testing.T) {
	p := Ptr(42)
	*p++
	if v := Ptr("x"); *v != "x" || *p != 43 {
		t.Error("Ptr")
	}
	var nilPage *Page[ConversationSummary]
	if nilPage.More() {
		t.Error("nil page has more")
	}
	pg := newPage([]int{1}, &ResponseMetadata{ResultSet: &ResultSet{More: Ptr(true)}}, nil)
	if !pg.More() || len(pg.Items) != 1 {
		t.Errorf("page %+v", pg)
	}
}
