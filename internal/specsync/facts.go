package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"slices"
)

// Facts is what one release of UltraCart's JavaScript SDK states about the
// Conversation API, normalized: the committed api/sdk/ultracart-js-<release>.json.
// It holds only what the SDK states; whatever it cannot state (integer
// widths, string formats and lengths, status tables) is decided in
// api/decisions.yaml.
type Facts struct {
	About   string `json:"about"`
	SDK     string `json:"sdk"`
	Release string `json:"release"`
	// Operations are sorted by operationId.
	Operations []*Operation `json:"operations"`
	// Schemas are the models the operations reach (bodies, responses and the
	// models ConversationApi.js imports, transitively), and the websocket
	// message models.
	Schemas map[string]*Schema `json:"schemas"`
	// WebsocketSchemas are ConversationWebsocketMessage, the ConversationEvent*
	// models and what only they reach: no operation returns them.
	WebsocketSchemas []string `json:"websocket_schemas"`
}

// Operation is one method of ConversationApi.js.
type Operation struct {
	OperationID string `json:"operationId"`
	Method      string `json:"method"`
	Path        string `json:"path"`
	Summary     string `json:"summary"`
	Description string `json:"description"`
	// Parameters are the path and query parameters in the SDK's order
	// (positional arguments first), each wire key once.
	Parameters []*Param `json:"parameters,omitempty"`
	Body       *Body    `json:"body,omitempty"`
	// Response is the model the operation returns; empty for a void one.
	Response string   `json:"response,omitempty"`
	Accepts  []string `json:"accepts"`
}

// Param is a path or query parameter. Type is the JSON type of its JS type
// (String: string, Number: number, Boolean: boolean).
type Param struct {
	Name        string `json:"name"`
	In          string `json:"in"`
	Required    bool   `json:"required"`
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
	Default     any    `json:"default,omitempty"`
	// JSArguments lists the SDK's arguments when it declares the wire key
	// more than once (an SDK quirk): it sends only the last.
	JSArguments []string `json:"js_arguments,omitempty"`
}

// Body is the request body.
type Body struct {
	Name        string `json:"name"` // the SDK's argument name, never on the wire
	Required    bool   `json:"required"`
	Description string `json:"description,omitempty"`
	Ref         string `json:"$ref"`
	ContentType string `json:"content_type"`
}

// Schema is a model class.
type Schema struct {
	Properties map[string]*Prop `json:"properties"`
}

// Prop is a property, or an array's items: a $ref to a model, or a type
// (string, number, boolean, object for a free-form Object, array with
// items), with the enum values of its enum class.
type Prop struct {
	Ref         string   `json:"$ref,omitempty"`
	Type        string   `json:"type,omitempty"`
	Items       *Prop    `json:"items,omitempty"`
	Enum        []string `json:"enum,omitempty"`
	Description string   `json:"description,omitempty"`
}

// kind is a property's type as the SDK can state it: a schema name, a type,
// or array of either.
func (p *Prop) kind() string {
	switch {
	case p.Ref != "":
		return p.Ref
	case p.Type == "array" && p.Items != nil:
		return p.Items.kind() + "[]"
	}
	return p.Type
}

const factsAbout = "The Conversation API as UltraCart's JavaScript SDK states it, extracted by internal/specsync " +
	"from src/com.ultracart.admin.v2/ConversationApi.js and the model classes it reaches. " +
	"Types are the JSON types of the JS types (a JS Number is \"number\": the SDK cannot say integer, width or format; " +
	"a String cannot say date-time or length): api/decisions.yaml decides those. Descriptions are as the SDK's " +
	"documentation writes them (HTML-escaped). A query key the SDK declares twice is listed once, required if any " +
	"declaration is, with js_arguments naming the SDK's arguments. Do not edit: `make sync-spec SDK=<dir>` rewrites it."

func (f *Facts) operation(id string) *Operation {
	i, ok := slices.BinarySearchFunc(f.Operations, id, func(o *Operation, id string) int { return cmp.Compare(o.OperationID, id) })
	if !ok {
		return nil
	}
	return f.Operations[i]
}

// encodeFacts writes the facts as indented JSON, keys sorted, no HTML
// escaping (the descriptions are escaped already).
func encodeFacts(f *Facts) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func readFacts(path string) (*Facts, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f Facts
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !slices.IsSortedFunc(f.Operations, func(a, b *Operation) int { return cmp.Compare(a.OperationID, b.OperationID) }) {
		return nil, fmt.Errorf("%s: operations not sorted by operationId", path)
	}
	return &f, nil
}
