package api_test

import (
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// The spec names each enum value set that the reference gives to two or more
// properties once, as a component: a string schema with the values and
// x-shared-enum listing its users ("Schema.property"); each user keeps its
// inline enum and carries x-go-type: <component>. So there is one Go type per
// distinct value set. A component also lists under x-shared-enum-declared the
// strings ("Schema.property") and parameters ("operationId.parameter") that
// carry its values though the reference declares no enum for them (a filter
// on an enum property, a description naming the values): they carry
// x-go-type too, and their wire is unchanged. A value set the reference gives
// one property is named when declared users make it shared. These are the
// only components the reference lacks.

// valueSet is the key of an enum's value set: its values sorted.
func valueSet(values []string) string {
	s := slices.Clone(values)
	slices.Sort(s)
	return strings.Join(s, "\x00")
}

// enumProperties groups the reference's enum properties ("Schema.property")
// by value set.
func enumProperties(ref *refDoc) map[string][]string {
	sets := map[string][]string{}
	for _, name := range sortedKeys(ref.Schemas) {
		props := ref.Schemas[name].Properties
		for _, pn := range sortedKeys(props) {
			if e := props[pn].Enum; len(e) > 0 {
				sets[valueSet(e)] = append(sets[valueSet(e)], name+"."+pn)
			}
		}
	}
	return sets
}

// sharedEnumComponents are the spec's components that the reference lacks
// and that say they are shared enums.
func sharedEnumComponents(doc *openapi3.T, ref *refDoc) map[string]bool {
	shared := map[string]bool{}
	for name, s := range doc.Components.Schemas {
		if _, ok := ref.Schemas[name]; !ok && s.Value != nil && s.Value.Extensions["x-shared-enum"] != nil {
			shared[name] = true
		}
	}
	return shared
}

// sharedEnumUsers is a component's x-shared-enum as strings.
func sharedEnumUsers(s *openapi3.Schema) ([]string, bool) {
	list, ok := s.Extensions["x-shared-enum"].([]any)
	users := make([]string, 0, len(list))
	for _, u := range list {
		us, isString := u.(string)
		ok = ok && isString
		users = append(users, us)
	}
	return users, ok
}

// sharedEnumDeclared is a component's x-shared-enum-declared as strings.
func sharedEnumDeclared(s *openapi3.Schema) []string {
	list, _ := s.Extensions["x-shared-enum-declared"].([]any)
	var users []string
	for _, u := range list {
		us, _ := u.(string)
		users = append(users, us)
	}
	return users
}

// isParamUser reports whether a declared user is a parameter
// (operationId.parameter: operationIds start in lower case).
func isParamUser(u string) bool { return u != "" && u[0] >= 'a' && u[0] <= 'z' }

func enumStrings(s *openapi3.Schema) []string {
	var out []string
	for _, v := range s.Enum {
		vs, _ := v.(string)
		out = append(out, vs)
	}
	return out
}

func checkSharedEnum(f facts, doc *openapi3.T, ref *refDoc, name string) {
	s := doc.Components.Schemas[name].Value
	shape := asJSON(f.t, s)
	f.want(name+".type", shape["type"], "string")
	values := enumStrings(s)
	f.check(len(values) > 0 && len(slices.Compact(slices.Sorted(slices.Values(values)))) == len(values),
		"%s: enum %v, want distinct values", name, s.Enum)
	desc, _ := shape["description"].(string)
	f.check(desc != "", "%s: no description (the Go type's doc)", name)
	for _, k := range sortedKeys(shape) {
		f.check(strings.HasPrefix(k, "x-") || k == "type" || k == "enum" || k == "description",
			"%s: shared enum has %s=%v", name, k, shape[k])
	}
	users, ok := sharedEnumUsers(s)
	declared := sharedEnumDeclared(s)
	if !f.check(ok && len(users) >= 1 && len(users)+len(declared) >= 2, "%s: x-shared-enum %#v and x-shared-enum-declared %v, want two or more users", name, s.Extensions["x-shared-enum"], declared) {
		return
	}
	for _, u := range declared {
		if isParamUser(u) {
			f.want(u+" (declared)", paramGoTypes[u], name) // its x-go-type: TestSpecExtensions
			continue
		}
		schema, pn, _ := strings.Cut(u, ".")
		p, ok := ref.Schemas[schema].Properties[pn]
		if !f.check(ok && p.Type == "string" && len(p.Enum) == 0, "%s: declared user %s is not a string property without an enum in the reference", name, u) {
			continue
		}
		sp := doc.Components.Schemas[schema].Value.Properties[pn].Value
		f.want(u+".x-go-type", sp.Extensions["x-go-type"], name)
		f.check(len(sp.Enum) == 0, "%s: declared user %s has an enum in the spec: the wire would change", name, u)
	}
	f.check(len(slices.Compact(slices.Sorted(slices.Values(users)))) == len(users), "%s: x-shared-enum lists a user twice: %v", name, users)
	for _, u := range users {
		schema, pn, _ := strings.Cut(u, ".")
		p, ok := ref.Schemas[schema].Properties[pn]
		if !f.check(ok, "%s: user %s is not a property of the reference", name, u) {
			continue
		}
		f.check(valueSet(values) == valueSet(p.Enum), "%s: values %q, its user %s has %q in the reference", name, values, u, p.Enum)
		var ext any
		if sp := doc.Components.Schemas[schema]; sp != nil && sp.Value.Properties[pn] != nil {
			ext = sp.Value.Properties[pn].Value.Extensions["x-go-type"]
		}
		f.want(u+".x-go-type", ext, name)
	}
}

// checkEnumValueSets: every value set the reference gives to two or more
// properties is named by exactly one shared component, which lists all of
// them; every property's x-go-type is its set's component, json.RawMessage
// for a free-form object, or none.
func checkEnumValueSets(f facts, doc *openapi3.T, ref *refDoc, shared map[string]bool) {
	sets := enumProperties(ref)
	components := map[string][]string{} // value set -> components
	for _, name := range sortedKeys(shared) {
		s := doc.Components.Schemas[name].Value
		components[valueSet(enumStrings(s))] = append(components[valueSet(enumStrings(s))], name)
	}
	wantGoType := map[string]string{} // Schema.property -> x-go-type
	for _, u := range userIDProps {
		wantGoType[u] = userIDType
	}
	declaredBy := map[string]int{} // value set -> declared users
	for _, name := range sortedKeys(shared) {
		s := doc.Components.Schemas[name].Value
		for _, u := range sharedEnumDeclared(s) {
			declaredBy[valueSet(enumStrings(s))]++
			if !isParamUser(u) {
				wantGoType[u] = name
			}
		}
	}
	sharedSets := 0
	for _, set := range sortedKeys(sets) {
		props := sets[set]
		what := "value set {" + strings.ReplaceAll(set, "\x00", ", ") + "} of " + strings.Join(props, ", ")
		if len(props)+declaredBy[set] < 2 {
			f.want(what+": components", components[set], []string(nil))
			continue
		}
		sharedSets++
		if !f.check(len(components[set]) == 1, "%s: named by components %v, want exactly one", what, components[set]) {
			continue
		}
		name := components[set][0]
		users, _ := sharedEnumUsers(doc.Components.Schemas[name].Value)
		f.want(name+": x-shared-enum (sorted)", slices.Sorted(slices.Values(users)), props)
		for _, p := range props {
			wantGoType[p] = name
		}
	}
	for _, set := range sortedKeys(components) {
		f.check(len(sets[set])+declaredBy[set] >= 2, "components %v name a value set that fewer than two reference properties and declared users have", components[set])
	}
	for _, name := range sortedKeys(ref.Schemas) {
		s := doc.Components.Schemas[name]
		if s == nil || s.Value == nil {
			continue // reported by its own subtest
		}
		for _, pn := range sortedKeys(ref.Schemas[name].Properties) {
			sp := s.Value.Properties[pn]
			if sp == nil {
				continue
			}
			var want any
			if n, ok := wantGoType[name+"."+pn]; ok {
				want = n
			} else if ref.Schemas[name].Properties[pn].Type == "object" {
				want = "json.RawMessage"
			}
			got, imp := sp.Value.Extensions["x-go-type"], sp.Value.Extensions["x-go-type-import"]
			if want == userIDType && sp.Value.Type.Is("array") && sp.Value.Items != nil && got == nil {
				// a list's type is its items': members.users is []UserID
				got, imp = sp.Value.Items.Value.Extensions["x-go-type"], sp.Value.Items.Value.Extensions["x-go-type-import"]
			}
			f.want(name+"."+pn+".x-go-type", got, want)
			if want == userIDType {
				f.want(name+"."+pn+".x-go-type-import", imp, map[string]any{"path": userIDImport})
			}
		}
	}
	f.t.Logf("%d enum properties, %d distinct value sets, %d of them shared by two or more properties (%d shared enum components)",
		sum(sets), len(sets), sharedSets, len(shared))
}

func sum(m map[string][]string) int {
	n := 0
	for _, v := range m {
		n += len(v)
	}
	return n
}
