package redisbudget_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ultracart-community/ultracart-go/conversation"
)

// The tests run against a real redis-server (Debian's package), started by
// TestMain on a free loopback port with nothing saved to disk, and stopped
// after the tests. Without redis-server they skip, unless
// ULTRACART_REQUIRE_REDIS=1 (as CI sets it) makes them fail.
//
// No wait of a test may hang the package: every Acquire runs with a
// deadline or with waitCtx, every process the tests start dies with the
// test binary (even on a panic or go test's -timeout, which run no
// cleanup), and no server is started again on a port another process may
// have taken meanwhile (privateRedis restarts on a new port).

// redisAddr is the address of the test server; empty when there is none.
var (
	redisAddr    string
	redisMissing string // why there is no server
)

// testTimeout bounds every wait of a test that has no deadline of its own.
const testTimeout = 30 * time.Second

// waitCtx is the context of a test's waits that must not carry a deadline
// (a caller that could wait for ever, as far as a Limiter can tell): a
// watchdog cancels it after testTimeout, and when the test ends, so that a
// wait that should have ended fails the test that made it instead of
// stalling the package until go test's -timeout.
func waitCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithCancelCause(t.Context())
	timer := time.AfterFunc(testTimeout, func() {
		cancel(fmt.Errorf("%s: the test's watchdog ended a wait after %v", t.Name(), testTimeout))
	})
	t.Cleanup(func() {
		timer.Stop()
		cancel(nil)
	})
	return ctx
}

// stallWatch measures, while a test runs, how late this process's timers
// fire and how long Redis takes to answer: how long the machine stalled
// the test. A claim on timing (a slot renewed before it expires, a permit
// granted before a deadline) cannot be checked on a run the machine
// stalled for longer than the margin the claim has: such a run skips the
// check, saying so, rather than fail on the machine's account.
type stallWatch struct {
	worst  atomic.Int64
	probes [2]probe // a timer, a PING
}

// probe is one kind of measure: since when the one under way has run
// (0: none), and how long it takes when nothing stalls.
type probe struct {
	since    atomic.Int64 // UnixNano
	expected time.Duration
}

// watchStalls starts a stallWatch, stopped when the test ends; rdb, when
// not nil, is pinged.
func watchStalls(t *testing.T, rdb *redis.Client) *stallWatch {
	const tick = 5 * time.Millisecond
	w := &stallWatch{}
	w.probes[0].expected = tick
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		for ctx.Err() == nil {
			w.measure(&w.probes[0], func() { time.Sleep(tick) })
		}
	})
	if rdb != nil {
		wg.Go(func() {
			for ctx.Err() == nil {
				w.measure(&w.probes[1], func() { _ = rdb.Ping(ctx).Err() })
				time.Sleep(tick)
			}
		})
	}
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	return w
}

// measure runs f and notes how much longer than expected it took.
func (w *stallWatch) measure(p *probe, f func()) {
	start := time.Now()
	p.since.Store(start.UnixNano())
	f()
	p.since.Store(0)
	w.note(time.Since(start) - p.expected)
}

func (w *stallWatch) note(d time.Duration) {
	for old := w.worst.Load(); int64(d) > old && !w.worst.CompareAndSwap(old, int64(d)); old = w.worst.Load() {
	}
}

// Worst is the longest stall seen so far, a probe still under way
// included (a stall the test itself just came out of may not have ended
// for the probes yet).
func (w *stallWatch) Worst() time.Duration {
	worst := time.Duration(w.worst.Load())
	for i := range w.probes {
		p := &w.probes[i]
		if since := p.since.Load(); since != 0 {
			worst = max(worst, time.Since(time.Unix(0, since))-p.expected)
		}
	}
	return worst
}

// Errorf fails the test, unless the machine stalled it for margin or more:
// then it skips the rest of the test, saying why.
func (w *stallWatch) Errorf(t *testing.T, margin time.Duration, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if worst := w.Worst(); worst >= margin {
		t.Skipf("%s; but the machine stalled the test for %v (timers late, or Redis slow to answer), more than this claim's margin of %v: a run like this cannot check it",
			msg, worst.Round(time.Millisecond), margin)
	}
	t.Error(msg)
}

// acquireWithin calls l.Acquire with a deadline d away, again (up to five
// times) while the deadline passes before Redis could be asked: the
// machine stalled, and a call that ends with its deadline has reserved
// nothing. A refusal, the claim such calls check, needs Redis to be asked.
func acquireWithin(t *testing.T, ctx context.Context, l conversation.Limiter, d time.Duration) (func(conversation.Feedback), error) {
	t.Helper()
	for i := 0; ; i++ {
		cctx, cancel := context.WithTimeout(ctx, d)
		rel, err := l.Acquire(cctx)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) || i == 4 {
			return rel, err
		}
		t.Logf("the call's %v deadline passed before Redis answered: asking again", d)
	}
}

func TestMain(m *testing.M) {
	// go-redis logs failed dials, which the tests make on purpose.
	redis.SetLogger(quietLogger{})
	if os.Getenv(helperEnv) != "" {
		os.Exit(helperProcess())
	}
	srv, err := startRedis()
	if err != nil {
		redisMissing = err.Error()
	} else {
		redisAddr = srv.addr
	}
	code := m.Run()
	if srv != nil {
		srv.stop()
	}
	os.Exit(code)
}

// redisServer is a redis-server the tests started.
type redisServer struct {
	addr string
	stop func() // kills it and waits for its exit; idempotent
}

// startRedis starts redis-server on a free loopback port, with nothing
// saved (a restart starts empty), and waits until it answers.
func startRedis() (*redisServer, error) {
	path, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("redis-server is not installed (apt-get install redis-server): %w", err)
	}
	var lastErr error
	for range 5 { // the free port may be taken before redis-server binds it
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		srv, err := startRedisAt(path, port)
		if err == nil {
			return srv, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// startRedisAt starts redis-server on port and waits until it answers as
// itself: a server that another process started on the port meanwhile is
// not taken for it.
func startRedisAt(path string, port int) (*redisServer, error) {
	dir, err := os.MkdirTemp("", "redisbudget-test-")
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	cmd := exec.Command(path, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "",
		"--appendonly", "no", "--dir", dir)
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = time.Second // never wait for ever on its output
	diesWithTest(cmd)
	if err := cmd.Start(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var once sync.Once
	srv := &redisServer{addr: "127.0.0.1:" + strconv.Itoa(port), stop: func() {
		once.Do(func() {
			_ = cmd.Process.Kill()
			<-exited
			_ = os.RemoveAll(dir)
		})
	}}
	if err := waitForRedis(srv.addr, cmd.Process.Pid, exited); err != nil {
		srv.stop()
		return nil, fmt.Errorf("%w\n%s", err, out.String())
	}
	return srv, nil
}

// waitForRedis waits until the server at addr answers as process pid, or
// that process exits, or ten seconds pass. Each probe fails fast: the
// port may belong to a process that accepts and never answers.
func waitForRedis(addr string, pid int, exited <-chan error) error {
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialerRetries: 1,
		DialTimeout: 500 * time.Millisecond, ReadTimeout: 500 * time.Millisecond, ContextTimeoutEnabled: true})
	defer rdb.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case werr := <-exited:
			return fmt.Errorf("redis-server exited: %v", werr)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		info, err := rdb.Info(ctx, "server").Result()
		cancel()
		if err == nil {
			if got := infoField(info, "process_id"); got != strconv.Itoa(pid) {
				return fmt.Errorf("%s answers as process %q, not as the redis-server started (%d): another process has the port", addr, got, pid)
			}
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redis-server did not answer: %w", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// infoField is the value of field in the reply of INFO.
func infoField(info, field string) string {
	for line := range strings.Lines(info) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), field+":"); ok {
			return v
		}
	}
	return ""
}

// privateRedis is a redis-server of one test's own, which the test stops
// and starts again, empty. It starts again on a new port (a port given up
// may be taken by any process meanwhile): its clients follow through
// Addr, in this process, and through the file AddrFile, in helper
// processes.
type privateRedis struct {
	t        *testing.T
	path     string
	AddrFile string
	mu       sync.Mutex
	addr     string
	srv      *redisServer
}

// newPrivateRedis starts a private redis-server, stopped when the test
// ends; it skips the test like requireRedis without redis-server.
func newPrivateRedis(t *testing.T) *privateRedis {
	t.Helper()
	requireRedis(t)
	path, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatal(err)
	}
	p := &privateRedis{t: t, path: path, AddrFile: filepath.Join(t.TempDir(), "redis-addr")}
	t.Cleanup(p.Stop)
	p.Start()
	return p
}

// Addr is the server's current address.
func (p *privateRedis) Addr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.addr
}

// Stop kills the server: Redis is down.
func (p *privateRedis) Stop() {
	p.mu.Lock()
	srv := p.srv
	p.srv = nil
	p.mu.Unlock()
	if srv != nil {
		srv.stop()
	}
}

// Start starts the server again, empty, on a new port.
func (p *privateRedis) Start() {
	p.t.Helper()
	srv, err := startRedis()
	if err != nil {
		p.t.Fatalf("starting redis-server: %v", err)
	}
	// Written before the clients can learn of it: a rename is atomic.
	tmp := p.AddrFile + ".tmp"
	if err := os.WriteFile(tmp, []byte(srv.addr), 0o600); err != nil {
		srv.stop()
		p.t.Fatal(err)
	}
	if err := os.Rename(tmp, p.AddrFile); err != nil {
		srv.stop()
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.srv, p.addr = srv, srv.addr
	p.mu.Unlock()
}

// client is a go-redis client of the server, wherever it was last
// started, which fails fast while it is down, closed when the test ends.
func (p *privateRedis) client() *redis.Client {
	rdb := followingClient(p.Addr, p.Addr())
	p.t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// followingClient is a go-redis client that dials addr() at each dial
// (first is the address it starts with, for its Options), failing fast.
func followingClient(addr func() string, first string) *redis.Client {
	return redis.NewClient(&redis.Options{Addr: first, MaxRetries: -1, DialTimeout: 200 * time.Millisecond, DialerRetries: 1,
		Dialer: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr())
		}})
}

// addrFrom reads the address a privateRedis wrote to file (its last one
// when the file cannot be read).
func addrFrom(file string) func() string {
	var mu sync.Mutex
	last := ""
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		if b, err := os.ReadFile(file); err == nil {
			last = string(b)
		}
		return last
	}
}

// helperTimeout bounds the run of a helper process.
const helperTimeout = 2 * testTimeout

// startHelper starts the test binary again as a helper process (see
// helperProcess) with env, its output to out. It is killed after
// helperTimeout, or when the test binary dies.
func startHelper(t *testing.T, env []string, out *bytes.Buffer) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), helperTimeout)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = time.Second
	diesWithTest(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// requireRedis returns a client of the test server, closed when the test
// ends, or skips the test (fails it when ULTRACART_REQUIRE_REDIS=1).
func requireRedis(t *testing.T) *redis.Client {
	t.Helper()
	if redisAddr == "" {
		if os.Getenv("ULTRACART_REQUIRE_REDIS") == "1" {
			t.Fatalf("ULTRACART_REQUIRE_REDIS=1 but no redis-server: %s", redisMissing)
		}
		t.Skipf("no redis-server: %s", redisMissing)
	}
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}
