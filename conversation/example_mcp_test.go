package conversation_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
)

// The tools an AI agent's MCP server offers: GetAgentProfileMcpTools
// returns them as JSON text, which DecodeMcpTools reads.
func ExampleDecodeMcpTools() {
	_, c, done := servedFake(conversationtest.WithDemoData())
	defer done()
	ctx := context.Background()
	const ava = 1003 // the demo data's AI agent, with one MCP server
	servers, err := c.GetAgentProfileMcps(ctx, ava)
	if err != nil {
		log.Fatal(err)
	}
	text, err := c.GetAgentProfileMcpTools(ctx, ava, servers[0].GetMcpServerUUID())
	if err != nil {
		log.Fatal(err)
	}
	tools, err := conversation.DecodeMcpTools(text)
	if err != nil {
		log.Fatal(err) // not the MCP form: text is still there to read
	}
	for _, tool := range tools {
		fmt.Printf("%s: %s\n", tool.Name, tool.Description)
	}
	// Output:
	// lookup_order: Look up an order by its order id.
	// search_items: Search the item catalog by keyword.
}
