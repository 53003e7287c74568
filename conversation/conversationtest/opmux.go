package conversationtest

import (
	"context"
	"net/http"
)

// opMux is the router the generated std-http server registers its handlers
// on. Go's ServeMux refuses the API's path set (GET /pbx/audio/{uuid}/usage
// and GET /pbx/audio/upload_url/{extension} match the same paths), so the
// route is the one apiMiddleware already found with the spec's router, and
// opMux only dispatches to the handler registered for it.
type opMux struct {
	handlers map[string]http.HandlerFunc // by "METHOD /rest/v2/path/{template}"
}

func newOpMux() *opMux { return &opMux{handlers: map[string]http.HandlerFunc{}} }

// HandleFunc implements gen.ServeMux.
func (m *opMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.handlers[pattern] = h
}

type routeKey struct{}

// routed is what apiMiddleware found: the route's pattern and path values.
type routed struct {
	pattern string
	params  map[string]string
}

func withRoute(ctx context.Context, rt routed) context.Context {
	return context.WithValue(ctx, routeKey{}, rt)
}

func (m *opMux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt, _ := r.Context().Value(routeKey{}).(routed)
	h := m.handlers[rt.pattern]
	if h == nil {
		writeError(w, http.StatusNotImplemented, "the fake does not serve "+r.Method+" "+r.URL.Path, "", nil)
		return
	}
	for k, v := range rt.params {
		r.SetPathValue(k, v)
	}
	h(w, r)
}
