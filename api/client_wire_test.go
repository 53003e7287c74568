package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ultracart-community/ultracart-go/gen"
)

// Path values that need escaping, and numbers at the edges of their width.
const (
	convUUID   = "a b/c"
	convUUIDEx = "a%20b%2Fc"
	queueName  = "sales/vip queue?"
	queueEx    = "sales%2Fvip%20queue%3F"
	extension  = "tar gz#1"
	extEx      = "tar%20gz%231"
	since      = int64(9007199254740993) // > 2^32 and > 2^53
	cannedOid  = int32(2147483647)
	deptOid    = int32(7)
	engOid     = int32(-42)
	before     = "2022-12-13T09:58:41+05:00" // '+' must arrive as '+', not a space
	apiPrefix  = "/rest/v2"                  // the production base URL has a path
)

var (
	limit200 = int32(200)
	offset0  = int32(0) // a set zero must still be sent
	limit25  = int32(25)
	limit50  = int32(50)
	medium   = "sms"
)

type wireCase struct {
	op     string // reference operationId
	method string
	path   string // escaped, without apiPrefix
	query  url.Values
	body   string // request body schema, "" for none
	call   func(ctx context.Context, c *gen.ClientWithResponses, body any) (any, error)
}

var wireCases = []wireCase{
	{op: "getAgentKeepAlive", method: "GET", path: "/conversation/agent/keepalive",
		call: func(ctx context.Context, c *gen.ClientWithResponses, _ any) (any, error) {
			return c.GetAgentKeepAliveWithResponse(ctx)
		}},
	{op: "getAgentWebsocketAuthorization", method: "PUT", path: "/conversation/agent/auth",
		call: func(ctx context.Context, c *gen.ClientWithResponses, _ any) (any, error) {
			return c.GetAgentWebsocketAuthorizationWithResponse(ctx)
		}},
	{op: "getConversation", method: "GET", path: "/conversation/conversations/" + convUUIDEx,
		query: url.Values{"limit": {"25"}},
		call: func(ctx context.Context, c *gen.ClientWithResponses, _ any) (any, error) {
			return c.GetConversationWithResponse(ctx, convUUID, &gen.GetConversationParams{Limit: &limit25})
		}},
	{op: "getConversationCannedMessages", method: "GET", path: "/conversation/canned_messages",
		call: func(ctx context.Context, c *gen.ClientWithResponses, _ any) (any, error) {
			return c.GetConversationCannedMessagesWithResponse(ctx)
		}},
	{op: "getConversationContext", method: "PUT", path: "/conversation/conversations/" + convUUIDEx + "/context",
		call: func(ctx context.Context, c *gen.ClientWithResponses, _ any) (any, error) {
			return c.GetConversationContextWithResponse(ctx, convUUID)
		}},
	{op: "getConversationDepartments", method: "GET", path: "/conversation/departments",
		call: func(ctx context.Context, c *gen.ClientWithResponses, _ any) (any, error) {
			return c.GetConversationDepartmentsWithResponse(ctx)
		}},
	{op: "getConversationEngagements", method: "GET", path: "/conversation/engagements",
		call: func(ctx context.Context, c *gen.ClientWithResponses, _ any) (any, error) {
			return c.GetConversationEngagementsWithResponse(ctx)
		}},
	{op: "getConversationMessages", method: "GET", path: "/conversation/conversations/" + convUUIDEx + "/messages/9007199254740993",
		query: url.Values{"limit": {"50"}},
		call: func(ctx context.Context, c *gen.ClientWithResponses, _ any) (any, error) {
			return c.GetConversationMessagesWithResponse(ctx, convUUID, since, &gen.GetConversationMessagesParams{Limit: &limit50})
		}},
	{op: "getConversationMultimediaUploadUrl", method: "GET", path: "/conversation/upload_url/" + extEx,
		call: func(ctx context.Context, c *gen.ClientWithResponses, _ any) (any, error) {
			return c.GetConversationMultimediaUploadURLWithResponse(ctx, extension)
		}},
	{op: "getConversationWebchatQueueStatuses", method: "GET", path: "/conversation/conversations/queues/statuses",
		call: func(ctx context.Context, c *gen.ClientWithResponses, _ any) (any, error) {
			return c.GetConversationWebchatQueueStatusesWithResponse(ctx)
		}},
	{op: "getConversations", method: "GET", path: "/conversation/conversations",
		query: url.Values{"medium": {medium}, "before": {before}, "_limit": {"200"}, "_offset": {"0"}},
		call: func(ctx context.Context, c *gen.ClientWithResponses, _ any) (any, error) {
			return c.GetConversationsWithResponse(ctx, &gen.GetConversationsParams{Medium: &medium, Before: ptr(before), Limit: &limit200, Offset: &offset0})
		}},
	{op: "insertConversationCannedMessage", method: "POST", path: "/conversation/canned_messages", body: "ConversationCannedMessage",
		call: func(ctx context.Context, c *gen.ClientWithResponses, b any) (any, error) {
			return c.InsertConversationCannedMessageWithResponse(ctx, *b.(*gen.ConversationCannedMessage))
		}},
	{op: "insertConversationDepartment", method: "POST", path: "/conversation/departments", body: "ConversationDepartment",
		call: func(ctx context.Context, c *gen.ClientWithResponses, b any) (any, error) {
			return c.InsertConversationDepartmentWithResponse(ctx, *b.(*gen.ConversationDepartment))
		}},
	{op: "insertConversationEngagement", method: "POST", path: "/conversation/engagements", body: "ConversationEngagement",
		call: func(ctx context.Context, c *gen.ClientWithResponses, b any) (any, error) {
			return c.InsertConversationEngagementWithResponse(ctx, *b.(*gen.ConversationEngagement))
		}},
	{op: "joinConversation", method: "PUT", path: "/conversation/conversations/" + convUUIDEx + "/join", body: "ConversationJoinRequest",
		call: func(ctx context.Context, c *gen.ClientWithResponses, b any) (any, error) {
			return c.JoinConversationWithResponse(ctx, convUUID, *b.(*gen.ConversationJoinRequest))
		}},
	{op: "leaveConversation", method: "DELETE", path: "/conversation/conversations/" + convUUIDEx + "/leave",
		call: func(ctx context.Context, c *gen.ClientWithResponses, _ any) (any, error) {
			return c.LeaveConversationWithResponse(ctx, convUUID)
		}},
	{op: "markReadConversation", method: "PUT", path: "/conversation/conversations/" + convUUIDEx + "/markread",
		call: func(ctx context.Context, c *gen.ClientWithResponses, _ any) (any, error) {
			return c.MarkReadConversationWithResponse(ctx, convUUID)
		}},
	{op: "searchConversationCannedMessages", method: "POST", path: "/conversation/canned_messages/search", body: "ConversationCannedMessagesSearch",
		call: func(ctx context.Context, c *gen.ClientWithResponses, b any) (any, error) {
			return c.SearchConversationCannedMessagesWithResponse(ctx, *b.(*gen.ConversationCannedMessagesSearch))
		}},
	{op: "startConversation", method: "PUT", path: "/conversation/conversations", body: "ConversationStartRequest",
		call: func(ctx context.Context, c *gen.ClientWithResponses, b any) (any, error) {
			return c.StartConversationWithResponse(ctx, *b.(*gen.ConversationStartRequest))
		}},
	{op: "updateConversationCannedMessage", method: "PUT", path: "/conversation/canned_messages/2147483647", body: "ConversationCannedMessage",
		call: func(ctx context.Context, c *gen.ClientWithResponses, b any) (any, error) {
			return c.UpdateConversationCannedMessageWithResponse(ctx, cannedOid, *b.(*gen.ConversationCannedMessage))
		}},
	{op: "updateConversationDepartment", method: "PUT", path: "/conversation/departments/7", body: "ConversationDepartment",
		call: func(ctx context.Context, c *gen.ClientWithResponses, b any) (any, error) {
			return c.UpdateConversationDepartmentWithResponse(ctx, deptOid, *b.(*gen.ConversationDepartment))
		}},
	{op: "updateConversationEngagement", method: "PUT", path: "/conversation/engagements/-42", body: "ConversationEngagement",
		call: func(ctx context.Context, c *gen.ClientWithResponses, b any) (any, error) {
			return c.UpdateConversationEngagementWithResponse(ctx, engOid, *b.(*gen.ConversationEngagement))
		}},
	{op: "updateConversationWebchatQueueStatus", method: "PUT", path: "/conversation/conversations/queues/" + queueEx + "/status", body: "ConversationWebchatQueueStatusUpdateRequest",
		call: func(ctx context.Context, c *gen.ClientWithResponses, b any) (any, error) {
			return c.UpdateConversationWebchatQueueStatusWithResponse(ctx, queueName, *b.(*gen.ConversationWebchatQueueStatusUpdateRequest))
		}},
}

func ptr[T any](v T) *T { return &v }

// recorded is what the fake server saw.
type recorded struct {
	method, escapedPath, rawQuery, contentType string
	query                                      url.Values
	body                                       []byte
}

// fakeServer answers every request with status, headers and body, and
// records the request.
func fakeServer(t *testing.T, status int, header http.Header, body []byte) (*gen.ClientWithResponses, func() recorded) {
	t.Helper()
	var (
		mu   sync.Mutex
		reqs []recorded
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("read request body: %v", err)
		}
		mu.Lock()
		reqs = append(reqs, recorded{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Get("Content-Type"), r.URL.Query(), b})
		mu.Unlock()
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	c, err := gen.NewClientWithResponses(srv.URL+apiPrefix, gen.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	return c, func() recorded {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		if len(reqs) != 1 {
			t.Fatalf("server saw %d requests, want 1", len(reqs))
		}
		return reqs[0]
	}
}

// TestWireCasesMatchReference keeps the table honest: one case per reference
// operation, with its method, and a path that is the reference template with
// the escaped values substituted.
func TestWireCasesMatchReference(t *testing.T) {
	ref := reference(t)
	byID := map[string]wireCase{}
	for _, c := range wireCases {
		byID[c.op] = c
	}
	if len(byID) != len(ref.Operations) || len(wireCases) != len(ref.Operations) {
		t.Errorf("%d wire cases (%d distinct), the reference has %d operations", len(wireCases), len(byID), len(ref.Operations))
	}
	subst := strings.NewReplacer("{conversation_uuid}", convUUIDEx, "{queue_name}", queueEx, "{extension}", extEx,
		"{since}", fmt.Sprint(since), "{conversation_canned_message_oid}", fmt.Sprint(cannedOid),
		"{conversation_department_oid}", fmt.Sprint(deptOid), "{conversation_engagement_oid}", fmt.Sprint(engOid))
	for _, op := range ref.Operations {
		c, ok := byID[op.OperationID]
		if !ok {
			t.Errorf("no wire case for %s", op.OperationID)
			continue
		}
		if c.method != op.Method {
			t.Errorf("%s: case method %s, reference %s", op.OperationID, c.method, op.Method)
		}
		if want := subst.Replace(op.Path); c.path != want {
			t.Errorf("%s: case path %s, want %s", op.OperationID, c.path, want)
		}
		var refQuery []string
		refBody := ""
		for _, p := range op.Parameters {
			switch p.In {
			case "query":
				refQuery = append(refQuery, p.Name)
			case "body":
				refBody, _ = p.Schema["$ref"].(string)
			}
		}
		if c.body != refBody {
			t.Errorf("%s: case body %q, reference %q", op.OperationID, c.body, refBody)
		}
		slices.Sort(refQuery)
		if got := sortedKeys(c.query); !slices.Equal(got, refQuery) {
			t.Errorf("%s: case query %v, reference %v", op.OperationID, got, refQuery)
		}
	}
}

// TestClientWire drives every operation of the generated client against a
// recording server: method, escaped path, query, JSON body, and the typed
// decoding of the 200 response.
func TestClientWire(t *testing.T) {
	ref := reference(t)
	g := &exampleGen{ref: ref}
	refOps := map[string]refOp{}
	for _, op := range ref.Operations {
		refOps[op.OperationID] = op
	}
	for _, tc := range wireCases {
		t.Run(tc.op, func(t *testing.T) {
			op := refOps[tc.op]
			status, respBody, header := http.StatusNoContent, []byte(nil), http.Header{}
			if op.Response != nil {
				status, respBody = http.StatusOK, g.example(t, *op.Response)
				header.Set("Content-Type", "application/json; charset=utf-8")
			}
			client, seen := fakeServer(t, status, header, respBody)

			var reqBody []byte
			var bodyVal any
			if tc.body != "" {
				reqBody = g.example(t, tc.body)
				bodyVal = models[tc.body]()
				if err := json.Unmarshal(reqBody, bodyVal); err != nil {
					t.Fatal(err)
				}
			}
			resp, err := tc.call(context.Background(), client, bodyVal)
			if err != nil {
				t.Fatalf("%s: %v", tc.op, err)
			}

			r := seen()
			if r.method != tc.method {
				t.Errorf("method %s, want %s", r.method, tc.method)
			}
			if want := apiPrefix + tc.path; r.escapedPath != want {
				t.Errorf("escaped path %s, want %s", r.escapedPath, want)
			}
			wantQuery := tc.query
			if wantQuery == nil {
				wantQuery = url.Values{}
			}
			if !reflect.DeepEqual(r.query, wantQuery) {
				t.Errorf("query %v (raw %q), want %v", r.query, r.rawQuery, wantQuery)
			}
			if tc.body == "" {
				if len(r.body) != 0 || r.contentType != "" {
					t.Errorf("unexpected body %q (Content-Type %q)", r.body, r.contentType)
				}
			} else {
				if r.contentType != "application/json" {
					t.Errorf("Content-Type %q, want application/json", r.contentType)
				}
				c := &treeCompare{t: t, ref: ref}
				c.object("request", tc.body, decodeTree(t, reqBody), decodeTree(t, r.body))
			}

			rv := reflect.ValueOf(resp).Elem()
			if got := resp.(interface{ StatusCode() int }).StatusCode(); got != status {
				t.Errorf("status %d, want %d", got, status)
			}
			j200 := rv.FieldByName("JSON200")
			if op.Response == nil {
				if j200.IsValid() {
					t.Errorf("void operation has a JSON200 field")
				}
				return
			}
			if !j200.IsValid() || j200.IsNil() {
				t.Fatalf("JSON200 not decoded; body %.200s", respBody)
			}
			if want := reflect.TypeOf(models[*op.Response]()); j200.Type() != want {
				t.Errorf("JSON200 is %v, want %v", j200.Type(), want)
			}
			out, err := json.Marshal(j200.Interface())
			if err != nil {
				t.Fatal(err)
			}
			c := &treeCompare{t: t, ref: ref}
			c.object("response", *op.Response, decodeTree(t, respBody), decodeTree(t, out))
		})
	}
}

// TestClientErrorStatuses: each documented error status decodes into its
// typed ErrorResponse field, for every operation.
func TestClientErrorStatuses(t *testing.T) {
	ref := reference(t)
	g := &exampleGen{ref: ref}
	for _, tc := range wireCases {
		for _, status := range ref.ErrorResponse.StatusCodes {
			t.Run(fmt.Sprintf("%s/%d", tc.op, status), func(t *testing.T) {
				body := g.example(t, ref.ErrorResponse.Schema)
				header := http.Header{"Content-Type": {"application/json"}, "Uc-Rest-Error": {"boom"}}
				if status == ref.ErrorResponse.RetryAfterHeaderOn {
					header.Set("Retry-After", "3")
				}
				client, _ := fakeServer(t, status, header, body)
				var bodyVal any
				if tc.body != "" {
					bodyVal = models[tc.body]()
				}
				resp, err := tc.call(context.Background(), client, bodyVal)
				if err != nil {
					t.Fatal(err)
				}
				f := reflect.ValueOf(resp).Elem().FieldByName(fmt.Sprintf("JSON%d", status))
				if !f.IsValid() || f.IsNil() {
					t.Fatalf("JSON%d not decoded", status)
				}
				if want := reflect.TypeOf(models[ref.ErrorResponse.Schema]()); f.Type() != want {
					t.Errorf("JSON%d is %v, want %v", status, f.Type(), want)
				}
				out, err := json.Marshal(f.Interface())
				if err != nil {
					t.Fatal(err)
				}
				c := &treeCompare{t: t, ref: ref}
				c.object("error", ref.ErrorResponse.Schema, decodeTree(t, body), decodeTree(t, out))
				hr := reflect.ValueOf(resp).Elem().FieldByName("HTTPResponse").Interface().(*http.Response)
				if hr.Header.Get("UC-REST-ERROR") != "boom" {
					t.Errorf("UC-REST-ERROR header lost")
				}
			})
		}
	}
}
