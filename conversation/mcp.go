package conversation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// McpTool is one tool an MCP server offers, as the Model Context Protocol
// describes a tool in its tools/list result.
//
// What GetAgentProfileMcpTools returns is the tools_json property of
// ConversationMcpServerToolsResponse: a string, which UltraCart documents
// by nothing but its name and type (no description, no schema, no
// example) in any release up to 4.1.86. It is the text of the tools that
// UltraCart read from the agent's MCP server. DecodeMcpTools reads it as
// the MCP specification writes a tool list; that shape comes from the MCP
// specification, not from UltraCart.
type McpTool struct {
	// Name identifies the tool; the model calls it by this name.
	Name string `json:"name"`
	// Title is a display name (MCP 2025-06-18 and later); often empty.
	Title string `json:"title,omitempty"`
	// Description says what the tool does, for the model.
	Description string `json:"description,omitempty"`
	// InputSchema is the JSON Schema of the tool's arguments, as sent.
	InputSchema json.RawMessage `json:"inputSchema,omitempty"`
	// OutputSchema is the JSON Schema of its structured result, if any.
	OutputSchema json.RawMessage `json:"outputSchema,omitempty"`
	// Annotations are hints on the tool's behaviour (read-only,
	// destructive, ...), as sent.
	Annotations json.RawMessage `json:"annotations,omitempty"`
	// Raw is the tool's whole JSON object, with any property not above.
	Raw json.RawMessage `json:"-"`
}

// DecodeMcpTools reads the text GetAgentProfileMcpTools returns as a list
// of MCP tools. It accepts the two forms the MCP specification writes a
// tool list in: a tools/list result, {"tools": [...]} (other properties,
// such as nextCursor, are ignored), or the bare array [...]. Each tool
// must be an object with a non-empty "name".
//
// UltraCart does not document the text (see McpTool): when it is in
// neither form, DecodeMcpTools returns an error saying so, and the text
// is still the caller's to read. An empty or blank text is no tools.
func DecodeMcpTools(toolsJSON string) ([]McpTool, error) {
	data := bytes.TrimSpace([]byte(toolsJSON))
	if len(data) == 0 {
		return nil, nil
	}
	var list []json.RawMessage
	switch data[0] {
	case '{':
		var result struct {
			Tools *[]json.RawMessage `json:"tools"`
		}
		if err := json.Unmarshal(data, &result); err != nil {
			return nil, fmt.Errorf("conversation: DecodeMcpTools: not an MCP tool list: %w", err)
		}
		if result.Tools == nil {
			return nil, errors.New(`conversation: DecodeMcpTools: not an MCP tool list: an object without "tools"`)
		}
		list = *result.Tools
	case '[':
		if err := json.Unmarshal(data, &list); err != nil {
			return nil, fmt.Errorf("conversation: DecodeMcpTools: not an MCP tool list: %w", err)
		}
	default:
		return nil, errors.New("conversation: DecodeMcpTools: not an MCP tool list: neither an object nor an array")
	}
	tools := make([]McpTool, 0, len(list))
	for i, raw := range list {
		var t McpTool
		if err := json.Unmarshal(raw, &t); err != nil {
			return nil, fmt.Errorf("conversation: DecodeMcpTools: tool %d: %w", i, err)
		}
		if t.Name == "" {
			return nil, fmt.Errorf("conversation: DecodeMcpTools: tool %d has no name", i)
		}
		t.Raw = append(json.RawMessage(nil), raw...)
		tools = append(tools, t)
	}
	return tools, nil
}
