package conversationtest

import (
	"bytes"
	_ "embed"
	"encoding/json"
)

// referenceJSON is the service's fixed data: the countries and regions of
// getLocationsForEngagement, the hardware phone manufacturers, and the
// sample tool list every MCP server offers.
//
//go:embed data/reference.json
var referenceJSON []byte

var referenceData = func() map[string]any {
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(referenceJSON))
	d.UseNumber()
	_ = d.Decode(&m) // TestEveryOperation reads every entry back through the spec
	return m
}()

// reference answers with a fixed list of the reference data.
func reference(key string) handler {
	return func(*Server, *request) (any, error) { return referenceData[key], nil }
}
