package conversation

import (
	"context"
	"errors"
	"math"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRunAgentKeepAlive: RunAgentKeepAlive calls GetAgentKeepAlive at once and then every
// interval until the context ends, passing failures to onFailure.
func TestRunAgentKeepAlive(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path != basePath+"/conversation/agent/keepalive" || r.Method != "GET" {
			t.Errorf("%s %s", r.Method, r.URL.Path)
		}
		switch n {
		case 2:
			writeError(w, 401, "")
		case 3:
			writeError(w, 500, "")
		case 5:
			cancel()
			w.WriteHeader(204)
		default:
			w.WriteHeader(204)
		}
	})
	c := newClient(t, srv)
	var mu sync.Mutex
	var failures []error
	start := time.Now()
	err := c.RunAgentKeepAlive(ctx, 5*time.Millisecond, func(err error) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, err)
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("returned %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	if n := rc.count(); n != 5 {
		t.Errorf("%d calls, want 5", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(failures) != 2 || !errors.Is(failures[0], ErrUnauthorized) || !errors.Is(failures[1], ErrServer) {
		t.Errorf("failures %v", failures)
	}
	for _, f := range failures {
		noSecret(t, f)
	}
}

// TestRunAgentKeepAliveImmediate: the first call is made at once, not after the
// interval; a deadline ends the loop; a nil onFailure is allowed.
func TestRunAgentKeepAliveImmediate(t *testing.T) {
	arrived := make(chan struct{}, 1)
	srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		select {
		case arrived <- struct{}{}:
		default:
		}
		writeError(w, 400, "")
	})
	c := newClient(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- c.RunAgentKeepAlive(ctx, time.Hour, nil) }()
	select {
	case <-arrived:
	case <-time.After(5 * time.Second):
		t.Fatal("no call before the first interval")
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("did not return after cancel")
	}
	if rc.count() != 1 {
		t.Errorf("%d calls", rc.count())
	}

	dctx, dcancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer dcancel()
	if err := c.RunAgentKeepAlive(dctx, 5*time.Millisecond, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: %v", err)
	}
}

// TestRunAgentKeepAliveBoundsEachCall: a service that never answers must not stall
// the loop: each call ends after one interval and is reported, and the loop
// goes on calling.
func TestRunAgentKeepAliveBoundsEachCall(t *testing.T) {
	release := make(chan struct{})
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		select { // hang until the client gives up or the test ends
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	c := newClient(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	failures := make(chan error, 16)
	done := make(chan error, 1)
	go func() {
		done <- c.RunAgentKeepAlive(ctx, 100*time.Millisecond, func(err error) {
			select {
			case failures <- err:
			default:
			}
		})
	}()
	for i := 0; i < 2; i++ {
		select {
		case err := <-failures:
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("failure %d = %v, want a deadline error", i, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a hanging keep-alive stalled the loop")
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("RunAgentKeepAlive returned %v", err)
	}
	if rc.count() < 2 {
		t.Errorf("%d calls, want at least 2", rc.count())
	}
}

// TestRunAgentKeepAliveNeverSpins: against a service that fails every call at
// once, the loop still waits its interval between calls (at most
// elapsed/interval+2 calls), and passes every failure on; an interval as
// long as time.Duration allows does not overflow the bound of each call
// (the first call succeeds, and the loop ends with its context).
func TestRunAgentKeepAliveNeverSpins(t *testing.T) {
	srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeError(w, 400, "") })
	c := newClient(t, srv, WithoutBudget())
	const interval = 20 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	var failures atomic.Int32
	start := time.Now()
	if err := c.RunAgentKeepAlive(ctx, interval, func(error) { failures.Add(1) }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("returned %v", err)
	}
	elapsed := time.Since(start)
	// Every failure is passed on, but the last call's: the loop's own
	// context may end it after the server saw it.
	if n, most, f := rc.count(), int(elapsed/interval)+2, int(failures.Load()); n > most || n < 1 || f > n || f < n-1 {
		t.Errorf("%d calls (%d failures) in %v, want 1 to %d, each failure passed on", n, f, elapsed, most)
	}

	served := make(chan struct{}, 1)
	slow, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		time.Sleep(20 * time.Millisecond)
		w.WriteHeader(204)
		served <- struct{}{}
	})
	c = newClient(t, slow, WithoutBudget())
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	var failed atomic.Int32
	go func() { done <- c.RunAgentKeepAlive(ctx, math.MaxInt64, func(error) { failed.Add(1) }) }()
	select {
	case <-served:
	case err := <-done:
		t.Fatalf("returned %v before the first call was served", err)
	case <-time.After(10 * time.Second):
		t.Fatal("no call made")
	}
	time.Sleep(20 * time.Millisecond) // the client reads the answer
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) || failed.Load() != 0 {
		t.Errorf("returned %v after %d failures", err, failed.Load())
	}
}
