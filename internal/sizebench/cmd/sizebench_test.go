package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ultracart-community/ultracart-go/internal/sizebench"
)

var e2e = flag.Bool("sizebench.e2e", false, "run TestEndToEnd: build and run both programs (about a minute)")

func TestParseInitTrace(t *testing.T) {
	out := []byte(`init internal/bytealg @0 ms, 0 ms clock, 0 bytes, 0 allocs
init runtime @0.020 ms, 0.087 ms clock, 0 bytes, 0 allocs
some other line from the program
init net/http @1.2 ms, 0.31 ms clock, 12345 bytes, 120 allocs
`)
	inits, err := parseInitTrace(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(inits) != 3 {
		t.Fatalf("%d inits, want 3: %+v", len(inits), inits)
	}
	first := inits[0] // heaviest first
	if first.pkg != "net/http" || first.clock != 310*time.Microsecond || first.bytes != 12345 || first.allocs != 120 {
		t.Errorf("heaviest = %+v, want net/http 0.31 ms, 12345 bytes, 120 allocs", first)
	}
	if inits[1].pkg != "runtime" || inits[2].pkg != "internal/bytealg" {
		t.Errorf("order %s, %s, want runtime, internal/bytealg", inits[1].pkg, inits[2].pkg)
	}
	for _, bad := range []string{"", "nothing to see\n", "init net/http @1.2 ms, x ms clock, 1 bytes, 1 allocs\n", "init net/http @1.2 ms, 0.3 ms clock\n"} {
		if got, err := parseInitTrace([]byte(bad)); err == nil {
			t.Errorf("parseInitTrace(%q) = %+v, want an error", bad, got)
		}
	}
}

func TestParseModules(t *testing.T) {
	out := []byte("/tmp/wrapper: go1.26.8\n" +
		"\tpath\tgithub.com/ultracart-community/ultracart-go/internal/sizebench/wrapper\n" +
		"\tmod\tgithub.com/ultracart-community/ultracart-go\t(devel)\t\n" +
		"\tdep\tgithub.com/google/uuid\tv1.6.0\th1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=\n" +
		"\tdep\tgolang.org/x/oauth2\tv0.36.0\th1:xyz=\n" +
		"\tbuild\tCGO_ENABLED=1\n")
	mods := parseModules(out)
	want := []module{{"github.com/google/uuid", "v1.6.0"}, {"golang.org/x/oauth2", "v0.36.0"}}
	if len(mods) != len(want) || mods[0] != want[0] || mods[1] != want[1] {
		t.Errorf("parseModules = %v, want %v", mods, want)
	}
}

func TestQuantile(t *testing.T) {
	ds := []time.Duration{5, 1, 4, 2, 3}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{{0, 1}, {0.25, 2}, {0.5, 3}, {1, 5}, {0.125, 1}} {
		if got := quantile(ds, tc.q); got != tc.want {
			t.Errorf("quantile(%v) = %v, want %v", tc.q, got, tc.want)
		}
	}
	if got := median([]time.Duration{1, 2, 3, 10}); got != 2 { // 2.5 truncated to 2ns
		t.Errorf("median of 4 = %v", got)
	}
	if quantile(nil, 0.5) != 0 || ds[0] != 5 {
		t.Error("quantile of nothing, or it sorted its input in place")
	}
}

// testReport is a report at the targets' edges: +1.5 MB stripped, +1 ms.
func testReport() *report {
	ms := func(v ...float64) []time.Duration {
		var ds []time.Duration
		for _, x := range v {
			ds = append(ds, time.Duration(x*float64(time.Millisecond)))
		}
		return ds
	}
	return &report{
		env: "go1.26.8 linux/amd64, CGO_ENABLED=1",
		floor: measures{size: 9_000_000, strippedSize: 6_000_000, startTimes: ms(4, 5, 6), initTimes: ms(0.5),
			inits:      []initCost{{pkg: "net/http", clock: time.Millisecond / 10, allocs: 100, bytes: 1000}},
			buildTimes: ms(500), compiled: 2},
		wrapper: measures{size: 11_000_000, strippedSize: 7_500_000, startTimes: ms(5, 6, 7), initTimes: ms(0.7),
			inits: []initCost{{pkg: "net/http", clock: time.Millisecond / 10, allocs: 100, bytes: 1000},
				{pkg: "example.com/heavy", clock: 7 * time.Millisecond, allocs: 21000, bytes: 900000}},
			buildTimes: ms(2500), compiled: 11,
			modules: []module{{"github.com/google/uuid", "v1.6.0"}}},
	}
}

func rowNamed(t *testing.T, rows []row, prefix string) row {
	t.Helper()
	for _, r := range rows {
		if strings.HasPrefix(r.measure, prefix) {
			return r
		}
	}
	t.Fatalf("no row %q", prefix)
	return row{}
}

func TestReportVerdicts(t *testing.T) {
	r := testReport()
	rows := r.rows()
	if x := rowNamed(t, rows, "binary, stripped"); x.result != "PASS" || x.delta != "+1.50 MB" || x.ratio != "1.25x" {
		t.Errorf("stripped size at the target: %+v", x)
	}
	if x := rowNamed(t, rows, "start to exit, median"); x.result != "PASS" || x.delta != "+1.00 ms" || x.floor != "5.00 ms" {
		t.Errorf("start to exit at the target: %+v", x)
	}
	if x := rowNamed(t, rows, "modules linked"); x.result != "PASS" {
		t.Errorf("modules without a validator: %+v", x)
	}
	if x := rowNamed(t, rows, "go build"); x.delta != "+2.00 s" || x.ratio != "5.00x" {
		t.Errorf("build: %+v", x)
	}

	r.wrapper.strippedSize++
	r.wrapper.startTimes[1] += time.Microsecond
	r.wrapper.modules = append(r.wrapper.modules, module{"github.com/getkin/kin-openapi", "v0.133.0"}, module{"go.yaml.in/yaml/v3", "v3.0.4"})
	rows = r.rows()
	if x := rowNamed(t, rows, "binary, stripped"); x.result != "MISS" {
		t.Errorf("one byte over: %+v", x)
	}
	if x := rowNamed(t, rows, "start to exit, median"); x.result != "MISS" {
		t.Errorf("a microsecond over: %+v", x)
	}
	if x := rowNamed(t, rows, "modules linked"); x.result != "MISS: github.com/getkin/kin-openapi, go.yaml.in/yaml/v3" {
		t.Errorf("a validator linked: %+v", x)
	}

	r.floor.buildTimes, r.wrapper.buildTimes = nil, nil
	for _, x := range r.rows() {
		if strings.HasPrefix(x.measure, "go build") {
			t.Errorf("a build row without build timings: %+v", x)
		}
	}
}

func TestReportOutput(t *testing.T) {
	r := testReport()
	var text, md bytes.Buffer
	r.writeText(&text)
	r.writeMarkdown(&md)
	for _, want := range []string{"CGO_ENABLED=1", "binary, stripped", "+1.50 MB", "PASS", "github.com/google/uuid v1.6.0",
		"1 packages, 7.00 ms, 21000 allocs in all (one run): example.com/heavy 7.00 ms, 21000 allocs"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, text.String())
		}
		if !strings.Contains(md.String(), want) {
			t.Errorf("Markdown output lacks %q:\n%s", want, md.String())
		}
	}
	if !strings.Contains(md.String(), "| binary, stripped (-ldflags='-s -w') | 6.00 MB | 7.50 MB | +1.50 MB | 1.25x | ≤ +1.50 MB | PASS |") {
		t.Errorf("Markdown row:\n%s", md.String())
	}
}

func TestLinkTree(t *testing.T) {
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "copy")
	if err := os.MkdirAll(filepath.Join(src, "0a"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"README": "cache", "0a/0a12-d": "compiled", "0a/0a12-a": "index"}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(src, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := linkTree(src, dst); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		if b, err := os.ReadFile(filepath.Join(dst, name)); err != nil || string(b) != body {
			t.Errorf("%s: %q, %v; want %q", name, b, err, body)
		}
	}
	if err := os.WriteFile(filepath.Join(dst, "0a", "new"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(src, "0a", "new")); err == nil {
		t.Error("a file added to the copy appeared in the original")
	}
	if err := copyFile(filepath.Join(src, "README"), filepath.Join(dst, "README")); err == nil {
		t.Error("copyFile overwrote an existing file")
	}
}

func TestServer(t *testing.T) {
	srv, err := startServer([]byte(`{"success":true}`))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.close()
	get := func(path string) (int, string) {
		resp, err := http.Get(strings.TrimSuffix(srv.base, "/rest/v2") + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/rest/v2/conversation/conversations/" + sizebench.ConversationUUID); code != 200 || body != `{"success":true}` {
		t.Errorf("getConversation: %d %q", code, body)
	}
	if code, _ := get("/rest/v2/conversation/conversations/other"); code != 404 {
		t.Errorf("another conversation: %d, want 404", code)
	}
}

func TestRunFlags(t *testing.T) {
	for _, args := range [][]string{{"-runs", "0"}, {"-builds", "-1"}, {"extra"}, {"-nosuchflag"}} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code != 2 || stdout.Len() > 0 {
			t.Errorf("run(%q) = %d, printed %q; want 2 and nothing on stdout", args, code, stdout.String())
		}
	}
}

// TestEndToEnd builds and runs both programs with few repetitions. It takes
// about a minute (it seeds a build cache with the standard library), so it
// runs only with -sizebench.e2e:
//
//	go test ./internal/sizebench/cmd -run TestEndToEnd -sizebench.e2e -v
func TestEndToEnd(t *testing.T) {
	if !*e2e {
		t.Skip("builds and runs both programs: pass -sizebench.e2e to run it")
	}
	var log bytes.Buffer
	rep, err := measure(context.Background(), config{goCmd: "go", runs: 3, builds: 1}, &log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	for name, m := range map[string]*measures{"floor": &rep.floor, "wrapper": &rep.wrapper} {
		if m.strippedSize <= 0 || m.strippedSize >= m.size || len(m.startTimes) != 3 || len(m.buildTimes) != 1 || m.compiled == 0 || len(m.inits) == 0 {
			t.Errorf("%s: %+v", name, m)
		}
	}
	if len(rep.floor.modules) != 0 || rep.wrapper.compiled <= rep.floor.compiled {
		t.Errorf("floor links modules %v, or compiles as much as the wrapper (%d, %d)", rep.floor.modules, rep.floor.compiled, rep.wrapper.compiled)
	}
	if bad := rep.forbidden(); len(bad) > 0 {
		t.Errorf("the wrapper links %v", bad)
	}
	var out bytes.Buffer
	rep.writeText(&out)
	t.Logf("%s\n%s", log.String(), out.String())
}
