package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// opCase is one call of the client and the request it must make.
type opCase struct {
	name       string // subtest name
	opID       string // operationId
	method     string
	path       string // escaped, after the base URL's path
	query      url.Values
	reqSchema  string // schema of the JSON body; "" when no body is sent
	respSchema string // schema of the success body; "" for a void operation
	insert     bool   // not idempotent
	call       func(ctx context.Context, t testing.TB, c *Client) (any, error)
	// want is the JSON the method's result must marshal to (nil: no result),
	// and paged whether the result is a *Page, compared by its Items.
	want  func(t testing.TB) []byte
	paged bool
	// args are the arguments after ctx of a case built from the spec, and
	// fn the method; callWith replaces one of them.
	args []opArg
	fn   reflect.Value
}

// opArg is one argument of a spec-built call.
type opArg struct {
	kind string // "path", "query", "body" or "options"
	wire string // the wire name (the body's: x-codegen-request-body-name)
	typ  reflect.Type
	make func(t testing.TB) reflect.Value
}

// callWith calls op's method with argument i replaced by v (i < 0: none).
func (op opCase) callWith(ctx context.Context, t testing.TB, c *Client, i int, v reflect.Value) (any, error) {
	in := []reflect.Value{reflect.ValueOf(c), reflect.ValueOf(&ctx).Elem()}
	for j, a := range op.args {
		if j == i {
			in = append(in, v)
		} else {
			in = append(in, a.make(t))
		}
	}
	var copts []CallOption
	if ctx != nil {
		copts, _ = ctx.Value(callOptsKey{}).([]CallOption)
	}
	in = append(in, reflect.ValueOf(copts))
	return results(op.fn.CallSlice(in))
}

const sinceMillis = int64(1671000000123) // beyond int32 on purpose

// sinceTime is sinceMillis in a zone of its own: the epoch does not depend on it.
var sinceTime = time.UnixMilli(sinceMillis).In(time.FixedZone("x", -5*3600))

// queryTime is the value of a date-time query option, sent as RFC 3339.
var queryTime = time.Date(2026, 4, 3, 9, 58, 41, 0, time.FixedZone("y", 2*3600))

// allOps is one case per operation of the spec, built from the spec alone:
// the method operationMethods names, called with a value for each path
// parameter that needs escaping (or an int32 at its limit), every query
// option set, and a fully populated body; plus a few variants.
func allOps() []opCase {
	doc, err := specDoc()
	if err != nil {
		panic(err)
	}
	var out []opCase
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			out = append(out, specCase(doc, method, path, op))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return append(out, variants()...)
}

// primaryOps is one case per operationId.
func primaryOps() []opCase {
	var out []opCase
	for _, op := range allOps() {
		if !strings.Contains(op.name, "/") {
			out = append(out, op)
		}
	}
	return out
}

var clientType = reflect.TypeFor[*Client]()

func specCase(doc *openapi3.T, method, path string, op *openapi3.Operation) opCase {
	id := op.OperationID
	name, ok := operationMethods[id]
	if !ok {
		panic("no method for " + id)
	}
	m, ok := clientType.MethodByName(name)
	if !ok {
		panic("Client has no method " + name + " for " + id)
	}
	tc := opCase{name: id, opID: id, method: method, query: url.Values{}}
	tc.insert, _ = op.Extensions["x-idempotent"].(bool)
	tc.insert = !tc.insert

	params := map[string]*openapi3.Parameter{}
	for _, p := range op.Parameters {
		params[p.Value.Name] = p.Value
	}
	// Arguments in the method's order: ctx, path values (template order),
	// required query values, the body, the options.
	mt := m.Type
	var args []opArg
	argi := 2 // 0 is the receiver, 1 ctx
	escaped := path
	for _, seg := range strings.Split(path, "/") {
		if !strings.HasPrefix(seg, "{") {
			continue
		}
		wire := strings.Trim(seg, "{}")
		var v reflect.Value
		var wireValue string
		switch at := mt.In(argi); {
		case at == reflect.TypeFor[string]():
			v, wireValue = reflect.ValueOf(weird), weirdEscaped
		case at == reflect.TypeFor[int]():
			v, wireValue = reflect.ValueOf(math.MaxInt32), strconv.Itoa(math.MaxInt32)
		case at == reflect.TypeFor[UserID]():
			v, wireValue = reflect.ValueOf(UserID(math.MaxInt32)), strconv.Itoa(math.MaxInt32)
		case at == reflect.TypeFor[time.Time]():
			v, wireValue = reflect.ValueOf(sinceTime), strconv.FormatInt(sinceMillis, 10)
		default:
			panic(fmt.Sprintf("%s: path argument %s of type %s", id, wire, at))
		}
		args = append(args, opArg{"path", wire, mt.In(argi), func(testing.TB) reflect.Value { return v }})
		escaped = strings.Replace(escaped, seg, wireValue, 1)
		argi++
	}
	tc.path = escaped
	for _, p := range op.Parameters {
		if p.Value.In == "query" && p.Value.Required {
			var v reflect.Value
			var wire string
			switch at := mt.In(argi); at {
			case reflect.TypeFor[string]():
				v, wire = reflect.ValueOf("U S&x=1"), "U S&x=1"
			case reflect.TypeFor[time.Time]():
				v, wire = reflect.ValueOf(queryTime), timeQuery(p.Value, queryTime)
			default:
				panic(fmt.Sprintf("%s: required query argument %s of type %s", id, p.Value.Name, at))
			}
			args = append(args, opArg{"query", p.Value.Name, mt.In(argi), func(testing.TB) reflect.Value { return v }})
			tc.query.Set(p.Value.Name, wire)
			argi++
		}
	}
	if rb := op.RequestBody; rb != nil {
		schema := refName(rb.Value.Content.Get("application/json").Schema)
		tc.reqSchema = schema
		bt := mt.In(argi)
		bodyName, _ := op.Extensions["x-codegen-request-body-name"].(string)
		args = append(args, opArg{"body", bodyName, bt, func(t testing.TB) reflect.Value {
			v := reflect.New(bt.Elem())
			if err := json.Unmarshal(sampleJSON(t, schema), v.Interface()); err != nil {
				t.Fatalf("decode sample %s: %v", schema, err)
			}
			return v
		}})
		argi++
	}
	if argi < mt.NumIn()-1 { // an options struct before the call options
		ot := mt.In(argi)
		opts := reflect.New(ot.Elem())
		setOptions(id, opts.Elem(), params, tc.query)
		args = append(args, opArg{"options", "", ot, func(testing.TB) reflect.Value { return opts }})
		argi++
	}
	if argi != mt.NumIn()-1 || mt.In(argi) != reflect.TypeFor[[]CallOption]() {
		panic(fmt.Sprintf("%s: unexpected signature %s", id, mt))
	}
	tc.args, tc.fn = args, m.Func
	tc.call = func(ctx context.Context, t testing.TB, c *Client) (any, error) {
		return tc.callWith(ctx, t, c, -1, reflect.Value{})
	}

	if r := op.Responses.Value("200"); r != nil {
		tc.respSchema = refName(r.Value.Content.Get("application/json").Schema)
		tc.want, tc.paged = expectedResult(doc, tc.respSchema, params)
	}
	return tc
}

// timeQuery is t as the query value of a time parameter: its day for
// x-go-time date, RFC 3339 otherwise.
func timeQuery(p *openapi3.Parameter, t time.Time) string {
	if p.Extensions["x-go-time"] == "date" {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339)
}

// results turns a method's results into (value, error).
func results(out []reflect.Value) (any, error) {
	err, _ := out[len(out)-1].Interface().(error)
	if len(out) == 1 {
		return nil, err
	}
	return out[0].Interface(), err
}

// setOptions sets every field of an options struct and records the query it
// must send. A field is the query parameter whose wire name, without
// underscores, is its name.
func setOptions(id string, opts reflect.Value, params map[string]*openapi3.Parameter, query url.Values) {
	flag := false
	for i := range opts.NumField() {
		f := opts.Type().Field(i)
		var p *openapi3.Parameter
		for _, cand := range params {
			if cand.In == "query" && strings.EqualFold(strings.ReplaceAll(cand.Name, "_", ""), f.Name) {
				p = cand
			}
		}
		if p == nil {
			panic(fmt.Sprintf("%s: option %s is no query parameter", id, f.Name))
		}
		fv := opts.Field(i)
		switch {
		case f.Type == reflect.TypeFor[time.Time]():
			fv.Set(reflect.ValueOf(queryTime))
			query.Set(p.Name, timeQuery(p, queryTime))
		case f.Type.Kind() == reflect.String:
			v := "v &x=1+é"
			if len(p.Schema.Value.Enum) > 0 || f.Type != reflect.TypeFor[string]() {
				v = "sms"
			}
			fv.SetString(v)
			query.Set(p.Name, v)
		case f.Type.Kind() == reflect.Int:
			n := 7
			if s := p.Schema.Value; s.Max != nil {
				n = int(*s.Max)
			}
			fv.SetInt(int64(n))
			query.Set(p.Name, strconv.Itoa(n))
		case f.Type == reflect.TypeFor[*bool]():
			flag = !flag // true, then false: a false must be sent too
			b := flag
			fv.Set(reflect.ValueOf(&b))
			query.Set(p.Name, strconv.FormatBool(b))
		default:
			panic(fmt.Sprintf("%s: option %s of type %s", id, f.Name, f.Type))
		}
	}
}

// expectedResult is what a method returns for the full sample of its
// response schema, by the package's rule: the one property besides the
// envelope (success, error, metadata, warning); a page of it for a list paged
// by _offset; nothing for an envelope alone; the whole response otherwise.
func expectedResult(doc *openapi3.T, schema string, params map[string]*openapi3.Parameter) (func(t testing.TB) []byte, bool) {
	s := doc.Components.Schemas[schema].Value
	envelope := map[string]bool{"success": true, "error": true, "metadata": true, "warning": true}
	var payload []string
	for p := range s.Properties {
		if !envelope[p] {
			payload = append(payload, p)
		}
	}
	_, paged := params["_offset"]
	switch len(payload) {
	case 0:
		return nil, false
	case 1:
		return func(t testing.TB) []byte {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(sampleJSON(t, schema), &m); err != nil {
				t.Fatal(err)
			}
			return m[payload[0]]
		}, paged
	}
	return func(t testing.TB) []byte { return sampleJSON(t, schema) }, false
}

// variants are calls in other forms than allOps' one per operation.
func variants() []opCase {
	byID := map[string]opCase{}
	doc, _ := specDoc()
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			byID[op.OperationID] = specCase(doc, method, path, op)
		}
	}
	with := func(id, name string, f func(*opCase)) opCase {
		tc := byID[id]
		tc.name = id + "/" + name
		tc.query = url.Values{}
		f(&tc)
		return tc
	}
	return []opCase{
		with("getConversation", "no_options", func(tc *opCase) {
			tc.path = "/conversation/conversations/uuid-1"
			tc.call = func(ctx context.Context, _ testing.TB, c *Client) (any, error) {
				return c.GetConversation(ctx, "uuid-1", nil)
			}
		}),
		with("getConversationMessages", "zero_time", func(tc *opCase) {
			tc.path = "/conversation/conversations/u/messages/0"
			tc.call = func(ctx context.Context, _ testing.TB, c *Client) (any, error) {
				return c.GetConversationMessages(ctx, "u", time.Time{}, &GetConversationMessagesOptions{})
			}
		}),
		with("getConversations", "defaults", func(tc *opCase) {
			tc.call = func(ctx context.Context, _ testing.TB, c *Client) (any, error) { return c.GetConversations(ctx, nil) }
		}),
		with("getConversations", "offset_0", func(tc *opCase) {
			tc.query = url.Values{"_limit": {"1"}}
			tc.call = func(ctx context.Context, _ testing.TB, c *Client) (any, error) {
				return c.GetConversations(ctx, &GetConversationsOptions{Limit: 1, Offset: 0})
			}
		}),
		with("joinConversation", "no_body", func(tc *opCase) {
			tc.path, tc.reqSchema = "/conversation/conversations/u/join", ""
			tc.call = func(ctx context.Context, _ testing.TB, c *Client) (any, error) {
				return nil, c.JoinConversation(ctx, "u", nil)
			}
		}),
		with("searchPbxAvailablePhoneNumbers", "country_only", func(tc *opCase) {
			tc.query = url.Values{"country": {"US"}}
			tc.call = func(ctx context.Context, _ testing.TB, c *Client) (any, error) {
				return c.SearchPbxAvailablePhoneNumbers(ctx, "US", nil)
			}
		}),
	}
}

// succeed answers op's success: its response sample, or an empty 204.
func succeed(t testing.TB, op opCase) handlerFunc {
	return func(w http.ResponseWriter, _ *http.Request, _ int) {
		if op.respSchema == "" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, http.StatusOK, string(sampleJSON(t, op.respSchema)))
	}
}

// TestOperationsCoverSpec: every operation of the spec has a method, and
// each is a case of allOps with its documented method and path.
func TestOperationsCoverSpec(t *testing.T) {
	doc := spec(t)
	n := 0
	for _, item := range doc.Paths.Map() {
		n += len(item.Operations())
	}
	if n != 140 || len(operationMethods) != n {
		t.Errorf("spec has %d operations and %d methods, want 140 each", n, len(operationMethods))
	}
	seen := map[string]bool{}
	for _, op := range primaryOps() {
		seen[op.opID] = true
	}
	if len(seen) != n {
		t.Errorf("%d operations have a case, want %d", len(seen), n)
	}
}

// authMode is one way of authenticating a client, with what the server must
// see.
type authMode struct {
	name    string
	opts    func() ([]Option, *countingTokenSource)
	wantKey string // x-ultracart-simple-key
	wantTok string // Authorization
}

var authModes = []authMode{
	{
		name:    "simple_key",
		opts:    func() ([]Option, *countingTokenSource) { return nil, nil },
		wantKey: testKey,
	},
	{
		name:    "bearer_token",
		opts:    func() ([]Option, *countingTokenSource) { return []Option{WithBearerToken(testToken)}, nil },
		wantTok: "Bearer " + testToken,
	},
	{
		name: "token_source",
		opts: func() ([]Option, *countingTokenSource) {
			ts := &countingTokenSource{ttl: time.Hour}
			return []Option{WithTokenSource(ts)}, ts
		},
		wantTok: "Bearer " + testTokenPrefix + "-1",
	},
}

func TestOperations(t *testing.T) {
	for _, op := range allOps() {
		for _, am := range authModes {
			t.Run(op.name+"/"+am.name, func(t *testing.T) {
				srv, rc := newServer(t, succeed(t, op))
				opts, ts := am.opts()
				c := newClient(t, srv, opts...)
				got, err := op.call(ctxT(t), t, c)
				if err != nil {
					t.Fatalf("call: %v", err)
				}
				if rc.count() != 1 {
					t.Fatalf("server saw %d requests, want 1", rc.count())
				}
				r := rc.last(t)
				checkRequest(t, op, r)
				if k := r.Header.Get("X-Ultracart-Simple-Key"); k != am.wantKey {
					t.Errorf("x-ultracart-simple-key = %q, want %q", k, am.wantKey)
				}
				if a := r.Header.Get("Authorization"); a != am.wantTok {
					t.Errorf("Authorization = %q, want %q", a, am.wantTok)
				}
				if ts != nil && ts.refreshes() != 1 {
					t.Errorf("token source asked %d times, want 1", ts.refreshes())
				}
				checkResult(t, op, got)
			})
		}
	}
}

// checkResult compares what a method returned with the sample the server
// sent, field by field (as JSON).
func checkResult(t testing.TB, op opCase, got any) {
	t.Helper()
	if op.want == nil {
		if got != nil {
			t.Errorf("returned %v, want nothing", got)
		}
		return
	}
	if got == nil || reflect.ValueOf(got).Kind() == reflect.Pointer && reflect.ValueOf(got).IsNil() {
		t.Fatal("nil result")
	}
	if op.paged {
		items := reflect.ValueOf(got).Elem().FieldByName("Items").Interface()
		jsonEqual(t, "page items", marshal(t, items), op.want(t))
		var sample struct {
			Metadata struct {
				ResultSet json.RawMessage `json:"result_set"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(sampleJSON(t, op.respSchema), &sample); err != nil {
			t.Fatal(err)
		}
		rs := reflect.ValueOf(got).Elem().FieldByName("ResultSet").Interface()
		jsonEqual(t, "page result set", marshal(t, rs), sample.Metadata.ResultSet)
		return
	}
	jsonEqual(t, "decoded result", marshal(t, got), op.want(t))
}

// TestResponseInfo: WithResponseInfo gives the status, headers, attempts and
// the envelope's metadata and warning, for every operation.
func TestResponseInfo(t *testing.T) {
	for _, op := range primaryOps() {
		t.Run(op.name, func(t *testing.T) {
			srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("X-Test", "seen")
				succeed(t, op)(w, r, n)
			})
			c := newClient(t, srv)
			var info ResponseInfo
			ctx := context.WithValue(ctxT(t), callOptsKey{}, []CallOption{WithResponseInfo(&info)})
			if _, err := op.call(ctx, t, c); err != nil {
				t.Fatal(err)
			}
			wantStatus := http.StatusOK
			if op.respSchema == "" {
				wantStatus = http.StatusNoContent
			}
			if info.StatusCode != wantStatus || info.Header.Get("X-Test") != "seen" || info.Attempts != 1 {
				t.Errorf("info %+v", info)
			}
			if op.respSchema == "" {
				return
			}
			var env struct {
				Metadata json.RawMessage `json:"metadata"`
				Warning  json.RawMessage `json:"warning"`
				Success  *bool           `json:"success"`
			}
			if err := json.Unmarshal(sampleJSON(t, op.respSchema), &env); err != nil {
				t.Fatal(err)
			}
			if env.Success == nil {
				return // no envelope
			}
			if env.Metadata != nil {
				jsonEqual(t, "metadata", marshal(t, info.Metadata), env.Metadata)
			}
			if env.Warning != nil {
				jsonEqual(t, "warning", marshal(t, info.Warning), env.Warning)
			}
		})
	}
}

// callOptsKey carries call options from TestResponseInfo to the reflective
// calls of allOps, which pass no call options otherwise.
type callOptsKey struct{}

// checkRequest checks method, escaped path, query, the fixed headers and the
// JSON body of a request against op.
func checkRequest(t testing.TB, op opCase, r recReq) {
	t.Helper()
	if r.Method != op.method {
		t.Errorf("method %s, want %s", r.Method, op.method)
	}
	if want := basePath + op.path; r.Path != want {
		t.Errorf("path\n got %s\nwant %s", r.Path, want)
	}
	wantQuery := op.query
	if wantQuery == nil {
		wantQuery = url.Values{}
	}
	if !reflect.DeepEqual(r.Query, wantQuery) {
		t.Errorf("query %v (raw %q), want %v", r.Query, r.RawQuery, wantQuery)
	}
	for h, want := range map[string]string{
		"X-UltraCart-Api-Version": DefaultAPIVersion,
		"Accept":                  "application/json",
		"User-Agent":              defaultUserAgent(),
	} {
		if got := r.Header.Values(h); len(got) != 1 || got[0] != want {
			t.Errorf("header %s = %q, want %q", h, got, want)
		}
	}
	if !strings.HasPrefix(r.Header.Get("User-Agent"), "ultracart-go-conversation/"+Version) {
		t.Errorf("User-Agent %q", r.Header.Get("User-Agent"))
	}
	if op.reqSchema == "" {
		if ct := r.Header.Values("Content-Type"); len(ct) != 0 {
			t.Errorf("Content-Type %q sent without a body", ct)
		}
		if len(r.Body) != 0 {
			t.Errorf("body %q sent, want none", r.Body)
		}
		return
	}
	if ct := r.Header.Values("Content-Type"); !slices.Equal(ct, []string{"application/json"}) {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	jsonEqual(t, "request body", r.Body, sampleJSON(t, op.reqSchema))
}

// TestVoidOperationsAccept2xx: a void operation succeeds on 200 with a body,
// 200 without, 202 and 204.
func TestVoidOperationsAccept2xx(t *testing.T) {
	answers := map[string]func(w http.ResponseWriter){
		"200_body":   func(w http.ResponseWriter) { writeJSON(w, 200, `{"success":true,"metadata":{}}`) },
		"200_text":   func(w http.ResponseWriter) { w.WriteHeader(200); _, _ = w.Write([]byte("OK")) },
		"200_empty":  func(w http.ResponseWriter) { w.WriteHeader(200) },
		"202":        func(w http.ResponseWriter) { w.WriteHeader(202) },
		"204_nobody": func(w http.ResponseWriter) { w.WriteHeader(204) },
		"200_chunked": func(w http.ResponseWriter) {
			w.WriteHeader(200)
			w.(http.Flusher).Flush()
			_, _ = w.Write([]byte("{}"))
		},
	}
	for _, op := range allOps() {
		if op.respSchema != "" {
			continue
		}
		for name, answer := range answers {
			t.Run(op.name+"/"+name, func(t *testing.T) {
				srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { answer(w) })
				c := newClient(t, srv)
				if _, err := op.call(ctxT(t), t, c); err != nil {
					t.Fatalf("err = %v", err)
				}
				if rc.count() != 1 {
					t.Errorf("%d requests", rc.count())
				}
			})
		}
	}
}

// TestGetConversationsResultSet: the page exposes result_set and the
// summaries.
func TestGetConversationsResultSet(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSON(w, 200, `{"conversations":[{"conversation_uuid":"c1"},{"conversation_uuid":"c2"}],
			"metadata":{"result_set":{"count":2,"limit":2,"offset":4,"more":true,"next_offset":6,"total_records":10}},"success":true}`)
	})
	c := newClient(t, srv)
	p, err := c.GetConversations(ctxT(t), &GetConversationsOptions{Limit: 2, Offset: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 2 || *p.Items[1].ConversationUUID != "c2" {
		t.Errorf("conversations %+v", p.Items)
	}
	rs := p.ResultSet
	if *rs.Count != 2 || *rs.Limit != 2 || *rs.Offset != 4 || !*rs.More || *rs.NextOffset != 6 || *rs.TotalRecords != 10 || !p.More() {
		t.Errorf("result set %s", marshal(t, rs))
	}

	srv2, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, 200, `{"success":true}`) })
	p, err = newClient(t, srv2).GetConversations(ctxT(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.More() || p.ResultSet.Count != nil || p.Items != nil {
		t.Errorf("page without metadata: %+v", p)
	}
}

// TestClientOptionsOnTheWire: WithUserAgent and WithAPIVersion change the
// headers; WithHTTPClient's transport is used.
func TestClientOptionsOnTheWire(t *testing.T) {
	srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(204) })
	var viaTransport int
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		viaTransport++
		return http.DefaultTransport.RoundTrip(r)
	})}
	c := newClient(t, srv, WithUserAgent("my-bot/1.0"), WithAPIVersion("2099-01-01"), WithHTTPClient(hc))
	if err := c.GetAgentKeepAlive(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	r := rc.last(t)
	if r.Header.Get("User-Agent") != "my-bot/1.0" || r.Header.Get("X-UltraCart-Api-Version") != "2099-01-01" {
		t.Errorf("headers %v", r.Header)
	}
	if viaTransport != 1 {
		t.Errorf("custom transport used %d times", viaTransport)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestConcurrentUse runs every operation from many goroutines on one client
// (meaningful under -race).
func TestConcurrentUse(t *testing.T) {
	ops := allOps()
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		for _, op := range ops {
			if r.Method == op.method && r.URL.EscapedPath() == basePath+op.path {
				succeed(t, op)(w, r, 0)
				return
			}
		}
		w.WriteHeader(204)
	})
	c := newClient(t, srv, WithTokenSource(&countingTokenSource{ttl: time.Hour}))
	ctx := ctxT(t)
	const rounds = 2
	errs := make(chan error, len(ops)*rounds)
	for range rounds {
		for _, op := range ops {
			go func() {
				_, err := op.call(ctx, t, c)
				errs <- err
			}()
		}
	}
	for range len(ops) * rounds {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestValidation: invalid arguments fail before any request, with an
// *ArgumentError naming the argument: for every operation, each path value
// that could change the endpoint, each object id outside int32, a missing
// body and a missing required query value; then the options' bounds and the
// helpers.
func TestValidation(t *testing.T) {
	type vcase struct {
		name string
		arg  string // the argument's name, compared without case and underscores
		call func(ctx context.Context, c *Client) error
	}
	var cases []vcase
	badPaths := map[string]string{
		"empty": "", "dot": ".", "dotdot": "..", "dots": "...", "nul": "a\x00b", "newline": "a\nb",
		"del": "a\x7f", "c1": "a\u0085b", "tab": "\tx", "invalid_utf8": "a\xffb",
	}
	badOids := map[string]int{"0": 0, "-1": -1, "minint32": math.MinInt32, "maxint32+1": math.MaxInt32 + 1, "maxint64": math.MaxInt64}
	for _, op := range primaryOps() {
		for i, a := range op.args {
			try := func(name string, v reflect.Value) {
				cases = append(cases, vcase{op.name + "/" + a.wire + "/" + name, a.wire, func(ctx context.Context, c *Client) error {
					_, err := op.callWith(ctx, t, c, i, v)
					return err
				}})
			}
			switch {
			case a.kind == "path" && a.typ.Kind() == reflect.String:
				for name, v := range badPaths {
					try(name, reflect.ValueOf(v))
				}
			case a.kind == "path" && a.typ.Kind() == reflect.Int:
				for name, v := range badOids {
					try(name, reflect.ValueOf(v))
				}
			case a.kind == "path" && a.typ == reflect.TypeFor[UserID]():
				for name, v := range map[string]UserID{"0": 0, "-1": -1, "minint32": math.MinInt32} {
					try(name, reflect.ValueOf(v))
				}
			case a.kind == "path" && a.typ == reflect.TypeFor[time.Time]():
				try("before_1970", reflect.ValueOf(time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)))
			case a.kind == "query" && a.typ == reflect.TypeFor[time.Time]():
				try("zero", reflect.ValueOf(time.Time{}))
				try("year_10000", reflect.ValueOf(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)))
			case a.kind == "query":
				try("empty", reflect.ValueOf(""))
			case a.kind == "body" && !strings.HasPrefix(op.name, "joinConversation"):
				try("nil", reflect.Zero(a.typ))
			}
		}
	}
	// Path values another endpoint of the same method answers to.
	cases = append(cases,
		vcase{"getPbxHardwarePhone/manufacturers", "conversationPbxHardwarePhoneUuid", func(ctx context.Context, c *Client) error {
			_, err := c.GetPbxHardwarePhone(ctx, "manufacturers")
			return err
		}},
		vcase{"getPbxAudio/user", "conversationPbxAudioUuid", func(ctx context.Context, c *Client) error {
			_, err := c.GetPbxAudio(ctx, "user")
			return err
		}},
		vcase{"getPbxAudioUsage/upload_url", "conversationPbxAudioUuid", func(ctx context.Context, c *Client) error {
			_, err := c.GetPbxAudioUsage(ctx, "upload_url")
			return err
		}},
		vcase{"getPbxClassOfService/audit_log", "classOfServiceUuid", func(ctx context.Context, c *Client) error {
			_, err := c.GetPbxClassOfService(ctx, "audit_log")
			return err
		}},
		vcase{"getPbxPhoneNumber/search", "conversationPbxPhoneNumberUuid", func(ctx context.Context, c *Client) error {
			_, err := c.GetPbxPhoneNumber(ctx, "search")
			return err
		}},
		vcase{"getPbxAgent/voicemails", "conversationPbxAgentUuid", func(ctx context.Context, c *Client) error {
			_, err := c.GetPbxAgent(ctx, "voicemails")
			return err
		}},
	)
	cases = append(cases,
		vcase{"UploadConversationMultimedia/nil_body", "body", func(ctx context.Context, c *Client) error {
			_, err := c.UploadConversationMultimedia(ctx, "jpg", "", nil)
			return err
		}},
		vcase{"UploadConversationMultimedia/dotdot", "extension", func(ctx context.Context, c *Client) error {
			_, err := c.UploadConversationMultimedia(ctx, "..", "", strings.NewReader("x"))
			return err
		}},
		vcase{"GetConversations/limit_201", "opts.Limit", func(ctx context.Context, c *Client) error {
			_, err := c.GetConversations(ctx, &GetConversationsOptions{Limit: 201})
			return err
		}},
		vcase{"GetConversations/limit_-1", "opts.Limit", func(ctx context.Context, c *Client) error {
			_, err := c.GetConversations(ctx, &GetConversationsOptions{Limit: -1})
			return err
		}},
		vcase{"GetConversations/offset_-1", "opts.Offset", func(ctx context.Context, c *Client) error {
			_, err := c.GetConversations(ctx, &GetConversationsOptions{Offset: -1})
			return err
		}},
		vcase{"GetConversations/offset_too_big", "opts.Offset", func(ctx context.Context, c *Client) error {
			_, err := c.GetConversations(ctx, &GetConversationsOptions{Offset: math.MaxInt32 + 1})
			return err
		}},
		vcase{"SearchPbxCalls/limit_201", "opts.Limit", func(ctx context.Context, c *Client) error {
			_, err := c.SearchPbxCalls(ctx, &ConversationPbxCallSearchRequest{}, &SearchPbxCallsOptions{Limit: 201})
			return err
		}},
		vcase{"SearchPbxAvailablePhoneNumbers/limit_101", "opts.Limit", func(ctx context.Context, c *Client) error {
			_, err := c.SearchPbxAvailablePhoneNumbers(ctx, "US", &SearchPbxAvailablePhoneNumbersOptions{Limit: 101})
			return err
		}},
		vcase{"GetPbxCosAuditLogs/limit_-1", "opts.Limit", func(ctx context.Context, c *Client) error {
			_, err := c.GetPbxCosAuditLogs(ctx, &GetPbxCosAuditLogsOptions{Limit: -1})
			return err
		}},
		vcase{"GetConversation/limit_-1", "opts.Limit", func(ctx context.Context, c *Client) error {
			_, err := c.GetConversation(ctx, "u", &GetConversationOptions{Limit: -1})
			return err
		}},
		vcase{"GetConversation/limit_too_big", "opts.Limit", func(ctx context.Context, c *Client) error {
			_, err := c.GetConversation(ctx, "u", &GetConversationOptions{Limit: math.MaxInt32 + 1})
			return err
		}},
		vcase{"GetConversationMessages/limit_-1", "opts.Limit", func(ctx context.Context, c *Client) error {
			_, err := c.GetConversationMessages(ctx, "u", time.Time{}, &GetConversationMessagesOptions{Limit: -1})
			return err
		}},
		vcase{"GetConversationMessages/before_1970", "since", func(ctx context.Context, c *Client) error {
			_, err := c.GetConversationMessages(ctx, "u", time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), nil)
			return err
		}},
		vcase{"RunAgentKeepAlive/interval_-1", "interval", func(ctx context.Context, c *Client) error {
			return c.RunAgentKeepAlive(ctx, -time.Second, nil)
		}},
		vcase{"GetConversationsIter/limit_201", "opts.Limit", func(ctx context.Context, c *Client) error {
			return firstError(c.GetConversationsIter(ctx, &GetConversationsOptions{Limit: 201}))
		}},
		vcase{"SearchPbxCallsIter/nil_search", "search_request", func(ctx context.Context, c *Client) error {
			return firstError(c.SearchPbxCallsIter(ctx, nil, nil))
		}},
		vcase{"GetConversationsSearchIter/nil_search", "search", func(ctx context.Context, c *Client) error {
			return firstError(c.GetConversationsSearchIter(ctx, nil))
		}},
		vcase{"FollowConversationMessages/empty_uuid", "conversationUUID", func(ctx context.Context, c *Client) error {
			return firstError(c.FollowConversationMessages(ctx, "", nil))
		}},
		vcase{"FollowConversationMessages/dotdot", "conversationUUID", func(ctx context.Context, c *Client) error {
			return firstError(c.FollowConversationMessages(ctx, "..", nil))
		}},
	)
	// A nil context, for every operation.
	var nilCtx context.Context
	for _, op := range allOps() {
		cases = append(cases, vcase{"nil_ctx/" + op.name, "ctx", func(_ context.Context, c *Client) error {
			_, err := op.call(nilCtx, t, c)
			return err
		}})
	}
	cases = append(cases,
		vcase{"nil_ctx/UploadConversationMultimedia", "ctx", func(_ context.Context, c *Client) error {
			_, err := c.UploadConversationMultimedia(nilCtx, "jpg", "", strings.NewReader("x"))
			return err
		}},
		vcase{"nil_ctx/RunAgentKeepAlive", "ctx", func(_ context.Context, c *Client) error {
			return c.RunAgentKeepAlive(nilCtx, time.Millisecond, nil)
		}},
		vcase{"nil_ctx/GetConversationsIter", "ctx", func(_ context.Context, c *Client) error {
			return firstError(c.GetConversationsIter(nilCtx, nil))
		}},
		vcase{"nil_ctx/FollowConversationMessages", "ctx", func(_ context.Context, c *Client) error {
			return firstError(c.FollowConversationMessages(nilCtx, "u", nil))
		}},
	)

	srv, rc := newServer(t, failOnRequest(t))
	c := newClient(t, srv)
	fold := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "")) }
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(ctxT(t), c)
			if !errors.Is(err, ErrInvalidArgument) {
				t.Fatalf("err = %v, want ErrInvalidArgument", err)
			}
			var ae *ArgumentError
			if !errors.As(err, &ae) || fold(ae.Argument) != fold(tc.arg) {
				t.Fatalf("err = %#v, want argument %q", err, tc.arg)
			}
			if !strings.Contains(err.Error(), ae.Argument) {
				t.Errorf("message %q does not name %q", err, ae.Argument)
			}
			if ae.Operation == "" || !strings.Contains(err.Error(), ae.Operation) {
				t.Errorf("message %q does not name the operation", err)
			}
			if errors.Is(err, ErrBadRequest) || errors.Is(err, ErrServer) {
				t.Errorf("argument error matches a status sentinel")
			}
			noSecret(t, err)
		})
	}
	if n := rc.count(); n != 0 {
		t.Errorf("server saw %d requests, want 0", n)
	}
	t.Logf("%d invalid calls refused before sending", len(cases))
}

// firstError runs an iterator to its first error (or its end), bounded.
func firstError[T any](seq func(func(T, error) bool)) error {
	var first error
	n := 0
	seq(func(_ T, err error) bool {
		n++
		if err != nil {
			first = err
			return false
		}
		return n < 1000
	})
	return first
}

// TestAcceptedPathValues: values that look dangerous but are plain segments
// once escaped are sent, escaped.
func TestAcceptedPathValues(t *testing.T) {
	srv, rc := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { w.WriteHeader(204) })
	c := newClient(t, srv)
	for v, want := range map[string]string{
		"../keepalive": "..%2Fkeepalive",
		"a/../b":       "a%2F..%2Fb",
		".x":           ".x",
		"%2e%2e":       "%252e%252e",
		"q?x=1#f":      "q%3Fx=1%23f",
		"日本":           "%E6%97%A5%E6%9C%AC",
	} {
		if err := c.MarkReadConversation(ctxT(t), v); err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		if got, w := rc.last(t).Path, basePath+"/conversation/conversations/"+want+"/markread"; got != w {
			t.Errorf("%q: path %s, want %s", v, got, w)
		}
	}
}

// jsonRoundTrip guards the numbers of the wire: money stays exact.
func TestNumbersRoundTrip(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSON(w, 200, `{"success":true,"conversation_departments":[{"conversation_department_oid":2147483647,"settings":{"rate":1234567.89}}]}`)
	})
	resp, err := newClient(t, srv).GetConversationDepartments(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(resp[0].Settings)
	if string(b) != `{"rate":1234567.89}` {
		t.Errorf("settings %s", b)
	}
}
