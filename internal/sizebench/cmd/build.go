package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// goTool runs the go command in the module's directory.
type goTool struct {
	cmd string
	dir string
}

// output runs go with args and extra environment, returning its standard
// output; the error carries its standard error.
func (g goTool) output(ctx context.Context, env []string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, g.cmd, args...)
	cmd.Dir = g.dir
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w: %s", g.cmd, strings.Join(args, " "), err, brief(stderr.Bytes()))
	}
	return out, nil
}

// moduleRoot is the directory of the module sizebench runs in.
func (g goTool) moduleRoot(ctx context.Context) (string, error) {
	out, err := g.output(ctx, nil, "env", "GOMOD")
	if err != nil {
		return "", err
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not in a module: run sizebench from the ultracart-go module's directory")
	}
	return filepath.Dir(gomod), nil
}

// describe names the toolchain and the settings that change what is built.
func (g goTool) describe(ctx context.Context) (string, error) {
	out, err := g.output(ctx, nil, "env", "GOVERSION", "GOOS", "GOARCH", "CGO_ENABLED", "GOEXPERIMENT")
	if err != nil {
		return "", err
	}
	v := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(v) != 5 {
		return "", fmt.Errorf("go env printed %q", out)
	}
	s := fmt.Sprintf("%s %s/%s, CGO_ENABLED=%s", v[0], v[1], v[2], v[3])
	if v[4] != "" {
		s += ", GOEXPERIMENT=" + v[4]
	}
	return s, nil
}

// build compiles pkg into out.
func (g goTool) build(ctx context.Context, env []string, out, pkg string, flags ...string) error {
	args := append([]string{"build", "-o", out}, flags...)
	_, err := g.output(ctx, env, append(args, pkg)...)
	return err
}

// modules lists the modules linked into a binary (`go version -m`).
func (g goTool) modules(ctx context.Context, bin string) ([]module, error) {
	out, err := g.output(ctx, nil, "version", "-m", bin)
	if err != nil {
		return nil, err
	}
	return parseModules(out), nil
}

// module is one dependency line of `go version -m`.
type module struct{ path, version string }

// parseModules reads the dep lines of `go version -m` output (a replaced
// module's => line counts as the module it replaces).
func parseModules(out []byte) []module {
	var mods []module
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 3 && f[0] == "dep" {
			mods = append(mods, module{f[1], f[2]})
		}
	}
	return mods
}

// stdDeps lists the standard-library packages that pkgs import.
func (g goTool) stdDeps(ctx context.Context, env []string, pkgs ...string) ([]string, error) {
	args := append([]string{"list", "-deps", "-f", "{{if .Standard}}{{.ImportPath}}{{end}}"}, pkgs...)
	out, err := g.output(ctx, env, args...)
	if err != nil {
		return nil, err
	}
	std := strings.Fields(string(out))
	if len(std) == 0 {
		return nil, fmt.Errorf("go list printed no standard packages for %v", pkgs)
	}
	return std, nil
}

// timeBuilds times `go build` of both programs, builds times each, in
// alternating order, each time in a fresh build cache that holds the
// standard packages they import and nothing else. `go build -v` names the
// packages it compiles: a standard package among them means the cache was
// not warm as intended, which is an error.
func timeBuilds(ctx context.Context, g goTool, dir string, builds int, floor, wrapper *measures, log io.Writer) error {
	seed := filepath.Join(dir, "gocache-std")
	seedEnv := []string{"GOCACHE=" + seed}
	std, err := g.stdDeps(ctx, seedEnv, floorPkg, wrapperPkg)
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := g.output(ctx, seedEnv, append([]string{"build"}, std...)...); err != nil {
		return err
	}
	fmt.Fprintf(log, "   seeded a build cache with %d standard packages in %.1fs\n", len(std), time.Since(start).Seconds())
	isStd := make(map[string]bool, len(std))
	for _, p := range std {
		isStd[p] = true
	}
	progs := []struct {
		pkg string
		m   *measures
	}{{floorPkg, floor}, {wrapperPkg, wrapper}}
	for i := range builds {
		for j := range progs {
			p := progs[(i+j)%2] // floor first, then wrapper first, ...
			cache := filepath.Join(dir, fmt.Sprintf("gocache-%d", i*2+j))
			if err := linkTree(seed, cache); err != nil {
				return err
			}
			// A new output path: go build skips the link when the file at
			// -o is already the binary it would write.
			bin := filepath.Join(dir, fmt.Sprintf("timed-build-%d", i*2+j))
			start := time.Now()
			cmd := exec.CommandContext(ctx, g.cmd, "build", "-v", "-o", bin, p.pkg)
			cmd.Dir = g.dir
			cmd.Env = append(os.Environ(), "GOCACHE="+cache)
			out, err := cmd.CombinedOutput()
			elapsed := time.Since(start)
			if err != nil {
				return fmt.Errorf("go build %s: %w: %s", p.pkg, err, brief(out))
			}
			compiled := strings.Fields(string(out))
			for _, c := range compiled {
				if isStd[c] {
					return fmt.Errorf("go build %s compiled the standard package %s: the seeded cache was not used", p.pkg, c)
				}
			}
			if i > 0 && len(compiled) != p.m.compiled {
				// Each build starts from the same seed, so it compiles the same.
				return fmt.Errorf("go build %s compiled %d packages (%s), the first build %d: the seeded cache changed", p.pkg, len(compiled), strings.Join(compiled, " "), p.m.compiled)
			}
			p.m.buildTimes = append(p.m.buildTimes, elapsed)
			p.m.compiled = len(compiled)
			if err := errors.Join(os.RemoveAll(cache), os.Remove(bin)); err != nil {
				return err
			}
		}
	}
	return nil
}

// linkTree recreates the directory tree src at dst with hard links to its
// files (copies where links are not possible): fast, and safe for a build
// cache, to which the go command adds new files rather than rewriting
// existing ones. timeBuilds checks that every build compiles the same.
func linkTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if err := os.Link(path, target); err == nil {
			return nil
		}
		return copyFile(path, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
