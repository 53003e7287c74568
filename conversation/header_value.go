package conversation

import (
	"fmt"
	"net/http"
)

// headerValueProblem says why v cannot go into a header value, or "" when it
// can. net/http refuses control characters other than a tab (CR, LF, NUL,
// DEL, ...) when it sends a request, and a server strips white space at
// either end, so a value with it there would not be read as written.
func headerValueProblem(v string) string {
	for i := 0; i < len(v); i++ {
		if b := v[i]; (b < ' ' && b != '\t') || b == 0x7f {
			return "must not contain control characters (CR, LF, NUL, ...)"
		}
	}
	if v != "" && (isBlank(v[0]) || isBlank(v[len(v)-1])) {
		return "must not begin or end with white space"
	}
	return ""
}

func isBlank(b byte) bool { return b == ' ' || b == '\t' }

// checkHeaderValues finds a header value net/http would refuse to send.
// Such a request fails before anything reaches the network, and every retry
// would fail the same way, so the error is a localError. The value is never
// quoted: it may be a credential.
func checkHeaderValues(h http.Header) error {
	for name, vs := range h {
		for _, v := range vs {
			for i := 0; i < len(v); i++ {
				if b := v[i]; (b < ' ' && b != '\t') || b == 0x7f {
					return &localError{fmt.Errorf("header %s: value contains control characters", name)}
				}
			}
		}
	}
	return nil
}
