package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestOneLine(t *testing.T) {
	for summary, want := range map[string]string{
		"Get pbx addresses":                     "gets pbx addresses",
		"Search for canned messages":            "searches for canned messages",
		"Retrieve a list of canned messages.":   "retrieves a list of canned messages",
		"reset statistics within the queue":     "resets statistics within the queue",
		"Unsubscribe any SMS participants":      "unsubscribes any SMS participants",
		"Purchase pbx phone number":             "purchases pbx phone number",
		"Mark a conversation as read":           "marks a conversation as read",
		"Push a message":                        "pushes a message",
		"Update an agent MCP server":            "updates an agent MCP server",
		"Leave a conversation":                  "leaves a conversation",
		"Delete a knowledge base document":      "deletes a knowledge base document",
		"Insert a engagement":                   "inserts a engagement",
		"Get agent websocket authorization":     "gets agent websocket authorization",
		"Retrieve a conversation webchat queue": "retrieves a conversation webchat queue",
	} {
		if got := oneLine(&op{Summary: summary}); got != want {
			t.Errorf("%q: %q, want %q", summary, got, want)
		}
	}
	if got := oneLine(&op{Summary: "Agent keep alive", Doc: "keeps the session alive."}); got != "keeps the session alive" {
		t.Errorf("x-go-doc: %q", got)
	}
}

func TestLowerFirst(t *testing.T) {
	for in, want := range map[string]string{"Country": "country", "URL": "url", "SMSEnabled": "smsEnabled", "AreaCode": "areaCode", "X": "x"} {
		if got := lowerFirst(in); got != want {
			t.Errorf("lowerFirst(%q) = %q, want %q", in, got, want)
		}
	}
	if got := lowerCamel("pbx_customer_snapshot_request"); got != "pbxCustomerSnapshotRequest" {
		t.Errorf("lowerCamel: %q", got)
	}
}

// TestReserveLiterals: a path value that another operation of the same
// method has as a literal segment in its place is reserved, and only then.
func TestReserveLiterals(t *testing.T) {
	ops := []*op{
		{ID: "getPhone", HTTPMethod: "GET", Path: "/pbx/hardware_phone/{uuid}", PathArgs: []pathArg{{Wire: "uuid"}}},
		{ID: "getManufacturers", HTTPMethod: "GET", Path: "/pbx/hardware_phone/manufacturers"},
		{ID: "deletePhone", HTTPMethod: "DELETE", Path: "/pbx/hardware_phone/{uuid}", PathArgs: []pathArg{{Wire: "uuid"}}},
		{ID: "usage", HTTPMethod: "GET", Path: "/pbx/audio/{uuid}/usage", PathArgs: []pathArg{{Wire: "uuid"}}},
		{ID: "uploadURL", HTTPMethod: "GET", Path: "/pbx/audio/upload_url/{extension}", PathArgs: []pathArg{{Wire: "extension"}}},
		{ID: "other", HTTPMethod: "GET", Path: "/pbx/audio/x/y/z"},
	}
	reserveLiterals(ops)
	for i, want := range [][]string{{"manufacturers"}, nil, nil, {"upload_url"}, {"usage"}, nil} {
		var got []string
		if len(ops[i].PathArgs) > 0 {
			got = ops[i].PathArgs[0].Reserved
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: reserved %q, want %q", ops[i].ID, got, want)
		}
	}
}

// TestGeneratedIsCurrent runs the generator over the module into a
// temporary tree and compares with what is committed, as `make
// check-generated` does for the whole pipeline.
func TestGeneratedIsCurrent(t *testing.T) {
	root := filepath.Join("..", "..")
	g, err := parseGen(filepath.Join(root, "gen"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range g.types {
		structNames[tt.Name] = tt.Struct
	}
	ops, err := loadOperations(filepath.Join(root, "api", "openapi.yaml"), g)
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) != 140 {
		t.Errorf("%d operations, want 140", len(ops))
	}
	for path, gen := range map[string]func() ([]byte, error){
		"conversation/operations.gen.go": func() ([]byte, error) { return emitOperations(ops) },
		"conversation/models.gen.go":     func() ([]byte, error) { return emitAliases(g) },
		"gen/getters.gen.go":             func() ([]byte, error) { return emitGetters(g) },
	} {
		want, err := gen()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		got, err := os.ReadFile(filepath.Join(root, path))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s is not what the generator writes: run make generate", path)
		}
	}
}
