// Package genspec is api/openapi.yaml embedded, for the fake service and the
// tests that validate requests and responses against it. oapi-codegen writes
// it; nothing here is edited by hand.
//
// It is a package of its own so that programs importing conversation do not
// link kin-openapi, YAML or JSON Schema libraries.
package genspec

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config spec.cfg.yaml ../../api/openapi.yaml
