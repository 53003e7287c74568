package conversation

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// A 429 with Retry-After in seconds is retried after that long, then succeeds.
func TestFault429RetryAfterSeconds(t *testing.T) {
	checkLeaks(t)
	srv, rc := newServer(t, rateLimited(1, "1"))
	c := newClientAt(t, srv.URL+basePath)

	start := time.Now()
	resp, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second))
	el := time.Since(start)
	if err != nil {
		t.Fatalf("GetConversationDepartments: %v", err)
	}
	if len(resp) != 1 {
		t.Errorf("got %d departments, want 1", len(resp))
	}
	wantRequests(t, "server", rc.count(), 2)
	t.Logf("MEASURE elapsed=%v retry-after=1s", el.Round(time.Millisecond))
	if el < 900*time.Millisecond {
		t.Errorf("retried after %v, before the 1s Retry-After", el)
	}
	if el > 1*time.Second+faultSlack {
		t.Errorf("retried after %v, want about 1s", el)
	}
}

// A 429 with Retry-After as an HTTP-date is retried at that date.
func TestFault429RetryAfterHTTPDate(t *testing.T) {
	checkLeaks(t)
	// HTTP-dates have one-second resolution: two seconds ahead is a wait of
	// more than one second and at most two.
	date := time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat)
	srv, rc := newServer(t, rateLimited(1, date))
	c := newClientAt(t, srv.URL+basePath)

	start := time.Now()
	_, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second))
	el := time.Since(start)
	if err != nil {
		t.Fatalf("GetConversationDepartments: %v", err)
	}
	wantRequests(t, "server", rc.count(), 2)
	t.Logf("MEASURE elapsed=%v retry-after=%q", el.Round(time.Millisecond), date)
	if el < 900*time.Millisecond || el > 2*time.Second+faultSlack {
		t.Errorf("retried after %v, want between 1s and 2s", el)
	}
}

// A 429 without Retry-After, or with one that cannot be read, is retried
// with the policy's backoff; a storm of them exhausts MaxAttempts and
// returns the last 429.
func TestFault429RetryAfterAbsentOrGarbage(t *testing.T) {
	for _, ra := range []string{"", "soon", "-5", "1.5", "0x10", "Wed, 99 Foo 2022 99:99:99 GMT", "99999999999999999999999", "Retry-After: 5"} {
		t.Run(strconv.Quote(ra), func(t *testing.T) {
			checkLeaks(t)
			srv, rc := newServer(t, rateLimited(1000, ra))
			c := newClientAt(t, srv.URL+basePath)

			start := time.Now()
			_, err := c.GetConversationDepartments(ctxWithin(t, 10*time.Second))
			el := time.Since(start)
			apiErr := wantAs[*APIError](t, err)
			wantIs(t, err, ErrRateLimited)
			wantIsNot(t, err, ErrServer, ErrUnsuccessful)
			if apiErr.StatusCode != http.StatusTooManyRequests || apiErr.Attempts != fastPolicy.MaxAttempts {
				t.Errorf("status %d after %d attempts, want 429 after %d", apiErr.StatusCode, apiErr.Attempts, fastPolicy.MaxAttempts)
			}
			if apiErr.RetryAfter != 0 {
				t.Errorf("RetryAfter = %v for %q, want 0", apiErr.RetryAfter, ra)
			}
			if want := "slow down 4"; apiErr.DeveloperMessage != want {
				t.Errorf("DeveloperMessage = %q, want the last failure's %q", apiErr.DeveloperMessage, want)
			}
			if apiErr.RESTError != "Rate limit exceeded" {
				t.Errorf("RESTError = %q", apiErr.RESTError)
			}
			wantRequests(t, "server", rc.count(), fastPolicy.MaxAttempts)
			if el > 2*time.Second {
				t.Errorf("took %v: the backoff should be milliseconds", el)
			}
		})
	}
}

// A Retry-After far beyond the caller's deadline returns the 429 at once:
// sleeping could only end in a deadline error.
func TestFault429RetryAfterBeyondDeadline(t *testing.T) {
	for _, ra := range []string{
		"3",    // within MaxRetryAfter (5s) but past the 1s deadline
		"3600", // past MaxRetryAfter too
		time.Now().Add(time.Hour).UTC().Format(http.TimeFormat),
	} {
		t.Run(ra, func(t *testing.T) {
			checkLeaks(t)
			srv, rc := newServer(t, rateLimited(1000, ra))
			c := newClientAt(t, srv.URL+basePath)
			const deadline = time.Second

			start := time.Now()
			_, err := c.GetConversationDepartments(ctxWithin(t, deadline))
			el := time.Since(start)
			apiErr := wantAs[*APIError](t, err)
			wantIs(t, err, ErrRateLimited)
			if apiErr.RetryAfter < 2*time.Second {
				t.Errorf("RetryAfter = %v, want the header's value", apiErr.RetryAfter)
			}
			if apiErr.Attempts != 1 {
				t.Errorf("Attempts = %d, want 1", apiErr.Attempts)
			}
			wantRequests(t, "server", rc.count(), 1)
			t.Logf("MEASURE elapsed=%v deadline=%v retry-after=%v", el.Round(time.Millisecond), deadline, apiErr.RetryAfter)
			if el > deadline/2 {
				t.Errorf("returned after %v: want at once, well before the %v deadline", el, deadline)
			}
		})
	}
}

// Without a deadline, a Retry-After beyond the policy's MaxRetryAfter
// returns the 429 at once rather than sleeping for it.
func TestFault429RetryAfterBeyondPolicy(t *testing.T) {
	checkLeaks(t)
	srv, rc := newServer(t, rateLimited(1000, "86400"))
	c := newClientAt(t, srv.URL+basePath)

	start := time.Now()
	_, err := c.GetConversationDepartments(t.Context())
	el := time.Since(start)
	apiErr := wantAs[*APIError](t, err)
	wantIs(t, err, ErrRateLimited)
	if apiErr.RetryAfter != 24*time.Hour || apiErr.Attempts != 1 {
		t.Errorf("RetryAfter %v, Attempts %d; want 24h, 1", apiErr.RetryAfter, apiErr.Attempts)
	}
	wantRequests(t, "server", rc.count(), 1)
	if el > faultSlack {
		t.Errorf("returned after %v, want at once", el)
	}
}

// A Retry-After shorter than the remaining time, with a deadline, is slept
// for and cut short by cancellation: the call returns when the context is
// cancelled, with both the cancellation and the 429 matchable.
func TestFault429CancelledWhileWaiting(t *testing.T) {
	checkLeaks(t)
	srv, rc := newServer(t, rateLimited(1000, "4"))
	c := newClientAt(t, srv.URL+basePath)

	ctx, cancel := context.WithCancel(ctxWithin(t, 10*time.Second))
	defer cancel()
	stop := time.AfterFunc(300*time.Millisecond, cancel)
	defer stop.Stop()
	start := time.Now()
	_, err := c.GetConversationDepartments(ctx)
	faultWithin(t, start, 300*time.Millisecond)
	te := wantAs[*TransportError](t, err)
	wantIs(t, err, context.Canceled, ErrRateLimited)
	if te.Attempts != 1 {
		t.Errorf("Attempts = %d, want 1", te.Attempts)
	}
	wantRequests(t, "server", rc.count(), 1)
}
