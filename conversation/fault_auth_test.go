package conversation

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// A token source that cannot refresh: nothing is sent without a credential,
// a read retries the refresh within the budget, an insert does not, and the
// cause stays matchable.
func TestFaultTokenRefreshFails(t *testing.T) {
	checkLeaks(t)
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Header.Get("Authorization") != "Bearer "+testTokenPrefix+"-2" { // the token after one failure
			writeJSON(w, 401, apiErrorBody("auth", "no token"))
			return
		}
		writeJSON(w, 200, departmentsOK)
	})

	ts := &countingTokenSource{err: errRefresh}
	c := newClientAt(t, srv.URL+basePath, WithTokenSource(ts))
	_, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second))
	te := wantAs[*TransportError](t, err)
	wantIs(t, err, errRefresh)
	if te.Attempts != fastPolicy.MaxAttempts || !strings.Contains(err.Error(), "OAuth 2 token") {
		t.Errorf("Attempts %d, message %q", te.Attempts, err)
	}
	_, err = c.InsertConversationDepartment(ctxWithin(t, 10*time.Second), &ConversationDepartment{})
	te = wantAs[*TransportError](t, err)
	if te.Attempts != 1 {
		t.Errorf("insert: Attempts = %d, want 1", te.Attempts)
	}
	wantRequests(t, "server", rc.count(), 0)

	// A refresh that fails once, then works: the read succeeds on its retry.
	ts2 := &countingTokenSource{err: errRefresh, failFirst: 1, ttl: time.Hour}
	c2 := newClientAt(t, srv.URL+basePath, WithTokenSource(ts2))
	if _, err := c2.GetConversationDepartments(ctxWithin(t, 10*time.Second)); err != nil {
		t.Fatalf("GetConversationDepartments after one failed refresh: %v", err)
	}
	for _, s := range rc.all() {
		if s.auth() != "Bearer "+testTokenPrefix+"-2" || s.key() != "" {
			t.Errorf("request with Authorization %q, key %q", s.auth(), s.key())
		}
	}
	wantRequests(t, "server", rc.count(), 1)
}
