package conversation

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// A redirect within the API's host is followed, with the credential.
func TestFaultRedirectSameHost(t *testing.T) {
	for _, status := range []int{301, 302, 307, 308} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			checkLeaks(t)
			srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if !strings.HasSuffix(r.URL.Path, "/moved") {
					http.Redirect(w, r, r.URL.Path+"/moved", status)
					return
				}
				writeJSON(w, 200, departmentsOK)
			})
			c := newClientAt(t, srv.URL+basePath)
			resp, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second))
			if err != nil {
				t.Fatalf("GetConversationDepartments: %v", err)
			}
			if len(resp) != 1 {
				t.Errorf("response not decoded from the redirect target")
			}
			seen := rc.all()
			wantRequests(t, "server", len(seen), 2)
			for i, s := range seen {
				if s.key() != testKey {
					t.Errorf("request %d to the API host (%s) lacks the key", i+1, s.Path)
				}
			}
		})
	}
}

// A redirect to another host is followed without either credential: the
// other host sees neither x-ultracart-simple-key nor Authorization.
func TestFaultRedirectOtherHostStripsCredentials(t *testing.T) {
	for _, tc := range []struct {
		name string
		auth Option
	}{
		{"simple key", WithSimpleKey(testKey)},
		{"bearer token", WithBearerToken(testToken)},
	} {
		for _, status := range []int{302, 307, 308} {
			t.Run(tc.name+"/"+http.StatusText(status), func(t *testing.T) {
				checkLeaks(t)
				other, otherRec := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
					writeJSON(w, 200, departmentsOK)
				})
				api, apiRec := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
					http.Redirect(w, r, other.URL+"/elsewhere", status)
				})
				c := newClientAt(t, api.URL+basePath, tc.auth)
				if _, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second)); err != nil {
					t.Fatalf("GetConversationDepartments: %v", err)
				}
				apiSeen, otherSeen := apiRec.all(), otherRec.all()
				wantRequests(t, "api", len(apiSeen), 1)
				wantRequests(t, "other", len(otherSeen), 1)
				if len(apiSeen) == 1 && apiSeen[0].key() == "" && apiSeen[0].auth() == "" {
					t.Errorf("the API host got no credential")
				}
				leaks := 0
				for _, s := range otherSeen {
					if s.key() != "" || s.auth() != "" {
						leaks++
						t.Errorf("the other host received a credential: key %q, Authorization %q", s.key(), s.auth())
					}
				}
				t.Logf("MEASURE credential-leaks-to-other-host=%d", leaks)
			})
		}
	}
}

// A redirect that leaves the API host and comes back: the other host gets
// no credential; the API host, back in the chain, gets it again.
func TestFaultRedirectOtherHostAndBack(t *testing.T) {
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

// A redirect loop is an error after a bounded number of requests, and is
// not retried: following the same redirects again would loop again.
func TestFaultRedirectLoop(t *testing.T) {
	checkLeaks(t)
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	})
	c := newClientAt(t, srv.URL+basePath)
	start := time.Now()
	_, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second))
	el := time.Since(start)
	te := wantAs[*TransportError](t, err)
	var ue *url.Error
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("want the redirect limit in a *url.Error, got %v", err)
	}
	if te.Attempts != 1 {
		t.Errorf("Attempts = %d, want 1: a redirect loop is not transient", te.Attempts)
	}
	// net/http stops when the 10th redirect is asked for: 10 requests.
	wantRequests(t, "server", rc.count(), 10)
	if el > 2*time.Second {
		t.Errorf("took %v", el)
	}
}

// A two-host ping-pong loop: bounded the same way, and the other host never
// sees the credential however many times it is visited.
func TestFaultRedirectLoopAcrossHosts(t *testing.T) {
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

// A caller's own CheckRedirect still runs, after the credential is removed;
// http.ErrUseLastResponse hands the 3xx back as an *APIError.
func TestFaultRedirectCallerPolicy(t *testing.T) {
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
			sawKey = append(sawKey, req.Header.Get("X-Ultracart-Simple-Key"))
			return http.ErrUseLastResponse
		},
	}
	c := newClientAt(t, api.URL+basePath, WithHTTPClient(hc))
	_, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second))
	apiErr := wantAs[*APIError](t, err)
	if apiErr.StatusCode != http.StatusFound || apiErr.Attempts != 1 {
		t.Errorf("APIError{%d, %d attempts}, want 302 after 1", apiErr.StatusCode, apiErr.Attempts)
	}
	if len(sawKey) != 1 || sawKey[0] != "" {
		t.Errorf("the caller's CheckRedirect saw the key on the cross-host request: %q", sawKey)
	}
	wantRequests(t, "api", apiRec.count(), 1)
	wantRequests(t, "other", otherRec.count(), 0)
}

// A caller's CheckRedirect error ends the call without retries.
func TestFaultRedirectCallerRefuses(t *testing.T) {
	checkLeaks(t)
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, "/somewhere", http.StatusFound)
	})
	refuse := errors.New("no redirects here")
	hc := &http.Client{
		Transport:     testTransport(t, nil),
		CheckRedirect: func(*http.Request, []*http.Request) error { return refuse },
	}
	c := newClientAt(t, srv.URL+basePath, WithHTTPClient(hc))
	_, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second))
	te := wantAs[*TransportError](t, err)
	wantIs(t, err, refuse)
	if te.Attempts != 1 {
		t.Errorf("Attempts = %d, want 1", te.Attempts)
	}
	wantRequests(t, "server", rc.count(), 1)
}
