package conversation

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Defaults of a new Client.
const (
	DefaultBaseURL          = "https://secure.ultracart.com/rest/v2"
	DefaultAPIVersion       = "2017-03-01"
	DefaultMaxResponseBytes = 32 << 20
	// Version is this module's version, sent in the default User-Agent.
	Version = "0.2.0"
)

// Client calls the UltraCart Conversation API. Create it with NewClient; it
// is safe for concurrent use by many goroutines and should be reused, since
// it holds the connection pool.
type Client struct {
	server       string // base URL with a trailing slash, as the generated builders need
	scheme, host string
	// creds is behind a func because fmt shows a func only as an address:
	// no verb can print the credential, even of a Client value or of a
	// struct that holds one (fmt cannot call Format on unexported fields).
	creds        func() credentials
	hc           *http.Client
	userAgent    string
	apiVersion   string
	retryer      Retryer
	logger       *slog.Logger
	maxRespBytes int64
	observer     Observer
	limiter      Limiter      // nil: WithoutBudget
	budget       *budgetEntry // the shared budget limiter comes from, if it does
}

// NewClient returns a client configured by opts. A credential is required:
// WithSimpleKey, WithBearerToken or WithTokenSource.
func NewClient(opts ...Option) (*Client, error) {
	cfg := config{
		baseURL:      DefaultBaseURL,
		baseURLArg:   "WithBaseURL",
		userAgent:    defaultUserAgent(),
		apiVersion:   DefaultAPIVersion,
		retryer:      DefaultRetryPolicy,
		maxRespBytes: DefaultMaxResponseBytes,
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			var argErr *ArgumentError
			if errors.As(err, &argErr) {
				return nil, err // already says "conversation: NewClient: ..."
			}
			return nil, fmt.Errorf("conversation: %w", err)
		}
	}
	if !cfg.creds.set() {
		return nil, errors.New("conversation: no credentials: use WithSimpleKey, WithBearerToken or WithTokenSource (or ULTRACART_SIMPLE_KEY with NewClientFromEnv)")
	}
	u, err := checkBaseURL(cfg.baseURL, cfg.baseURLArg, cfg.allowPlainHTTP)
	if err != nil {
		return nil, err
	}
	hc := cfg.httpClient
	if hc == nil {
		hc = &http.Client{Transport: newTransport()}
	}
	logger := cfg.logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	creds := cfg.creds
	c := &Client{
		server:       strings.TrimSuffix(u.String(), "/") + "/",
		scheme:       u.Scheme,
		host:         u.Host,
		creds:        func() credentials { return creds },
		hc:           guardRedirects(hc, u.Scheme, u.Host),
		userAgent:    cfg.userAgent,
		apiVersion:   cfg.apiVersion,
		retryer:      cfg.retryer,
		logger:       logger,
		maxRespBytes: cfg.maxRespBytes,
		observer:     cfg.observer,
	}
	if err := c.setBudget(cfg.budget, u.Host); err != nil {
		return nil, fmt.Errorf("conversation: %w", err)
	}
	return c, nil
}

// Environment variables read by NewClientFromEnv.
const (
	EnvSimpleKey   = "ULTRACART_SIMPLE_KEY"
	EnvBearerToken = "ULTRACART_BEARER_TOKEN"
	EnvBaseURL     = "ULTRACART_BASE_URL"
	EnvAPIVersion  = "ULTRACART_API_VERSION"
)

// NewClientFromEnv is NewClient configured from the environment, for
// command-line tools: ULTRACART_SIMPLE_KEY or ULTRACART_BEARER_TOKEN,
// and optionally ULTRACART_BASE_URL and ULTRACART_API_VERSION. opts are
// applied after the environment and so override it. A value the options
// would refuse is refused the same way, the *ArgumentError naming the
// variable (never its value).
func NewClientFromEnv(opts ...Option) (*Client, error) {
	var env []Option
	if v := os.Getenv(EnvSimpleKey); v != "" {
		env = append(env, simpleKeyOption(EnvSimpleKey, v))
	} else if v := os.Getenv(EnvBearerToken); v != "" {
		env = append(env, bearerOption(EnvBearerToken, v))
	}
	if v := os.Getenv(EnvBaseURL); v != "" {
		env = append(env, baseURLOption(EnvBaseURL, v))
	}
	if v := os.Getenv(EnvAPIVersion); v != "" {
		env = append(env, apiVersionOption(EnvAPIVersion, v))
	}
	return NewClient(append(env, opts...)...)
}

// BaseURL returns the base URL the client calls, without a trailing slash.
func (c *Client) BaseURL() string { return strings.TrimSuffix(c.server, "/") }

// String describes the client without its credentials.
func (c *Client) String() string {
	return fmt.Sprintf("conversation.Client{base: %s, auth: %s}", c.BaseURL(), c.creds().scheme())
}

// Format makes every verb, %+v and %#v included, print String: the client
// holds credentials, which must never reach a log. Its receiver is a value
// so that a Client value (*c) prints the same way: without Format, fmt
// would walk the value's fields, and a verb such as %s follows their
// pointers into state other goroutines change (a shared budget's count of
// its clients, decremented by the runtime's cleanup goroutine), which is
// a data race.
func (c Client) Format(f fmt.State, _ rune) { fmt.Fprint(f, c.String()) }

func defaultUserAgent() string {
	return "ultracart-go-conversation/" + Version + " (" + runtime.Version() + ")"
}

// DefaultMaxConnsPerHost caps the connections the default transport opens to
// the API host. Calls beyond it wait for a free connection instead of dialing
// another: the service is rate limited, so more parallelism buys nothing, and
// without a cap net/http dials extra connections whenever a caller asks again
// a moment before its previous connection is back in the pool. Pass your own
// client with WithHTTPClient to change it.
const DefaultMaxConnsPerHost = 64

// newTransport is http.DefaultTransport with a pool sized for concurrent use:
// net/http keeps only 2 idle connections per host by default, so a burst of
// concurrent calls would open and close connections.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = DefaultMaxConnsPerHost
	t.MaxConnsPerHost = DefaultMaxConnsPerHost
	t.IdleConnTimeout = 90 * time.Second
	return t
}

// checkBaseURL refuses base URLs that would leak credentials or misroute
// requests, with an *ArgumentError naming arg (the option or environment
// variable that set raw). A secret may hide in the user info, the query or
// the fragment, so no message quotes raw: they show at most the scheme, host
// and path (safeURL), and a parse error only its kind.
func checkBaseURL(raw, arg string, allowPlainHTTP bool) (*url.URL, error) {
	refuse := func(reason string) (*url.URL, error) {
		return nil, &ArgumentError{Operation: "NewClient", Argument: arg, Reason: reason}
	}
	if len(raw) > MaxBaseURLBytes {
		return refuse(fmt.Sprintf("base URL must not be longer than %d bytes", MaxBaseURLBytes))
	}
	u, err := url.Parse(raw)
	if err != nil {
		return refuse("base URL cannot be parsed: " + parseProblem(err))
	}
	switch {
	case u.User != nil: // first, so that no message below can quote a password
		return refuse("base URL must not contain user info")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.RawFragment != "":
		return refuse("base URL " + safeURL(u) + " must not have a query or fragment")
	case u.Scheme != "https" && u.Scheme != "http":
		return refuse("base URL " + safeURL(u) + ": scheme must be https")
	case u.Host == "":
		return refuse("base URL " + safeURL(u) + ": no host")
	case u.Scheme == "http" && !allowPlainHTTP && !isLoopback(u.Hostname()):
		return refuse("base URL " + safeURL(u) + ": plain http is allowed only for loopback hosts (use WithInsecureHTTP to override)")
	}
	return u, nil
}

// safeURL shows u's scheme, host and path, quoted: never its user info,
// query or fragment.
func safeURL(u *url.URL) string {
	s := u.Host + u.EscapedPath()
	if u.Scheme != "" {
		s = u.Scheme + "://" + s
	}
	return strconv.Quote(s)
}

// parseProblem names the kind of a url.Parse failure without the part of
// the URL the failure quotes (an escape or a port may be a piece of a
// secret).
func parseProblem(err error) string {
	var escErr url.EscapeError
	var hostErr url.InvalidHostError
	switch {
	case errors.As(err, &escErr):
		return "invalid percent-escape"
	case errors.As(err, &hostErr):
		return "invalid character in host"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if msg := err.Error(); !strings.ContainsAny(msg, `"'`) {
		return msg // a fixed message, such as "missing protocol scheme"
	}
	return "malformed URL"
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
