package conversation

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// A credential net/http cannot send as a header value (CR, LF, NUL, DEL and
// other control characters; white space at either end, which a server
// strips) is refused by NewClient with an *ArgumentError naming the option,
// never quoting the value. Before, it was accepted and every call then
// failed with a *TransportError after four attempts of backoff, though
// nothing was sent.
func TestCredentialNotAHeaderValue(t *testing.T) {
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

// TestRedirectSameHost: a redirect within the API's host is followed, with
// the credential, whatever the status and the credential.
func TestRedirectSameHost(t *testing.T) {
	for _, am := range authModes {
		for _, status := range []int{301, 302, 307, 308} {
			t.Run(am.name+"/"+http.StatusText(status), func(t *testing.T) {
				checkLeaks(t)
				srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
					if !strings.Contains(r.URL.Path, "/moved/") {
						http.Redirect(w, r, basePath+"/moved/departments", status)
						return
					}
					writeJSON(w, 200, departmentsOK)
				})
				opts, _ := am.opts()
				resp, err := newClientAt(t, srv.URL+basePath, opts...).GetConversationDepartments(ctxT(t))
				if err != nil {
					t.Fatalf("GetConversationDepartments: %v", err)
				}
				if len(resp) != 1 || resp[0].GetDepartmentName() != "Support" {
					t.Errorf("response not decoded from the redirect target: %+v", resp)
				}
				reqs := rc.all()
				wantRequests(t, "server", len(reqs), 2)
				for i, r := range reqs {
					if r.key() != am.wantKey || r.auth() != am.wantTok {
						t.Errorf("request %d to the API host (%s): key %q, Authorization %q; want the credential", i+1, r.Path, r.key(), r.auth())
					}
				}
			})
		}
	}
}

// TestRedirectOtherHost: a redirect to another host (here the same IP on
// another port, where net/http itself would forward Authorization) is
// followed without either credential, for a read and for a POST (whose
// body is replayed on a 307 or 308; a 302 makes it a GET).
func TestRedirectOtherHost(t *testing.T) {
	for _, am := range authModes {
		for _, status := range []int{302, 307, 308} {
			t.Run(am.name+"/"+http.StatusText(status), func(t *testing.T) {
				checkLeaks(t)
				other, otherRec := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
					if strings.HasSuffix(r.URL.Path, "/departments") && r.Method == http.MethodGet && r.URL.Query().Get("op") == "" {
						writeJSON(w, 200, departmentsOK)
						return
					}
					writeJSON(w, 200, `{"success":true,"conversation_department":{"department_name":"x"}}`)
				})
				api, apiRec := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
					target := other.URL + "/elsewhere" + r.URL.Path
					if r.Method == http.MethodPost {
						target += "?op=insert"
					}
					http.Redirect(w, r, target, status)
				})
				opts, _ := am.opts()
				c := newClientAt(t, api.URL+basePath, opts...)
				if _, err := c.GetConversationDepartments(ctxT(t)); err != nil {
					t.Fatalf("GetConversationDepartments: %v", err)
				}
				if _, err := c.InsertConversationDepartment(ctxT(t), &ConversationDepartment{DepartmentName: ptr("Sales")}); err != nil {
					t.Fatalf("InsertConversationDepartment: %v", err)
				}
				apiSeen, otherSeen := apiRec.all(), otherRec.all()
				wantRequests(t, "api", len(apiSeen), 2)
				wantRequests(t, "other", len(otherSeen), 2)
				leaks := 0
				for _, r := range otherSeen {
					if len(r.Header.Values(headerSimpleKey)) != 0 || len(r.Header.Values(headerAuthorization)) != 0 {
						leaks++
						t.Errorf("%s %s: the other host received a credential: key %q, Authorization %q", r.Method, r.Path, r.key(), r.auth())
					}
				}
				t.Logf("MEASURE credential-leaks-to-other-host=%d", leaks)
				if status != http.StatusFound && len(otherSeen) == 2 && string(otherSeen[1].Body) != `{"department_name":"Sales"}` {
					t.Errorf("POST body not replayed: %q", otherSeen[1].Body)
				}
				// The API host itself got the credential.
				for _, r := range apiSeen {
					if r.key() != am.wantKey || r.auth() != am.wantTok {
						t.Errorf("API host headers %v", r.Header)
					}
				}
			})
		}
	}
}

// A redirect that leaves the API host and comes back: the other host gets
// no credential; the API host, back in the chain, gets it again.
func TestRedirectOtherHostAndBack(t *testing.T) {
	checkLeaks(t)
	var apiURL string
	other, otherRec := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, apiURL+"/rest/v2/conversation/departments/back", http.StatusFound)
	})
	api, apiRec := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.HasSuffix(r.URL.Path, "/back") {
			writeJSON(w, 200, departmentsOK)
			return
		}
		http.Redirect(w, r, other.URL+"/bounce", http.StatusFound)
	})
	apiURL = api.URL
	c := newClientAt(t, api.URL+basePath)
	if _, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second)); err != nil {
		t.Fatalf("GetConversationDepartments: %v", err)
	}
	for _, s := range otherRec.all() {
		if s.key() != "" || s.auth() != "" {
			t.Errorf("the other host received a credential")
		}
	}
	wantRequests(t, "api", apiRec.count(), 2)
	wantRequests(t, "other", otherRec.count(), 1)
}

// A two-host ping-pong loop: bounded the same way, and the other host never
// sees the credential however many times it is visited.
func TestRedirectLoopAcrossHosts(t *testing.T) {
	checkLeaks(t)
	var apiURL string
	other, otherRec := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, apiURL+"/rest/v2/conversation/departments", http.StatusTemporaryRedirect)
	})
	api, apiRec := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, other.URL+"/pong", http.StatusTemporaryRedirect)
	})
	apiURL = api.URL
	c := newClientAt(t, api.URL+basePath)
	_, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second))
	wantAs[*TransportError](t, err)
	total := apiRec.count() + otherRec.count()
	wantRequests(t, "api+other", total, 10)
	for _, s := range otherRec.all() {
		if s.key() != "" || s.auth() != "" {
			t.Errorf("the other host received a credential")
		}
	}
}

// TestRedirectCallerCheckRedirect: a caller's own CheckRedirect still runs,
// after the credential is removed, on a copy of the caller's client; its
// http.ErrUseLastResponse hands the 3xx back as an *APIError, and its error
// ends the call without retries.
func TestRedirectCallerCheckRedirect(t *testing.T) {
	t.Run("runs_without_credential", func(t *testing.T) {
		checkLeaks(t)
		other, otherRec := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, 200, `{"success":true}`) })
		api, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			http.Redirect(w, r, other.URL+"/x", http.StatusFound)
		})
		var called int
		hc := &http.Client{Transport: testTransport(t, nil), CheckRedirect: func(req *http.Request, _ []*http.Request) error {
			called++
			if req.Header.Get(headerSimpleKey) != "" {
				t.Error("custom CheckRedirect saw the key")
			}
			return nil
		}}
		if _, err := newClientAt(t, api.URL+basePath, WithHTTPClient(hc)).GetConversationDepartments(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		if called != 1 || otherRec.last(t).key() != "" {
			t.Errorf("called %d, headers %v", called, otherRec.last(t).Header)
		}
		if hc.CheckRedirect == nil {
			t.Error("caller's client modified")
		}
	})
	t.Run("use_last_response", func(t *testing.T) {
		checkLeaks(t)
		other, otherRec := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, departmentsOK)
		})
		api, apiRec := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			http.Redirect(w, r, other.URL+"/elsewhere", http.StatusFound)
		})
		var sawKey []string
		hc := &http.Client{
			Transport: testTransport(t, nil),
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				sawKey = append(sawKey, req.Header.Get(headerSimpleKey))
				return http.ErrUseLastResponse
			},
		}
		_, err := newClientAt(t, api.URL+basePath, WithHTTPClient(hc)).GetConversationDepartments(ctxT(t))
		apiErr := wantAs[*APIError](t, err)
		if apiErr.StatusCode != http.StatusFound || apiErr.Attempts != 1 {
			t.Errorf("APIError{%d, %d attempts}, want 302 after 1", apiErr.StatusCode, apiErr.Attempts)
		}
		if len(sawKey) != 1 || sawKey[0] != "" {
			t.Errorf("the caller's CheckRedirect saw the key on the cross-host request: %q", sawKey)
		}
		wantRequests(t, "api", apiRec.count(), 1)
		wantRequests(t, "other", otherRec.count(), 0)
	})
	t.Run("refuses", func(t *testing.T) {
		checkLeaks(t)
		srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			http.Redirect(w, r, "/somewhere", http.StatusFound)
		})
		refuse := errors.New("no redirects please")
		hc := &http.Client{
			Transport:     testTransport(t, nil),
			CheckRedirect: func(*http.Request, []*http.Request) error { return refuse },
		}
		_, err := newClientAt(t, srv.URL+basePath, WithHTTPClient(hc)).GetConversationDepartments(ctxT(t))
		te := wantAs[*TransportError](t, err)
		wantIs(t, err, refuse)
		if te.Attempts != 1 || !strings.Contains(err.Error(), "no redirects please") {
			t.Errorf("Attempts = %d, want 1; err = %v", te.Attempts, err)
		}
		wantRequests(t, "server", rc.count(), 1)
	})
}

// TestRedirectLoop: a redirect loop is an error after net/http's limit of
// requests, in a single attempt: following the same redirects again would
// loop again.
func TestRedirectLoop(t *testing.T) {
	checkLeaks(t)
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	})
	start := time.Now()
	_, err := newClientAt(t, srv.URL+basePath).GetConversationDepartments(ctxT(t))
	t.Logf("MEASURE elapsed=%v", time.Since(start).Round(time.Millisecond))
	te := wantAs[*TransportError](t, err)
	var ue *url.Error
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("want the redirect limit in a *url.Error, got %v", err)
	}
	if te.Attempts != 1 {
		t.Errorf("Attempts = %d, want 1: a redirect loop is not transient", te.Attempts)
	}
	// net/http stops when the 10th redirect is asked for: the first request
	// and the redirects up to the limit.
	wantRequests(t, "server", rc.count(), maxRedirects)
	if maxRedirects != 10 {
		t.Errorf("maxRedirects = %d, want net/http's 10", maxRedirects)
	}
}

// TestGuardRedirectsPolicy: only the API's exact scheme and host keep the
// credentials; a downgrade to http, another port or a look-alike host lose
// them.
func TestGuardRedirectsPolicy(t *testing.T) {
	hc := guardRedirects(&http.Client{}, "https", "api.example.com")
	for target, keep := range map[string]bool{
		"https://api.example.com/rest/v2/x":       true,
		"http://api.example.com/rest/v2/x":        false,
		"https://api.example.com:8443/x":          false,
		"https://evil.example.com/x":              false,
		"https://api.example.com.evil.example/x":  false,
		"https://sub.api.example.com/rest/v2/x":   false,
		"https://user@api.example.com.evil.com/x": false,
	} {
		req, _ := http.NewRequest(http.MethodGet, target, nil)
		req.Header.Set(headerSimpleKey, testKey)
		req.Header.Set(headerAuthorization, "Bearer "+testToken)
		if err := hc.CheckRedirect(req, []*http.Request{req}); err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		kept := req.Header.Get(headerSimpleKey) != "" || req.Header.Get(headerAuthorization) != ""
		if kept != keep {
			t.Errorf("%s: credentials kept = %v, want %v", target, kept, keep)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, "https://api.example.com/", nil)
	if err := hc.CheckRedirect(req, make([]*http.Request, maxRedirects)); err == nil {
		t.Error("no limit on redirects")
	}
}
