package conversation_test

import (
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/ultracart-community/ultracart-go/conversation"
)

// faultTokenSource fails its first fail calls, then returns faultToken.
type faultTokenSource struct {
	calls atomic.Int64
	fail  int64
}

var errFaultRefresh = errors.New("token endpoint unavailable")

func (s *faultTokenSource) Token() (*oauth2.Token, error) {
	if s.calls.Add(1) <= s.fail {
		return nil, errFaultRefresh
	}
	return &oauth2.Token{AccessToken: faultToken, TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}, nil
}

// A token source that cannot refresh: nothing is sent without a credential,
// a read retries the refresh within the budget, an insert does not, and the
// cause stays matchable.
func TestFaultTokenRefreshFails(t *testing.T) {
	faultLeakCheck(t)
	srv := faultServe(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Header.Get("Authorization") != "Bearer "+faultToken {
			faultJSON(w, 401, faultErrorBody("auth", "no token"))
			return
		}
		faultJSON(w, 200, faultDepartmentsOK)
	})

	ts := &faultTokenSource{fail: 1 << 30}
	c := faultClient(t, srv.Base(), conversation.WithTokenSource(ts))
	_, err := c.GetConversationDepartments(faultCtx(t, 10*time.Second))
	te := faultAs[*conversation.TransportError](t, err)
	faultIs(t, err, errFaultRefresh)
	if te.Attempts != faultPolicy.MaxAttempts || !strings.Contains(err.Error(), "OAuth 2 token") {
		t.Errorf("Attempts %d, message %q", te.Attempts, err)
	}
	_, err = c.InsertConversationDepartment(faultCtx(t, 10*time.Second), &conversation.ConversationDepartment{})
	te = faultAs[*conversation.TransportError](t, err)
	if te.Attempts != 1 {
		t.Errorf("insert: Attempts = %d, want 1", te.Attempts)
	}
	faultWantRequests(t, "server", srv.Count(), 0)

	// A refresh that fails once, then works: the read succeeds on its retry.
	ts2 := &faultTokenSource{fail: 1}
	c2 := faultClient(t, srv.Base(), conversation.WithTokenSource(ts2))
	if _, err := c2.GetConversationDepartments(faultCtx(t, 10*time.Second)); err != nil {
		t.Fatalf("GetConversationDepartments after one failed refresh: %v", err)
	}
	for _, s := range srv.Seen() {
		if s.Auth != "Bearer "+faultToken || s.SimpleKey != "" {
			t.Errorf("request with Authorization %q, key %q", s.Auth, s.SimpleKey)
		}
	}
	faultWantRequests(t, "server", srv.Count(), 1)
}
