package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
)

// genPkg is what oapi-codegen wrote into gen/, as far as wrapgen needs it.
type genPkg struct {
	fset *token.FileSet
	// types in source order, and by name
	types  []*genType
	byName map[string]*genType
	// bySchema maps a component schema name to its type.
	bySchema map[string]*genType
	// consts are the enum constants, in source order.
	consts []string
	// builders maps a lower-cased operation name to its New<X>Request.
	builders map[string]*builderFunc
}

type genType struct {
	Name   string
	Alias  string // the aliased type for `type X = Y`
	Fields []*genField
	Struct bool
	Schema string // component schema name, from "X defines model for Y."
}

type genField struct {
	Name string
	Type string // as Go source, e.g. *string, []ConversationMessage
	JSON string // JSON name
	Form string // query name (Params structs)
	Doc  []string
}

type builderFunc struct {
	Name   string // operation name in Go: GetPbxAddress
	Params []builderParam
}

type builderParam struct{ Name, Type string }

var definesModel = regexp.MustCompile(`^(\w+) defines model for (\w+)\.$`)

func parseGen(dir string) (*genPkg, error) {
	g := &genPkg{fset: token.NewFileSet(), byName: map[string]*genType{}, bySchema: map[string]*genType{}, builders: map[string]*builderFunc{}}
	models, err := parser.ParseFile(g.fset, filepath.Join(dir, "models.gen.go"), nil, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	for _, decl := range models.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok {
			continue
		}
		switch gd.Tok {
		case token.TYPE:
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				t := &genType{Name: ts.Name.Name}
				doc := gd.Doc
				if ts.Doc != nil {
					doc = ts.Doc
				}
				if doc != nil {
					if m := definesModel.FindStringSubmatch(strings.TrimSpace(doc.Text())); m != nil && m[1] == t.Name {
						t.Schema = m[2]
					}
				}
				if ts.Assign.IsValid() {
					t.Alias = g.expr(ts.Type)
				}
				if st, ok := ts.Type.(*ast.StructType); ok {
					t.Struct = true
					for _, f := range st.Fields.List {
						if len(f.Names) != 1 {
							return nil, fmt.Errorf("%s: embedded or grouped field", t.Name)
						}
						tag := ""
						if f.Tag != nil {
							tag = strings.Trim(f.Tag.Value, "`")
						}
						gf := &genField{Name: f.Names[0].Name, Type: g.expr(f.Type),
							JSON: tagName(tag, "json"), Form: tagName(tag, "form")}
						if f.Doc != nil {
							for _, c := range f.Doc.List {
								gf.Doc = append(gf.Doc, c.Text)
							}
						}
						t.Fields = append(t.Fields, gf)
					}
				}
				g.types = append(g.types, t)
				g.byName[t.Name] = t
			}
		case token.CONST:
			for _, spec := range gd.Specs {
				for _, n := range spec.(*ast.ValueSpec).Names {
					g.consts = append(g.consts, n.Name)
				}
			}
		}
	}
	for _, t := range g.types {
		if t.Schema != "" {
			g.bySchema[t.Schema] = t
		} else if !strings.HasSuffix(t.Name, "Params") && !strings.HasSuffix(t.Name, "RequestBody") {
			// enum components and free-form types carry their description
			// instead of "defines model for"; their names are the schema names
			g.bySchema[t.Name] = t
		}
	}

	client, err := parser.ParseFile(g.fset, filepath.Join(dir, "client.gen.go"), nil, 0)
	if err != nil {
		return nil, err
	}
	for _, decl := range client.Decls {
		fd, ok := decl.(*ast.FuncDecl)
		if !ok || fd.Recv != nil {
			continue
		}
		name := fd.Name.Name
		if !strings.HasPrefix(name, "New") || !strings.HasSuffix(name, "Request") || strings.HasSuffix(name, "WithBodyRequest") {
			continue
		}
		b := &builderFunc{Name: strings.TrimSuffix(strings.TrimPrefix(name, "New"), "Request")}
		for _, f := range fd.Type.Params.List {
			for _, n := range f.Names {
				b.Params = append(b.Params, builderParam{n.Name, g.expr(f.Type)})
			}
		}
		g.builders[strings.ToLower(b.Name)] = b
	}
	return g, nil
}

func (g *genPkg) expr(e ast.Expr) string {
	var b bytes.Buffer
	if err := printer.Fprint(&b, g.fset, e); err != nil {
		panic(err)
	}
	return b.String()
}

func tagName(tag, key string) string {
	v := reflect.StructTag(tag).Get(key)
	name, _, _ := strings.Cut(v, ",")
	return name
}

// isStruct reports whether gen's type name is a struct (a model), not a
// basic, enum or alias type.
func (g *genPkg) isStruct(name string) bool {
	t := g.byName[name]
	return t != nil && t.Struct
}

// field returns t's field with JSON name json.
func (t *genType) field(json string) *genField {
	for _, f := range t.Fields {
		if f.JSON == json {
			return f
		}
	}
	return nil
}
