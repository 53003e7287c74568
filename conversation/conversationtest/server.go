package conversationtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ultracart-community/ultracart-go/conversation"
)

// BasePath is the path under which the fake serves the API, as the real
// service does under https://secure.ultracart.com/rest/v2.
const BasePath = "/rest/v2"

// maxBodyBytes bounds a request body, so that no input can exhaust memory.
const maxBodyBytes = 16 << 20

// Server is the fake UltraCart Conversation service. Create it with
// NewServer in a test, or with New to serve Handler on a listener of your
// own. All methods are safe for concurrent use.
type Server struct {
	// URL is the base URL of the API, ending in /rest/v2: what a client's
	// base URL option takes. Set by NewServer; empty after New, whose caller
	// chooses where to serve Handler.
	URL string
	// Key is the simple API key the server accepts in x-ultracart-simple-key:
	// random unless WithKey is given.
	Key string
	// Client is a client of this server authenticated with Key, ready for
	// use, with its rate budget off (conversation.WithoutBudget): the fake
	// has no rate limits. Set by NewServer only.
	Client *conversation.Client

	cfg       config
	spec      *spec
	handler   http.Handler
	jwtSecret []byte

	tb        testing.TB
	hs        *httptest.Server
	done      chan struct{} // closed by Close: ends injected delays
	closeOnce sync.Once

	mu sync.Mutex
	st state
}

// New returns a fake that is not listening anywhere yet: serve Handler on a
// listener of your choice and Close it when done. Most tests want NewServer
// instead.
func New(opts ...Option) (*Server, error) {
	cfg := config{
		agentARN:          DefaultAgentARN,
		agentName:         DefaultAgentName,
		agentUserID:       DefaultAgentUserID,
		merchantID:        DefaultMerchantID,
		now:               time.Now,
		validateResponses: true,
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, fmt.Errorf("conversationtest: %w", err)
		}
	}
	if cfg.key == "" {
		cfg.key = "fake-" + randomHex(16)
	}
	sp, err := loadSpec()
	if err != nil {
		return nil, fmt.Errorf("conversationtest: %w", err)
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret) // crypto/rand.Read never fails (Go 1.24+)
	s := &Server{
		Key:       cfg.key,
		cfg:       cfg,
		spec:      sp,
		jwtSecret: secret,
		done:      make(chan struct{}),
		st:        newState(),
	}
	s.handler = s.routes()
	if err := s.seedCaller(); err != nil {
		return nil, err
	}
	if cfg.demo {
		if err := s.seedDemo(); err != nil {
			return nil, fmt.Errorf("conversationtest: demo data: %w", err)
		}
	}
	for _, doc := range cfg.seeds {
		if err := s.seedJSON(doc); err != nil {
			return nil, fmt.Errorf("conversationtest: WithSeedJSON: %w", err)
		}
	}
	return s, nil
}

// NewServer starts a fake on a loopback port for the duration of the test
// and builds Client for it. It is closed by tb.Cleanup. An invalid option
// fails the test.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s, err := New(opts...)
	if err != nil {
		tb.Fatalf("conversationtest.NewServer: %v", err)
		return nil
	}
	s.tb = tb
	if s.cfg.logf == nil {
		s.cfg.logf = tb.Logf
	}
	s.hs = httptest.NewServer(s.handler)
	s.URL = s.hs.URL + BasePath
	tb.Cleanup(s.Close)
	c, err := conversation.NewClient(append([]conversation.Option{
		conversation.WithSimpleKey(s.Key),
		conversation.WithBaseURL(s.URL),
		conversation.WithHTTPClient(s.hs.Client()),
		// The fake has no rate limits, and tests call it fast and at once;
		// WithClientOptions can put a budget back.
		conversation.WithoutBudget(),
	}, s.cfg.clientOpts...)...)
	if err != nil {
		tb.Fatalf("conversationtest.NewServer: client: %v", err)
		return nil
	}
	s.Client = c
	return s
}

// Release is the release of UltraCart's Conversation API the fake serves,
// such as "4.1.70": the version of the OpenAPI document it is built from,
// the one the module's client speaks. Its 400s for what a request sends
// outside that release name it (see WithUnknownProperties).
func (s *Server) Release() string { return s.spec.release }

// logf writes a log line where WithLogf (or NewServer) says.
func (s *Server) logf(format string, args ...any) {
	if s.cfg.logf != nil {
		s.cfg.logf(format, args...)
	}
}

// Handler returns the HTTP handler of the fake: the API under BasePath and
// the upload URLs under /upload/. Serve it on a listener of your own after
// New.
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops the loopback server started by NewServer, if any, and ends
// injected delays still in progress. It may be called more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		if s.hs != nil {
			s.hs.Close()
		}
	})
}

// routes serves the API (see serveAPI) next to the upload endpoint.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(BasePath+"/", s.serveAPI)
	mux.HandleFunc("PUT "+uploadPath+"{key...}", s.serveUpload)
	mux.HandleFunc("GET "+uploadPath+"{key...}", s.serveUploadedFile)
	mux.HandleFunc(websocketPath, func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotImplemented, "the fake does not serve websockets", "", nil)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint: the API is served under "+BasePath, "", nil)
	})
	return mux
}

// serveAPI routes a request to its operation with the spec's router (Go's
// ServeMux refuses the API's path set: GET /pbx/audio/{uuid}/usage and GET
// /pbx/audio/upload_url/{extension} match the same paths), then records,
// faults, authenticates and validates it before its handler runs, in the
// order the real service's layers would: a rate limit or outage hits
// before the key is even looked at.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	if r.Body == nil { // possible when Handler is called directly
		r.Body = http.NoBody
	}
	route, pathParams, routeErr := s.spec.findRoute(r)
	op := ""
	if routeErr == nil {
		op, _ = s.spec.canonicalOp(route.Operation.OperationID)
	}
	s.countRequest(op)
	defer func() { s.logRequest(op, r, rec.status) }()

	if routeErr != nil {
		status := http.StatusNotFound
		if errors.Is(routeErr, errMethodNotAllowed) {
			status = http.StatusMethodNotAllowed
		}
		writeError(rec, status, routeErr.Error(), "", nil)
		return
	}
	if f, ok := s.takeFault(op); ok {
		if s.applyFault(rec, r, f) {
			return
		}
	}
	if msg, ok := s.authenticate(r); !ok {
		writeError(rec, http.StatusUnauthorized, msg, "", nil)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(rec, r.Body, maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeError(rec, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than %d bytes", tooLarge.Limit), "", nil)
			return
		}
		writeError(rec, http.StatusBadRequest, "reading request body: "+err.Error(), "", nil)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err := s.spec.validateRequest(r, body, route, pathParams); err != nil {
		writeError(rec, http.StatusBadRequest, err.Error()+" (release "+s.Release()+" of the UltraCart Conversation API)", "", nil)
		return
	}
	if u := s.spec.unknownInRequest(route, r.URL.Query(), body); u != nil {
		if s.cfg.unknown == RefuseUnknown {
			writeError(rec, http.StatusBadRequest, u.refusal(op, s.Release()), "", nil)
			return
		}
		s.logf("%s", u.kept(op, s.Release()))
	}
	s.serveOp(rec, r, op, route, pathParams, body)
}

// authenticate accepts the configured simple key or, when configured, the
// bearer token. A request carrying a simple key is judged on it alone.
func (s *Server) authenticate(r *http.Request) (msg string, ok bool) {
	if keys := r.Header.Values("X-Ultracart-Simple-Key"); len(keys) > 0 {
		if len(keys) == 1 && subtle.ConstantTimeCompare([]byte(keys[0]), []byte(s.Key)) == 1 {
			return "", true
		}
		return "invalid simple key (x-ultracart-simple-key)", false
	}
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, token, found := strings.Cut(auth, " ")
		if !found || !strings.EqualFold(scheme, "Bearer") {
			return "unsupported Authorization scheme: use Bearer", false
		}
		if s.cfg.bearerToken == "" || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(s.cfg.bearerToken)) != 1 {
			return "invalid bearer token", false
		}
		return "", true
	}
	return "missing credentials: send x-ultracart-simple-key or Authorization: Bearer", false
}

// origin is the scheme and host the request was addressed to, so that URLs
// the fake hands out (upload, websocket) point back at it however it is
// served.
func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = "127.0.0.1"
	}
	return scheme + "://" + host
}

// sleep waits d, or less if the request is cancelled or the server closed.
// It reports whether the full delay elapsed.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

// statusRecorder remembers the status written, for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (to drop it).
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// pathEscapeKey escapes each segment of an upload key for use in a URL path.
func pathEscapeKey(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}
