package conversation

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// TestMaxResponseBytesHuge: any positive bound works, math.MaxInt64
// included (the read limit is bound+1, which overflowed): a larger one is
// taken as MaxResponseBytesCeiling.
func TestMaxResponseBytesHuge(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSON(w, 200, `{"success":true,"conversations":[{"conversation_uuid":"c0"}]}`)
	})
	for _, n := range []int64{math.MaxInt64, math.MaxInt64 - 1, 1 << 62, MaxResponseBytesCeiling + 1, MaxResponseBytesCeiling, 1 << 20} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			c := newClient(t, srv, WithMaxResponseBytes(n))
			page, err := c.GetConversations(ctxT(t), nil)
			if err != nil || len(page.Items) != 1 {
				t.Fatalf("%v, %v", page, err)
			}
			if c.maxRespBytes != min(n, MaxResponseBytesCeiling) {
				t.Errorf("bound %d", c.maxRespBytes)
			}
		})
	}
	for _, n := range []int64{0, -1, math.MinInt64} {
		var ae *ArgumentError
		if _, err := NewClient(WithSimpleKey(testKey), WithMaxResponseBytes(n)); !errors.As(err, &ae) || ae.Argument != "WithMaxResponseBytes" {
			t.Errorf("%d: err = %v, want an *ArgumentError", n, err)
		}
	}
}

// secretPart is what the base URLs below hide in their user info, query or
// fragment: no error may show it.
const secretPart = "s3cr3t-T0KEN-in-url"

// TestBaseURLSecretNeverQuoted: a base URL with a secret in its user info,
// query or fragment, well formed or not, given by option or by
// ULTRACART_BASE_URL, is refused with an *ArgumentError naming where it
// came from, and no text of the error (Error, %v, %+v, %#v) shows the
// secret.
func TestBaseURLSecretNeverQuoted(t *testing.T) {
	for _, u := range []string{
		"https://example.com/rest/v2?key=" + secretPart,
		"https://example.com/rest/v2?" + secretPart,
		"https://example.com/rest/v2#" + secretPart,
		"https://example.com/rest/v2#access_token=" + secretPart + "&x=%zz",
		"https://example.com/rest/v2?key=" + secretPart + "#frag",
		"https://user:" + secretPart + "@example.com/rest/v2",
		"https://" + secretPart + "@example.com",
		"http://example.com/rest/v2?key=" + secretPart,   // plain http too
		"ftp://example.com/rest/v2?key=" + secretPart,    // a bad scheme too
		"https:///rest/v2?key=" + secretPart,             // no host too
		"https://example.com/%zz?key=" + secretPart,      // malformed path
		"https://exa mple.com/?key=" + secretPart,        // malformed host
		"https://example.com:" + secretPart + "/rest/v2", // a port that is not one
		"https://example.com/rest/v2?key=" + secretPart + "\n",
		"example.com/rest/v2?key=" + secretPart,
		"https:" + secretPart,
	} {
		for _, fromEnv := range []bool{false, true} {
			name := fmt.Sprintf("%q/env=%v", u, fromEnv)
			var err error
			if fromEnv {
				t.Setenv(EnvSimpleKey, testKey)
				t.Setenv(EnvBaseURL, u)
				_, err = NewClientFromEnv()
			} else {
				_, err = NewClient(WithSimpleKey(testKey), WithBaseURL(u))
			}
			if err == nil {
				t.Errorf("%s: accepted", name)
				continue
			}
			var ae *ArgumentError
			errors.As(err, &ae)
			for _, text := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%#v", ae)} {
				if strings.Contains(text, secretPart) || strings.Contains(text, "s3cr3t") {
					t.Errorf("%s: the error shows the secret: %s", name, text)
				}
			}
			if want := map[bool]string{false: "WithBaseURL", true: EnvBaseURL}[fromEnv]; ae == nil || ae.Argument != want || !errors.Is(err, ErrInvalidArgument) {
				t.Errorf("%s: err = %v, want an *ArgumentError naming %s", name, err, want)
			}
		}
	}
}

// TestRetryPolicyNegative: a negative figure of a RetryPolicy is refused
// with an *ArgumentError naming the field, by WithRetryPolicy and by
// WithRetryer alike, by the rule WithBudget applies to its figures.
func TestRetryPolicyNegative(t *testing.T) {
	for _, tc := range []struct {
		field string
		p     RetryPolicy
	}{
		{"MaxAttempts", RetryPolicy{MaxAttempts: -1}},
		{"BaseDelay", RetryPolicy{BaseDelay: -time.Millisecond}},
		{"MaxDelay", RetryPolicy{MaxDelay: -time.Second}},
		{"MaxRetryAfter", RetryPolicy{MaxRetryAfter: -time.Second}},
		{"MaxTotalWait", RetryPolicy{MaxTotalWait: math.MinInt64}},
		{"MaxAttempts", RetryPolicy{MaxAttempts: -4, BaseDelay: -1}}, // the first named
	} {
		for name, opt := range map[string]Option{"WithRetryPolicy": WithRetryPolicy(tc.p), "WithRetryer": WithRetryer(tc.p), "WithRetryer(&p)": WithRetryer(&tc.p)} {
			_, err := NewClient(WithSimpleKey(testKey), opt)
			var ae *ArgumentError
			if !errors.As(err, &ae) || ae.Argument != "RetryPolicy."+tc.field || !strings.Contains(ae.Reason, "must not be negative (0 takes the default") {
				t.Errorf("%s(%+v): err = %v, want an *ArgumentError for RetryPolicy.%s", name, tc.p, err, tc.field)
			}
		}
	}
	// Zero takes the default; positive figures stand.
	c, err := NewClient(WithSimpleKey(testKey), WithRetryPolicy(RetryPolicy{MaxAttempts: 2}))
	if err != nil || c.retryer.(RetryPolicy).MaxAttempts != 2 || c.retryer.(RetryPolicy).BaseDelay != DefaultRetryPolicy.BaseDelay {
		t.Errorf("%v %v", c, err)
	}
}

// TestHeaderValueLimits: each value the client puts in every request has a
// bound; a longer one is refused at NewClient with an *ArgumentError naming
// the option (or the environment variable it came from), never the value.
// A token from a TokenSource is held to the same bound when it arrives.
func TestHeaderValueLimits(t *testing.T) {
	long := func(n int) string { return strings.Repeat("k", n) }
	huge := strings.Repeat("k", 2<<20)
	for _, tc := range []struct {
		arg   string
		limit int
		opt   func(v string) Option
	}{
		{"WithSimpleKey", MaxCredentialBytes, WithSimpleKey},
		{"WithBearerToken", MaxCredentialBytes, WithBearerToken},
		{"WithUserAgent", MaxUserAgentBytes, WithUserAgent},
		{"WithAPIVersion", MaxAPIVersionBytes, WithAPIVersion},
		{"WithBaseURL", MaxBaseURLBytes, func(v string) Option { return WithBaseURL("https://example.com/" + v[len("https://example.com/"):]) }},
	} {
		t.Run(tc.arg, func(t *testing.T) {
			base := []Option{WithSimpleKey(testKey)}
			if _, err := NewClient(append(base, tc.opt(long(tc.limit)))...); err != nil {
				t.Errorf("%d bytes refused: %v", tc.limit, err)
			}
			for _, v := range []string{long(tc.limit + 1), huge} {
				_, err := NewClient(append(base, tc.opt(v))...)
				var ae *ArgumentError
				if !errors.As(err, &ae) || ae.Argument != tc.arg || !strings.Contains(ae.Reason, "longer than") {
					t.Errorf("%d bytes: err = %v, want an *ArgumentError for %s", len(v), err, tc.arg)
				}
				if err != nil && strings.Contains(fmt.Sprintf("%v %+v %#v", err, err, err), "kkkk") {
					t.Errorf("the error quotes the value: %.200s", err)
				}
			}
		})
	}
	for _, env := range []string{EnvSimpleKey, EnvBearerToken, EnvBaseURL, EnvAPIVersion} {
		t.Run(env, func(t *testing.T) {
			t.Setenv(EnvSimpleKey, testKey)
			if env == EnvBearerToken {
				t.Setenv(EnvSimpleKey, "") // the key would win
			}
			t.Setenv(env, "https://example.com/"+huge)
			_, err := NewClientFromEnv()
			var ae *ArgumentError
			if !errors.As(err, &ae) || ae.Argument != env || strings.Contains(err.Error(), "kkkk") {
				t.Errorf("err = %.300v, want an *ArgumentError naming %s", err, env)
			}
		})
	}
	t.Run("token_source", func(t *testing.T) {
		srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(204) })
		c := newClient(t, srv, WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: huge})))
		err := c.GetAgentKeepAlive(ctxT(t))
		if err == nil || !strings.Contains(err.Error(), "longer than") || strings.Contains(err.Error(), "kkkk") || rc.count() != 0 {
			t.Errorf("err = %.300v after %d requests, want a refusal before sending", err, rc.count())
		}
		var te *TransportError
		if errors.As(err, &te) && te.Attempts != 1 {
			t.Errorf("%d attempts: a token that cannot be sent is not retried", te.Attempts)
		}
	})
}

// A header value net/http would refuse (here a User-Agent set past the
// options' check) fails after one attempt: it is local and permanent.
// Before, it was retried as a transport error.
func TestInvalidHeaderNotRetried(t *testing.T) {
	srv, rc := newServer(t, failOnRequest(t))
	c := newClient(t, srv)
	c.userAgent = "bot/1.0\r\nX-Evil: 1"
	_, err := c.GetConversationDepartments(ctxT(t))
	var te *TransportError
	if !errors.As(err, &te) || te.Attempts != 1 {
		t.Fatalf("err = %v, want a *TransportError after 1 attempt", err)
	}
	if strings.Contains(err.Error(), "X-Evil") || !strings.Contains(err.Error(), "User-Agent") {
		t.Errorf("error %q quotes the value or does not name the header", err)
	}
	if rc.count() != 0 {
		t.Errorf("%d requests sent", rc.count())
	}
	// The options refuse it outright.
	for name, opt := range map[string]Option{
		"WithUserAgent":  WithUserAgent("bot/1.0\nX: y"),
		"WithAPIVersion": WithAPIVersion("2017-03-01\r\n"),
	} {
		_, err := NewClient(WithSimpleKey(testKey), opt)
		var ae *ArgumentError
		if !errors.As(err, &ae) || ae.Argument != name {
			t.Errorf("%s: %v", name, err)
		}
	}
}
