package conversation

import (
	"context"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// blockingTokenSource blocks in Token until release is closed (or a
// safety timeout passes, so that code which waits for it cannot hang the
// test), then returns testToken.
type blockingTokenSource struct {
	release chan struct{}
	calls   atomic.Int64
	inside  atomic.Int64 // calls running now
}

func newBlockingTokenSource() *blockingTokenSource {
	return &blockingTokenSource{release: make(chan struct{})}
}

func (s *blockingTokenSource) Token() (*oauth2.Token, error) {
	s.calls.Add(1)
	s.inside.Add(1)
	defer s.inside.Add(-1)
	select {
	case <-s.release:
	case <-time.After(3 * time.Second):
	}
	return &oauth2.Token{AccessToken: testToken, TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}, nil
}

// refreshGoroutines counts the goroutines running a token refresh.
func refreshGoroutines() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), "conversation.(*tokenCache).refresh(")
}

// tokenDeadlineCalls makes n concurrent calls with the deadline d
// while the token source is blocked, and checks that each returns a
// *TransportError wrapping context.DeadlineExceeded before the source is
// released. It returns the worst time past the deadline.
func tokenDeadlineCalls(t *testing.T, c *Client, n int, d time.Duration, stillBlocked func() bool) time.Duration {
	t.Helper()
	type result struct {
		err     error
		past    time.Duration
		blocked bool
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), d)
			defer cancel()
			deadline, _ := ctx.Deadline()
			_, err := c.GetConversationDepartments(ctx)
			results[i] = result{err: err, past: time.Since(deadline), blocked: stillBlocked()}
		}()
	}
	wg.Wait()
	var worst time.Duration
	for _, r := range results {
		worst = max(worst, r.past)
		if !r.blocked {
			t.Errorf("the call returned only once the token source had answered (%v past the deadline): it waited for the refresh", r.past)
		}
		te := wantAs[*TransportError](t, r.err)
		wantIs(t, r.err, context.DeadlineExceeded)
		if te.Attempts != 1 {
			t.Errorf("Attempts = %d", te.Attempts)
		}
	}
	return worst
}

// A token refresh that outlasts the call's deadline: the call returns at its
// deadline with a *TransportError wrapping context.DeadlineExceeded, while
// the source is still blocked. Concurrent calls share one refresh (one
// Token call, one goroutine); once the source answers, its token is kept,
// the next call uses it without another refresh, and no goroutine is left.
// Before, each call waited for Token, however long it took.
func TestFaultTokenRefreshPastDeadline(t *testing.T) {
	checkLeaks(t)
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			writeJSON(w, 401, apiErrorBody("auth", "no token"))
			return
		}
		writeJSON(w, 200, departmentsOK)
	})
	ts := newBlockingTokenSource()
	released := atomic.Bool{}
	t.Cleanup(func() {
		if !released.Load() {
			close(ts.release)
		}
	})
	c := newClientAt(t, srv.URL+basePath, WithTokenSource(ts))

	blocked := func() bool { return ts.inside.Load() > 0 }
	worst := tokenDeadlineCalls(t, c, 16, 100*time.Millisecond, blocked)
	// A second wave while the same refresh is still running.
	worst = max(worst, tokenDeadlineCalls(t, c, 16, 50*time.Millisecond, blocked))
	if got := ts.calls.Load(); got != 1 {
		t.Errorf("token source called %d times by 32 calls, want 1 shared refresh", got)
	}
	if g := refreshGoroutines(); g != 1 {
		t.Errorf("%d refresh goroutines while the refresh is blocked, want 1", g)
	}
	t.Logf("MEASURE token-wait-past-deadline worst=%v (32 calls, deadlines 50 and 100 ms)", worst.Round(time.Microsecond))
	wantRequests(t, "server while blocked", rc.count(), 0)

	released.Store(true)
	close(ts.release)
	if _, err := c.GetConversationDepartments(ctxWithin(t, 5*time.Second)); err != nil {
		t.Fatalf("after the refresh: %v", err)
	}
	if _, err := c.GetConversationDepartments(ctxWithin(t, 5*time.Second)); err != nil {
		t.Fatalf("with the cached token: %v", err)
	}
	if got := ts.calls.Load(); got != 1 {
		t.Errorf("token source called %d times, want 1: the background refresh's token was not kept", got)
	}
	wantRequests(t, "server", rc.count(), 2)
}

// The same with golang.org/x/oauth2's own refresh: an oauth2.Config whose
// token endpoint (a loopback server) answers late. x/oauth2 fetches with its
// own context, so only the client can end the wait. The endpoint is hit
// once for many calls, and its token serves the calls after it answers.
func TestFaultTokenEndpointSlow(t *testing.T) {
	checkLeaks(t)
	api, apiRec := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			writeJSON(w, 401, apiErrorBody("auth", "no token"))
			return
		}
		writeJSON(w, 200, departmentsOK)
	})
	release := make(chan struct{})
	var releaseOnce sync.Once
	releaseAll := func() { releaseOnce.Do(func() { close(release) }) }
	var answered atomic.Bool
	tokenEndpoint, tokenEndpointRec := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		select {
		case <-release:
		case <-time.After(3 * time.Second):
		}
		answered.Store(true)
		writeJSON(w, 200, `{"access_token":"`+testToken+`","token_type":"bearer","expires_in":3600}`)
	})
	t.Cleanup(releaseAll) // runs before the servers close: their handlers end

	cfg := &oauth2.Config{
		ClientID:     "test-client-id",
		ClientSecret: "test-client-secret-do-not-use",
		Endpoint:     oauth2.Endpoint{TokenURL: tokenEndpoint.URL + "/token", AuthStyle: oauth2.AuthStyleInHeader},
	}
	// The HTTP client x/oauth2 uses is the caller's choice, passed as
	// x/oauth2 documents; here one whose idle connections the test closes.
	oauthCtx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Transport: testTransport(t, nil)})
	ts := cfg.TokenSource(oauthCtx, &oauth2.Token{RefreshToken: "test-refresh-token-do-not-use"})
	c := newClientAt(t, api.URL+basePath, WithTokenSource(ts))

	worst := tokenDeadlineCalls(t, c, 8, 150*time.Millisecond, func() bool { return !answered.Load() })
	t.Logf("MEASURE token-wait-past-deadline[oauth2.Config] worst=%v (8 calls, deadline 150 ms)", worst.Round(time.Microsecond))
	wantRequests(t, "token endpoint while blocked", tokenEndpointRec.count(), 1)

	releaseAll()
	for range 2 {
		if _, err := c.GetConversationDepartments(ctxWithin(t, 5*time.Second)); err != nil {
			t.Fatalf("after the endpoint answered: %v", err)
		}
	}
	wantRequests(t, "token endpoint", tokenEndpointRec.count(), 1)
	wantRequests(t, "API server", apiRec.count(), 2)
}
