package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
)

// Targets are the thresholds of the verdicts.
type Targets struct {
	Time, Allocs float64 // single calls: wrapper/floor
	Conns        float64 // concurrency: TCP connections opened by the wrapper
	Throughput   float64 // concurrency: floor req/s / wrapper req/s
	Alpha        float64 // decoding: significance of "slower"
}

// DefaultTargets are the project's performance targets (docs/BENCHMARKS.md).
var DefaultTargets = Targets{Time: 1.10, Allocs: 1.25, Conns: 64, Throughput: 1.10, Alpha: 0.05}

// Kind decides which targets apply to a group.
type Kind int

const (
	KindCall        Kind = iota // one call, or one pagination walk
	KindDecode                  // Decode/...: no slower than encoding/json
	KindConcurrency             // reports req/s
)

func (k Kind) String() string {
	return [...]string{"call", "decode", "concurrent"}[k]
}

// Samples holds one member's values over all runs, by unit.
type Samples map[string][]float64

// BenchGroup is the members of one group, in order of first appearance.
type BenchGroup struct {
	Name    string
	Members map[string]Samples
}

// Group gathers results by group and member, keeping first-appearance order.
func Group(results []Result) []*BenchGroup {
	var order []*BenchGroup
	byName := map[string]*BenchGroup{}
	for _, r := range results {
		g, m := SplitName(r.Name)
		bg := byName[g]
		if bg == nil {
			bg = &BenchGroup{Name: g, Members: map[string]Samples{}}
			byName[g] = bg
			order = append(order, bg)
		}
		s := bg.Members[m]
		if s == nil {
			s = Samples{}
			bg.Members[m] = s
		}
		for unit, v := range r.Metrics {
			s[unit] = append(s[unit], v)
		}
	}
	return order
}

// Row is the evaluation of one group.
type Row struct {
	Group string
	Kind  Kind
	// Base is the member the wrapper is compared with: the floor, or for
	// decoding the generated client when there is one (encoding/json behind
	// the same request builder as the wrapper, so that only decoding differs).
	Base        string
	Runs        [2]int  // base, wrapper samples of ns/op
	Floor, Wrap float64 // base and wrapper: ns/op, or req/s for concurrency
	// Time is wrapper/floor ns/op; for concurrency, floor/wrapper req/s.
	Time                 float64
	P                    float64 // decode: one-sided p of "wrapper slower"
	AllocsF, AllocsW     float64
	Allocs               float64 // wrapper/floor allocs/op (NaN when not reported)
	BytesF, BytesW       float64
	Generated            float64 // generated/floor ns/op (NaN without a generated member)
	Reference            float64 // unmarshal or marshal alone, ns/op (NaN without)
	FloorTime            float64 // decode: the hand-written floor's ns/op, for information
	ConnsF, ConnsW       float64 // medians
	ConnsMaxW            float64
	ClosedF, ClosedW     float64 // connections closed during the run, medians
	TimeOK, AllocsOK, OK bool
	ConnsOK              bool
	Note                 string
}

// Evaluate computes the ratios and verdicts of every group that has both a
// floor and a wrapper member.
func Evaluate(groups []*BenchGroup, t Targets) []Row {
	var rows []Row
	for _, g := range groups {
		f, w := g.Members["floor"], g.Members["wrapper"]
		if f == nil || w == nil {
			continue
		}
		r := Row{Group: g.Name, Kind: KindCall, Base: "floor", Generated: math.NaN(), Reference: math.NaN(),
			Allocs: math.NaN(), P: math.NaN(), FloorTime: math.NaN()}
		switch {
		case len(w["req/s"]) > 0 && len(f["req/s"]) > 0:
			r.Kind = KindConcurrency
		case strings.HasPrefix(g.Name, "Decode/") || g.Name == "Decode":
			r.Kind = KindDecode
			r.FloorTime = median(f["ns/op"])
			if gen := g.Members["generated"]; gen != nil && len(gen["ns/op"]) > 0 {
				f, r.Base = gen, "generated"
			}
		}
		r.Runs = [2]int{len(f["ns/op"]), len(w["ns/op"])}
		r.AllocsF, r.AllocsW = median(f["allocs/op"]), median(w["allocs/op"])
		r.BytesF, r.BytesW = median(f["B/op"]), median(w["B/op"])
		if r.AllocsF > 0 {
			r.Allocs = r.AllocsW / r.AllocsF
		} else if r.AllocsF == 0 && r.AllocsW == 0 {
			r.Allocs = 1
		}
		if gen := g.Members["generated"]; gen != nil {
			r.Generated = median(gen["ns/op"]) / median(g.Members["floor"]["ns/op"])
		}
		for _, ref := range []string{"unmarshal", "marshal"} {
			if s := g.Members[ref]; s != nil {
				r.Reference = median(s["ns/op"])
			}
		}
		switch r.Kind {
		case KindConcurrency:
			r.Floor, r.Wrap = median(f["req/s"]), median(w["req/s"])
			r.Time = r.Floor / r.Wrap
			r.TimeOK = r.Time <= t.Throughput
			r.ConnsF, r.ConnsW = median(f["conns"]), median(w["conns"])
			r.ConnsMaxW = maxOf(w["conns"])
			r.ClosedF, r.ClosedW = median(f["closed"]), median(w["closed"])
			r.ConnsOK = !math.IsNaN(r.ConnsW) && r.ConnsW <= t.Conns
			r.AllocsOK = true
			r.OK = r.TimeOK && r.ConnsOK
		case KindDecode:
			r.Floor, r.Wrap = median(f["ns/op"]), median(w["ns/op"])
			r.Time = r.Wrap / r.Floor
			r.P = slowerP(w["ns/op"], f["ns/op"])
			switch {
			case r.Time <= 1:
				r.TimeOK = true
			case r.Runs[0] < 4 || r.Runs[1] < 4:
				r.Note = "fewer than 4 runs: no significance test"
			default:
				r.TimeOK = r.P >= t.Alpha
			}
			r.AllocsOK = true // not a decoding target; shown for information
			r.OK = r.TimeOK
		default:
			r.Floor, r.Wrap = median(f["ns/op"]), median(w["ns/op"])
			r.Time = r.Wrap / r.Floor
			r.TimeOK = r.Time <= t.Time
			r.AllocsOK = math.IsNaN(r.Allocs) || r.Allocs <= t.Allocs
			r.OK = r.TimeOK && r.AllocsOK
		}
		rows = append(rows, r)
	}
	return rows
}

func maxOf(xs []float64) float64 {
	m := math.NaN()
	for _, x := range xs {
		if math.IsNaN(m) || x > m {
			m = x
		}
	}
	return m
}

func verdict(r Row) string {
	if r.OK {
		return "PASS"
	}
	var what []string
	if !r.TimeOK {
		if r.Kind == KindConcurrency {
			what = append(what, "req/s")
		} else {
			what = append(what, "time")
		}
	}
	if !r.AllocsOK {
		what = append(what, "allocs")
	}
	if r.Kind == KindConcurrency && !r.ConnsOK {
		what = append(what, "conns")
	}
	return "MISS (" + strings.Join(what, ", ") + ")"
}

// --- formatting ---------------------------------------------------------------

func fmtDuration(ns float64) string {
	switch {
	case math.IsNaN(ns):
		return "-"
	case ns >= 1e9:
		return fmt.Sprintf("%.2fs", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.2fms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.1fµs", ns/1e3)
	}
	return fmt.Sprintf("%.0fns", ns)
}

func fmtCount(v float64) string {
	switch {
	case math.IsNaN(v):
		return "-"
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

func fmtBytes(v float64) string {
	switch {
	case math.IsNaN(v):
		return "-"
	case v >= 1<<20:
		return fmt.Sprintf("%.1f MiB", v/(1<<20))
	case v >= 1<<10:
		return fmt.Sprintf("%.1f KiB", v/(1<<10))
	}
	return fmt.Sprintf("%.0f B", v)
}

func fmtRatio(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	return fmt.Sprintf("%.2fx", v)
}

func header(w io.Writer, cfg Config, t Targets, prefix string) {
	var parts []string
	for _, k := range []string{"goos", "goarch", "cpu", "pkg"} {
		if v := cfg[k]; v != "" {
			parts = append(parts, k+": "+v)
		}
	}
	if len(parts) > 0 {
		fmt.Fprintln(w, prefix+strings.Join(parts, ", "))
	}
	fmt.Fprintf(w, "%smedians of all runs. Targets: per call, wrapper time <= %.2fx and allocs <= %.2fx the floor's; "+
		"decoding no slower than encoding/json behind the same request builder (the generated client; one-sided Mann-Whitney U, alpha %.2f); "+
		"with 64 workers, <= %.0f connections and floor req/s <= %.2fx the wrapper's.\n",
		prefix, t.Time, t.Allocs, t.Alpha, t.Conns, t.Throughput)
}

// table is a table in either output format.
type table struct {
	head  []string
	align []bool // right-aligned columns (Markdown)
	rows  [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(w io.Writer, md bool) {
	if md {
		fmt.Fprintln(w, "| "+strings.Join(t.head, " | ")+" |")
		seps := make([]string, len(t.head))
		for i := range seps {
			seps[i] = "---"
			if i < len(t.align) && t.align[i] {
				seps[i] = "---:"
			}
		}
		fmt.Fprintln(w, "| "+strings.Join(seps, " | ")+" |")
		for _, r := range t.rows {
			fmt.Fprintln(w, "| "+strings.Join(r, " | ")+" |")
		}
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(t.head, "\t"))
	for _, r := range t.rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
}

// tables builds the three tables: single calls against the floor, decoding
// against encoding/json, and concurrency.
func tables(rows []Row, t Targets) []*table {
	calls := &table{
		head:  []string{"benchmark", "runs", "floor", "wrapper", "wrapper/floor", "target", "allocs floor → wrapper", "allocs ratio", "target", "B/op floor → wrapper", "generated/floor", "json alone", "result"},
		align: []bool{false, false, true, true, true, false, true, true, false, true, true, true, false},
	}
	dec := &table{
		head:  []string{"benchmark", "runs", "json alone", "floor", "generated", "wrapper", "wrapper/generated", "p (slower)", "target", "allocs generated → wrapper", "B/op generated → wrapper", "result"},
		align: []bool{false, false, true, true, true, true, true, true, false, true, true, false},
	}
	conc := &table{
		head:  []string{"benchmark", "runs", "floor req/s", "wrapper req/s", "floor/wrapper", "target", "conns floor", "conns wrapper (max)", "target", "closed floor / wrapper", "allocs floor → wrapper", "result"},
		align: []bool{false, false, true, true, true, false, true, true, false, true, true, false},
	}
	for _, r := range rows {
		runs := fmt.Sprintf("%d/%d", r.Runs[0], r.Runs[1])
		switch r.Kind {
		case KindCall:
			calls.add(r.Group, runs, fmtDuration(r.Floor), fmtDuration(r.Wrap), fmtRatio(r.Time), fmt.Sprintf("≤ %.2fx", t.Time),
				fmtCount(r.AllocsF)+" → "+fmtCount(r.AllocsW), fmtRatio(r.Allocs), fmt.Sprintf("≤ %.2fx", t.Allocs),
				fmtBytes(r.BytesF)+" → "+fmtBytes(r.BytesW), fmtRatio(r.Generated), fmtDuration(r.Reference), verdict(r)+note(r))
		case KindDecode:
			gen, floor := fmtDuration(r.Floor), fmtDuration(r.FloorTime)
			if r.Base != "generated" {
				gen = "-"
			}
			p := "-"
			if !math.IsNaN(r.P) {
				p = fmt.Sprintf("%.3f", r.P)
			}
			dec.add(r.Group, runs, fmtDuration(r.Reference), floor, gen, fmtDuration(r.Wrap), fmtRatio(r.Time), p, "no slower",
				fmtCount(r.AllocsF)+" → "+fmtCount(r.AllocsW), fmtBytes(r.BytesF)+" → "+fmtBytes(r.BytesW), verdict(r)+note(r))
		case KindConcurrency:
			conc.add(r.Group, runs, fmtCount(r.Floor), fmtCount(r.Wrap), fmtRatio(r.Time), fmt.Sprintf("≤ %.2fx", t.Throughput),
				fmtCount(r.ConnsF), fmtCount(r.ConnsW)+" ("+fmtCount(r.ConnsMaxW)+")", fmt.Sprintf("≤ %.0f", t.Conns),
				fmtCount(r.ClosedF)+" / "+fmtCount(r.ClosedW), fmtCount(r.AllocsF)+" → "+fmtCount(r.AllocsW), verdict(r))
		}
	}
	var out []*table
	for _, tb := range []*table{calls, dec, conc} {
		if len(tb.rows) > 0 {
			out = append(out, tb)
		}
	}
	return out
}

// WriteText prints aligned plain-text tables.
func WriteText(w io.Writer, rows []Row, cfg Config, t Targets) { write(w, rows, cfg, t, false) }

// WriteMarkdown prints the same tables in Markdown.
func WriteMarkdown(w io.Writer, rows []Row, cfg Config, t Targets) { write(w, rows, cfg, t, true) }

func write(w io.Writer, rows []Row, cfg Config, t Targets, md bool) {
	header(w, cfg, t, "")
	for _, tb := range tables(rows, t) {
		fmt.Fprintln(w)
		tb.write(w, md)
	}
}

func note(r Row) string {
	if r.Note != "" {
		return " (" + r.Note + ")"
	}
	return ""
}
