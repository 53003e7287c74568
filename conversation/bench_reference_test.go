package conversation_test

// The v4 reference's schemas (ultracart-conversation-v4.json, release 4.1.70,
// the copy committed in api/testdata), and a walker that checks a JSON document against them the
// way a strict client does: UltraCart's own SDKs refuse an enum value that is
// not listed and a string longer than its maxLength. The benchmark payloads
// must pass it (TestBenchPayloadsValid); the filler that writes them reads
// the same schemas (-bench.regen).

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

const benchRefFile = "ultracart-conversation-v4.json"

// benchRefProp is a property (or array items) as the reference states it:
// either a $ref to a schema or a type, with its format, enum and maxLength.
type benchRefProp struct {
	Ref       string        `json:"$ref"`
	Type      string        `json:"type"`
	Format    string        `json:"format"`
	Enum      []string      `json:"enum"`
	MaxLength *int          `json:"maxLength"`
	Items     *benchRefProp `json:"items"`
}

// benchRef maps a schema name to its properties by JSON name.
type benchRef map[string]map[string]benchRefProp

var loadBenchRef = sync.OnceValues(func() (benchRef, error) {
	b, err := os.ReadFile(filepath.Join("..", "api", "testdata", benchRefFile))
	if err != nil {
		return nil, err
	}
	var doc struct {
		Schemas map[string]struct {
			Properties map[string]benchRefProp `json:"properties"`
		} `json:"schemas"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", benchRefFile, err)
	}
	ref := benchRef{}
	for name, s := range doc.Schemas {
		ref[name] = s.Properties
	}
	if len(ref) == 0 {
		return nil, fmt.Errorf("%s: no schemas", benchRefFile)
	}
	return ref, nil
})

// benchReference returns the reference's schemas; the file is part of the
// repository, so a clone without it fails here rather than skipping.
func benchReference(tb testing.TB) benchRef {
	tb.Helper()
	ref, err := loadBenchRef()
	if err != nil {
		tb.Fatalf("loading the reference: %v", err)
	}
	return ref
}

// check returns every way doc breaks the rules of schema: a value of the
// wrong type, an enum value not listed, a string longer than its maxLength,
// a date-time that is not RFC 3339, an integer out of its format's range, a
// property the schema does not have. Null counts as a wrong type: the
// reference marks nothing nullable.
func (ref benchRef) check(schema string, doc []byte) []string {
	if _, ok := ref[schema]; !ok {
		return []string{fmt.Sprintf("no schema %q in the reference", schema)}
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	var errs []string
	ref.walk(&errs, "$", v, benchRefProp{Ref: schema})
	return errs
}

func (ref benchRef) walk(errs *[]string, path string, v any, p benchRefProp) {
	fail := func(format string, args ...any) {
		*errs = append(*errs, path+": "+fmt.Sprintf(format, args...))
	}
	if p.Ref != "" {
		props, ok := ref[p.Ref]
		if !ok {
			fail("the reference has no schema %q", p.Ref)
			return
		}
		obj, ok := v.(map[string]any)
		if !ok {
			fail("%s, want an object (%s)", benchJSONKind(v), p.Ref)
			return
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			sub, ok := props[k]
			if !ok {
				*errs = append(*errs, fmt.Sprintf("%s.%s: not a property of %s", path, k, p.Ref))
				continue
			}
			ref.walk(errs, path+"."+k, obj[k], sub)
		}
		return
	}
	switch p.Type {
	case "object": // free-form: any object
		if _, ok := v.(map[string]any); !ok {
			fail("%s, want an object", benchJSONKind(v))
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			fail("%s, want an array", benchJSONKind(v))
			return
		}
		if p.Items == nil {
			fail("the reference gives no items type")
			return
		}
		for i, e := range arr {
			ref.walk(errs, path+"["+strconv.Itoa(i)+"]", e, *p.Items)
		}
	case "string":
		s, ok := v.(string)
		if !ok {
			fail("%s, want a string", benchJSONKind(v))
			return
		}
		if len(p.Enum) > 0 && !slices.Contains(p.Enum, s) {
			fail("%q is not one of the enum values %q", s, p.Enum)
		}
		if p.MaxLength != nil && utf8.RuneCountInString(s) > *p.MaxLength {
			fail("%q is %d characters, maxLength %d", s, utf8.RuneCountInString(s), *p.MaxLength)
		}
		if p.Format == "date-time" {
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				fail("%q is not an RFC 3339 date-time", s)
			}
		}
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			fail("%s, want an integer", benchJSONKind(v))
			return
		}
		i, err := strconv.ParseInt(n.String(), 10, 64)
		if err != nil {
			fail("%s is not a 64-bit integer", n)
			return
		}
		if p.Format == "int32" && (i < math.MinInt32 || i > math.MaxInt32) {
			fail("%d is out of int32 range", i)
		}
	case "number":
		if _, ok := v.(json.Number); !ok {
			fail("%s, want a number", benchJSONKind(v))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			fail("%s, want a boolean", benchJSONKind(v))
		}
	default:
		fail("the reference's type %q is not understood by this check", p.Type)
	}
}

func benchJSONKind(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return fmt.Sprintf("the string %q", v)
	case json.Number:
		return "the number " + v.String()
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", v)
}

// TestBenchRefCheckCatches holds the walker to what it claims: each broken
// document below yields exactly the one complaint expected, and the same
// document without the fault yields none.
func TestBenchRefCheckCatches(t *testing.T) {
	ref := benchReference(t)
	valid := `{"conversations":[{"medium":"sms","message_count":3,"closed":false,"start_dts":"2025-03-14T07:56:53-05:00",` +
		`"participants":[{"conversation_participant_name":"Jane Smith","unread_messages":0}],` +
		`"sentiment":{"sentiment":"POSITIVE","positive":0.93}}],"success":true}`
	if errs := ref.check("ConversationsResponse", []byte(valid)); len(errs) > 0 {
		t.Fatalf("a valid document: %q", errs)
	}
	for _, tc := range []struct {
		name, schema, doc, want string
	}{
		{"empty enum", "ConversationSummary", `{"medium":""}`, `$.medium: "" is not one of the enum values ["sms" "websocket"]`},
		{"unlisted enum", "ConversationSummary", `{"medium":"fax"}`, `$.medium: "fax" is not one of the enum values ["sms" "websocket"]`},
		{"too long", "CartUpsellAfter", `{"upsell_path_code":"MONITOR-4059"}`, `$.upsell_path_code: "MONITOR-4059" is 12 characters, maxLength 5`},
		{"long in characters, not bytes", "CartUpsellAfter", `{"upsell_path_code":"éééééé"}`, `$.upsell_path_code: "éééééé" is 6 characters, maxLength 5`},
		{"unknown property", "ConversationSummary", `{"delete_me":true}`, `$.delete_me: not a property of ConversationSummary`},
		{"string for integer", "ConversationSummary", `{"message_count":"3"}`, `$.message_count: the string "3", want an integer`},
		{"fraction for integer", "ConversationSummary", `{"message_count":3.5}`, `$.message_count: 3.5 is not a 64-bit integer`},
		{"int32 overflow", "ConversationSummary", `{"message_count":2147483648}`, `$.message_count: 2147483648 is out of int32 range`},
		{"null", "ConversationSummary", `{"closed":null}`, `$.closed: null, want a boolean`},
		{"bad date-time", "ConversationSummary", `{"start_dts":"2025-03-14 07:56:53"}`, `$.start_dts: "2025-03-14 07:56:53" is not an RFC 3339 date-time`},
		{"number for string", "ConversationSummary", `{"merchant_id":5}`, `$.merchant_id: the number 5, want a string`},
		{"object for array", "ConversationSummary", `{"participants":{}}`, `$.participants: an object, want an array`},
		{"deep in an array", "ConversationsResponse", `{"conversations":[{},{"participants":[{"bogus":1}]}]}`, `$.conversations[1].participants[0].bogus: not a property of ConversationParticipant`},
		{"array for object", "ConversationSummary", `{"sentiment":[]}`, `$.sentiment: an array, want an object (ConversationSentiment)`},
		{"free-form not an object", "ConversationDepartment", `{"settings":"x"}`, `$.settings: the string "x", want an object`},
		{"not JSON", "ConversationSummary", `{`, `not JSON: `}, // the rest is encoding/json's wording,
		{"unknown schema", "NoSuchSchema", `{}`, `no schema "NoSuchSchema" in the reference`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := ref.check(tc.schema, []byte(tc.doc))
			if len(errs) != 1 || !strings.HasPrefix(errs[0], tc.want) || (tc.want != "not JSON: " && errs[0] != tc.want) {
				t.Errorf("check(%s, %s) = %q, want [%q]", tc.schema, tc.doc, errs, tc.want)
			}
		})
	}
}
