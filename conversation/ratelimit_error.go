package conversation

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"time"
)

// ErrDailyLimit matches the *APIError of a 429 whose UC-REST-ERROR says a
// daily rate was exceeded ("rate of 10000 per 86400 second(s) exceeded."):
// the application has spent its day, and retrying soon is futile. It also
// matches ErrRateLimited. APIError.RateLimit gives the figures of any rate
// the header names.
var ErrDailyLimit = errors.New("daily rate limit exceeded (429)")

// restRateRe reads UltraCart's rate-limit message, as documented:
// "rate of 10000 per 86400 second(s) exceeded.".
var restRateRe = regexp.MustCompile(`(?i)rate of\s+(\d{1,12})\s+per\s+(\d{1,12})\s+second`)

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

// parseRESTRate reads "rate of N per S second(s)" out of msg.
func parseRESTRate(msg string) (limit int, window time.Duration, ok bool) {
	if msg == "" {
		return 0, 0, false
	}
	m := restRateRe.FindStringSubmatch(msg)
	if m == nil {
		return 0, 0, false
	}
	n, err1 := strconv.Atoi(m[1])
	secs, err2 := strconv.ParseInt(m[2], 10, 64)
	if err1 != nil || err2 != nil || n <= 0 || secs <= 0 || secs > int64(maxRetryAfter/time.Second) {
		return 0, 0, false
	}
	return n, time.Duration(secs) * time.Second, true
}

// isDailyLimit reports whether e is a 429 for a rate counted over a day or
// more.
func (e *APIError) isDailyLimit() bool {
	_, w, ok := e.RateLimit()
	return ok && w >= 24*time.Hour
}
