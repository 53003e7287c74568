package main

import (
	"cmp"
	"fmt"
	"go/token"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// op is one operation as the wrapper method sees it.
type op struct {
	ID          string // operationId
	GoName      string // oapi-codegen's name: GetPbxAddress
	Method      string // the Client method
	HTTPMethod  string
	Path        string
	Summary     string
	Description string
	Doc         string // x-go-doc
	Note        string // x-go-note: a paragraph the method's doc adds
	Idempotent  bool

	PathArgs []pathArg
	Query    []queryParam // in the Params struct's order
	Body     *bodyArg
	Result   result

	// Options is the options struct of the optional query parameters ("" when
	// there are none); Iter the iterator of a paged operation ("" otherwise).
	Options string
	Iter    *iterator
	// Former names, kept one release as deprecated forwards.
	Deprecated deprecated

	// Replaces: an update that takes and returns the same model, which it
	// replaces whole on the service. Modify is its read-modify-write helper
	// (nil when no get reads the same object); ListedBy the get of the
	// list the object is read from when there is none.
	Replaces bool
	Modify   *modifyHelper
	ListedBy *op
}

// modifyHelper is the generated Modify<Noun> of a get/update pair: the GET
// and the update share a path (and so their path parameters), and the GET
// returns the model the update takes.
type modifyHelper struct {
	Name  string // Modify + the update's noun: ModifyPbxQueue
	Get   *op
	Model string // ConversationPbxQueue
	Key   string // the payload's property in the get's response: pbx_queue
}

// iterator is what the generated <Method>Iter walks.
type iterator struct {
	Name string
	Item string // the item type: ConversationSummary
	// Key is the item's identifier (x-go-iter-key), by its getter: a walk
	// yields each identifier once.
	Key, KeyGetter string
	Limit          bool // the options have Limit (_limit): pages default to MaxPageSize
	// Items is the response field of the list when the method returns the
	// whole response (its envelope has other payload besides the list, such
	// as a total); empty when the method returns a *Page.
	Items string
	// Warning: the response has a warning to put on the page.
	Warning bool
}

// deprecated are an operation's former Go names (x-go-deprecated-method,
// x-go-deprecated-iter); Options follows from Method.
type deprecated struct {
	Method, Options, Iter string
}

type pathArg struct {
	Name   string // Go argument name, as gen's builder names it
	Wire   string // name in the path template
	GoType string // gen's builder type: string, int32, int64, ucid.UserID
	Time   string // x-go-time
	// ID is the conversation type of an id the spec names (x-go-type
	// ucid.UserID: UserID), which the method takes as it is.
	ID string
	// Reserved are values that would make the path another operation's:
	// GET /pbx/hardware_phone/{uuid} with "manufacturers" is
	// getPbxHardwarePhoneManufacturers.
	Reserved []string
}

type queryParam struct {
	Field    string // Params struct field
	Wire     string
	GenType  string // Params field type: *string, *int32, *bool, *ConversationMedium
	Required bool
	Desc     string
	Time     string // x-go-time
	Min, Max int
}

type bodyArg struct {
	Name     string // Go argument name
	Type     string // model type the body is
	Required bool
	Desc     string
}

type resultKind int

const (
	resultVoid    resultKind = iota // no documented body: returns error
	resultNone                      // an envelope without payload (BaseResponse)
	resultPayload                   // the one payload property
	resultWhole                     // several payload properties: the whole response
	resultPage                      // a paged list
)

type result struct {
	Kind     resultKind
	Response *genType  // the response model
	Payload  *genField // for resultPayload and resultPage
	// PayloadModel is whether Payload is a pointer to a model (not to a
	// basic or enum type).
	PayloadModel bool
	Envelope     []string // envelope fields present: Success, Error, Metadata, Warning
}

// envelopeField is the Go field of an envelope property of a response.
func envelopeField(json string) (string, bool) {
	switch json {
	case "success":
		return "Success", true
	case "error":
		return "Error", true
	case "metadata":
		return "Metadata", true
	case "warning":
		return "Warning", true
	}
	return "", false
}

func loadOperations(specPath string, g *genPkg) ([]*op, error) {
	doc, err := openapi3.NewLoader().LoadFromFile(specPath)
	if err != nil {
		return nil, err
	}
	var ops []*op
	var errs []string
	for path, item := range doc.Paths.Map() {
		for method, o := range item.Operations() {
			x, err := newOp(g, path, method, o)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s: %v", o.OperationID, err))
				continue
			}
			ops = append(ops, x)
		}
	}
	reserveLiterals(ops)
	pairUpdates(ops)
	if len(errs) > 0 {
		slices.Sort(errs)
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	slices.SortFunc(ops, func(a, b *op) int { return cmp.Compare(a.Method, b.Method) })
	if err := checkNames(ops); err != nil {
		return nil, err
	}
	return ops, nil
}

// checkNames fails when two operations would declare the same Go name:
// methods, options types, iterators and the deprecated ones.
func checkNames(ops []*op) error {
	owner := map[string]string{}
	var errs []string
	for _, o := range ops {
		for _, name := range []string{o.Method, o.Options, o.iterName(), o.Deprecated.Method, o.Deprecated.Options, o.Deprecated.Iter, o.modifyName()} {
			if name == "" {
				continue
			}
			if other, dup := owner[name]; dup {
				errs = append(errs, fmt.Sprintf("%s and %s both make %s", other, o.ID, name))
			}
			owner[name] = o.ID
		}
	}
	if len(errs) > 0 {
		slices.Sort(errs)
		return fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return nil
}

func (o *op) modifyName() string {
	if o.Modify == nil {
		return ""
	}
	return o.Modify.Name
}

func (o *op) iterName() string {
	if o.Iter == nil {
		return ""
	}
	return o.Iter.Name
}

func newOp(g *genPkg, path, method string, o *openapi3.Operation) (*op, error) {
	b := g.builders[strings.ToLower(o.OperationID)]
	if b == nil {
		return nil, fmt.Errorf("gen/ has no builder New<%s>Request", o.OperationID)
	}
	x := &op{ID: o.OperationID, GoName: b.Name, Method: b.Name, HTTPMethod: method, Path: path,
		Summary: o.Summary, Description: o.Description}
	if v, ok := o.Extensions["x-go-method"]; ok {
		// One rule names every method, so that a new operation names itself.
		return nil, fmt.Errorf("x-go-method %#v: a method is named by its operationId in Go spelling (%s), with no exception; a former name goes in x-go-deprecated-method", v, b.Name)
	}
	if v, ok := o.Extensions["x-go-doc"].(string); ok {
		x.Doc = v
	}
	if v, ok := o.Extensions["x-go-note"].(string); ok {
		x.Note = v
	}
	idem, ok := o.Extensions["x-idempotent"].(bool)
	if !ok {
		return nil, fmt.Errorf("x-idempotent (true or false) is required on every operation")
	}
	x.Idempotent = idem

	byName := map[string]*openapi3.Parameter{}
	for _, p := range o.Parameters {
		byName[p.Value.Name] = p.Value
	}
	// Path arguments: the builder takes them in the template's order.
	var builderPath []builderParam
	for _, p := range b.Params[1:] {
		if p.Name != "params" && p.Name != "body" {
			builderPath = append(builderPath, p)
		}
	}
	wires := pathTemplate.FindAllStringSubmatch(path, -1)
	if len(wires) != len(builderPath) {
		return nil, fmt.Errorf("path %s has %d parameters, builder %d", path, len(wires), len(builderPath))
	}
	for i, w := range wires {
		p := byName[w[1]]
		if p == nil || p.In != "path" {
			return nil, fmt.Errorf("path parameter %s not declared", w[1])
		}
		a := pathArg{Name: builderPath[i].Name, Wire: w[1], GoType: builderPath[i].Type}
		a.Time, _ = p.Extensions["x-go-time"].(string)
		if t, ok := strings.CutPrefix(a.GoType, "ucid."); ok {
			a.ID = t
		}
		x.PathArgs = append(x.PathArgs, a)
	}

	if params := g.byName[b.Name+"Params"]; params != nil {
		for _, f := range params.Fields {
			p := byName[f.Form]
			if p == nil || p.In != "query" {
				return nil, fmt.Errorf("query parameter %s not declared", f.Form)
			}
			q := queryParam{Field: f.Name, Wire: f.Form, GenType: f.Type, Required: p.Required, Desc: p.Description}
			q.Time, _ = p.Extensions["x-go-time"].(string)
			if s := p.Schema.Value; s.Type.Is("integer") {
				q.Min, q.Max = 1, math.MaxInt32
				if s.Min != nil {
					q.Min = int(*s.Min)
				}
				if s.Max != nil {
					q.Max = int(*s.Max)
				}
			}
			x.Query = append(x.Query, q)
			if !q.Required {
				x.Options = x.Method + "Options"
			}
		}
	}

	if rb := o.RequestBody; rb != nil {
		bodyType := g.byName[b.Name+"JSONRequestBody"]
		if bodyType == nil || bodyType.Alias == "" {
			return nil, fmt.Errorf("gen/ has no %sJSONRequestBody alias", b.Name)
		}
		name, _ := o.Extensions["x-codegen-request-body-name"].(string)
		if name == "" {
			return nil, fmt.Errorf("x-codegen-request-body-name missing")
		}
		x.Body = &bodyArg{Name: lowerCamel(name), Type: bodyType.Alias, Required: rb.Value.Required, Desc: rb.Value.Description}
	}

	if err := x.setResult(g, o); err != nil {
		return nil, err
	}
	if err := x.setIterator(g, o); err != nil {
		return nil, err
	}
	if err := x.setDeprecated(o); err != nil {
		return nil, err
	}
	return x, nil
}

// setResult finds what the method returns from the 200 response's schema.
func (x *op) setResult(g *genPkg, o *openapi3.Operation) error {
	ok200 := o.Responses.Value("200")
	if ok200 == nil {
		x.Result = result{Kind: resultVoid}
		return nil
	}
	mt := ok200.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Ref == "" {
		return fmt.Errorf("200 response is not a $ref to a schema")
	}
	schema := strings.TrimPrefix(mt.Schema.Ref, "#/components/schemas/")
	resp := g.bySchema[schema]
	if resp == nil || !resp.Struct {
		return fmt.Errorf("gen/ has no model for %s", schema)
	}
	x.Result.Response = resp
	var payload []*genField
	for _, f := range resp.Fields {
		if name, ok := envelopeField(f.JSON); ok {
			x.Result.Envelope = append(x.Result.Envelope, name)
		} else {
			payload = append(payload, f)
		}
	}
	switch {
	case len(payload) == 0:
		x.Result.Kind = resultNone
	case len(payload) == 1 && x.paged() && strings.HasPrefix(payload[0].Type, "[]") && slices.Contains(x.Result.Envelope, "Metadata"):
		x.Result.Kind, x.Result.Payload = resultPage, payload[0]
	case len(payload) == 1:
		x.Result.Kind, x.Result.Payload = resultPayload, payload[0]
		t := payload[0].Type
		x.Result.PayloadModel = strings.HasPrefix(t, "*") && g.isStruct(t[1:])
	default:
		x.Result.Kind = resultWhole
	}
	return nil
}

// pagedList is the list a paged operation pages through: the response's one
// array payload property, when the operation pages by _offset and the
// response has metadata (its result_set says where the list goes on). The
// method returns it as a *Page when it is the only payload, and the whole
// response when there is more (searchAgentStatusHistory's total); the
// iterator walks it either way.
func (x *op) pagedList() *genField {
	if !x.paged() || !slices.Contains(x.Result.Envelope, "Metadata") {
		return nil
	}
	switch x.Result.Kind {
	case resultPage:
		return x.Result.Payload
	case resultWhole:
		var list *genField
		for _, f := range x.Result.Response.Fields {
			if _, env := envelopeField(f.JSON); env || !strings.HasPrefix(f.Type, "[]") {
				continue
			}
			if list != nil {
				return nil // two lists: which one pages is not for the generator to guess
			}
			list = f
		}
		return list
	}
	return nil
}

// paged reports whether the operation pages by _offset.
func (x *op) paged() bool {
	return slices.ContainsFunc(x.Query, func(q queryParam) bool { return q.Wire == "_offset" })
}

// setIterator gives a paged operation its iterator, keyed by x-go-iter-key.
func (x *op) setIterator(g *genPkg, o *openapi3.Operation) error {
	key, hasKey := o.Extensions["x-go-iter-key"]
	list := x.pagedList()
	if list == nil {
		if hasKey {
			return fmt.Errorf("x-go-iter-key on an operation that is not paged by _offset")
		}
		return nil
	}
	if !hasKey {
		return fmt.Errorf("paged by _offset: x-go-iter-key (the JSON property that identifies an item) is required")
	}
	item := strings.TrimPrefix(list.Type, "[]")
	it := g.byName[item]
	if it == nil || !it.Struct {
		return fmt.Errorf("paged items of type %s are not a model", item)
	}
	s, _ := key.(string)
	f := it.field(s)
	if f == nil || (f.Type != "*string" && f.Type != "string") {
		return fmt.Errorf("x-go-iter-key %#v is not a string property of %s", key, item)
	}
	x.Iter = &iterator{Name: x.Method + "Iter", Item: item, Key: s, KeyGetter: "Get" + f.Name,
		Limit: slices.ContainsFunc(x.Query, func(q queryParam) bool { return q.Wire == "_limit" && !q.Required && q.Field == "Limit" })}
	if x.Result.Kind == resultWhole {
		x.Iter.Items = list.Name
		x.Iter.Warning = slices.Contains(x.Result.Envelope, "Warning")
	}
	if !slices.ContainsFunc(x.Query, func(q queryParam) bool { return q.Wire == "_offset" && q.Field == "Offset" }) {
		return fmt.Errorf("paged by _offset, but its options field is not Offset")
	}
	return nil
}

// setDeprecated reads the operation's former names.
func (x *op) setDeprecated(o *openapi3.Operation) error {
	for _, e := range []struct {
		key  string
		name *string
	}{{"x-go-deprecated-method", &x.Deprecated.Method}, {"x-go-deprecated-iter", &x.Deprecated.Iter}} {
		v, ok := o.Extensions[e.key]
		if !ok {
			continue
		}
		s, _ := v.(string)
		if !token.IsIdentifier(s) || !token.IsExported(s) {
			return fmt.Errorf("%s %#v is not an exported Go identifier", e.key, v)
		}
		*e.name = s
	}
	if x.Deprecated.Method != "" && x.Options != "" {
		x.Deprecated.Options = x.Deprecated.Method + "Options"
	}
	if x.Deprecated.Iter != "" && x.Iter == nil {
		return fmt.Errorf("x-go-deprecated-iter on an operation without an iterator")
	}
	return nil
}

var pathTemplate = regexp.MustCompile(`\{([^}]+)\}`)

// lowerCamel turns a snake_case wire name into a Go argument name.
func lowerCamel(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			r := []rune(parts[i])
			r[0] = unicode.ToUpper(r[0])
			parts[i] = string(r)
		}
	}
	return strings.Join(parts, "")
}

// reserveLiterals finds, for each path parameter, the values that would
// route the request to another operation of the same HTTP method: those
// where another path template has a literal segment and matches every other
// segment.
func reserveLiterals(ops []*op) {
	for _, o := range ops {
		segs := strings.Split(o.Path, "/")
		for i, a := range o.PathArgs {
			pos := slices.Index(segs, "{"+a.Wire+"}")
			for _, other := range ops {
				if other == o || other.HTTPMethod != o.HTTPMethod {
					continue
				}
				os := strings.Split(other.Path, "/")
				if len(os) != len(segs) || strings.HasPrefix(os[pos], "{") {
					continue
				}
				match := true
				for k := range segs {
					if k != pos && segs[k] != os[k] && !strings.HasPrefix(segs[k], "{") && !strings.HasPrefix(os[k], "{") {
						match = false
					}
				}
				if match && !slices.Contains(o.PathArgs[i].Reserved, os[pos]) {
					o.PathArgs[i].Reserved = append(o.PathArgs[i].Reserved, os[pos])
				}
			}
			slices.Sort(o.PathArgs[i].Reserved)
		}
	}
}

// pairUpdates finds the updates that replace an object (they take and
// return the same model) and, for each, the get that reads the same object:
// a GET of the same path (so of the same path parameters, in the same
// order) that, as the update, takes nothing else, and answers with the same
// response model. The pair gets a
// Modify helper, named by the one naming rule: a helper built on an
// operation is a verb and the operation's noun, Update becoming Modify
// (updatePbxQueue: ModifyPbxQueue). An update without such a get is read
// from the list a GET of its parent path returns, when there is one.
func pairUpdates(ops []*op) {
	for _, u := range ops {
		u.Replaces, u.Modify, u.ListedBy = false, nil, nil
		noun, ok := strings.CutPrefix(u.Method, "Update")
		if !ok || u.Body == nil || !u.Body.Required || u.Result.Kind != resultPayload || !u.Result.PayloadModel ||
			u.Result.Payload.Type != "*"+u.Body.Type {
			continue
		}
		u.Replaces = true
		for _, g := range ops {
			if g.HTTPMethod == "GET" && g.Path == u.Path && len(g.Query) == 0 && len(u.Query) == 0 && g.Body == nil &&
				g.Result.Kind == resultPayload && g.Result.Payload.Type == u.Result.Payload.Type && g.Result.Response == u.Result.Response {
				u.Modify = &modifyHelper{Name: "Modify" + noun, Get: g, Model: u.Body.Type, Key: g.Result.Payload.JSON}
			}
		}
		if u.Modify != nil {
			continue
		}
		parent := u.Path[:max(strings.LastIndex(u.Path, "/"), 0)]
		for _, g := range ops {
			if g.HTTPMethod == "GET" && g.Path == parent && g.Result.Payload != nil && g.Result.Payload.Type == "[]"+u.Body.Type {
				u.ListedBy = g
			}
		}
	}
}
