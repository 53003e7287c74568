package conversation_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoHeavyDependencies keeps the validator and its libraries out of
// programs that import conversation: only the fake and the tests use the
// embedded spec (package gen/genspec) and oapi-codegen's ClientWithResponses
// (gen/genresp). Redis, likewise, is linked only by
// programs that import conversation/redisbudget.
func TestNoHeavyDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	forbidden := []string{
		"github.com/getkin/kin-openapi",
		"github.com/oapi-codegen/oapi-codegen",
		"gopkg.in/yaml",
		"go.yaml.in/yaml",
		"github.com/santhosh-tekuri/jsonschema",
		"github.com/ultracart-community/ultracart-go/gen/genspec",
		// oapi-codegen's ClientWithResponses: three quarters of gen's build time
		"github.com/ultracart-community/ultracart-go/gen/genresp",
		"golang.org/x/text", // std's vendored copy is vendor/golang.org/x/text
		"go.opentelemetry.io",
		// Only programs that import conversation/redisbudget link Redis.
		"github.com/redis/",
		"github.com/go-redis/",
		"github.com/ultracart-community/ultracart-go/conversation/redisbudget",
	}
	deps := strings.Fields(string(out))
	for _, dep := range deps {
		for _, f := range forbidden {
			if strings.HasPrefix(dep, f) {
				t.Errorf("conversation links %s", dep)
			}
		}
	}
	if len(deps) < 10 {
		t.Fatalf("go list -deps printed %d packages: %q", len(deps), out)
	}
}
