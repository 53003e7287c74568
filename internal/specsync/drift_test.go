package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// testSDKChanges are the files the small SDK's next release changes:
// getWidgetColors added, joinWidget (and so its body model) removed,
// getWidgets' color query parameter replaced by sort, and on Widget: height
// (a number) and nickname added, tags removed, weight retyped from number to
// string, color's enum values changed (green out, blue in), active's
// description reworded.
const (
	testSDKChanges = "testdata/sdk-1.1.0-changes"
	testDrift      = "testdata/drift-1.0.0-to-1.1.0.md"
)

// nextTestSDK writes the small SDK's release 1.1.0 into a temporary
// directory: release 1.0.0 with testSDKChanges over it.
func nextTestSDK(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, from := range []string{testSDK, testSDKChanges} {
		err := filepath.WalkDir(from, func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			to := filepath.Join(dir, strings.TrimPrefix(path, from))
			if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
				return err
			}
			return os.WriteFile(to, b, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestDriftFindsEveryChange(t *testing.T) {
	r := diffFacts(extractTest(t, testSDK), extractTest(t, nextTestSDK(t)), testDecisionsFile(t))
	ids := func(ops []*Operation) []string {
		var out []string
		for _, op := range ops {
			out = append(out, op.OperationID)
		}
		return out
	}
	for _, c := range []struct {
		what      string
		got, want any
	}{
		{"operations added", ids(r.opsAdded), []string{"getWidgetColors"}},
		{"operations removed", ids(r.opsRemoved), []string{"joinWidget"}},
		{"operations changed", r.opsChanged, map[string][]string{"getWidgets": {"parameter `sort` added (query string)", "parameter `color` removed"}}},
		{"schemas added", r.schemasAdded, []string{"WidgetColorsResponse"}},
		{"schemas removed", r.schemasRemoved, []string{"WidgetJoinRequest"}},
		{"properties added", r.propsAdded, [][3]string{{"Widget", "height", "number"}, {"Widget", "nickname", "string"}}},
		{"properties removed", r.propsRemoved, [][3]string{{"Widget", "tags", "string[]"}}},
		{"properties retyped", r.propsRetyped, [][4]string{{"Widget", "weight", "number", "string"}}},
		{"enum values", r.enumChanges, [][4]string{{"Widget.color", "`blue`", "`green`"}}},
		{"descriptions", r.docsChanged, []string{"`Widget.active`", "`Widget.weight`"}},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: %#v, want %#v", c.what, c.got, c.want)
		}
	}
	if len(r.quirks) != 1 || !strings.Contains(r.quirks[0], "`getWidgetSummary` declares query key `date_start` 2 times") {
		t.Errorf("quirks %q: want the key declared twice (the charset went with joinWidget)", r.quirks)
	}

	// What the decisions of 1.0.0 leave undecided in 1.1.0, or decide about
	// what it no longer has: the build stops on these, drift lists them.
	undecided := strings.Join(append(r.undecided, r.unreviewed...), "\n")
	for _, want := range []string{
		"operations.getWidgetColors: no decisions for this operation; x-idempotent is required",
		"operations.joinWidget: release 1.1.0 has no such operation",
		"operations.getWidgets.parameters.color: release 1.1.0 has no such parameter",
		// a named type's user went with its operation
		"go_types.PartID: joinWidget.widget_oid: release 1.1.0 has no such property or parameter",
		"schemas.Widget: height is a JS Number (Widget.height): decide int32, int64, integer or number",
		"schemas.Widget: weight is a string, decided number",
		"schemas.Widget: nickname is a new string: list it under string",
		"schemas.WidgetColorsResponse: colors is a new string",
	} {
		if !strings.Contains(undecided, want) {
			t.Errorf("undecided lacks %q:\n%s", want, undecided)
		}
	}
	if n := len(r.undecided) + len(r.unreviewed); n != 8 {
		t.Errorf("%d undecided, want the 8 above:\n%s", n, undecided)
	}
}

// TestDriftMarkdown: the report as it goes into CHANGELOG.md, reviewed in
// testdata (go test -run TestDriftMarkdown -update rewrites it).
func TestDriftMarkdown(t *testing.T) {
	md := diffFacts(extractTest(t, testSDK), extractTest(t, nextTestSDK(t)), testDecisionsFile(t)).markdown()
	if *update {
		if err := os.WriteFile(testDrift, []byte(md), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(testDrift)
	if err != nil {
		t.Fatal(err)
	}
	if md != string(want) {
		t.Errorf("report differs from %s:\n%s", testDrift, md)
	}
	for _, line := range []string{
		"### UltraCart release 1.1.0\n",
		"Against release 1.0.0 (UltraCart's JavaScript SDK): 1 operations added, 1 removed, 1 changed; 1 schemas added, 1 removed; 2 properties added, 1 removed, 1 retyped; enum values changed on 1 properties; 2 descriptions changed.\n",
		"| `getWidgetColors` | `GET /conversation/widgets/colors` | - | none | `WidgetColorsResponse` |\n",
		"- `joinWidget` (`PUT /conversation/widgets/{widget_oid}/join`)\n",
		"| `Widget` | `weight` | number | string |\n",
		"| `Widget.color` | `blue` | `green` |\n",
		"#### Undecided (8)\n",
	} {
		if !strings.Contains(md, line) {
			t.Errorf("report lacks %q", line)
		}
	}
}

// TestDriftCommand: make spec-drift exits non-zero while a fact is
// undecided, after writing the whole report, and zero on the committed
// release itself.
func TestDriftCommand(t *testing.T) {
	root := testRoot(t)
	var out bytes.Buffer
	err := run([]string{"drift", "-root", root, "-sdk", nextTestSDK(t)}, &out)
	if err == nil || !strings.Contains(err.Error(), "release 1.1.0: 8 facts undecided in api/decisions.yaml") {
		t.Errorf("drift to 1.1.0: %v, want a failure counting the undecided facts", err)
	}
	if !strings.Contains(out.String(), "#### Undecided (8)") {
		t.Errorf("the report is not written before the failure:\n%s", out.String())
	}

	out.Reset()
	if err := run([]string{"drift", "-root", root, "-sdk", testSDK}, &out); err != nil {
		t.Errorf("drift to the committed release: %v", err)
	}
	if !strings.Contains(out.String(), "0 operations added, 0 removed, 0 changed") {
		t.Errorf("report:\n%s", out.String())
	}
}

// testRoot is a module root holding the small SDK's decisions and the facts
// of its release 1.0.0, as committed.
func testRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "api", "sdk"), 0o755); err != nil {
		t.Fatal(err)
	}
	d, err := os.ReadFile(testDecisions)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "api", "decisions.yaml"), d, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := encodeFacts(extractTest(t, testSDK))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "api", "sdk", "ultracart-js-1.0.0.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

// TestSyncCommand: make sync-spec writes the release's facts and the spec,
// replacing the last release's facts, and writes nothing while a fact of
// the release is undecided.
func TestSyncCommand(t *testing.T) {
	root := testRoot(t)
	var out bytes.Buffer
	err := run([]string{"sync", "-root", root, "-sdk", nextTestSDK(t)}, &out)
	if err == nil || !strings.Contains(err.Error(), "operations.getWidgetColors: no decisions") || !strings.Contains(err.Error(), "nothing written") {
		t.Errorf("sync to 1.1.0: %v, want a failure naming what is undecided", err)
	}
	files, _ := filepath.Glob(filepath.Join(root, "api", "*", "*"))
	if _, err := os.Stat(filepath.Join(root, specFile)); err == nil || len(files) != 1 {
		t.Errorf("a failed sync wrote files: %v", files)
	}

	// The same release again, its facts renamed as if they were another's.
	if err := os.Rename(filepath.Join(root, "api", "sdk", "ultracart-js-1.0.0.json"), filepath.Join(root, "api", "sdk", "ultracart-js-0.9.0.json")); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"sync", "-root", root, "-sdk", testSDK}, &out); err != nil {
		t.Fatal(err)
	}
	spec, err := os.ReadFile(filepath.Join(root, specFile))
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := os.ReadFile(testGolden); !bytes.Equal(spec, want) {
		t.Errorf("the spec sync wrote is not %s", testGolden)
	}
	if got, _ := committedFacts(filepath.Join(root, "api", "sdk")); filepath.Base(got) != "ultracart-js-1.0.0.json" {
		t.Errorf("facts after sync: %q, want only ultracart-js-1.0.0.json", got)
	}
}
