package conversationtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/ultracart-community/ultracart-go/gen/genspec"
)

// errMethodNotAllowed marks a path that exists with another method.
var errMethodNotAllowed = errors.New("method not allowed")

// spec is the embedded OpenAPI document with a router for it. It is read
// only once built, so every Server of the process shares one.
type spec struct {
	doc    *openapi3.T
	router routers.Router
	opts   *openapi3filter.Options
	// opIDs maps a lower-cased operationId to its spelling in the document,
	// so that fault filters are case-insensitive.
	opIDs map[string]string
}

var (
	specOnce   sync.Once
	sharedSpec *spec
	errSpec    error
)

// loadSpec parses the embedded document once per process: parsing and
// validating it costs far more than a test should pay per server.
func loadSpec() (*spec, error) {
	specOnce.Do(func() {
		doc, err := genspec.GetSpec()
		if err != nil {
			errSpec = fmt.Errorf("loading the embedded OpenAPI document: %w", err)
			return
		}
		// The document names the production host; the fake serves the same
		// paths under BasePath on whatever host it listens on.
		doc.Servers = openapi3.Servers{{URL: BasePath}}
		router, err := legacy.NewRouter(doc)
		if err != nil {
			errSpec = fmt.Errorf("routing the embedded OpenAPI document: %w", err)
			return
		}
		ids := make(map[string]string)
		for _, item := range doc.Paths.Map() {
			for _, op := range item.Operations() {
				// oapi-codegen rewrites operationIds in the embedded copy
				// (getConversations becomes GetConversations): report the
				// documented spelling, which differs only in case.
				lower := strings.ToLower(op.OperationID)
				name, ok := documentedOps[lower]
				if !ok {
					name = op.OperationID
				}
				ids[lower] = name
			}
		}
		sharedSpec = &spec{
			doc:    doc,
			router: router,
			opts: &openapi3filter.Options{
				// Authentication is the fake's own job (see authenticate),
				// so that it answers 401 with an ErrorResponse.
				AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
				SkipSettingDefaults: true,
			},
			opIDs: ids,
		}
	})
	return sharedSpec, errSpec
}

// documentedOps are the operationIds as api/openapi.yaml and the reference
// documentation spell them, by their lower-case form.
var documentedOps = func() map[string]string {
	m := make(map[string]string)
	for _, id := range []string{
		"getAgentKeepAlive", "getAgentWebsocketAuthorization",
		"getConversation", "getConversationCannedMessages", "getConversationContext",
		"getConversationDepartments", "getConversationEngagements", "getConversationMessages",
		"getConversationMultimediaUploadUrl", "getConversationWebchatQueueStatuses", "getConversations",
		"insertConversationCannedMessage", "insertConversationDepartment", "insertConversationEngagement",
		"joinConversation", "leaveConversation", "markReadConversation",
		"searchConversationCannedMessages", "startConversation",
		"updateConversationCannedMessage", "updateConversationDepartment", "updateConversationEngagement",
		"updateConversationWebchatQueueStatus",
	} {
		m[strings.ToLower(id)] = id
	}
	return m
}()

// OperationIDs returns the operationIds of the 23 operations the fake
// serves, sorted, spelled as in the API reference (getConversations,
// getConversationMultimediaUploadUrl, ...): the names Requests counts
// under. Fault.Operation and RequestCount take them in any case, so the
// generated code's spelling (GetConversationMultimediaUploadURL) works too.
func OperationIDs() []string {
	sp, err := loadSpec()
	if err != nil {
		return nil
	}
	ids := make([]string, 0, len(sp.opIDs))
	for _, id := range sp.opIDs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// canonicalOp returns the document's spelling of an operationId given in
// any case, and whether it exists.
func (sp *spec) canonicalOp(id string) (string, bool) {
	canon, ok := sp.opIDs[strings.ToLower(id)]
	return canon, ok
}

// findRoute maps a request to its operation. It routes on the escaped path
// so that an escaped slash inside a path value stays inside that value, as
// it does for the std-http router.
func (sp *spec) findRoute(r *http.Request) (*routers.Route, map[string]string, error) {
	probe := &http.Request{
		Method: r.Method,
		URL:    &url.URL{Path: r.URL.Path, RawPath: r.URL.RawPath},
	}
	route, params, err := sp.router.FindRoute(probe)
	if err != nil {
		var re *routers.RouteError
		if errors.As(err, &re) && re.Reason == routers.ErrMethodNotAllowed.Error() {
			return nil, nil, fmt.Errorf("%w: %s %s", errMethodNotAllowed, r.Method, r.URL.EscapedPath())
		}
		return nil, nil, fmt.Errorf("no such operation: %s %s", r.Method, r.URL.EscapedPath())
	}
	for k, v := range params {
		if u, uerr := url.PathUnescape(v); uerr == nil {
			params[k] = u
		}
	}
	return route, params, nil
}

// validateRequest checks parameters and body against the operation. body
// is the request body already read; r.Body is left for the handler.
func (sp *spec) validateRequest(r *http.Request, body []byte, route *routers.Route, pathParams map[string]string) error {
	req := r.Clone(r.Context())
	req.Body = io.NopCloser(bytes.NewReader(body))
	if len(body) == 0 {
		req.Body = http.NoBody
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: pathParams,
		Route:      route,
		Options:    sp.opts,
	}
	if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
		return errors.New(firstLine(err.Error()))
	}
	return nil
}

// firstLine keeps error texts to one line of bounded length: kin-openapi
// appends schema dumps, and the text also goes into the UC-REST-ERROR
// header.
func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	const max = 400
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "") + "..."
	}
	return strings.TrimSpace(s)
}
