package conversation

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// 502, 503 and 504 are retried until MaxAttempts; the error is the last
// response's *APIError, reports the attempts made, in its field and text.
func TestFault5xxStormOutlastsRetryBudget(t *testing.T) {
	for _, status := range []int{http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			checkLeaks(t)
			srv, rc := newServer(t, statusStorm(status))
			c := newClientAt(t, srv.URL+basePath)

			start := time.Now()
			_, err := c.GetConversationCannedMessages(ctxWithin(t, 10*time.Second))
			el := time.Since(start)
			apiErr := wantAs[*APIError](t, err)
			wantIs(t, err, ErrServer)
			wantIsNot(t, err, ErrRateLimited, ErrUnsuccessful, ErrInvalidArgument)
			n := fastPolicy.MaxAttempts
			if apiErr.StatusCode != status || apiErr.Attempts != n {
				t.Errorf("status %d, Attempts %d; want %d, %d", apiErr.StatusCode, apiErr.Attempts, status, n)
			}
			if !apiErr.Temporary() {
				t.Errorf("Temporary() = false for %d", status)
			}
			// The last failure, not the first, is what the caller sees.
			last := "failure " + strconv.Itoa(n)
			if apiErr.DeveloperMessage != last || apiErr.RESTError != "upstream failure "+strconv.Itoa(n) {
				t.Errorf("DeveloperMessage %q, RESTError %q; want the last attempt's", apiErr.DeveloperMessage, apiErr.RESTError)
			}
			if apiErr.ErrorCode != "upstream" || apiErr.UserMessage == "" || apiErr.MoreInfo == "" || apiErr.ObjectID != "obj-1" {
				t.Errorf("ErrorResponse fields not kept: %+v", *apiErr)
			}
			if msg := err.Error(); !strings.Contains(msg, fmt.Sprintf("after %d attempts", n)) || !strings.Contains(msg, last) {
				t.Errorf("message %q does not report the attempts and the last failure", msg)
			}
			wantRequests(t, "server", rc.count(), n)
			if el > 2*time.Second {
				t.Errorf("took %v with millisecond backoff", el)
			}
		})
	}
}

// A 500 is not retried (retry.go: only 429, 502, 503, 504 are temporary).
func TestFault500NotRetried(t *testing.T) {
	checkLeaks(t)
	srv, rc := newServer(t, statusStorm(http.StatusInternalServerError))
	c := newClientAt(t, srv.URL+basePath)

	_, err := c.GetConversationCannedMessages(ctxWithin(t, 10*time.Second))
	apiErr := wantAs[*APIError](t, err)
	wantIs(t, err, ErrServer)
	if apiErr.StatusCode != 500 || apiErr.Attempts != 1 || apiErr.Temporary() {
		t.Errorf("status %d, Attempts %d, Temporary %v; want 500, 1, false", apiErr.StatusCode, apiErr.Attempts, apiErr.Temporary())
	}
	if strings.Contains(err.Error(), "attempts") {
		t.Errorf("a single attempt reported as several: %v", err)
	}
	wantRequests(t, "server", rc.count(), 1)
}

// The other error statuses of the API are not retried either, and match
// their sentinels.
func TestFault4xxNotRetried(t *testing.T) {
	for _, tc := range []struct {
		status int
		is     error
	}{
		{400, ErrBadRequest},
		{401, ErrUnauthorized},
		{404, ErrNotFound},
		{410, ErrGone},
	} {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			checkLeaks(t)
			srv, rc := newServer(t, statusStorm(tc.status))
			c := newClientAt(t, srv.URL+basePath)
			_, err := c.GetConversationCannedMessages(ctxWithin(t, 10*time.Second))
			apiErr := wantAs[*APIError](t, err)
			wantIs(t, err, tc.is)
			wantIsNot(t, err, ErrServer, ErrRateLimited)
			if apiErr.Attempts != 1 {
				t.Errorf("Attempts = %d, want 1", apiErr.Attempts)
			}
			wantRequests(t, "server", rc.count(), 1)
		})
	}
}

// A storm that ends within the budget is invisible to the caller.
func TestFault503StormRecovers(t *testing.T) {
	checkLeaks(t)
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n <= 3 {
			statusStorm(http.StatusServiceUnavailable)(w, r, n)
			return
		}
		writeJSON(w, http.StatusOK, `{"conversation_canned_messages":[],"success":true}`)
	})
	c := newClientAt(t, srv.URL+basePath)
	if _, err := c.GetConversationCannedMessages(ctxWithin(t, 10*time.Second)); err != nil {
		t.Fatalf("GetConversationCannedMessages: %v", err)
	}
	wantRequests(t, "server", rc.count(), 4)
}

// A 503's Retry-After is honoured like a 429's: the retry waits for it.
func TestFault503RetryAfterHonoured(t *testing.T) {
	checkLeaks(t)
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			statusStorm(http.StatusServiceUnavailable)(w, r, n)
			return
		}
		writeJSON(w, http.StatusOK, `{"conversation_canned_messages":[],"success":true}`)
	})
	c := newClientAt(t, srv.URL+basePath)
	start := time.Now()
	if _, err := c.GetConversationCannedMessages(ctxWithin(t, 10*time.Second)); err != nil {
		t.Fatalf("GetConversationCannedMessages: %v", err)
	}
	if el := time.Since(start); el < 900*time.Millisecond {
		t.Errorf("retried after %v, before the 1s Retry-After", el)
	}
	wantRequests(t, "server", rc.count(), 2)
}

// A storm with waits longer than MaxTotalWait stops when the next wait
// would exceed it, before MaxAttempts.
func TestFault503StormBoundedByTotalWait(t *testing.T) {
	checkLeaks(t)
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "1")
		statusStorm(http.StatusServiceUnavailable)(w, r, n)
	})
	p := fastPolicy
	p.MaxAttempts = 10
	p.MaxTotalWait = 1500 * time.Millisecond // room for one 1s wait, not two
	c := newClientAt(t, srv.URL+basePath, WithRetryPolicy(p))

	start := time.Now()
	_, err := c.GetConversationCannedMessages(ctxWithin(t, 10*time.Second))
	el := time.Since(start)
	apiErr := wantAs[*APIError](t, err)
	wantIs(t, err, ErrServer)
	if apiErr.Attempts != 2 {
		t.Errorf("Attempts = %d, want 2", apiErr.Attempts)
	}
	wantRequests(t, "server", rc.count(), 2)
	if el > p.MaxTotalWait+faultSlack {
		t.Errorf("took %v, beyond MaxTotalWait %v", el, p.MaxTotalWait)
	}
}

// WithoutRetries makes a storm a single request.
func TestFault503WithoutRetries(t *testing.T) {
	checkLeaks(t)
	srv, rc := newServer(t, statusStorm(http.StatusServiceUnavailable))
	c := newClientAt(t, srv.URL+basePath, WithoutRetries())
	_, err := c.GetConversationCannedMessages(ctxWithin(t, 10*time.Second))
	apiErr := wantAs[*APIError](t, err)
	wantIs(t, err, ErrServer)
	if apiErr.Attempts != 1 {
		t.Errorf("Attempts = %d, want 1", apiErr.Attempts)
	}
	wantRequests(t, "server", rc.count(), 1)
}

// A backoff that would outlast the caller's deadline is not slept: the real
// failure (the 503) is returned at once, not a deadline error later.
func TestFault503BackoffBeyondDeadline(t *testing.T) {
	checkLeaks(t)
	srv, rc := newServer(t, statusStorm(http.StatusServiceUnavailable))
	p := fastPolicy
	p.BaseDelay, p.MaxDelay = 4*time.Second, 4*time.Second // jittered: 2s to 4s
	c := newClientAt(t, srv.URL+basePath, WithRetryPolicy(p))
	const deadline = time.Second

	start := time.Now()
	_, err := c.GetConversationCannedMessages(ctxWithin(t, deadline))
	el := time.Since(start)
	apiErr := wantAs[*APIError](t, err)
	wantIs(t, err, ErrServer)
	wantIsNot(t, err, context.DeadlineExceeded)
	if apiErr.StatusCode != 503 || apiErr.Attempts != 1 {
		t.Errorf("APIError{%d, %d attempts}, want 503 after 1", apiErr.StatusCode, apiErr.Attempts)
	}
	wantRequests(t, "server", rc.count(), 1)
	t.Logf("MEASURE elapsed=%v deadline=%v", el.Round(time.Millisecond), deadline)
	if el > deadline/2 {
		t.Errorf("returned after %v, want at once", el)
	}
}

// Many goroutines sharing one client against a server that fails two
// requests in three: every call ends in success or in the typed 503 after
// the full budget, the server sees no more than the budget allows, and
// (under -race) nothing races.
func TestFaultConcurrentFlakyServer(t *testing.T) {
	checkLeaks(t)
	srv, rc := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n%3 != 0 {
			statusStorm(http.StatusServiceUnavailable)(w, r, n)
			return
		}
		writeJSON(w, http.StatusOK, `{"conversation_canned_messages":[],"success":true}`)
	})
	c := newClientAt(t, srv.URL+basePath)
	const calls = 24
	errs := make(chan error, calls)
	var wg sync.WaitGroup
	for range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.GetConversationCannedMessages(ctxWithin(t, 10*time.Second))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err == nil {
			continue
		}
		failed++
		apiErr := wantAs[*APIError](t, err)
		if apiErr.StatusCode != 503 || apiErr.Attempts != fastPolicy.MaxAttempts {
			t.Errorf("APIError{%d, %d attempts}", apiErr.StatusCode, apiErr.Attempts)
		}
	}
	n := rc.count()
	t.Logf("MEASURE concurrent: %d calls, %d failed after the budget, %d requests", calls, failed, n)
	if n > calls*fastPolicy.MaxAttempts || n < calls {
		t.Errorf("server saw %d requests for %d calls", n, calls)
	}
}
