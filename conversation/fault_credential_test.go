package conversation

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// A credential net/http cannot send as a header value (CR, LF, NUL, DEL and
// other control characters; white space at either end, which a server
// strips) is refused by NewClient with an *ArgumentError naming the option,
// never quoting the value. Before, it was accepted and every call then
// failed with a *TransportError after four attempts of backoff, though
// nothing was sent.
func TestFaultCredentialNotAHeaderValue(t *testing.T) {
	checkLeaks(t)
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		t.Errorf("request %d sent", n)
		writeJSON(w, 200, departmentsOK)
	})
	bad := map[string]string{
		"crlf":           testKey + "\r\n",
		"lf":             testKey + "\n",
		"cr_inside":      "test-key\rdo-not-use",
		"header_inject":  testKey + "\r\nX-Evil: 1",
		"nul":            testKey + "\x00",
		"del":            testKey + "\x7f",
		"escape":         "\x1b[31m" + testKey,
		"leading_space":  " " + testKey,
		"trailing_tab":   testKey + "\t",
		"trailing_space": testKey + " ",
	}
	for name, v := range bad {
		for _, opt := range []struct {
			name string
			make func(string) Option
		}{{"WithSimpleKey", WithSimpleKey}, {"WithBearerToken", WithBearerToken}} {
			t.Run(opt.name+"/"+name, func(t *testing.T) {
				c, err := NewClient(WithBaseURL(srv.URL+basePath), opt.make(v))
				if err == nil {
					_, callErr := c.GetConversationDepartments(ctxWithin(t, 5*time.Second))
					t.Fatalf("NewClient accepted the credential; a call then returned %v", callErr)
				}
				ae := wantAs[*ArgumentError](t, err)
				wantIs(t, err, ErrInvalidArgument)
				if ae.Argument != opt.name || !strings.Contains(err.Error(), opt.name) {
					t.Errorf("error does not name %s: %v", opt.name, err)
				}
				if strings.Contains(err.Error(), strings.TrimSpace(v)) || strings.Contains(err.Error(), "do-not-use") {
					t.Errorf("error echoes the value: %q", err)
				}
			})
		}
	}
	// From the environment, the error names the variable.
	t.Run("env", func(t *testing.T) {
		t.Setenv(EnvSimpleKey, testKey+"\n") // as read from a file
		_, err := NewClientFromEnv(WithBaseURL(srv.URL + basePath))
		ae := wantAs[*ArgumentError](t, err)
		if ae.Argument != EnvSimpleKey {
			t.Errorf("Argument = %q, want %s", ae.Argument, EnvSimpleKey)
		}
	})
	wantRequests(t, "server", rc.count(), 0)
}

// Local, permanent failures fail after one attempt: a token source that
// hands out a token net/http cannot send or no token at all, a token
// endpoint that refuses the grant, and an UploadConversationMultimedia content type that
// cannot be a header (refused as an argument before anything is sent).
// Before, each was retried four times, and the content type was found bad
// only after the upload URL had been fetched.
func TestFaultLocalErrorsNotRetried(t *testing.T) {
	checkLeaks(t)
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 200, `{"conversation_multimedia_upload_url":{"key":"k","url":"http://127.0.0.1:1/put"},"success":true}`)
	})
	for name, tok := range map[string]func() (*oauth2.Token, error){
		"token_with_crlf": func() (*oauth2.Token, error) {
			return &oauth2.Token{AccessToken: testToken + "\r\nX-Evil: 1", Expiry: time.Now().Add(time.Hour)}, nil
		},
		"token_with_nul": func() (*oauth2.Token, error) { return &oauth2.Token{AccessToken: testToken + "\x00"}, nil },
		"empty_token":    func() (*oauth2.Token, error) { return &oauth2.Token{}, nil },
		"nil_token":      func() (*oauth2.Token, error) { return nil, nil },
		"grant_refused": func() (*oauth2.Token, error) {
			return nil, &oauth2.RetrieveError{Response: &http.Response{StatusCode: 400}, ErrorCode: "invalid_grant"}
		},
	} {
		t.Run(name, func(t *testing.T) {
			var calls int
			c := newClientAt(t, srv.URL+basePath, WithTokenSource(tokenFunc(func() (*oauth2.Token, error) {
				calls++ // one refresh at a time: no race
				return tok()
			})))
			_, err := c.GetConversationDepartments(ctxWithin(t, 5*time.Second))
			te := wantAs[*TransportError](t, err)
			if te.Attempts != 1 || calls != 1 {
				t.Errorf("Attempts = %d, token source called %d times; want 1 and 1 (%v)", te.Attempts, calls, err)
			}
			if strings.Contains(err.Error(), "X-Evil") {
				t.Errorf("error quotes the token: %v", err)
			}
		})
	}
	wantRequests(t, "server (token cases)", rc.count(), 0)

	c := newClientAt(t, srv.URL+basePath)
	_, err := c.UploadConversationMultimedia(ctxWithin(t, 5*time.Second), "png", "image/png\r\nX-Evil: 1", strings.NewReader("x"))
	ae := wantAs[*ArgumentError](t, err)
	if ae.Argument != "contentType" {
		t.Errorf("Argument = %q", ae.Argument)
	}
	wantRequests(t, "server (upload)", rc.count(), 0)
}

// A token source that fails for a reason that may pass (a network error)
// is still retried: only local, permanent failures are not. (The contrast
// of TestFaultLocalErrorsNotRetried; TestFaultTokenRefreshFails has more.)
func TestFaultTransientTokenErrorRetried(t *testing.T) {
	checkLeaks(t)
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, departmentsOK) })
	calls := 0
	c := newClientAt(t, srv.URL+basePath, WithTokenSource(tokenFunc(func() (*oauth2.Token, error) {
		calls++
		return nil, &oauth2.RetrieveError{Response: &http.Response{StatusCode: 503}}
	})))
	_, err := c.GetConversationDepartments(ctxWithin(t, 5*time.Second))
	te := wantAs[*TransportError](t, err)
	var re *oauth2.RetrieveError
	if te.Attempts != fastPolicy.MaxAttempts || calls != fastPolicy.MaxAttempts || !errors.As(err, &re) {
		t.Errorf("Attempts = %d, calls = %d, want %d; err %v", te.Attempts, calls, fastPolicy.MaxAttempts, err)
	}
}
