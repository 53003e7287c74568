package conversationtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/ultracart-community/ultracart-go/gen"
)

// apiError is what a handler returns to answer with an ErrorResponse.
type apiError struct {
	status   int
	msg      string
	objectID string
}

func (e *apiError) Error() string { return e.msg }

// badRequest is the service's answer to input it cannot act on, including
// references to things that do not exist: the API documents no 404.
func badRequest(format string, args ...any) error {
	return &apiError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

// notFound is a 400 naming the object that does not exist in object_id.
func notFound(what, id string) error {
	return &apiError{status: http.StatusBadRequest, msg: fmt.Sprintf("%s %q does not exist", what, id), objectID: id}
}

// userMessages are the end-user texts of error.user_message, by status.
var userMessages = map[int]string{
	http.StatusBadRequest:            "The request was not valid.",
	http.StatusUnauthorized:          "Invalid credentials supplied.",
	http.StatusNotFound:              "The requested resource does not exist.",
	http.StatusMethodNotAllowed:      "The request method is not supported for this resource.",
	http.StatusGone:                  "Your authorized application has been disabled.",
	http.StatusRequestEntityTooLarge: "The request is too large.",
	http.StatusTooManyRequests:       "You have exceeded the allowed API call rate limit. Please try again later.",
	http.StatusNotImplemented:        "This feature is not available.",
}

// writeError writes an ErrorResponse the way the service does: the JSON
// body with success:false and a UC-REST-ERROR header with the message.
// extra headers (Retry-After) are set as given.
func writeError(w http.ResponseWriter, status int, msg, objectID string, extra http.Header) {
	user, ok := userMessages[status]
	if !ok {
		user = "An internal error occurred. Please try again later."
	}
	e := &gen.Error{
		DeveloperMessage: ptr(msg),
		UserMessage:      ptr(user),
		ErrorCode:        ptr(strconv.Itoa(status)),
	}
	if objectID != "" {
		e.ObjectID = ptr(objectID)
	}
	body := gen.ErrorResponse{Success: ptr(false), Error: e, Metadata: &gen.ResponseMetadata{}}
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(body) // a struct of strings cannot fail to encode
	h := w.Header()
	for k, vs := range extra {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	h.Set("Content-Type", "application/json")
	h.Set("UC-REST-ERROR", headerSafe(msg))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// headerSafe makes text fit in a header value: printable ASCII only, since
// messages can quote what the request sent.
func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r >= 0x7f {
			return '?'
		}
		return r
	}, s)
}

// ptr returns a pointer to v, for the optional fields of the models.
func ptr[T any](v T) *T { return &v }
