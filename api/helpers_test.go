package api_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"
)

// refDoc is /work/shared/reference/ultracart-conversation-v4.json: release
// 4.1.70 of the API.
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

	// rawProps holds every property exactly as the reference states it.
	rawProps map[string]map[string]map[string]any
}

type refOp struct {
	OperationID        string     `json:"operationId"`
	Method             string     `json:"method"`
	Path               string     `json:"path"`
	Summary            string     `json:"summary"`
	Description        string     `json:"description"`
	Parameters         []refParam `json:"parameters"`
	Response           *string    `json:"response"`
	DocumentedStatuses []struct {
		Status      int    `json:"status"`
		Description string `json:"description"`
	} `json:"documented_statuses"`
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
// properties) is a free-form object.
type refProp struct {
	Type        string   `json:"type"`
	Format      string   `json:"format"`
	Description string   `json:"description"`
	Ref         string   `json:"$ref"`
	Enum        []string `json:"enum"`
	MaxLength   *int     `json:"maxLength"`
	Items       *refProp `json:"items"`
}

const referenceFile = "ultracart-conversation-v4.json"

var loadRef = sync.OnceValues(func() (*refDoc, error) {
	dir := os.Getenv("ULTRACART_REFERENCE_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "reference")
	}
	b, err := os.ReadFile(filepath.Join(dir, referenceFile))
	if err != nil {
		return nil, err
	}
	var d refDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", referenceFile, err)
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
	return &d, nil
})

// reference returns the parsed reference, skipping the test when it is not
// available (ULTRACART_REFERENCE_DIR, or shared/reference beside the project).
func reference(t testing.TB) *refDoc {
	t.Helper()
	d, err := loadRef()
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("reference %s not found (set ULTRACART_REFERENCE_DIR to the directory holding it): %v", referenceFile, err)
	}
	if err != nil {
		t.Fatalf("loading reference: %v", err)
	}
	return d
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
