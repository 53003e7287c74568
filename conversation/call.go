package conversation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/ultracart-community/ultracart-go/gen"
)

// envelope is what UltraCart wraps around a payload: the success flag and
// error object that decide a 2xx's outcome, and the metadata and warning a
// caller may ask for with WithResponseInfo.
type envelope struct {
	Success  *bool
	Error    *gen.Error
	Metadata *gen.ResponseMetadata
	Warning  *gen.Warning
}

// call runs op and decodes a 2xx body into a new T. env reads the envelope
// of a T; it is nil for the response schemas that have no "success" field.
// The generated methods are thin shells around call and callVoid.
func call[T any](ctx context.Context, c *Client, op operation, build builder, env func(*T) envelope, opts []CallOption) (*T, error) {
	out := new(T)
	var ex exchange
	var e envelope
	if err := c.do(ctx, op, build, func(status int, body []byte) error {
		if len(bytes.TrimSpace(body)) == 0 {
			return errors.New("empty body")
		}
		if err := json.Unmarshal(body, out); err != nil {
			return err
		}
		if env == nil {
			return bareFailure(op.id, status, body)
		}
		e = env(out)
		if e.Success != nil && !*e.Success {
			return unsuccessful(op.id, status, e.Error, body)
		}
		return nil
	}, &ex); err != nil {
		return nil, err
	}
	report(opts, &ex, e)
	return out, nil
}

// callVoid runs an operation that documents no success body: any 2xx is
// success, with or without a body.
func callVoid(ctx context.Context, c *Client, op operation, build builder, opts []CallOption) error {
	var ex exchange
	if err := c.do(ctx, op, build, nil, &ex); err != nil {
		return err
	}
	report(opts, &ex, envelope{})
	return nil
}

// bareFailure checks a body whose schema has no "success" field
// (startConversation, the webchat context, a few PBX lists): one that says
// "success": false anyway is a failure. The byte scan keeps the common case to
// one decode, and the flag is decoded alone, so that an "error" object of the
// wrong shape cannot turn a "success": false into a success.
func bareFailure(op string, status int, body []byte) error {
	if !bytes.Contains(body, []byte(`"success"`)) {
		return nil
	}
	var flag struct {
		Success *bool `json:"success"`
	}
	if json.Unmarshal(body, &flag) != nil || flag.Success == nil || *flag.Success {
		return nil
	}
	var generic gen.ErrorResponse
	_ = json.Unmarshal(body, &generic) // keeps what the error object holds, if anything
	return unsuccessful(op, status, generic.Error, body)
}

// unsuccessful is the *APIError of a 2xx body that says "success": false;
// attempt adds the response's headers.
func unsuccessful(op string, status int, e *gen.Error, body []byte) error {
	apiErr := &APIError{Operation: op, StatusCode: status, Body: bytes.Clone(truncate(body, maxErrorBody))}
	fillFromError(apiErr, e)
	return apiErr
}

// CallOption changes one call. Every method of Client takes them last.
type CallOption func(*callOptions)

type callOptions struct {
	info *ResponseInfo
}

// ResponseInfo is what a successful call learned besides its payload: the
// status, the headers, the number of attempts, and the metadata and warning of
// UltraCart's response envelope.
type ResponseInfo struct {
	StatusCode int
	Header     http.Header
	// Attempts is how many requests were made, retries included.
	Attempts int
	// Metadata and Warning are the envelope's, when the response has one.
	Metadata *ResponseMetadata
	Warning  *Warning
}

// WithResponseInfo fills *info when the call succeeds: a method returns its
// payload (the conversation, the list of departments) and this is where the
// rest of the response is, e.g. a warning the service attached:
//
//	var info conversation.ResponseInfo
//	depts, err := c.GetConversationDepartments(ctx, conversation.WithResponseInfo(&info))
//	if err == nil && info.Warning != nil { ... }
func WithResponseInfo(info *ResponseInfo) CallOption {
	return func(o *callOptions) { o.info = info }
}

func report(opts []CallOption, ex *exchange, e envelope) {
	if len(opts) == 0 {
		return
	}
	var o callOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.info != nil {
		*o.info = ResponseInfo{StatusCode: ex.status, Header: ex.header, Attempts: ex.attempts, Metadata: e.Metadata, Warning: e.Warning}
	}
}

// orZero returns p, or a new zero T when the service left the payload out:
// a method never returns a nil payload with a nil error.
func orZero[T any](p *T) *T {
	if p == nil {
		return new(T)
	}
	return p
}
