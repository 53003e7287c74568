package main

import (
	"fmt"
	"slices"
)

// websocketRoot is the agent websocket's message; the ConversationEvent*
// models are its payloads. No operation returns them.
const (
	websocketRoot   = "ConversationWebsocketMessage"
	websocketEvents = "ConversationEvent"
)

// extract reads the SDK's operation class and every model class it reaches.
func extract(src *sdkSource) (*Facts, error) {
	api, err := parseAPI(apiFile, src.files[apiFile])
	if err != nil {
		return nil, err
	}
	f := &Facts{About: factsAbout, SDK: "UltraCart/rest_api_v2_sdk_javascript", Release: api.Release,
		Operations: api.Operations, Schemas: map[string]*Schema{}}

	// The operations' models, and the ones ConversationApi.js imports (the
	// error body ErrorResponse is named nowhere else).
	var roots []ref
	for _, op := range f.Operations {
		if op.Body != nil {
			roots = append(roots, ref{op.Body.Ref, apiFile + ": the body of " + op.OperationID})
		}
		if op.Response != "" {
			roots = append(roots, ref{op.Response, apiFile + ": the response of " + op.OperationID})
		}
	}
	for _, name := range api.Imports {
		roots = append(roots, ref{name, apiFile + ": an import"})
	}
	if err := reach(src, f.Schemas, roots); err != nil {
		return nil, err
	}
	ws := map[string]*Schema{}
	wsRoots := []ref{{websocketRoot, "the websocket message"}}
	for _, name := range src.modelNames(websocketEvents) {
		wsRoots = append(wsRoots, ref{name, "a websocket event"})
	}
	if err := reach(src, ws, wsRoots); err != nil {
		return nil, err
	}
	for _, name := range sortedKeys(ws) {
		if _, ok := f.Schemas[name]; !ok {
			f.Schemas[name] = ws[name]
			f.WebsocketSchemas = append(f.WebsocketSchemas, name)
		}
	}
	// The message first, then its payloads.
	slices.SortStableFunc(f.WebsocketSchemas, func(a, b string) int {
		return boolInt(b == websocketRoot) - boolInt(a == websocketRoot)
	})
	return f, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ref is a model class and where it is named.
type ref struct{ name, from string }

// reach parses the model classes named in roots and every one they reach
// into schemas.
func reach(src *sdkSource, schemas map[string]*Schema, roots []ref) error {
	queue := slices.Clone(roots)
	for len(queue) > 0 {
		r := queue[0]
		name := r.name
		queue = queue[1:]
		if _, ok := schemas[name]; ok {
			continue
		}
		b := src.model(name)
		if b == nil {
			return fmt.Errorf("%s (%s): model class %s not found in %s", r.from, src.name, name, modelsDir)
		}
		m, err := parseModel(modelsDir+"/"+name+".js", b)
		if err != nil {
			return err
		}
		if m.Name != name {
			return fmt.Errorf("%s/%s.js holds class %s", modelsDir, name, m.Name)
		}
		schemas[name] = m.Schema
		for _, pn := range sortedKeys(m.Schema.Properties) {
			p := m.Schema.Properties[pn]
			from := modelsDir + "/" + name + ".js: " + pn
			if p.Ref != "" {
				queue = append(queue, ref{p.Ref, from})
			}
			if p.Items != nil && p.Items.Ref != "" {
				queue = append(queue, ref{p.Items.Ref, from})
			}
		}
	}
	return nil
}
