package conversationtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// UnknownProperties says what the fake does with a request body property,
// or a query parameter, that the release of the API it serves does not
// define: one a newer release added, or a misspelling. The real service
// ignores what it does not know, so a caller who writes a setting and reads
// it back would be told nothing; the fake says so instead.
type UnknownProperties int

const (
	// RefuseUnknown, the default, answers such a request with a 400 naming
	// every property and query parameter the release does not define, and
	// the release, and changes nothing.
	RefuseUnknown UnknownProperties = iota
	// KeepUnknown accepts such a request and logs one line naming what the
	// release does not define (see WithLogf). The objects the fake stores
	// as sent (the kinds listed in the package documentation: PBX objects,
	// canned messages, agent profiles, ...) keep unknown body properties
	// and return them as sent on every read; other operations (searches,
	// the queue status update, joins) act on what they know and ignore
	// the rest, and unknown query parameters are ignored.
	KeepUnknown
)

// String is the name ultracart-fake's -unknown-properties flag takes.
func (u UnknownProperties) String() string {
	switch u {
	case RefuseUnknown:
		return "refuse"
	case KeepUnknown:
		return "keep"
	}
	return "UnknownProperties(" + strconv.Itoa(int(u)) + ")"
}

// ParseUnknownProperties reads "refuse" or "keep", the names String gives.
func ParseUnknownProperties(s string) (UnknownProperties, error) {
	for _, u := range []UnknownProperties{RefuseUnknown, KeepUnknown} {
		if s == u.String() {
			return u, nil
		}
	}
	return 0, fmt.Errorf("unknown properties %q: want refuse or keep", s)
}

// WithUnknownProperties sets what the fake does with request body
// properties and query parameters outside the release it serves:
// RefuseUnknown (the default) or KeepUnknown. Seed documents (WithSeedJSON)
// are held to the same rule.
func WithUnknownProperties(u UnknownProperties) Option {
	return func(c *config) error {
		if u != RefuseUnknown && u != KeepUnknown {
			return fmt.Errorf("WithUnknownProperties: %v is neither RefuseUnknown nor KeepUnknown", u)
		}
		c.unknown = u
		return nil
	}
}

// unknownMark is the key under which a stored object kept with KeepUnknown
// lists its own properties that the schema does not define, so that view
// returns them while it still drops what a summary schema leaves out. No
// JSON name of the API can collide with it.
const unknownMark = "\x00unknown"

// unknownIn lists, as paths from v (name, members.users, mappings[0].x),
// the properties of v that sc does not define, sorted. A free-form object
// (no properties declared) defines any.
func unknownIn(sc *openapi3.SchemaRef, v any) []string {
	var out []string
	walkUnknown(sc, v, "", func(path string, _ obj, _ string) { out = append(out, path) })
	slices.Sort(out)
	return out
}

// walkUnknown calls found with the path, the object and the name of each
// property of v that sc does not define.
func walkUnknown(sc *openapi3.SchemaRef, v any, at string, found func(path string, o obj, name string)) {
	if sc == nil || sc.Value == nil {
		return
	}
	switch t := v.(type) {
	case obj:
		props := sc.Value.Properties
		if len(props) == 0 {
			return
		}
		for name, x := range t {
			if name == unknownMark {
				continue
			}
			path := name
			if at != "" {
				path = at + "." + name
			}
			if p, ok := props[name]; ok {
				walkUnknown(p, x, path, found)
			} else {
				found(path, t, name)
			}
		}
	case []any:
		for i, x := range t {
			walkUnknown(sc.Value.Items, x, fmt.Sprintf("%s[%d]", at, i), found)
		}
	}
}

// markUnknown records in each object of v the properties sc does not
// define (see unknownMark), and returns their paths.
func markUnknown(sc *openapi3.SchemaRef, v any) []string {
	var out []string
	walkUnknown(sc, v, "", func(path string, o obj, name string) {
		out = append(out, path)
		mark, _ := o[unknownMark].([]string)
		o[unknownMark] = append(mark, name)
	})
	slices.Sort(out)
	return out
}

// unknownRequest is what a request sends that the operation, in the
// release the fake serves, does not define.
type unknownRequest struct {
	schema string   // the body's schema (ConversationPbxQueue), or ""
	props  []string // body properties, as paths
	params []string // query parameters
	seeded bool     // props are of a seeded object, not a request body
}

// unknownInRequest finds the body properties and query parameters of a
// request (already validated against the spec) that the operation does not
// define, or returns nil.
func (sp *spec) unknownInRequest(route *routers.Route, query url.Values, body []byte) *unknownRequest {
	u := &unknownRequest{}
	declared := map[string]bool{}
	for _, params := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
		for _, p := range params {
			if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
				declared[p.Value.Name] = true
			}
		}
	}
	for name := range query {
		if !declared[name] {
			u.params = append(u.params, name)
		}
	}
	slices.Sort(u.params)
	if sc := bodySchema(route.Operation); sc != nil && len(bytes.TrimSpace(body)) > 0 {
		var v any
		d := json.NewDecoder(bytes.NewReader(body))
		d.UseNumber()
		if d.Decode(&v) == nil {
			u.schema = schemaName(sc)
			u.props = unknownIn(sc, normalize(v))
		}
	}
	if len(u.props) == 0 && len(u.params) == 0 {
		return nil
	}
	return u
}

// bodySchema is the JSON schema of an operation's request body, or nil.
func bodySchema(op *openapi3.Operation) *openapi3.SchemaRef {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	mt := op.RequestBody.Value.Content.Get("application/json")
	if mt == nil {
		return nil
	}
	return mt.Schema
}

// schemaName is the component a schema reference names.
func schemaName(sc *openapi3.SchemaRef) string {
	return strings.TrimPrefix(sc.Ref, "#/components/schemas/")
}

// normalize makes the maps of a decoded JSON value objs, for the walk.
func normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		o := make(obj, len(t))
		for k, x := range t {
			o[k] = normalize(x)
		}
		return o
	case []any:
		for i, x := range t {
			t[i] = normalize(x)
		}
	}
	return v
}

// what names the unknown parts of a request, for a message, and whether
// they are more than one.
func (u *unknownRequest) what(op string) (string, bool) {
	var parts []string
	if len(u.props) > 0 {
		noun := "property"
		if len(u.props) > 1 {
			noun = "properties"
		}
		of := ""
		if u.schema != "" {
			of = " of " + u.schema
		}
		if !u.seeded {
			noun = "body " + noun
		}
		parts = append(parts, fmt.Sprintf("%s %s%s", noun, quoted(u.props), of))
	}
	if len(u.params) > 0 {
		noun := "parameter"
		if len(u.params) > 1 {
			noun = "parameters"
		}
		parts = append(parts, fmt.Sprintf("query %s %s of %s", noun, quoted(u.params), op))
	}
	return strings.Join(parts, " and "), len(u.props)+len(u.params) > 1
}

// refusal is the 400's message: what, which release, and the two ways out.
func (u *unknownRequest) refusal(op, release string) string {
	what, many := u.what(op)
	verb, it := "is", "it"
	if many {
		verb, it = "are", "them"
	}
	return fmt.Sprintf("%s %s not in release %s of the UltraCart Conversation API, which this fake serves, and the service would ignore %s. "+
		"Send only what release %s defines, or keep %s with conversationtest.WithUnknownProperties(conversationtest.KeepUnknown) (ultracart-fake -unknown-properties=keep)",
		what, verb, release, it, release, it)
}

// kept is the log line of a request accepted with KeepUnknown.
func (u *unknownRequest) kept(op, release string) string {
	what, _ := u.what(op)
	return fmt.Sprintf("conversationtest: %s: accepted %s, not in release %s", op, what, release)
}

// errUnknownSeed is the error of a seeded object of the schema with
// properties outside the release.
func errUnknownSeed(schema string, props []string, release string) error {
	return errors.New((&unknownRequest{schema: schema, props: props, seeded: true}).refusal("", release))
}
