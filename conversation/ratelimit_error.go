package conversation

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ErrDailyLimit matches the *APIError of a 429 whose UC-REST-ERROR says a
// daily rate was exceeded ("rate of 10000 per 86400 second(s) exceeded."):
// the application has spent its day, and retrying soon is futile. It also
// matches ErrRateLimited. APIError.RateLimit gives the figures of any rate
// the header names.
var ErrDailyLimit = errors.New("daily rate limit exceeded (429)")

// RateLimit returns the rate that a 429's UC-REST-ERROR says was exceeded:
// for "rate of 10000 per 86400 second(s) exceeded." 10000 and 24h. ok is
// false for other statuses and for a message that names no rate (such as
// a refused concurrent request).
func (e *APIError) RateLimit() (limit int, window time.Duration, ok bool) {
	if e.StatusCode != http.StatusTooManyRequests {
		return 0, 0, false
	}
	return parseRESTRate(e.RESTError)
}

// parseRESTRate reads UltraCart's rate-limit message, as documented, out of
// msg: "rate of 10000 per 86400 second(s) exceeded." (case aside, with any
// white space between the words). It is read by hand rather than with a
// regular expression, whose package every program would then link and
// compile at start-up.
func parseRESTRate(msg string) (limit int, window time.Duration, ok bool) {
	lower := strings.ToLower(msg)
	for from := 0; ; {
		i := strings.Index(lower[from:], "rate of")
		if i < 0 {
			return 0, 0, false
		}
		rest := lower[from+i+len("rate of"):]
		from += i + 1
		n, rest, ok1 := spaceNumber(rest)
		rest, ok2 := spaceWord(rest, "per")
		secs, rest, ok3 := spaceNumber(rest)
		_, ok4 := spaceWord(rest, "second")
		if !ok1 || !ok2 || !ok3 || !ok4 || n <= 0 || secs <= 0 || secs > int64(maxRetryAfter/time.Second) || n > math.MaxInt32 {
			continue
		}
		return int(n), time.Duration(secs) * time.Second, true
	}
}

// spaceNumber reads white space (at least one character) and then 1 to 12
// digits.
func spaceNumber(s string) (int64, string, bool) {
	t := strings.TrimLeft(s, " \t\r\n")
	if len(t) == len(s) {
		return 0, s, false
	}
	end := 0
	for end < len(t) && end < 13 && t[end] >= '0' && t[end] <= '9' {
		end++
	}
	if end == 0 || end > 12 {
		return 0, s, false
	}
	n, err := strconv.ParseInt(t[:end], 10, 64)
	return n, t[end:], err == nil
}

// spaceWord reads white space (at least one character) and then word.
func spaceWord(s, word string) (string, bool) {
	t := strings.TrimLeft(s, " \t\r\n")
	if len(t) == len(s) || !strings.HasPrefix(t, word) {
		return s, false
	}
	return t[len(word):], true
}

// isDailyLimit reports whether e is a 429 for a rate counted over a day or
// more.
func (e *APIError) isDailyLimit() bool {
	_, w, ok := e.RateLimit()
	return ok && w >= 24*time.Hour
}

// retryAfterSaysNow reports whether a Retry-After value is a valid one
// that says "now": 0 seconds, or an HTTP date not after now. (A malformed
// value says nothing: the budget treats it as absent.)
func retryAfterSaysNow(v string, now time.Time) bool {
	v = strings.TrimSpace(v)
	if v == "" {
		return false
	}
	if n, err := strconv.ParseUint(v, 10, 64); err == nil {
		return n == 0
	}
	t, err := http.ParseTime(v)
	return err == nil && !t.After(now)
}
