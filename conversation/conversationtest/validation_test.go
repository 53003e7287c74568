package conversationtest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/ultracart-community/ultracart-go/gen"
)

// Requests that do not match the spec are a 400 ErrorResponse, whatever
// the operation.
func TestRequestValidation(t *testing.T) {
	srv, _, _ := setup(t)
	base := srv.URL + "/conversation"
	cases := []struct {
		name, method, path, body string
		want                     int
	}{
		{"limit above 200", "GET", "/conversations?_limit=201", "", 400},
		{"limit not a number", "GET", "/conversations?_limit=ten", "", 400},
		{"negative offset", "GET", "/conversations?_offset=-1", "", 400},
		{"since not a number", "GET", "/conversations/abc/messages/yesterday", "", 400},
		{"oid not a number", "PUT", "/canned_messages/abc", `{"short_code":"x"}`, 400},
		{"oid beyond int32", "PUT", "/departments/99999999999", `{"department_name":"x"}`, 400},
		{"malformed JSON", "POST", "/canned_messages", `{"short_code":`, 400},
		{"wrong type", "POST", "/canned_messages/search", `{"short_code":"h","max_results":"ten"}`, 400},
		{"wrong item type", "POST", "/engagements", `{"engagement_name":"x","department_oids":["one"]}`, 400},
		{"unknown enum", "PUT", "/conversations/queues/general/status", `{"agent_status":"asleep"}`, 400},
		{"missing required body", "POST", "/departments", "", 400},
		{"body not an object", "PUT", "/conversations", `[1,2]`, 400},
		{"unknown path", "GET", "/nothing/here", "", 404},
		{"wrong method", "PATCH", "/canned_messages", "", 405},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := rawRequest(t, tc.method, base+tc.path, srv.Key, tc.body)
			checkError(t, resp, body, tc.want)
		})
	}
	// Outside the API.
	resp, body := rawRequest(t, "GET", strings.TrimSuffix(srv.URL, "/rest/v2")+"/elsewhere", "", "")
	checkError(t, resp, body, 404)
}

func TestBodyWithWrongContentType(t *testing.T) {
	srv, _, _ := setup(t)
	req, _ := http.NewRequest("POST", srv.URL+"/conversation/departments", strings.NewReader(`{"department_name":"x"}`))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("x-ultracart-simple-key", srv.Key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("status %d", resp.StatusCode)
	}
}

func TestBusinessValidation(t *testing.T) {
	srv, c, _ := setup(t)
	ctx := context.Background()
	r1, _ := c.InsertConversationCannedMessageWithResponse(ctx, gen.ConversationCannedMessage{CannedMessage: ptr("no code")})
	checkError(t, r1.HTTPResponse, r1.Body, 400)
	r2, _ := c.InsertConversationDepartmentWithResponse(ctx, gen.ConversationDepartment{})
	checkError(t, r2.HTTPResponse, r2.Body, 400)
	r3, _ := c.InsertConversationEngagementWithResponse(ctx, gen.ConversationEngagement{})
	checkError(t, r3.HTTPResponse, r3.Body, 400)
	r4, _ := c.GetConversationMultimediaUploadURLWithResponse(ctx, "p n g")
	checkError(t, r4.HTTPResponse, r4.Body, 400)
	r5, _ := c.StartConversationWithResponse(ctx, gen.ConversationStartRequest{ConversationWebchatQueueUUID: ptr("nope")})
	checkError(t, r5.HTTPResponse, r5.Body, 400)
	r6, _ := c.UpdateConversationWebchatQueueStatusWithResponse(ctx, "no-such-queue", gen.ConversationWebchatQueueStatusUpdateRequest{
		AgentStatus: ptr(gen.ConversationAgentStatusBusy),
	})
	checkError(t, r6.HTTPResponse, r6.Body, 400)
	r7, _ := c.GetConversationWithResponse(ctx, "missing", nil)
	checkError(t, r7.HTTPResponse, r7.Body, 400)
	r8, _ := c.GetConversationsWithResponse(ctx, &gen.GetConversationsParams{Before: ptr("yesterday")})
	checkError(t, r8.HTTPResponse, r8.Body, 400)
	conv := must(srv.AddConversation(gen.Conversation{}))
	r9, _ := c.LeaveConversationWithResponse(ctx, *conv.ConversationUUID)
	checkError(t, r9.HTTPResponse, r9.Body, 400)
	r10, _ := c.GetConversationMessagesWithResponse(ctx, *conv.ConversationUUID, 0, &gen.GetConversationMessagesParams{Limit: ptr(int32(-1))})
	checkError(t, r10.HTTPResponse, r10.Body, 400)
}

// Path values are escaped by the client: a value with a slash reaches the
// operation it was meant for, not another endpoint.
func TestEscapedPathValues(t *testing.T) {
	srv, c, _ := setup(t)
	id := "a/b?c"
	must(srv.AddConversation(gen.Conversation{ConversationUUID: ptr(id)}))
	r, err := c.GetConversationWithResponse(context.Background(), id, nil)
	if err != nil || r.JSON200 == nil || deref(r.JSON200.Conversation.ConversationUUID) != id {
		t.Fatalf("%v %d %s", err, r.StatusCode(), r.Body)
	}
	if n := srv.RequestCount("getConversation"); n != 1 {
		t.Errorf("getConversation count %d", n)
	}
}

// No input makes the fake fail with a 5xx or drop the connection.
func TestHostileInputs(t *testing.T) {
	srv, _, _ := setup(t)
	paths := []string{
		"/conversation/conversations/%00/messages/1",
		"/conversation/conversations/%ff%fe",
		"/conversation/conversations/x/messages/99999999999999999999",
		"/conversation/conversations?_limit=0&_offset=2147483647",
		"/conversation/conversations?before=" + strings.Repeat("9", 5000),
		"/conversation/upload_url/" + strings.Repeat("a", 300),
		"/conversation/upload_url/..%2F..%2Fetc",
	}
	for _, p := range paths {
		for _, m := range []string{"GET", "PUT", "POST", "DELETE"} {
			for _, body := range []string{"", "{", "null", `{"a":` + strings.Repeat("[", 2000), `"x"`, "0"} {
				resp, b := rawRequest(t, m, srv.URL+p, srv.Key, body)
				if resp.StatusCode >= 500 {
					t.Errorf("%s %s %q: %d %s", m, p, body, resp.StatusCode, b)
				}
			}
		}
	}
}
