package conversation

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// checkPathValue rejects a path value that could change which endpoint is
// called. Other characters ("/", "?", "#", "%") are escaped by the generated
// request builders, but "." and ".." survive escaping and are then resolved
// away as dot segments, reaching another endpoint. reserved are the literal
// segments another operation has in this value's place (GET
// /pbx/hardware_phone/manufacturers is not a hardware phone): the generator
// lists them from the spec.
func checkPathValue(op, arg, v string, reserved ...string) error {
	reason := ""
	switch {
	case slices.Contains(reserved, v):
		reason = fmt.Sprintf("must not be %q: that path is another operation's", v)
	case v == "":
		reason = "must not be empty"
	case strings.Trim(v, ".") == "":
		reason = "must not be . or .."
	case !utf8.ValidString(v):
		reason = "must be valid UTF-8"
	case strings.IndexFunc(v, unicode.IsControl) >= 0:
		reason = "must not contain control characters"
	default:
		return nil
	}
	return &ArgumentError{Operation: op, Argument: arg, Reason: reason}
}

// checkOid checks an object id and narrows it to the wire's int32.
func checkOid(op, arg string, oid int) (int32, error) {
	if oid < 1 || oid > math.MaxInt32 {
		return 0, &ArgumentError{Operation: op, Argument: arg, Reason: "must be between 1 and 2147483647"}
	}
	return int32(oid), nil
}

func required[T any](op, arg string, v *T) error {
	if v == nil {
		return &ArgumentError{Operation: op, Argument: arg, Reason: "is required"}
	}
	return nil
}

// checkCtx rejects a nil context, which would otherwise panic deep in net/http.
func checkCtx(op string, ctx context.Context) error {
	if ctx == nil {
		return &ArgumentError{Operation: op, Argument: "ctx", Reason: "nil context"}
	}
	return nil
}

// optInt32 checks an optional count or offset of the wire's int32 (0 means
// "not sent") against the documented bounds.
func optInt32(op, arg string, n, minN, maxN int) (*int32, error) {
	if n == 0 {
		return nil, nil
	}
	if n < minN || n > maxN {
		return nil, &ArgumentError{Operation: op, Argument: arg, Reason: "must be between " + strconv.Itoa(minN) + " and " + strconv.Itoa(maxN)}
	}
	v := int32(n)
	return &v, nil
}

// optString is s to send, or nil for "" (not sent).
func optString[S ~string](s S) *S {
	if s == "" {
		return nil
	}
	return &s
}

// unixMilli is t as epoch milliseconds for a path or query value; the zero
// time is 0, "from the beginning".
func unixMilli(op, arg string, t time.Time) (int64, error) {
	if t.IsZero() {
		return 0, nil
	}
	ms := t.UnixMilli()
	if ms < 0 {
		return 0, &ArgumentError{Operation: op, Argument: arg, Reason: "must not be before 1970"}
	}
	return ms, nil
}

// optTime is t as a query value in layout (time.RFC3339, time.DateOnly),
// or nil for the zero time. A day is t's calendar day in t's own location.
func optTime(t time.Time, layout string) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(layout)
	return &s
}

// requiredTime is t as a required query value in layout; the zero time is
// refused (it is what a forgotten argument is, never a day anyone asks
// for).
func requiredTime(op, arg string, t time.Time, layout string) (string, error) {
	if t.IsZero() {
		return "", &ArgumentError{Operation: op, Argument: arg, Reason: "must not be the zero time"}
	}
	if y := t.Year(); y < 1 || y > 9999 {
		return "", &ArgumentError{Operation: op, Argument: arg, Reason: "must be in the years 1 to 9999"}
	}
	return t.Format(layout), nil
}

// checkUserID refuses a user id that cannot name a user: UltraCart's ids
// start at 1, and 0 is what an unset one is.
func checkUserID(op, arg string, id UserID) error {
	if id < 1 {
		return &ArgumentError{Operation: op, Argument: arg, Reason: "must be a user id, 1 or more"}
	}
	return nil
}

// requiredString refuses an empty required query value.
func requiredString(op, arg, v string) error {
	if v == "" {
		return &ArgumentError{Operation: op, Argument: arg, Reason: "must not be empty"}
	}
	return nil
}
