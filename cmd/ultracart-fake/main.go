// Command ultracart-fake serves the in-memory fake of the UltraCart
// Conversation API (package conversationtest) on a TCP address: every
// operation of the release the module speaks (4.1.86: 140), for trying
// this module's client, or UltraCart's own SDKs in any language, against
// it:
//
//	go run ./cmd/ultracart-fake [-addr 127.0.0.1:8080] [-key KEY] [-bearer-token TOKEN] [-demo=false] [-seed FILE] [-unknown-properties refuse|keep] [-v]
//
// It prints the release it serves, then the base URL (ending in /rest/v2)
// and the simple key to use, generated when -key is not given, as
// environment variables the client's NewClientFromEnv reads. It starts
// with demo data (conversations, canned messages, departments with
// members, engagements, a webchat queue, agent profiles and a PBX with a
// phone number, queue, voicemails and call records) unless -demo=false,
// then adds what the JSON file of -seed holds (the format of
// conversationtest.WithSeedJSON), and stops cleanly on SIGINT or SIGTERM.
// State lives in memory only.
//
// Every response is checked against the API's spec before it is sent; one
// that fails is a 500 naming the problem. Requests the service cannot mean
// (a menu routing to a queue that does not exist, a time zone that is not
// one, a number no search offered, ...) are refused with a 400 saying the
// fix: the package doc of conversationtest lists these rules and where the
// fake is still lenient. So is a request body property or query parameter
// the release does not define, which the service would ignore: a 400
// naming it and the release. With -unknown-properties=keep it is accepted
// instead, kept on the objects the fake stores and returned as sent, and a
// line says so.
//
// UltraCart's own SDKs run against it in TestOfficialJSSDK and
// TestOfficialPHPSDK (main_test.go).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "ultracart-fake:", err)
		os.Exit(1)
	}
}

// shutdownTimeout bounds how long requests in flight may take to finish
// once a stop is requested.
const shutdownTimeout = 5 * time.Second

// run serves the fake until ctx is done, then shuts the server down. It
// writes the banner (and, with -v, one line per request) to stdout.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ultracart-fake", flag.ContinueOnError)
	fs.SetOutput(stdout)
	addr := fs.String("addr", "127.0.0.1:8080", "TCP address to listen on (port 0 picks a free one)")
	key := fs.String("key", "", "simple API key to accept in x-ultracart-simple-key (default: a random one, printed)")
	bearer := fs.String("bearer-token", "", "also accept this token as \"Authorization: Bearer <token>\"")
	demo := fs.Bool("demo", true, "start with demo data instead of empty")
	seed := fs.String("seed", "", "also seed from this JSON `file` (format of conversationtest.WithSeedJSON)")
	verbose := fs.Bool("v", false, "print one line per request")
	unknown := fs.String("unknown-properties", conversationtest.RefuseUnknown.String(),
		"what to do with a request body property or query parameter outside the release served: `refuse` it with a 400, or keep it and print a line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	policy, err := conversationtest.ParseUnknownProperties(*unknown)
	if err != nil {
		return fmt.Errorf("-unknown-properties: %w", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}

	out := &lockedWriter{w: stdout}
	opts := []conversationtest.Option{
		conversationtest.WithUnknownProperties(policy),
		conversationtest.WithLogf(func(format string, args ...any) { out.printf(format+"\n", args...) }),
	}
	if *key != "" {
		opts = append(opts, conversationtest.WithKey(*key))
	}
	if *bearer != "" {
		opts = append(opts, conversationtest.WithBearerToken(*bearer))
	}
	if *demo {
		opts = append(opts, conversationtest.WithDemoData())
	}
	if *seed != "" {
		doc, err := os.ReadFile(*seed)
		if err != nil {
			return err
		}
		opts = append(opts, conversationtest.WithSeedJSON(doc))
	}
	fake, err := conversationtest.New(opts...)
	if err != nil {
		return err
	}
	defer fake.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	handler := fake.Handler()
	if *verbose {
		handler = logRequests(handler, out)
	}
	hs := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
	}
	baseURL := "http://" + ln.Addr().String() + conversationtest.BasePath
	out.printf("UltraCart Conversation API fake, release %s, listening on %s\n", fake.Release(), ln.Addr())
	out.printf("export ULTRACART_BASE_URL=%s\n", baseURL)
	out.printf("export ULTRACART_SIMPLE_KEY=%s\n", fake.Key)
	out.printf("Stop with Ctrl-C.\n")

	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	fake.Close() // ends injected delays so that Shutdown does not wait on them
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	out.printf("stopped\n")
	return nil
}

// lockedWriter serialises writes from concurrent requests.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, format, args...)
}

// logRequests prints method, path, status and duration of each request.
// Headers are left out: they carry the key.
func logRequests(next http.Handler, out *lockedWriter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		out.printf("%s %s %s -> %d (%v)\n", start.Format(time.TimeOnly), r.Method, r.URL.RequestURI(), sw.status, time.Since(start).Round(time.Microsecond))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets injected disconnects reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
