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
	refused    bool // the budget gave no permit: nothing was sent
}

// exchange records what a successful call learned besides its body.
type exchange struct {
	status   int
	header   http.Header
	attempts int
}

// A call reads top to bottom from here: do builds the request and runs the
// attempts, deciding after each failure whether to retry (retryDelay) and
// what the call returns (finalError, budgetRefusal); attempt makes one
// request in four steps: prepare (the copy, headers and credential),
// permit (the rate budget), send, and read (status, body, error mapping,
// decode). Each step calls down into the concern it needs (budget.go,
// retry.go, auth.go, errors.go), and none of those calls back.

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
		try := try{n: attempt, last: last}
		err := c.attempt(ctx, op, req, decode, ex, &try)
		if try.refused {
			return budgetRefusal(ctx, op, &try, err)
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

// budgetRefusal is what a call returns when the budget gave attempt try
// no permit with err. A retry the budget cannot serve in time returns the
// previous attempt's failure, as one whose backoff would cross the
// deadline does; a first attempt returns a *BudgetError naming the
// operation. A context that ended while waiting is a *TransportError; any
// other error of the Limiter is wrapped.
func budgetRefusal(ctx context.Context, op operation, try *try, err error) error {
	switch {
	case errors.Is(err, ErrBudgetExhausted):
		if try.last != nil {
			return finalError(op, try.n-1, try.last)
		}
		be := &BudgetError{}
		if errors.As(err, &be) {
			cp := *be // the Limiter's value may be shared
			be = &cp
		}
		be.Operation = op.id
		return be
	case ctx.Err() != nil:
		if try.last != nil {
			return &TransportError{Operation: op.id, Attempts: try.n - 1,
				Err: fmt.Errorf("%w while waiting for the rate budget: %w", ctx.Err(), try.last)}
		}
		return &TransportError{Operation: op.id, Err: fmt.Errorf("%w while waiting for the rate budget", ctx.Err())}
	}
	return fmt.Errorf("conversation: %s: rate budget: %w", op.id, err)
}

// headerAPIVersion is X-UltraCart-Api-Version in canonical form: setting a
// canonical key costs no allocation.
const headerAPIVersion = "X-Ultracart-Api-Version"

// attempt makes one request: prepare, permit, send, read.
func (c *Client) attempt(ctx context.Context, op operation, proto *http.Request, decode func(int, []byte) error, ex *exchange, try *try) (err error) {
	var endDrain context.CancelFunc
	if decode == nil {
		// A void operation ignores its 2xx body: its request gets a context
		// of its own, so that draining that body can be cut short.
		ctx, endDrain = context.WithCancel(ctx)
		defer endDrain()
	}
	req, red, err := c.prepare(ctx, op, proto, try.n == 1)
	if err != nil {
		return err
	}
	release, err := c.permit(ctx, op, try)
	if err != nil {
		return err
	}
	// The release says what the response taught the budget (a 429 pauses it).
	defer func() { release(feedbackOf(err)) }()
	resp, err := c.hc.Do(req)
	if err != nil {
		if op.foreign {
			redactURLQuery(err)
		}
		return red.error(err)
	}
	defer resp.Body.Close()
	return c.read(op, resp, decode, ex, red, endDrain)
}

// prepare makes the attempt's request from proto with its headers and
// credential. red removes the credential from whatever the attempt keeps
// of the response: a server may echo it back.
func (c *Client) prepare(ctx context.Context, op operation, proto *http.Request, first bool) (req *http.Request, red *redactor, err error) {
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
				return nil, nil, &localError{fmt.Errorf("rebuilding the request body: %w", err)}
			}
			req.Body = body
		}
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	if op.foreign {
		red = c.creds().current()
	} else {
		req.Header.Set("Accept", "application/json")
		req.Header.Set(headerAPIVersion, c.apiVersion)
		if red, err = c.creds().apply(ctx, req); err != nil {
			return nil, nil, red.error(err) // a failed refresh is retried like a transport error, unless it is a localError
		}
	}
	if err := checkHeaderValues(req.Header); err != nil {
		return nil, nil, err
	}
	return req, red, nil
}

// budgetLogAfter is the wait for a permit above which the client logs it.
const budgetLogAfter = 100 * time.Millisecond

// permit takes the attempt's permit from the client's budget, once its
// credential is ready (a slow token refresh must not hold the in-flight
// slot), and records how long it waited. A refusal marks try refused: do
// turns it into the call's error (budgetRefusal).
func (c *Client) permit(ctx context.Context, op operation, try *try) (func(Feedback), error) {
	if c.limiter == nil || op.foreign {
		return releaseNothing, nil
	}
	start := time.Now()
	release, err := c.limiter.Acquire(ctx)
	try.budgetWait = time.Since(start)
	if try.budgetWait >= budgetLogAfter {
		c.logger.LogAttrs(ctx, slog.LevelDebug, "conversation: waited for the rate budget",
			slog.String("operation", op.id), slog.Int("attempt", try.n), slog.Duration("wait", try.budgetWait),
			slog.Bool("granted", err == nil))
	}
	if err != nil {
		try.refused = true
		return nil, err
	}
	if release == nil {
		release = releaseNothing
	}
	return release, nil
}

func releaseNothing(Feedback) {}

// read turns the response into the attempt's outcome: a 2xx body handed
// to decode (drained for a void operation), or the error the status, the
// body or the decoding says.
func (c *Client) read(op operation, resp *http.Response, decode func(int, []byte) error, ex *exchange, red *redactor, endDrain context.CancelFunc) error {
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	if ok {
		ex.status, ex.header = resp.StatusCode, resp.Header
	}
	if ok && decode == nil {
		// Drain a little so the connection can be reused, but never wait
		// long for a body nobody reads: one that trickles, or never ends,
		// would hold the call (and RunAgentKeepAlive's loop) until ctx ends.
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
