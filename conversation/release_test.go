package conversation_test

import (
	"fmt"
	"testing"

	"github.com/ultracart-community/ultracart-go/conversation"
	"github.com/ultracart-community/ultracart-go/gen/genspec"
)

// TestAPIReleaseIsTheSpecs: the constant says the release the generated
// code was written from.
func TestAPIReleaseIsTheSpecs(t *testing.T) {
	doc, err := genspec.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	if doc.Info.Version != conversation.APIRelease {
		t.Errorf("APIRelease is %q, the spec's info.version %q", conversation.APIRelease, doc.Info.Version)
	}
}

func ExampleAPIRelease() {
	fmt.Println("UltraCart API release", conversation.APIRelease)
	// Output: UltraCart API release 4.1.86
}
