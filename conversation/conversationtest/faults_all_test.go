package conversationtest_test

import (
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/ultracart-community/ultracart-go/conversation/conversationtest"
	"github.com/ultracart-community/ultracart-go/gen/genspec"
)

// route is one operation as a request: the path with every parameter
// filled in with a value of its type.
type route struct{ op, method, path string }

func everyRoute(t *testing.T) []route {
	t.Helper()
	doc, err := genspec.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	var out []route
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			p := path
			for _, prm := range append(item.Parameters, op.Parameters...) {
				if v := prm.Value; v.In == openapi3.ParameterInPath {
					val := "x"
					if v.Schema.Value.Type.Is("integer") {
						val = "1"
					}
					p = strings.ReplaceAll(p, "{"+v.Name+"}", val)
				}
			}
			out = append(out, route{op.OperationID, method, p})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].op < out[j].op })
	return out
}

// Faults work for every operation: a fault for one operation hits the
// next request to it, and only that one; every answer (the fault, then the
// operation's own, success or error) passes the spec.
func TestFaultsOnEveryOperation(t *testing.T) {
	srv, _, v := setup(t, conversationtest.WithDemoData())
	hc := &http.Client{Transport: v}
	do := func(r route) int {
		req, _ := http.NewRequest(r.method, srv.URL+r.path, strings.NewReader("{}"))
		req.Header.Set("x-ultracart-simple-key", srv.Key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", r.op, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	routes := everyRoute(t)
	for i, r := range routes {
		f := conversationtest.RateLimited(time.Second).For(r.op)
		if i%2 == 1 {
			f = conversationtest.HTTPStatus(http.StatusInternalServerError).For(r.op)
		}
		srv.FailNext(1, f)
		if got := do(r); got != f.Status {
			t.Errorf("%s: faulted status %d, want %d", r.op, got, f.Status)
		}
		if got := do(r); got == f.Status || got >= 500 {
			t.Errorf("%s: after the fault %d", r.op, got)
		}
		if n := srv.RequestCount(r.op); n != 2 {
			t.Errorf("%s: counted %d requests", r.op, n)
		}
	}
	if len(routes) != 140 || len(v.operations()) != 140 {
		t.Errorf("%d routes, %d operations validated", len(routes), len(v.operations()))
	}
}
