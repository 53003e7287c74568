package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// testSDK is the small SDK written by hand in the generator's layout: five
// operations (a void DELETE, a GET whose query key is declared twice, a
// paged GET with defaults, a POST with a body, a PUT with an optional body
// and a charset), models with enum classes, arrays of $ref, numbers and
// strings, free-form objects, the websocket message, and a model nothing
// reaches.
const testSDK = "testdata/sdk-1.0.0"

func loadTestSDK(t *testing.T, dir string) *sdkSource {
	t.Helper()
	src, err := openSDK(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func extractTest(t *testing.T, dir string) *Facts {
	t.Helper()
	f, err := extract(loadTestSDK(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestExtractOperations(t *testing.T) {
	f := extractTest(t, testSDK)
	if f.Release != "1.0.0" {
		t.Errorf("release %q, want 1.0.0 (the class's @version)", f.Release)
	}
	var ids []string
	for _, op := range f.Operations {
		ids = append(ids, op.OperationID)
	}
	if want := []string{"deleteWidget", "getWidgetSummary", "getWidgets", "insertWidget", "joinWidget"}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("operations %v, want %v", ids, want)
	}
	for _, c := range []struct {
		id   string
		want Operation
	}{
		{"deleteWidget", Operation{Method: "DELETE", Path: "/conversation/widgets/{widget_uuid}",
			Summary: "Delete a widget", Description: "Delete a widget by its uuid",
			Parameters: []*Param{{Name: "widget_uuid", In: "path", Required: true, Type: "string"}}}},
		// The key declared twice is listed once, required (its positional
		// argument is), with the description of the one the SDK sends.
		{"getWidgetSummary", Operation{Method: "GET", Path: "/conversation/widgets/summary",
			Summary: "Widget summary for a date range", Description: "Totals of the widgets made between two days.",
			Parameters: []*Param{
				{Name: "date_start", In: "query", Required: true, Type: "string", Description: "Range start (YYYY-MM-DD)",
					JSArguments: []string{"opts.date_start", "date_start2"}},
				{Name: "include_parts", In: "query", Type: "boolean", Description: "Include the parts", Default: false},
			},
			Response: "WidgetSummaryResponse"}},
		{"getWidgets", Operation{Method: "GET", Path: "/conversation/widgets",
			Summary: "Retrieve widgets", Description: "Retrieve the widgets, newest first, a page at a time.",
			Parameters: []*Param{
				{Name: "color", In: "query", Type: "string"},
				{Name: "_limit", In: "query", Type: "number", Default: json.Number("100"),
					Description: "The maximum number of records to return on this one API call. (Max 200)"},
				{Name: "_offset", In: "query", Type: "number", Default: json.Number("0"),
					Description: "Pagination of the record set.  Offset is a zero based index."},
			},
			Response: "WidgetsResponse"}},
		{"insertWidget", Operation{Method: "POST", Path: "/conversation/widgets",
			Summary: "Insert a widget", Description: "Insert a widget; it&#39;s given a new uuid",
			Body:     &Body{Name: "widget", Required: true, Description: "Widget to insert", Ref: "Widget", ContentType: "application/json"},
			Response: "WidgetResponse"}},
		{"joinWidget", Operation{Method: "PUT", Path: "/conversation/widgets/{widget_oid}/join",
			Summary: "Join a widget", Description: "Join a widget",
			Parameters: []*Param{{Name: "widget_oid", In: "path", Required: true, Type: "number"}},
			Body:       &Body{Name: "join_request", Description: "Join request", Ref: "WidgetJoinRequest", ContentType: "application/json; charset=UTF-8"}}},
	} {
		got := f.operation(c.id)
		want := c.want
		want.OperationID, want.Accepts = c.id, []string{"application/json"}
		if !reflect.DeepEqual(got, &want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(&want)
			t.Errorf("%s:\n got %s\nwant %s", c.id, g, w)
		}
	}
}

func TestExtractModels(t *testing.T) {
	f := extractTest(t, testSDK)
	// Reached from the operations, from the imports (ErrorResponse) and from
	// the websocket message; Unreached is not.
	want := []string{"ConversationEventPing", "ConversationWebsocketMessage", "Error", "ErrorResponse", "ResponseMetadata", "ResultSet",
		"Widget", "WidgetJoinRequest", "WidgetPart", "WidgetResponse", "WidgetSummaryResponse", "WidgetsResponse"}
	if got := sortedKeys(f.Schemas); !reflect.DeepEqual(got, want) {
		t.Errorf("schemas %v, want %v", got, want)
	}
	if want := []string{"ConversationWebsocketMessage", "ConversationEventPing"}; !reflect.DeepEqual(f.WebsocketSchemas, want) {
		t.Errorf("websocket schemas %v, want %v", f.WebsocketSchemas, want)
	}
	widget := map[string]*Prop{
		"active":      {Type: "boolean", Description: "True if the widget can be sold"},
		"attributes":  {Type: "object", Description: "Free-form attributes, kept as sent"},
		"color":       {Type: "string", Enum: []string{"red", "green", "dark blue"}, Description: "Color of the widget"},
		"created_dts": {Type: "string", Description: "Date/time the widget was made"},
		"parts":       {Type: "array", Items: &Prop{Ref: "WidgetPart"}, Description: "Parts of the widget, in assembly order"},
		"tags":        {Type: "array", Items: &Prop{Type: "string"}, Description: "Tags"},
		"weight":      {Type: "number", Description: "Weight in grams"},
		"widget_uuid": {Type: "string", Description: "Widget&#39;s unique identifier (e.g. &#39;w-1&#39;)"},
	}
	if got := f.Schemas["Widget"].Properties; !reflect.DeepEqual(got, widget) {
		for _, k := range sortedKeys(widget) {
			if !reflect.DeepEqual(got[k], widget[k]) {
				t.Errorf("Widget.%s: %+v, want %+v", k, got[k], widget[k])
			}
		}
		if len(got) != len(widget) {
			t.Errorf("Widget has %v, want %v", sortedKeys(got), sortedKeys(widget))
		}
	}
	if got := f.Schemas["WidgetResponse"].Properties["widget"]; !reflect.DeepEqual(got, &Prop{Ref: "Widget"}) {
		t.Errorf("WidgetResponse.widget: %+v, want a bare $ref", got)
	}
	if got := f.Schemas["WidgetSummaryResponse"].Properties["counts"]; !reflect.DeepEqual(got, &Prop{Type: "array", Items: &Prop{Type: "number"}, Description: "Widgets made per day"}) {
		t.Errorf("WidgetSummaryResponse.counts: %+v", got)
	}
}

// TestExtractRefusesWhatItCannotRead: anything outside the generator's
// layout is an error naming the file, line and what is wrong, never a guess.
func TestExtractRefusesWhatItCannotRead(t *testing.T) {
	model := modelsDir + "/Widget.js"
	for _, c := range []struct {
		name, file, old, new, want string
	}{
		{"collection format", apiFile, "'color': opts['color'],", "'color': this.apiClient.buildCollectionParam(opts['color'], 'csv'),",
			"queryParams color = this.apiClient.buildCollectionParam(opts['color'], 'csv'): only plain arguments are supported"},
		{"header parameter", apiFile, "let headerParams = {\n      };\n      let formParams = {\n      };\n\n      let authNames = ['ultraCartOauth', 'ultraCartSimpleApiKey'];\n      let contentTypes = [];\n      let accepts = ['application/json'];\n      let returnType = WidgetsResponse;",
			"let headerParams = {\n        'X-Trace': opts['color']\n      };\n      let formParams = {\n      };\n\n      let authNames = ['ultraCartOauth', 'ultraCartSimpleApiKey'];\n      let contentTypes = [];\n      let accepts = ['application/json'];\n      let returnType = WidgetsResponse;",
			"headerParams X-Trace: only path and query parameters are supported"},
		{"parameter type", apiFile, "@param {String} opts.color ", "@param {Array.<String>} opts.color ", "only String, Number and Boolean parameters are supported"},
		{"documented, never sent", apiFile, "        'color': opts['color'],\n", "", "argument opts.color is documented but never sent"},
		{"sent, never documented", apiFile, "     * @param {String} opts.color \n", "", "parameter color is sent but no argument documents it"},
		{"other auth", apiFile, "let authNames = ['ultraCartOauth', 'ultraCartSimpleApiKey'];\n      let contentTypes = [];\n      let accepts = ['application/json'];\n      let returnType = WidgetsResponse;",
			"let authNames = ['ultraCartOauth'];\n      let contentTypes = [];\n      let accepts = ['application/json'];\n      let returnType = WidgetsResponse;", "only the two UltraCart schemes"},
		{"no version", apiFile, "* @version 1.0.0", "*", "no @version"},
		{"member and conversion disagree", model, "obj['weight'] = ApiClient.convertToType(data['weight'], 'Number');", "obj['weight'] = ApiClient.convertToType(data['weight'], 'String');",
			"weight: @member says Number (number), constructFromObject 'String' (string)"},
		{"enum class missing", model, "Widget['ColorEnum'] = {", "Widget['ColourEnum'] = {", "color: enum class ColorEnum not found"},
		{"property never read", model, "obj['weight'] = ApiClient.convertToType(data['weight'], 'Number');", "", "weight is documented but constructFromObject never reads it"},
		{"model missing", apiFile, "let returnType = WidgetsResponse;", "let returnType = WidgetList;", "model class WidgetList not found"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := loadTestSDK(t, testSDK)
			s := string(src.files[c.file])
			if !strings.Contains(s, c.old) {
				t.Fatalf("%s lacks %q", c.file, c.old)
			}
			src.files[c.file] = []byte(strings.Replace(s, c.old, c.new, 1))
			_, err := extract(src)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if !strings.Contains(err.Error(), c.file) {
				t.Errorf("error %q does not name %s", err, c.file)
			}
		})
	}
}

// TestExtractFromGitTag reads the same SDK from a git directory at a tag.
func TestExtractFromGitTag(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: reading an SDK from a git tag needs it")
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(testSDK)); err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("add", ".")
	git("commit", "-q", "-m", "sdk")
	git("tag", "1.0.0")
	// A change after the tag must not be read.
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(apiFile)), []byte("broken"), 0o644); err != nil {
		t.Fatal(err)
	}
	git("commit", "-q", "-am", "later")

	fromDir := extractTest(t, testSDK)
	for _, d := range []string{dir, filepath.Join(dir, ".git")} {
		fromGit, err := extractFrom(d, "1.0.0")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fromGit, fromDir) {
			t.Errorf("%s at 1.0.0 differs from the directory", d)
		}
	}
	if _, err := extractFrom(dir, "9.9.9"); err == nil || !strings.Contains(err.Error(), "9.9.9") {
		t.Errorf("unknown tag: %v", err)
	}
	if _, err := extractFrom(filepath.Join(dir, ".git"), ""); err == nil || !strings.Contains(err.Error(), "give the release's tag") {
		t.Errorf("git directory without a tag: %v", err)
	}
}

// TestFactsRoundTrip: the facts file reads back as written.
func TestFactsRoundTrip(t *testing.T) {
	f := extractTest(t, testSDK)
	b, err := encodeFacts(f)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "f.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	back, err := readFacts(path)
	if err != nil {
		t.Fatal(err)
	}
	b2, err := encodeFacts(back)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != string(b2) {
		t.Error("facts differ after a round trip")
	}
	if !strings.Contains(string(b), `it&#39;s given`) {
		t.Error("descriptions are escaped once, as the SDK's documentation writes them; the encoder must not escape them again")
	}
}

// sdkEnv names the UltraCart JavaScript SDK for the test that extracts the
// committed release from it: a checkout of that release, or a git directory
// holding its tag (such as a clone of UltraCart/rest_api_v2_sdk_javascript).
const sdkEnv = "ULTRACART_JS_SDK"

// TestExtractMatchesCommittedFacts: the committed facts are what the
// extractor reads from the real SDK at the committed release, byte for byte.
func TestExtractMatchesCommittedFacts(t *testing.T) {
	dir := os.Getenv(sdkEnv)
	if dir == "" {
		t.Skipf("%s is not set: set it to UltraCart's JavaScript SDK (a checkout of the release, or a git directory with its tag) to check the committed facts against it", sdkEnv)
	}
	path, err := committedFacts(filepath.Join("..", "..", factsDir))
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var head struct{ Release string }
	if err := json.Unmarshal(committed, &head); err != nil {
		t.Fatal(err)
	}
	tag := ""
	if isGitDir(dir) {
		tag = head.Release
	}
	f, err := extractFrom(dir, tag)
	if err != nil {
		t.Fatal(err)
	}
	got, err := encodeFacts(f)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(committed) {
		t.Errorf("extracting %s at %s does not give %s: run `make sync-spec SDK=...` and review the difference", dir, head.Release, path)
	}
	t.Logf("%s at %s: %d operations, %d schemas, identical to %s", dir, head.Release, len(f.Operations), len(f.Schemas), path)
}
