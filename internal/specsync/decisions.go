package main

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Decisions is api/decisions.yaml: everything in api/openapi.yaml that is
// the project's own, or that the SDK cannot state. The builder merges it
// with a release's facts; nothing else is written by hand.
type Decisions struct {
	// Head is the comment at the head of openapi.yaml.
	Head string `yaml:"head"`
	// Frame is the document around the operations and schemas (openapi,
	// info, servers, security, tags, components other than schemas), copied
	// as it is; "{release}" in it becomes the facts' release.
	Frame yaml.Node `yaml:"frame"`
	// Statuses is the documented status table of every operation.
	Statuses Statuses `yaml:"statuses"`
	// ContentTypes maps a request content type the SDK sends, other than
	// application/json, to the one the spec declares.
	ContentTypes map[string]ContentType `yaml:"content_types"`
	// Types are the extensions every property of a type carries (array,
	// object).
	Types map[string]map[string]any `yaml:"types"`
	// SharedEnums names each enum value set that two or more properties
	// have: one Go type per set.
	SharedEnums map[string]*SharedEnum `yaml:"shared_enums"`
	// GoTypes are the named Go types, other than enums, that properties and
	// parameters of several schemas and operations share: one Go type for
	// one kind of value (a user id), whatever each schema calls it.
	GoTypes map[string]*GoType `yaml:"go_types"`
	// Operations holds every operation's decisions, x-idempotent first.
	Operations map[string]*OpDecision `yaml:"operations"`
	// Schemas holds the number widths and string formats and lengths, per
	// schema.
	Schemas map[string]*SchemaDecision `yaml:"schemas"`
}

// Statuses is the status table: each operation documents Default, 204 in
// place of 200 for a void one.
type Statuses struct {
	Default   []int          `yaml:"default"`
	OK        string         `yaml:"ok"`
	NoContent string         `yaml:"no_content"`
	Errors    map[int]string `yaml:"errors"` // status -> components.responses entry
	Why       string         `yaml:"why"`
}

// ContentType is the content type the spec declares for one the SDK sends.
type ContentType struct {
	Spec string `yaml:"spec"`
	Why  string `yaml:"why"`
}

// SharedEnum is a value set's component: its values in order and the Go
// type's doc.
type SharedEnum struct {
	Description string   `yaml:"description"`
	Enum        []string `yaml:"enum"`
	Why         string   `yaml:"why,omitempty"`
	// Declared are the string properties ("Schema.property") and parameters
	// ("operationId.parameter") that carry these values though the SDK
	// declares no enum for them (a description that names the values, a
	// filter on an enum property), each with the reason. They get the Go
	// type; the wire is unchanged (no enum is added to their schema).
	Declared map[string]string `yaml:"declared"`
}

// GoType is a named Go type for one kind of value: the spec's x-go-type
// and x-go-type-import on each user's schema (an array's items).
type GoType struct {
	// GoType is the type as gen's code names it (ucid.UserID), Import its
	// package.
	GoType string `yaml:"x-go-type"`
	Import string `yaml:"x-go-type-import"`
	// Wire is the JSON type its users have: a property or parameter of
	// another type cannot carry it. A path parameter is text on the wire
	// whatever its type, so it may carry the type either way.
	Wire string `yaml:"wire"`
	// Users are the properties ("Schema.property", an array's items) and
	// parameters ("operationId.parameter") that carry it.
	Users []string `yaml:"users"`
	// Match is a regular expression of property and parameter names that
	// must be decided: each one named so is a user or an exception, so that
	// a release adding one makes the decision.
	Match string `yaml:"match"`
	// Except are the names Match finds that do not carry the type, with
	// the reason.
	Except map[string]string `yaml:"except"`
	Why    string            `yaml:"why"`
}

// OpDecision is one operation's decisions: its x- extensions (x-idempotent
// is required) and its parameters'.
type OpDecision struct {
	Extensions map[string]any            `yaml:",inline"`
	Parameters map[string]*ParamDecision `yaml:"parameters"`
	Why        string                    `yaml:"why"`
}

// ParamDecision is one parameter's: extensions on the parameter, and what
// its schema says beyond the SDK (the width of a number, bounds, x-go-type).
type ParamDecision struct {
	Extensions map[string]any `yaml:",inline"`
	Schema     map[string]any `yaml:"schema"`
	Why        string         `yaml:"why"`
}

// SchemaDecision lists a schema's properties by what the SDK cannot state.
// A property that is an array is decided by its items.
type SchemaDecision struct {
	Int32     []string       `yaml:"int32"`   // integer, int32
	Int64     []string       `yaml:"int64"`   // integer, int64
	Integer   []string       `yaml:"integer"` // integer of no stated width
	Number    []string       `yaml:"number"`  // a decimal
	DateTime  []string       `yaml:"date-time"`
	String    []string       `yaml:"string"` // a plain string (decided so, where the reference marked it unknown)
	MaxLength map[string]int `yaml:"maxLength"`
	// Docs are what the project adds to a property's description: a
	// format or meaning the documents leave to the field's name, and the
	// project's reading where they are silent (x-doc-added in the spec).
	Docs map[string]string `yaml:"docs"`
	Why  string            `yaml:"why"`
}

// numberForms are the schema fragments of the number decisions.
var numberForms = []struct {
	key    string
	schema [][2]string
}{
	{"int32", [][2]string{{"type", "integer"}, {"format", "int32"}}},
	{"int64", [][2]string{{"type", "integer"}, {"format", "int64"}}},
	{"integer", [][2]string{{"type", "integer"}}},
	{"number", [][2]string{{"type", "number"}}},
}

func (s *SchemaDecision) lists() map[string][]string {
	return map[string][]string{"int32": s.Int32, "int64": s.Int64, "integer": s.Integer, "number": s.Number, "date-time": s.DateTime, "string": s.String}
}

// forms maps each property the schema decides to its number or string
// form (int32, ..., date-time, string), reporting one named twice.
func (s *SchemaDecision) forms(schema string) (map[string]string, []string) {
	out := map[string]string{}
	var errs []string
	lists := s.lists()
	for _, key := range sortedKeys(lists) {
		for _, p := range lists[key] {
			if prev, dup := out[p]; dup {
				errs = append(errs, fmt.Sprintf("schemas.%s: %s is both %s and %s", schema, p, prev, key))
			}
			out[p] = key
		}
	}
	return out, errs
}

func readDecisions(path string) (*Decisions, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseDecisions(path, b)
}

func parseDecisions(name string, b []byte) (*Decisions, error) {
	var d Decisions
	if err := yaml.Load(b, &d, yaml.WithKnownFields(true), yaml.WithUniqueKeys(true)); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var errs []string
	if d.Frame.Kind != yaml.MappingNode {
		errs = append(errs, "frame: want a mapping (openapi, info, ...)")
	}
	if len(d.Statuses.Default) == 0 || d.Statuses.OK == "" || d.Statuses.NoContent == "" {
		errs = append(errs, "statuses: default, ok and no_content are required")
	}
	for _, s := range d.Statuses.Default {
		if s >= 400 && d.Statuses.Errors[s] == "" {
			errs = append(errs, fmt.Sprintf("statuses: %d has no entry in errors", s))
		}
	}
	for _, id := range sortedKeys(d.Operations) {
		for k := range d.Operations[id].Extensions {
			if !strings.HasPrefix(k, "x-") {
				errs = append(errs, fmt.Sprintf("operations.%s: unknown key %s (x- extensions, parameters and why)", id, k))
			}
		}
		for pn, p := range d.Operations[id].Parameters {
			for k := range p.Extensions {
				if !strings.HasPrefix(k, "x-") {
					errs = append(errs, fmt.Sprintf("operations.%s.parameters.%s: unknown key %s (x- extensions, schema and why)", id, pn, k))
				}
			}
		}
	}
	for name, e := range d.SharedEnums {
		if e.Description == "" || len(e.Enum) == 0 {
			errs = append(errs, fmt.Sprintf("shared_enums.%s: description and enum are required", name))
		}
		for u, why := range e.Declared {
			if why == "" {
				errs = append(errs, fmt.Sprintf("shared_enums.%s.declared.%s: say why (the document that names the values)", name, u))
			}
		}
	}
	for name, g := range d.GoTypes {
		if g.GoType == "" || g.Wire == "" || len(g.Users) == 0 || g.Why == "" {
			errs = append(errs, fmt.Sprintf("go_types.%s: x-go-type, wire, users and why are required", name))
		}
		if _, err := regexp.Compile(g.Match); err != nil {
			errs = append(errs, fmt.Sprintf("go_types.%s: match: %v", name, err))
		}
	}
	if len(errs) > 0 {
		slices.Sort(errs)
		return nil, fmt.Errorf("%s", joinLines(name+":", errs))
	}
	return &d, nil
}
