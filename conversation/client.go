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
	u, err := checkBaseURL(cfg.baseURL, cfg.allowPlainHTTP)
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
// applied after the environment and so override it.
func NewClientFromEnv(opts ...Option) (*Client, error) {
	var env []Option
	if v := os.Getenv(EnvSimpleKey); v != "" {
		env = append(env, simpleKeyOption(EnvSimpleKey, v))
	} else if v := os.Getenv(EnvBearerToken); v != "" {
		env = append(env, bearerOption(EnvBearerToken, v))
	}
	if v := os.Getenv(EnvBaseURL); v != "" {
		env = append(env, WithBaseURL(v))
	}
	if v := os.Getenv(EnvAPIVersion); v != "" {
		env = append(env, WithAPIVersion(v))
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
// holds credentials, which must never reach a log.
func (c *Client) Format(f fmt.State, _ rune) { fmt.Fprint(f, c.String()) }

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
// requests.
func checkBaseURL(raw string, allowPlainHTTP bool) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the whole URL, password included: keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("conversation: base URL: %w", err)
	}
	switch {
	case u.User != nil: // first, so that no message below quotes a password
		return nil, errors.New("conversation: base URL must not contain user info")
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("conversation: base URL %q: scheme must be https", raw)
	case u.Host == "":
		return nil, fmt.Errorf("conversation: base URL %q: no host", raw)
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("conversation: base URL %q: must not have a query or fragment", raw)
	case u.Scheme == "http" && !allowPlainHTTP && !isLoopback(u.Hostname()):
		return nil, fmt.Errorf("conversation: base URL %q: plain http is allowed only for loopback hosts (use WithInsecureHTTP to override)", raw)
	}
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
