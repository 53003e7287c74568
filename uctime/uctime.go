// Package uctime holds the date-time type that the generated models use for
// every `format: date-time` field.
//
// UltraCart documents RFC 3339 with a zone offset (2022-12-13T09:58:41-05:00),
// but one odd timestamp must not make a whole response undecodable. Time
// therefore accepts strict RFC 3339 and its common near-misses, and keeps any
// text it cannot read instead of failing: the rest of the response decodes,
// the field reports !Valid(), and encoding it again writes the original text
// back unchanged.
package uctime

import (
	"bytes"
	"encoding/json"
	"time"
)

// Time is a date-time from the wire. The embedded time.Time holds the instant;
// it is the zero time when the text could not be read (see Valid and Raw).
type Time struct {
	time.Time
	// raw is the JSON token as received, kept only when it could not be parsed.
	raw []byte
}

// New returns t as a Time.
func New(t time.Time) Time { return Time{Time: t} }

// Ptr returns a pointer to t as a Time, for setting optional model fields.
func Ptr(t time.Time) *Time { v := New(t); return &v }

// layouts are tried in order after strict RFC 3339. A layout without a zone
// is read as UTC.
var layouts = []string{
	"2006-01-02T15:04:05.999999999Z0700", // offset without a colon
	"2006-01-02T15:04:05.999999999",      // no zone
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04Z07:00", // no seconds
	"2006-01-02T15:04",
	"2006-01-02",
}

// Parse reads s as RFC 3339 or one of the near-misses UltraCart has been seen
// to send. A text without a zone is taken as UTC.
func Parse(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err == nil {
		return t, nil
	}
	for _, layout := range layouts {
		if t, lerr := time.Parse(layout, s); lerr == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

// unparsed reports whether t holds only text that could not be parsed. Once
// the program sets an instant, the instant wins everywhere.
func (t Time) unparsed() bool { return t.raw != nil && t.Time.IsZero() }

// Valid reports whether the value holds an instant read from the wire or set
// by the program, as opposed to text that could not be parsed.
func (t Time) Valid() bool { return !t.unparsed() }

// Raw returns the JSON token that could not be parsed, quotes included (it
// need not be a string), or "" when the value is valid.
func (t Time) Raw() string {
	if !t.unparsed() {
		return ""
	}
	return string(t.raw)
}

// MarshalJSON writes RFC 3339 with nanoseconds as needed, or the original text
// when it could not be parsed.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.unparsed() {
		return bytes.Clone(t.raw), nil
	}
	return t.Time.MarshalJSON()
}

// UnmarshalJSON never fails on a well-formed JSON value: text it cannot read
// as a date-time is kept (see Raw) and the instant is left zero.
func (t *Time) UnmarshalJSON(b []byte) error {
	*t = Time{}
	if string(b) == "null" {
		return nil
	}
	if s, ok := plainString(b); ok {
		if parsed, err := Parse(s); err == nil {
			t.Time = parsed
			return nil
		}
	} else {
		// Escapes, non-ASCII text or anything that is not a bare string:
		// encoding/json decides what the text is.
		var s string
		if err := json.Unmarshal(b, &s); err == nil {
			if parsed, perr := Parse(s); perr == nil {
				t.Time = parsed
				return nil
			}
		}
	}
	t.raw = bytes.Clone(b)
	return nil
}

// plainString returns the text of b when b is a JSON string whose bytes are
// its text: quoted, printable ASCII, no escapes. Every date-time UltraCart
// sends is one, and reading it needs no second pass of encoding/json.
func plainString(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", false
	}
	in := b[1 : len(b)-1]
	for _, c := range in {
		if c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			return "", false
		}
	}
	return string(in), true
}

// String formats the instant as RFC 3339, or returns the unparsed JSON token.
func (t Time) String() string {
	if t.unparsed() {
		return string(t.raw)
	}
	return t.Time.Format(time.RFC3339Nano)
}
