package api_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/ultracart-community/ultracart-go/gen/genspec"
)

// loadSpec loads api/openapi.yaml (tests run in api/).
func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile("openapi.yaml")
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	return doc
}

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
	if err := embedded.Validate(context.Background()); err != nil {
		t.Errorf("embedded spec is not valid: %v", err)
	}

	fileOps, embOps := operations(file), operations(embedded)
	for _, key := range sortedKeys(fileOps) {
		t.Run("operation/"+key, func(t *testing.T) {
			e, ok := embOps[key]
			if !ok {
				t.Fatalf("gen/ lacks %s", key)
			}
			// oapi-codegen rewrites operationIds in the embedded copy to its Go
			// names (getConversationMultimediaUploadUrl ->
			// GetConversationMultimediaUploadURL) unless the compatibility
			// option preserve-original-operation-id-casing-in-embedded-spec is
			// set: accept that, then require everything else to be identical.
			if f := fileOps[key].OperationID; !strings.EqualFold(e.OperationID, f) {
				t.Errorf("operationId: gen/ has %q, openapi.yaml %q", e.OperationID, f)
			}
			e.OperationID = fileOps[key].OperationID
			sameJSON(t, e, fileOps[key])
		})
	}
	for _, key := range sortedKeys(embOps) {
		if _, ok := fileOps[key]; !ok {
			t.Errorf("gen/ has operation %s, which openapi.yaml lacks", key)
		}
	}
	if len(fileOps) != 23 {
		t.Errorf("openapi.yaml has %d operations, want 23", len(fileOps))
	}

	fs, es := file.Components.Schemas, embedded.Components.Schemas
	for _, name := range sortedKeys(fs) {
		t.Run("schema/"+name, func(t *testing.T) {
			e, ok := es[name]
			if !ok {
				t.Fatalf("gen/ lacks schema %s", name)
			}
			sameJSON(t, e, fs[name])
		})
	}
	for _, name := range sortedKeys(es) {
		if _, ok := fs[name]; !ok {
			t.Errorf("gen/ has schema %s, which openapi.yaml lacks", name)
		}
	}

	// Everything else too: info, servers, security, responses, headers.
	sameJSON(t, embedded, file)
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

func sameJSON(t *testing.T, got, want any) {
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
		t.Errorf("embedded spec in gen/ differs from openapi.yaml (run `make generate`):\n gen/: %.2000s\n file: %.2000s", g, w)
	}
}
