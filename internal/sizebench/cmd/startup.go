package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ultracart-community/ultracart-go/internal/sizebench"
)

// server answers getConversation for the programs, on loopback.
type server struct {
	base string // the API base URL
	hs   *http.Server
}

func startServer(body []byte) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	path := "/rest/v2/conversation/conversations/" + sizebench.ConversationUUID
	length := strconv.Itoa(len(body))
	hs := &http.Server{
		ReadHeaderTimeout: 10 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet || r.URL.Path != path {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", length)
			_, _ = w.Write(body)
		}),
	}
	go func() { _ = hs.Serve(ln) }()
	return &server{base: "http://" + ln.Addr().String() + "/rest/v2", hs: hs}, nil
}

func (s *server) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = s.hs.Shutdown(ctx)
}

// warmups are runs of each program before the timed ones: the first start
// of a new binary pays for reading it from disk.
const warmups = 3

// timeStartups runs the two binaries runs times each, interleaved and
// alternating which goes first, and records each run's wall time from start
// to exit. Every run must succeed and print the same line. It then records
// initRuns runs of each with GODEBUG=inittrace=1.
func timeStartups(ctx context.Context, base, floorBin, wrapperBin string, runs int, floor, wrapper *measures) error {
	progs := []struct {
		bin string
		m   *measures
	}{{floorBin, floor}, {wrapperBin, wrapper}}
	var want string
	for i := -warmups; i < runs; i++ {
		for j := range progs {
			p := progs[(i+warmups+j)%2]
			out, elapsed, err := runOnce(ctx, p.bin, base)
			if err != nil {
				return err
			}
			if want == "" {
				want = out
			}
			if out != want {
				return fmt.Errorf("%s printed %q, the other %q", p.bin, out, want)
			}
			if i >= 0 {
				p.m.startTimes = append(p.m.startTimes, elapsed)
			}
		}
	}
	for i := range initRuns {
		for j := range progs {
			p := progs[(i+j)%2]
			inits, err := traceInits(ctx, p.bin, base)
			if err != nil {
				return err
			}
			p.m.inits = inits
			var total time.Duration
			for _, c := range inits {
				total += c.clock
			}
			p.m.initTimes = append(p.m.initTimes, total)
		}
	}
	return nil
}

// initRuns is how many runs of each program with GODEBUG=inittrace=1 the
// init times are the median of (allocations do not vary between runs).
const initRuns = 5

// traceInits runs bin once with GODEBUG=inittrace=1 and returns the trace.
func traceInits(ctx context.Context, bin, base string) ([]initCost, error) {
	cmd := exec.CommandContext(ctx, bin, base)
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s with inittrace: %w: %s", bin, err, brief(stderr.Bytes()))
	}
	inits, err := parseInitTrace(stderr.Bytes())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", bin, err)
	}
	return inits, nil
}

// runOnce starts bin with the base URL and waits for it to exit.
func runOnce(ctx context.Context, bin, base string) (string, time.Duration, error) {
	cmd := exec.CommandContext(ctx, bin, base)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w: %s", bin, err, brief(stderr.Bytes()))
	}
	if stdout.Len() == 0 {
		return "", 0, errors.New(bin + ": printed nothing")
	}
	return stdout.String(), elapsed, nil
}

// initCost is one package's line of GODEBUG=inittrace=1 output.
type initCost struct {
	pkg    string
	clock  time.Duration
	bytes  int64
	allocs int64
}

// parseInitTrace reads the runtime's init trace, lines such as
//
//	init net/http @1.2 ms, 0.31 ms clock, 12345 bytes, 120 allocs
//
// and returns them heaviest (by clock time) first.
func parseInitTrace(out []byte) ([]initCost, error) {
	var inits []initCost
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "init ") {
			continue
		}
		// init PKG @T ms, C ms clock, B bytes, A allocs
		f := strings.Fields(strings.ReplaceAll(line, ",", ""))
		if len(f) != 11 || f[3] != "ms" || f[5] != "ms" || f[6] != "clock" || f[8] != "bytes" || f[10] != "allocs" {
			return nil, fmt.Errorf("unexpected inittrace line %q", line)
		}
		clock, err1 := strconv.ParseFloat(f[4], 64)
		b, err2 := strconv.ParseInt(f[7], 10, 64)
		a, err3 := strconv.ParseInt(f[9], 10, 64)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, fmt.Errorf("inittrace line %q: %w", line, err)
		}
		inits = append(inits, initCost{pkg: f[1], clock: time.Duration(clock * float64(time.Millisecond)), bytes: b, allocs: a})
	}
	if len(inits) == 0 {
		return nil, errors.New("no inittrace lines in the output")
	}
	sort.SliceStable(inits, func(i, j int) bool { return inits[i].clock > inits[j].clock })
	return inits, nil
}
