package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Small constructors for the spec's YAML tree: every string is tagged !!str
// so that the emitter quotes what would read back as another type ('200',
// '1', '2017-03-01').

func strNode(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	switch {
	case strings.Contains(s, "\n"):
		n.Style = yaml.LiteralStyle
	case yaml11Bool[strings.ToLower(s)]:
		// YAML 1.2 reads these as strings, YAML 1.1 (PyYAML, go-yaml v2) as
		// booleans: quoted, every reader gets the enum value "Yes".
		n.Style = yaml.SingleQuotedStyle
	}
	return n
}

var yaml11Bool = map[string]bool{"y": true, "yes": true, "n": true, "no": true, "on": true, "off": true}

func boolNode(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

func intNode(i int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(i)}
}

func seqNode(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Content: items}
}

func strSeq(items []string) *yaml.Node {
	n := seqNode()
	for _, s := range items {
		n.Content = append(n.Content, strNode(s))
	}
	return n
}

// mapNode is a mapping built key by key, in the order written.
type mapNode struct{ *yaml.Node }

func newMap() mapNode { return mapNode{&yaml.Node{Kind: yaml.MappingNode}} }

func (m mapNode) set(key string, v *yaml.Node) mapNode {
	m.Content = append(m.Content, strNode(key), v)
	return m
}

func (m mapNode) str(key, v string) mapNode { return m.set(key, strNode(v)) }

// keyOrder puts these keys first, in this order; the rest follow sorted.
var keyOrder = []string{"x-idempotent", "type", "format"}

// setSorted adds the keys of kv: those of keyOrder first, then the others
// sorted.
func (m mapNode) setSorted(kv map[string]any) error {
	keys := sortedKeys(kv)
	slices.SortStableFunc(keys, func(a, b string) int {
		ia, ib := slices.Index(keyOrder, a), slices.Index(keyOrder, b)
		if ia < 0 {
			ia = len(keyOrder)
		}
		if ib < 0 {
			ib = len(keyOrder)
		}
		return ia - ib
	})
	for _, k := range keys {
		v, err := anyNode(kv[k])
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		m.set(k, v)
	}
	return nil
}

// anyNode is a decoded YAML or JSON value as a node.
func anyNode(v any) (*yaml.Node, error) {
	switch v := v.(type) {
	case string:
		return strNode(v), nil
	case bool:
		return boolNode(v), nil
	case int:
		return intNode(v), nil
	case int64:
		return intNode(int(v)), nil
	case uint64:
		return intNode(int(v)), nil
	case float64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(v, 'g', -1, 64)}, nil
	case json.Number:
		tag := "!!int"
		if strings.ContainsAny(string(v), ".eE") {
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: string(v)}, nil
	case []any:
		n := seqNode()
		for _, e := range v {
			en, err := anyNode(e)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, en)
		}
		return n, nil
	case []string:
		return strSeq(v), nil
	case map[string]any:
		m := newMap()
		return m.Node, m.setSorted(v)
	}
	return nil, fmt.Errorf("value %#v of type %T is not supported", v, v)
}

// get returns the value of key in mapping n, or nil.
func get(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// cloneReplacing deep-copies n, replacing old with new in every scalar.
func cloneReplacing(n *yaml.Node, old, new string) *yaml.Node {
	c := *n
	c.Value = strings.ReplaceAll(n.Value, old, new)
	c.Content = nil
	for _, k := range n.Content {
		c.Content = append(c.Content, cloneReplacing(k, old, new))
	}
	return &c
}
