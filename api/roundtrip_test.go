package api_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ultracart-community/ultracart-go/gen"
	"github.com/ultracart-community/ultracart-go/ucid"
	"github.com/ultracart-community/ultracart-go/uctime"
)

func TestModelsTableMatchesReference(t *testing.T) {
	ref := reference(t)
	if got, want := sortedKeys(models), sortedKeys(ref.Schemas); !slices.Equal(got, want) {
		for _, n := range want {
			if models[n] == nil {
				t.Errorf("models table lacks reference schema %s", n)
			}
		}
		for _, n := range got {
			if _, ok := ref.Schemas[n]; !ok {
				t.Errorf("models table has %s, which the reference lacks", n)
			}
		}
	}
	if len(models) != 404 {
		t.Errorf("models table has %d entries, want 404", len(models))
	}
}

var uctimeType = reflect.TypeFor[uctime.Time]()

// TestModelFieldTypes checks that every generated struct has exactly the
// reference's JSON properties, each with the Go type its schema implies.
func TestModelFieldTypes(t *testing.T) {
	ref := reference(t)
	for _, name := range sortedKeys(ref.Schemas) {
		t.Run(name, func(t *testing.T) {
			newModel := models[name]
			if newModel == nil {
				t.Fatalf("no Go type for %s", name)
			}
			typ := reflect.TypeOf(newModel()).Elem()
			props := ref.Schemas[name].Properties
			if typ.Kind() != reflect.Struct {
				t.Fatalf("%v is a %v, want a struct", typ, typ.Kind())
			}
			seen := map[string]bool{}
			for i := range typ.NumField() {
				f := typ.Field(i)
				jsonName, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
				p, ok := props[jsonName]
				if !ok {
					t.Errorf("field %s has JSON name %q, not a property of %s", f.Name, jsonName, name)
					continue
				}
				seen[jsonName] = true
				// Every property is optional. Arrays use omitzero, so a nil
				// slice is left out but an empty one is sent as [] (clearing a list).
				wantOpts := "omitempty"
				if p.Type == "array" {
					wantOpts = "omitzero"
				}
				if opts != wantOpts {
					t.Errorf("field %s: json options %q, want %q", f.Name, opts, wantOpts)
				}
				if len(p.Enum) > 0 {
					continue // named string types: TestModelEnumFieldTypes
				}
				if want := fieldType(t, name+"."+jsonName, p); f.Type != want {
					t.Errorf("field %s (%s): Go type %v, want %v", f.Name, jsonName, f.Type, want)
				}
			}
			for _, pn := range sortedKeys(props) {
				if !seen[pn] {
					t.Errorf("property %s has no field in %v", pn, typ)
				}
			}
		})
	}
}

// declaredEnumFields are the string properties that carry a shared enum's
// values though the reference declares no enum for them: their Go type is
// the enum's (api/decisions.yaml, shared_enums.*.declared).
var declaredEnumFields = map[string]reflect.Type{
	"ConversationSearchRequest.medium_filter":    reflect.TypeFor[gen.ConversationMedium](),
	"ConversationPbxMenu.default_action":         reflect.TypeFor[gen.ConversationPbxAction](),
	"ConversationPbxCallSearchRequest.direction": reflect.TypeFor[gen.ConversationCallDirection](),
}

// fieldType is the Go type of the field of a reference property
// (Schema.property): a user id is a UserID (members.users a []UserID), a
// declared enum user its enum type, anything else what its type implies.
func fieldType(t *testing.T, what string, p refProp) reflect.Type {
	userID := reflect.TypeFor[ucid.UserID]()
	switch {
	case slices.Contains(userIDProps, what) && p.Type == "array":
		return reflect.SliceOf(userID)
	case slices.Contains(userIDProps, what):
		return reflect.PointerTo(userID)
	case declaredEnumFields[what] != nil:
		return reflect.PointerTo(declaredEnumFields[what])
	}
	return goTypeOf(t, p, false)
}

// goTypeOf is the Go type the generator should write for a reference property
// (elem: as a slice element, which is not a pointer).
func goTypeOf(t *testing.T, p refProp, elem bool) reflect.Type {
	var typ reflect.Type
	switch {
	case p.Type == "object":
		// A free-form object, kept as raw JSON so that numbers inside stay
		// exact; nil when absent, so no pointer.
		return reflect.TypeFor[json.RawMessage]()
	case p.Ref != "":
		typ = reflect.TypeOf(models[p.Ref]()).Elem()
	case p.Type == "array":
		return reflect.SliceOf(goTypeOf(t, *p.Items, true))
	case p.Type == "string" && p.Format == "date-time":
		typ = uctimeType
	case p.Type == "string":
		typ = reflect.TypeFor[string]()
	case p.Type == "integer" && p.Format == "int32":
		typ = reflect.TypeFor[int32]()
	case p.Type == "integer" && p.Format == "int64":
		typ = reflect.TypeFor[int64]()
	case p.Type == "integer":
		typ = reflect.TypeFor[int]()
	case p.Type == "number":
		typ = reflect.TypeFor[float64]()
	case p.Type == "boolean":
		typ = reflect.TypeFor[bool]()
	default:
		t.Fatalf("unexpected reference property %+v", p)
	}
	if elem {
		return typ
	}
	return reflect.PointerTo(typ)
}

// TestModelEnumFieldTypes: every enum property is a pointer to a named string
// type whose Valid accepts exactly the documented values; a value set shared
// by several properties is the one type its spec component names; and there
// is one Go type per distinct value set, and no other string type in
// gen/models.gen.go.
func TestModelEnumFieldTypes(t *testing.T) {
	ref := reference(t)
	doc := loadSpec(t)
	sharedBy := map[string]string{} // Schema.property -> component
	for name := range sharedEnumComponents(doc, ref) {
		users, _ := sharedEnumUsers(doc.Components.Schemas[name].Value)
		for _, u := range users {
			sharedBy[u] = name
		}
	}
	count := 0
	typeOfSet := map[string]reflect.Type{}
	setOfType := map[reflect.Type]string{}
	for _, name := range sortedKeys(ref.Schemas) {
		typ := reflect.TypeOf(models[name]()).Elem()
		for i := range typ.NumField() {
			f := typ.Field(i)
			jsonName, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			p := ref.Schemas[name].Properties[jsonName]
			if len(p.Enum) == 0 {
				continue
			}
			count++
			what := name + "." + jsonName
			ft := f.Type
			if ft.Kind() != reflect.Pointer || ft.Elem().Kind() != reflect.String || ft.Elem().Name() == "string" {
				t.Errorf("%s: enum field is %v, want a pointer to a named string type", what, ft)
				continue
			}
			et := ft.Elem()
			if c, ok := sharedBy[what]; ok && et.Name() != c {
				t.Errorf("%s: enum type %v, want the shared %s", what, et, c)
			}
			set := valueSet(p.Enum)
			if other, ok := typeOfSet[set]; ok && other != et {
				t.Errorf("%s: value set %q has two types, %v and %v", what, p.Enum, other, et)
			}
			if other, ok := setOfType[et]; ok && other != set {
				t.Errorf("%s: %v holds two value sets, %q and %q", what, et, strings.Split(other, "\x00"), p.Enum)
			}
			typeOfSet[set], setOfType[et] = et, set
			// The generated constants must be exactly the documented values.
			valid, ok := reflect.PointerTo(et).MethodByName("Valid")
			if !ok {
				t.Errorf("%s: %v has no Valid method", what, et)
				continue
			}
			isValid := func(v string) bool {
				ev := reflect.New(et)
				ev.Elem().SetString(v)
				return valid.Func.Call([]reflect.Value{ev})[0].Bool()
			}
			for _, v := range p.Enum {
				if !isValid(v) {
					t.Errorf("%s: documented value %q is not Valid()", what, v)
				}
			}
			if isValid("added_in_a_later_release") {
				t.Errorf("%s: an undocumented value is Valid()", what)
			}
		}
	}
	if count != 93 {
		t.Errorf("checked %d enum fields, the reference documents 93", count)
	}
	declared := stringTypesDeclared(t, filepath.Join("..", "gen", "models.gen.go"))
	var reached []string
	for typ := range setOfType {
		if typ.PkgPath() != reflect.TypeFor[gen.Weight]().PkgPath() {
			t.Errorf("enum type %v is not gen's", typ)
		}
		reached = append(reached, typ.Name())
	}
	slices.Sort(reached)
	t.Logf("%d enum properties, %d distinct value sets, %d distinct Go enum types on them, %d string types in gen/models.gen.go",
		count, len(typeOfSet), len(setOfType), len(declared))
	if len(typeOfSet) != len(setOfType) || !slices.Equal(reached, declared) {
		t.Errorf("%d value sets, %d enum types on the fields %v, string types declared in gen/models.gen.go %v: want one type per value set and no other",
			len(typeOfSet), len(setOfType), reached, declared)
	}
}

// stringTypesDeclared lists the types declared as `type X string` in a Go file.
func stringTypesDeclared(t *testing.T, path string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, spec := range gd.Specs {
			ts := spec.(*ast.TypeSpec)
			if id, ok := ts.Type.(*ast.Ident); ok && id.Name == "string" && !ts.Assign.IsValid() {
				names = append(names, ts.Name.Name)
			}
		}
	}
	slices.Sort(names)
	return names
}

// TestRoundTripAllSchemas decodes a fully populated example of every schema
// into its generated type, encodes it again and compares the JSON trees.
func TestRoundTripAllSchemas(t *testing.T) {
	ref := reference(t)
	g := &exampleGen{ref: ref}
	schemas, leaves := 0, 0
	for _, name := range sortedKeys(ref.Schemas) {
		t.Run(name, func(t *testing.T) {
			in, raws := g.exampleRaw(t, name)
			v := models[name]()
			out := roundTrip(t, in, v)
			sameFreeForm(t, name, raws, out)
			want := decodeTree(t, in)
			for _, pn := range sortedKeys(ref.Schemas[name].Properties) {
				if _, ok := want.(map[string]any)[pn]; !ok {
					t.Errorf("the example lacks property %s", pn)
				}
			}
			c := &treeCompare{t: t, ref: ref}
			c.object(name, name, want, decodeTree(t, out))
			if !t.Failed() {
				schemas++
			}
			leaves += c.leaves
		})
	}
	t.Logf("round-tripped %d of %d schemas, %d values compared", schemas, len(ref.Schemas), leaves)
	if schemas != len(ref.Schemas) {
		t.Errorf("only %d of %d schemas round-tripped", schemas, len(ref.Schemas))
	}
}

// TestUnknownEnumValuesDecode puts an undocumented value in every enum
// property: decoding must not fail and the value must come back unchanged.
func TestUnknownEnumValuesDecode(t *testing.T) {
	ref := reference(t)
	for _, name := range sortedKeys(ref.Schemas) {
		props := ref.Schemas[name].Properties
		for _, pn := range sortedKeys(props) {
			if len(props[pn].Enum) == 0 {
				continue
			}
			t.Run(name+"."+pn, func(t *testing.T) {
				in := fmt.Appendf(nil, `{%q:"added_in_a_later_release"}`, pn)
				out := roundTrip(t, in, models[name]())
				if string(out) != string(in) {
					t.Errorf("got %s, want %s", out, in)
				}
			})
		}
	}
	var st gen.ConversationMessageTransportStatus
	if err := json.Unmarshal([]byte(`{"status":"delivered_by_carrier","conversation_participant_arn":"m1"}`), &st); err != nil {
		t.Fatal(err)
	}
	if st.Status == nil || *st.Status != "delivered_by_carrier" || st.Status.Valid() {
		t.Errorf("status = %v, want the unknown value kept and not Valid()", st.Status)
	}
	if st.ConversationParticipantARN == nil || *st.ConversationParticipantARN != "m1" {
		t.Errorf("conversation_participant_arn = %v, want m1", st.ConversationParticipantARN)
	}
}

func TestNumbersSurvive(t *testing.T) {
	for _, num := range []string{"1234567.89", "0.07", "0.1", "-0.01", "99999999999.99", "123456789012.34", "1e-7", "0"} {
		t.Run(num, func(t *testing.T) {
			in := []byte(`{"arbitrary_unit_cost":` + num + `,"arbitrary_quantity":` + num + `}`)
			var item gen.AutoOrderItem
			out := roundTrip(t, in, &item)
			if item.ArbitraryUnitCost == nil {
				t.Fatal("arbitrary_unit_cost lost")
			}
			want, got := decodeTree(t, in).(map[string]any), decodeTree(t, out).(map[string]any)
			for k := range want {
				if !sameNumber(want[k], got[k]) {
					t.Errorf("%s: %s became %v", k, num, got[k])
				}
			}
		})
	}
	var item gen.AutoOrderItem
	if err := json.Unmarshal([]byte(`{"arbitrary_unit_cost":1234567.89}`), &item); err != nil {
		t.Fatal(err)
	}
	if *item.ArbitraryUnitCost != 1234567.89 {
		t.Errorf("1234567.89 decoded as %v", *item.ArbitraryUnitCost)
	}
}

// TestLenientDateTimes: a response whose date-times are not strict RFC 3339
// still decodes, and everything else in it is intact.
func TestLenientDateTimes(t *testing.T) {
	ref := reference(t)
	g := &exampleGen{ref: ref}
	in := decodeTree(t, g.example(t, "ConversationMessagesResponse")).(map[string]any)
	msgs := in["conversation_messages"].([]any)
	if len(msgs) != 2 {
		t.Fatalf("example has %d messages", len(msgs))
	}
	m0, m1 := msgs[0].(map[string]any), msgs[1].(map[string]any)
	m0["message_dts"] = "2022-12-13 09:58:41"
	m1["message_dts"] = "garbage"
	inJSON, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}

	var resp gen.ConversationMessagesResponse
	out := roundTrip(t, inJSON, &resp)

	d0, d1 := resp.ConversationMessages[0].MessageDts, resp.ConversationMessages[1].MessageDts
	if want := time.Date(2022, 12, 13, 9, 58, 41, 0, time.UTC); d0 == nil || !d0.Valid() || !d0.Equal(want) {
		t.Errorf("space-separated date-time = %v, want %v", d0, want)
	}
	if d1 == nil || d1.Valid() || d1.Raw() != `"garbage"` || !d1.IsZero() {
		t.Errorf("garbage date-time = %#v, want invalid, raw kept, zero instant", d1)
	}

	// Everything else is intact: the lenient one comes back as RFC 3339 UTC,
	// the unparsable one byte for byte.
	m0["message_dts"] = "2022-12-13T09:58:41Z"
	m1["message_dts"] = "garbage"
	got := decodeTree(t, out).(map[string]any)
	gm1 := got["conversation_messages"].([]any)[1].(map[string]any)
	if gm1["message_dts"] != "garbage" {
		t.Errorf("garbage re-encoded as %v", gm1["message_dts"])
	}
	gm1["message_dts"] = m0["message_dts"] // compare the rest with the tree comparer
	m1["message_dts"] = m0["message_dts"]
	c := &treeCompare{t: t, ref: ref}
	c.object("ConversationMessagesResponse", "ConversationMessagesResponse", in, got)
	if c.leaves < 50 {
		t.Errorf("compared only %d values", c.leaves)
	}
}

// TestEmptyArraySurvives: an empty list must be sent as [], or an update
// could never clear it (omitempty would drop it).
func TestEmptyArraySurvives(t *testing.T) {
	in := `{"conversation_department_oids":[],"short_code":"x"}`
	var m gen.ConversationCannedMessage
	if err := json.Unmarshal([]byte(in), &m); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"conversation_department_oids":[]`) {
		t.Errorf("empty array lost: %s", out)
	}
	m.ConversationDepartmentOids = nil
	out, _ = json.Marshal(m)
	if strings.Contains(string(out), "conversation_department_oids") {
		t.Errorf("nil slice sent: %s", out)
	}
}

// TestFreeFormKeepsNumbers: a number inside a free-form object survives exactly.
func TestFreeFormKeepsNumbers(t *testing.T) {
	in := `{"settings":{"big":9007199254740993,"rate":0.07}}`
	var d gen.ConversationDepartment
	if err := json.Unmarshal([]byte(in), &d); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "9007199254740993") {
		t.Errorf("number changed: %s", out)
	}
}
