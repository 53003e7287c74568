package conversation

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func TestNewClientDefaults(t *testing.T) {
	c, err := NewClient(WithSimpleKey(testKey))
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != DefaultBaseURL || c.server != DefaultBaseURL+"/" {
		t.Errorf("base %q server %q", c.BaseURL(), c.server)
	}
	if c.apiVersion != "2017-03-01" || c.retryer != DefaultRetryPolicy || c.maxRespBytes != DefaultMaxResponseBytes {
		t.Errorf("defaults %+v", *c)
	}
	if !strings.HasPrefix(c.userAgent, "ultracart-go-conversation/"+Version+" (go") {
		t.Errorf("User-Agent %q", c.userAgent)
	}
	// A nil option is skipped; a trailing slash is trimmed.
	c, err = NewClient(nil, WithSimpleKey(testKey), WithBaseURL("https://example.com/rest/v2/"), nil)
	if err != nil || c.BaseURL() != "https://example.com/rest/v2" {
		t.Errorf("%v %v", c, err)
	}
	// A later credential wins.
	c, err = NewClient(WithSimpleKey(testKey), WithBearerToken(testToken))
	if err != nil || c.creds().simpleKey != "" || c.creds().scheme() != "oauth2" {
		t.Errorf("later option did not win: %v %v", c, err)
	}
}

// TestNewClientRefuses: missing credentials, bad options and base URLs that
// would leak the credential or misroute requests.
func TestNewClientRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []Option
		want string
	}{
		{"no_credentials", nil, "no credentials"},
		{"only_base_url", []Option{WithBaseURL("https://example.com")}, "no credentials"},
		{"empty_key", []Option{WithSimpleKey("")}, "key is empty"},
		{"empty_token", []Option{WithBearerToken("")}, "token is empty"},
		{"nil_token_source", []Option{WithTokenSource(nil)}, "token source is nil"},
		{"nil_http_client", []Option{WithSimpleKey(testKey), WithHTTPClient(nil)}, "client is nil"},
		{"nil_retryer", []Option{WithSimpleKey(testKey), WithRetryer(nil)}, "retryer is nil"},
		{"nil_logger", []Option{WithSimpleKey(testKey), WithLogger(nil)}, "logger is nil"},
		{"empty_api_version", []Option{WithSimpleKey(testKey), WithAPIVersion("")}, "version is empty"},
		{"zero_max_response", []Option{WithSimpleKey(testKey), WithMaxResponseBytes(0)}, "must be positive"},
		{"plain_http", []Option{WithSimpleKey(testKey), WithBaseURL("http://secure.ultracart.com/rest/v2")}, "plain http"},
		{"plain_http_private_ip", []Option{WithSimpleKey(testKey), WithBaseURL("http://10.0.0.1/rest/v2")}, "plain http"},
		{"plain_http_localhost_lookalike", []Option{WithSimpleKey(testKey), WithBaseURL("http://localhost.example.com")}, "plain http"},
		{"userinfo", []Option{WithSimpleKey(testKey), WithBaseURL("https://user:hunter2@secure.ultracart.com/rest/v2")}, "user info"},
		{"userinfo_no_password", []Option{WithSimpleKey(testKey), WithBaseURL("https://user@secure.ultracart.com")}, "user info"},
		{"userinfo_loopback", []Option{WithSimpleKey(testKey), WithBaseURL("http://u:hunter2@127.0.0.1:8080")}, "user info"},
		{"userinfo_bad_scheme", []Option{WithSimpleKey(testKey), WithBaseURL("ftp://user:hunter2@secure.ultracart.com")}, "user info"},
		{"userinfo_malformed", []Option{WithSimpleKey(testKey), WithBaseURL("https://user:hunter2@secure.ultracart.com/%zz")}, "base URL"},
		{"ftp", []Option{WithSimpleKey(testKey), WithBaseURL("ftp://example.com")}, "scheme"},
		{"no_scheme", []Option{WithSimpleKey(testKey), WithBaseURL("secure.ultracart.com/rest/v2")}, "scheme"},
		{"no_host", []Option{WithSimpleKey(testKey), WithBaseURL("https:///rest/v2")}, "no host"},
		{"query", []Option{WithSimpleKey(testKey), WithBaseURL("https://example.com/rest/v2?x=1")}, "query"},
		{"fragment", []Option{WithSimpleKey(testKey), WithBaseURL("https://example.com/rest/v2#x")}, "fragment"},
		{"malformed", []Option{WithSimpleKey(testKey), WithBaseURL("https://exa mple.com/%zz")}, "base URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewClient(tc.opts...)
			if err == nil {
				t.Fatalf("NewClient accepted: %v", c)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %q, want it to mention %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("err %q shows the base URL's password", err)
			}
			noSecret(t, err)
		})
	}
}

func TestNewClientAccepts(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []Option
	}{
		{"https", []Option{WithBaseURL("https://secure.ultracart.com/rest/v2")}},
		{"http_127", []Option{WithBaseURL("http://127.0.0.1:8080/rest/v2")}},
		{"http_127_other", []Option{WithBaseURL("http://127.1.2.3:8080")}},
		{"http_localhost", []Option{WithBaseURL("http://localhost:8080")}},
		{"http_LOCALHOST", []Option{WithBaseURL("http://LOCALHOST")}},
		{"http_ipv6_loopback", []Option{WithBaseURL("http://[::1]:8080/rest/v2")}},
		{"http_insecure", []Option{WithBaseURL("http://10.0.0.1/rest/v2"), WithInsecureHTTP()}},
		{"http_insecure_first", []Option{WithInsecureHTTP(), WithBaseURL("http://uc.internal")}},
		{"bearer", []Option{WithBearerToken(testToken)}},
		{"token_source", []Option{WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: testToken}))}},
		{"all_options", []Option{WithHTTPClient(&http.Client{Timeout: time.Second}), WithUserAgent("x"), WithAPIVersion("2017-03-01"),
			WithRetryPolicy(RetryPolicy{MaxAttempts: 2}), WithMaxResponseBytes(1 << 10), WithoutRetries()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewClient(append([]Option{WithSimpleKey(testKey)}, tc.opts...)...); err != nil {
				t.Errorf("NewClient: %v", err)
			}
		})
	}
}

// TestNewClientFromEnv reads the key or token, base URL and API version from
// the environment; options override it.
func TestNewClientFromEnv(t *testing.T) {
	srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(204) })

	t.Run("simple_key", func(t *testing.T) {
		t.Setenv(EnvSimpleKey, testKey)
		t.Setenv(EnvBearerToken, testToken) // the key wins
		t.Setenv(EnvBaseURL, srv.URL+basePath)
		t.Setenv(EnvAPIVersion, "2099-12-31")
		c, err := NewClientFromEnv()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.GetAgentKeepAlive(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		r := rc.last(t)
		if r.Header.Get("X-Ultracart-Simple-Key") != testKey || r.Header.Get("Authorization") != "" ||
			r.Header.Get("X-Ultracart-Api-Version") != "2099-12-31" || r.Path != basePath+"/conversation/agent/keepalive" {
			t.Errorf("request %+v", r)
		}
	})
	t.Run("bearer", func(t *testing.T) {
		t.Setenv(EnvSimpleKey, "")
		t.Setenv(EnvBearerToken, testToken)
		t.Setenv(EnvBaseURL, srv.URL)
		t.Setenv(EnvAPIVersion, "")
		c, err := NewClientFromEnv()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.GetAgentKeepAlive(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		r := rc.last(t)
		if r.Header.Get("Authorization") != "Bearer "+testToken || r.Header.Get("X-Ultracart-Simple-Key") != "" ||
			r.Header.Get("X-Ultracart-Api-Version") != DefaultAPIVersion {
			t.Errorf("request %+v", r)
		}
	})
	t.Run("options_override", func(t *testing.T) {
		t.Setenv(EnvSimpleKey, "env-key")
		t.Setenv(EnvBaseURL, "https://wrong.example.com")
		c, err := NewClientFromEnv(WithBaseURL(srv.URL), WithSimpleKey(testKey))
		if err != nil {
			t.Fatal(err)
		}
		if c.BaseURL() != srv.URL || string(c.creds().simpleKey) != testKey {
			t.Errorf("client %v", c)
		}
	})
	t.Run("nothing_set", func(t *testing.T) {
		t.Setenv(EnvSimpleKey, "")
		t.Setenv(EnvBearerToken, "")
		t.Setenv(EnvBaseURL, "")
		if _, err := NewClientFromEnv(); err == nil || !strings.Contains(err.Error(), EnvSimpleKey) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("bad_base_url", func(t *testing.T) {
		t.Setenv(EnvSimpleKey, testKey)
		t.Setenv(EnvBaseURL, "http://example.com")
		if _, err := NewClientFromEnv(); err == nil {
			t.Error("plain http from the environment accepted")
		}
	})
}

// TestClientFormatting: no verb prints a credential.
func TestClientFormatting(t *testing.T) {
	clients := map[string]*Client{}
	for _, am := range authModes {
		opts, _ := am.opts()
		c, err := NewClient(append([]Option{WithSimpleKey(testKey)}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		clients[am.name] = c
	}
	ts := &countingTokenSource{ttl: time.Hour}
	c, _ := NewClient(WithTokenSource(ts))
	_, _, _ = c.creds().tokens.token(context.Background()) // a cached token is in the client now
	clients["token_source_cached"] = c

	for name, c := range clients {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%T", "%p", "%d"} {
			for what, v := range map[string]any{"pointer": c, "value": *c, "creds": c.creds(), "in_struct": struct{ C *Client }{c}} {
				if what == "creds" && verb == "%p" {
					continue // fmt handles %p before Format; credentials never leave the package
				}
				s := fmt.Sprintf(verb, v)
				for _, secret := range []string{testKey, testToken, testTokenPrefix, hexOf(testKey), hexOf(testToken)} {
					if strings.Contains(s, secret) {
						t.Errorf("%s: Sprintf(%q, %s) shows a credential: %s", name, verb, what, s)
					}
				}
			}
		}
		if s := c.String(); !strings.Contains(s, DefaultBaseURL) || !strings.Contains(s, c.creds().scheme()) {
			t.Errorf("%s: String() = %q", name, s)
		}
		// A value prints as the pointer does: fmt never walks its fields
		// (which would follow pointers into state other goroutines change).
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			if got := fmt.Sprintf(verb, *c); got != c.String() {
				t.Errorf("%s: Sprintf(%q, value) = %q, want String()", name, verb, got)
			}
		}
	}
	if s := fmt.Sprintf("%v", clients["simple_key"]); s != "conversation.Client{base: "+DefaultBaseURL+", auth: simple key}" {
		t.Errorf("%%v = %q", s)
	}
	k := secret(testKey)
	b, _ := k.MarshalText()
	for _, s := range []string{k.String(), k.GoString(), fmt.Sprintf("%v %+v %#v %s %q %x", k, k, k, k, k, k), string(b)} {
		if strings.Contains(s, testKey) || strings.Contains(s, hexOf(testKey)) {
			t.Errorf("secret shows itself: %s", s)
		}
	}
	if (credentials{}).scheme() != "none" {
		t.Error("empty credentials")
	}
}

func hexOf(s string) string { return fmt.Sprintf("%x", s) }

// TestOptionErrorsWrapped: an option's error names the package.
func TestOptionErrorsWrapped(t *testing.T) {
	_, err := NewClient(WithSimpleKey(testKey), func(*config) error { return errors.New("custom failure") })
	if err == nil || !strings.HasPrefix(err.Error(), "conversation: ") || !strings.Contains(err.Error(), "custom failure") {
		t.Errorf("err = %v", err)
	}
}

// TestConnectionReuse: the default transport keeps enough idle connections
// per host for a burst of concurrent calls to reuse them (net/http's default
// keeps 2, which would open ~30 new connections per burst).
func TestConnectionReuse(t *testing.T) {
	var newConns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(5 * time.Millisecond) // keep the calls overlapping
		w.WriteHeader(http.StatusNoContent)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			newConns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)

	c, err := NewClient(WithSimpleKey(testKey), WithBaseURL(srv.URL), WithoutBudget()) // concurrency is the point
	if err != nil {
		t.Fatal(err)
	}
	const concurrent, rounds = 32, 5
	ctx := ctxT(t)
	for range rounds {
		var wg sync.WaitGroup
		errs := make(chan error, concurrent)
		for range concurrent {
			wg.Go(func() {
				if err := c.GetAgentKeepAlive(ctx); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	}
	// The first round opens up to 32; later rounds reuse them. Allow plenty
	// of slack for scheduling, far below the 32*5 of no reuse.
	if n := newConns.Load(); n > 2*concurrent {
		t.Errorf("%d connections for %d calls, want at most %d", n, concurrent*rounds, 2*concurrent)
	}
	if tr, ok := c.hc.Transport.(*http.Transport); !ok {
		t.Errorf("default transport is %T", c.hc.Transport)
	} else if tr.MaxIdleConnsPerHost < concurrent {
		t.Errorf("transport keeps %d idle connections per host", tr.MaxIdleConnsPerHost)
	}
}

// TestDefaultTransportCapsConnections: more concurrent calls than
// DefaultMaxConnsPerHost wait for a connection instead of dialing more:
// the connections open at once, counted where the client dials and closes
// them, never exceed the cap. (How many were opened in all is logged: a
// connection the pool cannot keep is closed and another dialed later,
// which the cap allows.)
func TestDefaultTransportCapsConnections(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(2 * time.Millisecond) // keep calls overlapping
		w.WriteHeader(204)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(WithSimpleKey(testKey), WithBaseURL(srv.URL+basePath), WithoutBudget()) // concurrency is the point
	if err != nil {
		t.Fatal(err)
	}
	tr, ok := c.hc.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("default transport is %T", c.hc.Transport)
	}
	if tr.MaxConnsPerHost != DefaultMaxConnsPerHost {
		t.Errorf("MaxConnsPerHost = %d, want %d", tr.MaxConnsPerHost, DefaultMaxConnsPerHost)
	}
	conns := &openConns{dial: tr.DialContext}
	tr.DialContext = conns.DialContext // before the first call: the transport is the client's alone
	t.Cleanup(tr.CloseIdleConnections)
	var wg sync.WaitGroup
	for range 2 * DefaultMaxConnsPerHost {
		wg.Go(func() {
			for range 3 {
				if err := c.GetAgentKeepAlive(context.Background()); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	most, opened := conns.stats()
	t.Logf("MEASURE connections: at most %d open at once, %d opened in all, for %d workers", most, opened, 2*DefaultMaxConnsPerHost)
	if most > DefaultMaxConnsPerHost {
		t.Errorf("%d connections open at once for %d workers, want at most %d", most, 2*DefaultMaxConnsPerHost, DefaultMaxConnsPerHost)
	}
	if most < 2 {
		t.Errorf("at most %d connection open at once: the calls did not overlap, the cap was not tested", most)
	}
}

// openConns wraps a dialer to count the connections it opened that are not
// closed yet, and the most at once.
type openConns struct {
	dial func(ctx context.Context, network, addr string) (net.Conn, error)

	mu                 sync.Mutex
	open, most, opened int
}

func (o *openConns) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	conn, err := o.dial(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	o.mu.Lock()
	o.open++
	o.opened++
	o.most = max(o.most, o.open)
	o.mu.Unlock()
	return &countedConn{Conn: conn, o: o}, nil
}

func (o *openConns) stats() (most, opened int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.most, o.opened
}

// countedConn counts itself closed once, however often Close is called.
type countedConn struct {
	net.Conn
	o    *openConns
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() {
		c.o.mu.Lock()
		c.o.open--
		c.o.mu.Unlock()
	})
	return c.Conn.Close()
}
