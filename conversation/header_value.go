package conversation

import (
	"fmt"
	"net/http"
	"strconv"
)

// Bounds of the values the client puts in every request, checked by
// NewClient (and, for tokens of a TokenSource, when they arrive). Many
// servers and proxies refuse a request whose line or header fields exceed
// 8 KiB (Apache's LimitRequestLine and LimitRequestFieldSize, nginx's
// large_client_header_buffers, Tomcat's maxHttpHeaderSize for the whole
// head), and answer 431 or 414 to every call. Together these bounds keep the
// client's own values within about 6 KiB, leaving 2 KiB for what each request
// adds (its path and query, Host, Accept, Content-Type, trace headers).
const (
	// MaxCredentialBytes bounds a simple key or an access token (UltraCart's
	// are well under 100 bytes; 4 KiB leaves room for large JWTs).
	MaxCredentialBytes = 4 << 10
	// MaxUserAgentBytes bounds WithUserAgent's value.
	MaxUserAgentBytes = 1 << 10
	// MaxAPIVersionBytes bounds WithAPIVersion's value (a date such as
	// 2017-03-01).
	MaxAPIVersionBytes = 64
	// MaxBaseURLBytes bounds the base URL, which starts every request line.
	MaxBaseURLBytes = 1 << 10
)

// headerValueProblem says why v cannot go into a header value, or "" when it
// can: it is held to MaxCredentialBytes, the largest bound of a header value
// the client sets (the other values have tighter ones: headerValueProblemMax).
func headerValueProblem(v string) string { return headerValueProblemMax(v, MaxCredentialBytes) }

// headerValueProblemMax says why v cannot go into a header value of at most
// limit bytes, or "" when it can. net/http refuses control characters other
// than a tab (CR, LF, NUL, DEL, ...) when it sends a request, and a server
// strips white space at either end, so a value with it there would not be
// read as written. The reason never quotes v: it may be a credential.
func headerValueProblemMax(v string, limit int) string {
	if len(v) > limit {
		return "must not be longer than " + strconv.Itoa(limit) + " bytes"
	}
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
