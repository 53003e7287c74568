package conversation

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Sentinels for errors.Is. An *APIError matches the one for its status; the
// others are wrapped by the errors that carry more detail.
var (
	ErrBadRequest   = errors.New("bad request (400)")
	ErrUnauthorized = errors.New("unauthorized (401)")
	// ErrNotFound matches an *APIError saying that the object a call named
	// does not exist. UltraCart documents no 404: it answers a missing
	// object with a 400 ErrorResponse whose error.object_id ("Object id
	// that the error is associated with") names it. So
	// errors.Is(err, ErrNotFound) is true for
	//
	//   - a 404, whatever its body, and
	//   - a 400 whose error.object_id equals, ignoring case, a segment of
	//     the request's path (in practice one of the values the call was
	//     given: a uuid, an oid, a user id, a queue name), when the request
	//     sent no body: a get, a delete, or an action with no body such as
	//     MarkRead or ProtectPbxPhoneNumber.
	//
	// Such a 400 matches ErrBadRequest too, so test ErrNotFound first. The
	// get-or-create branch is then
	//
	//	q, err := c.GetPbxQueue(ctx, id)
	//	if errors.Is(err, conversation.ErrNotFound) {
	//		q, err = c.InsertPbxQueue(ctx, &conversation.ConversationPbxQueue{Name: conversation.Ptr("Support")})
	//	}
	//
	// What the test cannot know:
	//
	//   - A request with a body (an insert, an update, a search) is never
	//     matched on a 400: when its object, or an object its body refers
	//     to, does not exist, nothing tells that 400 from a validation error
	//     about the same object, so it matches only ErrBadRequest.
	//     APIError.ObjectID still names the object; read it first (the get)
	//     when the difference matters.
	//   - A 400 that names no object (no error.object_id, or one that is not
	//     in the path: a validation error, a bad query parameter) is never
	//     ErrNotFound.
	//   - A delete refused for the state of an object that exists (a
	//     deletion-protected phone number) matches ErrNotFound only if
	//     UltraCart names that object in error.object_id, which it does not
	//     document; the fake answers it without object_id.
	//
	// An *APIError built by hand matches ErrNotFound only with status 404:
	// the 400 form is recognised when the response is read.
	ErrNotFound    = errors.New("not found (404, or UltraCart's 400 naming the requested object)")
	ErrGone        = errors.New("application disabled by UltraCart (410)")
	ErrRateLimited = errors.New("rate limited (429)")
	ErrServer      = errors.New("server error (5xx)")
	// ErrUnsuccessful matches a 2xx response whose body says "success": false.
	ErrUnsuccessful = errors.New(`response says "success": false`)
	// ErrInvalidArgument matches an *ArgumentError: nothing was sent.
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrResponseTooLarge is wrapped by the *DecodeError of a body over the
	// client's maximum response size (WithMaxResponseBytes).
	ErrResponseTooLarge = errors.New("response body exceeds the maximum size")
)

// maxErrorBody bounds the copy of a body kept in an error.
const maxErrorBody = 4 << 10

// APIError is a response with a non-2xx status, or a 2xx whose body says
// "success": false. It keeps what UltraCart put in the ErrorResponse body and
// headers, and a capped copy of the body.
type APIError struct {
	Operation  string // operationId, e.g. "getConversation"
	StatusCode int
	// From the ErrorResponse body's "error" object, when there was one.
	ErrorCode        string
	DeveloperMessage string
	UserMessage      string
	MoreInfo         string
	ObjectID         string
	// RESTError is the UC-REST-ERROR header: a human-readable message.
	RESTError string
	// RetryAfter is the parsed Retry-After header (zero when absent or unreadable).
	RetryAfter time.Duration
	// Header is the response's header.
	Header http.Header
	// Body is the start of the response body (at most 4 KiB).
	Body []byte
	// Attempts is how many requests were made, retries included.
	Attempts int

	// missing reports UltraCart's missing-object 400 (see ErrNotFound).
	missing bool
}

// noteRequest records whether e is UltraCart's answer to a request naming
// an object that does not exist (see ErrNotFound): a 400 whose object_id
// is a value of the path of a request with no body.
func (e *APIError) noteRequest(req *http.Request) {
	if e.StatusCode != http.StatusBadRequest || e.ObjectID == "" || req == nil || req.URL == nil ||
		req.ContentLength != 0 || req.Body != nil && req.Body != http.NoBody {
		return
	}
	for _, seg := range strings.Split(req.URL.EscapedPath(), "/") {
		if v, err := url.PathUnescape(seg); err == nil && v != "" && strings.EqualFold(v, e.ObjectID) {
			e.missing = true
			return
		}
	}
}

// Error describes the failure without echoing request headers, so it never
// contains a credential.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("conversation: ")
	b.WriteString(e.Operation)
	b.WriteString(": ")
	if e.StatusCode >= 200 && e.StatusCode < 300 {
		b.WriteString(strconv.Itoa(e.StatusCode))
		b.WriteString(` with "success": false`)
	} else {
		b.WriteString(strconv.Itoa(e.StatusCode))
		if t := http.StatusText(e.StatusCode); t != "" {
			b.WriteString(" " + t)
		}
	}
	msg := e.DeveloperMessage
	if msg == "" {
		msg = e.UserMessage
	}
	if msg == "" {
		msg = e.RESTError
	}
	if msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	if e.ErrorCode != "" {
		b.WriteString(" (error_code ")
		b.WriteString(e.ErrorCode)
		b.WriteString(")")
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrRateLimited) and the other status sentinels work.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound || e.missing
	case ErrGone:
		return e.StatusCode == http.StatusGone
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrDailyLimit:
		return e.isDailyLimit()
	case ErrServer:
		return e.StatusCode >= 500 && e.StatusCode < 600
	case ErrUnsuccessful:
		return e.StatusCode >= 200 && e.StatusCode < 300
	}
	return false
}

// Temporary reports whether the same request may succeed later: rate limits
// and 502/503/504.
func (e *APIError) Temporary() bool {
	switch e.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// DecodeError is a response body that could not be read as the operation's
// documented JSON: malformed, truncated, HTML, empty where a body is due, or
// larger than the client's maximum.
type DecodeError struct {
	Operation   string
	StatusCode  int
	ContentType string
	// Snippet is the start of the body (at most 4 KiB).
	Snippet []byte
	Err     error
}

func (e *DecodeError) Error() string {
	s := fmt.Sprintf("conversation: %s: cannot decode %d response", e.Operation, e.StatusCode)
	if e.ContentType != "" {
		s += " (" + e.ContentType + ")"
	}
	s += ": " + e.Err.Error()
	if len(e.Snippet) > 0 {
		s += ": body starts " + strconv.Quote(string(truncate(e.Snippet, 200)))
	}
	return s
}

func (e *DecodeError) Unwrap() error { return e.Err }

// TransportError is a request that got no usable response: the connection
// failed, the context ended (waiting for a response, a retry or an OAuth 2
// token), a redirect could not be followed, or the request could not be sent
// (a token refresh failed, a header value net/http refuses). Err keeps the
// cause, so errors.Is(err, context.DeadlineExceeded) works.
type TransportError struct {
	Operation string
	Attempts  int
	Err       error
}

func (e *TransportError) Error() string {
	s := "conversation: " + e.Operation + ": " + e.Err.Error()
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return s
}

func (e *TransportError) Unwrap() error { return e.Err }

// ArgumentError is an invalid argument, found before any request was sent.
type ArgumentError struct {
	Operation string
	Argument  string
	Reason    string
	// Err is the cause, when there is one: the error reading an upload's
	// body.
	Err error
}

func (e *ArgumentError) Error() string {
	return "conversation: " + e.Operation + ": invalid argument " + e.Argument + ": " + e.Reason
}

// Is makes errors.Is(err, ErrInvalidArgument) work.
func (e *ArgumentError) Is(target error) bool { return target == ErrInvalidArgument }

// Unwrap returns the cause, if any.
func (e *ArgumentError) Unwrap() error { return e.Err }

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
