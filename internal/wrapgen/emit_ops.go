package main

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// emitOperations writes conversation/operations.gen.go.
func emitOperations(ops []*op) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(header)
	usesTime := false
	for _, o := range ops {
		for _, a := range o.PathArgs {
			usesTime = usesTime || a.Time != ""
		}
		for _, q := range o.Query {
			usesTime = usesTime || q.Time != ""
		}
	}
	timeImport := ""
	if usesTime {
		timeImport = "\t\"time\"\n"
	}
	fmt.Fprintf(&b, `package conversation

import (
	"context"
	"net/http"
%s
	"github.com/ultracart-community/ultracart-go/gen"
)

// The operations, with what the client may do when one fails.
var (
`, timeImport)
	for _, o := range ops {
		fmt.Fprintf(&b, "\top%s = operation{id: %q, idempotent: %t}\n", o.GoName, o.ID, o.Idempotent)
	}
	b.WriteString(")\n")
	for _, o := range ops {
		if err := emitOp(&b, o); err != nil {
			return nil, fmt.Errorf("%s: %w", o.ID, err)
		}
	}
	return gofmt(b.Bytes())
}

func emitOp(b *bytes.Buffer, o *op) error {
	var optional, required []queryParam
	for _, q := range o.Query {
		if q.Required {
			required = append(required, q)
		} else {
			optional = append(optional, q)
		}
	}
	optsType := o.Method + "Options"
	if len(optional) > 0 {
		emitOptions(b, o, optsType, optional)
	}

	ret, zero, err := resultType(o)
	if err != nil {
		return err
	}

	// Doc comment.
	b.WriteString("\n")
	writeDoc(b, fmt.Sprintf("%s %s (%s).", o.Method, oneLine(o), o.ID))
	if d := strings.TrimSpace(o.Description); d != "" && !strings.EqualFold(strings.TrimSuffix(d, "."), strings.TrimSuffix(o.Summary, ".")) {
		b.WriteString("//\n")
		writeDoc(b, "UltraCart: "+sentence(d))
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
	if o.Body != nil && !o.Body.Required {
		notes = append(notes, fmt.Sprintf("%s is optional: nil sends no body.", o.Body.Name))
	}
	if len(notes) > 0 {
		b.WriteString("//\n")
		writeDoc(b, strings.Join(notes, " "))
	}

	// Signature.
	args := []string{"ctx context.Context"}
	for _, a := range o.PathArgs {
		args = append(args, a.Name+" "+pathArgType(a))
	}
	for _, q := range required {
		t, err := requiredQueryType(q)
		if err != nil {
			return err
		}
		args = append(args, lowerFirst(q.Field)+" "+t)
	}
	if o.Body != nil {
		args = append(args, o.Body.Name+" *"+o.Body.Type)
	}
	if len(optional) > 0 {
		args = append(args, "opts *"+optsType)
	}
	args = append(args, "callOpts ...CallOption")
	results := "error"
	if ret != "" {
		results = "(" + ret + ", error)"
	}
	fmt.Fprintf(b, "func (c *Client) %s(%s) %s {\n", o.Method, strings.Join(args, ", "), results)
	fail := "return err"
	if ret != "" {
		fail = "return " + zero + ", err"
	}
	fmt.Fprintf(b, "\tconst op = %q\n", o.ID)
	needErr := len(optional) > 0
	for _, a := range o.PathArgs {
		needErr = needErr || a.GoType != "string"
	}
	if needErr {
		b.WriteString("\tvar err error\n")
	}

	// Arguments, checked before anything is sent.
	builderArgs := []string{"server"}
	for _, a := range o.PathArgs {
		switch {
		case a.GoType == "string":
			reserved := ""
			for _, r := range a.Reserved {
				reserved += fmt.Sprintf(", %q", r)
			}
			fmt.Fprintf(b, "\tif err := checkPathValue(op, %q, %s%s); err != nil {\n\t\t%s\n\t}\n", a.Name, a.Name, reserved, fail)
			builderArgs = append(builderArgs, a.Name)
		case a.GoType == "int32":
			v := a.Name + "Value"
			fmt.Fprintf(b, "\tvar %s int32\n\tif %s, err = checkOid(op, %q, %s); err != nil {\n\t\t%s\n\t}\n", v, v, a.Name, a.Name, fail)
			builderArgs = append(builderArgs, v)
		case a.GoType == "int64" && a.Time == "unix-milli":
			v := a.Name + "Millis"
			fmt.Fprintf(b, "\tvar %s int64\n\tif %s, err = unixMilli(op, %q, %s); err != nil {\n\t\t%s\n\t}\n", v, v, a.Name, a.Name, fail)
			builderArgs = append(builderArgs, v)
		default:
			return fmt.Errorf("path parameter %s of type %s", a.Wire, a.GoType)
		}
	}
	if o.Body != nil && o.Body.Required {
		fmt.Fprintf(b, "\tif err := required(op, %q, %s); err != nil {\n\t\t%s\n\t}\n", o.Body.Name, o.Body.Name, fail)
	}
	if len(o.Query) > 0 {
		fmt.Fprintf(b, "\tparams := &gen.%sParams{}\n", o.GoName)
		for _, q := range required {
			name := lowerFirst(q.Field)
			fmt.Fprintf(b, "\tif err := requiredString(op, %q, %s); err != nil {\n\t\t%s\n\t}\n", name, name, fail)
			fmt.Fprintf(b, "\tparams.%s = %s\n", q.Field, name)
		}
		if len(optional) > 0 {
			b.WriteString("\tif opts != nil {\n")
			for _, q := range optional {
				src := "opts." + q.Field
				switch {
				case q.Time == "rfc3339":
					fmt.Fprintf(b, "\t\tparams.%s = optRFC3339(%s)\n", q.Field, src)
				case q.GenType == "*int32":
					fmt.Fprintf(b, "\t\tif params.%s, err = optInt32(op, %q, %s, %d, %d); err != nil {\n\t\t\t%s\n\t\t}\n",
						q.Field, src, src, q.Min, q.Max, fail)
				case q.GenType == "*bool":
					fmt.Fprintf(b, "\t\tparams.%s = %s\n", q.Field, src)
				case strings.HasPrefix(q.GenType, "*") && !strings.HasPrefix(q.GenType, "*int") && !strings.HasPrefix(q.GenType, "*float"):
					fmt.Fprintf(b, "\t\tparams.%s = optString(%s)\n", q.Field, src)
				default:
					return fmt.Errorf("query parameter %s of type %s", q.Wire, q.GenType)
				}
			}
			b.WriteString("\t}\n")
		}
		builderArgs = append(builderArgs, "params")
	}

	// The request builder, bound to the checked arguments.
	switch {
	case o.Body == nil:
		fmt.Fprintf(b, "\tbuild := func(server string) (*http.Request, error) {\n\t\treturn gen.New%sRequest(%s)\n\t}\n",
			o.GoName, strings.Join(builderArgs, ", "))
	case o.Body.Required:
		// The body is copied now: the caller may reuse its value once the
		// method returns, and a retry must send what the first attempt sent.
		fmt.Fprintf(b, "\tbody := *%s\n", o.Body.Name)
		fmt.Fprintf(b, "\tbuild := func(server string) (*http.Request, error) {\n\t\treturn gen.New%sRequest(%s, body)\n\t}\n",
			o.GoName, strings.Join(builderArgs, ", "))
	default:
		fmt.Fprintf(b, "\tvar body *%s\n\tif %s != nil {\n\t\tcp := *%s\n\t\tbody = &cp\n\t}\n", o.Body.Type, o.Body.Name, o.Body.Name)
		fmt.Fprintf(b, `	build := func(server string) (*http.Request, error) {
		if body == nil {
			r, err := gen.New%sRequestWithBody(%s, "application/json", nil)
			if r != nil {
				r.Header.Del("Content-Type") // no body, so no content type
			}
			return r, err
		}
		return gen.New%sRequest(%s, *body)
	}
`, o.GoName, strings.Join(builderArgs, ", "), o.GoName, strings.Join(builderArgs, ", "))
	}

	// The call and its result.
	opVar := "op" + o.GoName
	if o.Result.Kind == resultVoid {
		fmt.Fprintf(b, "\treturn callVoid(ctx, c, %s, build, callOpts)\n}\n", opVar)
		return nil
	}
	resp := o.Result.Response.Name
	env := "nil"
	if slices.Contains(o.Result.Envelope, "Success") {
		var fields []string
		for _, f := range o.Result.Envelope {
			fields = append(fields, f+": r."+f)
		}
		env = fmt.Sprintf("func(r *%s) envelope { return envelope{%s} }", resp, strings.Join(fields, ", "))
	}
	assign := "r, err :="
	if o.Result.Kind == resultNone {
		assign = "_, err =" // err is declared when an argument conversion needed it
		if !needErr {
			assign = "_, err :="
		}
	}
	fmt.Fprintf(b, "\t%s call[%s](ctx, c, %s, build, %s, callOpts)\n", assign, resp, opVar, env)
	if o.Result.Kind == resultNone {
		b.WriteString("\treturn err\n}\n")
		return nil
	}
	fmt.Fprintf(b, "\tif err != nil {\n\t\t%s\n\t}\n", fail)
	switch o.Result.Kind {
	case resultWhole:
		b.WriteString("\treturn r, nil\n")
	case resultPage:
		meta, warn := "nil", "nil"
		if slices.Contains(o.Result.Envelope, "Metadata") {
			meta = "r.Metadata"
		}
		if slices.Contains(o.Result.Envelope, "Warning") {
			warn = "r.Warning"
		}
		fmt.Fprintf(b, "\treturn newPage(r.%s, %s, %s), nil\n", o.Result.Payload.Name, meta, warn)
	case resultPayload:
		f := o.Result.Payload
		switch {
		case strings.HasPrefix(f.Type, "[]") || f.Type == "json.RawMessage":
			fmt.Fprintf(b, "\treturn r.%s, nil\n", f.Name)
		case isPointerToStruct(f.Type):
			fmt.Fprintf(b, "\treturn orZero(r.%s), nil\n", f.Name)
		default:
			fmt.Fprintf(b, "\treturn deref(r.%s), nil\n", f.Name)
		}
	}
	b.WriteString("}\n")
	return nil
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
	case isPointerToStruct(t):
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

// isPointerToStruct reports whether t is a pointer to a model, not to a basic
// or enum type.
func isPointerToStruct(t string) bool {
	if !strings.HasPrefix(t, "*") {
		return false
	}
	name := t[1:]
	return structNames[name]
}

// structNames tells gen's struct types (models) from its other types; main
// fills it.
var structNames = map[string]bool{}

func pathArgType(a pathArg) string {
	switch {
	case a.Time != "":
		return "time.Time"
	case a.GoType == "int32":
		return "int" // an object id, checked to fit int32
	}
	return a.GoType
}

func requiredQueryType(q queryParam) (string, error) {
	if q.GenType != "string" {
		return "", fmt.Errorf("required query parameter %s of type %s", q.Wire, q.GenType)
	}
	return "string", nil
}

func emitOptions(b *bytes.Buffer, o *op, name string, qs []queryParam) {
	b.WriteString("\n")
	writeDoc(b, fmt.Sprintf("%s are the optional query parameters of %s (%s). The zero value of a field sends nothing.", name, o.Method, o.ID))
	fmt.Fprintf(b, "type %s struct {\n", name)
	for _, q := range qs {
		typ := strings.TrimPrefix(q.GenType, "*")
		var note string
		switch {
		case q.Time == "rfc3339":
			typ, note = "time.Time", "Sent as RFC 3339."
		case q.GenType == "*int32":
			typ = "int"
			note = fmt.Sprintf("From %d to %d.", q.Min, q.Max)
		case q.GenType == "*bool":
			typ, note = "*bool", "Nil sends nothing; see Ptr."
		}
		doc := fmt.Sprintf("%s is the %s query parameter.", q.Field, q.Wire)
		if d := strings.TrimSuffix(q.Desc, "."); d != "" && !strings.EqualFold(d, q.Wire) {
			doc = fmt.Sprintf("%s is the %s query parameter: %s", q.Field, q.Wire, sentence(q.Desc))
		}
		if note != "" {
			doc += " " + note
		}
		var d bytes.Buffer
		writeDoc(&d, doc)
		for _, line := range strings.Split(strings.TrimRight(d.String(), "\n"), "\n") {
			b.WriteString("\t" + line + "\n")
		}
		fmt.Fprintf(b, "\t%s %s\n", q.Field, typ)
	}
	b.WriteString("}\n")
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
