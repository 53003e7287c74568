package main

import (
	"bytes"
	"embed"
	"fmt"
	"slices"
	"strings"
	"text/template"
	"unicode"
)

// The templates of the Go files wrapgen writes about operations; the data
// each one gets is built in Go (methodView), so that the templates say what
// the code looks like and the Go says what it depends on.
//
//go:embed templates/*.tmpl
var templateFiles embed.FS

// execute runs the template file name (in templates/) on data and formats
// the result.
func execute(name string, data any) ([]byte, error) {
	t, err := template.New(name).Funcs(template.FuncMap{"doc": docComment}).ParseFS(templateFiles, "templates/"+name, "templates/common.tmpl")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return nil, err
	}
	return gofmt(b.Bytes())
}

// methodView is an operation with what its templates print, worked out.
type methodView struct {
	*op
	Comment        string // the method's doc comment, // lines
	OptionsComment string
	IterComment    string
	Params         string // the method's parameters, ctx first, callOpts last
	Results        string
	Fail           string // the statement that returns err
	NeedOp         bool   // some check names the operation: const op
	NeedErr        bool   // an argument conversion assigns err: var err error
	RequiredQuery  []queryView
	OptionalQuery  []queryView
	BuilderArgs    string // gen.New<GoName>Request's arguments before the body
	Kind           string // void, none or value
	Response       string // the response model
	Envelope       string // its envelope reader, or nil
	Return         string // the value returned with a nil error
	ForwardArgs    string // the parameters, as arguments: ctx, ..., callOpts...
	PageArgs       string // the method's arguments in its iterator
	IterParams     string // the deprecated iterator's parameters: no callOpts
	IterArgs       string
	ModifyComment  string // the Modify helper's, for an update that has one
	ModifyParams   string
}

type queryView struct {
	queryParam
	Arg     string // the argument of a required parameter
	ArgType string // its type: string, or time.Time (x-go-time)
	Layout  string // the time.Time's layout on the wire: time.RFC3339 or time.DateOnly
	Type    string // the options field's type
	Conv    string // time, int32, bool or string: how the field is sent
	Comment string // the options field's doc comment
}

// timeLayouts are the Go layouts of the x-go-time forms sent as text.
var timeLayouts = map[string]string{"rfc3339": "time.RFC3339", "date": "time.DateOnly"}

type param struct{ name, typ string }

func newMethodView(o *op) (*methodView, error) {
	v := &methodView{op: o}
	ret, zero, err := resultType(o)
	if err != nil {
		return nil, err
	}
	v.Results, v.Fail = "error", "return err"
	if ret != "" {
		v.Results, v.Fail = "("+ret+", error)", "return "+zero+", err"
	}

	params := []param{{"ctx", "context.Context"}}
	builderArgs := []string{"server"}
	for _, a := range o.PathArgs {
		params = append(params, param{a.Name, pathArgType(a)})
		switch {
		case a.GoType == "string" || a.ID != "":
			builderArgs = append(builderArgs, a.Name)
		case a.GoType == "int32":
			v.NeedErr = true
			builderArgs = append(builderArgs, a.Name+"Value")
		case a.GoType == "int64" && a.Time == "unix-milli":
			v.NeedErr = true
			builderArgs = append(builderArgs, a.Name+"Millis")
		default:
			return nil, fmt.Errorf("path parameter %s of type %s", a.Wire, a.GoType)
		}
	}
	v.NeedOp = len(o.PathArgs) > 0 || o.Body != nil && o.Body.Required
	for _, q := range o.Query {
		qv := queryView{queryParam: q}
		if q.Required {
			if q.GenType != "string" {
				return nil, fmt.Errorf("required query parameter %s of type %s", q.Wire, q.GenType)
			}
			qv.Arg, qv.ArgType = lowerFirst(q.Field), "string"
			if q.Time != "" {
				if qv.Layout = timeLayouts[q.Time]; qv.Layout == "" {
					return nil, fmt.Errorf("required query parameter %s: x-go-time %s", q.Wire, q.Time)
				}
				qv.ArgType = "time.Time"
				v.NeedErr = true
			}
			params = append(params, param{qv.Arg, qv.ArgType})
			v.RequiredQuery = append(v.RequiredQuery, qv)
			v.NeedOp = true
			continue
		}
		if err := optionField(&qv); err != nil {
			return nil, err
		}
		v.NeedErr = v.NeedErr || qv.Conv == "int32"
		v.NeedOp = v.NeedOp || qv.Conv == "int32"
		v.OptionalQuery = append(v.OptionalQuery, qv)
	}
	if len(o.Query) > 0 {
		builderArgs = append(builderArgs, "params")
	}
	if o.Body != nil {
		params = append(params, param{o.Body.Name, "*" + o.Body.Type})
	}
	if o.Options != "" {
		params = append(params, param{"opts", "*" + o.Options})
		v.OptionsComment = docComment(fmt.Sprintf("%s are the optional query parameters of %s (%s). The zero value of a field sends nothing.", o.Options, o.Method, o.ID))
	}
	v.BuilderArgs = strings.Join(builderArgs, ", ")

	v.Kind = "value"
	switch o.Result.Kind {
	case resultVoid:
		v.Kind = "void"
	case resultNone:
		v.Kind = "none"
	}
	if o.Result.Response != nil {
		v.Response = o.Result.Response.Name
		v.Envelope = "nil"
		if slices.Contains(o.Result.Envelope, "Success") {
			v.Envelope = "envelopeOf" + v.Response
		}
	}
	v.Return = returnExpr(o)

	var names []string
	for _, p := range params {
		names = append(names, p.name)
	}
	v.IterParams, v.IterArgs = joinParams(params), strings.Join(names, ", ")
	params = append(params, param{"callOpts", "...CallOption"})
	v.Params = joinParams(params)
	v.ForwardArgs = v.IterArgs + ", callOpts..."
	pageArgs := slices.Clone(names)
	pageArgs[len(pageArgs)-1] = "&o" // opts: the iterator's copy
	v.PageArgs = strings.Join(pageArgs, ", ") + ", callOpts..."

	v.Comment = docComment(methodDoc(o)...)
	if o.Modify != nil {
		mp := []param{{"ctx", "context.Context"}}
		for _, a := range o.PathArgs {
			mp = append(mp, param{a.Name, pathArgType(a)})
		}
		mp = append(mp, param{"change", "func(*" + o.Modify.Model + ") error"}, param{"callOpts", "...CallOption"})
		v.ModifyParams = joinParams(mp)
		v.ModifyComment = docComment(modifyDoc(o)...)
	}
	if o.Iter != nil {
		v.IterComment = docComment(iterDoc(o)...)
	}
	return v, nil
}

func joinParams(ps []param) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.name + " " + p.typ
	}
	return strings.Join(s, ", ")
}

// optionField works out how an optional query parameter appears in the
// options struct and is sent.
func optionField(q *queryView) error {
	q.Type = strings.TrimPrefix(q.GenType, "*")
	var note string
	switch {
	case q.Time == "rfc3339":
		q.Type, q.Conv, q.Layout, note = "time.Time", "time", timeLayouts[q.Time], "Sent as RFC 3339."
	case q.Time == "date":
		q.Type, q.Conv, q.Layout, note = "time.Time", "time", timeLayouts[q.Time], "Sent as its day (YYYY-MM-DD) in its own location."
	case q.GenType == "*int32":
		q.Type, q.Conv, note = "int", "int32", fmt.Sprintf("From %d to %d.", q.Min, q.Max)
	case q.GenType == "*bool":
		q.Type, q.Conv, note = "*bool", "bool", "Nil sends nothing; see Ptr."
	case strings.HasPrefix(q.GenType, "*") && !strings.HasPrefix(q.GenType, "*int") && !strings.HasPrefix(q.GenType, "*float"):
		q.Conv = "string"
	default:
		return fmt.Errorf("query parameter %s of type %s", q.Wire, q.GenType)
	}
	doc := fmt.Sprintf("%s is the %s query parameter.", q.Field, q.Wire)
	if d := strings.TrimSuffix(q.Desc, "."); d != "" && !strings.EqualFold(d, q.Wire) {
		doc = fmt.Sprintf("%s is the %s query parameter: %s", q.Field, q.Wire, sentence(q.Desc))
	}
	if note != "" {
		doc += " " + note
	}
	q.Comment = indent(docComment(doc))
	return nil
}

// methodDoc is the paragraphs of a method's doc comment.
func methodDoc(o *op) []string {
	paras := []string{fmt.Sprintf("%s %s (%s).", o.Method, oneLine(o), o.ID)}
	if o.Replaces {
		paras = append(paras, replaceDoc(o))
	}
	if d := strings.TrimSpace(o.Description); d != "" && !strings.EqualFold(strings.TrimSuffix(d, "."), strings.TrimSuffix(o.Summary, ".")) {
		paras = append(paras, "UltraCart: "+sentence(d))
	}
	if o.Note != "" {
		paras = append(paras, sentence(o.Note))
	}
	var notes []string
	if !o.Idempotent {
		notes = append(notes, "It is not retried after a failure that may have reached the service: a repeat could act twice.")
	}
	switch o.Result.Kind {
	case resultPage:
		notes = append(notes, "It returns one page; set the options' Offset for the next, or use an iterator.")
	case resultPayload:
		notes = append(notes, fmt.Sprintf("It returns the response's %s.", o.Result.Payload.JSON))
	}
	for _, a := range o.PathArgs {
		if a.Time == "unix-milli" {
			notes = append(notes, fmt.Sprintf("%s is sent as epoch milliseconds; the zero time sends 0.", a.Name))
		}
	}
	for _, q := range o.Query {
		if q.Required && q.Time == "date" {
			notes = append(notes, fmt.Sprintf("%s is sent as its day (YYYY-MM-DD) in its own location.", lowerFirst(q.Field)))
		}
	}
	if ids := idArgs(o); len(ids) > 0 && (o.HTTPMethod == "GET" || o.HTTPMethod == "DELETE") {
		notes = append(notes, fmt.Sprintf("A missing object (%s naming nothing) is an *APIError matching ErrNotFound (UltraCart's 400 naming the id in error.object_id).", strings.Join(ids, " or ")))
	}
	if o.Body != nil && !o.Body.Required {
		notes = append(notes, fmt.Sprintf("%s is optional: nil sends no body.", o.Body.Name))
	}
	if len(notes) > 0 {
		paras = append(paras, strings.Join(notes, " "))
	}
	return paras
}

// idArgs are the path arguments of o that name objects (not times).
func idArgs(o *op) []string {
	var ids []string
	for _, a := range o.PathArgs {
		if a.Time == "" {
			ids = append(ids, a.Name)
		}
	}
	return ids
}

// replaceDoc is the paragraph an update that replaces its object starts
// with: what a nil field does, and how to change one field safely.
func replaceDoc(o *op) string {
	s := fmt.Sprintf("It replaces the whole %s: a field left nil is cleared on the service (UltraCart's updates are not patches). ", o.Body.Type)
	switch {
	case o.Modify != nil:
		s += fmt.Sprintf("To change some fields and keep the others, use %s, which reads the object, lets a function change it and writes it back in one call; or send the object as %s returns it, changed.", o.Modify.Name, o.Modify.Get.Method)
	case o.ListedBy != nil:
		s += fmt.Sprintf("No operation reads one %s: take it from %s, change it, and send it whole.", o.Body.Type, o.ListedBy.Method)
	default:
		s += "Send the object as the service returned it, changed."
	}
	return s
}

// modifyDoc is the paragraphs of a Modify helper's doc comment.
func modifyDoc(o *op) []string {
	m := o.Modify
	return []string{
		fmt.Sprintf("%s changes a %s and keeps what it does not change: it reads the object (%s), calls change with it, and writes it back whole (%s), in one call: the read-modify-write UltraCart's own samples do by hand, since %s replaces the whole object. It returns the object the service answers the write with.", m.Name, m.Model, m.Get.Method, o.Method, o.Method),
		"change gets a copy the helper decoded and owns; what it leaves is written: set a field to change it, set it to nil to clear it on the service. When change returns an error, nothing is written and that error is returned as it is. When change leaves the object as it was read, nothing is written and the object as read is returned.",
		"What change does not touch is sent as the service sent it, byte for byte, properties this client's release does not know (added by a later UltraCart release) included, which an update built from the model would clear; only inside a list that change resizes are they lost.",
		fmt.Sprintf("UltraCart has no ETag or version on its objects, so a change made elsewhere between the read and the write is lost: the last write wins. The read is retried as any get; the write follows %s's rule (it is retried: an update is idempotent). callOpts apply to both calls; WithResponseInfo reports the write, or the read when nothing is written. A missing object fails the read with an *APIError matching ErrNotFound.", o.Method),
	}
}

// iterDoc is the paragraphs of an iterator's doc comment.
func iterDoc(o *op) []string {
	it := o.Iter
	pages := "pages of MaxPageSize (or opts.Limit)"
	if !it.Limit {
		pages = "pages"
	}
	copied := "opts is"
	if o.Body != nil {
		copied = "opts and " + o.Body.Name + " are"
	}
	return []string{
		fmt.Sprintf("%s iterates over every %s that %s lists (%s), from opts.Offset on, fetching %s as needed.", it.Name, it.Item, o.Method, o.ID, pages),
		fmt.Sprintf("It yields each %s once (by %s): the list is paged by offset, so an item that arrives before the walk's position while it runs shifts later pages, and the walk skips what it already yielded. It may miss an item that moves from a page not yet read to one already read.", it.Item, it.Key),
		"It follows result_set.more and next_offset (or, without next_offset, the count received). It stops after the last page, when the caller breaks, or after yielding an error. A service that stops making progress (a page with more to come that brings no item not yet yielded, or a next offset that does not advance) ends it with a *PagingError matching ErrPagingStalled, so no sequence of answers can make it loop: every request but the last yields an item. " +
			copied + " copied, never modified; callOpts apply to the call of every page.",
	}
}

// returnExpr is the value a method returns with a nil error.
func returnExpr(o *op) string {
	switch o.Result.Kind {
	case resultWhole:
		return "r"
	case resultPage:
		meta, warn := "nil", "nil"
		if slices.Contains(o.Result.Envelope, "Metadata") {
			meta = "r.Metadata"
		}
		if slices.Contains(o.Result.Envelope, "Warning") {
			warn = "r.Warning"
		}
		return fmt.Sprintf("newPage(r.%s, %s, %s)", o.Result.Payload.Name, meta, warn)
	case resultPayload:
		f := o.Result.Payload
		switch {
		case strings.HasPrefix(f.Type, "[]") || f.Type == "json.RawMessage":
			return "r." + f.Name
		case o.Result.PayloadModel:
			return "orZero(r." + f.Name + ")"
		default:
			return "deref(r." + f.Name + ")"
		}
	}
	return ""
}

// resultType is the Go result of a method besides its error, and the
// zero value returned with an error.
func resultType(o *op) (ret, zero string, err error) {
	switch o.Result.Kind {
	case resultVoid, resultNone:
		return "", "", nil
	case resultWhole:
		return "*" + o.Result.Response.Name, "nil", nil
	case resultPage:
		return "*Page[" + strings.TrimPrefix(o.Result.Payload.Type, "[]") + "]", "nil", nil
	}
	t := o.Result.Payload.Type
	switch {
	case strings.HasPrefix(t, "[]") || t == "json.RawMessage":
		return t, "nil", nil
	case o.Result.PayloadModel:
		return t, "nil", nil
	case t == "*string":
		return "string", `""`, nil
	case t == "*bool":
		return "bool", "false", nil
	case t == "*int32" || t == "*int64" || t == "*float64":
		return t[1:], "0", nil
	}
	return "", "", fmt.Errorf("payload %s of type %s", o.Result.Payload.JSON, t)
}

func pathArgType(a pathArg) string {
	switch {
	case a.ID != "":
		return a.ID
	case a.Time != "":
		return "time.Time"
	case a.GoType == "int32":
		return "int" // an object id, checked to fit int32
	}
	return a.GoType
}

// views makes the methodView of every operation.
func views(ops []*op) ([]*methodView, error) {
	vs := make([]*methodView, 0, len(ops))
	for _, o := range ops {
		v, err := newMethodView(o)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", o.ID, err)
		}
		vs = append(vs, v)
	}
	return vs, nil
}

// takesTime reports whether a method of vs has a time.Time parameter: what
// a file of forwards or iterators must import time for.
func takesTime(vs []*methodView) bool {
	return slices.ContainsFunc(vs, func(v *methodView) bool { return strings.Contains(v.Params, "time.Time") })
}

// usesTime reports whether a method of vs takes or sends a time.Time.
func usesTime(vs []*methodView) bool {
	return slices.ContainsFunc(vs, func(v *methodView) bool {
		return strings.Contains(v.Params, "time.Time") || slices.ContainsFunc(v.OptionalQuery, func(q queryView) bool { return q.Type == "time.Time" }) ||
			slices.ContainsFunc(v.RequiredQuery, func(q queryView) bool { return q.Layout != "" })
	})
}

// emitOperations writes conversation/operations.gen.go.
func emitOperations(vs []*methodView) ([]byte, error) {
	return execute("operations.go.tmpl", map[string]any{"Methods": vs, "UsesTime": usesTime(vs)})
}

// emitEnvelopes writes conversation/envelopes.gen.go: the envelope reader of
// every response model a method reads one from.
func emitEnvelopes(vs []*methodView) ([]byte, error) {
	type reader struct {
		Name   string
		Fields []string
	}
	var readers []reader
	for _, v := range vs {
		if v.Envelope != "nil" && v.Envelope != "" && !slices.ContainsFunc(readers, func(r reader) bool { return r.Name == v.Response }) {
			readers = append(readers, reader{v.Response, v.Result.Envelope})
		}
	}
	slices.SortFunc(readers, func(a, b reader) int { return strings.Compare(a.Name, b.Name) })
	return execute("envelopes.go.tmpl", readers)
}

// emitModify writes conversation/modify.gen.go.
func emitModify(vs []*methodView) ([]byte, error) {
	var pairs []*methodView
	for _, v := range vs {
		if v.Modify != nil {
			if v.Envelope == "" || !v.Idempotent || v.Result.Kind != resultPayload {
				return nil, fmt.Errorf("%s: a Modify helper needs an idempotent update returning its object", v.ID)
			}
			pairs = append(pairs, v)
		}
	}
	return execute("modify.go.tmpl", pairs)
}

// emitIterators writes conversation/iterators.gen.go.
func emitIterators(vs []*methodView) ([]byte, error) {
	var paged []*methodView
	for _, v := range vs {
		if v.Iter != nil {
			paged = append(paged, v)
		}
	}
	return execute("iterators.go.tmpl", map[string]any{"Methods": paged, "UsesTime": takesTime(paged)})
}

// emitDeprecated writes conversation/deprecated.gen.go.
func emitDeprecated(vs []*methodView) ([]byte, error) {
	var old []*methodView
	imports := map[string]bool{}
	for _, v := range vs {
		if v.Deprecated.Method == "" && v.Deprecated.Iter == "" {
			continue
		}
		old = append(old, v)
		imports["context"] = true
		imports["iter"] = imports["iter"] || v.Deprecated.Iter != ""
		imports["time"] = imports["time"] || takesTime([]*methodView{v})
	}
	var list []string
	for name, used := range imports {
		if used {
			list = append(list, name)
		}
	}
	slices.Sort(list)
	return execute("deprecated.go.tmpl", map[string]any{"Methods": old, "Imports": list})
}

// oneLine is what the method does, from x-go-doc or the summary turned
// into the third person ("Get pbx addresses" -> "gets pbx addresses").
func oneLine(o *op) string {
	if o.Doc != "" {
		return strings.TrimSuffix(o.Doc, ".")
	}
	s := strings.TrimSuffix(strings.TrimSpace(o.Summary), ".")
	verb, rest, _ := strings.Cut(s, " ")
	v := strings.ToLower(verb)
	switch {
	case strings.HasSuffix(v, "ch") || strings.HasSuffix(v, "sh") || strings.HasSuffix(v, "s"):
		v += "es"
	default:
		v += "s"
	}
	return strings.TrimSpace(v + " " + rest)
}

// sentence ends s with a period.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, ")") && strings.HasSuffix(strings.TrimSuffix(s, ")"), ".") {
		return s
	}
	return s + "."
}

// docComment is paragraphs as // comment lines of at most about 80
// columns, the paragraphs separated by an empty // line.
func docComment(paragraphs ...string) string {
	var b bytes.Buffer
	for i, p := range paragraphs {
		if i > 0 {
			b.WriteString("//\n")
		}
		writeDoc(&b, p)
	}
	return b.String()
}

// indent puts a tab before every line of s.
func indent(s string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "\t" + l
		}
	}
	return strings.Join(lines, "")
}

// writeDoc writes text as // comment lines of at most about 80 columns.
func writeDoc(b *bytes.Buffer, text string) {
	line := "//"
	for _, w := range strings.Fields(text) {
		if len(line)+1+len(w) > 80 && line != "//" {
			b.WriteString(line + "\n")
			line = "//"
		}
		line += " " + w
	}
	b.WriteString(line + "\n")
}

func lowerFirst(s string) string {
	r := []rune(s)
	// an initialism at the start stays whole: URL -> url, SMSEnabled -> smsEnabled
	i := 0
	for i < len(r) && unicode.IsUpper(r[i]) {
		i++
	}
	if i > 1 && i < len(r) {
		i--
	}
	for j := 0; j < i || j == 0; j++ {
		r[j] = unicode.ToLower(r[j])
	}
	return string(r)
}
