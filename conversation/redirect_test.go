package conversation

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestRedirectSameHost: a redirect within the API's host keeps the
// credential.
func TestRedirectSameHost(t *testing.T) {
	for _, am := range authModes {
		t.Run(am.name, func(t *testing.T) {
			srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				if !strings.Contains(r.URL.Path, "/moved/") {
					http.Redirect(w, r, basePath+"/moved/departments", http.StatusTemporaryRedirect)
					return
				}
				writeJSON(w, 200, `{"success":true,"conversation_departments":[{"department_name":"Support"}]}`)
			})
			opts, _ := am.opts()
			resp, err := newClient(t, srv, opts...).GetConversationDepartments(ctxT(t))
			if err != nil {
				t.Fatal(err)
			}
			if resp[0].GetDepartmentName() != "Support" {
				t.Errorf("resp %+v", resp)
			}
			reqs := rc.all()
			if len(reqs) != 2 {
				t.Fatalf("%d requests", len(reqs))
			}
			r := reqs[1]
			if r.Header.Get("X-Ultracart-Simple-Key") != am.wantKey || r.Header.Get("Authorization") != am.wantTok {
				t.Errorf("credential not kept on the same host: %v", r.Header)
			}
		})
	}
}

// TestRedirectOtherHost: a redirect to another host (here the same IP on
// another port, where net/http itself would forward Authorization) receives
// neither credential, for a read and for a POST whose body is replayed.
func TestRedirectOtherHost(t *testing.T) {
	for _, am := range authModes {
		t.Run(am.name, func(t *testing.T) {
			other, orc := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				if r.Method == http.MethodPost {
					writeJSON(w, 200, `{"success":true,"conversation_department":{"department_name":"x"}}`)
					return
				}
				writeJSON(w, 200, `{"success":true}`)
			})
			api, arc := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				http.Redirect(w, r, other.URL+"/elsewhere"+r.URL.Path, http.StatusTemporaryRedirect)
			})
			opts, _ := am.opts()
			c := newClient(t, api, opts...)
			if _, err := c.GetConversationDepartments(ctxT(t)); err != nil {
				t.Fatal(err)
			}
			dept := &ConversationDepartment{DepartmentName: ptr("Sales")}
			if _, err := c.InsertConversationDepartment(ctxT(t), dept); err != nil {
				t.Fatal(err)
			}
			if arc.count() != 2 || orc.count() != 2 {
				t.Fatalf("api %d, other %d requests", arc.count(), orc.count())
			}
			for _, r := range orc.all() {
				if v := r.Header.Values("X-Ultracart-Simple-Key"); len(v) != 0 {
					t.Errorf("%s %s: simple key forwarded to another host", r.Method, r.Path)
				}
				if v := r.Header.Values("Authorization"); len(v) != 0 {
					t.Errorf("%s %s: Authorization forwarded to another host", r.Method, r.Path)
				}
			}
			if post := orc.all()[1]; string(post.Body) != `{"department_name":"Sales"}` {
				t.Errorf("POST body not replayed: %q", post.Body)
			}
			// The API host itself got the credential.
			if r := arc.all()[0]; r.Header.Get("X-Ultracart-Simple-Key") != am.wantKey || r.Header.Get("Authorization") != am.wantTok {
				t.Errorf("API host headers %v", r.Header)
			}
		})
	}
}

// TestRedirectOtherHostCustomCheckRedirect: a caller's CheckRedirect still
// runs, and credentials are stripped before it sees the request.
func TestRedirectOtherHostCustomCheckRedirect(t *testing.T) {
	other, orc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, 200, `{"success":true}`) })
	api, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		http.Redirect(w, r, other.URL+"/x", http.StatusFound)
	})
	var called int
	hc := &http.Client{CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		called++
		if req.Header.Get("X-Ultracart-Simple-Key") != "" {
			t.Error("custom CheckRedirect saw the key")
		}
		return nil
	}}
	if _, err := newClient(t, api, WithHTTPClient(hc)).GetConversationDepartments(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if called != 1 || orc.last(t).Header.Get("X-Ultracart-Simple-Key") != "" {
		t.Errorf("called %d, headers %v", called, orc.last(t).Header)
	}
	if hc.CheckRedirect == nil {
		t.Error("caller's client modified")
	}

	// Its refusal ends the call with a *TransportError.
	stop := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return errors.New("no redirects please") }}
	_, err := newClient(t, api, WithHTTPClient(stop)).GetConversationDepartments(ctxT(t))
	var te *TransportError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "no redirects please") {
		t.Errorf("err = %v", err)
	}
}

// TestRedirectLoop: a redirect loop ends in an error after net/http's limit,
// in a single attempt rather than a retried one.
func TestRedirectLoop(t *testing.T) {
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	})
	_, err := newClient(t, srv).GetConversationDepartments(ctxT(t))
	var te *TransportError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "redirects") {
		t.Fatalf("err = %T %v", err, err)
	}
	// One attempt: the first request and the redirects up to the limit.
	if n := rc.count(); n != maxRedirects {
		t.Errorf("%d requests, want %d (a single attempt)", n, maxRedirects)
	}
	noSecret(t, err)
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
