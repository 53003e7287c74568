// Command benchratio reads `go test -bench` output and prints, for each
// benchmark group, the ratio of the wrapper to the hand-written floor in time
// and allocations, and whether the group meets its target:
//
//   - single calls (loopback, in-memory encoding, pagination): wrapper time
//     within -time (1.10x) of the floor and allocations within -allocs (1.25x);
//   - decoding (groups named Decode/...): the wrapper no slower than
//     encoding/json behind the same request builder, i.e. the generated
//     client (io.ReadAll + json.Unmarshal), or the floor when the group has
//     no generated member: a median ratio of at most 1.00, or a difference
//     that is not significant (one-sided Mann-Whitney U test at -alpha,
//     which needs at least 4 runs of each);
//   - concurrency (groups reporting req/s): at most -conns TCP connections
//     opened by the wrapper (median over runs) and floor throughput within
//     -tput (1.10x) of the wrapper's.
//
// A group is the benchmark name up to its last slash; its members are the
// last element: floor, wrapper, and optionally generated (shown as a ratio to
// the floor) and unmarshal/marshal (encoding/json alone, shown as a time).
// Other members and groups without a floor and a wrapper are ignored.
// Values are medians over all runs in the input, which may hold several
// concatenated `go test` outputs (e.g. `-count=5`, or five runs).
//
// It reports; it does not judge the build: the exit status is 0 whatever
// the verdicts, 1 when the input holds no floor/wrapper pair or cannot be
// read, 2 for bad flags.
//
// Usage:
//
//	benchratio [flags] [bench.txt ...]   (standard input when no file is given)
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("benchratio", flag.ContinueOnError)
	fs.SetOutput(stderr)
	t := DefaultTargets
	fs.Float64Var(&t.Time, "time", t.Time, "single calls: most wrapper/floor time ratio")
	fs.Float64Var(&t.Allocs, "allocs", t.Allocs, "single calls: most wrapper/floor allocs/op ratio")
	fs.Float64Var(&t.Conns, "conns", t.Conns, "concurrency: most TCP connections the wrapper may open")
	fs.Float64Var(&t.Throughput, "tput", t.Throughput, "concurrency: most floor/wrapper req/s ratio")
	fs.Float64Var(&t.Alpha, "alpha", t.Alpha, "decoding: significance level of the no-slower test")
	md := fs.Bool("md", false, "print Markdown tables (for docs/BENCHMARKS.md)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: benchratio [flags] [bench.txt ...]  (reads standard input without files)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}

	var results []Result
	cfg := Config{}
	read := func(name string, r io.Reader) error {
		res, c, err := Parse(r)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		results = append(results, res...)
		for k, v := range c {
			if k != "pkg" {
				cfg.set(k, v)
				continue
			}
			for _, p := range strings.Split(v, ", ") {
				cfg.set(k, p)
			}
		}
		return nil
	}
	if fs.NArg() == 0 {
		if err := read("stdin", stdin); err != nil {
			fmt.Fprintln(stderr, "benchratio:", err)
			return 1
		}
	}
	for _, name := range fs.Args() {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(stderr, "benchratio:", err)
			return 1
		}
		err = read(name, f)
		f.Close()
		if err != nil {
			fmt.Fprintln(stderr, "benchratio:", err)
			return 1
		}
	}

	groups := Group(results)
	rows := Evaluate(groups, t)
	if len(rows) == 0 {
		fmt.Fprintln(stderr, "benchratio: no benchmark group with both a floor and a wrapper member in the input")
		return 1
	}
	if *md {
		WriteMarkdown(stdout, rows, cfg, t)
	} else {
		WriteText(stdout, rows, cfg, t)
	}
	return 0
}
