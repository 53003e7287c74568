// Package gen is the client and models that oapi-codegen writes from
// api/openapi.yaml. Nothing here is edited by hand: change the
// spec or the *.yaml configurations beside this file and run `make generate`.
//
// Programs use the idiomatic package conversation instead; it re-exports the
// models it returns.
package gen

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config models.cfg.yaml ../api/openapi.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config client.cfg.yaml ../api/openapi.yaml
