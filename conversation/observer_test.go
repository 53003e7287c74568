package conversation

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
)

// recordingObserver keeps what an Observer is told.
type recordingObserver struct {
	mu       sync.Mutex
	starts   []CallStart
	attempts []Attempt
	ends     []CallEnd
}

type obsKey struct{}

func (o *recordingObserver) CallStart(ctx context.Context, c CallStart) context.Context {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.starts = append(o.starts, c)
	return context.WithValue(ctx, obsKey{}, c.Operation)
}

func (o *recordingObserver) Attempt(ctx context.Context, a Attempt) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if ctx.Value(obsKey{}) != a.Operation {
		a.Operation = "wrong context"
	}
	o.attempts = append(o.attempts, a)
}

func (o *recordingObserver) CallEnd(ctx context.Context, e CallEnd) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ends = append(o.ends, e)
}

// TestObserver: every attempt is reported with its status and the wait after
// it, and the call once with the totals; inserts say they are not idempotent.
func TestObserver(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n <= 2 {
			writeError(w, 429, "")
			return
		}
		writeJSON(w, 200, `{"success":true,"conversation_department":{"conversation_department_oid":3}}`)
	})
	obs := &recordingObserver{}
	c := newClient(t, srv, WithObserver(obs))
	if _, err := c.InsertConversationDepartment(ctxT(t), &ConversationDepartment{}); err != nil {
		t.Fatal(err)
	}
	if len(obs.starts) != 1 || obs.starts[0] != (CallStart{Operation: "insertConversationDepartment", Idempotent: false}) {
		t.Errorf("starts %+v", obs.starts)
	}
	if len(obs.attempts) != 3 {
		t.Fatalf("attempts %+v", obs.attempts)
	}
	for i, a := range obs.attempts {
		wantStatus, wantErr, wantWait := 429, true, true
		if i == 2 {
			wantStatus, wantErr, wantWait = 200, false, false
		}
		if a.Operation != "insertConversationDepartment" || a.Number != i+1 || a.StatusCode != wantStatus ||
			(a.Err != nil) != wantErr || (a.RetryWait > 0) != wantWait || a.Duration <= 0 || a.RESTError == "" == wantErr {
			t.Errorf("attempt %d: %+v", i+1, a)
		}
	}
	e := obs.ends[0]
	if len(obs.ends) != 1 || e.Attempts != 3 || e.StatusCode != 200 || e.Err != nil ||
		e.RetryWait != obs.attempts[0].RetryWait+obs.attempts[1].RetryWait || e.Duration < e.RetryWait {
		t.Errorf("end %+v", obs.ends)
	}

	// A failure ends the call with its error.
	obs2 := &recordingObserver{}
	srv2, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) { writeError(w, 400, "") })
	_, err := newClient(t, srv2, WithObserver(obs2)).GetConversationDepartments(ctxT(t))
	if len(obs2.ends) != 1 || !errors.Is(obs2.ends[0].Err, ErrBadRequest) || obs2.ends[0].Attempts != 1 || obs2.ends[0].StatusCode != 400 || err == nil {
		t.Errorf("end %+v", obs2.ends)
	}
	if _, err := NewClient(WithSimpleKey(testKey), WithObserver(nil)); err == nil {
		t.Error("WithObserver(nil) accepted")
	}
}
