package conversation

import (
	"time"

	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// pageFunc builds the result_set of a page given the request's offset and
// limit and the number of summaries returned; nil leaves it out.
type pageFunc func(offset, limit, count, total int) map[string]any

// listServer serves total conversations "c0".."c<total-1>" in pages of at
// most limit (and at most maxPage, when set), with result_set from rs. It
// fails the test after 50 requests so that a loop cannot hang the suite.
func listServer(t *testing.T, total, maxPage int, rs pageFunc) (*Client, *recorder) {
	t.Helper()
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n > 50 {
			t.Errorf("request %d: pagination does not stop", n)
			writeJSON(w, 200, `{"success":true}`)
			return
		}
		q := r.URL.Query()
		offset, _ := strconv.Atoi(q.Get("_offset"))
		limit := 100
		if v := q.Get("_limit"); v != "" {
			limit, _ = strconv.Atoi(v)
		}
		if maxPage > 0 {
			limit = min(limit, maxPage)
		}
		convs := []map[string]any{}
		for i := offset; i < total && i < offset+limit; i++ {
			convs = append(convs, map[string]any{"conversation_uuid": fmt.Sprintf("c%d", i)})
		}
		body := map[string]any{"success": true, "conversations": convs}
		if rs != nil {
			if set := rs(offset, limit, len(convs), total); set != nil {
				body["metadata"] = map[string]any{"result_set": set}
			}
		}
		writeValue(t, w, 200, body)
	})
	return newClient(t, srv), rc
}

// honest is what the documented service sends.
func honest(offset, limit, count, total int) map[string]any {
	more := offset+count < total
	set := map[string]any{"count": count, "limit": limit, "offset": offset, "more": more, "total_records": total}
	if more {
		set["next_offset"] = offset + count
	}
	return set
}

func collect(t *testing.T, c *Client, opts *GetConversationsOptions) ([]string, []error) {
	t.Helper()
	var ids []string
	var errs []error
	for s, err := range c.GetConversationsIter(ctxT(t), opts) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, *s.ConversationUUID)
	}
	return ids, errs
}

func ids(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("c%d", i))
	}
	return out
}

func offsets(rc *recorder) []string {
	var out []string
	for _, r := range rc.all() {
		out = append(out, r.Query.Get("_offset"))
	}
	return out
}

func TestGetConversationsIter(t *testing.T) {
	for _, tc := range []struct {
		name        string
		total       int
		maxPage     int
		limit       int
		rs          pageFunc
		want        []string
		wantOffsets []string
		stalled     bool // the walk ends with an ErrPagingStalled naming what the service did
	}{
		{name: "empty", total: 0, rs: honest, want: nil, wantOffsets: []string{""}},
		{name: "empty_no_metadata", total: 0, rs: nil, want: nil, wantOffsets: []string{""}},
		{name: "one_page", total: 3, rs: honest, want: ids(0, 3), wantOffsets: []string{""}},
		{name: "one_page_no_metadata", total: 3, rs: nil, want: ids(0, 3), wantOffsets: []string{""}},
		{name: "several_pages_next_offset", total: 7, limit: 3, rs: honest, want: ids(0, 7), wantOffsets: []string{"", "3", "6"}},
		{name: "exact_pages", total: 6, limit: 3, rs: honest, want: ids(0, 6), wantOffsets: []string{"", "3"}},
		{
			name: "more_without_next_offset", total: 5, limit: 2, want: ids(0, 5), wantOffsets: []string{"", "2", "4"},
			rs: func(offset, limit, count, total int) map[string]any {
				return map[string]any{"count": count, "more": offset+count < total}
			},
		},
		{
			// The service caps the page below the limit asked for: the
			// iterator advances by what it got.
			name: "server_caps_page", total: 5, maxPage: 2, want: ids(0, 5), wantOffsets: []string{"", "2", "4"},
			rs: func(offset, limit, count, total int) map[string]any {
				return map[string]any{"more": offset+count < total}
			},
		},
		{
			name: "next_offset_skips", total: 10, limit: 2, want: []string{"c0", "c1", "c5", "c6"}, wantOffsets: []string{"", "5"},
			rs: func(offset, limit, count, total int) map[string]any {
				if offset == 0 {
					return map[string]any{"more": true, "next_offset": 5}
				}
				return map[string]any{"more": false}
			},
		},
		{
			name: "next_offset_repeats", total: 100, limit: 3, want: append(ids(0, 3), ids(3, 6)...), wantOffsets: []string{"", "3"},
			stalled: true,
			rs: func(offset, limit, count, total int) map[string]any {
				return map[string]any{"more": true, "next_offset": 3}
			},
		},
		{
			name: "next_offset_goes_back", total: 100, limit: 2, want: []string{"c0", "c1", "c4", "c5"}, wantOffsets: []string{"", "4"},
			stalled: true,
			rs: func(offset, limit, count, total int) map[string]any {
				if offset == 0 {
					return map[string]any{"more": true, "next_offset": 4}
				}
				return map[string]any{"more": true, "next_offset": 2}
			},
		},
		{
			name: "next_offset_not_advancing", total: 100, limit: 2, want: ids(0, 2), wantOffsets: []string{""},
			stalled: true,
			rs: func(offset, limit, count, total int) map[string]any {
				return map[string]any{"more": true, "next_offset": offset}
			},
		},
		{
			name: "more_but_empty_page", total: 2, limit: 2, want: ids(0, 2), wantOffsets: []string{"", "2"},
			rs: func(offset, limit, count, total int) map[string]any {
				return map[string]any{"more": true}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, rc := listServer(t, tc.total, tc.maxPage, tc.rs)
			got, errs := collect(t, c, &GetConversationsOptions{Limit: tc.limit})
			if tc.stalled {
				if len(errs) != 1 || !errors.Is(errs[0], ErrPagingStalled) || !strings.Contains(errs[0].Error(), "next_offset") {
					t.Fatalf("errors %v, want one ErrPagingStalled naming next_offset", errs)
				}
			} else if len(errs) != 0 {
				t.Fatalf("errors %v", errs)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got %v\nwant %v", got, tc.want)
			}
			// wantOffsets is the _offset of each request ("" for none).
			if o := offsets(rc); !slices.Equal(o, tc.wantOffsets) {
				t.Errorf("offsets %q, want %q", o, tc.wantOffsets)
			}
			wantLimit := tc.limit
			if wantLimit == 0 {
				wantLimit = MaxPageSize
			}
			for _, r := range rc.all() {
				if r.Query.Get("_limit") != strconv.Itoa(wantLimit) {
					t.Errorf("_limit %q, want %d", r.Query.Get("_limit"), wantLimit)
				}
			}
		})
	}
}

// TestGetConversationsIterBreak: a caller's break stops the requests.
func TestGetConversationsIterBreak(t *testing.T) {
	c, rc := listServer(t, 10, 0, honest)
	var got []string
	for s, err := range c.GetConversationsIter(ctxT(t), &GetConversationsOptions{Limit: 3}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, *s.ConversationUUID)
		if len(got) == 4 {
			break
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(ids(0, 4)) {
		t.Errorf("got %v", got)
	}
	if rc.count() != 2 {
		t.Errorf("%d requests after a break in the second page, want 2", rc.count())
	}
}

// TestGetConversationsIterErrorMidway: an error on a later page is yielded once,
// after the earlier pages' summaries, and ends the iteration.
func TestGetConversationsIterErrorMidway(t *testing.T) {
	srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		switch n {
		case 1:
			writeJSON(w, 200, `{"success":true,"conversations":[{"conversation_uuid":"c0"},{"conversation_uuid":"c1"}],"metadata":{"result_set":{"more":true,"next_offset":2}}}`)
		default:
			writeError(w, 400, "")
		}
	})
	c := newClient(t, srv)
	var got []string
	var errs []error
	for s, err := range c.GetConversationsIter(ctxT(t), &GetConversationsOptions{Limit: 2}) {
		if err != nil {
			errs = append(errs, err)
			continue // keep ranging: the iterator itself must stop
		}
		got = append(got, *s.ConversationUUID)
	}
	if fmt.Sprint(got) != "[c0 c1]" || len(errs) != 1 || !errors.Is(errs[0], ErrBadRequest) {
		t.Errorf("got %v, errors %v", got, errs)
	}
	if rc.count() != 2 {
		t.Errorf("%d requests", rc.count())
	}
}

// TestGetConversationsIterOptions: the caller's options are sent on every page,
// start at their offset, and are not modified; each run starts over.
func TestGetConversationsIterOptions(t *testing.T) {
	c, rc := listServer(t, 9, 0, honest)
	opts := &GetConversationsOptions{Medium: ConversationMediumWebsocket, Before: time.Date(2022, 12, 13, 9, 58, 41, 0, time.FixedZone("EST", -5*3600)), Limit: 2, Offset: 4}
	saved := *opts
	seq := c.GetConversationsIter(ctxT(t), opts)
	for range 2 {
		var got []string
		for s, err := range seq {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, *s.ConversationUUID)
		}
		if fmt.Sprint(got) != fmt.Sprint(ids(4, 9)) {
			t.Errorf("got %v", got)
		}
	}
	if *opts != saved {
		t.Errorf("options modified: %+v", *opts)
	}
	reqs := rc.all()
	if len(reqs) != 6 {
		t.Fatalf("%d requests, want 3 per run", len(reqs))
	}
	for _, r := range reqs {
		if r.Query.Get("medium") != "websocket" || r.Query.Get("before") != "2022-12-13T09:58:41-05:00" || r.Query.Get("_limit") != "2" {
			t.Errorf("query %v", r.Query)
		}
	}
	if fmt.Sprint(offsets(rc)) != "[4 6 8 4 6 8]" {
		t.Errorf("offsets %v", offsets(rc))
	}

	// nil options: the whole list with the largest page.
	got, errs := collect(t, c, nil)
	if len(errs) != 0 || len(got) != 9 {
		t.Errorf("nil options: %v %v", got, errs)
	}
	if r := rc.last(t); r.Query.Get("_limit") != "200" || r.Query.Has("_offset") || r.Query.Has("medium") {
		t.Errorf("nil options query %v", r.Query)
	}
}

// TestGetConversationsIterStopLogged: stopping on a bad next_offset is logged,
// and yielded as an ErrPagingStalled.
func TestGetConversationsIterStopLogged(t *testing.T) {
	var buf lockedBuffer
	srv, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSON(w, 200, `{"success":true,"conversations":[{"conversation_uuid":"c0"}],"metadata":{"result_set":{"more":true,"next_offset":0}}}`)
	})
	c := newClient(t, srv, WithLogger(debugLogger(&buf)))
	if got, errs := collect(t, c, nil); len(got) != 1 || len(errs) != 1 || !errors.Is(errs[0], ErrPagingStalled) {
		t.Fatalf("%v %v", got, errs)
	}
	if log := buf.String(); !strings.Contains(log, "level=WARN") || !strings.Contains(log, "pagination stopped") || strings.Contains(log, testKey) {
		t.Errorf("log %s", log)
	}
}

// TestConversationsPageWarning: the page keeps the envelope's warning.
func TestConversationsPageJSON(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSON(w, 200, `{"success":true,"conversations":[],"warning":{"warning_message":"w"},"metadata":{"result_set":{"more":false}}}`)
	})
	p, err := newClient(t, srv).GetConversations(ctxT(t), &GetConversationsOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(p.Warning)
	if string(b) != `{"warning_message":"w"}` || p.More() {
		t.Errorf("warning %s more %v", b, p.More())
	}
}
