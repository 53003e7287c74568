package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var (
	reClass       = regexp.MustCompile(`^class (\w+) \{$`)
	reConvert     = regexp.MustCompile(`^obj\['(\w+)'\] = ApiClient\.convertToType\(data\['(\w+)'\], (.+)\);$`)
	reConstruct   = regexp.MustCompile(`^obj\['(\w+)'\] = (\w+)\.constructFromObject\(data\['(\w+)'\]\);$`)
	reMember      = regexp.MustCompile(`^@member \{([^}]+)\} (\w+)$`)
	rePrototype   = regexp.MustCompile(`^(\w+)\.prototype\['(\w+)'\] = undefined;$`)
	reEnumOpen    = regexp.MustCompile(`^(\w+)\['(\w+)'\] = \{$`)
	reEnumValue   = regexp.MustCompile(`^("(?:[^"\\]|\\.)*"): ("(?:[^"\\]|\\.)*"),?$`)
	reMemberModel = regexp.MustCompile(`^module:com\.ultracart\.admin\.v2\.models/(\w+)(?:\.(\w+))?$`)
	reArrayOf     = regexp.MustCompile(`^Array\.<(.+)>$`)
)

// modelFacts is one model class: its properties and the models they name.
type modelFacts struct {
	Name   string
	Schema *Schema
}

// parseModel reads one model class file.
func parseModel(file string, src []byte) (*modelFacts, error) {
	lines := splitLines(src)
	m := &modelFacts{Schema: &Schema{Properties: map[string]*Prop{}}}
	convert := map[string]string{} // property -> convertToType's type, or "@Model"
	members := map[string]string{} // property -> @member type
	descs := map[string]string{}
	enums := map[string][]string{} // enum class -> values
	var doc docBlock
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		t := strings.TrimSpace(l.text)
		if doc.take(t) {
			continue
		}
		if c := reClass.FindStringSubmatch(l.text); c != nil && m.Name == "" {
			m.Name = c[1]
			continue
		}
		if c := reConvert.FindStringSubmatch(t); c != nil {
			if c[1] != c[2] {
				return nil, fmt.Errorf("%s:%d: obj[%s] from data[%s]", file, l.n, c[1], c[2])
			}
			convert[c[1]] = c[3]
			continue
		}
		if c := reConstruct.FindStringSubmatch(t); c != nil {
			if c[1] != c[3] {
				return nil, fmt.Errorf("%s:%d: obj[%s] from data[%s]", file, l.n, c[1], c[3])
			}
			convert[c[1]] = "@" + c[2]
			continue
		}
		if c := rePrototype.FindStringSubmatch(t); c != nil {
			if c[1] != m.Name {
				return nil, fmt.Errorf("%s:%d: prototype of %s in class %s", file, l.n, c[1], m.Name)
			}
			var text []string
			member := ""
			for _, d := range doc.lines {
				if mm := reMember.FindStringSubmatch(d); mm != nil {
					if mm[2] != c[2] {
						return nil, fmt.Errorf("%s:%d: @member %s documents %s", file, l.n, mm[2], c[2])
					}
					member = mm[1]
				} else if !strings.HasPrefix(d, "@") && d != "" {
					text = append(text, d)
				}
			}
			if member == "" {
				return nil, fmt.Errorf("%s:%d: %s has no @member", file, l.n, c[2])
			}
			members[c[2]] = member
			descs[c[2]] = strings.Join(text, "\n")
			doc.lines = nil
			continue
		}
		if c := reEnumOpen.FindStringSubmatch(t); c != nil && c[1] == m.Name {
			var values []string
			for i++; i < len(lines) && strings.TrimSpace(lines[i].text) != "};"; i++ {
				et := strings.TrimSpace(lines[i].text)
				if ev := reEnumValue.FindStringSubmatch(et); ev != nil {
					v, err := strconv.Unquote(ev[2])
					if err != nil {
						return nil, fmt.Errorf("%s:%d: enum value %s not understood", file, lines[i].n, et)
					}
					values = append(values, v)
				}
			}
			if len(values) == 0 {
				return nil, fmt.Errorf("%s:%d: enum %s without values", file, l.n, c[2])
			}
			enums[c[2]] = values
			continue
		}
	}
	if m.Name == "" {
		return nil, fmt.Errorf("%s: no class", file)
	}
	for name, member := range members {
		conv, ok := convert[name]
		if !ok {
			return nil, fmt.Errorf("%s: %s is documented but constructFromObject never reads it", file, name)
		}
		p, err := modelProp(member, conv, enums)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", file, name, err)
		}
		p.Description = htmlEscape(descs[name])
		m.Schema.Properties[name] = p
	}
	for name := range convert {
		if _, ok := members[name]; !ok {
			return nil, fmt.Errorf("%s: constructFromObject reads %s, which has no @member", file, name)
		}
	}
	return m, nil
}

// modelProp is a property from its @member type and the second argument of
// its convertToType (or "@Model" for Model.constructFromObject).
func modelProp(member, conv string, enums map[string][]string) (*Prop, error) {
	p, err := memberType(member, enums)
	if err != nil {
		return nil, err
	}
	// The conversion must say the same, so that neither is read alone.
	if got := convType(conv); got != p.kind() {
		return nil, fmt.Errorf("@member says %s (%s), constructFromObject %s (%s)", member, p.kind(), conv, got)
	}
	return p, nil
}

func memberType(t string, enums map[string][]string) (*Prop, error) {
	if a := reArrayOf.FindStringSubmatch(t); a != nil {
		items, err := memberType(a[1], enums)
		if err != nil {
			return nil, err
		}
		if items.Type == "array" {
			return nil, fmt.Errorf("array of arrays %s is not supported", t)
		}
		return &Prop{Type: "array", Items: items}, nil
	}
	switch t {
	case "String":
		return &Prop{Type: "string"}, nil
	case "Number":
		return &Prop{Type: "number"}, nil
	case "Boolean":
		return &Prop{Type: "boolean"}, nil
	case "Object":
		return &Prop{Type: "object"}, nil
	}
	if mm := reMemberModel.FindStringSubmatch(t); mm != nil {
		if mm[2] == "" {
			return &Prop{Ref: mm[1]}, nil
		}
		values, ok := enums[mm[2]]
		if !ok {
			return nil, fmt.Errorf("enum class %s not found", mm[2])
		}
		return &Prop{Type: "string", Enum: values}, nil
	}
	return nil, fmt.Errorf("JS type %s is not supported", t)
}

// convType is convertToType's type (or "@Model") in kind() form.
func convType(c string) string {
	if m, ok := strings.CutPrefix(c, "@"); ok {
		return m
	}
	if inner, ok := strings.CutPrefix(c, "["); ok && strings.HasSuffix(inner, "]") {
		return convType(strings.TrimSuffix(inner, "]")) + "[]"
	}
	switch c {
	case "'String'":
		return "string"
	case "'Number'":
		return "number"
	case "'Boolean'":
		return "boolean"
	case "Object":
		return "object"
	}
	if reArg.MatchString(c) {
		return c // a model class
	}
	return "?" + c
}
