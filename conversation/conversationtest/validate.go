package conversationtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
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

// spec is the embedded OpenAPI document with a router for it and what the
// fake needs to know of each operation. It is read only once built, so
// every Server of the process shares one.
type spec struct {
	doc    *openapi3.T
	router routers.Router
	opts   *openapi3filter.Options
	// ops are the operations by operationId, and byLower by its lower-case
	// form, so that fault filters are case-insensitive.
	ops     map[string]*opSpec
	byLower map[string]string
	// release is the document's info.version: the UltraCart release.
	release string
}

// opSpec is what the spec says an operation answers on success: the
// status, and the shape of the body, which the fake fills in generically.
type opSpec struct {
	status int // 200, or 204 for an operation with no success body
	// envelope reports a body with success and metadata.
	envelope bool
	// payload is the one property besides the envelope's (address,
	// conversation), or "" when there are none or several.
	payload       string
	payloadSchema *openapi3.SchemaRef
}

var (
	specOnce   sync.Once
	sharedSpec *spec
	errSpec    error
)

// loadSpec parses the embedded document once per process: parsing and
// validating it costs far more than a test should pay per server.
func loadSpec() (*spec, error) {
	specOnce.Do(func() { sharedSpec, errSpec = buildSpec() })
	return sharedSpec, errSpec
}

func buildSpec() (*spec, error) {
	doc, err := genspec.GetSpec()
	if err != nil {
		return nil, fmt.Errorf("loading the embedded OpenAPI document: %w", err)
	}
	// The document names the production host; the fake serves the same
	// paths under BasePath on whatever host it listens on.
	doc.Servers = openapi3.Servers{{URL: BasePath}}
	if err := loosenWireShapes(doc); err != nil {
		return nil, err
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("routing the embedded OpenAPI document: %w", err)
	}
	sp := &spec{
		doc:    doc,
		router: router,
		opts: &openapi3filter.Options{
			// Authentication is the fake's own job (see authenticate), so
			// that it answers 401 with an ErrorResponse.
			AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
			SkipSettingDefaults: true,
			// date-time values are checked too: the official SDKs parse them.
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.EnableFormatValidation()},
		},
		ops:     make(map[string]*opSpec),
		byLower: make(map[string]string),
		release: doc.Info.Version,
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			sp.ops[op.OperationID] = describe(op)
			sp.byLower[strings.ToLower(op.OperationID)] = op.OperationID
		}
	}
	if err := bindKinds(sp); err != nil {
		return nil, err
	}
	return sp, nil
}

// wireShapes are the properties whose type the official SDKs state as a
// bare object while their own descriptions say what the service sends: a
// percentage (a number) and the heatmap's rows ([agent_index, hour, value]
// arrays). The spec keeps the SDKs' type (it is the reference's fact, and
// the client reads these fields as json.RawMessage, whatever they hold);
// the fake sends what the descriptions say, so that a dashboard tested
// against it sees the values, and checks them as "any JSON value".
var wireShapes = []struct{ schema, property string }{
	{"AgentSummary", "availability_pct"},
	{"ConversationAgentStatusRollup", "availability_pct"},
	{"ConversationAgentStatusSummaryResponse", "avg_available_pct"},
	{"ConversationAgentStatusHeatmapResponse", "data[]"},
}

// loosenWireShapes makes each of wireShapes any JSON value in the fake's
// own copy of the document.
func loosenWireShapes(doc *openapi3.T) error {
	for _, w := range wireShapes {
		sc := doc.Components.Schemas[w.schema]
		prop, items := strings.CutSuffix(w.property, "[]")
		if sc == nil || sc.Value == nil || sc.Value.Properties[prop] == nil {
			return fmt.Errorf("wireShapes: the spec has no %s.%s", w.schema, prop)
		}
		p := sc.Value.Properties[prop]
		if items {
			if p.Value == nil || p.Value.Items == nil {
				return fmt.Errorf("wireShapes: %s.%s is not an array", w.schema, prop)
			}
			p = p.Value.Items
		}
		p.Ref, p.Value = "", &openapi3.Schema{}
	}
	return nil
}

// describe reads an operation's success response.
func describe(op *openapi3.Operation) *opSpec {
	for status := 200; status < 300; status++ {
		r := op.Responses.Status(status)
		if r == nil || r.Value == nil {
			continue
		}
		o := &opSpec{status: status}
		mt := r.Value.Content.Get("application/json")
		if mt == nil || mt.Schema == nil {
			return o
		}
		props := mt.Schema.Value.Properties
		_, o.envelope = props["success"]
		var payload []string
		for name := range props {
			switch name {
			case "success", "metadata", "error", "warning":
			default:
				payload = append(payload, name)
			}
		}
		if len(payload) == 1 {
			o.payload, o.payloadSchema = payload[0], props[payload[0]]
		}
		return o
	}
	return &opSpec{status: http.StatusNoContent}
}

// OperationIDs returns the operationIds of the operations the fake
// serves, sorted, spelled as in the API reference (getConversations,
// getConversationMultimediaUploadUrl, ...): the names Requests counts
// under. Fault.Operation and RequestCount take them in any case, so the
// generated code's spelling (GetConversationMultimediaUploadURL) works too.
func OperationIDs() []string {
	sp, err := loadSpec()
	if err != nil {
		return nil
	}
	ids := make([]string, 0, len(sp.ops))
	for id := range sp.ops {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// canonicalOp returns the document's spelling of an operationId given in
// any case, and whether it exists.
func (sp *spec) canonicalOp(id string) (string, bool) {
	canon, ok := sp.byLower[strings.ToLower(id)]
	return canon, ok
}

// findRoute maps a request to its operation. It routes on the escaped path
// so that an escaped slash inside a path value stays inside that value.
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
	if err := openapi3filter.ValidateRequest(r.Context(), sp.input(r, body, route, pathParams)); err != nil {
		return errors.New(firstLine(err.Error()))
	}
	return nil
}

// validateResponse checks a response the fake is about to send, as a
// strict client would read it: status, enums, lengths and date-times.
func (sp *spec) validateResponse(r *http.Request, route *routers.Route, pathParams map[string]string, status int, header http.Header, body []byte) error {
	opts := *sp.opts
	opts.IncludeResponseStatus = true
	in := sp.input(r, nil, route, pathParams)
	in.Options = &opts
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header, Options: &opts}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return errors.New(firstLine(err.Error()))
	}
	return nil
}

func (sp *spec) input(r *http.Request, body []byte, route *routers.Route, pathParams map[string]string) *openapi3filter.RequestValidationInput {
	req := r.Clone(r.Context())
	req.Body = http.NoBody
	if len(body) > 0 {
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	return &openapi3filter.RequestValidationInput{Request: req, PathParams: pathParams, Route: route, Options: sp.opts}
}

// checkValue validates a seeded value against a component schema, so that
// data a test seeds is data the strictest client can read.
func checkValue(sc *openapi3.Schema, v any) error {
	if err := sc.VisitJSON(v, openapi3.EnableFormatValidation()); err != nil {
		var se *openapi3.SchemaError
		if errors.As(err, &se) {
			path := strings.Join(se.JSONPointer(), ".")
			return fmt.Errorf("%s: %s", strconv.Quote(path), firstLine(se.Reason))
		}
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
