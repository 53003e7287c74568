package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// facts counts the reference facts checked and reports the ones the spec
// gets wrong.
type facts struct {
	t *testing.T
	n *int
}

func (f facts) check(ok bool, format string, args ...any) bool {
	f.t.Helper()
	*f.n++
	if !ok {
		f.t.Errorf(format, args...)
	}
	return ok
}

func (f facts) equal(what string, spec, ref any) bool {
	f.t.Helper()
	return f.check(reflect.DeepEqual(spec, ref), "%s: spec has %#v, reference says %#v", what, spec, ref)
}

// want is equal for a fact that follows from the reference rather than
// being stated by it (a shared enum's users, the x-go-type they carry).
func (f facts) want(what string, spec, want any) bool {
	f.t.Helper()
	return f.check(reflect.DeepEqual(spec, want), "%s: spec has %#v, want %#v", what, spec, want)
}

// asJSON is v as a generic JSON tree (numbers as float64).
func asJSON(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %T: %v", v, err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("unmarshal %s: %v", b, err)
	}
	return m
}

// specForm writes a reference schema fragment the way the spec states it.
func specForm(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		switch k {
		case "$ref":
			out[k] = "#/components/schemas/" + v.(string)
		case "items":
			out[k] = specForm(v.(map[string]any))
		default:
			out[k] = v
		}
	}
	return out
}

// sameKeys checks every key of want in got, and that got has no other key.
func (f facts) sameKeys(what string, got, want map[string]any) {
	f.t.Helper()
	for _, k := range sortedKeys(want) {
		f.equal(what+"."+k, withoutExtensions(got[k]), want[k])
	}
	for _, k := range sortedKeys(got) {
		if strings.HasPrefix(k, "x-") {
			continue // generator extensions (x-go-type, x-omitzero, ...) are not facts of the wire
		}
		if _, ok := want[k]; !ok {
			f.check(false, "%s: spec has %s=%v, which the reference lacks", what, k, got[k])
		}
	}
}

// withoutExtensions is v without the x- keys of the maps in it (an array's
// items carry their type's generator extensions).
func withoutExtensions(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for k, x := range m {
		if !strings.HasPrefix(k, "x-") {
			out[k] = withoutExtensions(x)
		}
	}
	return out
}

var errorResponseNames = map[int]string{400: "BadRequest", 401: "Unauthorized", 410: "Gone", 429: "TooManyRequests", 500: "InternalServerError"}

// paramSchemaExtras are the bounds the spec adds to a parameter (by
// operationId.name) from its description: "(Max 200)", "(Maximum 200)",
// "Offset is a zero based index", "(default 20, max 100)".
var paramSchemaExtras = map[string]map[string]any{
	"getConversations._limit":              {"maximum": 200.0},
	"getConversations._offset":             {"minimum": 0.0},
	"searchPbxCalls._limit":                {"maximum": 200.0},
	"searchPbxCalls._offset":               {"minimum": 0.0},
	"searchPbxAvailablePhoneNumbers.limit": {"maximum": 100.0},
	"searchAgentStatusHistory._limit":      {"maximum": 200.0},
	"searchAgentStatusHistory._offset":     {"minimum": 0.0},
}

// paramGoNames are the Go field names the spec gives the underscored query
// parameters (x-go-name); no other parameter has one.
var paramGoNames = map[string]string{"_limit": "Limit", "_offset": "Offset", "_sort": "Sort"}

// factsFloor is a little below the number of facts the v4 reference gives
// (TestSpecCoversReference logs it): a check that silently stops running
// lowers the count below it.
const factsFloor = 26500

func TestSpecCoversReference(t *testing.T) {
	ref := reference(t)
	doc := loadSpec(t)
	total := 0

	t.Run("server", func(t *testing.T) {
		f := facts{t, &total}
		if f.equal("servers", len(doc.Servers), 1) {
			f.equal("server url", doc.Servers[0].URL, ref.Server)
		}
	})

	t.Run("request_headers", func(t *testing.T) {
		f := facts{t, &total}
		v := ref.RequestHeaders["X-UltraCart-Api-Version"]
		f.check(v != "" && strings.Contains(doc.Info.Description, "X-UltraCart-Api-Version: "+v),
			"info.description does not state X-UltraCart-Api-Version: %s", v)
		// Accept and Content-Type: every body and response is application/json (checked per operation).
		f.equal("Accept", ref.RequestHeaders["Accept"], "application/json")
		f.equal("Content-Type", ref.RequestHeaders["Content-Type"], "application/json")
	})

	t.Run("security", func(t *testing.T) {
		f := facts{t, &total}
		schemes := doc.Components.SecuritySchemes
		f.equal("number of security schemes", len(schemes), len(ref.Security))
		for _, name := range sortedKeys(ref.Security) {
			want := ref.Security[name]
			s := schemes[name]
			if !f.check(s != nil && s.Value != nil, "security scheme %s missing", name) {
				continue
			}
			f.equal(name+".type", s.Value.Type, want["type"])
			switch want["type"] {
			case "apiKey":
				f.equal(name+".in", s.Value.In, want["in"])
				f.equal(name+".name", s.Value.Name, want["name"])
			case "oauth2":
				f.check(s.Value.Flows != nil, "%s: oauth2 without flows", name)
			}
		}
		f.check(alternativesAlone(doc.Security, ref), "top-level security %v: want each of %v alone as an alternative, and no other", doc.Security, sortedKeys(ref.Security))
	})

	specOps := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			specOps[op.OperationID] = true
			if op.OperationID == "" {
				t.Errorf("%s %s has no operationId", method, path)
			}
		}
	}
	before := total
	refOps := map[string]bool{}
	for _, op := range ref.Operations {
		refOps[op.OperationID] = true
		t.Run("operation/"+op.OperationID, func(t *testing.T) { checkOperation(facts{t, &total}, doc, ref, op) })
	}
	t.Run("no extra operations", func(t *testing.T) {
		f := facts{t, &total}
		f.equal("number of operations", len(specOps), len(ref.Operations))
		for _, id := range sortedKeys(specOps) {
			f.check(refOps[id], "spec has operation %s, which the reference lacks", id)
		}
	})
	t.Run("parameter bounds", func(t *testing.T) {
		// Every bound the spec adds belongs to a parameter of the reference.
		f := facts{t, &total}
		params := map[string]bool{}
		for _, op := range ref.Operations {
			for _, p := range op.Parameters {
				params[op.OperationID+"."+p.Name] = true
			}
		}
		for _, key := range sortedKeys(paramSchemaExtras) {
			f.check(params[key], "paramSchemaExtras has %s, which is no parameter of the reference", key)
		}
	})
	opFacts := total - before
	before = total

	t.Run("websocket_schemas", func(t *testing.T) {
		f := facts{t, &total}
		f.equal("number of websocket schemas", len(ref.WebsocketSchemas), 8)
		for _, name := range ref.WebsocketSchemas {
			_, inRef := ref.Schemas[name]
			s := doc.Components.Schemas[name]
			f.check(inRef && s != nil && s.Value != nil && s.Value.Type.Is("object"),
				"websocket schema %s: want an object among the components (reference has it: %v)", name, inRef)
		}
	})

	for _, name := range sortedKeys(ref.Schemas) {
		t.Run("schema/"+name, func(t *testing.T) {
			f := facts{t, &total}
			s := checkProperties(f, doc, ref, name)
			if s == nil {
				return
			}
			shape := asJSON(t, s)
			delete(shape, "properties")
			f.sameKeys(name, shape, map[string]any{"type": "object"})
			for _, pn := range sortedKeys(s.Properties) {
				_, ok := ref.rawProps[name][pn]
				f.check(ok, "%s: spec has property %s, which the reference lacks", name, pn)
			}
		})
	}
	schemaFacts := total - before
	before = total
	shared := sharedEnumComponents(doc, ref)
	for _, name := range sortedKeys(shared) {
		t.Run("shared enum/"+name, func(t *testing.T) { checkSharedEnum(facts{t, &total}, doc, ref, name) })
	}
	t.Run("no extra schemas", func(t *testing.T) {
		f := facts{t, &total}
		f.equal("number of schemas", len(doc.Components.Schemas), len(ref.Schemas)+len(shared))
		for _, name := range sortedKeys(doc.Components.Schemas) {
			_, ok := ref.Schemas[name]
			f.check(ok || shared[name], "spec has schema %s, which the reference lacks and which is not a shared enum (x-shared-enum)", name)
		}
	})
	t.Run("enum value sets", func(t *testing.T) { checkEnumValueSets(facts{t, &total}, doc, ref, shared) })

	enumFacts := total - before
	nProps := 0
	for _, props := range ref.rawProps {
		nProps += len(props)
	}

	t.Logf("%d reference facts checked: %d of the %d operations, %d of the %d schemas and %d properties, %d of the shared enums and x-go-types, %d others",
		total, opFacts, len(ref.Operations), schemaFacts, len(ref.Schemas), nProps, enumFacts, total-opFacts-schemaFacts-enumFacts)
	if total < factsFloor {
		t.Errorf("only %d facts checked, want %d+", total, factsFloor)
	}
}

// alternativesAlone reports whether reqs lists each reference scheme alone as
// one alternative and nothing else (no anonymous {} alternative).
func alternativesAlone(reqs openapi3.SecurityRequirements, ref *refDoc) bool {
	var got []string
	for _, r := range reqs {
		if len(r) != 1 {
			return false
		}
		for name, scopes := range r {
			if len(scopes) != 0 {
				return false
			}
			got = append(got, name)
		}
	}
	slices.Sort(got)
	return slices.Equal(got, sortedKeys(ref.Security))
}

func checkOperation(f facts, doc *openapi3.T, ref *refDoc, want refOp) {
	t := f.t
	item := doc.Paths.Value(want.Path)
	if !f.check(item != nil, "path %s missing", want.Path) {
		return
	}
	op := item.GetOperation(want.Method)
	if !f.check(op != nil, "%s %s missing", want.Method, want.Path) {
		return
	}
	f.equal("operationId", op.OperationID, want.OperationID)
	f.equal("summary", op.Summary, want.Summary)
	f.equal("description", op.Description, want.Description)
	f.equal("tags", op.Tags, []string{"conversation"})
	security := doc.Security
	if op.Security != nil {
		security = *op.Security
	}
	f.check(alternativesAlone(security, ref), "security %v: want each of %v alone", security, sortedKeys(ref.Security))

	// Parameters, including any declared on the path item.
	params := map[string]*openapi3.Parameter{}
	for _, list := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, p := range list {
			params[p.Value.Name] = p.Value
		}
	}
	var body *refParam
	nonBody := 0
	for i, p := range want.Parameters {
		if p.In == "body" {
			body = &want.Parameters[i]
			continue
		}
		nonBody++
		what := "parameter " + p.Name
		sp := params[p.Name]
		if !f.check(sp != nil, "%s missing", what) {
			continue
		}
		f.equal(what+".in", sp.In, p.In)
		f.equal(what+".required", sp.Required, p.Required)
		f.equal(what+".description", sp.Description, p.Description)
		wantSchema := map[string]any{}
		for k, v := range p.Schema {
			wantSchema[k] = v
		}
		for k, v := range paramSchemaExtras[want.OperationID+"."+p.Name] {
			wantSchema[k] = v
		}
		f.sameKeys(what+".schema", asJSON(t, sp.Schema), wantSchema)
		if goName, ok := paramGoNames[p.Name]; ok {
			f.equal(what+".x-go-name", sp.Extensions["x-go-name"], goName)
		} else {
			f.equal(what+".x-go-name", sp.Extensions["x-go-name"], nil)
		}
	}
	f.equal("number of parameters", len(params), nonBody)

	if body == nil {
		f.check(op.RequestBody == nil, "spec has a request body, the reference none")
	} else if f.check(op.RequestBody != nil && op.RequestBody.Value != nil, "request body %s missing", body.Name) {
		rb := op.RequestBody.Value
		f.equal("requestBody.required", rb.Required, body.Required)
		f.equal("requestBody.description", rb.Description, body.Description)
		f.equal("requestBody.content", sortedKeys(rb.Content), []string{"application/json"})
		if mt := rb.Content.Get("application/json"); mt != nil && mt.Schema != nil {
			f.equal("requestBody schema", mt.Schema.Ref, "#/components/schemas/"+body.Schema["$ref"].(string))
		}
		// The body's name is the SDK's, never on the wire: 4.1.70's PHP SDK
		// writes pbx_time_based where the JavaScript SDK writes
		// pbx_timeBased; either makes the Go argument pbxTimeBased.
		name, _ := op.Extensions["x-codegen-request-body-name"].(string)
		f.equal("x-codegen-request-body-name", bodyNameKey(name), bodyNameKey(body.Name))
	}

	// Responses: the documented statuses, plus 204 for a void operation.
	var wantCodes []string
	for _, s := range want.DocumentedStatuses {
		wantCodes = append(wantCodes, strconv.Itoa(s.Status))
	}
	if want.Response == nil {
		wantCodes = append(wantCodes, "204")
	}
	slices.Sort(wantCodes)
	f.equal("response statuses", sortedKeys(op.Responses.Map()), wantCodes)
	if want.Response == nil {
		if r := op.Responses.Value("204"); f.check(r != nil && r.Value != nil, "void operation without 204") {
			f.check(len(r.Value.Content) == 0, "204 has content %v", sortedKeys(r.Value.Content))
		}
	}
	for _, s := range want.DocumentedStatuses {
		what := fmt.Sprintf("response %d", s.Status)
		r := op.Responses.Value(strconv.Itoa(s.Status))
		if !f.check(r != nil && r.Value != nil, "%s missing", what) {
			continue
		}
		f.equal(what+" description", deref(r.Value.Description), s.Description)
		if s.Status == http.StatusOK {
			if want.Response == nil {
				f.check(false, "200 documented for a void operation")
				continue
			}
			f.equal(what+" content", sortedKeys(r.Value.Content), []string{"application/json"})
			if mt := r.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
				f.equal(what+" schema", mt.Schema.Ref, "#/components/schemas/"+*want.Response)
			}
			continue
		}
		checkErrorResponse(f, what, s.Status, r, ref)
	}
	f.check(want.Response != nil || !slices.Contains(wantCodes, "200"), "void operation documents 200")
}

// checkProperties checks that schema name is among the spec's components
// and that each property the reference gives it is there as stated; it
// returns the spec's schema, or nil.
func checkProperties(f facts, doc *openapi3.T, ref *refDoc, name string) *openapi3.Schema {
	s := doc.Components.Schemas[name]
	if !f.check(s != nil && s.Value != nil, "schema %s missing", name) {
		return nil
	}
	props := ref.rawProps[name]
	for _, pn := range sortedKeys(props) {
		sp := s.Value.Properties[pn]
		if f.check(sp != nil, "%s: property %s missing", name, pn) {
			f.sameKeys(name+"."+pn, withoutDocAdded(f, name+"."+pn, asJSON(f.t, sp)), specForm(props[pn]))
		}
	}
	return s.Value
}

// withoutDocAdded is a property of the spec with what the project added to
// its description (x-doc-added, a paragraph at its end) taken off, so that
// the rest compares with the reference.
func withoutDocAdded(f facts, what string, p map[string]any) map[string]any {
	added, ok := p["x-doc-added"].(string)
	if !ok {
		return p
	}
	desc, _ := p["description"].(string)
	switch {
	case desc == added:
		delete(p, "description")
	case f.check(strings.HasSuffix(desc, "\n\n"+added), "%s: description %q does not end with its x-doc-added paragraph %q", what, desc, added):
		p["description"] = strings.TrimSuffix(desc, "\n\n"+added)
	}
	return p
}

// bodyNameKey is a body name without case and underscores.
func bodyNameKey(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "")) }

// TestSpecKeeps4170 holds the spec to every fact of release 4.1.70, the
// release the client spoke before: every operation with its method, path,
// parameters, body, response and statuses, and every property of every
// schema with its type, width, format, length, enum values and description
// (facts the 4.1.86 reference copies from 4.1.70 where the JavaScript SDK
// cannot state them, checked here at their source). The spec may have more.
func TestSpecKeeps4170(t *testing.T) {
	ref := reference4170(t)
	doc := loadSpec(t)
	total := 0
	for _, op := range ref.Operations {
		t.Run("operation/"+op.OperationID, func(t *testing.T) { checkOperation(facts{t, &total}, doc, ref, op) })
	}
	props := 0
	for _, name := range sortedKeys(ref.Schemas) {
		props += len(ref.rawProps[name])
		t.Run("schema/"+name, func(t *testing.T) { checkProperties(facts{t, &total}, doc, ref, name) })
	}
	t.Logf("%d facts of release 4.1.70 checked: %d operations, %d schemas, %d properties", total, len(ref.Operations), len(ref.Schemas), props)
	if len(ref.Operations) != 128 || len(ref.Schemas) != 381 || props != 2993 {
		t.Errorf("4.1.70 reference: %d operations, %d schemas, %d properties; want 128, 381, 2993", len(ref.Operations), len(ref.Schemas), props)
	}
}

func checkErrorResponse(f facts, what string, status int, r *openapi3.ResponseRef, ref *refDoc) {
	f.check(slices.Contains(ref.ErrorResponse.StatusCodes, status), "%s is not a documented error status", what)
	f.equal(what+" $ref", r.Ref, "#/components/responses/"+errorResponseNames[status])
	f.equal(what+" content", sortedKeys(r.Value.Content), []string{"application/json"})
	if mt := r.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
		f.equal(what+" schema", mt.Schema.Ref, "#/components/schemas/"+ref.ErrorResponse.Schema)
	}
	wantHeaders := sortedKeys(ref.ErrorResponse.Headers)
	if status == ref.ErrorResponse.RetryAfterHeaderOn {
		wantHeaders = append(wantHeaders, "Retry-After")
		slices.Sort(wantHeaders)
	}
	f.equal(what+" headers", sortedKeys(r.Value.Headers), wantHeaders)
	for _, h := range wantHeaders {
		hr := r.Value.Headers[h]
		f.check(hr != nil && hr.Value != nil && hr.Value.Schema != nil && hr.Value.Schema.Value.Type.Is("string"),
			"%s header %s: want a string", what, h)
	}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
