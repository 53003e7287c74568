package conversation_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ultracart-community/ultracart-go/conversation"
)

// A redirect within the API's host is followed, with the credential.
func TestFaultRedirectSameHost(t *testing.T) {
	for _, status := range []int{301, 302, 307, 308} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			faultLeakCheck(t)
			srv := faultServe(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if !strings.HasSuffix(r.URL.Path, "/moved") {
					http.Redirect(w, r, r.URL.Path+"/moved", status)
					return
				}
				faultJSON(w, 200, faultDepartmentsOK)
			})
			c := faultClient(t, srv.Base())
			resp, err := c.GetConversationDepartments(faultCtx(t, 10*time.Second))
			if err != nil {
				t.Fatalf("GetConversationDepartments: %v", err)
			}
			if len(resp) != 1 {
				t.Errorf("response not decoded from the redirect target")
			}
			seen := srv.Seen()
			faultWantRequests(t, "server", len(seen), 2)
			for i, s := range seen {
				if s.SimpleKey != faultKey {
					t.Errorf("request %d to the API host (%s) lacks the key", i+1, s.EscapedPath)
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
		auth conversation.Option
	}{
		{"simple key", conversation.WithSimpleKey(faultKey)},
		{"bearer token", conversation.WithBearerToken(faultToken)},
	} {
		for _, status := range []int{302, 307, 308} {
			t.Run(tc.name+"/"+http.StatusText(status), func(t *testing.T) {
				faultLeakCheck(t)
				other := faultServe(t, func(w http.ResponseWriter, r *http.Request, n int) {
					faultJSON(w, 200, faultDepartmentsOK)
				})
				api := faultServe(t, func(w http.ResponseWriter, r *http.Request, n int) {
					http.Redirect(w, r, other.URL+"/elsewhere", status)
				})
				c := faultClient(t, api.Base(), tc.auth)
				if _, err := c.GetConversationDepartments(faultCtx(t, 10*time.Second)); err != nil {
					t.Fatalf("GetConversationDepartments: %v", err)
				}
				apiSeen, otherSeen := api.Seen(), other.Seen()
				faultWantRequests(t, "api", len(apiSeen), 1)
				faultWantRequests(t, "other", len(otherSeen), 1)
				if len(apiSeen) == 1 && apiSeen[0].SimpleKey == "" && apiSeen[0].Auth == "" {
					t.Errorf("the API host got no credential")
				}
				leaks := 0
				for _, s := range otherSeen {
					if s.SimpleKey != "" || s.Auth != "" {
						leaks++
						t.Errorf("the other host received a credential: key %q, Authorization %q", s.SimpleKey, s.Auth)
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
	faultLeakCheck(t)
	var apiURL string
	other := faultServe(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, apiURL+"/rest/v2/conversation/departments/back", http.StatusFound)
	})
	api := faultServe(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.HasSuffix(r.URL.Path, "/back") {
			faultJSON(w, 200, faultDepartmentsOK)
			return
		}
		http.Redirect(w, r, other.URL+"/bounce", http.StatusFound)
	})
	apiURL = api.URL
	c := faultClient(t, api.Base())
	if _, err := c.GetConversationDepartments(faultCtx(t, 10*time.Second)); err != nil {
		t.Fatalf("GetConversationDepartments: %v", err)
	}
	for _, s := range other.Seen() {
		if s.SimpleKey != "" || s.Auth != "" {
			t.Errorf("the other host received a credential")
		}
	}
	faultWantRequests(t, "api", api.Count(), 2)
	faultWantRequests(t, "other", other.Count(), 1)
}

// A redirect loop is an error after a bounded number of requests, and is
// not retried: following the same redirects again would loop again.
func TestFaultRedirectLoop(t *testing.T) {
	faultLeakCheck(t)
	srv := faultServe(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	})
	c := faultClient(t, srv.Base())
	start := time.Now()
	_, err := c.GetConversationDepartments(faultCtx(t, 10*time.Second))
	el := time.Since(start)
	te := faultAs[*conversation.TransportError](t, err)
	var ue *url.Error
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("want the redirect limit in a *url.Error, got %v", err)
	}
	if te.Attempts != 1 {
		t.Errorf("Attempts = %d, want 1: a redirect loop is not transient", te.Attempts)
	}
	// net/http stops when the 10th redirect is asked for: 10 requests.
	faultWantRequests(t, "server", srv.Count(), 10)
	if el > 2*time.Second {
		t.Errorf("took %v", el)
	}
}

// A two-host ping-pong loop: bounded the same way, and the other host never
// sees the credential however many times it is visited.
func TestFaultRedirectLoopAcrossHosts(t *testing.T) {
	faultLeakCheck(t)
	var apiURL string
	other := faultServe(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, apiURL+"/rest/v2/conversation/departments", http.StatusTemporaryRedirect)
	})
	api := faultServe(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, other.URL+"/pong", http.StatusTemporaryRedirect)
	})
	apiURL = api.URL
	c := faultClient(t, api.Base())
	_, err := c.GetConversationDepartments(faultCtx(t, 10*time.Second))
	faultAs[*conversation.TransportError](t, err)
	total := api.Count() + other.Count()
	faultWantRequests(t, "api+other", total, 10)
	for _, s := range other.Seen() {
		if s.SimpleKey != "" || s.Auth != "" {
			t.Errorf("the other host received a credential")
		}
	}
}

// A caller's own CheckRedirect still runs, after the credential is removed;
// http.ErrUseLastResponse hands the 3xx back as an *APIError.
func TestFaultRedirectCallerPolicy(t *testing.T) {
	faultLeakCheck(t)
	other := faultServe(t, func(w http.ResponseWriter, r *http.Request, n int) {
		faultJSON(w, 200, faultDepartmentsOK)
	})
	api := faultServe(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, other.URL+"/elsewhere", http.StatusFound)
	})
	var sawKey []string
	hc := &http.Client{
		Transport: faultTransport(t, nil),
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			sawKey = append(sawKey, req.Header.Get("X-Ultracart-Simple-Key"))
			return http.ErrUseLastResponse
		},
	}
	c := faultClient(t, api.Base(), conversation.WithHTTPClient(hc))
	_, err := c.GetConversationDepartments(faultCtx(t, 10*time.Second))
	apiErr := faultAs[*conversation.APIError](t, err)
	if apiErr.StatusCode != http.StatusFound || apiErr.Attempts != 1 {
		t.Errorf("APIError{%d, %d attempts}, want 302 after 1", apiErr.StatusCode, apiErr.Attempts)
	}
	if len(sawKey) != 1 || sawKey[0] != "" {
		t.Errorf("the caller's CheckRedirect saw the key on the cross-host request: %q", sawKey)
	}
	faultWantRequests(t, "api", api.Count(), 1)
	faultWantRequests(t, "other", other.Count(), 0)
}

// A caller's CheckRedirect error ends the call without retries.
func TestFaultRedirectCallerRefuses(t *testing.T) {
	faultLeakCheck(t)
	srv := faultServe(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, "/somewhere", http.StatusFound)
	})
	refuse := errors.New("no redirects here")
	hc := &http.Client{
		Transport:     faultTransport(t, nil),
		CheckRedirect: func(*http.Request, []*http.Request) error { return refuse },
	}
	c := faultClient(t, srv.Base(), conversation.WithHTTPClient(hc))
	_, err := c.GetConversationDepartments(faultCtx(t, 10*time.Second))
	te := faultAs[*conversation.TransportError](t, err)
	faultIs(t, err, refuse)
	if te.Attempts != 1 {
		t.Errorf("Attempts = %d, want 1", te.Attempts)
	}
	faultWantRequests(t, "server", srv.Count(), 1)
}
