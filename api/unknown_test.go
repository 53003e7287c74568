package api_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// decisionsDoc is what these tests read of api/decisions.yaml, the file
// internal/specsync builds the spec from: the widths, formats and lengths
// the SDK cannot state, and the status table.
type decisionsDoc struct {
	Statuses struct {
		Default []int  `yaml:"default"`
		Why     string `yaml:"why"`
	} `yaml:"statuses"`
	Operations map[string]struct {
		Parameters map[string]struct {
			Schema map[string]any `yaml:"schema"`
			Why    string         `yaml:"why"`
		} `yaml:"parameters"`
	} `yaml:"operations"`
	Schemas map[string]struct {
		Int32     []string       `yaml:"int32"`
		Int64     []string       `yaml:"int64"`
		Integer   []string       `yaml:"integer"`
		Number    []string       `yaml:"number"`
		DateTime  []string       `yaml:"date-time"`
		String    []string       `yaml:"string"`
		MaxLength map[string]int `yaml:"maxLength"`
		Why       string         `yaml:"why"`
	} `yaml:"schemas"`
}

func readDecisions(t *testing.T) *decisionsDoc {
	t.Helper()
	b, err := os.ReadFile("decisions.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var d decisionsDoc
	if err := yaml.Load(b, &d); err != nil {
		t.Fatalf("decisions.yaml: %v", err)
	}
	return &d
}

// TestUnknownFactsDecided: every fact the 4.1.86 reference marks unknown
// (29 numbers of unknown width, 99 strings of unknown format or length, the
// status tables of 12 operations) is decided explicitly in
// api/decisions.yaml, with the reason beside it, and the spec says what was
// decided: a number is an integer or a number, a string plain or a
// date-time.
func TestUnknownFactsDecided(t *testing.T) {
	ref := reference(t)
	d := readDecisions(t)
	numbers, stringFacts := 0, 0
	for _, u := range ref.unknown {
		switch u.typ {
		case "number":
			numbers++
		case "string":
			stringFacts++
		default:
			t.Errorf("%s: unknown fact of type %s", u.where, u.typ)
		}
		name, pn, _ := strings.Cut(u.where, ".")
		if u.kind == "parameter" {
			pd, ok := d.Operations[name].Parameters[pn]
			typ, _ := pd.Schema["type"].(string)
			if !ok || pd.Why == "" || (typ != "integer" && typ != "number") {
				t.Errorf("%s: decisions.yaml decides %+v; want a schema type (integer or number) and why", u.where, pd)
			}
			continue
		}
		sd, ok := d.Schemas[name]
		if !ok || sd.Why == "" {
			t.Errorf("%s: schemas.%s in decisions.yaml has no decision with a why", u.where, name)
			continue
		}
		var decided []string
		for form, list := range map[string][]string{"int32": sd.Int32, "int64": sd.Int64, "integer": sd.Integer, "number": sd.Number, "date-time": sd.DateTime, "string": sd.String} {
			if slices.Contains(list, pn) {
				decided = append(decided, form)
			}
		}
		if len(decided) != 1 {
			t.Errorf("%s: decided %v, want exactly one form", u.where, decided)
			continue
		}
		p := ref.Schemas[name].Properties[pn]
		if p.Items != nil {
			p = *p.Items
		}
		var spec string
		switch {
		case p.Type == "integer" && p.Format != "":
			spec = p.Format
		case p.Type == "integer", p.Type == "number":
			spec = p.Type
		case p.Type == "string" && p.Format == "date-time":
			spec = "date-time"
		case p.Type == "string" && p.Format == "":
			spec = "string"
		}
		if spec != decided[0] {
			t.Errorf("%s: the spec has %s %s, decisions.yaml decides %s", u.where, p.Type, p.Format, decided[0])
		}
		if (u.typ == "number") != (spec != "date-time" && spec != "string") {
			t.Errorf("%s: a %s decided %s", u.where, u.typ, spec)
		}
		ml, decidedLength := sd.MaxLength[pn]
		if decidedLength != (p.MaxLength != nil) || (decidedLength && *p.MaxLength != ml) {
			t.Errorf("%s: maxLength %v in the spec, decisions.yaml %v", u.where, p.MaxLength, sd.MaxLength[pn])
		}
		if decidedLength && !u.maxLength {
			t.Errorf("%s: a length decided where the reference states one", u.where)
		}
	}
	if numbers != 29 || stringFacts != 99 {
		t.Errorf("%d numbers and %d strings marked unknown, the reference's notes say 29 and 99", numbers, stringFacts)
	}

	// Status tables: every documented operation has the same one, which is
	// the decision for the 12 the SDK states none for.
	want := slices.Clone(d.Statuses.Default)
	if d.Statuses.Why == "" {
		t.Error("statuses in decisions.yaml: no why")
	}
	raw, err := loadRefFile(referenceFile)
	if err != nil {
		t.Fatal(err)
	}
	unknown := 0
	for _, op := range raw.Operations {
		if op.DocumentedStatusesUnknown {
			unknown++
			if len(op.DocumentedStatuses) != 0 {
				t.Errorf("%s: statuses unknown, yet %v", op.OperationID, op.DocumentedStatuses)
			}
			continue
		}
		var got []int
		for _, s := range op.DocumentedStatuses {
			got = append(got, s.Status)
		}
		if op.Response == nil {
			got = append([]int{200}, got...) // void: 204 in the spec for the 200
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s documents %v, the decided table is %v", op.OperationID, got, want)
		}
	}
	if unknown != 12 {
		t.Errorf("%d operations without statuses, want the 12 that 4.1.86 adds", unknown)
	}
	t.Logf("%d numbers, %d strings and %d status tables decided in decisions.yaml", numbers, stringFacts, unknown)
}
