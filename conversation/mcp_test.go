package conversation

import (
	"strings"
	"testing"
)

// TestDecodeMcpTools: both forms of an MCP tool list decode, keeping each
// tool whole; anything else is an error that says so.
func TestDecodeMcpTools(t *testing.T) {
	const lookup = `{"name":"lookup_order","title":"Order lookup","description":"Look up an order.",` +
		`"inputSchema":{"type":"object","properties":{"order_id":{"type":"string"}}},"annotations":{"readOnlyHint":true},"x-vendor":1}`
	for _, tc := range []struct {
		name, text string
		names      []string
		err        string
	}{
		{"tools/list result", `{"tools":[` + lookup + `,{"name":"search_items"}],"nextCursor":"c2"}`, []string{"lookup_order", "search_items"}, ""},
		{"bare array", " [" + lookup + "]\n", []string{"lookup_order"}, ""},
		{"no tools", `{"tools":[]}`, nil, ""},
		{"empty text", "", nil, ""},
		{"blank text", " \n\t", nil, ""},
		{"object without tools", `{"error":"unreachable"}`, nil, `without "tools"`},
		{"tools not a list", `{"tools":{"name":"x"}}`, nil, "not an MCP tool list"},
		{"malformed", `{"tools":[`, nil, "not an MCP tool list"},
		{"a string", `"lookup_order"`, nil, "neither an object nor an array"},
		{"a tool without a name", `[{"description":"nameless"}]`, nil, "tool 0 has no name"},
		{"a null tool", `[{"name":"a"},null]`, nil, "tool 1 has no name"},
		{"a tool that is not an object", `[{"name":"a"},"b"]`, nil, "tool 1:"},
		{"a name that is not a string", `[{"name":7}]`, nil, "tool 0:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tools, err := DecodeMcpTools(tc.text)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.HasPrefix(err.Error(), "conversation: DecodeMcpTools: ") {
					t.Fatalf("err = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, tool := range tools {
				names = append(names, tool.Name)
			}
			if strings.Join(names, ",") != strings.Join(tc.names, ",") {
				t.Errorf("names %q, want %q", names, tc.names)
			}
		})
	}
	tools, err := DecodeMcpTools(`{"tools":[` + lookup + `]}`)
	if err != nil {
		t.Fatal(err)
	}
	got := tools[0]
	if got.Title != "Order lookup" || got.Description != "Look up an order." ||
		string(got.InputSchema) != `{"type":"object","properties":{"order_id":{"type":"string"}}}` ||
		string(got.Annotations) != `{"readOnlyHint":true}` || got.OutputSchema != nil || string(got.Raw) != lookup {
		t.Errorf("tool %+v (raw %s)", got, got.Raw)
	}
}
