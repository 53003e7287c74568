package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sample is real `go test -bench` output, two runs concatenated, with the
// noise go test prints around results.
const sample = `goos: linux
goarch: amd64
pkg: github.com/ultracart-community/ultracart-go/conversation
cpu: Intel(R) Xeon(R) Processor @ 2.80GHz
BenchmarkGetConversation/floor-2         	    5000	    100000 ns/op	         1.000 conns	   19692 B/op	     200 allocs/op
BenchmarkGetConversation/generated-2     	    5000	    110000 ns/op	         1.000 conns	   21982 B/op	     223 allocs/op
BenchmarkGetConversation/wrapper-2       	    5000	    105000 ns/op	         1.000 conns	   14553 B/op	     260 allocs/op
BenchmarkDecode/context/unmarshal-2      	     146	   2464022 ns/op	  192574 B/op	    6277 allocs/op
BenchmarkDecode/context/floor-2          	     100	   3000000 ns/op	  449401 B/op	    6239 allocs/op
BenchmarkDecode/context/wrapper-2        	     100	   2900000 ns/op	  191959 B/op	    6247 allocs/op
BenchmarkConcurrent64/floor-2            	    4546	     88835 ns/op	        64.00 conns	     11257 req/s	   19847 B/op	     207 allocs/op
BenchmarkConcurrent64/wrapper-2          	    3894	     77063 ns/op	        76.00 conns	     12976 req/s	   15025 B/op	     216 allocs/op
BenchmarkLonely
--- FAIL: BenchmarkBroken/wrapper
    bench_test.go:10: boom
PASS
ok  	github.com/ultracart-community/ultracart-go/conversation	21.183s
goos: linux
goarch: amd64
pkg: github.com/ultracart-community/ultracart-go/conversation
BenchmarkGetConversation/floor-2         	    5000	    120000 ns/op	         1.000 conns	   19692 B/op	     200 allocs/op
BenchmarkGetConversation/wrapper-2       	    5000	    115000 ns/op	         1.000 conns	   14553 B/op	     260 allocs/op
BenchmarkDecode/context/floor-2          	     100	   3100000 ns/op	  449401 B/op	    6239 allocs/op
BenchmarkDecode/context/wrapper-2        	     100	   3000000 ns/op	  191959 B/op	    6247 allocs/op
BenchmarkConcurrent64/floor-2            	    4546	     80000 ns/op	        64.00 conns	     12000 req/s	   19847 B/op	     207 allocs/op
BenchmarkConcurrent64/wrapper-2          	    3894	     78000 ns/op	        64.00 conns	     12500 req/s	   15025 B/op	     216 allocs/op
PASS
`

func TestParse(t *testing.T) {
	res, cfg, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 14 {
		t.Fatalf("%d results, want 14", len(res))
	}
	if cfg["goos"] != "linux" || cfg["cpu"] != "Intel(R) Xeon(R) Processor @ 2.80GHz" || cfg["pkg"] == "" {
		t.Errorf("config %v", cfg)
	}
	r := res[0]
	if r.Name != "BenchmarkGetConversation/floor" || r.Procs != 2 || r.Iters != 5000 {
		t.Errorf("first result %+v", r)
	}
	want := map[string]float64{"ns/op": 100000, "conns": 1, "B/op": 19692, "allocs/op": 200}
	for unit, v := range want {
		if r.Metrics[unit] != v {
			t.Errorf("%s = %v, want %v", unit, r.Metrics[unit], v)
		}
	}
	if got := res[6].Metrics["req/s"]; got != 11257 {
		t.Errorf("req/s = %v", got)
	}
}

func TestParseLine(t *testing.T) {
	for _, tc := range []struct {
		line  string
		ok    bool
		name  string
		procs int
	}{
		{"BenchmarkX 10 5 ns/op", true, "BenchmarkX", 1},
		{"BenchmarkX-16 \t 10\t 5.5 ns/op\t 3 allocs/op", true, "BenchmarkX", 16},
		{"BenchmarkX/a-b-4 10 5 ns/op", true, "BenchmarkX/a-b", 4},
		{"BenchmarkX/a-b 10 5 ns/op", true, "BenchmarkX/a-b", 1},
		{"BenchmarkX", false, "", 0},
		{"BenchmarkX-2   \t--- FAIL", false, "", 0},
		{"Benchmarks are fun", false, "", 0},
		{"--- BENCH: BenchmarkX", false, "", 0},
	} {
		r, ok, err := parseLine(tc.line)
		if err != nil || ok != tc.ok || (ok && (r.Name != tc.name || r.Procs != tc.procs)) {
			t.Errorf("parseLine(%q) = %+v, %v, %v", tc.line, r, ok, err)
		}
	}
	if _, _, err := parseLine("BenchmarkX 10 five ns/op"); err == nil {
		t.Error("a malformed value is not an error")
	}
}

func TestSplitName(t *testing.T) {
	for in, want := range map[string][2]string{
		"BenchmarkDecode/context/wrapper": {"Decode/context", "wrapper"},
		"BenchmarkGetConversation/floor":  {"GetConversation", "floor"},
		"BenchmarkAlone":                  {"Alone", ""},
	} {
		g, m := SplitName(in)
		if g != want[0] || m != want[1] {
			t.Errorf("SplitName(%q) = %q, %q", in, g, m)
		}
	}
}

func TestEvaluate(t *testing.T) {
	res, _, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	rows := Evaluate(Group(res), DefaultTargets)
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3 (Broken and Lonely have no pair)", len(rows))
	}
	byName := map[string]Row{}
	for _, r := range rows {
		byName[r.Group] = r
	}

	get := byName["GetConversation"]
	if get.Kind != KindCall || get.Runs != [2]int{2, 2} {
		t.Errorf("GetConversation: %+v", get)
	}
	// medians: floor 110000, wrapper 110000; allocs 260/200 = 1.30
	if math.Abs(get.Time-1) > 1e-9 || !get.TimeOK || math.Abs(get.Allocs-1.3) > 1e-9 || get.AllocsOK || get.OK {
		t.Errorf("GetConversation verdict: time %v ok %v, allocs %v ok %v", get.Time, get.TimeOK, get.Allocs, get.AllocsOK)
	}
	if verdict(get) != "MISS (allocs)" {
		t.Errorf("verdict %q", verdict(get))
	}
	if math.Abs(get.Generated-1) > 1e-9 { // 110000 / median(100000, 120000)
		t.Errorf("generated ratio %v", get.Generated)
	}

	dec := byName["Decode/context"]
	if dec.Kind != KindDecode || !dec.OK || math.IsNaN(dec.Reference) {
		t.Errorf("Decode/context: %+v", dec)
	}

	conc := byName["Concurrent64"]
	if conc.Kind != KindConcurrency {
		t.Fatalf("Concurrent64 kind %v", conc.Kind)
	}
	// req/s medians: floor 11628.5, wrapper 12738; conns median 70 > 64
	if !conc.TimeOK || conc.ConnsW != 70 || conc.ConnsMaxW != 76 || conc.ConnsOK || verdict(conc) != "MISS (conns)" {
		t.Errorf("Concurrent64: %+v, verdict %q", conc, verdict(conc))
	}
}

func TestDecodeNoSlower(t *testing.T) {
	mk := func(floor, wrapper []float64) Row {
		g := &BenchGroup{Name: "Decode/x", Members: map[string]Samples{
			"floor": {"ns/op": floor}, "wrapper": {"ns/op": wrapper},
		}}
		return Evaluate([]*BenchGroup{g}, DefaultTargets)[0]
	}
	// Clearly slower: every wrapper run above every floor run.
	if r := mk([]float64{100, 101, 102, 103, 104}, []float64{110, 111, 112, 113, 114}); r.OK {
		t.Errorf("clearly slower passes: p=%v", r.P)
	}
	// Overlapping: a higher median, but not significantly.
	if r := mk([]float64{100, 104, 102, 107, 101}, []float64{103, 100, 106, 102, 105}); !r.OK {
		t.Errorf("noise fails: ratio %v p=%v", r.Time, r.P)
	}
	// Too few runs to test: judged on the medians alone.
	if r := mk([]float64{100, 101}, []float64{102, 101}); r.OK || r.Note == "" {
		t.Errorf("two runs: %+v", r)
	}
	if r := mk([]float64{100}, []float64{99}); !r.OK {
		t.Errorf("faster fails: %+v", r)
	}

	// With a generated member, that is the baseline: the floor is shown only.
	g := &BenchGroup{Name: "Decode/y", Members: map[string]Samples{
		"floor":     {"ns/op": {50, 50, 50, 50}},
		"generated": {"ns/op": {100, 101, 102, 103}},
		"wrapper":   {"ns/op": {99, 100, 101, 102}},
	}}
	r := Evaluate([]*BenchGroup{g}, DefaultTargets)[0]
	if r.Base != "generated" || r.Floor != 101.5 || r.FloorTime != 50 || !r.OK {
		t.Errorf("generated baseline: %+v", r)
	}
}

func TestSlowerP(t *testing.T) {
	// All 5 xs above all 5 ys: exactly 1 of the C(10,5) = 252 arrangements.
	if p := slowerP([]float64{6, 7, 8, 9, 10}, []float64{1, 2, 3, 4, 5}); math.Abs(p-1.0/252) > 1e-12 {
		t.Errorf("p = %v, want 1/252", p)
	}
	// All below: every arrangement has U >= 0.
	if p := slowerP([]float64{1, 2}, []float64{3, 4}); p != 1 {
		t.Errorf("p = %v, want 1", p)
	}
	// Identical samples: U = nm/2, p a little over one half.
	if p := slowerP([]float64{1, 1, 1}, []float64{1, 1, 1}); p < 0.5 || p > 0.7 {
		t.Errorf("p = %v for ties", p)
	}
	// Large samples use the normal approximation and agree in direction.
	var xs, ys []float64
	for i := range 60 {
		xs = append(xs, float64(i+30))
		ys = append(ys, float64(i))
	}
	if p := slowerP(xs, ys); p > 0.001 {
		t.Errorf("normal approximation p = %v", p)
	}
}

func TestMedian(t *testing.T) {
	if m := median([]float64{3, 1, 2}); m != 2 {
		t.Errorf("median = %v", m)
	}
	if m := median([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("median = %v", m)
	}
	if !math.IsNaN(median(nil)) {
		t.Error("median of nothing is not NaN")
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bench.txt")
	if err := os.WriteFile(file, []byte(sample), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{file}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{"GetConversation", "MISS (allocs)", "Decode/context", "PASS", "Concurrent64", "MISS (conns)", "goos: linux"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if code := run([]string{"-md"}, strings.NewReader(sample), &out, &errOut); code != 0 || !strings.Contains(out.String(), "| GetConversation | 2/2 |") {
		t.Errorf("markdown from stdin: exit %d\n%s", code, out.String())
	}
	if code := run(nil, strings.NewReader("PASS\n"), &out, &errOut); code != 1 {
		t.Errorf("no benchmarks: exit %d, want 1", code)
	}
	if code := run([]string{"-nosuchflag"}, nil, &out, &errOut); code != 2 {
		t.Errorf("bad flag: exit %d, want 2", code)
	}
	if code := run([]string{filepath.Join(dir, "missing.txt")}, nil, &out, &errOut); code != 1 {
		t.Errorf("missing file: exit %d, want 1", code)
	}
}

// TestParseSeveralPackages: `go test -bench ./...` prints a header per
// package; the report names every package once, not just the last one.
func TestParseSeveralPackages(t *testing.T) {
	in := "goos: linux\npkg: example.com/m/conversation\nBenchmarkX/floor-2 10 100 ns/op\n" +
		"pkg: example.com/m/uctime\nBenchmarkY-2 10 100 ns/op\n" +
		"pkg: example.com/m/conversation\nBenchmarkX/floor-2 10 100 ns/op\n"
	_, cfg, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if want := "example.com/m/conversation, example.com/m/uctime"; cfg["pkg"] != want || cfg["goos"] != "linux" {
		t.Errorf("pkg %q, goos %q; want %q, linux", cfg["pkg"], cfg["goos"], want)
	}
	// Across files, as main merges them.
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")
	for name, pkg := range map[string]string{a: "example.com/m/conversation", b: "example.com/m/uctime"} {
		body := "pkg: " + pkg + "\nBenchmarkG/floor-2 10 100 ns/op 5 allocs/op\nBenchmarkG/wrapper-2 10 100 ns/op 5 allocs/op\n"
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out, errOut strings.Builder
	if code := run([]string{a, b, a}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "pkg: example.com/m/conversation, example.com/m/uctime\n") {
		t.Errorf("report header:\n%s", out.String())
	}
}
