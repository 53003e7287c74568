package conversation

import (
	"context"
	"errors"
	"strings"
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

// A header value net/http would refuse (here a User-Agent set past the
// options' check) fails after one attempt: it is local and permanent.
// Before, it was retried as a transport error.
func TestInvalidHeaderNotRetried(t *testing.T) {
	srv, rc := newServer(t, failOnRequest(t))
	c := newClient(t, srv)
	c.userAgent = "bot/1.0\r\nX-Evil: 1"
	_, err := c.GetConversationDepartments(ctxT(t))
	var te *TransportError
	if !errors.As(err, &te) || te.Attempts != 1 {
		t.Fatalf("err = %v, want a *TransportError after 1 attempt", err)
	}
	if strings.Contains(err.Error(), "X-Evil") || !strings.Contains(err.Error(), "User-Agent") {
		t.Errorf("error %q quotes the value or does not name the header", err)
	}
	if rc.count() != 0 {
		t.Errorf("%d requests sent", rc.count())
	}
	// The options refuse it outright.
	for name, opt := range map[string]Option{
		"WithUserAgent":  WithUserAgent("bot/1.0\nX: y"),
		"WithAPIVersion": WithAPIVersion("2017-03-01\r\n"),
	} {
		_, err := NewClient(WithSimpleKey(testKey), opt)
		var ae *ArgumentError
		if !errors.As(err, &ae) || ae.Argument != name {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// The token of a refresh that outlived its callers is kept; an expired
// token is refreshed; a valid one is reused without calling the source.
func TestTokenCacheReuse(t *testing.T) {
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
}
