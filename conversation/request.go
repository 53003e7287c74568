package conversation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ultracart-community/ultracart-go/gen"
)

// operation names an API operation and says whether repeating it is harmless.
type operation struct {
	id         string // operationId as documented
	idempotent bool
	foreign    bool // a request to another host: no credentials or API headers
}

// builder makes the request from the base URL; the generated New*Request
// functions are builders once their arguments are bound.
type builder func(server string) (*http.Request, error)

// try is one attempt of a call as do and attempt share it.
type try struct {
	n          int   // from 1
	last       error // the previous attempt's failure
	budgetWait time.Duration
	refused    bool // the budget refused a permit: the error is final
}

// exchange records what a successful call learned besides its body.
type exchange struct {
	status   int
	header   http.Header
	attempts int
}

// do sends the request, retrying as the policy allows, and hands a 2xx body
// to decode (nil for void operations).
func (c *Client) do(ctx context.Context, op operation, build builder, decode func(status int, body []byte) error, ex *exchange) (err error) {
	if err := checkCtx(op.id, ctx); err != nil {
		return err
	}
	ctx, tr := c.trace(ctx, op)
	defer func() { tr.end(ctx, err) }()
	if ex == nil {
		ex = new(exchange)
	}
	req, err := build(c.server)
	if err != nil {
		return &ArgumentError{Operation: op.id, Argument: "request", Reason: err.Error()}
	}
	var waited time.Duration
	var last error
	for attempt := 1; ; attempt++ {
		var began time.Time
		if tr != nil {
			began = time.Now()
		}
		// Every attempt, retries included, takes a permit from the budget,
		// once its credential is ready (a slow token refresh must not hold
		// the in-flight slot): see attempt. A refusal is the call's final
		// error.
		try := try{n: attempt, last: last}
		err := c.attempt(ctx, op, req, decode, ex, &try)
		if try.refused {
			return err
		}
		var took time.Duration
		if tr != nil {
			took = time.Since(began) - try.budgetWait
		}
		if err == nil {
			ex.attempts = attempt
			tr.attempt(ctx, attempt, nil, ex.status, took, try.budgetWait, 0)
			return nil
		}
		last = err
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			apiErr.Attempts = attempt
		}
		delay, retry := c.retryDelay(ctx, op, attempt, waited, err)
		tr.attempt(ctx, attempt, err, 0, took, try.budgetWait, delay)
		if !retry {
			return finalError(op, attempt, err)
		}
		c.logger.LogAttrs(ctx, slog.LevelDebug, "conversation: retrying",
			slog.String("operation", op.id), slog.Int("attempt", attempt),
			slog.Duration("wait", delay), slog.String("error", err.Error()))
		if serr := sleep(ctx, delay); serr != nil {
			return &TransportError{Operation: op.id, Attempts: attempt,
				Err: fmt.Errorf("%w while waiting to retry: %w", serr, err)}
		}
		waited += delay
	}
}

// retryDelay decides whether a failed attempt is tried again, and after
// how long: never when a repeat could act twice (retrySafe) or the Retryer
// says no, nor when the wait would end past the context's deadline, where
// sleeping would only end in a deadline error: the real failure is returned
// now, while the caller can still act on it.
func (c *Client) retryDelay(ctx context.Context, op operation, attempt int, waited time.Duration, err error) (time.Duration, bool) {
	if !retrySafe(ctx, op.idempotent, err) {
		return 0, false
	}
	delay, ok := c.retryer.RetryDelay(attempt, waited, err)
	if !ok {
		return 0, false
	}
	if deadline, has := ctx.Deadline(); has && time.Now().Add(delay).After(deadline) {
		return 0, false
	}
	return delay, true
}

// finalError gives err its final form: API and decode errors as they are,
// anything else as a *TransportError.
func finalError(op operation, attempts int, err error) error {
	var apiErr *APIError
	var decErr *DecodeError
	if errors.As(err, &apiErr) || errors.As(err, &decErr) {
		return err
	}
	return &TransportError{Operation: op.id, Attempts: attempts, Err: err}
}

// headerAPIVersion is X-UltraCart-Api-Version in canonical form: setting a
// canonical key costs no allocation.
const headerAPIVersion = "X-Ultracart-Api-Version"

// attempt makes one request.
func (c *Client) attempt(ctx context.Context, op operation, proto *http.Request, decode func(int, []byte) error, ex *exchange, try *try) (err error) {
	first := try.n == 1
	var endDrain context.CancelFunc
	if decode == nil {
		// A void operation ignores its 2xx body: its request gets a context
		// of its own, so that draining that body can be cut short.
		ctx, endDrain = context.WithCancel(ctx)
		defer endDrain()
	}
	var req *http.Request
	if first {
		// proto was built for this call alone and its body is unread: send it
		// as it is, with ctx. (A deep clone and a second body reader would
		// cost 6 allocations per call: see BenchmarkEncode.) Retries clone
		// proto, headers set here included, and set the same headers again.
		req = proto.WithContext(ctx)
	} else {
		// The transport may still hold a failed attempt's request: send a
		// copy, with a fresh body.
		req = proto.Clone(ctx)
		if proto.GetBody != nil {
			body, err := proto.GetBody()
			if err != nil {
				return &localError{fmt.Errorf("rebuilding the request body: %w", err)}
			}
			req.Body = body
		}
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	// red removes the credential from whatever this attempt keeps of the
	// response: a server may echo it back.
	var red *redactor
	if op.foreign {
		red = c.creds().current()
	} else {
		req.Header.Set("Accept", "application/json")
		req.Header.Set(headerAPIVersion, c.apiVersion)
		var err error
		if red, err = c.creds().apply(ctx, req); err != nil {
			return red.error(err) // a failed refresh is retried like a transport error, unless it is a localError
		}
	}
	if err := checkHeaderValues(req.Header); err != nil {
		return err
	}
	// The permit, and its release with what the response said (a 429
	// pauses the budget).
	release, waited, err := c.acquire(ctx, op, try.n, try.last)
	try.budgetWait = waited
	if err != nil {
		try.refused = true
		return err
	}
	defer func() { release(feedbackOf(err)) }()
	resp, err := c.hc.Do(req)
	if err != nil {
		if op.foreign {
			redactURLQuery(err)
		}
		return red.error(err)
	}
	defer resp.Body.Close()

	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	if ok {
		ex.status, ex.header = resp.StatusCode, resp.Header
	}
	if ok && decode == nil {
		// Drain a little so the connection can be reused, but never wait
		// long for a body nobody reads: one that trickles, or never ends,
		// would hold the call (and RunKeepAlive's loop) until ctx ends.
		t := time.AfterFunc(voidDrainWait, endDrain)
		_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
		t.Stop()
		return nil
	}
	limit := c.maxRespBytes
	if !ok {
		limit = min(limit, 1<<20) // an error body only needs its start
	}
	buf := getBuffer()
	defer putBuffer(buf)
	if err := readBody(buf, resp, limit); err != nil {
		switch {
		case !errors.Is(err, ErrResponseTooLarge):
			return red.error(err) // a transport failure mid-body
		case !ok:
			return newAPIError(op.id, resp, buf.Bytes(), red)
		}
		return newDecodeError(op.id, resp, buf.Bytes(), err, red)
	}
	body := buf.Bytes()
	if !ok {
		return newAPIError(op.id, resp, body, red)
	}
	if err := decode(resp.StatusCode, body); err != nil {
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			apiErr.Header = resp.Header
			apiErr.RESTError = resp.Header.Get("UC-REST-ERROR")
			red.apiError(apiErr, body)
			return apiErr
		}
		return newDecodeError(op.id, resp, body, err, red)
	}
	return nil
}

// newDecodeError is the *DecodeError of a 2xx body, with no credential in it.
func newDecodeError(op string, resp *http.Response, body []byte, err error, red *redactor) error {
	return red.error(&DecodeError{Operation: op, StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"),
		Snippet: red.snippet(body), Err: err})
}

// voidDrainWait bounds the wait for the ignored body of a void operation.
const voidDrainWait = time.Second

// redactURLQuery removes the query from the URL a *url.Error prints: the
// query of a presigned upload URL is its signature, a credential for the
// bucket, and the error reaches logs.
func redactURLQuery(err error) {
	var ue *url.Error
	if errors.As(err, &ue) {
		if base, _, found := strings.Cut(ue.URL, "?"); found {
			ue.URL = base + "?[query redacted]"
		}
	}
}

// readBody reads at most limit bytes into buf. A declared length over the
// limit is refused without reading the body.
func readBody(buf *bytes.Buffer, resp *http.Response, limit int64) error {
	if resp.ContentLength > limit {
		return fmt.Errorf("%w: Content-Length %d, limit %d", ErrResponseTooLarge, resp.ContentLength, limit)
	}
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength) + 1)
	}
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return err
	}
	if n > limit {
		buf.Truncate(int(limit))
		return fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, limit)
	}
	return nil
}

// newAPIError maps a non-2xx response, with no credential in it.
func newAPIError(op string, resp *http.Response, body []byte, red *redactor) *APIError {
	e := &APIError{
		Operation:  op,
		StatusCode: resp.StatusCode,
		RESTError:  resp.Header.Get("UC-REST-ERROR"),
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
		Header:     resp.Header,
		Body:       bytes.Clone(truncate(body, maxErrorBody)),
	}
	var er gen.ErrorResponse
	if json.Unmarshal(body, &er) == nil {
		fillFromError(e, er.Error)
	}
	e.noteRequest(resp.Request)
	red.apiError(e, body)
	return e
}

func fillFromError(e *APIError, ge *gen.Error) {
	if ge == nil {
		return
	}
	e.ErrorCode = deref(ge.ErrorCode)
	e.DeveloperMessage = deref(ge.DeveloperMessage)
	e.UserMessage = deref(ge.UserMessage)
	e.MoreInfo = deref(ge.MoreInfo)
	e.ObjectID = deref(ge.ObjectID)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// Buffers are pooled: reading a body is the client's main allocation, and
// json.Unmarshal copies what it keeps.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer { return bufPool.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 {
		return // let outsized buffers go rather than pin them
	}
	b.Reset()
	bufPool.Put(b)
}
