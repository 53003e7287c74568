package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Targets for the wrapper over the floor.
const (
	maxStrippedDelta = 1_500_000 // bytes (1.5 MB)
	maxStartDelta    = time.Millisecond
)

// forbiddenModules are module path fragments that must not be linked into a
// program importing conversation: the spec validator and what it brings.
var forbiddenModules = []string{"kin-openapi", "yaml", "jsonschema", "oapi-codegen/oapi-codegen", "golang.org/x/text"}

// measures is what was measured of one program.
type measures struct {
	size, strippedSize int64
	modules            []module
	startTimes         []time.Duration
	inits              []initCost      // of the last inittrace run, heaviest first
	initTimes          []time.Duration // total init time of each inittrace run
	buildTimes         []time.Duration
	compiled           int // packages a timed build compiled
}

// initAllocs totals the allocations of package initialisation.
func (m *measures) initAllocs() (allocs, bytes int64) {
	for _, c := range m.inits {
		allocs += c.allocs
		bytes += c.bytes
	}
	return allocs, bytes
}

// report is a sizebench run's result.
type report struct {
	env            string // toolchain and build settings
	floor, wrapper measures
}

// forbidden returns the wrapper's modules that match forbiddenModules.
func (r *report) forbidden() []string {
	var bad []string
	for _, m := range r.wrapper.modules {
		for _, f := range forbiddenModules {
			if strings.Contains(m.path, f) {
				bad = append(bad, m.path)
				break
			}
		}
	}
	return bad
}

// row is one line of the report: a measure of both programs.
type row struct {
	measure        string
	floor, wrapper string
	delta, ratio   string
	target, result string
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "MISS"
}

func mb(n int64) string      { return fmt.Sprintf("%.2f MB", float64(n)/1e6) }
func deltaMB(n int64) string { return fmt.Sprintf("%+.2f MB", float64(n)/1e6) }

func ratio(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", a/b)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }
func deltaMs(d time.Duration) string {
	return fmt.Sprintf("%+.2f ms", float64(d)/float64(time.Millisecond))
}
func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func (r *report) rows() []row {
	f, w := &r.floor, &r.wrapper
	var rows []row
	sd := w.strippedSize - f.strippedSize
	rows = append(rows,
		row{"binary, stripped (-ldflags='-s -w')", mb(f.strippedSize), mb(w.strippedSize), deltaMB(sd),
			ratio(float64(w.strippedSize), float64(f.strippedSize)), "≤ +1.50 MB", verdict(sd <= maxStrippedDelta)},
		row{"binary", mb(f.size), mb(w.size), deltaMB(w.size - f.size),
			ratio(float64(w.size), float64(f.size)), "", ""})
	fm, wm := median(f.startTimes), median(w.startTimes)
	rows = append(rows,
		row{fmt.Sprintf("start to exit, median of %d runs", len(w.startTimes)), ms(fm), ms(wm), deltaMs(wm - fm),
			ratio(float64(wm), float64(fm)), "≤ +1.00 ms", verdict(wm-fm <= maxStartDelta)},
		row{"  start to exit, 25th-75th percentile",
			ms(quantile(f.startTimes, 0.25)) + " - " + ms(quantile(f.startTimes, 0.75)),
			ms(quantile(w.startTimes, 0.25)) + " - " + ms(quantile(w.startTimes, 0.75)), "", "", "", ""})
	fc, wc := median(f.initTimes), median(w.initTimes)
	fa, fb := f.initAllocs()
	wa, wb := w.initAllocs()
	rows = append(rows,
		row{fmt.Sprintf("package init (GODEBUG=inittrace=1), median of %d runs", len(w.initTimes)), ms(fc), ms(wc), deltaMs(wc - fc), ratio(float64(wc), float64(fc)), "", ""},
		row{"  allocations during init", fmt.Sprintf("%d (%d B)", fa, fb), fmt.Sprintf("%d (%d B)", wa, wb),
			fmt.Sprintf("%+d", wa-fa), ratio(float64(wa), float64(fa)), "", ""})
	if len(w.buildTimes) > 0 {
		fbt, wbt := median(f.buildTimes), median(w.buildTimes)
		rows = append(rows,
			row{fmt.Sprintf("go build, standard library cached, median of %d", len(w.buildTimes)), secs(fbt), secs(wbt),
				fmt.Sprintf("%+.2f s", (wbt - fbt).Seconds()), ratio(float64(wbt), float64(fbt)), "", ""},
			row{"  packages compiled by each build", fmt.Sprint(f.compiled), fmt.Sprint(w.compiled), fmt.Sprintf("%+d", w.compiled-f.compiled), "", "", ""})
	}
	bad := r.forbidden()
	result := verdict(len(bad) == 0)
	if len(bad) > 0 {
		result += ": " + strings.Join(bad, ", ")
	}
	rows = append(rows, row{"modules linked (go version -m)", fmt.Sprint(len(f.modules)), fmt.Sprint(len(w.modules)),
		fmt.Sprintf("%+d", len(w.modules)-len(f.modules)), "", "no validator", result})
	return rows
}

func (r *report) modulesLine() string {
	var mods []string
	for _, m := range r.wrapper.modules {
		mods = append(mods, m.path+" "+m.version)
	}
	if len(mods) == 0 {
		return "none"
	}
	return strings.Join(mods, ", ")
}

// wrapperOnlyInits describes the package inits the wrapper runs and the
// floor does not, heaviest first (at most n named).
func (r *report) wrapperOnlyInits(n int) string {
	inFloor := map[string]bool{}
	for _, c := range r.floor.inits {
		inFloor[c.pkg] = true
	}
	var only []initCost
	var clock time.Duration
	var allocs int64
	for _, c := range r.wrapper.inits {
		if !inFloor[c.pkg] {
			only = append(only, c)
			clock += c.clock
			allocs += c.allocs
		}
	}
	if len(only) == 0 {
		return "none"
	}
	var s []string
	for _, c := range only[:min(n, len(only))] {
		s = append(s, fmt.Sprintf("%s %s, %d allocs", c.pkg, ms(c.clock), c.allocs))
	}
	return fmt.Sprintf("%d packages, %s, %d allocs in all (one run): %s", len(only), ms(clock), allocs, strings.Join(s, "; "))
}

const (
	header  = "wrapper (conversation.Client, " + wrapperPkg + ") against floor (net/http + encoding/json, " + floorPkg + ")"
	columns = "measure\tfloor\twrapper\twrapper-floor\twrapper/floor\ttarget\tresult"
)

func (r *report) writeText(w io.Writer) {
	fmt.Fprintf(w, "\nWhat importing conversation costs: %s\n%s\n\n", header, r.env)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, columns)
	for _, x := range r.rows() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", x.measure, x.floor, x.wrapper, x.delta, x.ratio, x.target, x.result)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nmodules linked into the wrapper: %s\n", r.modulesLine())
	fmt.Fprintf(w, "package inits only the wrapper runs: %s\n", r.wrapperOnlyInits(5))
	fmt.Fprintln(w, "(a report, not a gate: MISS does not fail the build)")
}

func (r *report) writeMarkdown(w io.Writer) {
	fmt.Fprintf(w, "%s; %s.\n\n", header, r.env)
	fmt.Fprintln(w, "| "+strings.ReplaceAll(columns, "\t", " | ")+" |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | --- | --- |")
	for _, x := range r.rows() {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", x.measure, x.floor, x.wrapper, x.delta, x.ratio, x.target, x.result)
	}
	fmt.Fprintf(w, "\nModules linked into the wrapper: %s.\n", r.modulesLine())
	fmt.Fprintf(w, "Package inits only the wrapper runs: %s.\n", r.wrapperOnlyInits(5))
}
