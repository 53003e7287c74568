package conversationtest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
	"github.com/ultracart-community/ultracart-go/gen"
)

func TestAuthFailures(t *testing.T) {
	srv, _, v := setup(t, conversationtest.WithBearerToken("test-token"))
	ctx := context.Background()

	cases := []struct {
		name   string
		header map[string]string
		want   int
	}{
		{"no credentials", nil, http.StatusUnauthorized},
		{"wrong simple key", map[string]string{"x-ultracart-simple-key": "not-the-key"}, http.StatusUnauthorized},
		{"empty simple key", map[string]string{"x-ultracart-simple-key": ""}, http.StatusUnauthorized},
		{"wrong bearer token", map[string]string{"Authorization": "Bearer nope"}, http.StatusUnauthorized},
		{"basic auth", map[string]string{"Authorization": "Basic dXNlcjpwYXNz"}, http.StatusUnauthorized},
		{"wrong key beats right token", map[string]string{"x-ultracart-simple-key": "nope", "Authorization": "Bearer test-token"}, http.StatusUnauthorized},
		{"simple key", map[string]string{"x-ultracart-simple-key": srv.Key}, http.StatusOK},
		{"bearer token", map[string]string{"Authorization": "Bearer test-token"}, http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := genClient(t, srv, v, "")
			r, err := c.GetConversationDepartmentsWithResponse(ctx, func(_ context.Context, req *http.Request) error {
				for k, val := range tc.header {
					req.Header.Set(k, val)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if r.StatusCode() != tc.want {
				t.Fatalf("status = %d, want %d: %s", r.StatusCode(), tc.want, r.Body)
			}
			if tc.want == http.StatusUnauthorized {
				checkError(t, r.HTTPResponse, r.Body, http.StatusUnauthorized)
				if r.JSON401 == nil || deref(r.JSON401.Error.ErrorCode) != "401" {
					t.Errorf("JSON401 = %+v", r.JSON401)
				}
			}
		})
	}
}

func TestBearerRefusedUnlessConfigured(t *testing.T) {
	srv, _, v := setup(t)
	c := genClient(t, srv, v, "")
	r, err := c.GetAgentKeepAliveWithResponse(context.Background(), func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer anything")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkError(t, r.HTTPResponse, r.Body, http.StatusUnauthorized)
}

func TestWithKey(t *testing.T) {
	srv, c, _ := setup(t, conversationtest.WithKey("test-key"))
	if srv.Key != "test-key" {
		t.Fatalf("Key = %q", srv.Key)
	}
	r, err := c.GetConversationEngagementsWithResponse(context.Background())
	if err != nil || r.StatusCode() != http.StatusOK {
		t.Fatalf("%v %d", err, r.StatusCode())
	}
}

func TestRandomKeys(t *testing.T) {
	a := conversationtest.NewServer(t)
	b := conversationtest.NewServer(t)
	if a.Key == "" || a.Key == b.Key {
		t.Fatalf("keys %q %q", a.Key, b.Key)
	}
}

func TestInvalidOptions(t *testing.T) {
	for name, opt := range map[string]conversationtest.Option{
		"WithKey":         conversationtest.WithKey(" "),
		"WithBearerToken": conversationtest.WithBearerToken(""),
		"WithAgent":       conversationtest.WithAgent("", "x"),
		"WithMerchantID":  conversationtest.WithMerchantID(""),
		"WithClock":       conversationtest.WithClock(nil),
	} {
		if _, err := conversationtest.New(opt); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := conversationtest.New(nil); err != nil {
		t.Errorf("nil option: %v", err)
	}
}

// The credential check covers every operation, void ones included.
func TestAuthOnEveryOperation(t *testing.T) {
	srv, _, v := setup(t)
	c := genClient(t, srv, v, "wrong")
	ctx := context.Background()
	statuses := []int{}
	r1, _ := c.GetAgentKeepAliveWithResponse(ctx)
	statuses = append(statuses, r1.StatusCode())
	r2, _ := c.MarkReadConversationWithResponse(ctx, "x")
	statuses = append(statuses, r2.StatusCode())
	r3, _ := c.StartConversationWithResponse(ctx, gen.ConversationStartRequest{})
	statuses = append(statuses, r3.StatusCode())
	r4, _ := c.GetConversationMultimediaUploadURLWithResponse(ctx, "png")
	statuses = append(statuses, r4.StatusCode())
	for i, s := range statuses {
		if s != http.StatusUnauthorized {
			t.Errorf("call %d: status %d", i, s)
		}
	}
}
