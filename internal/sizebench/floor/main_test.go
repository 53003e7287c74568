package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ultracart-community/ultracart-go/internal/sizebench"
	"github.com/ultracart-community/ultracart-go/internal/sizebench/sizebenchtest"
)

func TestRun(t *testing.T) {
	body, want := sizebenchtest.Payload(t)
	base := sizebenchtest.Serve(t, http.StatusOK, body)
	var out strings.Builder
	if err := run([]string{"prog", base}, &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != want {
		t.Errorf("printed %q, want %q", out.String(), want)
	}
}

func TestRunFails(t *testing.T) {
	base := sizebenchtest.Serve(t, http.StatusBadRequest, []byte(`{"success":false,"error":{"user_message":"bad request"}}`))
	var out strings.Builder
	if err := run([]string{"prog", base}, &out); err == nil || out.Len() > 0 {
		t.Errorf("a 400: error %v, printed %q; want an error and nothing printed", err, out.String())
	}
	t.Setenv(sizebench.EnvBaseURL, "")
	if err := run([]string{"prog"}, &out); err == nil {
		t.Error("no base URL: no error")
	}
}
