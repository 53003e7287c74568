// Command specsync is the path from an UltraCart SDK release to
// api/openapi.yaml, in two stages that the repository can test without the
// SDK:
//
//	extract  SDK source -> api/sdk/ultracart-js-<release>.json, what the
//	         release states (operations, parameters, models, enums, docs)
//	build    facts + api/decisions.yaml -> api/openapi.yaml
//	sync     both (make sync-spec SDK=<dir> [TAG=<tag>])
//	drift    what an SDK release changes against the committed facts, as
//	         Markdown for CHANGELOG.md; fails while a fact is undecided
//	         (make spec-drift SDK=<dir> [TAG=<tag>])
//
// It reads UltraCart's JavaScript SDK (UltraCart/rest_api_v2_sdk_javascript):
// a checkout directory, or a git directory and a tag. The decisions file
// holds everything that is the project's own or that the SDK cannot state.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

const usage = `usage: specsync <command> [flags]

  extract -sdk DIR [-tag TAG] [-out FILE]   write the release's facts (default api/sdk/ultracart-js-<release>.json)
  build   [-facts FILE] [-out FILE]          write api/openapi.yaml from the facts and api/decisions.yaml
  sync    -sdk DIR [-tag TAG]                extract, then build; writes nothing while a fact is undecided
  drift   -sdk DIR [-tag TAG] | -new FILE    Markdown report of what the release changes against the committed
          [-facts BASE]                      facts (or BASE); exit 1 while a fact is undecided

Common flags: -root DIR (the module's root, default .)`

func main() {
	log.SetFlags(0)
	log.SetPrefix("specsync: ")
	if err := run(os.Args[1:], os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// paths are the committed files, relative to the module's root.
const (
	factsDir      = "api/sdk"
	factsPrefix   = "ultracart-js-"
	decisionsFile = "api/decisions.yaml"
	specFile      = "api/openapi.yaml"
)

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	cmd := args[0]
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	root := fs.String("root", ".", "the module's root directory")
	sdk := fs.String("sdk", "", "the JavaScript SDK: a checkout, or a git directory with -tag")
	tag := fs.String("tag", "", "the release's git tag, when -sdk is a git directory")
	out := fs.String("out", "", "output file")
	factsPath := fs.String("facts", "", "facts file (default: the one in api/sdk)")
	newFacts := fs.String("new", "", "drift: a facts file to compare instead of an SDK")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	at := func(p string) string { return filepath.Join(*root, filepath.FromSlash(p)) }

	switch cmd {
	case "extract", "sync":
		if *sdk == "" {
			return fmt.Errorf("%s: -sdk is required (make sync-spec SDK=<dir>)", cmd)
		}
		f, err := extractFrom(*sdk, *tag)
		if err != nil {
			return err
		}
		var spec []byte
		if cmd == "sync" {
			// Build first: the facts of a release the decisions do not
			// cover yet are not committed beside a spec of the last one.
			d, err := readDecisions(at(decisionsFile))
			if err != nil {
				return err
			}
			if spec, err = build(f, d); err != nil {
				return fmt.Errorf("%w\n(nothing written; `make spec-drift SDK=...` reports the release's changes with these)", err)
			}
		}
		path := *out
		if path == "" || cmd == "sync" {
			path = at(factsDir + "/" + factsPrefix + f.Release + ".json")
		}
		if err := writeFacts(path, f, cmd == "sync"); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %d operations, %d schemas\n", path, len(f.Operations), len(f.Schemas))
		if cmd == "extract" {
			return nil
		}
		if err := os.WriteFile(at(specFile), spec, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: release %s, %d operations\n", at(specFile), f.Release, len(f.Operations))
		return nil
	case "build":
		path := *factsPath
		if path == "" {
			var err error
			if path, err = committedFacts(at(factsDir)); err != nil {
				return err
			}
		}
		f, err := readFacts(path)
		if err != nil {
			return err
		}
		o := *out
		if o == "" {
			o = at(specFile)
		}
		return buildTo(at(decisionsFile), f, o, stdout)
	case "drift":
		return runDrift(at, *sdk, *tag, *newFacts, *factsPath, stdout)
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

func extractFrom(dir, tag string) (*Facts, error) {
	src, err := openSDK(dir, tag)
	if err != nil {
		return nil, err
	}
	return extract(src)
}

// writeFacts writes f to path; replace removes the other releases' facts
// beside it (one release is current).
func writeFacts(path string, f *Facts, replace bool) error {
	b, err := encodeFacts(f)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if replace {
		old, _ := filepath.Glob(filepath.Join(filepath.Dir(path), factsPrefix+"*.json"))
		for _, o := range old {
			if o != path {
				if err := os.Remove(o); err != nil {
					return err
				}
			}
		}
	}
	return os.WriteFile(path, b, 0o644)
}

// committedFacts is the one facts file in dir.
func committedFacts(dir string) (string, error) {
	files, err := filepath.Glob(filepath.Join(dir, factsPrefix+"*.json"))
	if err != nil {
		return "", err
	}
	if len(files) != 1 {
		return "", fmt.Errorf("%s: want exactly one %s*.json, found %d", dir, factsPrefix, len(files))
	}
	return files[0], nil
}

func buildTo(decisionsPath string, f *Facts, out string, stdout io.Writer) error {
	d, err := readDecisions(decisionsPath)
	if err != nil {
		return err
	}
	b, err := build(f, d)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: release %s, %d operations\n", out, f.Release, len(f.Operations))
	return nil
}

func sortedKeys[M ~map[string]V, V any](m M) []string { return slices.Sorted(maps.Keys(m)) }

// joinLines is a helper for messages listing several problems.
func joinLines(prefix string, items []string) string {
	return prefix + "\n  " + strings.Join(items, "\n  ")
}
