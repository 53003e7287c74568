package conversationtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
	"github.com/ultracart-community/ultracart-go/gen"
	"github.com/ultracart-community/ultracart-go/gen/genresp"
	"github.com/ultracart-community/ultracart-go/gen/genspec"
	"github.com/ultracart-community/ultracart-go/uctime"
)

func ptr[T any](v T) *T { return &v }

// validator checks every response the fake sends against the OpenAPI
// document, independently of the fake's own copy of it: a test-side router
// whose server is the fake's URL.
type validator struct {
	t      testing.TB
	router routers.Router
	base   http.RoundTripper

	mu        sync.Mutex
	validated map[string]int // operationId -> responses validated
}

var (
	routerOnce sync.Once
	testRouter routers.Router
	routerErr  error
)

// newValidator returns a validating transport. The document is loaded and
// routed once for all tests (with the fake's base path as its server):
// that is most of the cost of a test.
func newValidator(t testing.TB, srv *conversationtest.Server) *validator {
	t.Helper()
	if !strings.HasSuffix(srv.URL, conversationtest.BasePath) {
		t.Fatalf("server URL %q does not end in %s", srv.URL, conversationtest.BasePath)
	}
	return newValidatorFor(t)
}

// newValidatorFor is a validating transport for a fake not started yet.
func newValidatorFor(t testing.TB) *validator {
	t.Helper()
	routerOnce.Do(func() {
		doc, err := genspec.GetSpec()
		if err != nil {
			routerErr = err
			return
		}
		doc.Servers = openapi3.Servers{{URL: conversationtest.BasePath}}
		if routerErr = conversationtest.LoosenWireShapes(doc); routerErr != nil {
			return
		}
		testRouter, routerErr = legacy.NewRouter(doc)
	})
	if routerErr != nil {
		t.Fatalf("spec router: %v", routerErr)
	}
	return &validator{t: t, router: testRouter, base: http.DefaultTransport, validated: make(map[string]int)}
}

// RoundTrip sends the request and validates the response: status declared
// by the operation, headers and body matching their schemas.
func (v *validator) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		_ = req.Body.Close()
		reqBody = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	resp, err := v.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))

	probe := req.Clone(context.Background())
	probe.Body = io.NopCloser(bytes.NewReader(reqBody))
	probe.URL = &url.URL{Path: req.URL.Path, RawPath: req.URL.RawPath, RawQuery: req.URL.RawQuery}
	route, params, err := v.router.FindRoute(probe)
	if err != nil {
		v.t.Errorf("%s %s: no route in the spec: %v", req.Method, req.URL, err)
		return resp, nil
	}
	opts := &openapi3filter.Options{
		// A status the operation does not declare is an error, except the
		// gateway statuses injected faults produce: those come from the
		// infrastructure in front of the real service, not from it.
		IncludeResponseStatus: resp.StatusCode < 502 || resp.StatusCode > 504,
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: probe, PathParams: params, Route: route, Options: opts,
		},
		Status:  resp.StatusCode,
		Header:  resp.Header,
		Options: opts,
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		v.t.Errorf("%s (%d): response does not conform to the spec: %v\nbody: %s", route.Operation.OperationID, resp.StatusCode, err, body)
	}
	// Bodies the service sends carry success (true on 2xx, false on errors).
	if len(body) > 0 {
		var env struct {
			Success *bool `json:"success"`
		}
		if json.Unmarshal(body, &env) == nil && env.Success != nil && *env.Success != (resp.StatusCode < 300) {
			v.t.Errorf("%s (%d): success=%v", route.Operation.OperationID, resp.StatusCode, *env.Success)
		}
	}
	v.mu.Lock()
	v.validated[route.Operation.OperationID]++
	v.mu.Unlock()
	return resp, nil
}

func (v *validator) operations() map[string]int {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make(map[string]int, len(v.validated))
	for k, n := range v.validated {
		out[k] = n
	}
	return out
}

// genClient is the generated client pointed at the fake, sending the
// headers the service expects, with every response validated.
func genClient(t testing.TB, srv *conversationtest.Server, v *validator, key string) *genresp.ClientWithResponses {
	t.Helper()
	c, err := genresp.NewClientWithResponses(srv.URL,
		gen.WithHTTPClient(&http.Client{Transport: v}),
		gen.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("X-UltraCart-Api-Version", "2017-03-01")
			req.Header.Set("Accept", "application/json")
			if key != "" {
				req.Header.Set("x-ultracart-simple-key", key)
			}
			return nil
		}))
	if err != nil {
		t.Fatalf("NewClientWithResponses: %v", err)
	}
	return c
}

// setup starts a fake and a validating generated client authenticated with
// its key.
func setup(t *testing.T, opts ...conversationtest.Option) (*conversationtest.Server, *genresp.ClientWithResponses, *validator) {
	t.Helper()
	srv := conversationtest.NewServer(t, opts...)
	v := newValidator(t, srv)
	return srv, genClient(t, srv, v, srv.Key), v
}

// rawRequest sends a request with the fake's key (when key is not empty)
// and returns the status, headers and decoded ErrorResponse or body.
func rawRequest(t *testing.T, method, url, key, body string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatalf("NewRequest: %v", err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if key != "" {
		req.Header.Set("x-ultracart-simple-key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return resp, b
}

// checkError asserts an ErrorResponse as the service sends it.
func checkError(t *testing.T, resp *http.Response, body []byte, status int) gen.ErrorResponse {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, status, body)
	}
	if resp.Header.Get("UC-REST-ERROR") == "" {
		t.Errorf("no UC-REST-ERROR header")
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	var er gen.ErrorResponse
	if err := json.Unmarshal(body, &er); err != nil {
		t.Fatalf("body is not an ErrorResponse: %v: %s", err, body)
	}
	if er.Success == nil || *er.Success {
		t.Errorf("success = %v, want false", er.Success)
	}
	if er.Error == nil || er.Error.DeveloperMessage == nil || *er.Error.DeveloperMessage == "" ||
		er.Error.UserMessage == nil || *er.Error.UserMessage == "" || er.Error.ErrorCode == nil {
		t.Errorf("incomplete error: %s", body)
	}
	return er
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

type uctimeT = uctime.Time

func uctimeNew(t time.Time) uctime.Time { return uctime.New(t) }

// must returns v, or panics (failing the test) on err: for seeding.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
