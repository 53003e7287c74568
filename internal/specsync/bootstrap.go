package main

// bootstrap is a one-off: it reads the hand-maintained spec of release
// 4.1.70 and that release's facts, and writes the decisions that the spec
// held beyond the facts. It is removed once api/decisions.yaml exists.

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

func runBootstrap(specPath, factsPath, out string) error {
	raw, err := os.ReadFile(specPath)
	if err != nil {
		return err
	}
	var root yaml.Node
	if err := yaml.Load(raw, &root); err != nil {
		return err
	}
	var spec map[string]any
	if err := yaml.Load(raw, &spec); err != nil {
		return err
	}
	f, err := readFacts(factsPath)
	if err != nil {
		return err
	}
	doc := root.Content[0]
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }

	// The frame: everything but paths and components.schemas.
	frame := newMap()
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i].Value, doc.Content[i+1]
		switch k {
		case "paths":
			continue
		case "info":
			info := newMap()
			for j := 0; j+1 < len(v.Content); j += 2 {
				if v.Content[j].Value == "version" {
					continue
				}
				val := v.Content[j+1]
				if v.Content[j].Value == "description" {
					val = strNode(strings.ReplaceAll(val.Value, "release 4.1.70 (April 2026)", "release {release}"))
				}
				info.set(v.Content[j].Value, val)
			}
			v = info.Node
		case "components":
			c := newMap()
			for j := 0; j+1 < len(v.Content); j += 2 {
				if v.Content[j].Value != "schemas" {
					c.set(v.Content[j].Value, v.Content[j+1])
				}
			}
			v = c.Node
		}
		frame.set(k, v)
	}

	// Operations.
	ops := newMap()
	paths := spec["paths"].(map[string]any)
	type specOp struct {
		id string
		m  map[string]any
	}
	var all []specOp
	for _, item := range paths {
		for _, o := range item.(map[string]any) {
			om := o.(map[string]any)
			all = append(all, specOp{om["operationId"].(string), om})
		}
	}
	slices.SortFunc(all, func(a, b specOp) int { return strings.Compare(a.id, b.id) })
	var statusTable []string
	for _, so := range all {
		fo := f.operation(so.id)
		if fo == nil {
			fail("%s: not in the facts", so.id)
			continue
		}
		d := newMap()
		var keys []string
		for k := range so.m {
			if strings.HasPrefix(k, "x-") && k != "x-codegen-request-body-name" {
				keys = append(keys, k)
			}
		}
		ext := map[string]any{}
		for _, k := range keys {
			v := so.m[k]
			if k == "x-go-method" {
				k = "x-go-deprecated-method"
			}
			ext[k] = v
		}
		switch so.id {
		case "getConversations":
			ext["x-go-iter-key"] = "conversation_uuid"
		case "searchPbxCalls":
			ext["x-go-iter-key"] = "call_uuid"
		}
		if err := d.setSorted(ext); err != nil {
			return err
		}
		var codes []string
		for c := range so.m["responses"].(map[string]any) {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		table := strings.Join(codes, ",")
		table = strings.Replace(table, "204", "200", 1)
		if statusTable == nil {
			statusTable = []string{table}
		} else if table != statusTable[0] {
			fail("%s: statuses %s, others %s", so.id, table, statusTable[0])
		}
		params := newMap()
		specParams, _ := so.m["parameters"].([]any)
		for _, sp := range specParams {
			pm := sp.(map[string]any)
			name := pm["name"].(string)
			var fp *Param
			for _, p := range fo.Parameters {
				if p.Name == name {
					fp = p
				}
			}
			if fp == nil {
				fail("%s.%s: not in the facts", so.id, name)
				continue
			}
			pd := newMap()
			pext := map[string]any{}
			for k, v := range pm {
				if strings.HasPrefix(k, "x-") {
					pext[k] = v
				}
			}
			if err := pd.setSorted(pext); err != nil {
				return err
			}
			schema := map[string]any{}
			for k, v := range pm["schema"].(map[string]any) {
				switch k {
				case "default":
					continue // a fact
				case "type":
					if v == fp.Type {
						continue
					}
				}
				schema[k] = v
			}
			if len(schema) > 0 {
				sn := newMap()
				if err := sn.setSorted(schema); err != nil {
					return err
				}
				pd.set("schema", sn.Node)
			}
			if len(pd.Content) > 0 {
				params.set(name, flowIfSimple(pd.Node))
			}
		}
		if len(params.Content) > 0 {
			d.set("parameters", params.Node)
		} else {
			flowIfSimple(d.Node)
		}
		ops.set(so.id, d.Node)
	}

	// Schemas: number widths, date-times, lengths; shared enums; type
	// extensions.
	components := spec["components"].(map[string]any)["schemas"].(map[string]any)
	shared := newMap()
	schemas := newMap()
	typeExt := map[string]map[string]any{}
	for _, name := range sortedKeys(components) {
		c := components[name].(map[string]any)
		if users, ok := c["x-shared-enum"]; ok {
			_ = users
			e := newMap().str("description", c["description"].(string))
			e.set("enum", flowIfSimple(strSeqAny(c["enum"].([]any))))
			shared.set(name, e.Node)
			continue
		}
		fs := f.Schemas[name]
		if fs == nil {
			fail("schema %s: not in the facts", name)
			continue
		}
		lists := map[string][]string{}
		maxLen := map[string]any{}
		props := c["properties"].(map[string]any)
		for _, pn := range sortedKeys(props) {
			p := props[pn].(map[string]any)
			fp := fs.Properties[pn]
			if fp == nil {
				fail("%s.%s: not in the facts", name, pn)
				continue
			}
			for k, v := range p {
				if strings.HasPrefix(k, "x-") && k != "x-go-type" {
					t := p["type"].(string)
					if typeExt[t] == nil {
						typeExt[t] = map[string]any{}
					}
					if old, ok := typeExt[t][k]; ok && old != v {
						fail("%s.%s: %s=%v, others %v", name, pn, k, v, old)
					}
					typeExt[t][k] = v
				}
				if k == "x-go-type" && v == "json.RawMessage" {
					if typeExt["object"] == nil {
						typeExt["object"] = map[string]any{}
					}
					typeExt["object"][k] = v
				}
			}
			leafP := p
			if it, ok := p["items"].(map[string]any); ok {
				leafP = it
			}
			if ml, ok := p["maxLength"]; ok {
				maxLen[pn] = ml
			}
			t, _ := leafP["type"].(string)
			format, _ := leafP["format"].(string)
			switch {
			case t == "integer" && format == "int32":
				lists["int32"] = append(lists["int32"], pn)
			case t == "integer" && format == "int64":
				lists["int64"] = append(lists["int64"], pn)
			case t == "integer":
				lists["integer"] = append(lists["integer"], pn)
			case t == "number":
				lists["number"] = append(lists["number"], pn)
			case t == "string" && format == "date-time":
				lists["date-time"] = append(lists["date-time"], pn)
			case format != "":
				fail("%s.%s: format %s", name, pn, format)
			}
		}
		if len(lists) == 0 && len(maxLen) == 0 {
			continue
		}
		sd := newMap()
		for _, k := range []string{"int32", "int64", "integer", "number", "date-time"} {
			if l := lists[k]; len(l) > 0 {
				sd.set(k, flowIfSimple(strSeq(l)))
			}
		}
		if len(maxLen) > 0 {
			mn := newMap()
			if err := mn.setSorted(maxLen); err != nil {
				return err
			}
			sd.set("maxLength", flowIfSimple(mn.Node))
		}
		schemas.set(name, sd.Node)
	}
	types := newMap()
	for _, t := range sortedKeys(typeExt) {
		n := newMap()
		if err := n.setSorted(typeExt[t]); err != nil {
			return err
		}
		types.set(t, flowIfSimple(n.Node))
	}

	codes := strings.Split(statusTable[0], ",")
	def := seqNode()
	def.Style = yaml.FlowStyle // numbers
	errorsMap := newMap()
	for _, c := range codes {
		i, _ := strconv.Atoi(c)
		def.Content = append(def.Content, intNode(i))
	}
	first := all[0].m["responses"].(map[string]any)
	for _, c := range codes {
		if c == "200" {
			continue
		}
		ref := first[c].(map[string]any)["$ref"].(string)
		i, _ := strconv.Atoi(c)
		errorsMap.Content = append(errorsMap.Content, intNode(i), strNode(strings.TrimPrefix(ref, "#/components/responses/")))
	}
	var okDesc, noContent string
	for _, so := range all {
		r := so.m["responses"].(map[string]any)
		if v, ok := r["200"].(map[string]any); ok {
			okDesc = v["description"].(string)
		}
		if v, ok := r["204"].(map[string]any); ok {
			noContent = v["description"].(string)
		}
	}
	statuses := newMap().set("default", def).str("ok", okDesc).str("no_content", noContent).set("errors", errorsMap.Node)

	ct := newMap().set("application/json; charset=UTF-8", newMap().str("spec", "application/json").str("why", "TODO").Node)

	out2 := newMap().str("head", "TODO").set("frame", frame.Node).set("statuses", statuses.Node).
		set("content_types", ct.Node).set("types", types.Node).set("shared_enums", shared.Node).
		set("operations", ops.Node).set("schemas", schemas.Node)
	if len(errs) > 0 {
		return fmt.Errorf("%s", joinLines("bootstrap:", errs))
	}
	b, err := yaml.Dump(out2.Node, yaml.WithIndent(2), yaml.WithCompactSeqIndent(true), yaml.WithLineWidth(120))
	if err != nil {
		return err
	}
	return os.WriteFile(out, b, 0o644)
}

func strSeqAny(items []any) *yaml.Node {
	n := seqNode()
	for _, s := range items {
		n.Content = append(n.Content, strNode(s.(string)))
	}
	return n
}
