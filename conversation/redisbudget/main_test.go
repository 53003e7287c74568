package redisbudget_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// The tests run against a real redis-server (Debian's package), started by
// TestMain on a free loopback port with nothing saved to disk, and stopped
// after the tests. Without redis-server they skip, unless
// ULTRACART_REQUIRE_REDIS=1 (as CI sets it) makes them fail.

// redisAddr is the address of the test server; empty when there is none.
var (
	redisAddr    string
	redisMissing string // why there is no server
)

func TestMain(m *testing.M) {
	// go-redis logs failed dials, which the tests make on purpose.
	redis.SetLogger(quietLogger{})
	if os.Getenv(helperEnv) != "" {
		os.Exit(helperProcess())
	}
	stop, err := startRedis()
	if err != nil {
		redisMissing = err.Error()
	}
	code := m.Run()
	stop()
	os.Exit(code)
}

// startRedis starts redis-server on a free loopback port and waits until it
// answers.
func startRedis() (stop func(), err error) {
	var lastErr error
	for range 3 { // the free port may be taken before redis-server binds it
		port, err := freePort()
		if err != nil {
			return func() {}, err
		}
		addr, stop, err := startRedisAt(port)
		if err != nil {
			lastErr = err
			continue
		}
		redisAddr = addr
		return stop, nil
	}
	return func() {}, lastErr
}

// startRedisAt starts redis-server on port, with nothing saved (a restart
// starts empty), and waits until it answers.
func startRedisAt(port int) (addr string, stop func(), err error) {
	path, err := exec.LookPath("redis-server")
	if err != nil {
		return "", nil, fmt.Errorf("redis-server is not installed (apt-get install redis-server): %w", err)
	}
	dir, err := os.MkdirTemp("", "redisbudget-test-")
	if err != nil {
		return "", nil, err
	}
	var out bytes.Buffer
	cmd := exec.Command(path, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "",
		"--appendonly", "no", "--dir", dir)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		_ = os.RemoveAll(dir)
		return "", nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop = func() {
		_ = cmd.Process.Kill()
		<-exited
		_ = os.RemoveAll(dir)
	}
	addr = "127.0.0.1:" + strconv.Itoa(port)
	if err := waitForRedis(addr, exited); err != nil {
		stop()
		return "", nil, fmt.Errorf("%w\n%s", err, out.String())
	}
	return addr, stop, nil
}

// privateRedis is a redis-server of one test's own, which the test stops
// and starts again (empty) on the same port.
type privateRedis struct {
	t    *testing.T
	port int
	addr string
	stop func()
}

// newPrivateRedis starts a private redis-server, stopped when the test
// ends; it skips the test like requireRedis without redis-server.
func newPrivateRedis(t *testing.T) *privateRedis {
	t.Helper()
	requireRedis(t)
	for range 3 {
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		addr, stop, err := startRedisAt(port)
		if err != nil {
			continue
		}
		p := &privateRedis{t: t, port: port, addr: addr, stop: stop}
		t.Cleanup(func() { p.Stop() })
		return p
	}
	t.Fatal("could not start a private redis-server")
	return nil
}

// Stop kills the server: Redis is down.
func (p *privateRedis) Stop() {
	if p.stop != nil {
		p.stop()
		p.stop = nil
	}
}

// Start starts the server again on its port, empty.
func (p *privateRedis) Start() {
	p.t.Helper()
	var err error
	for range 50 { // the port may linger for a moment after the kill
		if _, p.stop, err = startRedisAt(p.port); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.t.Fatalf("restarting redis-server: %v", err)
}

// client is a go-redis client of the server, which fails fast while it is
// down, closed when the test ends.
func (p *privateRedis) client() *redis.Client {
	rdb := redis.NewClient(&redis.Options{Addr: p.addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond, DialerRetries: 1})
	p.t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func waitForRedis(addr string, exited <-chan error) error {
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := rdb.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		select {
		case werr := <-exited:
			return fmt.Errorf("redis-server exited: %v", werr)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redis-server did not answer: %w", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
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
