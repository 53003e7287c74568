package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ultracart-community/ultracart-go/gen/genspec"
)

// TestRun starts the command in-process on a free port, calls the API with
// the printed key, and stops it as a signal would.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"-addr", "127.0.0.1:0", "-v"}, pw)
		_ = pw.CloseWithError(err)
		done <- err
	}()

	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var baseURL, key string
	for baseURL == "" || key == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("output ended before the banner: %v", <-done)
			}
			if v, ok := strings.CutPrefix(l, "export ULTRACART_BASE_URL="); ok {
				baseURL = v
			}
			if v, ok := strings.CutPrefix(l, "export ULTRACART_SIMPLE_KEY="); ok {
				key = v
			}
		case <-testDeadline(t):
			t.Fatal("no banner before the test's deadline")
		}
	}
	if !strings.HasPrefix(baseURL, "http://127.0.0.1:") || !strings.HasSuffix(baseURL, "/rest/v2") || key == "" {
		t.Fatalf("base URL %q key %q", baseURL, key)
	}

	req, _ := http.NewRequest(http.MethodGet, baseURL+"/conversation/conversations", nil)
	req.Header.Set("x-ultracart-simple-key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Success       bool              `json:"success"`
		Conversations []json.RawMessage `json:"conversations"`
	}
	err = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || !body.Success || len(body.Conversations) == 0 {
		t.Fatalf("status %d, %v, %+v (demo data expected)", resp.StatusCode, err, body)
	}
	resp, err = http.Get(baseURL + "/conversation/conversations")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without the key: %d", resp.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-testDeadline(t):
		t.Fatal("run did not return after cancel, before the test's deadline")
	}
	var sawLog, sawStopped bool
	for l := range lines {
		sawLog = sawLog || strings.Contains(l, "GET /rest/v2/conversation/conversations -> 200")
		sawStopped = sawStopped || l == "stopped"
	}
	if !sawLog || !sawStopped {
		t.Errorf("request log %v, stopped %v", sawLog, sawStopped)
	}
}

// testDeadline fires a little before the test binary's deadline (go test
// -timeout), so that a wait that never ends fails the test with its own
// message rather than the binary's panic; it never fires without a
// deadline. A loaded machine can take many seconds to start the command:
// a fixed wait shorter than the deadline would fail a test that works.
func testDeadline(t *testing.T) <-chan time.Time {
	d, ok := t.Deadline()
	if !ok {
		return nil
	}
	return time.After(time.Until(d) - min(time.Until(d)/10, 5*time.Second))
}

func TestRunFlags(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // stop at once: only flag handling and startup are tested
	var out strings.Builder
	if err := run(ctx, []string{"-addr", "127.0.0.1:0", "-key", "test-key", "-demo=false"}, &out); err != nil {
		t.Fatalf("run: %v", err)
	}
	if !strings.Contains(out.String(), "ULTRACART_SIMPLE_KEY=test-key") {
		t.Errorf("output %q", out.String())
	}
	if want := "fake, release " + fakeRelease(t) + ", listening on"; !strings.Contains(out.String(), want) {
		t.Errorf("output %q lacks %q", out.String(), want)
	}
	if err := run(ctx, []string{"-unknown-properties", "drop"}, io.Discard); err == nil || !strings.Contains(err.Error(), "refuse or keep") {
		t.Errorf("-unknown-properties drop: %v", err)
	}
	if err := run(ctx, []string{"-h"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
	if err := run(ctx, []string{"-nope"}, io.Discard); err == nil {
		t.Errorf("unknown flag: no error")
	}
	if err := run(ctx, []string{"extra"}, io.Discard); err == nil {
		t.Errorf("extra argument: no error")
	}
	if err := run(ctx, []string{"-addr", "256.0.0.1:http"}, io.Discard); err == nil {
		t.Errorf("bad address: no error")
	}
	if err := run(ctx, []string{"-key", " "}, io.Discard); err == nil {
		t.Errorf("blank key: no error")
	}
	if err := run(ctx, []string{"-seed", filepath.Join(t.TempDir(), "missing.json")}, io.Discard); err == nil {
		t.Errorf("missing seed file: no error")
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"pbx_queues":[{"name":"Sales","say_voice":"robot"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"-addr", "127.0.0.1:0", "-seed", bad}, io.Discard); err == nil || !strings.Contains(err.Error(), "say_voice") {
		t.Errorf("seed file with a value the spec refuses: %v", err)
	}
}

// A seed file adds to the demo data, in the format of WithSeedJSON.
func TestRunSeed(t *testing.T) {
	seed := filepath.Join(t.TempDir(), "seed.json")
	doc := `{"pbx_calls":[{"call_uuid":"11111111-2222-4333-8444-555555555555","customer_name":"Seeded Caller"}]}`
	if err := os.WriteFile(seed, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	baseURL := startFake(t, "-seed", seed)
	req, _ := http.NewRequest(http.MethodGet, baseURL+"/conversation/pbx/call/11111111-2222-4333-8444-555555555555", nil)
	req.Header.Set("x-ultracart-simple-key", "test-key")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "Seeded Caller") {
		t.Errorf("seeded call: %d %s", resp.StatusCode, b)
	}
}

// A property outside the release is refused by default, naming it and the
// release; with -unknown-properties=keep it is kept, returned as sent, and
// a line is printed.
func TestRunUnknownProperties(t *testing.T) {
	const body = `{"friendly_name":"HQ","nickname":"x"}`
	refused := startFake(t)
	status, b := post(t, refused+"/conversation/pbx/address", body)
	if status != 400 || !strings.Contains(b, `\"nickname\"`) || !strings.Contains(b, "release "+fakeRelease(t)) {
		t.Errorf("refuse: %d %s", status, b)
	}

	var out syncBuffer
	kept := startFakeOut(t, &out, "-unknown-properties=keep")
	status, b = post(t, kept+"/conversation/pbx/address", body)
	if status != 200 || !strings.Contains(b, `"nickname":"x"`) {
		t.Errorf("keep: %d %s", status, b)
	}
	if !strings.Contains(out.String(), `insertPbxAddress: accepted body property "nickname"`) {
		t.Errorf("no line for the kept property: %q", out.String())
	}
}

// fakeRelease is the release the fake serves, as the spec states it.
func fakeRelease(t *testing.T) string {
	t.Helper()
	doc, err := genspec.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	return doc.Info.Version
}

func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("x-ultracart-simple-key", "test-key")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// syncBuffer is a bytes.Buffer safe for the command's writes and the
// test's reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestOfficialPHPSDK runs UltraCart's own PHP SDK over all 128 operations
// against the command (testdata/sdk_scenario.php). It needs php with
// Debian's php-guzzlehttp-guzzle, and ULTRACART_PHP_SDK naming the lib/
// directory of github.com/UltraCart/rest_api_v2_sdk_php at tag 4.1.70;
// without them it is skipped.
func TestOfficialPHPSDK(t *testing.T) {
	sdk := os.Getenv("ULTRACART_PHP_SDK")
	php, err := exec.LookPath("php")
	if sdk == "" || err != nil {
		t.Skip("set ULTRACART_PHP_SDK to the PHP SDK's lib/ and install php to run UltraCart's PHP SDK against the fake")
	}
	baseURL := startFake(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, php, "testdata/sdk_scenario.php")
	cmd.Env = append(os.Environ(), "BASE="+baseURL, "KEY=test-key")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "128 operations called, 0 failures") {
		t.Fatalf("PHP SDK scenario: %v\n%s", err, out)
	}
}

// TestOfficialJSSDK runs UltraCart's own JavaScript SDK over every
// operation it has against the command (testdata/sdk_scenario.js): every
// write read back equal, property by property, deletes taking effect,
// searches and reports answering what the data implies. ULTRACART_JS_SDK
// names one or more checkouts of github.com/UltraCart/rest_api_v2_sdk_javascript
// (a path list, such as the tags 4.1.86 and 4.1.70), each with its
// dependencies installed (npm install --omit=dev --ignore-scripts), and node
// must be on PATH; without them it is skipped. The SDK's code is never part
// of this repository. Each checkout runs against a fake of its own.
func TestOfficialJSSDK(t *testing.T) {
	sdks := os.Getenv("ULTRACART_JS_SDK")
	node, err := exec.LookPath("node")
	if sdks == "" || err != nil {
		t.Skip("set ULTRACART_JS_SDK to checkouts of UltraCart's JavaScript SDK (with node_modules) and install node to run it against the fake")
	}
	for _, sdk := range filepath.SplitList(sdks) {
		t.Run(sdkVersion(sdk), func(t *testing.T) {
			if _, err := os.Stat(filepath.Join(sdk, "node_modules", "superagent")); err != nil {
				t.Fatalf("%s has no node_modules/superagent: run npm install --omit=dev --ignore-scripts there", sdk)
			}
			baseURL := startFake(t)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, node, "testdata/sdk_scenario.js")
			cmd.Env = append(os.Environ(), "ULTRACART_JS_SDK="+sdk, "BASE="+baseURL, "KEY=test-key")
			out, err := cmd.CombinedOutput()
			res := scenarioResult(string(out))
			if res == nil {
				t.Fatalf("JS SDK scenario: no RESULT line: %v\n%s", err, out)
			}
			t.Logf("JS SDK %s: %d operations, %d called, %d properties compared, %d failures",
				res["sdk"], res.num("operations"), res.num("called"), res.num("compared"), res.num("failures"))
			if err != nil || res.num("failures") != 0 || res.num("called") != res.num("operations") || res.num("operations") == 0 {
				t.Fatalf("JS SDK scenario: %v\n%s", err, out)
			}
		})
	}
}

// sdkVersion is the release of an SDK checkout, from its package.json, or
// the directory's name.
func sdkVersion(dir string) string {
	var pkg struct {
		Version string `json:"version"`
	}
	if b, err := os.ReadFile(filepath.Join(dir, "package.json")); err == nil && json.Unmarshal(b, &pkg) == nil && pkg.Version != "" {
		return pkg.Version
	}
	return filepath.Base(dir)
}

// result is the RESULT line of an SDK scenario: key=value fields.
type result map[string]string

func (r result) num(k string) int {
	n, err := strconv.Atoi(r[k])
	if err != nil {
		return -1
	}
	return n
}

// scenarioResult reads the last RESULT line of a scenario's output.
func scenarioResult(out string) result {
	var res result
	for _, line := range strings.Split(out, "\n") {
		rest, ok := strings.CutPrefix(line, "RESULT ")
		if !ok {
			continue
		}
		res = result{}
		for _, f := range strings.Fields(rest) {
			if k, v, ok := strings.Cut(f, "="); ok {
				res[k] = v
			}
		}
	}
	return res
}

// startFake runs the command with the key test-key, demo data and args on
// a free port until the test ends, and returns its base URL.
func startFake(t *testing.T, args ...string) string {
	t.Helper()
	return startFakeOut(t, io.Discard, args...)
}

// startFakeOut is startFake, copying what the command prints after its
// banner to out.
func startFakeOut(t *testing.T, out io.Writer, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"-addr", "127.0.0.1:0", "-key", "test-key"}, args...), pw)
		_ = pw.CloseWithError(err)
		done <- err
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "export ULTRACART_BASE_URL="); ok {
			go func() { _, _ = io.Copy(out, pr) }()
			return v
		}
	}
	t.Fatalf("no base URL in the banner: %v", sc.Err())
	return ""
}
