package main

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Result is one line of `go test -bench` output.
type Result struct {
	Name    string // without the -GOMAXPROCS suffix
	Procs   int    // the suffix, 1 when absent
	Iters   int64
	Metrics map[string]float64 // by unit: "ns/op", "B/op", "allocs/op", "req/s", ...
}

// Config is the key: value header go test prints (goos, goarch, pkg, cpu).
type Config map[string]string

// set records a header value. The last value of a key wins, except pkg,
// which lists every package seen (in order, once each): `go test ./...`
// prints one header per package with benchmarks.
func (c Config) set(k, v string) {
	if k == "pkg" && c[k] != "" {
		if slices.Contains(strings.Split(c[k], ", "), v) {
			return
		}
		v = c[k] + ", " + v
	}
	c[k] = v
}

// Parse reads `go test -bench` output: benchmark lines, the key: value lines
// before them, and anything else (PASS, ok, logs), which it skips. Several
// runs may be concatenated.
func Parse(r io.Reader) ([]Result, Config, error) {
	var results []Result
	cfg := Config{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if k, v, ok := configLine(text); ok {
			cfg.set(k, v)
			continue
		}
		res, ok, err := parseLine(text)
		if err != nil {
			return nil, nil, fmt.Errorf("line %d: %w", line, err)
		}
		if ok {
			results = append(results, res)
		}
	}
	return results, cfg, sc.Err()
}

// configLine recognises "key: value" lines with a lower-case key of letters,
// digits and dashes, as the benchmark format defines them.
func configLine(s string) (key, value string, ok bool) {
	k, v, found := strings.Cut(s, ":")
	if !found || k == "" || !strings.HasPrefix(v, " ") {
		return "", "", false
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return "", "", false
		}
	}
	return k, strings.TrimSpace(v), true
}

// parseLine parses "BenchmarkName-8  1000  1234 ns/op  56 B/op  7 allocs/op ...".
// ok is false for lines that are not benchmark results, e.g. a name printed
// alone by -v or a failed benchmark.
func parseLine(s string) (res Result, ok bool, err error) {
	if !strings.HasPrefix(s, "Benchmark") {
		return Result{}, false, nil
	}
	f := strings.Fields(s)
	if len(f) < 4 || len(f)%2 != 0 {
		return Result{}, false, nil // not a result line ("BenchmarkX" alone, "--- FAIL", ...)
	}
	iters, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return Result{}, false, nil
	}
	res = Result{Iters: iters, Metrics: map[string]float64{}}
	res.Name, res.Procs = splitProcs(f[0])
	for i := 2; i < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return Result{}, false, fmt.Errorf("%s: value %q of %s: %w", f[0], f[i], f[i+1], err)
		}
		res.Metrics[f[i+1]] = v
	}
	return res, true, nil
}

// splitProcs removes the -N suffix go test adds to names when GOMAXPROCS > 1.
func splitProcs(name string) (string, int) {
	i := strings.LastIndexByte(name, '-')
	if i < 0 {
		return name, 1
	}
	n, err := strconv.Atoi(name[i+1:])
	if err != nil || n < 1 {
		return name, 1
	}
	return name[:i], n
}

// SplitName splits "BenchmarkDecode/context/wrapper" into its group
// ("Decode/context") and member ("wrapper").
func SplitName(name string) (group, member string) {
	name = strings.TrimPrefix(name, "Benchmark")
	i := strings.LastIndexByte(name, '/')
	if i < 0 {
		return name, ""
	}
	return name[:i], name[i+1:]
}
