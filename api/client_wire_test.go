package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ultracart-community/ultracart-go/gen"
	"github.com/ultracart-community/ultracart-go/gen/genresp"
)

// The wire tests drive every operation of the generated client
// (genresp.ClientWithResponses) against a recording loopback server. The calls
// are built from the reference by reflection over the <GoName>WithResponse
// methods; the values they send are chosen here, with their escaped forms
// written by hand, and a few requests are spelled out in full
// (wireExpectations) so that the reflective test cannot be wrong in the same
// way as the code it tests.

const apiPrefix = "/rest/v2" // the production base URL has a path

// pathStrings are the values of string path parameters, with their escaped
// forms written by hand: an operation's first string path parameter gets the
// first, its second the second.
// a space, a slash, '?', '#', '%' and non-ASCII must never change which
// endpoint is called.
var pathStrings = []struct{ raw, escaped string }{
	{"a b/c?d#e%f ü", "a%20b%2Fc%3Fd%23e%25f%20%C3%BC"},
	{"sales/vip queue", "sales%2Fvip%20queue"},
}

// int32PathValues are the values of the int32 path parameters, by name: the
// limits of the width, zero and a negative number.
var int32PathValues = map[string]int32{
	"user_id":                         2147483647,
	"agent_user_id":                   1001,
	"conversation_canned_message_oid": -2147483648,
	"conversation_department_oid":     0,
	"conversation_engagement_oid":     -42,
}

// sinceValue is beyond 2^53: a float64 on the way would change it.
const sinceValue = int64(9007199254740993)

// Query values by name. Strings not listed get genericQueryString: '+' must
// arrive as '+' (not a space), '&', '=' and '#' must not split the query.
var (
	queryInt32 = map[string]int32{"_limit": 200, "_offset": 0, "limit": 2147483647} // a set zero must still be sent
	queryBool  = map[string]bool{"sms_enabled": true, "voice_enabled": false}       // and a set false
	queryText  = map[string]string{
		"before": "2022-12-13T09:58:41+05:00",
		"since":  "2023-06-30T23:59:59.5+05:30",
		"medium": "sms",
	}
)

func genericQueryString(name string) string { return name + " a+b&c=d#ü*/" }

// wireExpectations are requests written out by hand: the escaped path
// (without apiPrefix) and the decoded query.
var wireExpectations = map[string]struct {
	path  string
	query url.Values
}{
	"getConversationMessages": {"/conversation/conversations/a%20b%2Fc%3Fd%23e%25f%20%C3%BC/messages/9007199254740993",
		url.Values{"limit": {"2147483647"}}},
	"getConversations": {"/conversation/conversations",
		url.Values{"medium": {"sms"}, "before": {"2022-12-13T09:58:41+05:00"}, "_limit": {"200"}, "_offset": {"0"}}},
	"searchPbxCalls": {"/conversation/pbx/call/search",
		url.Values{"_limit": {"200"}, "_offset": {"0"}, "_sort": {"_sort a+b&c=d#ü*/"}}},
	"searchPbxAvailablePhoneNumbers": {"/conversation/pbx/phone_number/search",
		url.Values{"country": {"country a+b&c=d#ü*/"}, "area_code": {"area_code a+b&c=d#ü*/"}, "contains": {"contains a+b&c=d#ü*/"},
			"sms_enabled": {"true"}, "voice_enabled": {"false"}, "type": {"type a+b&c=d#ü*/"}, "limit": {"2147483647"}}},
	"getPbxCosAuditLogs": {"/conversation/pbx/class_of_service/audit_log",
		url.Values{"since": {"2023-06-30T23:59:59.5+05:30"}, "agent_login": {"agent_login a+b&c=d#ü*/"}, "action": {"action a+b&c=d#ü*/"}, "limit": {"2147483647"}}},
	"deleteAgentProfileMcp":           {"/conversation/agent/profiles/2147483647/mcps/a%20b%2Fc%3Fd%23e%25f%20%C3%BC", url.Values{}},
	"deletePbxQueueVoicemail":         {"/conversation/pbx/queues/a%20b%2Fc%3Fd%23e%25f%20%C3%BC/voicemails/sales%2Fvip%20queue", url.Values{}},
	"getPbxAddress":                   {"/conversation/pbx/address/a%20b%2Fc%3Fd%23e%25f%20%C3%BC", url.Values{}},
	"updateConversationCannedMessage": {"/conversation/canned_messages/-2147483648", url.Values{}},
	"updateConversationEngagement":    {"/conversation/engagements/-42", url.Values{}},
	"updateConversationDepartment":    {"/conversation/departments/0", url.Values{}},
	"updateConversationWebchatQueueStatus": {"/conversation/conversations/queues/a%20b%2Fc%3Fd%23e%25f%20%C3%BC/status",
		url.Values{}},
}

// wireOp is a reference operation with the generated method that calls it.
type wireOp struct {
	ref        refOp
	fn         reflect.Method // (*genresp.ClientWithResponses).<GoName>WithResponse
	pathParams []refParam     // in the order of the path template
	query      []refParam
	body       *refParam
	params     reflect.Type // *<GoName>Params, nil without query parameters
	bodyType   reflect.Type // the request body's Go type, nil without one
}

var pathParamRE = regexp.MustCompile(`\{([^}]+)\}`)

var (
	contextType = reflect.TypeFor[context.Context]()
	editorType  = reflect.TypeFor[[]gen.RequestEditorFn]()
	errorType   = reflect.TypeFor[error]()
)

// wireOps matches every reference operation with its generated method, and
// checks the method's signature against the reference: context, the path
// parameters in template order with their Go widths, a *Params struct with
// one field per query parameter (a pointer unless required), the body type.
func wireOps(t *testing.T, ref *refDoc) []wireOp {
	t.Helper()
	clientType := reflect.TypeFor[*genresp.ClientWithResponses]()
	methods := map[string]reflect.Method{} // lower-cased name -> method
	for i := range clientType.NumMethod() {
		m := clientType.Method(i)
		if strings.HasSuffix(m.Name, "WithResponse") && !strings.HasSuffix(m.Name, "WithBodyWithResponse") {
			methods[strings.ToLower(m.Name)] = m
		}
	}
	var ops []wireOp
	used := map[string]bool{}
	for _, r := range ref.Operations {
		goName := strings.ToUpper(r.OperationID[:1]) + r.OperationID[1:] + "WithResponse"
		m, ok := methods[strings.ToLower(goName)]
		if !ok {
			t.Errorf("%s: genresp.ClientWithResponses has no method %s (compared without case)", r.OperationID, goName)
			continue
		}
		used[m.Name] = true
		op := wireOp{ref: r, fn: m}
		byName := map[string]refParam{}
		for i, p := range r.Parameters {
			switch p.In {
			case "path":
				byName[p.Name] = p
			case "query":
				op.query = append(op.query, p)
			case "body":
				op.body = &r.Parameters[i]
			default:
				t.Errorf("%s: parameter %s in %s", r.OperationID, p.Name, p.In)
			}
		}
		for _, sm := range pathParamRE.FindAllStringSubmatch(r.Path, -1) {
			p, ok := byName[sm[1]]
			if !ok {
				t.Errorf("%s: path %s names {%s}, which is not a path parameter", r.OperationID, r.Path, sm[1])
			}
			op.pathParams = append(op.pathParams, p)
		}
		if len(op.pathParams) != len(byName) {
			t.Errorf("%s: %d path parameters, %d in the template %s", r.OperationID, len(byName), len(op.pathParams), r.Path)
		}
		if err := op.checkSignature(); err != nil {
			t.Errorf("%s: %s%v: %v", r.OperationID, m.Name, m.Type, err)
			continue
		}
		ops = append(ops, op)
	}
	for _, name := range sortedKeys(methods) {
		if m := methods[name]; !used[m.Name] {
			t.Errorf("genresp.ClientWithResponses.%s calls no operation of the reference", m.Name)
		}
	}
	return ops
}

func (op *wireOp) checkSignature() error {
	mt := op.fn.Type // In(0) is the receiver
	want := 2 + len(op.pathParams) + 1
	if len(op.query) > 0 {
		want++
	}
	if op.body != nil {
		want++
	}
	if mt.NumIn() != want || !mt.IsVariadic() || mt.In(want-1) != editorType || mt.In(1) != contextType {
		return fmt.Errorf("want (ctx, %d path values, params: %v, body: %v, ...RequestEditorFn)", len(op.pathParams), len(op.query) > 0, op.body != nil)
	}
	if mt.NumOut() != 2 || mt.Out(0).Kind() != reflect.Pointer || mt.Out(0).Elem().Kind() != reflect.Struct || mt.Out(1) != errorType {
		return fmt.Errorf("want (*<Name>Response, error)")
	}
	in := 2
	for _, p := range op.pathParams {
		k, ok := goKind(p.Schema)
		if pk, typed := pathGoKinds[op.ref.OperationID+"."+p.Name]; typed {
			k = pk
		}
		if !ok || mt.In(in).Kind() != k {
			return fmt.Errorf("path parameter %s %v: Go type %v", p.Name, p.Schema, mt.In(in))
		}
		in++
	}
	if len(op.query) > 0 {
		pt := mt.In(in)
		if pt.Kind() != reflect.Pointer || pt.Elem().Kind() != reflect.Struct {
			return fmt.Errorf("query parameters in %v, want a pointer to a struct", pt)
		}
		op.params = pt
		fields := formFields(pt.Elem())
		if len(fields) != len(op.query) || pt.Elem().NumField() != len(op.query) {
			return fmt.Errorf("%v has fields %v, the reference %d query parameters", pt, sortedKeys(fields), len(op.query))
		}
		for _, p := range op.query {
			f, ok := fields[p.Name]
			if !ok {
				return fmt.Errorf("%v has no field for query parameter %s", pt, p.Name)
			}
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if (f.Type.Kind() == reflect.Pointer) == p.Required {
				return fmt.Errorf("query parameter %s (required: %v) is a %v", p.Name, p.Required, f.Type)
			}
			if k, ok := goKind(p.Schema); !ok || ft.Kind() != k {
				return fmt.Errorf("query parameter %s %v: Go type %v", p.Name, p.Schema, f.Type)
			}
		}
		in++
	}
	if op.body != nil {
		newModel := models[op.body.Schema["$ref"].(string)]
		if newModel == nil || mt.In(in) != reflect.TypeOf(newModel()).Elem() {
			return fmt.Errorf("body %v, want the model of %v", mt.In(in), op.body.Schema["$ref"])
		}
		op.bodyType = mt.In(in)
	}
	return nil
}

// pathGoKinds are the path parameters whose Go type is not their schema's:
// the timeline's agent_user_id is a string in the reference and a UserID
// (int32) in Go, as the other user ids; a path value is text either way.
var pathGoKinds = map[string]reflect.Kind{"getAgentStatusTimeline.agent_user_id": reflect.Int32}

// goKind is the kind of the Go value a parameter schema takes.
func goKind(schema map[string]any) (reflect.Kind, bool) {
	switch fmt.Sprint(schema["type"], "/", schema["format"]) {
	case "string/<nil>":
		return reflect.String, true
	case "integer/int32":
		return reflect.Int32, true
	case "integer/int64":
		return reflect.Int64, true
	case "boolean/<nil>":
		return reflect.Bool, true
	}
	return reflect.Invalid, false
}

// formFields maps the query names of a Params struct to its fields.
func formFields(st reflect.Type) map[string]reflect.StructField {
	fields := map[string]reflect.StructField{}
	for i := range st.NumField() {
		name, _, _ := strings.Cut(st.Field(i).Tag.Get("form"), ",")
		fields[name] = st.Field(i)
	}
	return fields
}

// wireRequest is a call with what the server must see.
type wireRequest struct {
	args     []reflect.Value // after the receiver and the context
	path     string          // escaped, without apiPrefix
	query    url.Values
	body     []byte   // the JSON the body was made from, nil for none
	freeForm [][]byte // free-form objects of body
}

// request builds the arguments of op's method. A populated body is the
// exampleGen's; otherwise the body is the zero value.
func (op *wireOp) request(t *testing.T, g *exampleGen, populated bool) wireRequest {
	t.Helper()
	var w wireRequest
	path := op.ref.Path
	strs := 0
	for _, p := range op.pathParams {
		var v reflect.Value
		var escaped string
		switch op.fn.Type.In(2 + len(w.args)).Kind() {
		case reflect.String:
			if strs >= len(pathStrings) {
				t.Fatalf("%s: more string path parameters than pathStrings", op.ref.OperationID)
			}
			v, escaped = reflect.ValueOf(pathStrings[strs].raw), pathStrings[strs].escaped
			strs++
		case reflect.Int32:
			n, ok := int32PathValues[p.Name]
			if !ok {
				t.Fatalf("%s: no value for the int32 path parameter %s: add it to int32PathValues", op.ref.OperationID, p.Name)
			}
			v, escaped = reflect.ValueOf(n), strconv.FormatInt(int64(n), 10)
		case reflect.Int64:
			v, escaped = reflect.ValueOf(sinceValue), strconv.FormatInt(sinceValue, 10)
		}
		w.args = append(w.args, v.Convert(op.fn.Type.In(2+len(w.args))))
		path = strings.Replace(path, "{"+p.Name+"}", escaped, 1)
	}
	w.path = path

	w.query = url.Values{}
	if op.params != nil {
		params := reflect.New(op.params.Elem())
		fields := formFields(op.params.Elem())
		for _, p := range op.query {
			f := params.Elem().FieldByIndex(fields[p.Name].Index)
			if f.Kind() == reflect.Pointer {
				f.Set(reflect.New(f.Type().Elem()))
				f = f.Elem()
			}
			switch f.Kind() {
			case reflect.Int32:
				n, ok := queryInt32[p.Name]
				if !ok {
					t.Fatalf("%s: no value for the int32 query parameter %s: add it to queryInt32", op.ref.OperationID, p.Name)
				}
				f.SetInt(int64(n))
				w.query.Set(p.Name, strconv.Itoa(int(n)))
			case reflect.Bool:
				b, ok := queryBool[p.Name]
				if !ok {
					t.Fatalf("%s: no value for the boolean query parameter %s: add it to queryBool", op.ref.OperationID, p.Name)
				}
				f.SetBool(b)
				w.query.Set(p.Name, strconv.FormatBool(b))
			case reflect.String:
				s, ok := queryText[p.Name]
				if !ok {
					s = genericQueryString(p.Name)
				}
				f.SetString(s)
				w.query.Set(p.Name, s)
			default:
				t.Fatalf("%s: query parameter %s of kind %v", op.ref.OperationID, p.Name, f.Kind())
			}
		}
		w.args = append(w.args, params)
	}

	if op.bodyType != nil {
		body := reflect.New(op.bodyType)
		if populated {
			w.body, w.freeForm = g.exampleRaw(t, op.body.Schema["$ref"].(string))
			if err := json.Unmarshal(w.body, body.Interface()); err != nil {
				t.Fatalf("%s: decode the body example: %v", op.ref.OperationID, err)
			}
		}
		w.args = append(w.args, body.Elem())
	}
	return w
}

// recorded is what the loopback server saw.
type recorded struct {
	method, escapedPath, rawQuery, contentType string
	query                                      url.Values
	body                                       []byte
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

// loopback is a recording server shared by the cases of a test: each request
// names its case in caseHeader, and gets that case's reply.
type loopback struct {
	client *genresp.ClientWithResponses
	mu     sync.Mutex
	reply  map[string]reply
	seen   map[string][]recorded
}

const caseHeader = "X-Wire-Case"

func newLoopback(t *testing.T) *loopback {
	t.Helper()
	l := &loopback{reply: map[string]reply{}, seen: map[string][]recorded{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		id := r.Header.Get(caseHeader)
		l.mu.Lock()
		l.seen[id] = append(l.seen[id], recorded{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Get("Content-Type"), r.URL.Query(), b})
		rep, ok := l.reply[id]
		l.mu.Unlock()
		if !ok {
			http.Error(w, "no reply for case "+id, http.StatusTeapot)
			return
		}
		for k, v := range rep.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rep.status)
		_, _ = w.Write(rep.body)
	}))
	t.Cleanup(srv.Close)
	c, err := genresp.NewClientWithResponses(srv.URL+apiPrefix, gen.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	l.client = c
	return l
}

// call makes the request of case id, answered with rep, and returns the
// typed response and the one request the server saw.
func (l *loopback) call(t *testing.T, id string, op wireOp, w wireRequest, rep reply) (reflect.Value, recorded) {
	t.Helper()
	l.mu.Lock()
	l.reply[id] = rep
	l.mu.Unlock()
	tag := gen.RequestEditorFn(func(_ context.Context, req *http.Request) error {
		req.Header.Set(caseHeader, id)
		return nil
	})
	args := append([]reflect.Value{reflect.ValueOf(l.client), reflect.ValueOf(context.Background())}, w.args...)
	out := op.fn.Func.Call(append(args, reflect.ValueOf(tag)))
	if err, _ := out[1].Interface().(error); err != nil {
		t.Fatalf("%s: %v", op.fn.Name, err)
	}
	l.mu.Lock()
	seen := l.seen[id]
	l.mu.Unlock()
	if len(seen) != 1 {
		t.Fatalf("server saw %d requests, want 1", len(seen))
	}
	return out[0], seen[0]
}

// TestClientWire drives every operation of the generated client against the
// loopback server: method, escaped path, query, JSON body and its
// Content-Type, and the typed decoding of the 200 response.
func TestClientWire(t *testing.T) {
	ref := reference(t)
	ops := wireOps(t, ref)
	l := newLoopback(t)
	driven, values, handWritten := 0, 0, 0
	for _, op := range ops {
		t.Run(op.ref.OperationID, func(t *testing.T) {
			g := &exampleGen{ref: ref}
			w := op.request(t, g, true)
			if hw, ok := wireExpectations[op.ref.OperationID]; ok {
				handWritten++
				if hw.path != w.path || !reflect.DeepEqual(hw.query, w.query) {
					t.Errorf("the case built from the reference (%s %v) is not the one written by hand (%s %v)", w.path, w.query, hw.path, hw.query)
				}
			}
			rep := reply{status: http.StatusNoContent}
			var respFree [][]byte
			if op.ref.Response != nil {
				rep.status = http.StatusOK
				rep.body, respFree = g.exampleRaw(t, *op.ref.Response)
				rep.header = http.Header{"Content-Type": {"application/json; charset=utf-8"}}
			}
			resp, r := l.call(t, op.ref.OperationID, op, w, rep)

			if r.method != op.ref.Method {
				t.Errorf("method %s, want %s", r.method, op.ref.Method)
			}
			if want := apiPrefix + w.path; r.escapedPath != want {
				t.Errorf("escaped path %s, want %s", r.escapedPath, want)
			}
			if !reflect.DeepEqual(r.query, w.query) {
				t.Errorf("query %v (raw %q), want %v", r.query, r.rawQuery, w.query)
			}
			if w.body == nil {
				if len(r.body) != 0 || r.contentType != "" {
					t.Errorf("unexpected body %q (Content-Type %q)", r.body, r.contentType)
				}
			} else {
				if r.contentType != "application/json" {
					t.Errorf("Content-Type %q, want application/json", r.contentType)
				}
				c := &treeCompare{t: t, ref: ref}
				c.object("request", op.body.Schema["$ref"].(string), decodeTree(t, w.body), decodeTree(t, r.body))
				sameFreeForm(t, "request", w.freeForm, r.body)
				values += c.leaves
			}

			if got := resp.Interface().(interface{ StatusCode() int }).StatusCode(); got != rep.status {
				t.Errorf("status %d, want %d", got, rep.status)
			}
			j200 := resp.Elem().FieldByName("JSON200")
			if op.ref.Response == nil {
				if j200.IsValid() {
					t.Errorf("void operation has a JSON200 field")
				}
			} else {
				if !j200.IsValid() || j200.IsNil() {
					t.Fatalf("JSON200 not decoded; body %.200s", rep.body)
				}
				if want := reflect.TypeOf(models[*op.ref.Response]()); j200.Type() != want {
					t.Errorf("JSON200 is %v, want %v", j200.Type(), want)
				}
				out, err := json.Marshal(j200.Interface())
				if err != nil {
					t.Fatal(err)
				}
				c := &treeCompare{t: t, ref: ref}
				c.object("response", *op.ref.Response, decodeTree(t, rep.body), decodeTree(t, out))
				sameFreeForm(t, "response", respFree, out)
				values += c.leaves
			}
			if !t.Failed() {
				driven++
			}
		})
	}
	t.Logf("%d of %d operations driven, %d values compared, %d requests also checked against hand-written expectations",
		driven, len(ref.Operations), values, handWritten)
	if driven != len(ref.Operations) {
		t.Errorf("only %d of %d operations driven", driven, len(ref.Operations))
	}
	if handWritten != len(wireExpectations) {
		t.Errorf("%d of %d hand-written expectations used", handWritten, len(wireExpectations))
	}
}

// TestClientErrorStatuses: each documented error status decodes into its
// typed ErrorResponse field (JSON400 ... JSON500), for every operation.
func TestClientErrorStatuses(t *testing.T) {
	ref := reference(t)
	ops := wireOps(t, ref)
	l := newLoopback(t)
	g := &exampleGen{ref: ref}
	body := g.example(t, ref.ErrorResponse.Schema)
	errType := reflect.TypeOf(models[ref.ErrorResponse.Schema]())
	decoded := 0
	for _, op := range ops {
		var documented []int
		for _, s := range op.ref.DocumentedStatuses {
			if s.Status >= 400 {
				documented = append(documented, s.Status)
			}
		}
		if !slices.Equal(documented, ref.ErrorResponse.StatusCodes) {
			t.Errorf("%s documents error statuses %v, want %v", op.ref.OperationID, documented, ref.ErrorResponse.StatusCodes)
		}
		for _, status := range documented {
			id := fmt.Sprintf("%s/%d", op.ref.OperationID, status)
			t.Run(id, func(t *testing.T) {
				header := http.Header{"Content-Type": {"application/json"}, "Uc-Rest-Error": {"boom"}}
				if status == ref.ErrorResponse.RetryAfterHeaderOn {
					header.Set("Retry-After", "3")
				}
				resp, _ := l.call(t, id, op, op.request(t, nil, false), reply{status, header, body})
				f := resp.Elem().FieldByName(fmt.Sprintf("JSON%d", status))
				if !f.IsValid() || f.IsNil() {
					t.Fatalf("JSON%d not decoded", status)
				}
				if f.Type() != errType {
					t.Errorf("JSON%d is %v, want %v", status, f.Type(), errType)
				}
				out, err := json.Marshal(f.Interface())
				if err != nil {
					t.Fatal(err)
				}
				c := &treeCompare{t: t, ref: ref}
				c.object("error", ref.ErrorResponse.Schema, decodeTree(t, body), decodeTree(t, out))
				hr := resp.Elem().FieldByName("HTTPResponse").Interface().(*http.Response)
				if hr.Header.Get("UC-REST-ERROR") != "boom" {
					t.Errorf("UC-REST-ERROR header lost")
				}
				if status == ref.ErrorResponse.RetryAfterHeaderOn && hr.Header.Get("Retry-After") != "3" {
					t.Errorf("Retry-After lost")
				}
				if !t.Failed() {
					decoded++
				}
			})
		}
	}
	want := len(ref.Operations) * len(ref.ErrorResponse.StatusCodes)
	t.Logf("%d of %d error responses decoded (%d operations)", decoded, want, len(ops))
	if decoded != want {
		t.Errorf("only %d of %d error responses decoded", decoded, want)
	}
}
