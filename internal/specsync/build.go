package main

import (
	"bytes"
	"fmt"
	"go/token"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// methodOrder is the order of an operation's methods under its path.
var methodOrder = []string{"GET", "PUT", "POST", "DELETE", "PATCH"}

// builder merges one release's facts with the decisions. Every fact the
// decisions leave undecided, and every decision about something the release
// lacks, is collected and reported at once.
type builder struct {
	f    *Facts
	d    *Decisions
	errs []string
	// enumName maps a value set (sorted, joined) to its shared component.
	enumName map[string]string
	// enumUsers maps a component to its users, Schema.property.
	enumUsers map[string][]string
	// propTypes and paramTypes are the extensions that name the Go type the
	// decisions give a property ("Schema.property"; an array's items) or a
	// parameter's schema ("operationId.parameter") beyond its facts: a
	// go_types user, a shared enum's declared user.
	propTypes, paramTypes map[string]map[string]any
}

func (b *builder) fail(format string, args ...any) {
	b.errs = append(b.errs, fmt.Sprintf(format, args...))
}

// run builds the document, collecting the problems in b.errs, sorted.
func (b *builder) run() *yaml.Node {
	b.sharedEnums()
	b.declaredTypes()
	paths := b.paths()
	schemas := b.schemas()
	doc := b.document(paths, schemas)
	slices.Sort(b.errs)
	b.errs = slices.Compact(b.errs)
	return doc
}

// undecided lists what the decisions leave undecided in the facts, or
// decide about what the facts lack: what stops build.
func undecided(f *Facts, d *Decisions) []string {
	b := &builder{f: f, d: d}
	b.run()
	return b.errs
}

// build writes the spec of the facts' release.
func build(f *Facts, d *Decisions) ([]byte, error) {
	b := &builder{f: f, d: d}
	doc := b.run()
	if len(b.errs) > 0 {
		return nil, fmt.Errorf("%s", joinLines(fmt.Sprintf("%s leaves %d facts of release %s undecided, or decides what the release lacks:", decisionsFile, len(b.errs), f.Release), b.errs))
	}
	out, err := yaml.Dump(doc, yaml.WithIndent(2), yaml.WithCompactSeqIndent(true), yaml.WithLineWidth(-1))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	head := strings.ReplaceAll(strings.TrimRight(d.Head, "\n"), "{release}", f.Release)
	for line := range strings.Lines(head + "\n") {
		line = strings.TrimRight(line, "\n")
		if line == "" {
			buf.WriteString("#\n")
		} else {
			buf.WriteString("# " + line + "\n")
		}
	}
	buf.Write(out)
	return buf.Bytes(), nil
}

// document is the frame with the release, the paths and the schemas.
func (b *builder) document(paths, schemas *yaml.Node) *yaml.Node {
	frame := cloneReplacing(&b.d.Frame, "{release}", b.f.Release)
	doc := newMap()
	hasComponents := false
	for i := 0; i+1 < len(frame.Content); i += 2 {
		k, v := frame.Content[i], frame.Content[i+1]
		switch k.Value {
		case "paths":
			b.fail("frame: paths come from the facts")
			continue
		case "info":
			info := newMap()
			for j := 0; j+1 < len(v.Content); j += 2 {
				if v.Content[j].Value != "version" {
					info.set(v.Content[j].Value, v.Content[j+1])
				}
				if v.Content[j].Value == "title" {
					info.str("version", b.f.Release)
				}
			}
			v = info.Node
		case "components":
			doc.set("paths", paths)
			hasComponents = true
			if get(v, "schemas") != nil {
				b.fail("frame: components.schemas come from the facts")
			}
			v.Content = append(v.Content, strNode("schemas"), schemas)
		}
		doc.set(k.Value, v)
	}
	if !hasComponents {
		doc.set("paths", paths)
		doc.set("components", newMap().set("schemas", schemas).Node)
	}
	return doc.Node
}

// tags are the frame's tag names: every operation has them.
func (b *builder) tags() []string {
	var names []string
	if t := get(&b.d.Frame, "tags"); t != nil {
		for _, e := range t.Content {
			if n := get(e, "name"); n != nil {
				names = append(names, n.Value)
			}
		}
	}
	return names
}

func (b *builder) paths() *yaml.Node {
	byPath := map[string][]*Operation{}
	for _, op := range b.f.Operations {
		byPath[op.Path] = append(byPath[op.Path], op)
	}
	for _, id := range sortedKeys(b.d.Operations) {
		if b.f.operation(id) == nil {
			b.fail("operations.%s: release %s has no such operation (remove its decisions)", id, b.f.Release)
		}
	}
	paths := newMap()
	for _, p := range sortedKeys(byPath) {
		ops := byPath[p]
		slices.SortFunc(ops, func(x, y *Operation) int {
			return slices.Index(methodOrder, x.Method) - slices.Index(methodOrder, y.Method)
		})
		item := newMap()
		for i, op := range ops {
			if !slices.Contains(methodOrder, op.Method) {
				b.fail("%s: method %s is not supported", op.OperationID, op.Method)
			}
			if i > 0 && ops[i-1].Method == op.Method {
				b.fail("%s and %s are both %s %s", ops[i-1].OperationID, op.OperationID, op.Method, p)
			}
			item.set(strings.ToLower(op.Method), b.operation(op))
		}
		paths.set(p, item.Node)
	}
	return paths.Node
}

func (b *builder) operation(op *Operation) *yaml.Node {
	id := op.OperationID
	dec := b.d.Operations[id]
	if dec == nil {
		b.fail("operations.%s: no decisions for this operation; x-idempotent is required (may the client retry it after a failure that may have reached the service? reads and idempotent updates yes, creating calls no)", id)
		dec = &OpDecision{}
	}
	m := newMap()
	m.set("tags", strSeq(b.tags()))
	m.str("summary", text(op.Summary))
	if op.Description != "" {
		m.str("description", text(op.Description))
	}
	m.str("operationId", id)
	b.operationExtensions(op, dec)
	if err := m.setSorted(dec.Extensions); err != nil {
		b.fail("operations.%s: %v", id, err)
	}
	if params := b.parameters(op, dec); params != nil {
		m.set("parameters", params)
	}
	if op.Body != nil {
		ct := op.Body.ContentType
		if ct != "application/json" {
			c, ok := b.d.ContentTypes[ct]
			if !ok || c.Spec == "" {
				b.fail("%s: the SDK sends Content-Type %q: decide the spec's in content_types", id, ct)
			}
			ct = c.Spec
		}
		rb := newMap()
		if op.Body.Description != "" {
			rb.str("description", text(op.Body.Description))
		}
		rb.set("required", boolNode(op.Body.Required))
		rb.set("content", newMap().set(ct, newMap().set("schema", refNode(op.Body.Ref)).Node).Node)
		m.set("requestBody", rb.Node)
		m.str("x-codegen-request-body-name", op.Body.Name)
	}
	m.set("responses", b.responses(op))
	return m.Node
}

// operationExtensions checks the extensions the generators read.
func (b *builder) operationExtensions(op *Operation, dec *OpDecision) {
	id := op.OperationID
	if _, ok := dec.Extensions["x-idempotent"].(bool); !ok && b.d.Operations[id] != nil {
		b.fail("operations.%s: x-idempotent is %#v, want true or false (required)", id, dec.Extensions["x-idempotent"])
	}
	if _, ok := dec.Extensions["x-go-method"]; ok {
		b.fail("operations.%s: x-go-method is no longer used: a method is its operationId in Go spelling (x-go-deprecated-method keeps an old name one release)", id)
	}
	if v, ok := dec.Extensions["x-go-deprecated-method"]; ok {
		if s, _ := v.(string); !token.IsIdentifier(s) || !token.IsExported(s) {
			b.fail("operations.%s: x-go-deprecated-method %#v is not an exported Go identifier", id, v)
		}
	}
	if v, ok := dec.Extensions["x-go-iter-key"]; ok {
		key, _ := v.(string)
		if !b.listItemHas(op.Response, key) {
			b.fail("operations.%s: x-go-iter-key %#v is not a property of the items of %s's list", id, v, op.Response)
		}
	}
}

// listItemHas reports whether a list property of schema response has items
// with property key.
func (b *builder) listItemHas(response, key string) bool {
	s := b.f.Schemas[response]
	if s == nil {
		return false
	}
	for _, p := range s.Properties {
		if p.Type == "array" && p.Items != nil && p.Items.Ref != "" {
			if item := b.f.Schemas[p.Items.Ref]; item != nil && item.Properties[key] != nil {
				return true
			}
		}
	}
	return false
}

func (b *builder) parameters(op *Operation, dec *OpDecision) *yaml.Node {
	id := op.OperationID
	for _, name := range sortedKeys(dec.Parameters) {
		if !slices.ContainsFunc(op.Parameters, func(p *Param) bool { return p.Name == name }) {
			b.fail("operations.%s.parameters.%s: release %s has no such parameter", id, name, b.f.Release)
		}
	}
	if len(op.Parameters) == 0 {
		return nil
	}
	list := seqNode()
	for _, p := range op.Parameters {
		pd := dec.Parameters[p.Name]
		if pd == nil {
			pd = &ParamDecision{}
		}
		m := newMap().str("name", p.Name).str("in", p.In).set("required", boolNode(p.Required))
		if p.Description != "" {
			m.str("description", text(p.Description))
		}
		b.checkGoTime(id, p, pd)
		if err := m.setSorted(pd.Extensions); err != nil {
			b.fail("operations.%s.parameters.%s: %v", id, p.Name, err)
		}
		schema := newMap()
		typ := p.Type
		if t, ok := pd.Schema["type"].(string); ok {
			if !(p.Type == "number" && (t == "integer" || t == "number")) && t != p.Type {
				b.fail("operations.%s.parameters.%s: schema type %s for a JS %s", id, p.Name, t, p.Type)
			}
			typ = t
		} else if p.Type == "number" {
			b.fail("operations.%s.parameters.%s: the SDK says only Number: decide schema.type (integer with format int32 or int64, or number)", id, p.Name)
		}
		schema.str("type", typ)
		rest := map[string]any{}
		for k, v := range pd.Schema {
			if k != "type" && k != "format" {
				rest[k] = v
			}
		}
		if f, ok := pd.Schema["format"].(string); ok {
			schema.str("format", f)
		}
		if p.Default != nil {
			v, err := anyNode(p.Default)
			if err != nil {
				b.fail("%s.%s: default: %v", id, p.Name, err)
			} else {
				schema.set("default", v)
			}
		}
		if name, ok := pd.Schema["x-go-type"].(string); ok && b.d.SharedEnums[name] == nil {
			b.fail("operations.%s.parameters.%s: x-go-type %s is not a shared enum", id, p.Name, name)
		}
		for k, v := range b.paramTypes[id+"."+p.Name] {
			if _, dup := rest[k]; dup {
				b.fail("operations.%s.parameters.%s: %s is decided twice (in its schema and as a declared type's user)", id, p.Name, k)
			}
			rest[k] = v
		}
		if err := schema.setSorted(rest); err != nil {
			b.fail("operations.%s.parameters.%s.schema: %v", id, p.Name, err)
		}
		m.set("schema", schema.Node)
		list.Content = append(list.Content, m.Node)
	}
	return list
}

func (b *builder) responses(op *Operation) *yaml.Node {
	st := b.d.Statuses
	m := newMap()
	for _, s := range st.Default {
		key := strconv.Itoa(s)
		switch {
		case s == 200 && op.Response == "":
			m.set("204", newMap().str("description", st.NoContent).Node)
		case s == 200:
			content := newMap().set("application/json", newMap().set("schema", refNode(op.Response)).Node)
			m.set(key, newMap().str("description", st.OK).set("content", content.Node).Node)
		default:
			m.set(key, newMap().str("$ref", "#/components/responses/"+st.Errors[s]).Node)
		}
	}
	return m.Node
}

func refNode(schema string) *yaml.Node {
	return newMap().str("$ref", "#/components/schemas/"+schema).Node
}

// valueSet is the key of an enum's value set: its values sorted.
func valueSet(values []string) string {
	s := slices.Clone(values)
	slices.Sort(s)
	return strings.Join(s, "\x00")
}

// sharedEnums finds every value set that two or more properties have and
// its component among the decisions.
func (b *builder) sharedEnums() {
	users := map[string][]string{}
	for _, name := range sortedKeys(b.f.Schemas) {
		props := b.f.Schemas[name].Properties
		for _, pn := range sortedKeys(props) {
			if e := props[pn].Enum; len(e) > 0 {
				users[valueSet(e)] = append(users[valueSet(e)], name+"."+pn)
			}
		}
	}
	byValues := map[string]string{}
	for _, name := range sortedKeys(b.d.SharedEnums) {
		set := valueSet(b.d.SharedEnums[name].Enum)
		if other, dup := byValues[set]; dup {
			b.fail("shared_enums: %s and %s have the same values", other, name)
		}
		byValues[set] = name
		if _, clash := b.f.Schemas[name]; clash {
			b.fail("shared_enums.%s: release %s has a schema of that name", name, b.f.Release)
		}
	}
	b.enumName, b.enumUsers = map[string]string{}, map[string][]string{}
	for _, set := range sortedKeys(users) {
		u := users[set]
		name, ok := byValues[set]
		if len(u) < 2 && (!ok || len(u)+len(b.d.SharedEnums[name].Declared) < 2) {
			if ok {
				b.fail("shared_enums.%s: only %s has these values in release %s (a shared enum needs two users, declared ones included)", name, u[0], b.f.Release)
			}
			continue
		}
		if !ok {
			b.fail("shared_enums: %s share the values [%s]: name their Go type (a component with description and enum)", strings.Join(u, ", "), strings.ReplaceAll(set, "\x00", ", "))
			continue
		}
		b.enumName[set], b.enumUsers[name] = name, u
	}
	for _, name := range sortedKeys(b.d.SharedEnums) {
		if len(users[valueSet(b.d.SharedEnums[name].Enum)]) == 0 {
			b.fail("shared_enums.%s: no property of release %s has these values", name, b.f.Release)
		}
	}
}

func (b *builder) schemas() *yaml.Node {
	for _, name := range sortedKeys(b.d.Schemas) {
		if b.f.Schemas[name] == nil {
			b.fail("schemas.%s: release %s has no such schema", name, b.f.Release)
		}
	}
	all := map[string]*yaml.Node{}
	for name, s := range b.f.Schemas {
		all[name] = b.schema(name, s)
	}
	for name, u := range b.enumUsers {
		e := b.d.SharedEnums[name]
		c := newMap().str("type", "string").set("enum", strSeq(e.Enum)).str("description", e.Description).set("x-shared-enum", strSeq(u))
		if len(e.Declared) > 0 {
			c.set("x-shared-enum-declared", strSeq(sortedKeys(e.Declared)))
		}
		all[name] = c.Node
	}
	out := newMap()
	for _, name := range sortedKeys(all) {
		out.set(name, all[name])
	}
	return out.Node
}

func (b *builder) schema(name string, s *Schema) *yaml.Node {
	dec := b.d.Schemas[name]
	if dec == nil {
		dec = &SchemaDecision{}
	}
	forms, errs := dec.forms(name)
	for _, e := range errs {
		b.fail("%s", e)
	}
	for _, pn := range sortedKeys(forms) {
		if s.Properties[pn] == nil {
			b.fail("schemas.%s: %s: release %s has no such property", name, pn, b.f.Release)
		}
	}
	for _, pn := range sortedKeys(dec.MaxLength) {
		if p := s.Properties[pn]; p == nil || leaf(p).Type != "string" {
			b.fail("schemas.%s: maxLength of %s, which is not a string property of release %s", name, pn, b.f.Release)
		}
	}
	for _, pn := range sortedKeys(dec.Docs) {
		if s.Properties[pn] == nil {
			b.fail("schemas.%s: docs of %s: release %s has no such property", name, pn, b.f.Release)
		} else if strings.TrimSpace(dec.Docs[pn]) == "" {
			b.fail("schemas.%s: docs of %s is empty", name, pn)
		}
	}
	props := newMap()
	for _, pn := range sortedKeys(s.Properties) {
		props.set(pn, b.property(name, pn, s.Properties[pn], forms[pn], dec.MaxLength[pn], strings.TrimSpace(dec.Docs[pn])))
	}
	return newMap().str("type", "object").set("properties", props.Node).Node
}

// leaf is an array's items, or the property itself.
func leaf(p *Prop) *Prop {
	if p.Type == "array" && p.Items != nil {
		return p.Items
	}
	return p
}

func (b *builder) property(schema, pn string, p *Prop, form string, maxLength int, doc string) *yaml.Node {
	what := schema + "." + pn
	declared := b.propTypes[what]
	m := newMap()
	if p.Ref != "" {
		if form != "" || maxLength != 0 {
			b.fail("schemas.%s: %s is a $ref to %s, not a number or a string", schema, pn, p.Ref)
		}
		return m.str("$ref", "#/components/schemas/"+p.Ref).Node
	}
	if p.Type == "array" {
		m.str("type", "array")
		items := b.scalar(what+"[]", schema, pn, p.Items, form, maxLength)
		// Items carry their type's extensions too: a list of free-form
		// objects is a list of raw JSON.
		if p.Items.Ref == "" {
			if err := items.setSorted(b.d.Types[p.Items.Type]); err != nil {
				b.fail("types.%s: %v", p.Items.Type, err)
			}
			// A declared type is the items' type: a list of user ids.
			if err := items.setSorted(declared); err != nil {
				b.fail("schemas.%s: %s: %v", schema, pn, err)
			}
		}
		m.set("items", items.Node)
	} else {
		m = b.scalar(what, schema, pn, p, form, maxLength)
	}
	if desc := describe(p.Description, doc); desc != "" {
		m.str("description", desc)
	}
	ext := map[string]any{}
	for k, v := range b.d.Types[p.Type] {
		ext[k] = v
	}
	if doc != "" {
		ext["x-doc-added"] = doc
	}
	if p.Type != "array" {
		for k, v := range declared {
			ext[k] = v
		}
	}
	if len(p.Enum) > 0 {
		if name := b.enumName[valueSet(p.Enum)]; name != "" {
			ext["x-go-type"] = name
		}
	}
	if err := m.setSorted(ext); err != nil {
		b.fail("types.%s: %v", p.Type, err)
	}
	return m.Node
}

// scalar is the schema of a value that is not an array: a $ref (items), or
// a type with its decided form.
func (b *builder) scalar(what, schema, pn string, p *Prop, form string, maxLength int) mapNode {
	m := newMap()
	if p.Ref != "" {
		if form != "" || maxLength != 0 {
			b.fail("schemas.%s: %s holds $refs to %s, not numbers or strings", schema, pn, p.Ref)
		}
		return m.str("$ref", "#/components/schemas/"+p.Ref)
	}
	switch p.Type {
	case "number":
		i := slices.IndexFunc(numberForms, func(f struct {
			key    string
			schema [][2]string
		}) bool {
			return f.key == form
		})
		if i < 0 {
			if form != "" {
				b.fail("schemas.%s: %s is a number, decided %s", schema, pn, form)
			} else {
				b.fail("schemas.%s: %s is a JS Number (%s): decide int32, int64, integer or number", schema, pn, what)
			}
			m.str("type", "number")
			break
		}
		for _, kv := range numberForms[i].schema {
			m.str(kv[0], kv[1])
		}
	case "string":
		m.str("type", "string")
		switch form {
		case "date-time":
			m.str("format", "date-time")
		case "", "string":
		default:
			b.fail("schemas.%s: %s is a string, decided %s", schema, pn, form)
		}
		if maxLength > 0 {
			m.set("maxLength", intNode(maxLength))
		}
		if len(p.Enum) > 0 {
			m.set("enum", strSeq(p.Enum))
		}
	case "boolean", "object":
		if form != "" {
			b.fail("schemas.%s: %s is a %s, decided %s", schema, pn, p.Type, form)
		}
		m.str("type", p.Type)
	default:
		b.fail("%s: type %q is not supported", what, p.Type)
	}
	return m
}
