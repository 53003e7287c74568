package conversationtest_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
)

// FuzzHandler feeds arbitrary requests to the fake: it must never panic
// and never answer with a server error, authenticated or not.
func FuzzHandler(f *testing.F) {
	for _, seed := range []struct{ method, path, body string }{
		{"GET", "/rest/v2/conversation/conversations?_limit=5&_offset=1&medium=sms", ""},
		{"GET", "/rest/v2/conversation/conversations?before=2024-01-01T00:00:00Z", ""},
		{"PUT", "/rest/v2/conversation/conversations", `{"add_conversation_participant_arns":["a"]}`},
		{"PUT", "/rest/v2/conversation/conversations", `{"conversation_webchat_queue_uuid":"x"}`},
		{"POST", "/rest/v2/conversation/canned_messages", `{"short_code":"hi","conversation_department_oids":[1]}`},
		{"POST", "/rest/v2/conversation/canned_messages/search", `{"short_code":"h","max_results":-3}`},
		{"PUT", "/rest/v2/conversation/canned_messages/1", `{"short_code":"x"}`},
		{"PUT", "/rest/v2/conversation/departments/2147483647", `{"delete_me":true}`},
		{"POST", "/rest/v2/conversation/engagements", `{"engagement_name":"e","time_on_page":-1}`},
		{"PUT", "/rest/v2/conversation/conversations/queues/general/status", `{"agent_status":"busy"}`},
		{"GET", "/rest/v2/conversation/conversations/x/messages/-9223372036854775808?limit=2", ""},
		{"PUT", "/rest/v2/conversation/conversations/x/join", `{"participant_language_iso_code":null}`},
		{"GET", "/rest/v2/conversation/upload_url/%2e%2e", ""},
		{"PUT", "/upload/conversation/DEMO/x.png?signature=abc", "data"},
		{"PUT", "/rest/v2/conversation/agent/auth", ""},
		{"OPTIONS", "/rest/v2/conversation/agent/keepalive", ""},
		{"POST", "/rest/v2/conversation/pbx/queue", `{"name":"q","members":{"users":[1]}}`},
		{"PUT", "/rest/v2/conversation/pbx/queue/x", `{"conversation_pbx_queue_uuid":"y"}`},
		{"POST", "/rest/v2/conversation/pbx/call/search?_sort=-duration,customer_name%20desc&_limit=1", `{"start_date":"2026-04-01","search_term":"555"}`},
		{"GET", "/rest/v2/conversation/pbx/phone_number/search?country=US&contains=*PIZZA&sms_enabled=1", ""},
		{"POST", "/rest/v2/conversation/pbx/phone_number", `{"phone_number":"+16145550199"}`},
		{"POST", "/rest/v2/conversation/agent/profiles/1003/knowledge_base", `{"original_file_name":"a.pdf","presigned_url":"http://x/upload/k?s=1"}`},
		{"POST", "/rest/v2/conversation/conversations/search", `{"range_begin":5,"range_end":2,"text_search":"a"}`},
		{"POST", "/rest/v2/conversation/conversations/autocomplete", `{"field":"email","term":""}`},
		{"GET", "/rest/v2/conversation/pbx/class_of_service/audit_log?since=2026-04-01&limit=1", ""},
		{"PUT", "/rest/v2/conversation/virtualagent/budget", `{"budget_daily":1e308}`},
	} {
		f.Add(seed.method, seed.path, seed.body, true)
	}
	srv, err := conversationtest.New(conversationtest.WithKey("test-key"), conversationtest.WithDemoData())
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(srv.Close)
	h := srv.Handler()
	f.Fuzz(func(t *testing.T, method, path, body string, auth bool) {
		if !validMethod(method) {
			return
		}
		u, err := url.ParseRequestURI(path)
		if err != nil || !strings.HasPrefix(u.Path, "/") {
			return
		}
		req := &http.Request{
			Method:     method,
			URL:        u,
			Host:       "127.0.0.1",
			Header:     http.Header{"Content-Type": {"application/json"}},
			Body:       http.NoBody,
			RequestURI: path,
		}
		if body != "" {
			req.Body = nopCloser{strings.NewReader(body)}
			req.ContentLength = int64(len(body))
		}
		if auth {
			req.Header.Set("x-ultracart-simple-key", "test-key")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 && rec.Code != http.StatusNotImplemented {
			t.Fatalf("%s %s %q: %d %s", method, path, body, rec.Code, rec.Body)
		}
	})
}

func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for _, c := range m {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

type nopCloser struct{ *strings.Reader }

func (nopCloser) Close() error { return nil }
