package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/ultracart-community/ultracart-go/internal/spectext"
)

// refDoc is a reference document of UltraCart's API (testdata/, copied
// from the project's shared reference): ultracart-conversation-v4.1.86.json,
// release 4.1.86, the truth; ultracart-conversation-v4.json, release 4.1.70,
// whose every fact still holds.
type refDoc struct {
	Server         string                       `json:"server"`
	RequestHeaders map[string]string            `json:"request_headers"`
	Security       map[string]map[string]string `json:"security"`
	ErrorResponse  struct {
		StatusCodes        []int             `json:"status_codes"`
		Schema             string            `json:"schema"`
		RetryAfterHeaderOn int               `json:"retry_after_header_on"`
		Headers            map[string]string `json:"headers"`
	} `json:"error_response"`
	Operations []refOp              `json:"operations"`
	Schemas    map[string]refSchema `json:"schemas"`
	// WebsocketSchemas are the roots of the agent websocket's messages, which
	// no operation returns; they are in Schemas too.
	WebsocketSchemas []string `json:"websocket_schemas"`

	// rawProps holds every property exactly as the reference states it
	// (facts it marks unknown replaced by the spec's, see resolveUnknowns).
	rawProps map[string]map[string]map[string]any
	// unknown lists the facts the reference marks unknown: what each was
	// before resolveUnknowns gave it the spec's decision.
	unknown []unknownFact
}

type refOp struct {
	OperationID        string      `json:"operationId"`
	Method             string      `json:"method"`
	Path               string      `json:"path"`
	Summary            string      `json:"summary"`
	Description        string      `json:"description"`
	Parameters         []refParam  `json:"parameters"`
	Response           *string     `json:"response"`
	DocumentedStatuses []refStatus `json:"documented_statuses"`
	// DocumentedStatusesUnknown: the SDK states none (an operation 4.1.70
	// lacks); the table is a decision of api/decisions.yaml.
	DocumentedStatusesUnknown bool `json:"documented_statuses_unknown"`
}

type refStatus struct {
	Status      int    `json:"status"`
	Description string `json:"description"`
}

type refParam struct {
	Name        string         `json:"name"`
	In          string         `json:"in"`
	Required    bool           `json:"required"`
	Description string         `json:"description"`
	Schema      map[string]any `json:"schema"`
}

type refSchema struct {
	Properties map[string]refProp `json:"properties"`
}

// refProp is a property as the reference states it. Type "object" (with no
// properties) is a free-form object. FormatUnknown marks a number whose
// width (integer or number) or a string whose format the SDK cannot state,
// MaxLengthUnknown a string whose length it cannot.
type refProp struct {
	Type             string   `json:"type"`
	Format           string   `json:"format"`
	Description      string   `json:"description"`
	Ref              string   `json:"$ref"`
	Enum             []string `json:"enum"`
	MaxLength        *int     `json:"maxLength"`
	Items            *refProp `json:"items"`
	FormatUnknown    bool     `json:"format_unknown"`
	MaxLengthUnknown bool     `json:"maxLength_unknown"`
}

// unknownFact is a property ("Schema.property") or parameter
// ("operationId.parameter") the reference marks unknown, as it states it.
type unknownFact struct {
	where, kind string // kind: property or parameter
	typ         string // number or string
	maxLength   bool   // the length is unknown too
}

const (
	referenceFile     = "ultracart-conversation-v4.1.86.json"
	reference4170File = "ultracart-conversation-v4.json"
)

func loadRefFile(name string) (*refDoc, error) {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		return nil, err
	}
	var d refDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var raw struct {
		Schemas map[string]struct {
			Properties map[string]map[string]any `json:"properties"`
		} `json:"schemas"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	d.rawProps = map[string]map[string]map[string]any{}
	for name, s := range raw.Schemas {
		d.rawProps[name] = s.Properties
	}
	asText(&d)
	return &d, nil
}

// asText gives every description of a reference the text the spec states:
// the reference keeps the SDKs' HTML escaping (&#39; for '), which the spec
// undoes (spectext.Text).
func asText(d *refDoc) {
	for i := range d.Operations {
		op := &d.Operations[i]
		op.Summary, op.Description = spectext.Text(op.Summary), spectext.Text(op.Description)
		for j := range op.Parameters {
			op.Parameters[j].Description = spectext.Text(op.Parameters[j].Description)
		}
	}
	for _, s := range d.Schemas {
		for pn, p := range s.Properties {
			p.Description = spectext.Text(p.Description)
			s.Properties[pn] = p
		}
	}
	for _, props := range d.rawProps {
		for _, p := range props {
			if desc, ok := p["description"].(string); ok {
				p["description"] = spectext.Text(desc)
			}
		}
	}
}

var loadRef = sync.OnceValues(func() (*refDoc, error) {
	d, err := loadRefFile(referenceFile)
	if err != nil {
		return nil, err
	}
	doc, err := loadSpecOnce()
	if err != nil {
		return nil, err
	}
	if err := resolveUnknowns(d, doc); err != nil {
		return nil, err
	}
	return d, nil
})

var loadRef4170 = sync.OnceValues(func() (*refDoc, error) { return loadRefFile(reference4170File) })

// reference returns release 4.1.86's reference with the facts it marks
// unknown resolved to the spec's decisions (TestUnknownFactsDecided holds
// those to api/decisions.yaml). The file is part of the repository: a clone
// without it fails here rather than skipping.
func reference(t testing.TB) *refDoc {
	t.Helper()
	d, err := loadRef()
	if err != nil {
		t.Fatalf("loading the reference testdata/%s: %v", referenceFile, err)
	}
	return d
}

// reference4170 returns release 4.1.70's reference, as it states it.
func reference4170(t testing.TB) *refDoc {
	t.Helper()
	d, err := loadRef4170()
	if err != nil {
		t.Fatalf("loading the reference testdata/%s: %v", reference4170File, err)
	}
	return d
}

// resolveUnknowns gives each fact the reference marks unknown (a number's
// width, a string's format and length, an operation's status table) the
// value the spec decided, so that the tests that build examples and compare
// types read the decision; the reference's own statement is kept in
// d.unknown for TestUnknownFactsDecided.
func resolveUnknowns(d *refDoc, doc *openapi3.T) error {
	for _, name := range sortedKeys(d.Schemas) {
		for _, pn := range sortedKeys(d.Schemas[name].Properties) {
			p := d.Schemas[name].Properties[pn]
			leaf, rawLeaf := &p, d.rawProps[name][pn]
			if p.Items != nil {
				leaf, rawLeaf = p.Items, rawLeaf["items"].(map[string]any)
			}
			if !leaf.FormatUnknown {
				continue
			}
			d.unknown = append(d.unknown, unknownFact{name + "." + pn, "property", leaf.Type, leaf.MaxLengthUnknown})
			s := doc.Components.Schemas[name]
			if s == nil || s.Value.Properties[pn] == nil {
				continue // reported as missing by TestSpecCoversReference
			}
			sp := s.Value.Properties[pn].Value
			if p.Items != nil {
				if sp.Items == nil {
					continue
				}
				sp = sp.Items.Value
			}
			resolve(leaf, rawLeaf, sp)
			d.Schemas[name].Properties[pn] = p
		}
	}
	var standard []refStatus
	for _, op := range d.Operations {
		if !op.DocumentedStatusesUnknown {
			standard = op.DocumentedStatuses
			if op.Response != nil {
				break
			}
		}
	}
	for i := range d.Operations {
		op := &d.Operations[i]
		if op.DocumentedStatusesUnknown {
			// The decided table: the one every documented operation has
			// (TestUnknownFactsDecided checks that they all do), without 200
			// for a void one.
			for _, s := range standard {
				if s.Status != 200 || op.Response != nil {
					op.DocumentedStatuses = append(op.DocumentedStatuses, s)
				}
			}
		}
		for j, p := range op.Parameters {
			if p.Schema["format_unknown"] != true {
				continue
			}
			typ, _ := p.Schema["type"].(string)
			d.unknown = append(d.unknown, unknownFact{op.OperationID + "." + p.Name, "parameter", typ, p.Schema["maxLength_unknown"] == true})
			var sp *openapi3.Schema
			if item := doc.Paths.Value(op.Path); item != nil {
				if o := item.GetOperation(op.Method); o != nil {
					if prm := o.Parameters.GetByInAndName(p.In, p.Name); prm != nil {
						sp = prm.Schema.Value
					}
				}
			}
			if sp == nil {
				continue
			}
			var leaf refProp
			resolve(&leaf, op.Parameters[j].Schema, sp)
		}
	}
	return nil
}

// resolve sets the type, format and length of p and its raw form to those
// of the spec's schema sp, and drops the unknown markers.
func resolve(p *refProp, raw map[string]any, sp *openapi3.Schema) {
	p.Type, p.Format, p.MaxLength = "", sp.Format, nil
	if len(sp.Type.Slice()) == 1 {
		p.Type = sp.Type.Slice()[0]
	}
	raw["type"] = p.Type
	delete(raw, "format")
	delete(raw, "format_unknown")
	delete(raw, "maxLength_unknown")
	if p.Format != "" {
		raw["format"] = p.Format
	}
	if sp.MaxLength != nil {
		n := int(*sp.MaxLength)
		p.MaxLength = &n
		raw["maxLength"] = float64(n)
	}
	p.FormatUnknown, p.MaxLengthUnknown = false, false
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// exampleGen builds fully populated JSON examples of reference schemas. It is
// not safe for concurrent use: give each goroutine its own.
type exampleGen struct {
	ref *refDoc
	n   int
	// freeForm holds every free-form object written so far, byte for byte:
	// each is unique (it names its property and a counter), so that a test can
	// find it unchanged in what the code under test sends or re-encodes.
	freeForm [][]byte
}

// maxCycleDepth is the nesting depth from which a schema already on the path
// is no longer expanded again (it only matters for Order, OrderAutoOrder and
// Customer, the only schemas that reach themselves).
const maxCycleDepth = 3

// example returns a populated example of schema name as JSON.
func (g *exampleGen) example(t testing.TB, name string) []byte {
	t.Helper()
	b, _ := g.exampleRaw(t, name)
	return b
}

// exampleRaw is example, with the free-form objects the example holds.
func (g *exampleGen) exampleRaw(t testing.TB, name string) ([]byte, [][]byte) {
	t.Helper()
	first := len(g.freeForm)
	b, err := json.Marshal(g.object(name, []string{name}))
	if err != nil {
		t.Fatalf("marshal example %s: %v", name, err)
	}
	return b, g.freeForm[first:]
}

func (g *exampleGen) object(name string, path []string) map[string]any {
	s, ok := g.ref.Schemas[name]
	if !ok || len(s.Properties) == 0 {
		panic("unknown schema, or one without properties: " + name)
	}
	obj := map[string]any{}
	for _, pn := range sortedKeys(s.Properties) {
		if v, ok := g.value(name+"."+pn, s.Properties[pn], path); ok {
			obj[pn] = v
		}
	}
	return obj
}

var (
	exampleTimes   = []string{"2022-12-13T09:58:41-05:00", "2023-06-30T23:59:59.123456789+05:30", "2021-01-02T03:04:05.5Z"}
	exampleNumbers = []string{"1234567.89", "0.07", "-42.5", "99999999.99", "0.1"}
)

// freeFormExample is the content of a free-form object: keys out of order,
// an integer beyond 2^53, decimals that a float64 would reformat, nesting.
// It holds no '<', '>' or '&', which encoding/json would escape.
const freeFormExample = `{"zeta":%q,"big":9007199254740993,"rate":0.070,"tiny":1e-7,"nested":{"list":["a",12.50,true,null],"empty":{}},"alpha":[]}`

func (g *exampleGen) value(label string, p refProp, path []string) (any, bool) {
	g.n++
	n := g.n
	switch {
	case p.Ref != "":
		if slices.Contains(path, p.Ref) && len(path) >= maxCycleDepth {
			return nil, false
		}
		return g.object(p.Ref, append(slices.Clip(path), p.Ref)), true
	case p.Type == "array":
		a, ok := g.value(label+"[0]", *p.Items, path)
		if !ok {
			return nil, false
		}
		if p.Items.Ref != "" && len(path) > 1 {
			// One element of a nested list of objects: two at every level
			// would make the largest examples (a customer snapshot holds
			// customers, orders, items...) megabytes for nothing more.
			return []any{a}, true
		}
		b, ok := g.value(label+"[1]", *p.Items, path)
		if !ok {
			return []any{a}, true
		}
		return []any{a, b}, true
	case p.Type == "object":
		raw := json.RawMessage(fmt.Sprintf(freeFormExample, fmt.Sprintf("%s#%d", label, n)))
		g.freeForm = append(g.freeForm, raw)
		return raw, true
	case len(p.Enum) > 0:
		return p.Enum[n%len(p.Enum)], true
	case p.Type == "string" && p.Format == "date-time":
		return exampleTimes[n%len(exampleTimes)], true
	case p.Type == "string":
		return fmt.Sprintf("%s#%d ü \"q\" <&>", label, n), true
	case p.Type == "integer" && p.Format == "int64":
		return json.Number(fmt.Sprint(int64(9007199254740993) + 2*int64(n))), true
	case p.Type == "integer" && p.Format == "int32":
		return json.Number(fmt.Sprint(2147483647 - n)), true
	case p.Type == "integer":
		return json.Number(fmt.Sprint(100000 + n)), true
	case p.Type == "number":
		if n%2 == 0 {
			return json.Number(fmt.Sprintf("%d.89", 1234567+n)), true
		}
		return json.Number(exampleNumbers[n%len(exampleNumbers)]), true
	case p.Type == "boolean":
		return n%2 == 0, true
	}
	panic(fmt.Sprintf("%s: no example for %+v", label, p))
}

// sameFreeForm checks that every free-form object of an example reached out
// byte for byte.
func sameFreeForm(t testing.TB, what string, raws [][]byte, out []byte) {
	t.Helper()
	for _, raw := range raws {
		if !bytes.Contains(out, raw) {
			t.Errorf("%s: free-form object %s not kept byte for byte", what, raw)
		}
	}
}

// decodeTree decodes JSON keeping numbers as json.Number.
func decodeTree(t testing.TB, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %q: %v", b, err)
	}
	return v
}

// treeCompare compares two JSON trees of a reference schema: every key, exact
// numbers (as rationals), date-times as instants. It returns the number of
// leaves compared.
type treeCompare struct {
	t      testing.TB
	ref    *refDoc
	leaves int
}

func (c *treeCompare) object(path, schema string, want, got any) {
	c.t.Helper()
	w, ok1 := want.(map[string]any)
	g, ok2 := got.(map[string]any)
	if !ok1 || !ok2 {
		c.t.Errorf("%s: want object %T, got %T", path, want, got)
		return
	}
	props := c.ref.Schemas[schema].Properties
	for _, k := range sortedKeys(w) {
		if _, ok := g[k]; !ok {
			c.t.Errorf("%s.%s: lost (want %v)", path, k, w[k])
		}
	}
	for _, k := range sortedKeys(g) {
		if _, ok := w[k]; !ok {
			c.t.Errorf("%s.%s: unexpected %v", path, k, g[k])
			continue
		}
		p, ok := props[k]
		if !ok {
			c.t.Errorf("%s.%s: not a property of %s", path, k, schema)
			continue
		}
		c.value(path+"."+k, p, w[k], g[k])
	}
}

func (c *treeCompare) value(path string, p refProp, want, got any) {
	c.t.Helper()
	switch {
	case p.Ref != "":
		c.object(path, p.Ref, want, got)
		return
	case p.Type == "array":
		w, ok1 := want.([]any)
		g, ok2 := got.([]any)
		if !ok1 || !ok2 || len(w) != len(g) {
			c.t.Errorf("%s: want array %v, got %v", path, want, got)
			return
		}
		for i := range w {
			c.value(fmt.Sprintf("%s[%d]", path, i), *p.Items, w[i], g[i])
		}
		return
	}
	c.leaves++
	switch {
	case p.Format == "date-time":
		ws, _ := want.(string)
		gs, _ := got.(string)
		wt, err1 := time.Parse(time.RFC3339Nano, ws)
		gt, err2 := time.Parse(time.RFC3339Nano, gs)
		if err1 != nil || err2 != nil || !wt.Equal(gt) {
			c.t.Errorf("%s: date-time %v, want the instant %v", path, got, want)
		}
	case p.Type == "object":
		// Free-form: the same tree, numbers compared as their text
		// (json.Number); sameFreeForm checks the bytes.
		if !reflect.DeepEqual(want, got) {
			c.t.Errorf("%s: free-form object %v, want %v", path, got, want)
		}
	case p.Type == "integer" || p.Type == "number":
		if !sameNumber(want, got) {
			c.t.Errorf("%s: number %v, want %v", path, got, want)
		}
	default:
		if !reflect.DeepEqual(want, got) {
			c.t.Errorf("%s: %#v, want %#v", path, got, want)
		}
	}
}

// sameNumber compares two json.Number values exactly.
func sameNumber(a, b any) bool {
	an, ok1 := a.(json.Number)
	bn, ok2 := b.(json.Number)
	if !ok1 || !ok2 {
		return false
	}
	ar, ok1 := new(big.Rat).SetString(string(an))
	br, ok2 := new(big.Rat).SetString(string(bn))
	return ok1 && ok2 && ar.Cmp(br) == 0
}

// roundTrip decodes b into v, encodes v again and returns the output.
func roundTrip(t testing.TB, b []byte, v any) []byte {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode into %T: %v", v, err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode %T: %v", v, err)
	}
	return out
}
