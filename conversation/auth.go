package conversation

import (
	"context"
	"fmt"
	"net/http"
)

// Header names of the two authentication schemes.
const (
	headerSimpleKey     = "X-Ultracart-Simple-Key"
	headerAuthorization = "Authorization"
)

// secret is a credential string that never prints itself.
type secret string

func (secret) String() string                 { return "[redacted]" }
func (secret) GoString() string               { return `"[redacted]"` }
func (s secret) Format(f fmt.State, _ rune)   { fmt.Fprint(f, "[redacted]") }
func (s secret) MarshalText() ([]byte, error) { return []byte("[redacted]"), nil }

// credentials holds one of the two schemes.
type credentials struct {
	simpleKey secret      // WithSimpleKey
	bearer    secret      // WithBearerToken: a fixed access token
	tokens    *tokenCache // WithTokenSource
	red       *redactor   // of simpleKey or bearer
	// budgetID identifies the credential in the registry of shared budgets
	// (budget_registry.go): a keyed hash or the TokenSource, never the
	// secret; nil for a budget of the client's own.
	budgetID any
}

func (c credentials) set() bool { return c.simpleKey != "" || c.bearer != "" || c.tokens != nil }

func (c credentials) scheme() string {
	switch {
	case c.simpleKey != "":
		return "simple key"
	case c.bearer != "" || c.tokens != nil:
		return "oauth2"
	}
	return "none"
}

// Format keeps the credentials out of any %v or %+v of a containing value.
func (c credentials) Format(f fmt.State, _ rune) { fmt.Fprintf(f, "{%s}", c.scheme()) }

// apply sets the auth header on an outgoing request to the API host, and
// returns the redactor of the credential it sent. Waiting for a token ends
// with ctx; the error then wraps ctx's.
func (c credentials) apply(ctx context.Context, req *http.Request) (*redactor, error) {
	switch {
	case c.simpleKey != "":
		req.Header.Set(headerSimpleKey, string(c.simpleKey))
		return c.red, nil
	case c.bearer != "":
		req.Header.Set(headerAuthorization, "Bearer "+string(c.bearer))
		return c.red, nil
	}
	tok, red, err := c.tokens.token(ctx)
	if err != nil {
		return red, fmt.Errorf("getting OAuth 2 token: %w", err)
	}
	req.Header.Set(headerAuthorization, "Bearer "+tok.AccessToken)
	return red, nil
}

// current is the redactor of the credential the client holds now.
func (c credentials) current() *redactor {
	if c.tokens != nil {
		return c.tokens.redactor()
	}
	return c.red
}

// checkCredential refuses a key or token that net/http could not send as a
// header value, or that a server would read differently: the error names
// the option (arg) and never quotes the value.
func checkCredential(arg, what, v string) error {
	reason := ""
	switch {
	case v == "":
		reason = what + " is empty"
	case headerValueProblem(v) != "":
		reason = what + " " + headerValueProblem(v)
	default:
		return nil
	}
	return &ArgumentError{Operation: "NewClient", Argument: arg, Reason: reason}
}

// stripCredentials removes both auth headers.
func stripCredentials(h http.Header) {
	h.Del(headerSimpleKey)
	h.Del(headerAuthorization)
}

// maxRedirects matches net/http's own limit.
const maxRedirects = 10

// guardRedirects returns a copy of hc whose redirect policy drops the
// credentials when a redirect leaves the API's scheme and host. net/http
// already drops Authorization across domains but forwards custom headers
// such as x-ultracart-simple-key, so both are removed here.
func guardRedirects(hc *http.Client, scheme, host string) *http.Client {
	cp := *hc
	next := hc.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != scheme || req.URL.Host != host {
			stripCredentials(req.Header)
		}
		if next != nil {
			err := next(req, via)
			if err == nil || err == http.ErrUseLastResponse { // net/http compares with ==
				return err
			}
			return &redirectError{err}
		}
		if len(via) >= maxRedirects {
			return &redirectError{fmt.Errorf("stopped after %d redirects", maxRedirects)}
		}
		return nil
	}
	return &cp
}

// redirectError is a redirect the client would not follow (a loop, too many
// hops, or the caller's CheckRedirect refusing). Following the same
// redirects again would end the same way, so it is never retried.
type redirectError struct{ err error }

func (e *redirectError) Error() string { return e.err.Error() }
func (e *redirectError) Unwrap() error { return e.err }
