// Command sizebench measures what importing conversation costs a program. It
// builds two minimal programs that make the same call (getConversation
// against a loopback server), one through conversation.Client
// (internal/sizebench/wrapper) and one on net/http and encoding/json alone
// (internal/sizebench/floor), and prints, side by side:
//
//   - binary size, stripped (-ldflags='-s -w') and not: target at most
//     +1.5 MB (10^6 bytes) stripped;
//   - start-to-exit time: the median wall time from starting the process to
//     its exit, over -runs runs of each, interleaved (floor, wrapper, then
//     wrapper, floor, ...), against one loopback server started beforehand:
//     target at most +1 ms;
//   - what package initialisation costs (GODEBUG=inittrace=1, one run each);
//   - `go build` time with a warm standard library: each timed build gets a
//     fresh GOCACHE holding only the standard packages the two programs
//     import (seeded once by building them, then hard-linked per build), so
//     it compiles the program's main package and, for the wrapper, this
//     module's packages and their third-party dependencies, then links. That
//     is what a user's first build after adding the module costs. `go build
//     -a` would rebuild the standard library too; the user's own warm cache
//     would rebuild nothing. Median of -builds builds of each;
//   - the modules linked into the wrapper (`go version -m`), and whether any
//     is a validator the package must not link (kin-openapi, YAML, JSON
//     Schema).
//
// Like internal/benchratio it reports, it does not gate: the exit status is 0
// whatever the verdicts, 1 when a measurement could not be made, 2 for bad
// flags. Run it from the module (`make bench` runs it after the benchmarks):
//
//	go run ./internal/sizebench/cmd [-runs 101] [-builds 5] [-md]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
)

// The two programs, as package paths relative to the module root.
const (
	floorPkg   = "./internal/sizebench/floor"
	wrapperPkg = "./internal/sizebench/wrapper"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// config is what the flags set.
type config struct {
	goCmd   string // the go command
	runs    int    // start-to-exit runs of each program
	builds  int    // timed builds of each program
	payload string // the getConversation response served
	md      bool   // Markdown tables
	keep    string // directory to keep the binaries in ("" = a temporary one)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sizebench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.goCmd, "go", "go", "the go command to build with")
	fs.IntVar(&c.runs, "runs", 101, "start-to-exit runs of each program")
	fs.IntVar(&c.builds, "builds", 5, "timed builds of each program (0: skip the build timing)")
	fs.StringVar(&c.payload, "payload", "", "getConversation response to serve (default conversation/testdata/bench/conversation.json)")
	fs.BoolVar(&c.md, "md", false, "print Markdown tables (for docs/BENCHMARKS.md)")
	fs.StringVar(&c.keep, "keep", "", "build the binaries into this directory and keep them")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: sizebench [flags]   (from the module's directory)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || c.runs < 1 || c.builds < 0 {
		fs.Usage()
		return 2
	}
	rep, err := measure(ctx, c, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "sizebench:", err)
		return 1
	}
	if c.md {
		rep.writeMarkdown(stdout)
	} else {
		rep.writeText(stdout)
	}
	return 0
}

// measure builds and runs both programs and returns what it measured,
// logging progress to log.
func measure(ctx context.Context, c config, log io.Writer) (*report, error) {
	g := goTool{cmd: c.goCmd}
	root, err := g.moduleRoot(ctx)
	if err != nil {
		return nil, err
	}
	g.dir = root
	if c.payload == "" {
		c.payload = filepath.Join(root, "conversation", "testdata", "bench", "conversation.json")
	}
	body, err := os.ReadFile(c.payload)
	if err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("", "sizebench-") // binaries and build caches
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	dir := work
	if c.keep != "" {
		if err := os.MkdirAll(c.keep, 0o755); err != nil {
			return nil, err
		}
		dir = c.keep
	}
	rep := &report{}
	if rep.env, err = g.describe(ctx); err != nil {
		return nil, err
	}

	fmt.Fprintln(log, "== sizebench: building the two programs")
	bins := map[string]string{} // name -> unstripped binary
	for _, p := range []struct {
		name, pkg string
		m         *measures
	}{{"floor", floorPkg, &rep.floor}, {"wrapper", wrapperPkg, &rep.wrapper}} {
		plain := filepath.Join(dir, p.name)
		stripped := plain + "-stripped"
		if err := g.build(ctx, nil, plain, p.pkg); err != nil {
			return nil, err
		}
		if err := g.build(ctx, nil, stripped, p.pkg, "-ldflags=-s -w"); err != nil {
			return nil, err
		}
		if p.m.size, err = fileSize(plain); err != nil {
			return nil, err
		}
		if p.m.strippedSize, err = fileSize(stripped); err != nil {
			return nil, err
		}
		if p.m.modules, err = g.modules(ctx, plain); err != nil {
			return nil, err
		}
		bins[p.name] = plain
	}

	fmt.Fprintf(log, "== sizebench: start to exit, %d runs of each against one loopback server\n", c.runs)
	srv, err := startServer(body)
	if err != nil {
		return nil, err
	}
	defer srv.close()
	if err := timeStartups(ctx, srv.base, bins["floor"], bins["wrapper"], c.runs, &rep.floor, &rep.wrapper); err != nil {
		return nil, err
	}

	if c.builds > 0 {
		fmt.Fprintf(log, "== sizebench: go build with only the standard library cached, %d builds of each\n", c.builds)
		if err := timeBuilds(ctx, g, work, c.builds, &rep.floor, &rep.wrapper, log); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

func fileSize(name string) (int64, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return 0, err
	}
	if fi.Size() == 0 {
		return 0, errors.New(name + ": empty file")
	}
	return fi.Size(), nil
}

// brief shortens a command's output for an error message.
func brief(b []byte) string {
	const max = 2000
	s := strings.TrimSpace(string(b))
	if len(s) > max {
		s = "..." + s[len(s)-max:]
	}
	return s
}
