package conversation

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hostilePaths are path values meant to change which endpoint is
// called: dot segments, separators, query and fragment starters, escapes,
// header injection, control characters, invalid UTF-8 and unicode.
var hostilePaths = []string{
	"..", ".", "...", "....", "/", "//", "%2F", "%2f", "?", "#", "?limit=1", "#frag",
	"../../canned_messages", "../..", "../", "./", "a/../../departments", "..%2F..%2Fcanned_messages",
	"%2e%2e", "%2E%2E%2F", "queues/statuses", "queues", "\\..\\..\\", "..;", ";x=1", "a b", "+", "%", "%zz",
	"~", "@", ":", "a:b", "&x=1", "=", "\"", "'", "<script>", "é", "日本語", "💬", "\u2028", "\u202e",
	"．．", "\uFF0F", "", "\x00", "a\x00b", "a\r\nX-Injected: 1", "a\tb", "\x7f", "\xff", "\xc0\xae\xc0\xae",
	"x" + strings.Repeat("y", 2000),
}

// pathCase is one path-taking method: the route it must reach, the
// wildcard that carries the value, and a call with the value.
type pathCase struct {
	name     string
	pattern  string // ServeMux pattern, method included
	wildcard string
	prefix   string // escaped path before the value
	suffix   string // escaped path after the value
	call     func(ctx context.Context, c *Client, v string) error
	requests int    // requests one accepted call makes to the API host
	query    string // the raw query the server must see
}

const apiPrefix = "/rest/v2/conversation"

var pathCases = []pathCase{
	{"GetConversation", "GET " + apiPrefix + "/conversations/{uuid}", "uuid", apiPrefix + "/conversations/", "",
		func(ctx context.Context, c *Client, v string) error {
			_, err := c.GetConversation(ctx, v, &GetConversationOptions{Limit: 5})
			return err
		}, 1, "limit=5"},
	{"GetConversationContext", "PUT " + apiPrefix + "/conversations/{uuid}/context", "uuid", apiPrefix + "/conversations/", "/context",
		func(ctx context.Context, c *Client, v string) error {
			_, err := c.GetConversationContext(ctx, v)
			return err
		}, 1, ""},
	{"JoinConversation", "PUT " + apiPrefix + "/conversations/{uuid}/join", "uuid", apiPrefix + "/conversations/", "/join",
		func(ctx context.Context, c *Client, v string) error {
			return c.JoinConversation(ctx, v, nil)
		}, 1, ""},
	{"LeaveConversation", "DELETE " + apiPrefix + "/conversations/{uuid}/leave", "uuid", apiPrefix + "/conversations/", "/leave",
		func(ctx context.Context, c *Client, v string) error {
			return c.LeaveConversation(ctx, v)
		}, 1, ""},
	{"MarkReadConversation", "PUT " + apiPrefix + "/conversations/{uuid}/markread", "uuid", apiPrefix + "/conversations/", "/markread",
		func(ctx context.Context, c *Client, v string) error {
			return c.MarkReadConversation(ctx, v)
		}, 1, ""},
	{"GetConversationMessages", "GET " + apiPrefix + "/conversations/{uuid}/messages/{since}", "uuid", apiPrefix + "/conversations/", "/messages/1700000000000",
		func(ctx context.Context, c *Client, v string) error {
			_, err := c.GetConversationMessages(ctx, v, time.UnixMilli(1700000000000), nil)
			return err
		}, 1, ""},
	{"GetConversationMessagesWithLimit", "GET " + apiPrefix + "/conversations/{uuid}/messages/{since}", "uuid", apiPrefix + "/conversations/", "/messages/1700000000000",
		func(ctx context.Context, c *Client, v string) error {
			_, err := c.GetConversationMessages(ctx, v, time.UnixMilli(1700000000000), &GetConversationMessagesOptions{Limit: 10})
			return err
		}, 1, "limit=10"},
	{"FollowConversationMessages", "GET " + apiPrefix + "/conversations/{uuid}/messages/{since}", "uuid", apiPrefix + "/conversations/", "/messages/0",
		func(ctx context.Context, c *Client, v string) error {
			for _, err := range c.FollowConversationMessages(ctx, v, &FollowConversationMessagesOptions{Interval: time.Millisecond}) {
				return err // the first message or error
			}
			return nil
		}, 1, "limit=100"},
	{"UpdateConversationWebchatQueueStatus", "PUT " + apiPrefix + "/conversations/queues/{queue}/status", "queue", apiPrefix + "/conversations/queues/", "/status",
		func(ctx context.Context, c *Client, v string) error {
			s := AgentAvailable
			return c.UpdateConversationWebchatQueueStatus(ctx, v, &ConversationWebchatQueueStatusUpdateRequest{AgentStatus: &s})
		}, 1, ""},
	{"GetConversationMultimediaUploadURL", "GET " + apiPrefix + "/upload_url/{ext}", "ext", apiPrefix + "/upload_url/", "",
		func(ctx context.Context, c *Client, v string) error {
			_, err := c.GetConversationMultimediaUploadURL(ctx, v)
			return err
		}, 1, ""},
	{"UploadConversationMultimedia", "GET " + apiPrefix + "/upload_url/{ext}", "ext", apiPrefix + "/upload_url/", "",
		func(ctx context.Context, c *Client, v string) error {
			_, err := c.UploadConversationMultimedia(ctx, v, "application/octet-stream", strings.NewReader("data"))
			return err
		}, 1, ""},
}

// apiRoutes are every route of the API, so that a value that escaped its
// segment would land on a real endpoint and be seen to.
var apiRoutes = []string{
	"PUT " + apiPrefix + "/agent/auth",
	"GET " + apiPrefix + "/agent/keepalive",
	"GET " + apiPrefix + "/canned_messages",
	"POST " + apiPrefix + "/canned_messages",
	"POST " + apiPrefix + "/canned_messages/search",
	"PUT " + apiPrefix + "/canned_messages/{oid}",
	"GET " + apiPrefix + "/conversations",
	"PUT " + apiPrefix + "/conversations",
	"GET " + apiPrefix + "/conversations/queues/statuses",
	"PUT " + apiPrefix + "/conversations/queues/{queue}/status",
	"GET " + apiPrefix + "/conversations/{uuid}",
	"PUT " + apiPrefix + "/conversations/{uuid}/context",
	"PUT " + apiPrefix + "/conversations/{uuid}/join",
	"DELETE " + apiPrefix + "/conversations/{uuid}/leave",
	"PUT " + apiPrefix + "/conversations/{uuid}/markread",
	"GET " + apiPrefix + "/conversations/{uuid}/messages/{since}",
	"GET " + apiPrefix + "/departments",
	"POST " + apiPrefix + "/departments",
	"PUT " + apiPrefix + "/departments/{oid}",
	"GET " + apiPrefix + "/engagements",
	"POST " + apiPrefix + "/engagements",
	"PUT " + apiPrefix + "/engagements/{oid}",
	"GET " + apiPrefix + "/upload_url/{ext}",
	"PUT /upload-target",
}

// Every path-taking method, with every hostile value: either the call is
// refused before anything is sent (an *ArgumentError, no request), or the
// server routes the request to the intended endpoint with the value intact
// as the single path segment, and sees nothing else.
func TestHostilePathValues(t *testing.T) {
	checkLeaks(t)
	var srv *httptest.Server
	srv, rc := newRoutedServer(t, apiRoutes, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case strings.HasSuffix(r.Pattern, "/upload_url/{ext}"):
			writeJSON(w, 200, `{"conversation_multimedia_upload_url":{"key":"k1","url":"`+srv.URL+`/upload-target?X-Amz-Signature=sig"},"success":true}`)
		case strings.HasSuffix(r.Pattern, "/messages/{since}"):
			writeJSON(w, 200, `{"conversation_messages":[{"conversation_message_uuid":"m1","message_epoch":1700000000001}],"success":true}`)
		case r.Pattern == "PUT /upload-target":
			w.WriteHeader(200)
		default:
			writeJSON(w, 200, `{"success":true}`)
		}
	})
	c := newClientAt(t, srv.URL+basePath)

	rejected, accepted, misrouted := 0, 0, 0
	for _, pc := range pathCases {
		t.Run(pc.name, func(t *testing.T) {
			for _, v := range hostilePaths {
				before := len(rc.all())
				err := pc.call(ctxWithin(t, 5*time.Second), c, v)
				seen := rc.all()[before:]
				if err != nil {
					ae := wantAs[*ArgumentError](t, err)
					wantIs(t, err, ErrInvalidArgument)
					if ae.Argument == "" || ae.Reason == "" {
						t.Errorf("%q: ArgumentError without argument or reason: %v", v, err)
					}
					if len(seen) != 0 {
						t.Errorf("%q: refused, yet %d requests were sent: %+v", v, len(seen), seen)
					}
					rejected++
					continue
				}
				accepted++
				api := seen
				if pc.name == "UploadConversationMultimedia" && len(seen) == 2 {
					api = seen[:1]
					if seen[1].Pattern != "PUT /upload-target" || seen[1].key() != "" || seen[1].auth() != "" {
						t.Errorf("%q: the upload PUT went to %q with key %q", v, seen[1].Pattern, seen[1].key())
					}
				}
				if len(api) != pc.requests {
					t.Errorf("%q: %d requests, want %d: %+v", v, len(api), pc.requests, api)
					misrouted++
					continue
				}
				got := api[0]
				wantPath := pc.prefix + url.PathEscape(v) + pc.suffix
				if got.Pattern != pc.pattern || got.PathValues[pc.wildcard] != v || got.Path != wantPath {
					misrouted++
					t.Errorf("%q: server matched %q with %s=%q at %q; want %q with the value intact at %q",
						v, got.Pattern, pc.wildcard, got.PathValues[pc.wildcard], got.Path, pc.pattern, wantPath)
				}
				if got.RawQuery != pc.query {
					t.Errorf("%q: the server saw the query %q, want %q", v, got.RawQuery, pc.query)
				}
				if got.key() != testKey {
					t.Errorf("%q: the API request lacks the key", v)
				}
			}
		})
	}
	// Values that can only change the endpoint must be refused everywhere.
	for _, v := range []string{"", ".", "..", "\x00", "\xff", "a\r\nX-Injected: 1"} {
		for _, pc := range pathCases {
			if err := pc.call(t.Context(), c, v); err == nil {
				t.Errorf("%s(%q) was accepted", pc.name, v)
			}
		}
	}
	t.Logf("MEASURE path-values: %d accepted and routed, %d refused before sending, %d misrouted", accepted, rejected, misrouted)
}

// Numeric ids outside the wire's range are refused before sending.
func TestHostileOids(t *testing.T) {
	checkLeaks(t)
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, `{"success":true}`) })
	c := newClientAt(t, srv.URL+basePath)
	ctx := ctxWithin(t, 5*time.Second)
	for _, oid := range []int{0, -1, -2147483648, 2147483648, 1 << 40} {
		t.Run(strconv.Itoa(oid), func(t *testing.T) {
			for _, call := range []func() error{
				func() error {
					_, err := c.UpdateConversationCannedMessage(ctx, oid, &ConversationCannedMessage{})
					return err
				},
				func() error {
					_, err := c.UpdateConversationDepartment(ctx, oid, &ConversationDepartment{})
					return err
				},
				func() error {
					_, err := c.UpdateConversationEngagement(ctx, oid, &ConversationEngagement{})
					return err
				},
			} {
				err := call()
				ae := wantAs[*ArgumentError](t, err)
				wantIs(t, err, ErrInvalidArgument)
				if !strings.HasSuffix(ae.Argument, "Oid") {
					t.Errorf("Argument = %q, want the oid's name", ae.Argument)
				}
			}
		})
	}
	wantRequests(t, "server", rc.count(), 0)
}
