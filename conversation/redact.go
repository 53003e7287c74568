package conversation

import (
	"bytes"
	"encoding/json"
	"errors"
	"html"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
)

// redactedMarker replaces a credential in anything the client keeps or
// prints of a response.
const redactedMarker = "[redacted]"

// redactor removes the client's own credentials from what a server sends
// back: a hostile or careless server may echo the key or token in an error
// body, a UC-REST-ERROR header or a malformed response, and errors and logs
// must never show it. The client knows its credentials, so it looks for
// them, in the forms a server is likely to echo them in: as sent, escaped
// in a JSON string, escaped in a URL (either case of hex), and escaped for
// HTML. A nil *redactor removes nothing.
//
// It runs on error paths only, and when no credential appears it costs one
// substring search per form and allocates nothing.
type redactor struct {
	forms   []string // the forms, longest first
	needles [][]byte // the same as bytes
	maxLen  int      // the longest form's length
}

// newRedactor returns a redactor of the non-empty creds, or nil if there is
// none.
func newRedactor(creds ...string) *redactor {
	var forms []string
	for _, c := range creds {
		if c != "" {
			forms = append(forms, echoForms(c)...)
		}
	}
	if len(forms) == 0 {
		return nil
	}
	slices.SortFunc(forms, func(a, b string) int { return len(b) - len(a) })
	forms = slices.Compact(forms)
	r := &redactor{forms: forms, maxLen: len(forms[0])}
	for _, f := range forms {
		r.needles = append(r.needles, []byte(f))
	}
	return r
}

// echoForms lists the ways a server may write s back.
func echoForms(s string) []string {
	forms := []string{s, html.EscapeString(s)}
	if j, err := json.Marshal(s); err == nil { // Go's escaping: <, >, & as \u003c...
		forms = append(forms, string(j[1:len(j)-1]))
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(s) == nil { // minimal escaping, and "/" as "\/" (PHP, some Java)
		j := strings.TrimSuffix(b.String(), "\n")
		j = j[1 : len(j)-1]
		forms = append(forms, j, strings.ReplaceAll(j, "/", `\/`))
	}
	for _, u := range []string{url.QueryEscape(s), url.PathEscape(s), strings.ReplaceAll(url.QueryEscape(s), "+", "%20")} {
		forms = append(forms, u, lowerPercentHex(u))
	}
	return forms
}

// lowerPercentHex writes the hex digits of %XX escapes in lower case.
func lowerPercentHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lowerHex(b[i+1]), lowerHex(b[i+2])
			i += 2
		}
	}
	return string(b)
}

func lowerHex(c byte) byte {
	if 'A' <= c && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}

// hit reports whether s contains a credential.
func (r *redactor) hit(s string) bool {
	if r == nil {
		return false
	}
	for _, n := range r.forms {
		if strings.Contains(s, n) {
			return true
		}
	}
	return false
}

// hitBytes reports whether b contains a credential.
func (r *redactor) hitBytes(b []byte) bool {
	if r == nil {
		return false
	}
	for _, n := range r.needles {
		if bytes.Contains(b, n) {
			return true
		}
	}
	return false
}

// string returns s with every credential replaced by the marker.
func (r *redactor) string(s string) string {
	if !r.hit(s) {
		return s
	}
	for _, n := range r.forms {
		s = strings.ReplaceAll(s, n, redactedMarker)
	}
	return s
}

// bytes returns b, or a copy of b with every credential replaced.
func (r *redactor) bytes(b []byte) []byte {
	if !r.hitBytes(b) {
		return b
	}
	for _, n := range r.needles {
		b = bytes.ReplaceAll(b, n, []byte(redactedMarker))
	}
	return b
}

// snippet is a copy of the start of body, at most maxErrorBody bytes, with
// every credential replaced. A credential that the cut would split is cut
// off whole, so that not even its start is kept.
func (r *redactor) snippet(body []byte) []byte {
	cut := min(len(body), maxErrorBody)
	if r != nil && cut < len(body) {
		for _, n := range r.needles {
			// An occurrence that starts before the cut and ends after it.
			from := max(0, cut-len(n)+1)
			to := min(len(body), cut+len(n)-1)
			if i := bytes.Index(body[from:to], n); i >= 0 && from+i < cut {
				cut = from + i
			}
		}
	}
	kept := r.bytes(body[:cut])
	return bytes.Clone(truncate(kept, maxErrorBody))
}

// header returns h, or a copy of h with every credential replaced in its
// names and values.
func (r *redactor) header(h http.Header) http.Header {
	if r == nil || !r.headerHit(h) {
		return h
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		k = r.string(k)
		for _, v := range vs {
			out[k] = append(out[k], r.string(v))
		}
	}
	return out
}

func (r *redactor) headerHit(h http.Header) bool {
	for k, vs := range h {
		if r.hit(k) {
			return true
		}
		for _, v := range vs {
			if r.hit(v) {
				return true
			}
		}
	}
	return false
}

// apiError replaces every credential in e's fields; body is the response
// body e was made from, so that e.Body can be cut again around a
// credential.
func (r *redactor) apiError(e *APIError, body []byte) {
	if r == nil {
		return
	}
	e.DeveloperMessage = r.string(e.DeveloperMessage)
	e.UserMessage = r.string(e.UserMessage)
	e.MoreInfo = r.string(e.MoreInfo)
	e.ObjectID = r.string(e.ObjectID)
	e.ErrorCode = r.string(e.ErrorCode)
	e.RESTError = r.string(e.RESTError)
	e.Header = r.header(e.Header)
	if r.hitBytes(truncate(body, maxErrorBody+r.maxLen)) {
		e.Body = r.snippet(body)
	}
}

// error returns err with every credential removed from what it prints:
// an *APIError or *DecodeError in it is scrubbed in place (the client made
// it for this call), and any other error whose text holds a credential is
// replaced by a redactedError.
func (r *redactor) error(err error) error {
	if r == nil || err == nil {
		return err
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		r.apiError(apiErr, apiErr.Body)
	}
	var decErr *DecodeError
	if errors.As(err, &decErr) {
		decErr.Snippet = r.bytes(decErr.Snippet)
		decErr.ContentType = r.string(decErr.ContentType)
		if decErr.Err != nil && r.hit(decErr.Err.Error()) {
			decErr.Err = &redactedError{msg: r.string(decErr.Err.Error()), err: decErr.Err, red: r}
		}
	}
	if msg := err.Error(); r.hit(msg) {
		return &redactedError{msg: r.string(msg), err: err, red: r}
	}
	return err
}

// redactedError stands for an error whose text held a credential: it
// prints that text with the credential replaced. errors.Is still matches
// the causes (context.DeadlineExceeded, io.ErrUnexpectedEOF, ...), and
// errors.As finds an error in the chain only if that error's own text is
// free of the credential.
type redactedError struct {
	msg string
	err error
	red *redactor
}

func (e *redactedError) Error() string        { return e.msg }
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }
func (e *redactedError) GoString() string     { return "&conversation.redactedError{" + e.msg + "}" }
func (e *redactedError) As(target any) bool {
	if !errors.As(e.err, target) {
		return false
	}
	v := reflect.ValueOf(target).Elem()
	if found, ok := v.Interface().(error); ok && found != nil && e.red.hit(found.Error()) {
		v.SetZero()
		return false
	}
	return true
}
