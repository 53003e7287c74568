package sizebench_test

import (
	"testing"

	"github.com/ultracart-community/ultracart-go/internal/sizebench"
)

func TestBaseURL(t *testing.T) {
	t.Setenv(sizebench.EnvBaseURL, "")
	if u, err := sizebench.BaseURL([]string{"prog"}); err == nil {
		t.Errorf("no argument, no variable: %q, want an error", u)
	}
	t.Setenv(sizebench.EnvBaseURL, "http://127.0.0.1:1/rest/v2")
	if u, err := sizebench.BaseURL([]string{"prog"}); err != nil || u != "http://127.0.0.1:1/rest/v2" {
		t.Errorf("from the variable: %q, %v", u, err)
	}
	if u, err := sizebench.BaseURL([]string{"prog", "http://127.0.0.1:2/rest/v2"}); err != nil || u != "http://127.0.0.1:2/rest/v2" {
		t.Errorf("the argument wins: %q, %v", u, err)
	}
}
