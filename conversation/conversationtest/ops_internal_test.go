package conversationtest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Every operation of the spec has exactly one handler, and every handler an
// operation: a new operation in the spec fails here until it is served.
func TestEveryOperationHasAHandler(t *testing.T) {
	sp, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	for op := range sp.ops {
		if ops[op] == nil {
			t.Errorf("%s has no handler", op)
		}
	}
	for op := range ops {
		if sp.ops[op] == nil {
			t.Errorf("handler for %s, which the spec does not have", op)
		}
	}
	if len(sp.ops) != 140 {
		t.Errorf("%d operations, want 140", len(sp.ops))
	}
}

// recordingTB captures the failures the fake reports.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// A response the spec rejects is never sent: it becomes a 500 naming the
// problem, and the test that caused it fails. State that could only get
// there by a bug of the fake is planted directly.
func TestResponseValidationCatchesTheFake(t *testing.T) {
	rec := &recordingTB{TB: t}
	srv := NewServer(t)
	srv.tb = rec
	srv.mu.Lock()
	q := kindByKey("pbx_queues")
	// An enum value the spec does not list, a string over its maximum
	// length, a date-time that is not one.
	srv.st.store[q] = map[string]map[string]obj{"": {"q1": {"conversation_pbx_queue_uuid": "q1", "say_voice": "robot"}}}
	srv.st.store[kindByKey("pbx_addresses")] = map[string]map[string]obj{"": {"a1": {"conversation_pbx_address_uuid": "a1", "country_code": "USA"}}}
	srv.st.store[kindByKey("agent_voicemails")] = map[string]map[string]obj{"": {"v1": {"recording_sid": "v1", "voicemail_dts": "yesterday"}}}
	srv.mu.Unlock()

	for path, want := range map[string]string{
		"/conversation/pbx/queue/q1":            "say_voice",
		"/conversation/pbx/queue":               "say_voice",
		"/conversation/pbx/address/a1":          "country_code",
		"/conversation/pbx/agent/voicemails/v1": "voicemail_dts",
	} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("x-ultracart-simple-key", srv.Key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(resp.Header.Get("UC-REST-ERROR"), want) {
			t.Errorf("%s: %d %q, want a 500 naming %s", path, resp.StatusCode, resp.Header.Get("UC-REST-ERROR"), want)
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.errors) != 4 || !strings.Contains(rec.errors[0], "spec rejects") {
		t.Errorf("reported failures: %q", rec.errors)
	}

	// Turned off, the same response goes out as built.
	off, err := New(WithoutResponseValidation())
	if err != nil {
		t.Fatal(err)
	}
	defer off.Close()
	off.st.store[q] = srv.st.store[q]
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, BasePath+"/conversation/pbx/queue/q1", nil)
	r.Header.Set("x-ultracart-simple-key", off.Key)
	off.Handler().ServeHTTP(w, r)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "robot") {
		t.Errorf("without validation: %d %s", w.Code, w.Body.String())
	}
}
