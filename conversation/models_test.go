package conversation

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ultracart-community/ultracart-go/gen"
)

// genExcluded are the exported names of gen/models.gen.go that programs do
// not need: request parameter structs, request body aliases and the
// response aliases of the error statuses.
func genExcluded(name string) bool {
	switch name {
	case "BadRequest", "Gone", "InternalServerError", "TooManyRequests", "Unauthorized":
		return true
	}
	return strings.HasSuffix(name, "Params") || strings.HasSuffix(name, "JSONRequestBody")
}

// TestModelsReexported: every exported type and constant of the generated
// models is re-exported by models.gen.go under the same name, as an alias of
// the generated one, so that programs never import gen/.
func TestModelsReexported(t *testing.T) {
	fset := token.NewFileSet()
	genFile, err := parser.ParseFile(fset, filepath.Join("..", "gen", "models.gen.go"), nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	modelsFile, err := parser.ParseFile(fset, "models.gen.go", nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}

	// want: kind ("type" or "const") of each exported name in gen.
	want := map[string]token.Token{}
	for _, decl := range genFile.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || (gd.Tok != token.TYPE && gd.Tok != token.CONST) {
			continue
		}
		for _, spec := range gd.Specs {
			switch s := spec.(type) {
			case *ast.TypeSpec:
				if s.Name.IsExported() && !genExcluded(s.Name.Name) {
					want[s.Name.Name] = token.TYPE
				}
			case *ast.ValueSpec:
				for _, n := range s.Names {
					if n.IsExported() && !genExcluded(n.Name) {
						want[n.Name] = token.CONST
					}
				}
			}
		}
	}
	if len(want) < 100 {
		t.Fatalf("found only %d exported names in gen/models.gen.go", len(want))
	}

	// got: what models.gen.go declares as X = gen.X.
	got := map[string]token.Token{}
	for _, decl := range modelsFile.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, spec := range gd.Specs {
			switch s := spec.(type) {
			case *ast.TypeSpec:
				if s.Assign.IsValid() && isGenSelector(s.Type, s.Name.Name) {
					got[s.Name.Name] = token.TYPE
				} else if _, ok := want[s.Name.Name]; ok {
					t.Errorf("models.gen.go: type %s is not an alias of gen.%[1]s", s.Name.Name)
				}
			case *ast.ValueSpec:
				for i, n := range s.Names {
					if i < len(s.Values) && isGenSelector(s.Values[i], n.Name) {
						got[n.Name] = gd.Tok
					} else if _, ok := want[n.Name]; ok {
						t.Errorf("models.gen.go: %s %s is not gen.%[2]s", gd.Tok, n.Name)
					}
				}
			}
		}
	}

	var missing []string
	for name, kind := range want {
		if got[name] != kind {
			missing = append(missing, kind.String()+" "+name)
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("models.gen.go does not re-export %s (add `%s = gen.%s`)", m, m[strings.IndexByte(m, ' ')+1:], m[strings.IndexByte(m, ' ')+1:])
	}
}

// isGenSelector reports whether e is gen.<name>.
func isGenSelector(e ast.Expr, name string) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "gen" && sel.Sel.Name == name
}

// The re-exported types are the generated ones, so values pass between the
// two without conversion.
var (
	_ gen.ConversationMessage = ConversationMessage{}
	_ gen.ConversationMedium  = MediumSMS
	_ *gen.ErrorResponse      = (*ErrorResponse)(nil)
)
