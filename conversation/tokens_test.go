package conversation

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// A TokenSource that panics fails the call (it runs on a goroutine the
// caller cannot guard, so a panic there would end the program); the next
// call asks it again.
func TestTokenSourcePanics(t *testing.T) {
	srv, rc := newServer(t, failOnRequest(t))
	var calls atomic.Int64
	c := newClient(t, srv, WithoutRetries(), WithTokenSource(tokenFunc(func() (*oauth2.Token, error) {
		if calls.Add(1) == 1 {
			panic("token source bug " + testToken)
		}
		return nil, errors.New("still failing")
	})))
	_, err := c.GetConversationDepartments(ctxT(t))
	var te *TransportError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "token source panicked") {
		t.Fatalf("err = %v", err)
	}
	noSecret(t, err)
	if _, err := c.GetConversationDepartments(ctxT(t)); err == nil || calls.Load() != 2 {
		t.Errorf("second call: %v after %d calls", err, calls.Load())
	}
	if rc.count() != 0 {
		t.Errorf("%d requests sent", rc.count())
	}
}

// TestTokenReuseAndRefresh: a valid token is reused without calling the
// source; one within oauth2's expiry margin counts as expired, so each call
// refreshes it; both through the client (the Authorization header sent)
// and on the cache itself (the token of a refresh that outlived its
// callers is kept, and the redactor knows it).
func TestTokenReuseAndRefresh(t *testing.T) {
	t.Run("client", func(t *testing.T) {
		srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(204) })
		cached := &countingTokenSource{ttl: time.Hour}
		c := newClient(t, srv, WithTokenSource(cached))
		for range 5 {
			if err := c.GetAgentKeepAlive(ctxT(t)); err != nil {
				t.Fatal(err)
			}
		}
		if cached.refreshes() != 1 {
			t.Errorf("valid token refreshed: %d calls to Token", cached.refreshes())
		}
		expiring := &countingTokenSource{ttl: time.Second}
		c = newClient(t, srv, WithTokenSource(expiring))
		for range 3 {
			if err := c.GetAgentKeepAlive(ctxT(t)); err != nil {
				t.Fatal(err)
			}
		}
		if expiring.refreshes() != 3 {
			t.Errorf("expiring token: %d calls to Token, want 3", expiring.refreshes())
		}
		reqs := rc.all()
		if got := reqs[len(reqs)-1].auth(); got != "Bearer "+testTokenPrefix+"-3" {
			t.Errorf("last Authorization %q", got)
		}
	})
	t.Run("cache", func(t *testing.T) {
		ts := &countingTokenSource{ttl: time.Hour}
		tc := newTokenCache(ts)
		for range 3 {
			tok, red, err := tc.token(context.Background())
			if err != nil || tok.AccessToken != testTokenPrefix+"-1" || !red.hit(tok.AccessToken) {
				t.Fatalf("%v %v", tok, err)
			}
		}
		if ts.refreshes() != 1 {
			t.Errorf("%d refreshes", ts.refreshes())
		}
		short := &countingTokenSource{ttl: time.Second} // inside oauth2's 10 s expiry margin: expired at once
		tc = newTokenCache(short)
		for range 2 {
			if _, _, err := tc.token(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if short.refreshes() != 2 {
			t.Errorf("%d refreshes of an expiring token, want 2", short.refreshes())
		}
	})
}

// TestTokenRefreshFails: a token source that cannot refresh sends nothing
// without a credential; the refresh's error stays matchable; a read
// retries the refresh within the retry budget, an insert does not; a
// refresh that fails once and then works lets the read succeed on its
// retry; and a failure that may pass (a token endpoint's 503) is retried
// like any transient one (the contrast of TestTokenLocalErrorsNotRetried).
func TestTokenRefreshFails(t *testing.T) {
	t.Run("without_retries", func(t *testing.T) {
		srv, rc := newServer(t, failOnRequest(t))
		failing := &countingTokenSource{err: errors.New("refresh refused by the provider")}
		err := newClient(t, srv, WithTokenSource(failing), WithoutRetries()).GetAgentKeepAlive(ctxT(t))
		wantAs[*TransportError](t, err)
		if !strings.Contains(err.Error(), "refresh refused") {
			t.Errorf("err = %v, want the refresh error", err)
		}
		wantRequests(t, "server", rc.count(), 0)
	})
	// The handler answers only the token a source hands out after one
	// failure (testTokenPrefix-2).
	handler := func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Header.Get(headerAuthorization) != "Bearer "+testTokenPrefix+"-2" {
			writeJSON(w, 401, apiErrorBody("auth", "no token"))
			return
		}
		writeJSON(w, 200, departmentsOK)
	}
	t.Run("read_retries_insert_does_not", func(t *testing.T) {
		checkLeaks(t)
		srv, rc := newServer(t, handler)
		c := newClientAt(t, srv.URL+basePath, WithTokenSource(&countingTokenSource{err: errRefresh}))
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
	})
	t.Run("fails_once", func(t *testing.T) {
		checkLeaks(t)
		srv, rc := newServer(t, handler)
		ts := &countingTokenSource{err: errRefresh, failFirst: 1, ttl: time.Hour}
		c := newClientAt(t, srv.URL+basePath, WithTokenSource(ts))
		if _, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second)); err != nil {
			t.Fatalf("GetConversationDepartments after one failed refresh: %v", err)
		}
		for _, s := range rc.all() {
			if s.auth() != "Bearer "+testTokenPrefix+"-2" || s.key() != "" {
				t.Errorf("request with Authorization %q, key %q", s.auth(), s.key())
			}
		}
		wantRequests(t, "server", rc.count(), 1)
	})
	t.Run("transient_retrieve_error", func(t *testing.T) {
		checkLeaks(t)
		srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, departmentsOK) })
		calls := 0
		c := newClientAt(t, srv.URL+basePath, WithTokenSource(tokenFunc(func() (*oauth2.Token, error) {
			calls++ // one refresh at a time: no race
			return nil, &oauth2.RetrieveError{Response: &http.Response{StatusCode: 503}}
		})))
		_, err := c.GetConversationDepartments(ctxWithin(t, 5*time.Second))
		te := wantAs[*TransportError](t, err)
		var re *oauth2.RetrieveError
		if te.Attempts != fastPolicy.MaxAttempts || calls != fastPolicy.MaxAttempts || !errors.As(err, &re) {
			t.Errorf("Attempts = %d, calls = %d, want %d; err %v", te.Attempts, calls, fastPolicy.MaxAttempts, err)
		}
		wantRequests(t, "server", rc.count(), 0)
	})
}

// TestTokenLocalErrorsNotRetried: local, permanent failures fail after one
// attempt, without a request: a token source that hands out a token
// net/http cannot send or no token at all, and a token endpoint that
// refuses the grant. Before, each was retried four times. (An
// UploadConversationMultimedia content type that cannot be a header is
// refused the same way: TestUploadExtensionAndType.)
func TestTokenLocalErrorsNotRetried(t *testing.T) {
	checkLeaks(t)
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, departmentsOK) })
	for _, tc := range []struct {
		name string
		tok  func() (*oauth2.Token, error)
		want string // in the error, when not ""
	}{
		{"token_with_crlf", func() (*oauth2.Token, error) {
			return &oauth2.Token{AccessToken: testToken + "\r\nX-Evil: 1", Expiry: time.Now().Add(time.Hour)}, nil
		}, ""},
		{"token_with_nul", func() (*oauth2.Token, error) { return &oauth2.Token{AccessToken: testToken + "\x00"}, nil }, ""},
		{"empty_token", func() (*oauth2.Token, error) { return &oauth2.Token{}, nil }, "no access token"},
		{"empty_static_token", oauth2.StaticTokenSource(&oauth2.Token{}).Token, "no access token"},
		{"nil_token", func() (*oauth2.Token, error) { return nil, nil }, "no access token"},
		{"grant_refused", func() (*oauth2.Token, error) {
			return nil, &oauth2.RetrieveError{Response: &http.Response{StatusCode: 400}, ErrorCode: "invalid_grant"}
		}, "invalid_grant"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls int
			c := newClientAt(t, srv.URL+basePath, WithTokenSource(tokenFunc(func() (*oauth2.Token, error) {
				calls++ // one refresh at a time: no race
				return tc.tok()
			})))
			_, err := c.GetConversationDepartments(ctxWithin(t, 5*time.Second))
			te := wantAs[*TransportError](t, err)
			if te.Attempts != 1 || calls != 1 {
				t.Errorf("Attempts = %d, token source called %d times; want 1 and 1 (%v)", te.Attempts, calls, err)
			}
			if strings.Contains(err.Error(), "X-Evil") {
				t.Errorf("error quotes the token: %v", err)
			}
			if tc.want != "" && !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
	wantRequests(t, "server", rc.count(), 0)
}

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
func TestTokenRefreshPastDeadline(t *testing.T) {
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
func TestTokenEndpointSlow(t *testing.T) {
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
