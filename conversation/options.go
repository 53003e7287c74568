package conversation

import (
	"errors"
	"log/slog"
	"net/http"

	"golang.org/x/oauth2"
)

// Option configures a Client. Options are applied in order; a later one wins.
type Option func(*config) error

type config struct {
	creds          credentials
	baseURL        string
	baseURLArg     string // the option or environment variable that set baseURL
	httpClient     *http.Client
	userAgent      string
	apiVersion     string
	retryer        Retryer
	logger         *slog.Logger
	maxRespBytes   int64
	allowPlainHTTP bool
	observer       Observer
	budget         budgetConfig
}

// WithSimpleKey authenticates with an UltraCart simple API key, sent as the
// x-ultracart-simple-key header. A key that cannot be sent as a header value
// as it is (with a CR, LF or other control character, or white space at
// either end, as a key read from a file often has) is refused with an
// *ArgumentError: every call would fail.
func WithSimpleKey(key string) Option { return simpleKeyOption("WithSimpleKey", key) }

func simpleKeyOption(arg, key string) Option {
	return func(c *config) error {
		if err := checkCredential(arg, "key", key); err != nil {
			return err
		}
		c.creds = credentials{simpleKey: secret(key), red: newRedactor(key), budgetID: fingerprint("simple key", key)}
		return nil
	}
}

// WithBearerToken authenticates with a fixed OAuth 2 access token, sent as
// "Authorization: Bearer <token>". Use WithTokenSource for tokens that
// expire. A token that cannot be sent as a header value is refused, as by
// WithSimpleKey.
func WithBearerToken(token string) Option { return bearerOption("WithBearerToken", token) }

func bearerOption(arg, token string) Option {
	return func(c *config) error {
		if err := checkCredential(arg, "token", token); err != nil {
			return err
		}
		c.creds = credentials{bearer: secret(token), red: newRedactor(token), budgetID: fingerprint("bearer", token)}
		return nil
	}
}

// WithTokenSource authenticates with OAuth 2 access tokens from ts, which
// may refresh them. Tokens are cached until they expire. A refresh never
// holds a call past its context: ts is called on a goroutine of its own (at
// most one at a time per client, shared by the calls that need it), and a
// call whose context ends first returns while the refresh goes on; its
// token is kept for the next call. A token ts returns that cannot be sent
// (empty, or with control characters), and a grant its token endpoint
// refuses (an oauth2.RetrieveError with an RFC 6749 error code, or a 400,
// 401 or 403), fail the call without retries.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *config) error {
		if ts == nil {
			return &ArgumentError{Operation: "NewClient", Argument: "WithTokenSource", Reason: "token source is nil"}
		}
		c.creds = credentials{tokens: newTokenCache(ts), budgetID: tokenSourceID(ts)}
		return nil
	}
}

// WithBaseURL sets the service's base URL, e.g. a test server's. The default
// is DefaultBaseURL. A plain http:// URL is accepted only for a loopback host,
// unless WithInsecureHTTP is also given. NewClient refuses a URL longer than
// MaxBaseURLBytes, and one with user info, a query or a fragment (where
// secrets hide: the error names the part, never its content).
func WithBaseURL(u string) Option { return baseURLOption("WithBaseURL", u) }

// baseURLOption records u and where it came from (arg: the option or the
// environment variable), for NewClient's checks to name.
func baseURLOption(arg, u string) Option {
	return func(c *config) error {
		c.baseURL, c.baseURLArg = u, arg
		return nil
	}
}

// WithInsecureHTTP allows a plain http:// base URL for a host that is not
// loopback. Credentials then cross the network in clear text.
func WithInsecureHTTP() Option {
	return func(c *config) error {
		c.allowPlainHTTP = true
		return nil
	}
}

// WithHTTPClient sets the HTTP client. The Client uses a copy of it whose
// redirect policy also strips credentials on a redirect to another host; its
// transport and timeout are used as they are.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("WithHTTPClient: client is nil")
		}
		c.httpClient = hc
		return nil
	}
}

// WithUserAgent sets the User-Agent header (default: this module and
// version). A value longer than MaxUserAgentBytes, or that cannot be sent as
// a header value, is refused with an *ArgumentError.
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		if p := headerValueProblemMax(ua, MaxUserAgentBytes); p != "" {
			return &ArgumentError{Operation: "NewClient", Argument: "WithUserAgent", Reason: "user agent " + p}
		}
		c.userAgent = ua
		return nil
	}
}

// WithAPIVersion sets the X-UltraCart-Api-Version header (default
// DefaultAPIVersion). An empty value, one longer than MaxAPIVersionBytes, or
// one that cannot be sent as a header value, is refused with an
// *ArgumentError.
func WithAPIVersion(v string) Option { return apiVersionOption("WithAPIVersion", v) }

// apiVersionOption is WithAPIVersion, its errors naming arg (the option or
// the environment variable).
func apiVersionOption(arg, v string) Option {
	return func(c *config) error {
		reason := "version is empty"
		if v != "" {
			reason = headerValueProblemMax(v, MaxAPIVersionBytes)
			if reason == "" {
				c.apiVersion = v
				return nil
			}
			reason = "version " + reason
		}
		return &ArgumentError{Operation: "NewClient", Argument: arg, Reason: reason}
	}
}

// WithRetryPolicy sets how failed calls are retried; zero fields take the
// defaults of DefaultRetryPolicy. A negative field is refused with an
// *ArgumentError naming it, as WithBudget refuses a negative figure.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *config) error {
		if err := p.validate("WithRetryPolicy"); err != nil {
			return err
		}
		c.retryer = p.withDefaults()
		return nil
	}
}

// WithRetryer plugs in a custom retry decision. The client still never
// retries a call whose failure leaves it unknown whether the service acted.
// A RetryPolicy given here is checked as by WithRetryPolicy.
func WithRetryer(r Retryer) Option {
	return func(c *config) error {
		if r == nil {
			return errors.New("WithRetryer: retryer is nil")
		}
		var err error
		switch p := r.(type) {
		case RetryPolicy:
			err = p.validate("WithRetryer")
		case *RetryPolicy:
			if p != nil {
				err = p.validate("WithRetryer")
			}
		}
		if err != nil {
			return err
		}
		c.retryer = r
		return nil
	}
}

// WithoutRetries makes every call a single attempt.
func WithoutRetries() Option { return WithRetryer(noRetry{}) }

// WithLogger sets where retries and other events are logged, at debug level.
// Nothing logged contains a credential. The default discards everything.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("WithLogger: logger is nil")
		}
		c.logger = l
		return nil
	}
}

// MaxResponseBytesCeiling is the largest bound WithMaxResponseBytes sets: a
// larger value (math.MaxInt64 included, for "no limit") is taken as 1 GiB.
// The client holds a body in memory whole before decoding it, and no
// response of this API comes near that size.
const MaxResponseBytesCeiling = 1 << 30

// WithMaxResponseBytes bounds the size of a response body the client reads
// (default DefaultMaxResponseBytes); a larger body fails with
// ErrResponseTooLarge. A value above MaxResponseBytesCeiling is taken as the
// ceiling; zero or a negative value is refused.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return &ArgumentError{Operation: "NewClient", Argument: "WithMaxResponseBytes", Reason: "size must be positive"}
		}
		c.maxRespBytes = min(n, MaxResponseBytesCeiling)
		return nil
	}
}
