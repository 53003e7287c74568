package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// runDrift reports what a release changes against the committed facts (or
// -facts), as Markdown for CHANGELOG.md, and fails while the decisions leave
// a fact of the new release undecided.
func runDrift(at func(string) string, sdk, tag, newPath, basePath string, w io.Writer) error {
	var next *Facts
	var err error
	switch {
	case newPath != "":
		next, err = readFacts(newPath)
	case sdk != "":
		next, err = extractFrom(sdk, tag)
	default:
		return fmt.Errorf("drift: -sdk (make spec-drift SDK=<dir>) or -new is required")
	}
	if err != nil {
		return err
	}
	if basePath == "" {
		if basePath, err = committedFacts(at(factsDir)); err != nil {
			return err
		}
	}
	base, err := readFacts(basePath)
	if err != nil {
		return err
	}
	d, err := readDecisions(at(decisionsFile))
	if err != nil {
		return err
	}
	r := diffFacts(base, next, d)
	if _, err := io.WriteString(w, r.markdown()); err != nil {
		return err
	}
	if n := len(r.undecided) + len(r.unreviewed); n > 0 {
		return fmt.Errorf("release %s: %d facts undecided in %s (listed under \"Undecided\"): decide them, then `make sync-spec`", next.Release, n, decisionsFile)
	}
	return nil
}

// driftReport is what one release changes against another.
type driftReport struct {
	base, next *Facts

	opsAdded, opsRemoved []*Operation
	opsChanged           map[string][]string // operationId -> changes
	schemasAdded         []string
	schemasRemoved       []string
	propsAdded           [][3]string // schema, property, type
	propsRemoved         [][3]string
	propsRetyped         [][4]string // schema, property, was, now
	enumChanges          [][4]string // schema.property, added, removed
	docsChanged          []string    // where a description changed
	newEnums             [][2]string // Schema.property of an added schema, values
	quirks               []string

	// undecided is what stops build; unreviewed are the string properties
	// the new release adds that no decision names (a date-time? a length?).
	undecided, unreviewed []string
}

func diffFacts(base, next *Facts, d *Decisions) *driftReport {
	r := &driftReport{base: base, next: next, opsChanged: map[string][]string{}}
	baseOps := map[string]*Operation{}
	for _, op := range base.Operations {
		baseOps[op.OperationID] = op
	}
	for _, op := range next.Operations {
		old, ok := baseOps[op.OperationID]
		if !ok {
			r.opsAdded = append(r.opsAdded, op)
			continue
		}
		delete(baseOps, op.OperationID)
		if ch := opChanges(old, op); len(ch) > 0 {
			r.opsChanged[op.OperationID] = ch
		}
		if old.Summary != op.Summary || old.Description != op.Description {
			r.docsChanged = append(r.docsChanged, "`"+op.OperationID+"`")
		}
	}
	for _, id := range sortedKeys(baseOps) {
		r.opsRemoved = append(r.opsRemoved, baseOps[id])
	}

	for _, name := range sortedKeys(next.Schemas) {
		bs, ok := base.Schemas[name]
		ns := next.Schemas[name]
		if !ok {
			r.schemasAdded = append(r.schemasAdded, name)
			for _, pn := range sortedKeys(ns.Properties) {
				if e := leaf(ns.Properties[pn]).Enum; len(e) > 0 {
					r.newEnums = append(r.newEnums, [2]string{name + "." + pn, codeList(e)})
				}
			}
		}
		for _, pn := range sortedKeys(ns.Properties) {
			np := ns.Properties[pn]
			var bp *Prop
			if ok {
				bp = bs.Properties[pn]
			}
			switch {
			case bp == nil:
				if ok {
					kind := np.kind()
					if e := leaf(np).Enum; len(e) > 0 {
						kind += " enum: " + codeList(e)
					}
					r.propsAdded = append(r.propsAdded, [3]string{name, pn, kind})
				}
				if leaf(np).Type == "string" && !decidesString(d, name, pn) {
					r.unreviewed = append(r.unreviewed, fmt.Sprintf("schemas.%s: %s is a new string: list it under string (a plain string) or date-time, with maxLength if a length is known, and why", name, pn))
				}
				continue
			case bp.kind() != np.kind():
				r.propsRetyped = append(r.propsRetyped, [4]string{name, pn, bp.kind(), np.kind()})
			}
			if added, removed := setDiff(leaf(bp).Enum, leaf(np).Enum); len(added)+len(removed) > 0 {
				r.enumChanges = append(r.enumChanges, [4]string{name + "." + pn, codeList(added), codeList(removed)})
			}
			if bp.Description != np.Description {
				r.docsChanged = append(r.docsChanged, "`"+name+"."+pn+"`")
			}
		}
		if ok {
			for _, pn := range sortedKeys(bs.Properties) {
				if ns.Properties[pn] == nil {
					r.propsRemoved = append(r.propsRemoved, [3]string{name, pn, bs.Properties[pn].kind()})
				}
			}
		}
	}
	for _, name := range sortedKeys(base.Schemas) {
		if next.Schemas[name] == nil {
			r.schemasRemoved = append(r.schemasRemoved, name)
		}
	}

	for _, op := range next.Operations {
		for _, p := range op.Parameters {
			if len(p.JSArguments) > 1 {
				r.quirks = append(r.quirks, fmt.Sprintf("`%s` declares query key `%s` %d times (arguments %s); the SDK sends the last; the spec lists it once, required: %v.",
					op.OperationID, p.Name, len(p.JSArguments), codeList(p.JSArguments), p.Required))
			}
		}
		if op.Body != nil && op.Body.ContentType != "application/json" {
			spec := "undecided"
			if c, ok := d.ContentTypes[op.Body.ContentType]; ok {
				spec = "`" + c.Spec + "` in the spec"
			}
			r.quirks = append(r.quirks, fmt.Sprintf("`%s` sends `Content-Type: %s` (%s).", op.OperationID, op.Body.ContentType, spec))
		}
	}
	r.undecided = undecided(next, d)
	return r
}

// decidesString reports whether the decisions name a string property.
func decidesString(d *Decisions, schema, pn string) bool {
	s := d.Schemas[schema]
	if s == nil {
		return false
	}
	_, ml := s.MaxLength[pn]
	return ml || slices.Contains(s.DateTime, pn) || slices.Contains(s.String, pn)
}

// opChanges lists what changed on the wire between two versions of an
// operation.
func opChanges(old, op *Operation) []string {
	var ch []string
	if old.Method != op.Method || old.Path != op.Path {
		ch = append(ch, fmt.Sprintf("`%s %s` is now `%s %s`", old.Method, old.Path, op.Method, op.Path))
	}
	bp := map[string]*Param{}
	for _, p := range old.Parameters {
		bp[p.Name] = p
	}
	for _, p := range op.Parameters {
		o, ok := bp[p.Name]
		delete(bp, p.Name)
		switch {
		case !ok:
			ch = append(ch, fmt.Sprintf("parameter `%s` added (%s)", p.Name, paramKind(p)))
		case paramKind(o) != paramKind(p):
			ch = append(ch, fmt.Sprintf("parameter `%s`: %s, was %s", p.Name, paramKind(p), paramKind(o)))
		}
	}
	for _, name := range sortedKeys(bp) {
		ch = append(ch, fmt.Sprintf("parameter `%s` removed", name))
	}
	if b, n := bodyKind(old.Body), bodyKind(op.Body); b != n {
		ch = append(ch, fmt.Sprintf("body %s, was %s", n, b))
	}
	if old.Response != op.Response {
		ch = append(ch, fmt.Sprintf("response %s, was %s", orNone(op.Response), orNone(old.Response)))
	}
	return ch
}

func paramKind(p *Param) string {
	s := p.In + " " + p.Type
	if p.Required {
		s += ", required"
	}
	if p.Default != nil {
		s += fmt.Sprintf(", default %v", p.Default)
	}
	return s
}

func bodyKind(b *Body) string {
	if b == nil {
		return "none"
	}
	s := "`" + b.Ref + "`"
	if b.Required {
		s += ", required"
	}
	if b.ContentType != "application/json" {
		s += " as " + b.ContentType
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return "`" + s + "`"
}

// setDiff is what b adds to a and removes from it.
func setDiff(a, b []string) (added, removed []string) {
	for _, v := range b {
		if !slices.Contains(a, v) {
			added = append(added, v)
		}
	}
	for _, v := range a {
		if !slices.Contains(b, v) {
			removed = append(removed, v)
		}
	}
	return added, removed
}

func codeList(items []string) string {
	if len(items) == 0 {
		return "-"
	}
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = "`" + s + "`"
	}
	return strings.Join(q, ", ")
}

// markdown is the report, a CHANGELOG.md subsection.
func (r *driftReport) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("### UltraCart release %s\n\n", r.next.Release)
	p("Against release %s (UltraCart's JavaScript SDK): %d operations added, %d removed, %d changed; %d schemas added, %d removed; %d properties added, %d removed, %d retyped; enum values changed on %d properties; %d descriptions changed.\n",
		r.base.Release, len(r.opsAdded), len(r.opsRemoved), len(r.opsChanged), len(r.schemasAdded), len(r.schemasRemoved),
		len(r.propsAdded), len(r.propsRemoved), len(r.propsRetyped), len(r.enumChanges), len(r.docsChanged))
	p("A method is its operationId in Go spelling (docs/OPERATIONS.md after `make generate`).\n")

	section := func(title string, n int) bool {
		if n == 0 {
			return false
		}
		p("\n#### %s (%d)\n\n", title, n)
		return true
	}
	if section("Operations added", len(r.opsAdded)) {
		p("| operation | HTTP | parameters | body | response |\n| --- | --- | --- | --- | --- |\n")
		for _, op := range r.opsAdded {
			var params []string
			for _, pr := range op.Parameters {
				s := pr.Name
				if !pr.Required {
					s += "?"
				}
				params = append(params, s)
			}
			p("| `%s` | `%s %s` | %s | %s | %s |\n", op.OperationID, op.Method, op.Path, codeList(params), bodyKind(op.Body), orNone(op.Response))
		}
	}
	if section("Operations removed", len(r.opsRemoved)) {
		for _, op := range r.opsRemoved {
			p("- `%s` (`%s %s`)\n", op.OperationID, op.Method, op.Path)
		}
	}
	if section("Operations changed", len(r.opsChanged)) {
		for _, id := range sortedKeys(r.opsChanged) {
			p("- `%s`: %s\n", id, strings.Join(r.opsChanged[id], "; "))
		}
	}
	if section("Schemas added", len(r.schemasAdded)) {
		p("| schema | properties |\n| --- | --: |\n")
		for _, name := range r.schemasAdded {
			p("| `%s` | %d |\n", name, len(r.next.Schemas[name].Properties))
		}
	}
	if section("Schemas removed", len(r.schemasRemoved)) {
		p("%s\n", codeList(r.schemasRemoved))
	}
	props := func(title string, rows [][3]string) {
		if section(title, len(rows)) {
			p("| schema | property | type |\n| --- | --- | --- |\n")
			for _, row := range rows {
				p("| `%s` | `%s` | %s |\n", row[0], row[1], row[2])
			}
		}
	}
	props("Properties added to existing schemas", r.propsAdded)
	props("Properties removed", r.propsRemoved)
	if section("Properties retyped", len(r.propsRetyped)) {
		p("| schema | property | was | now |\n| --- | --- | --- | --- |\n")
		for _, row := range r.propsRetyped {
			p("| `%s` | `%s` | %s | %s |\n", row[0], row[1], row[2], row[3])
		}
	}
	if section("Enum values added or removed", len(r.enumChanges)) {
		p("| property | added | removed |\n| --- | --- | --- |\n")
		for _, row := range r.enumChanges {
			p("| `%s` | %s | %s |\n", row[0], row[1], row[2])
		}
	}
	if section("Enums of added schemas", len(r.newEnums)) {
		p("| property | values |\n| --- | --- |\n")
		for _, row := range r.newEnums {
			p("| `%s` | %s |\n", row[0], row[1])
		}
	}
	if section("Descriptions changed", len(r.docsChanged)) {
		p("%s\n", strings.Join(r.docsChanged, ", "))
	}
	if section("SDK quirks", len(r.quirks)) {
		for _, q := range r.quirks {
			p("- %s\n", q)
		}
	}
	all := slices.Concat(r.undecided, r.unreviewed)
	if section("Undecided", len(all)) {
		p("Decide these in %s, each with why, then `make sync-spec`:\n\n", decisionsFile)
		slices.Sort(all)
		for _, u := range all {
			p("- %s\n", u)
		}
	}
	return b.String()
}
