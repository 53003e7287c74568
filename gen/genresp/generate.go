// Package genresp is oapi-codegen's ClientWithResponses for api/openapi.yaml:
// a method per operation that sends the request with package gen's Client
// and decodes the response into its documented type (JSON200, JSON400, ...),
// and the Parse<Operation>Response functions it uses. oapi-codegen writes it;
// nothing here is edited by hand.
//
// It is a package of its own so that programs importing conversation, which
// builds its requests with gen's New<Operation>Request functions and decodes
// responses itself, do not compile it: it was three quarters of gen's code
// and of its build time. The tests of the spec and of the fake, and the
// benchmarks' "generated" client, use it.
package genresp

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config resp.cfg.yaml ../../api/openapi.yaml
