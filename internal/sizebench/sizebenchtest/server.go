// Package sizebenchtest serves the conversation the minimal programs of
// internal/sizebench/cmd fetch, for their tests.
package sizebenchtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/ultracart-community/ultracart-go/internal/sizebench"
)

// Payload returns the benchmark's conversation.json and the line both
// programs print for it.
func Payload(t testing.TB) (body []byte, want string) {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	body, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "..", "conversation", "testdata", "bench", "conversation.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Conversation struct {
			UUID     string            `json:"conversation_uuid"`
			Messages []json.RawMessage `json:"messages"`
		} `json:"conversation"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	return body, fmt.Sprintf("%s: %d messages\n", r.Conversation.UUID, len(r.Conversation.Messages))
}

// Serve starts a loopback server answering getConversation for
// sizebench.ConversationUUID with body (and status), and checks what the
// program sends. It returns the API base URL.
func Serve(t testing.TB, status int, body []byte) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		want := "/rest/v2/conversation/conversations/" + sizebench.ConversationUUID
		if r.Method != http.MethodGet || r.URL.Path != want {
			t.Errorf("request %s %s, want GET %s", r.Method, r.URL.Path, want)
		}
		if got := r.Header.Get("X-UltraCart-Simple-Key"); got != sizebench.SimpleKey {
			t.Errorf("simple key header %q", got)
		}
		if r.Header.Get("Accept") != "application/json" || r.Header.Get("X-UltraCart-Api-Version") == "" {
			t.Errorf("headers %v", r.Header)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/rest/v2"
}
