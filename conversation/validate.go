package conversation

import (
	"context"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// checkPathValue rejects a path value that could change which endpoint is
// called. Other characters ("/", "?", "#", "%") are escaped by the generated
// request builders, but "." and ".." survive escaping and are then resolved
// away as dot segments, reaching another endpoint.
func checkPathValue(op, arg, v string) error {
	reason := ""
	switch {
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

// optionalLimit checks an optional positive count (0 means "not sent").
func optionalLimit(op, arg string, n, maxN int) (*int32, error) {
	if n == 0 {
		return nil, nil
	}
	if n < 1 || n > maxN {
		return nil, &ArgumentError{Operation: op, Argument: arg, Reason: "must be between 1 and " + strconv.Itoa(maxN)}
	}
	v := int32(n)
	return &v, nil
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
