package main

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// declaredTypes works out the Go types the decisions give properties and
// parameters beyond what their facts imply: each go_types entry's users
// (x-go-type and x-go-type-import), each shared enum's declared users
// (x-go-type). A user the release lacks, one of the wrong wire type, one
// given two types, and a name a go_types entry must decide and does not,
// are failures.
func (b *builder) declaredTypes() {
	b.propTypes, b.paramTypes = map[string]map[string]any{}, map[string]map[string]any{}
	for _, name := range sortedKeys(b.d.GoTypes) {
		g := b.d.GoTypes[name]
		ext := map[string]any{"x-go-type": g.GoType}
		if g.Import != "" {
			ext["x-go-type-import"] = map[string]any{"path": g.Import}
		}
		where := "go_types." + name
		for _, u := range g.Users {
			b.declare(where, u, g.Wire, ext)
		}
		for _, u := range sortedKeys(g.Except) {
			if slices.Contains(g.Users, u) {
				b.fail("%s: %s is both a user and an exception", where, u)
			}
			if !b.exists(u) {
				b.fail("%s.except: %s: release %s has no such property or parameter", where, u, b.f.Release)
			}
		}
		b.checkMatch(name, g)
	}
	for _, name := range sortedKeys(b.d.SharedEnums) {
		e := b.d.SharedEnums[name]
		for _, u := range sortedKeys(e.Declared) {
			b.declare("shared_enums."+name+".declared", u, "string", map[string]any{"x-go-type": name})
		}
	}
}

// isParam reports whether a user names a parameter (operationId.parameter:
// an operationId starts in lower case) rather than a property
// (Schema.property).
func isParam(user string) bool {
	r := []rune(user)
	return len(r) > 0 && unicode.IsLower(r[0])
}

// exists reports whether the release has the property or parameter user.
func (b *builder) exists(user string) bool {
	owner, name, _ := strings.Cut(user, ".")
	if isParam(user) {
		op := b.f.operation(owner)
		return op != nil && slices.ContainsFunc(op.Parameters, func(p *Param) bool { return p.Name == name })
	}
	s := b.f.Schemas[owner]
	return s != nil && s.Properties[name] != nil
}

// declare gives user the extensions ext, where says which decision, wire
// the JSON type the user must have (integer, string).
func (b *builder) declare(where, user, wire string, ext map[string]any) {
	owner, name, ok := strings.Cut(user, ".")
	if !ok {
		b.fail("%s: %q is not Schema.property or operationId.parameter", where, user)
		return
	}
	if !b.exists(user) {
		b.fail("%s: %s: release %s has no such property or parameter", where, user, b.f.Release)
		return
	}
	target := b.propTypes
	if isParam(user) {
		target = b.paramTypes
		op := b.f.operation(owner)
		i := slices.IndexFunc(op.Parameters, func(p *Param) bool { return p.Name == name })
		p := op.Parameters[i]
		// A path value is text whatever its schema's type: /x/1001 either way.
		if p.In != "path" && !b.paramIs(owner, p, wire) {
			b.fail("%s: %s is a %s %s parameter, not %s", where, user, p.Type, p.In, wire)
		}
	} else {
		p := b.f.Schemas[owner].Properties[name]
		l := leaf(p)
		switch {
		case l.Ref != "":
			b.fail("%s: %s is a $ref to %s", where, user, l.Ref)
		case len(l.Enum) > 0:
			b.fail("%s: %s has an enum of its own: its Go type follows from its values (shared_enums)", where, user)
		case !b.propIs(owner, name, l, wire):
			b.fail("%s: %s is a %s property, not %s: the type would change the wire", where, user, l.Type, wire)
		}
	}
	if prev := target[user]; prev != nil {
		b.fail("%s: %s already has x-go-type %v", where, user, prev["x-go-type"])
		return
	}
	target[user] = ext
}

// propIs reports whether a property (an array's items) has the JSON type
// wire: integer is a JS Number decided int32, int64 or integer.
func (b *builder) propIs(schema, name string, l *Prop, wire string) bool {
	if wire != "integer" {
		return l.Type == wire
	}
	dec := b.d.Schemas[schema]
	if l.Type != "number" || dec == nil {
		return false
	}
	forms, _ := dec.forms(schema)
	return forms[name] == "int32" || forms[name] == "int64" || forms[name] == "integer"
}

// paramIs reports whether a parameter has the JSON type wire, as decided.
func (b *builder) paramIs(id string, p *Param, wire string) bool {
	if wire != "integer" {
		return p.Type == wire
	}
	pd := b.d.Operations[id]
	if p.Type != "number" || pd == nil || pd.Parameters[p.Name] == nil {
		return false
	}
	return pd.Parameters[p.Name].Schema["type"] == "integer"
}

// checkMatch fails for every property and parameter whose name the entry's
// match finds and that it neither uses nor excepts: a new release's user id
// is decided, not left an int32 beside the others.
func (b *builder) checkMatch(name string, g *GoType) {
	if g.Match == "" {
		return
	}
	re, err := regexp.Compile(g.Match)
	if err != nil {
		return // reported by parseDecisions
	}
	check := func(user, pn string) {
		if re.MatchString(pn) && !slices.Contains(g.Users, user) && g.Except[user] == "" {
			b.fail("go_types.%s: %s matches %q: add it to users, or to except with the reason it is not a %s", name, user, g.Match, name)
		}
	}
	for _, sn := range sortedKeys(b.f.Schemas) {
		for _, pn := range sortedKeys(b.f.Schemas[sn].Properties) {
			check(sn+"."+pn, pn)
		}
	}
	for _, op := range b.f.Operations {
		for _, p := range op.Parameters {
			check(op.OperationID+"."+p.Name, p.Name)
		}
	}
}

// goTimes are the forms of x-go-time: a time.Time sent as epoch
// milliseconds (an integer), an RFC 3339 date-time or a YYYY-MM-DD day (a
// string).
var goTimes = map[string]string{"unix-milli": "integer", "rfc3339": "string", "date": "string"}

// checkGoTime checks a parameter's x-go-time against its type.
func (b *builder) checkGoTime(id string, p *Param, pd *ParamDecision) {
	v, ok := pd.Extensions["x-go-time"]
	if !ok {
		return
	}
	form, _ := v.(string)
	wire, known := goTimes[form]
	switch {
	case !known:
		b.fail("operations.%s.parameters.%s: x-go-time %#v: want unix-milli, rfc3339 or date", id, p.Name, v)
	case !b.paramIs(id, p, wire):
		b.fail("operations.%s.parameters.%s: x-go-time %s on a %s parameter, want %s", id, p.Name, form, p.Type, wire)
	}
}
