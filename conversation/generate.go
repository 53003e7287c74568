package conversation

// The methods of Client that call one operation each, their options structs
// and the model aliases are generated from api/openapi.yaml and gen/ by
// internal/wrapgen (`make generate` runs it after oapi-codegen):
// operations.gen.go and models.gen.go. Everything else here is written by
// hand.
//go:generate go run ../internal/wrapgen -root ..
