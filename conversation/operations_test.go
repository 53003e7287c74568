package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// opCase is one call of the client and the request it must make.
type opCase struct {
	name       string // subtest name
	opID       string // operationId
	method     string
	path       string // escaped, after the base URL's path
	query      url.Values
	reqSchema  string // schema of the JSON body; "" when no body is sent
	respSchema string // schema of the success body; "" for a void operation
	insert     bool   // not idempotent
	call       func(ctx context.Context, t testing.TB, c *Client) (any, error)
}

const sinceMillis = int64(1671000000123) // beyond int32 on purpose

// allOps covers every one of the 23 operations, some in several forms.
func allOps() []opCase {
	return []opCase{
		{
			name: "getAgentKeepAlive", opID: "getAgentKeepAlive", method: "GET", path: "/conversation/agent/keepalive",
			call: func(ctx context.Context, _ testing.TB, c *Client) (any, error) { return nil, c.KeepAlive(ctx) },
		},
		{
			name: "getAgentWebsocketAuthorization", opID: "getAgentWebsocketAuthorization", method: "PUT", path: "/conversation/agent/auth",
			respSchema: "ConversationAgentAuthResponse",
			call: func(ctx context.Context, _ testing.TB, c *Client) (any, error) {
				return c.AgentWebsocketAuthorization(ctx)
			},
		},
		{
			name: "getConversation", opID: "getConversation", method: "GET", path: "/conversation/conversations/" + weirdEscaped,
			query: url.Values{"limit": {"7"}}, respSchema: "ConversationResponse",
			call: func(ctx context.Context, _ testing.TB, c *Client) (any, error) {
				return c.GetConversation(ctx, weird, &GetConversationOptions{Limit: 7})
			},
		},
		{
			name: "getConversation/no_options", opID: "getConversation", method: "GET", path: "/conversation/conversations/uuid-1",
			respSchema: "ConversationResponse",
			call: func(ctx context.Context, _ testing.TB, c *Client) (any, error) {
				return c.GetConversation(ctx, "uuid-1", nil)
			},
		},
		{
			name: "getConversationCannedMessages", opID: "getConversationCannedMessages", method: "GET", path: "/conversation/canned_messages",
			respSchema: "ConversationCannedMessagesResponse",
			call:       func(ctx context.Context, _ testing.TB, c *Client) (any, error) { return c.CannedMessages(ctx) },
		},
		{
			name: "getConversationContext", opID: "getConversationContext", method: "PUT", path: "/conversation/conversations/" + weirdEscaped + "/context",
			respSchema: "ConversationWebchatContext",
			call:       func(ctx context.Context, _ testing.TB, c *Client) (any, error) { return c.WebchatContext(ctx, weird) },
		},
		{
			name: "getConversationDepartments", opID: "getConversationDepartments", method: "GET", path: "/conversation/departments",
			respSchema: "ConversationDepartmentsResponse",
			call:       func(ctx context.Context, _ testing.TB, c *Client) (any, error) { return c.Departments(ctx) },
		},
		{
			name: "getConversationEngagements", opID: "getConversationEngagements", method: "GET", path: "/conversation/engagements",
			respSchema: "ConversationEngagementsResponse",
			call:       func(ctx context.Context, _ testing.TB, c *Client) (any, error) { return c.Engagements(ctx) },
		},
		{
			name: "getConversationMessages", opID: "getConversationMessages", method: "GET",
			path:  "/conversation/conversations/" + weirdEscaped + "/messages/1671000000123",
			query: url.Values{"limit": {"50"}}, respSchema: "ConversationMessagesResponse",
			call: func(ctx context.Context, _ testing.TB, c *Client) (any, error) {
				return c.MessagesSinceEpoch(ctx, weird, sinceMillis, &MessagesOptions{Limit: 50})
			},
		},
		{
			name: "getConversationMessages/time", opID: "getConversationMessages", method: "GET",
			path:       "/conversation/conversations/u/messages/1671000000123",
			respSchema: "ConversationMessagesResponse",
			call: func(ctx context.Context, _ testing.TB, c *Client) (any, error) {
				return c.Messages(ctx, "u", time.UnixMilli(sinceMillis).In(time.FixedZone("x", -5*3600)), nil)
			},
		},
		{
			name: "getConversationMessages/zero_time", opID: "getConversationMessages", method: "GET",
			path:       "/conversation/conversations/u/messages/0",
			respSchema: "ConversationMessagesResponse",
			call: func(ctx context.Context, _ testing.TB, c *Client) (any, error) {
				return c.Messages(ctx, "u", time.Time{}, &MessagesOptions{})
			},
		},
		{
			name: "getConversationMultimediaUploadUrl", opID: "getConversationMultimediaUploadUrl", method: "GET",
			path: "/conversation/upload_url/" + weirdEscaped, respSchema: "ConversationMultimediaUploadUrlResponse",
			call: func(ctx context.Context, _ testing.TB, c *Client) (any, error) {
				return c.MultimediaUploadURL(ctx, weird)
			},
		},
		{
			name: "getConversationWebchatQueueStatuses", opID: "getConversationWebchatQueueStatuses", method: "GET",
			path: "/conversation/conversations/queues/statuses", respSchema: "ConversationWebchatQueueStatusesResponse",
			call: func(ctx context.Context, _ testing.TB, c *Client) (any, error) { return c.WebchatQueueStatuses(ctx) },
		},
		{
			name: "getConversations", opID: "getConversations", method: "GET", path: "/conversation/conversations",
			query:      url.Values{"medium": {"sms"}, "before": {"2022-12-13T09:58:41-05:00 &x=1"}, "_limit": {"200"}, "_offset": {"5"}},
			respSchema: "ConversationsResponse",
			call: func(ctx context.Context, _ testing.TB, c *Client) (any, error) {
				p, err := c.ListConversations(ctx, &ListConversationsOptions{Medium: MediumSMS, Before: "2022-12-13T09:58:41-05:00 &x=1", Limit: 200, Offset: 5})
				if err != nil {
					return nil, err
				}
				return p.Response, nil
			},
		},
		{
			name: "getConversations/defaults", opID: "getConversations", method: "GET", path: "/conversation/conversations",
			respSchema: "ConversationsResponse",
			call: func(ctx context.Context, _ testing.TB, c *Client) (any, error) {
				p, err := c.ListConversations(ctx, nil)
				if err != nil {
					return nil, err
				}
				return p.Response, nil
			},
		},
		{
			name: "insertConversationCannedMessage", opID: "insertConversationCannedMessage", method: "POST", path: "/conversation/canned_messages",
			reqSchema: "ConversationCannedMessage", respSchema: "ConversationCannedMessageResponse", insert: true,
			call: func(ctx context.Context, t testing.TB, c *Client) (any, error) {
				return c.InsertCannedMessage(ctx, decodeSample[ConversationCannedMessage](t, "ConversationCannedMessage"))
			},
		},
		{
			name: "insertConversationDepartment", opID: "insertConversationDepartment", method: "POST", path: "/conversation/departments",
			reqSchema: "ConversationDepartment", respSchema: "ConversationDepartmentResponse", insert: true,
			call: func(ctx context.Context, t testing.TB, c *Client) (any, error) {
				return c.InsertDepartment(ctx, decodeSample[ConversationDepartment](t, "ConversationDepartment"))
			},
		},
		{
			name: "insertConversationEngagement", opID: "insertConversationEngagement", method: "POST", path: "/conversation/engagements",
			reqSchema: "ConversationEngagement", respSchema: "ConversationEngagementResponse", insert: true,
			call: func(ctx context.Context, t testing.TB, c *Client) (any, error) {
				return c.InsertEngagement(ctx, decodeSample[ConversationEngagement](t, "ConversationEngagement"))
			},
		},
		{
			name: "joinConversation", opID: "joinConversation", method: "PUT", path: "/conversation/conversations/" + weirdEscaped + "/join",
			reqSchema: "ConversationJoinRequest",
			call: func(ctx context.Context, t testing.TB, c *Client) (any, error) {
				return nil, c.JoinConversation(ctx, weird, decodeSample[ConversationJoinRequest](t, "ConversationJoinRequest"))
			},
		},
		{
			name: "joinConversation/no_body", opID: "joinConversation", method: "PUT", path: "/conversation/conversations/u/join",
			call: func(ctx context.Context, _ testing.TB, c *Client) (any, error) {
				return nil, c.JoinConversation(ctx, "u", nil)
			},
		},
		{
			name: "leaveConversation", opID: "leaveConversation", method: "DELETE", path: "/conversation/conversations/" + weirdEscaped + "/leave",
			call: func(ctx context.Context, _ testing.TB, c *Client) (any, error) {
				return nil, c.LeaveConversation(ctx, weird)
			},
		},
		{
			name: "markReadConversation", opID: "markReadConversation", method: "PUT", path: "/conversation/conversations/" + weirdEscaped + "/markread",
			call: func(ctx context.Context, _ testing.TB, c *Client) (any, error) { return nil, c.MarkRead(ctx, weird) },
		},
		{
			name: "searchConversationCannedMessages", opID: "searchConversationCannedMessages", method: "POST", path: "/conversation/canned_messages/search",
			reqSchema: "ConversationCannedMessagesSearch", respSchema: "ConversationCannedMessagesResponse",
			call: func(ctx context.Context, t testing.TB, c *Client) (any, error) {
				return c.SearchCannedMessages(ctx, decodeSample[ConversationCannedMessagesSearch](t, "ConversationCannedMessagesSearch"))
			},
		},
		{
			name: "startConversation", opID: "startConversation", method: "PUT", path: "/conversation/conversations",
			reqSchema: "ConversationStartRequest", respSchema: "ConversationStartResponse", insert: true,
			call: func(ctx context.Context, t testing.TB, c *Client) (any, error) {
				return c.StartConversation(ctx, decodeSample[ConversationStartRequest](t, "ConversationStartRequest"))
			},
		},
		{
			name: "updateConversationCannedMessage", opID: "updateConversationCannedMessage", method: "PUT", path: "/conversation/canned_messages/2147483647",
			reqSchema: "ConversationCannedMessage", respSchema: "ConversationCannedMessageResponse",
			call: func(ctx context.Context, t testing.TB, c *Client) (any, error) {
				return c.UpdateCannedMessage(ctx, math.MaxInt32, decodeSample[ConversationCannedMessage](t, "ConversationCannedMessage"))
			},
		},
		{
			name: "updateConversationDepartment", opID: "updateConversationDepartment", method: "PUT", path: "/conversation/departments/42",
			reqSchema: "ConversationDepartment", respSchema: "ConversationDepartmentResponse",
			call: func(ctx context.Context, t testing.TB, c *Client) (any, error) {
				return c.UpdateDepartment(ctx, 42, decodeSample[ConversationDepartment](t, "ConversationDepartment"))
			},
		},
		{
			name: "updateConversationEngagement", opID: "updateConversationEngagement", method: "PUT", path: "/conversation/engagements/1",
			reqSchema: "ConversationEngagement", respSchema: "ConversationEngagementResponse",
			call: func(ctx context.Context, t testing.TB, c *Client) (any, error) {
				return c.UpdateEngagement(ctx, 1, decodeSample[ConversationEngagement](t, "ConversationEngagement"))
			},
		},
		{
			name: "updateConversationWebchatQueueStatus", opID: "updateConversationWebchatQueueStatus", method: "PUT",
			path: "/conversation/conversations/queues/" + weirdEscaped + "/status", reqSchema: "ConversationWebchatQueueStatusUpdateRequest",
			call: func(ctx context.Context, t testing.TB, c *Client) (any, error) {
				return nil, c.UpdateWebchatQueueStatus(ctx, weird, decodeSample[ConversationWebchatQueueStatusUpdateRequest](t, "ConversationWebchatQueueStatusUpdateRequest"))
			},
		},
	}
}

// primaryOps is one case per operationId.
func primaryOps() []opCase {
	var out []opCase
	for _, op := range allOps() {
		if !strings.Contains(op.name, "/") {
			out = append(out, op)
		}
	}
	return out
}

// succeed answers op's success: its response sample, or an empty 204.
func succeed(t testing.TB, op opCase) handlerFunc {
	return func(w http.ResponseWriter, _ *http.Request, _ int) {
		if op.respSchema == "" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, http.StatusOK, string(sampleJSON(t, op.respSchema)))
	}
}

// TestOperationsCoverSpec checks the table above against the embedded spec:
// all 23 operations, each with its documented method and path.
func TestOperationsCoverSpec(t *testing.T) {
	type mp struct{ method, path string }
	want := map[string]mp{}
	for path, item := range spec(t).Paths.Map() {
		for method, op := range item.Operations() {
			// The generator normalises the embedded spec's operationIds
			// (GetConversationMultimediaUploadURL): compare them folded.
			want[strings.ToLower(op.OperationID)] = mp{method, path}
		}
	}
	if len(want) != 23 {
		t.Errorf("spec has %d operations, want 23", len(want))
	}
	seen := map[string]bool{}
	for _, op := range allOps() {
		w, ok := want[strings.ToLower(op.opID)]
		if !ok {
			t.Errorf("%s: no operation %q in the spec", op.name, op.opID)
			continue
		}
		seen[strings.ToLower(op.opID)] = true
		if w.method != op.method {
			t.Errorf("%s: method %s, spec says %s", op.name, op.method, w.method)
		}
		// Every {param} of the template matches one escaped segment.
		tmpl := strings.Split(w.path, "/")
		got := strings.Split(op.path, "/")
		if len(tmpl) != len(got) {
			t.Errorf("%s: path %s does not match %s", op.name, op.path, w.path)
			continue
		}
		for i := range tmpl {
			if !strings.HasPrefix(tmpl[i], "{") && tmpl[i] != got[i] {
				t.Errorf("%s: path %s does not match %s", op.name, op.path, w.path)
			}
		}
	}
	for id := range want {
		if !seen[id] {
			t.Errorf("operation %s has no test case", id)
		}
	}
}

// authMode is one way of authenticating a client, with what the server must
// see.
type authMode struct {
	name    string
	opts    func() ([]Option, *countingTokenSource)
	wantKey string // x-ultracart-simple-key
	wantTok string // Authorization
}

var authModes = []authMode{
	{
		name:    "simple_key",
		opts:    func() ([]Option, *countingTokenSource) { return nil, nil },
		wantKey: testKey,
	},
	{
		name:    "bearer_token",
		opts:    func() ([]Option, *countingTokenSource) { return []Option{WithBearerToken(testToken)}, nil },
		wantTok: "Bearer " + testToken,
	},
	{
		name: "token_source",
		opts: func() ([]Option, *countingTokenSource) {
			ts := &countingTokenSource{ttl: time.Hour}
			return []Option{WithTokenSource(ts)}, ts
		},
		wantTok: "Bearer " + testTokenPrefix + "-1",
	},
}

func TestOperations(t *testing.T) {
	for _, op := range allOps() {
		for _, am := range authModes {
			t.Run(op.name+"/"+am.name, func(t *testing.T) {
				srv, rc := newServer(t, succeed(t, op))
				opts, ts := am.opts()
				c := newClient(t, srv, opts...)
				got, err := op.call(ctxT(t), t, c)
				if err != nil {
					t.Fatalf("call: %v", err)
				}
				if rc.count() != 1 {
					t.Fatalf("server saw %d requests, want 1", rc.count())
				}
				r := rc.last(t)
				checkRequest(t, op, r)
				if k := r.Header.Get("X-Ultracart-Simple-Key"); k != am.wantKey {
					t.Errorf("x-ultracart-simple-key = %q, want %q", k, am.wantKey)
				}
				if a := r.Header.Get("Authorization"); a != am.wantTok {
					t.Errorf("Authorization = %q, want %q", a, am.wantTok)
				}
				if ts != nil && ts.refreshes() != 1 {
					t.Errorf("token source asked %d times, want 1", ts.refreshes())
				}
				if op.respSchema == "" {
					if got != nil {
						t.Errorf("void operation returned %v", got)
					}
					return
				}
				if got == nil || reflect.ValueOf(got).IsNil() {
					t.Fatal("nil result")
				}
				jsonEqual(t, "decoded result", marshal(t, got), sampleJSON(t, op.respSchema))
			})
		}
	}
}

// checkRequest checks method, escaped path, query, the fixed headers and the
// JSON body of a request against op.
func checkRequest(t testing.TB, op opCase, r recReq) {
	t.Helper()
	if r.Method != op.method {
		t.Errorf("method %s, want %s", r.Method, op.method)
	}
	if want := basePath + op.path; r.Path != want {
		t.Errorf("path\n got %s\nwant %s", r.Path, want)
	}
	wantQuery := op.query
	if wantQuery == nil {
		wantQuery = url.Values{}
	}
	if !reflect.DeepEqual(r.Query, wantQuery) {
		t.Errorf("query %v (raw %q), want %v", r.Query, r.RawQuery, wantQuery)
	}
	for h, want := range map[string]string{
		"X-UltraCart-Api-Version": "2016-10-01",
		"Accept":                  "application/json",
		"User-Agent":              defaultUserAgent(),
	} {
		if got := r.Header.Values(h); len(got) != 1 || got[0] != want {
			t.Errorf("header %s = %q, want %q", h, got, want)
		}
	}
	if !strings.HasPrefix(r.Header.Get("User-Agent"), "ultracart-go-conversation/"+Version) {
		t.Errorf("User-Agent %q", r.Header.Get("User-Agent"))
	}
	if op.reqSchema == "" {
		if ct := r.Header.Values("Content-Type"); len(ct) != 0 {
			t.Errorf("Content-Type %q sent without a body", ct)
		}
		if len(r.Body) != 0 {
			t.Errorf("body %q sent, want none", r.Body)
		}
		return
	}
	if ct := r.Header.Values("Content-Type"); !slices.Equal(ct, []string{"application/json"}) {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	jsonEqual(t, "request body", r.Body, sampleJSON(t, op.reqSchema))
}

// TestVoidOperationsAccept2xx: a void operation succeeds on 200 with a body,
// 200 without, 202 and 204.
func TestVoidOperationsAccept2xx(t *testing.T) {
	answers := map[string]func(w http.ResponseWriter){
		"200_body":   func(w http.ResponseWriter) { writeJSON(w, 200, `{"success":true,"metadata":{}}`) },
		"200_text":   func(w http.ResponseWriter) { w.WriteHeader(200); _, _ = w.Write([]byte("OK")) },
		"200_empty":  func(w http.ResponseWriter) { w.WriteHeader(200) },
		"202":        func(w http.ResponseWriter) { w.WriteHeader(202) },
		"204_nobody": func(w http.ResponseWriter) { w.WriteHeader(204) },
		"200_chunked": func(w http.ResponseWriter) {
			w.WriteHeader(200)
			w.(http.Flusher).Flush()
			_, _ = w.Write([]byte("{}"))
		},
	}
	for _, op := range allOps() {
		if op.respSchema != "" {
			continue
		}
		for name, answer := range answers {
			t.Run(op.name+"/"+name, func(t *testing.T) {
				srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { answer(w) })
				c := newClient(t, srv)
				if _, err := op.call(ctxT(t), t, c); err != nil {
					t.Fatalf("err = %v", err)
				}
				if rc.count() != 1 {
					t.Errorf("%d requests", rc.count())
				}
			})
		}
	}
}

// TestListConversationsResultSet: the page exposes result_set and the
// summaries.
func TestListConversationsResultSet(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSON(w, 200, `{"conversations":[{"conversation_uuid":"c1"},{"conversation_uuid":"c2"}],
			"metadata":{"result_set":{"count":2,"limit":2,"offset":4,"more":true,"next_offset":6,"total_records":10}},"success":true}`)
	})
	c := newClient(t, srv)
	p, err := c.ListConversations(ctxT(t), &ListConversationsOptions{Limit: 2, Offset: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Conversations) != 2 || *p.Conversations[1].ConversationUUID != "c2" {
		t.Errorf("conversations %+v", p.Conversations)
	}
	rs := p.ResultSet
	if *rs.Count != 2 || *rs.Limit != 2 || *rs.Offset != 4 || !*rs.More || *rs.NextOffset != 6 || *rs.TotalRecords != 10 || !p.More() {
		t.Errorf("result set %s", marshal(t, rs))
	}

	srv2, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, 200, `{"success":true}`) })
	p, err = newClient(t, srv2).ListConversations(ctxT(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.More() || p.ResultSet.Count != nil || p.Conversations != nil {
		t.Errorf("page without metadata: %+v", p)
	}
}

// TestClientOptionsOnTheWire: WithUserAgent and WithAPIVersion change the
// headers; WithHTTPClient's transport is used.
func TestClientOptionsOnTheWire(t *testing.T) {
	srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(204) })
	var viaTransport int
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		viaTransport++
		return http.DefaultTransport.RoundTrip(r)
	})}
	c := newClient(t, srv, WithUserAgent("my-bot/1.0"), WithAPIVersion("2099-01-01"), WithHTTPClient(hc))
	if err := c.KeepAlive(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	r := rc.last(t)
	if r.Header.Get("User-Agent") != "my-bot/1.0" || r.Header.Get("X-UltraCart-Api-Version") != "2099-01-01" {
		t.Errorf("headers %v", r.Header)
	}
	if viaTransport != 1 {
		t.Errorf("custom transport used %d times", viaTransport)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestTokenSourceRefresh: tokens are cached while valid and refreshed once
// they expire; a refresh failure is a *TransportError without the token.
func TestTokenSourceRefresh(t *testing.T) {
	srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(204) })

	cached := &countingTokenSource{ttl: time.Hour}
	c := newClient(t, srv, WithTokenSource(cached))
	for range 5 {
		if err := c.KeepAlive(ctxT(t)); err != nil {
			t.Fatal(err)
		}
	}
	if cached.refreshes() != 1 {
		t.Errorf("valid token refreshed: %d calls to Token", cached.refreshes())
	}

	// A token within oauth2's expiry margin counts as expired: each call refreshes.
	expiring := &countingTokenSource{ttl: time.Second}
	c = newClient(t, srv, WithTokenSource(expiring))
	for range 3 {
		if err := c.KeepAlive(ctxT(t)); err != nil {
			t.Fatal(err)
		}
	}
	if expiring.refreshes() != 3 {
		t.Errorf("expiring token: %d calls to Token, want 3", expiring.refreshes())
	}
	reqs := rc.all()
	if got := reqs[len(reqs)-1].Header.Get("Authorization"); got != "Bearer "+testTokenPrefix+"-3" {
		t.Errorf("last Authorization %q", got)
	}

	failing := &countingTokenSource{err: errors.New("refresh refused by the provider")}
	before := rc.count()
	c = newClient(t, srv, WithTokenSource(failing), WithoutRetries())
	err := c.KeepAlive(ctxT(t))
	var te *TransportError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "refresh refused") {
		t.Errorf("err = %v, want *TransportError with the refresh error", err)
	}
	if rc.count() != before {
		t.Errorf("a request was sent without a token")
	}
	noSecret(t, err)

	empty := oauth2.StaticTokenSource(&oauth2.Token{})
	c = newClient(t, srv, WithTokenSource(empty), WithoutRetries())
	if err := c.KeepAlive(ctxT(t)); err == nil || !strings.Contains(err.Error(), "no access token") {
		t.Errorf("empty token: err = %v", err)
	}
}

// TestConcurrentUse runs every operation from many goroutines on one client
// (meaningful under -race).
func TestConcurrentUse(t *testing.T) {
	ops := allOps()
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		for _, op := range ops {
			if r.Method == op.method && r.URL.EscapedPath() == basePath+op.path {
				succeed(t, op)(w, r, 0)
				return
			}
		}
		w.WriteHeader(204)
	})
	c := newClient(t, srv, WithTokenSource(&countingTokenSource{ttl: time.Hour}))
	ctx := ctxT(t)
	const rounds = 2
	errs := make(chan error, len(ops)*rounds)
	for range rounds {
		for _, op := range ops {
			go func() {
				_, err := op.call(ctx, t, c)
				errs <- err
			}()
		}
	}
	for range len(ops) * rounds {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestValidation: invalid arguments fail before any request, with an
// *ArgumentError naming the argument.
func TestValidation(t *testing.T) {
	type vcase struct {
		name string
		arg  string
		call func(ctx context.Context, c *Client) error
	}
	var cases []vcase
	badPaths := map[string]string{
		"empty": "", "dot": ".", "dotdot": "..", "dots": "...", "nul": "a\x00b", "newline": "a\nb",
		"del": "a\x7f", "c1": "a\u0085b", "tab": "\tx", "invalid_utf8": "a\xffb",
	}
	pathOps := map[string]func(ctx context.Context, c *Client, v string) error{
		"GetConversation": func(ctx context.Context, c *Client, v string) error {
			_, err := c.GetConversation(ctx, v, nil)
			return err
		},
		"WebchatContext": func(ctx context.Context, c *Client, v string) error {
			_, err := c.WebchatContext(ctx, v)
			return err
		},
		"JoinConversation":  func(ctx context.Context, c *Client, v string) error { return c.JoinConversation(ctx, v, nil) },
		"LeaveConversation": func(ctx context.Context, c *Client, v string) error { return c.LeaveConversation(ctx, v) },
		"MarkRead":          func(ctx context.Context, c *Client, v string) error { return c.MarkRead(ctx, v) },
		"Messages": func(ctx context.Context, c *Client, v string) error {
			_, err := c.Messages(ctx, v, time.Time{}, nil)
			return err
		},
		"MessagesSinceEpoch": func(ctx context.Context, c *Client, v string) error {
			_, err := c.MessagesSinceEpoch(ctx, v, 1, nil)
			return err
		},
	}
	for opName, call := range pathOps {
		for valName, v := range badPaths {
			cases = append(cases, vcase{opName + "/" + valName, "conversationUUID", func(ctx context.Context, c *Client) error { return call(ctx, c, v) }})
		}
	}
	for valName, v := range badPaths {
		cases = append(cases,
			vcase{"MultimediaUploadURL/" + valName, "extension", func(ctx context.Context, c *Client) error {
				_, err := c.MultimediaUploadURL(ctx, v)
				return err
			}},
			vcase{"UploadMultimedia/" + valName, "extension", func(ctx context.Context, c *Client) error {
				_, err := c.UploadMultimedia(ctx, v, "", []byte("x"))
				return err
			}},
			vcase{"UpdateWebchatQueueStatus/" + valName, "queueName", func(ctx context.Context, c *Client) error {
				return c.UpdateWebchatQueueStatus(ctx, v, &ConversationWebchatQueueStatusUpdateRequest{})
			}},
		)
	}
	for _, oid := range []int{0, -1, math.MinInt32, math.MaxInt32 + 1, math.MaxInt64} {
		cases = append(cases,
			vcase{"UpdateCannedMessage/oid", "oid", func(ctx context.Context, c *Client) error {
				_, err := c.UpdateCannedMessage(ctx, oid, &ConversationCannedMessage{})
				return err
			}},
			vcase{"UpdateDepartment/oid", "oid", func(ctx context.Context, c *Client) error {
				_, err := c.UpdateDepartment(ctx, oid, &ConversationDepartment{})
				return err
			}},
			vcase{"UpdateEngagement/oid", "oid", func(ctx context.Context, c *Client) error {
				_, err := c.UpdateEngagement(ctx, oid, &ConversationEngagement{})
				return err
			}},
		)
	}
	cases = append(cases,
		vcase{"StartConversation/nil", "req", func(ctx context.Context, c *Client) error {
			_, err := c.StartConversation(ctx, nil)
			return err
		}},
		vcase{"InsertCannedMessage/nil", "msg", func(ctx context.Context, c *Client) error {
			_, err := c.InsertCannedMessage(ctx, nil)
			return err
		}},
		vcase{"UpdateCannedMessage/nil", "msg", func(ctx context.Context, c *Client) error {
			_, err := c.UpdateCannedMessage(ctx, 1, nil)
			return err
		}},
		vcase{"SearchCannedMessages/nil", "search", func(ctx context.Context, c *Client) error {
			_, err := c.SearchCannedMessages(ctx, nil)
			return err
		}},
		vcase{"InsertDepartment/nil", "dept", func(ctx context.Context, c *Client) error {
			_, err := c.InsertDepartment(ctx, nil)
			return err
		}},
		vcase{"UpdateDepartment/nil", "dept", func(ctx context.Context, c *Client) error {
			_, err := c.UpdateDepartment(ctx, 1, nil)
			return err
		}},
		vcase{"InsertEngagement/nil", "eng", func(ctx context.Context, c *Client) error {
			_, err := c.InsertEngagement(ctx, nil)
			return err
		}},
		vcase{"UpdateEngagement/nil", "eng", func(ctx context.Context, c *Client) error {
			_, err := c.UpdateEngagement(ctx, 1, nil)
			return err
		}},
		vcase{"UpdateWebchatQueueStatus/nil", "req", func(ctx context.Context, c *Client) error {
			return c.UpdateWebchatQueueStatus(ctx, "q", nil)
		}},
		vcase{"UploadMultimedia/nil_data", "data", func(ctx context.Context, c *Client) error {
			_, err := c.UploadMultimedia(ctx, "jpg", "", nil)
			return err
		}},
		vcase{"ListConversations/limit_201", "opts.Limit", func(ctx context.Context, c *Client) error {
			_, err := c.ListConversations(ctx, &ListConversationsOptions{Limit: 201})
			return err
		}},
		vcase{"ListConversations/limit_-1", "opts.Limit", func(ctx context.Context, c *Client) error {
			_, err := c.ListConversations(ctx, &ListConversationsOptions{Limit: -1})
			return err
		}},
		vcase{"ListConversations/offset_-1", "opts.Offset", func(ctx context.Context, c *Client) error {
			_, err := c.ListConversations(ctx, &ListConversationsOptions{Offset: -1})
			return err
		}},
		vcase{"ListConversations/offset_too_big", "opts.Offset", func(ctx context.Context, c *Client) error {
			_, err := c.ListConversations(ctx, &ListConversationsOptions{Offset: math.MaxInt32 + 1})
			return err
		}},
		vcase{"GetConversation/limit_-1", "opts.Limit", func(ctx context.Context, c *Client) error {
			_, err := c.GetConversation(ctx, "u", &GetConversationOptions{Limit: -1})
			return err
		}},
		vcase{"GetConversation/limit_too_big", "opts.Limit", func(ctx context.Context, c *Client) error {
			_, err := c.GetConversation(ctx, "u", &GetConversationOptions{Limit: math.MaxInt32 + 1})
			return err
		}},
		vcase{"Messages/limit_-1", "opts.Limit", func(ctx context.Context, c *Client) error {
			_, err := c.Messages(ctx, "u", time.Time{}, &MessagesOptions{Limit: -1})
			return err
		}},
		vcase{"MessagesSinceEpoch/since_-1", "since", func(ctx context.Context, c *Client) error {
			_, err := c.MessagesSinceEpoch(ctx, "u", -1, nil)
			return err
		}},
		vcase{"Messages/before_1970", "since", func(ctx context.Context, c *Client) error {
			_, err := c.Messages(ctx, "u", time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), nil)
			return err
		}},
		vcase{"RunKeepAlive/interval_-1", "interval", func(ctx context.Context, c *Client) error {
			return c.RunKeepAlive(ctx, -time.Second, nil)
		}},
		vcase{"AllConversations/limit_201", "opts.Limit", func(ctx context.Context, c *Client) error {
			return firstError(c.AllConversations(ctx, &ListConversationsOptions{Limit: 201}))
		}},
		vcase{"FollowMessages/empty_uuid", "conversationUUID", func(ctx context.Context, c *Client) error {
			return firstError(c.FollowMessages(ctx, "", nil))
		}},
		vcase{"FollowMessages/dotdot", "conversationUUID", func(ctx context.Context, c *Client) error {
			return firstError(c.FollowMessages(ctx, "..", nil))
		}},
	)
	// A nil context, for every operation.
	var nilCtx context.Context
	for _, op := range allOps() {
		cases = append(cases, vcase{"nil_ctx/" + op.name, "ctx", func(_ context.Context, c *Client) error {
			_, err := op.call(nilCtx, t, c)
			return err
		}})
	}
	cases = append(cases,
		vcase{"nil_ctx/UploadMultimedia", "ctx", func(_ context.Context, c *Client) error {
			_, err := c.UploadMultimedia(nilCtx, "jpg", "", []byte("x"))
			return err
		}},
		vcase{"nil_ctx/RunKeepAlive", "ctx", func(_ context.Context, c *Client) error {
			return c.RunKeepAlive(nilCtx, time.Millisecond, nil)
		}},
		vcase{"nil_ctx/AllConversations", "ctx", func(_ context.Context, c *Client) error {
			return firstError(c.AllConversations(nilCtx, nil))
		}},
		vcase{"nil_ctx/FollowMessages", "ctx", func(_ context.Context, c *Client) error {
			return firstError(c.FollowMessages(nilCtx, "u", nil))
		}},
	)

	srv, rc := newServer(t, failOnRequest(t))
	c := newClient(t, srv)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(ctxT(t), c)
			if !errors.Is(err, ErrInvalidArgument) {
				t.Fatalf("err = %v, want ErrInvalidArgument", err)
			}
			var ae *ArgumentError
			if !errors.As(err, &ae) || ae.Argument != tc.arg {
				t.Fatalf("err = %#v, want argument %q", err, tc.arg)
			}
			if !strings.Contains(err.Error(), tc.arg) {
				t.Errorf("message %q does not name %q", err, tc.arg)
			}
			if ae.Operation == "" || !strings.Contains(err.Error(), ae.Operation) {
				t.Errorf("message %q does not name the operation", err)
			}
			if errors.Is(err, ErrBadRequest) || errors.Is(err, ErrServer) {
				t.Errorf("argument error matches a status sentinel")
			}
			noSecret(t, err)
		})
	}
	if n := rc.count(); n != 0 {
		t.Errorf("server saw %d requests, want 0", n)
	}
}

// firstError runs an iterator to its first error (or its end), bounded.
func firstError[T any](seq func(func(T, error) bool)) error {
	var first error
	n := 0
	seq(func(_ T, err error) bool {
		n++
		if err != nil {
			first = err
			return false
		}
		return n < 1000
	})
	return first
}

// TestAcceptedPathValues: values that look dangerous but are plain segments
// once escaped are sent, escaped.
func TestAcceptedPathValues(t *testing.T) {
	srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(204) })
	c := newClient(t, srv)
	for v, want := range map[string]string{
		"../keepalive": "..%2Fkeepalive",
		"a/../b":       "a%2F..%2Fb",
		".x":           ".x",
		"%2e%2e":       "%252e%252e",
		"q?x=1#f":      "q%3Fx=1%23f",
		"日本":           "%E6%97%A5%E6%9C%AC",
	} {
		if err := c.MarkRead(ctxT(t), v); err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		if got, w := rc.last(t).Path, basePath+"/conversation/conversations/"+want+"/markread"; got != w {
			t.Errorf("%q: path %s, want %s", v, got, w)
		}
	}
}

// jsonRoundTrip guards the numbers of the wire: money stays exact.
func TestNumbersRoundTrip(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSON(w, 200, `{"success":true,"conversation_departments":[{"conversation_department_oid":2147483647,"settings":{"rate":1234567.89}}]}`)
	})
	resp, err := newClient(t, srv).Departments(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(resp.ConversationDepartments[0].Settings)
	if string(b) != `{"rate":1234567.89}` {
		t.Errorf("settings %s", b)
	}
}
