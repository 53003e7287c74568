package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The JavaScript SDK is written by openapi-generator (javascript, ES6
// classes, callbacks) in a regular layout that these expressions read line
// by line. Anything outside that layout is an error naming the file and
// line, never a guess.
var (
	reVersion    = regexp.MustCompile(`^\* @version (\S+)$`)
	reImport     = regexp.MustCompile(`^import (\w+) from '\.\./com\.ultracart\.admin\.v2\.models/(\w+)';$`)
	reMethod     = regexp.MustCompile(`^    (\w+)\(([\w, ]*)\) \{$`)
	reParamDoc   = regexp.MustCompile(`^@param \{([^}]*)\} (\S+)(?: (.*))?$`)
	reRequired   = regexp.MustCompile(`^// verify the required parameter '(\w+)' is set$`)
	rePostBody   = regexp.MustCompile(`^let postBody = (\w+|opts\['\w+'\]);$`)
	reListOpen   = regexp.MustCompile(`^let (\w+) = \{$`)
	reEntry      = regexp.MustCompile(`^'([^']+)': (.+?),?$`)
	reOptsArg    = regexp.MustCompile(`^opts\['(\w+)'\]$`)
	reArg        = regexp.MustCompile(`^\w+$`)
	reArray      = regexp.MustCompile(`^let (authNames|contentTypes|accepts) = \[(.*)\];$`)
	reReturnType = regexp.MustCompile(`^let returnType = (\w+);$`)
	rePathMethod = regexp.MustCompile(`^'([^']+)', '([A-Z]+)',$`)
	reDefault    = regexp.MustCompile(`^(.*?) ?\(default to (.*)\)$`)
	reModuleType = regexp.MustCompile(`^module:com\.ultracart\.admin\.v2\.models/(\w+)$`)
	reQuoted     = regexp.MustCompile(`'([^']*)'`)
)

// apiFileFacts is what ConversationApi.js states.
type apiFileFacts struct {
	Release    string
	Imports    []string
	Operations []*Operation
}

// jsLine is one line of a source file, trimmed, with its number.
type jsLine struct {
	n    int
	text string
}

func splitLines(src []byte) []jsLine {
	var lines []jsLine
	for i, l := range strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n") {
		lines = append(lines, jsLine{i + 1, l})
	}
	return lines
}

// parseAPI reads ConversationApi.js.
func parseAPI(file string, src []byte) (*apiFileFacts, error) {
	lines := splitLines(src)
	out := &apiFileFacts{}
	var doc docBlock
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		t := strings.TrimSpace(l.text)
		if doc.take(t) {
			if m := reVersion.FindStringSubmatch(t); m != nil && out.Release == "" {
				out.Release = m[1]
			}
			continue
		}
		if m := reImport.FindStringSubmatch(l.text); m != nil {
			if m[1] != m[2] {
				return nil, fmt.Errorf("%s:%d: import %s from %s: names differ", file, l.n, m[1], m[2])
			}
			out.Imports = append(out.Imports, m[1])
			continue
		}
		m := reMethod.FindStringSubmatch(l.text)
		if m == nil || m[1] == "constructor" {
			continue
		}
		end := i + 1
		for end < len(lines) && lines[end].text != "    }" {
			end++
		}
		if end == len(lines) {
			return nil, fmt.Errorf("%s:%d: method %s never ends", file, l.n, m[1])
		}
		op, err := parseMethod(m[1], splitArgs(m[2]), doc.lines, lines[i+1:end])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %w", file, l.n, m[1], err)
		}
		out.Operations = append(out.Operations, op)
		doc.lines, i = nil, end
	}
	if out.Release == "" {
		return nil, fmt.Errorf("%s: no @version", file)
	}
	if len(out.Operations) == 0 {
		return nil, fmt.Errorf("%s: no operations", file)
	}
	slices.SortFunc(out.Operations, func(a, b *Operation) int { return strings.Compare(a.OperationID, b.OperationID) })
	return out, nil
}

// docBlock is the last JSDoc block read (/** ... */), its lines without
// their leading " * ".
type docBlock struct {
	open  bool
	lines []string
}

// take reads line t (trimmed) when it opens, continues or closes a block,
// and reports whether it did.
func (d *docBlock) take(t string) bool {
	switch {
	case d.open:
		if t == "*/" {
			d.open = false
		} else {
			d.lines = append(d.lines, docText(t))
		}
		return true
	case t == "/**":
		d.open, d.lines = true, nil
		return true
	}
	return false
}

// docText is a JSDoc line without its leading "*" and one space.
func docText(t string) string {
	t = strings.TrimPrefix(t, "*")
	t = strings.TrimPrefix(t, " ")
	return strings.TrimRight(t, " \t")
}

func splitArgs(s string) []string {
	var args []string
	for _, a := range strings.Split(s, ",") {
		if a = strings.TrimSpace(a); a != "" {
			args = append(args, a)
		}
	}
	return args
}

// jsArg is an argument of an operation method as its JSDoc states it.
type jsArg struct {
	name     string // "x" for a positional argument, "x" also for opts.x
	optional bool   // opts.x
	jsType   string
	desc     string
	required bool // checked by the method
}

// wireEntry is one entry of pathParams or queryParams.
type wireEntry struct {
	in, key string
	arg     string
	opts    bool
	n       int
}

func parseMethod(name string, sig []string, doc []string, body []jsLine) (*Operation, error) {
	op := &Operation{OperationID: name}
	// The JSDoc: summary, notes, then @param lines.
	var text []string
	var args []*jsArg
	for _, d := range doc {
		if strings.HasPrefix(d, "@") {
			m := reParamDoc.FindStringSubmatch(d)
			if m == nil {
				continue // @callback links and "data is of type" lines
			}
			a := &jsArg{name: m[2], jsType: m[1], desc: strings.TrimSpace(m[3])}
			if rest, ok := strings.CutPrefix(a.name, "opts."); ok {
				a.name, a.optional = rest, true
			} else if a.name == "opts" || a.name == "callback" {
				continue
			}
			args = append(args, a)
			continue
		}
		if len(args) == 0 && !strings.HasPrefix(d, "data is of type") && d != "" {
			text = append(text, d)
		}
	}
	switch len(text) {
	case 0:
		return nil, fmt.Errorf("no summary")
	case 1:
		op.Summary = text[0]
	default:
		op.Summary, op.Description = text[0], strings.Join(text[1:], "\n")
	}
	if last := sig[len(sig)-1]; last != "callback" {
		return nil, fmt.Errorf("last argument %q, want callback", last)
	}

	var entries []wireEntry
	postBody, postBodyOpts := "", false
	list := ""
	for _, l := range body {
		t := strings.TrimSpace(l.text)
		if list != "" {
			if t == "};" {
				list = ""
				continue
			}
			m := reEntry.FindStringSubmatch(t)
			if m == nil {
				return nil, fmt.Errorf("line %d: %s entry %q not understood", l.n, list, t)
			}
			e := wireEntry{key: m[1], n: l.n}
			switch list {
			case "pathParams":
				e.in = "path"
			case "queryParams":
				e.in = "query"
			default:
				return nil, fmt.Errorf("line %d: %s %s: only path and query parameters are supported", l.n, list, m[1])
			}
			if om := reOptsArg.FindStringSubmatch(m[2]); om != nil {
				e.arg, e.opts = om[1], true
			} else if reArg.MatchString(m[2]) {
				e.arg = m[2]
			} else {
				return nil, fmt.Errorf("line %d: %s %s = %s: only plain arguments are supported (no collection formats)", l.n, list, m[1], m[2])
			}
			entries = append(entries, e)
			continue
		}
		if m := reRequired.FindStringSubmatch(t); m != nil {
			a := findArg(args, m[1], false)
			if a == nil {
				return nil, fmt.Errorf("line %d: required argument %s not documented", l.n, m[1])
			}
			a.required = true
			continue
		}
		if m := rePostBody.FindStringSubmatch(t); m != nil {
			if om := reOptsArg.FindStringSubmatch(m[1]); om != nil {
				postBody, postBodyOpts = om[1], true
			} else if m[1] != "null" {
				postBody = m[1]
			}
			continue
		}
		if m := reListOpen.FindStringSubmatch(t); m != nil {
			list = m[1]
			continue
		}
		if m := reArray.FindStringSubmatch(t); m != nil {
			var vals []string
			for _, q := range reQuoted.FindAllStringSubmatch(m[2], -1) {
				vals = append(vals, q[1])
			}
			switch m[1] {
			case "authNames":
				if !slices.Equal(vals, []string{"ultraCartOauth", "ultraCartSimpleApiKey"}) {
					return nil, fmt.Errorf("line %d: authNames %v: only the two UltraCart schemes are supported", l.n, vals)
				}
			case "contentTypes":
				if len(vals) > 1 {
					return nil, fmt.Errorf("line %d: several content types %v", l.n, vals)
				}
				if len(vals) == 1 {
					op.Body = &Body{ContentType: vals[0]}
				}
			case "accepts":
				op.Accepts = vals
			}
			continue
		}
		if m := reReturnType.FindStringSubmatch(t); m != nil {
			if m[1] != "null" {
				op.Response = m[1]
			}
			continue
		}
		if m := rePathMethod.FindStringSubmatch(t); m != nil {
			op.Path, op.Method = m[1], m[2]
		}
	}
	if op.Path == "" {
		return nil, fmt.Errorf("no callApi path and method")
	}

	// The body.
	if postBody != "" {
		a := findArg(args, postBody, postBodyOpts)
		if a == nil {
			return nil, fmt.Errorf("body %s not documented", argID(postBody, postBodyOpts))
		}
		tm := reModuleType.FindStringSubmatch(a.jsType)
		if tm == nil {
			return nil, fmt.Errorf("body %s of type %s: only a model is supported", postBody, a.jsType)
		}
		if op.Body == nil {
			return nil, fmt.Errorf("body %s without a content type", postBody)
		}
		op.Body.Name, op.Body.Required, op.Body.Description, op.Body.Ref = a.name, a.required, a.desc, tm[1]
	} else if op.Body != nil {
		return nil, fmt.Errorf("content type %s without a body", op.Body.ContentType)
	}

	// Path and query parameters, in JSDoc order, each wire key once: the
	// SDK sends the last declaration of a key (a JS object literal).
	byKey := map[string][]wireEntry{}
	argKey := map[string]string{}
	for _, e := range entries {
		if prev := byKey[e.key]; len(prev) > 0 && prev[0].in != e.in {
			return nil, fmt.Errorf("line %d: %s is both a %s and a %s parameter", e.n, e.key, prev[0].in, e.in)
		}
		byKey[e.key] = append(byKey[e.key], e)
		argKey[argID(e.arg, e.opts)] = e.key
	}
	done := map[string]bool{}
	for _, a := range args {
		if a.name == postBody && a.optional == postBodyOpts {
			continue
		}
		key, ok := argKey[argID(a.name, a.optional)]
		if !ok {
			return nil, fmt.Errorf("argument %s is documented but never sent", argID(a.name, a.optional))
		}
		if done[key] {
			continue
		}
		done[key] = true
		decls := byKey[key]
		p := &Param{Name: key, In: decls[0].in}
		for _, e := range decls {
			da := findArg(args, e.arg, e.opts)
			if da == nil {
				return nil, fmt.Errorf("%s parameter %s: argument %s not documented", e.in, key, argID(e.arg, e.opts))
			}
			if da.optional && da.required {
				return nil, fmt.Errorf("optional argument %s is checked as required", argID(e.arg, e.opts))
			}
			typ, err := jsParamType(da.jsType)
			if err != nil {
				return nil, fmt.Errorf("%s parameter %s: %w", e.in, key, err)
			}
			desc, def, err := splitDefault(da.desc, typ)
			if err != nil {
				return nil, fmt.Errorf("%s parameter %s: %w", e.in, key, err)
			}
			p.Required = p.Required || da.required
			p.Type = typ // the last declaration is the one sent
			if desc != "" {
				p.Description = desc
			}
			if def != nil {
				p.Default = def
			}
			if len(decls) > 1 {
				p.JSArguments = append(p.JSArguments, argID(e.arg, e.opts))
			}
		}
		if p.In == "path" && !p.Required {
			return nil, fmt.Errorf("path parameter %s is optional", key)
		}
		op.Parameters = append(op.Parameters, p)
	}
	for key := range byKey {
		if !done[key] {
			return nil, fmt.Errorf("parameter %s is sent but no argument documents it", key)
		}
	}
	op.Summary = htmlEscape(op.Summary)
	op.Description = htmlEscape(op.Description)
	for _, p := range op.Parameters {
		p.Description = htmlEscape(p.Description)
	}
	if op.Body != nil {
		op.Body.Description = htmlEscape(op.Body.Description)
	}
	return op, nil
}

func argID(name string, opts bool) string {
	if opts {
		return "opts." + name
	}
	return name
}

func findArg(args []*jsArg, name string, optional bool) *jsArg {
	for _, a := range args {
		if a.name == name && a.optional == optional {
			return a
		}
	}
	return nil
}

// jsParamType is the JSON type of a parameter's JS type.
func jsParamType(t string) (string, error) {
	switch t {
	case "String":
		return "string", nil
	case "Number":
		return "number", nil
	case "Boolean":
		return "boolean", nil
	}
	return "", fmt.Errorf("JS type %s: only String, Number and Boolean parameters are supported", t)
}

// splitDefault takes openapi-generator's " (default to X)" off a parameter's
// description and returns X as a value of the parameter's type.
func splitDefault(desc, typ string) (string, any, error) {
	m := reDefault.FindStringSubmatch(desc)
	if m == nil {
		return desc, nil, nil
	}
	raw := m[2]
	switch typ {
	case "number":
		if _, err := strconv.ParseFloat(raw, 64); err != nil {
			return "", nil, fmt.Errorf("default %q is not a number", raw)
		}
		return m[1], json.Number(raw), nil
	case "boolean":
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return "", nil, fmt.Errorf("default %q is not a boolean", raw)
		}
		return m[1], b, nil
	}
	return m[1], strings.Trim(raw, "'"), nil
}

// htmlEscape escapes text as openapi-generator's templates ({{x}}, jmustache)
// do in the SDKs' documentation and in the PHP SDK that the 4.1.70 spec was
// written from, so that descriptions read the same whichever SDK they come
// from.
var htmlEscape = strings.NewReplacer("&", "&amp;", "'", "&#39;", `"`, "&quot;", "<", "&lt;", ">", "&gt;", "`", "&#x60;", "=", "&#x3D;").Replace
