package conversation

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"golang.org/x/oauth2"
)

// tokenCache hands out the access tokens of a TokenSource, reusing one until
// it expires, like oauth2.ReuseTokenSource, but without making a call wait
// past its context for a refresh: a TokenSource has no context (and
// x/oauth2's token fetch uses its own), so the refresh runs on a goroutine
// of its own and a caller waits for it only as long as its context allows.
//
// There is at most one refresh in flight per cache: callers that need a
// token while one runs wait for that one. A refresh that outlives its
// callers still stores its token for the next call, and its goroutine ends
// when the TokenSource returns: no goroutine is started per call, and none
// outlives the refresh.
type tokenCache struct {
	src oauth2.TokenSource

	mu       sync.Mutex
	tok      *oauth2.Token // the last token obtained; nil before the first
	red      *redactor     // of tok
	inflight *tokenRefresh // the running refresh, if any
}

// tokenRefresh is one call of the TokenSource; done is closed when its
// result is set.
type tokenRefresh struct {
	done chan struct{}
	tok  *oauth2.Token
	red  *redactor
	err  error
}

func newTokenCache(src oauth2.TokenSource) *tokenCache { return &tokenCache{src: src} }

// token returns a valid token and the redactor of the credentials it holds,
// refreshing it if needed. If ctx ends first it returns ctx's error at once;
// the refresh goes on and its token is kept. On error, the redactor is the
// one of the previous token, which a token endpoint's error may echo.
func (tc *tokenCache) token(ctx context.Context) (*oauth2.Token, *redactor, error) {
	tc.mu.Lock()
	if tc.tok.Valid() {
		tok, red := tc.tok, tc.red
		tc.mu.Unlock()
		return tok, red, nil
	}
	r := tc.inflight
	if r == nil {
		r = &tokenRefresh{done: make(chan struct{})}
		tc.inflight = r
		go tc.refresh(r)
	}
	red := tc.red
	tc.mu.Unlock()
	select {
	case <-r.done:
		if r.err != nil {
			return nil, red, r.err
		}
		return r.tok, r.red, nil
	case <-ctx.Done():
		return nil, red, ctx.Err()
	}
}

// refresh calls the TokenSource once and publishes the result.
func (tc *tokenCache) refresh(r *tokenRefresh) {
	defer close(r.done)
	tc.mu.Lock()
	old := tc.red
	tc.mu.Unlock()
	tok, err := fetchToken(tc.src)
	if err == nil {
		r.tok, r.red = tok, newRedactor(tok.AccessToken, tok.RefreshToken)
	} else {
		// The token endpoint's answer may quote the old token or the
		// refresh token: scrub the error now, before anyone sees it.
		r.err = old.error(err)
	}
	tc.mu.Lock()
	if err == nil {
		tc.tok, tc.red = r.tok, r.red
	}
	tc.inflight = nil
	tc.mu.Unlock()
}

// fetchToken calls src and checks what it returns. A token that could not
// be sent, and a grant the token endpoint refused, are localErrors: the
// same refresh would give the same answer. A panic in src becomes an error
// rather than ending the program from a goroutine the caller cannot guard.
func fetchToken(src oauth2.TokenSource) (tok *oauth2.Token, err error) {
	defer func() {
		if p := recover(); p != nil {
			tok, err = nil, errors.New("token source panicked")
		}
	}()
	tok, err = src.Token()
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && grantRefused(re) {
			return nil, &localError{err}
		}
		return nil, err
	}
	switch {
	case tok == nil || tok.AccessToken == "":
		return nil, &localError{errors.New("token source returned no access token")}
	case headerValueProblem(tok.AccessToken) != "":
		return nil, &localError{fmt.Errorf("token source returned an access token that %s", headerValueProblem(tok.AccessToken))}
	}
	return tok, nil
}

// grantRefused reports whether the token endpoint refused the request
// itself (RFC 6749 section 5.2: invalid_grant, invalid_client, ...), as
// opposed to failing.
func grantRefused(re *oauth2.RetrieveError) bool {
	if re.ErrorCode != "" {
		return true
	}
	if re.Response == nil {
		return false
	}
	switch re.Response.StatusCode {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden:
		return true
	}
	return false
}

// redactor is the redactor of the current token.
func (tc *tokenCache) redactor() *redactor {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return tc.red
}
