package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata")

const (
	testDecisions = "testdata/decisions.yaml"
	testGolden    = "testdata/openapi-1.0.0.yaml"
)

func testDecisionsFile(t *testing.T) *Decisions {
	t.Helper()
	d, err := readDecisions(testDecisions)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func buildTest(t *testing.T) []byte {
	t.Helper()
	out, err := build(extractTest(t, testSDK), testDecisionsFile(t))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBuildGolden: the small SDK's spec, as reviewed in testdata. Run with
// -update after a deliberate change and review the difference.
func TestBuildGolden(t *testing.T) {
	out := buildTest(t)
	if *update {
		if err := os.WriteFile(testGolden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(testGolden)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != string(want) {
		t.Errorf("build differs from %s (go test -run TestBuildGolden -update, then review the difference)", testGolden)
	}
	if again := buildTest(t); string(again) != string(out) {
		t.Error("two builds of the same input differ")
	}
}

// TestBuildSpec reads the small SDK's spec as the generators do and checks
// what each decision and fact became.
func TestBuildSpec(t *testing.T) {
	out := buildTest(t)
	if !strings.HasPrefix(string(out), "# Widget API, release 1.0.0, written by internal/specsync's tests.\n#\n# x-idempotent") {
		t.Errorf("head comment:\n%.200s", out)
	}
	doc, err := openapi3.NewLoader().LoadFromData(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("not valid OpenAPI: %v", err)
	}
	if doc.Info.Version != "1.0.0" || doc.Info.Description != "The widgets of release 1.0.0." {
		t.Errorf("info %+v: want the facts' release", doc.Info)
	}
	op := func(method, path string) *openapi3.Operation {
		t.Helper()
		o := doc.Paths.Value(path).GetOperation(method)
		if o == nil {
			t.Fatalf("%s %s missing", method, path)
		}
		return o
	}
	schemaOf := func(s *openapi3.SchemaRef) map[string]any { return asMap(t, s) }

	// The query key the SDK declares twice is one required parameter.
	sum := op("GET", "/conversation/widgets/summary")
	if len(sum.Parameters) != 2 || sum.Parameters[0].Value.Name != "date_start" || !sum.Parameters[0].Value.Required {
		t.Errorf("getWidgetSummary parameters: %v", names(sum.Parameters))
	}
	if got := schemaOf(sum.Parameters[1].Value.Schema); !reflect.DeepEqual(got, map[string]any{"type": "boolean", "default": false}) {
		t.Errorf("include_parts schema %v", got)
	}
	if sum.Extensions["x-go-doc"] != "summarizes the widgets made between two days" || sum.Extensions["x-idempotent"] != true {
		t.Errorf("getWidgetSummary extensions %v", sum.Extensions)
	}

	// Paged list: widths and bounds decided, defaults from the SDK, the
	// extensions carried as they are.
	list := op("GET", "/conversation/widgets")
	wantParams := map[string]map[string]any{
		"color":   {"type": "string", "x-go-type": "Shape"},
		"_limit":  {"type": "integer", "format": "int32", "default": 100.0, "maximum": 200.0},
		"_offset": {"type": "integer", "format": "int32", "default": 0.0, "minimum": 0.0},
	}
	for _, p := range list.Parameters {
		if got := schemaOf(p.Value.Schema); !reflect.DeepEqual(got, wantParams[p.Value.Name]) {
			t.Errorf("getWidgets %s schema %v, want %v", p.Value.Name, got, wantParams[p.Value.Name])
		}
	}
	if list.Parameters[1].Value.Extensions["x-go-name"] != "Limit" {
		t.Errorf("_limit extensions %v", list.Parameters[1].Value.Extensions)
	}
	if list.Extensions["x-go-iter-key"] != "widget_uuid" || list.Extensions["x-go-deprecated-method"] != "Widgets" {
		t.Errorf("getWidgets extensions %v", list.Extensions)
	}
	if codes := list.Responses.Map(); len(codes) != 3 || codes["200"] == nil || codes["400"].Ref != "#/components/responses/BadRequest" {
		t.Errorf("getWidgets responses %v", sortedKeys(codes))
	}

	// A void operation documents 204; its optional body sent with a charset
	// is application/json in the spec.
	join := op("PUT", "/conversation/widgets/{widget_oid}/join")
	if r := join.Responses.Value("204"); r == nil || join.Responses.Value("200") != nil {
		t.Errorf("joinWidget responses %v, want 204 for 200", sortedKeys(join.Responses.Map()))
	}
	if rb := join.RequestBody.Value; rb.Required || rb.Content.Get("application/json") == nil || len(rb.Content) != 1 {
		t.Errorf("joinWidget body required=%v content %v", rb.Required, sortedKeys(rb.Content))
	}
	if join.Extensions["x-codegen-request-body-name"] != "join_request" {
		t.Errorf("joinWidget body name %v", join.Extensions["x-codegen-request-body-name"])
	}

	// Schemas: widths, formats, lengths, shared enums, type extensions.
	widget := doc.Components.Schemas["Widget"].Value.Properties
	for name, want := range map[string]map[string]any{
		// what the decisions add to a description is a paragraph of its own
		"weight":      {"type": "number", "description": "Weight in grams\n\nPrecise to the milligram.", "x-doc-added": "Precise to the milligram."},
		"created_dts": {"type": "string", "format": "date-time", "description": "Date/time the widget was made"},
		// the facts' HTML escaping is undone
		"widget_uuid": {"type": "string", "maxLength": 50.0, "description": "Widget's unique identifier (e.g. 'w-1')"},
		"color":       {"type": "string", "enum": []any{"red", "green", "dark blue"}, "description": "Color of the widget"},
		"attributes":  {"type": "object", "description": "Free-form attributes, kept as sent", "x-go-type": "json.RawMessage", "x-go-type-skip-optional-pointer": true},
		"parts": {"type": "array", "items": map[string]any{"$ref": "#/components/schemas/WidgetPart"}, "description": "Parts of the widget, in assembly order",
			"x-omitempty": false, "x-omitzero": true},
	} {
		if got := schemaOf(widget[name]); !reflect.DeepEqual(got, want) {
			t.Errorf("Widget.%s: %v, want %v", name, got, want)
		}
	}
	if d := op("POST", "/conversation/widgets").Description; d != "Insert a widget; it's given a new uuid" {
		t.Errorf("insertWidget description %q, want the facts' unescaped", d)
	}

	// A named Go type on a property, a list's items and a path parameter,
	// with its package; the wire types unchanged.
	partID := map[string]any{"x-go-type": "parts.ID", "x-go-type-import": map[string]any{"path": "example.com/parts"}}
	counts := schemaOf(doc.Components.Schemas["WidgetSummaryResponse"].Value.Properties["counts"])
	if items, _ := counts["items"].(map[string]any); !reflect.DeepEqual(items, withKeys(map[string]any{"type": "integer", "format": "int32"}, partID)) {
		t.Errorf("counts: %v, want int32 items of parts.ID", counts)
	}
	part := doc.Components.Schemas["WidgetPart"].Value.Properties
	if got := schemaOf(part["part_oid"]); !reflect.DeepEqual(got, withKeys(map[string]any{"type": "integer", "format": "int32", "description": "Part object identifier"}, partID)) {
		t.Errorf("WidgetPart.part_oid: %v", got)
	}
	if got := schemaOf(join.Parameters[0].Value.Schema); !reflect.DeepEqual(got, withKeys(map[string]any{"type": "integer", "format": "int64"}, partID)) {
		t.Errorf("joinWidget widget_oid schema %v", got)
	}
	if got := sum.Parameters[0].Value.Extensions["x-go-time"]; got != "date" {
		t.Errorf("getWidgetSummary date_start x-go-time %v, want date", got)
	}
	// A shared enum's declared user: the Go type, no enum on the wire.
	if got := schemaOf(part["name"]); !reflect.DeepEqual(got, map[string]any{"type": "string", "description": "Part name", "x-go-type": "Shape"}) {
		t.Errorf("WidgetPart.name: %v", got)
	}
	shape := schemaOf(doc.Components.Schemas["Shape"])
	if !reflect.DeepEqual(shape["x-shared-enum"], []any{"WidgetPart.shape", "WidgetSummaryResponse.top_shape"}) || shape["type"] != "string" ||
		!reflect.DeepEqual(shape["x-shared-enum-declared"], []any{"WidgetPart.name"}) {
		t.Errorf("shared enum Shape: %v", shape)
	}
	if got := doc.Components.Schemas["WidgetPart"].Value.Properties["shape"].Value.Extensions["x-go-type"]; got != "Shape" {
		t.Errorf("WidgetPart.shape x-go-type %v", got)
	}
	if _, ok := doc.Components.Schemas["Unreached"]; ok {
		t.Error("a model no operation reaches is in the spec")
	}
	if got := doc.Components.Schemas["ConversationWebsocketMessage"]; got == nil {
		t.Error("the websocket message is missing")
	}
}

// TestBuildQuotesYAML11Booleans: an enum value "No" reads back as the
// string "No" with any YAML reader.
func TestBuildQuotesYAML11Booleans(t *testing.T) {
	f := extractTest(t, testSDK)
	f.Schemas["Widget"].Properties["color"].Enum = []string{"Yes", "No", "on", "1", "2017-03-01"}
	out, err := build(f, testDecisionsFile(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"- 'Yes'\n", "- 'No'\n", "- 'on'\n", "- '1'\n", "- '2017-03-01'\n"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("%q not quoted", want)
		}
	}
}

// TestBuildFailsLoudly: every fact left undecided, and every decision about
// something the release lacks, is reported, all at once, naming where.
func TestBuildFailsLoudly(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(f *Facts, d *Decisions)
		want   []string
	}{
		{"new operation without x-idempotent", func(f *Facts, d *Decisions) { delete(d.Operations, "insertWidget") },
			[]string{"operations.insertWidget: no decisions for this operation; x-idempotent is required"}},
		{"x-idempotent not a boolean", func(f *Facts, d *Decisions) { d.Operations["insertWidget"].Extensions["x-idempotent"] = "no" },
			[]string{`operations.insertWidget: x-idempotent is "no", want true or false`}},
		{"x-go-method", func(f *Facts, d *Decisions) { d.Operations["insertWidget"].Extensions["x-go-method"] = "AddWidget" },
			[]string{"operations.insertWidget: x-go-method is no longer used"}},
		{"iterator key not an item property", func(f *Facts, d *Decisions) { d.Operations["getWidgets"].Extensions["x-go-iter-key"] = "uuid" },
			[]string{`operations.getWidgets: x-go-iter-key "uuid" is not a property of the items of WidgetsResponse's list`}},
		{"number property undecided", func(f *Facts, d *Decisions) { d.Schemas["Widget"].Number = nil },
			[]string{"schemas.Widget: weight is a JS Number (Widget.weight): decide int32, int64, integer or number"}},
		{"number parameter undecided", func(f *Facts, d *Decisions) { delete(d.Operations["joinWidget"].Parameters, "widget_oid") },
			[]string{"operations.joinWidget.parameters.widget_oid: the SDK says only Number"}},
		{"two decisions for one property", func(f *Facts, d *Decisions) { d.Schemas["Widget"].Int32 = []string{"weight"} },
			[]string{"schemas.Widget: weight is both int32 and number"}},
		{"a string decided a number", func(f *Facts, d *Decisions) { d.Schemas["WidgetPart"].Int64 = []string{"name"} },
			[]string{"schemas.WidgetPart: name is both int64 and string"}},
		{"decision about a property the release lacks", func(f *Facts, d *Decisions) { delete(f.Schemas["Widget"].Properties, "weight") },
			[]string{"schemas.Widget: weight: release 1.0.0 has no such property"}},
		{"decision about an operation the release lacks", func(f *Facts, d *Decisions) { f.Operations = f.Operations[1:] },
			[]string{"operations.deleteWidget: release 1.0.0 has no such operation"}},
		{"shared value set unnamed", func(f *Facts, d *Decisions) { delete(d.SharedEnums, "Shape") },
			[]string{"shared_enums: WidgetPart.shape, WidgetSummaryResponse.top_shape share the values [round, square]: name their Go type",
				"operations.getWidgets.parameters.color: x-go-type Shape is not a shared enum"}},
		{"shared enum no longer shared", func(f *Facts, d *Decisions) {
			f.Schemas["WidgetSummaryResponse"].Properties["top_shape"].Enum = []string{"round", "oval"}
			d.SharedEnums["Shape"].Declared = nil
		},
			[]string{"shared_enums.Shape: only WidgetPart.shape has these values in release 1.0.0"}},
		{"content type undecided", func(f *Facts, d *Decisions) { d.ContentTypes = nil },
			[]string{`joinWidget: the SDK sends Content-Type "application/json; charset=UTF-8": decide the spec's in content_types`}},
		{"maxLength of a number", func(f *Facts, d *Decisions) { d.Schemas["Widget"].MaxLength["weight"] = 3 },
			[]string{"schemas.Widget: maxLength of weight, which is not a string property"}},
		{"named type on a property of another wire type", func(f *Facts, d *Decisions) {
			d.GoTypes["PartID"].Users = append(d.GoTypes["PartID"].Users, "Widget.widget_uuid", "getWidgetSummary.date_start")
		},
			[]string{"go_types.PartID: Widget.widget_uuid is a string property, not integer: the type would change the wire",
				"go_types.PartID: getWidgetSummary.date_start is a string query parameter, not integer"}},
		{"named type on what the release lacks", func(f *Facts, d *Decisions) {
			d.GoTypes["PartID"].Users = append(d.GoTypes["PartID"].Users, "WidgetPart.oid", "joinWidget.oid")
		},
			[]string{"go_types.PartID: WidgetPart.oid: release 1.0.0 has no such property or parameter",
				"go_types.PartID: joinWidget.oid: release 1.0.0 has no such property or parameter"}},
		{"a name the named type must decide", func(f *Facts, d *Decisions) { d.GoTypes["PartID"].Users = d.GoTypes["PartID"].Users[:2] },
			[]string{`go_types.PartID: joinWidget.widget_oid matches "_oid$": add it to users, or to except`}},
		{"an exception", func(f *Facts, d *Decisions) {
			d.GoTypes["PartID"].Users = d.GoTypes["PartID"].Users[:2]
			d.GoTypes["PartID"].Except = map[string]string{"joinWidget.widget_oid": "a widget is no part", "Widget.oid": "none"}
		},
			[]string{"go_types.PartID.except: Widget.oid: release 1.0.0 has no such property or parameter"}},
		{"declared enum user with an enum of its own", func(f *Facts, d *Decisions) {
			d.SharedEnums["Shape"].Declared["WidgetSummaryResponse.top_shape"] = "twice"
		},
			[]string{"shared_enums.Shape.declared: WidgetSummaryResponse.top_shape has an enum of its own"}},
		{"declared enum user with another type", func(f *Facts, d *Decisions) {
			d.SharedEnums["Shape"].Declared["WidgetPart.part_oid"] = "a number"
		},
			[]string{"shared_enums.Shape.declared: WidgetPart.part_oid is a number property, not string",
				"shared_enums.Shape.declared: WidgetPart.part_oid already has x-go-type parts.ID"}},
		{"x-go-time of another type", func(f *Facts, d *Decisions) {
			d.Operations["getWidgets"].Parameters["_limit"].Extensions["x-go-time"] = "rfc3339"
			d.Operations["getWidgetSummary"].Parameters["date_start"].Extensions["x-go-time"] = "day"
		},
			[]string{"operations.getWidgets.parameters._limit: x-go-time rfc3339 on a number parameter, want string",
				`operations.getWidgetSummary.parameters.date_start: x-go-time "day": want unix-milli, rfc3339 or date`}},
		{"docs of a property the release lacks", func(f *Facts, d *Decisions) { d.Schemas["Widget"].Docs["mass"] = "in grams" },
			[]string{"schemas.Widget: docs of mass: release 1.0.0 has no such property"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := extractTest(t, testSDK)
			d := testDecisionsFile(t)
			c.change(f, d)
			_, err := build(f, d)
			if err == nil {
				t.Fatal("build succeeded")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if !strings.Contains(err.Error(), decisionsFile) {
				t.Errorf("error does not name %s: %v", decisionsFile, err)
			}
		})
	}
}

// TestDecisionsFileRefusesUnknownKeys: a misspelt key is an error, not a
// decision silently ignored.
func TestDecisionsFileRefusesUnknownKeys(t *testing.T) {
	b, err := os.ReadFile(testDecisions)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ old, new, want string }{
		{"    int32: [part_oid]", "    int23: [part_oid]", "int23"},
		{"  insertWidget: {x-idempotent: false}", "  insertWidget: {idempotent: false}", "unknown key idempotent"},
		{"  default: [200, 400, 429]", "  defaults: [200, 400, 429]", "defaults"},
	} {
		bad := strings.Replace(string(b), c.old, c.new, 1)
		if bad == string(b) {
			t.Fatalf("%q not found", c.old)
		}
		if _, err := parseDecisions("d.yaml", []byte(bad)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one naming it", c.want, err)
		}
	}
}

// withKeys is m with the keys of more added.
func withKeys(m, more map[string]any) map[string]any {
	out := map[string]any{}
	for _, x := range []map[string]any{m, more} {
		for k, v := range x {
			out[k] = v
		}
	}
	return out
}

func names(ps openapi3.Parameters) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Value.Name)
	}
	return out
}

// asMap is a schema as generic JSON.
func asMap(t *testing.T, s *openapi3.SchemaRef) map[string]any {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestCommittedSpecIsBuilt: api/openapi.yaml is, byte for byte, what build
// writes from the committed facts and api/decisions.yaml; so the spec is
// never edited by hand, and a change of decisions is never left unbuilt.
func TestCommittedSpecIsBuilt(t *testing.T) {
	root := filepath.Join("..", "..")
	path, err := committedFacts(filepath.Join(root, factsDir))
	if err != nil {
		t.Fatal(err)
	}
	f, err := readFacts(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := readDecisions(filepath.Join(root, decisionsFile))
	if err != nil {
		t.Fatal(err)
	}
	got, err := build(f, d)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(root, specFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("%s is not what `go run ./internal/specsync build` writes from %s and %s: line %d is\n  %q\nwant\n  %q",
					specFile, path, decisionsFile, i+1, wl[i], gl[i])
			}
		}
		t.Fatalf("%s is not what build writes: %d lines, build writes %d", specFile, len(wl), len(gl))
	}
	t.Logf("%s = build(%s, %s): release %s, %d operations, %d schemas, %d bytes", specFile, filepath.Base(path), decisionsFile, f.Release, len(f.Operations), len(f.Schemas), len(got))
}
