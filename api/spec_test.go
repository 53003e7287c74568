package api_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/ultracart-community/ultracart-go/gen/genspec"
)

// loadSpec loads api/openapi.yaml (tests run in api/), once: callers share
// the document and must not change it.
func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := loadSpecOnce()
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	return doc
}

var loadSpecOnce = sync.OnceValues(func() (*openapi3.T, error) {
	return openapi3.NewLoader().LoadFromFile("openapi.yaml")
})

func TestSpecValidates(t *testing.T) {
	doc := loadSpec(t)
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.yaml is not valid OpenAPI: %v", err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi: %q, want 3.0.3", doc.OpenAPI)
	}
}

// TestEmbeddedSpecMatchesFile catches a gen/ that was not regenerated after
// api/openapi.yaml changed.
func TestEmbeddedSpecMatchesFile(t *testing.T) {
	file := loadSpec(t)
	embedded, err := genspec.GetSpec() // GetSwagger is a deprecated alias of GetSpec
	if err != nil {
		t.Fatalf("genspec.GetSpec: %v", err)
	}
	fileOps, embOps := operations(file), operations(embedded)
	if len(fileOps) != 140 {
		t.Errorf("openapi.yaml has %d operations, want 140", len(fileOps))
	}
	for _, key := range sortedKeys(embOps) {
		f, ok := fileOps[key]
		if !ok {
			t.Errorf("gen/ has operation %s, which openapi.yaml lacks", key)
			continue
		}
		// oapi-codegen rewrites operationIds in the embedded copy to its Go
		// names (getConversationMultimediaUploadUrl ->
		// GetConversationMultimediaUploadURL) unless the compatibility
		// option preserve-original-operation-id-casing-in-embedded-spec is
		// set: accept that, then require everything else to be identical.
		if e := embOps[key]; e.OperationID != f.OperationID {
			if !strings.EqualFold(e.OperationID, f.OperationID) {
				t.Errorf("%s: operationId: gen/ has %q, openapi.yaml %q", key, e.OperationID, f.OperationID)
			}
			e.OperationID = f.OperationID
		}
	}

	// gen/genspec/spec.cfg.yaml sets output-options.skip-prune, so the
	// embedded copy keeps even the components no operation reaches (the
	// websocket message schemas, the shared enums): any difference is a
	// stale gen/.
	want := asJSON(t, file)
	for _, name := range sortedKeys(file.Components.Schemas) {
		if _, ok := embedded.Components.Schemas[name]; !ok {
			t.Errorf("gen/ lacks schema %s", name)
		}
	}
	if reflect.DeepEqual(asJSON(t, embedded), want) {
		return // everything: info, servers, security, paths, components
	}

	// They differ: say where.
	if err := embedded.Validate(context.Background()); err != nil {
		t.Errorf("embedded spec is not valid: %v", err)
	}
	for _, key := range sortedKeys(fileOps) {
		if e, ok := embOps[key]; !ok {
			t.Errorf("gen/ lacks %s", key)
		} else {
			sameJSON(t, key, e, fileOps[key])
		}
	}
	for _, name := range sortedKeys(embedded.Components.Schemas) {
		if f, ok := file.Components.Schemas[name]; !ok {
			t.Errorf("gen/ has schema %s, which openapi.yaml lacks", name)
		} else {
			sameJSON(t, "schema "+name, embedded.Components.Schemas[name], f)
		}
	}
	sameJSON(t, "the whole spec", asJSON(t, embedded), want)
}

// operations maps "METHOD path" to the operation.
func operations(doc *openapi3.T) map[string]*openapi3.Operation {
	ops := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops[method+" "+path] = op
		}
	}
	return ops
}

func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err1 := json.Marshal(got)
	w, err2 := json.Marshal(want)
	if err1 != nil || err2 != nil {
		t.Fatalf("marshal: %v, %v", err1, err2)
	}
	var gv, wv any
	if err := json.Unmarshal(g, &gv); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(w, &wv); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gv, wv) {
		t.Errorf("%s: embedded spec in gen/ differs from openapi.yaml (run `make generate`):\n gen/: %.2000s\n file: %.2000s", what, g, w)
	}
}
