# Tools run through the Go module proxy at pinned versions: nothing to install by hand.
GO            ?= go
STATICCHECK   := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOVULNCHECK   := golang.org/x/vuln/cmd/govulncheck@v1.9.0
BENCHTIME     ?= 1s
FUZZTIME      ?= 10s

.PHONY: all generate check-generated test lint vuln cover bench fuzz quickstart fake

all: generate lint test

## generate: rewrite gen/ from api/openapi.yaml
generate:
	$(GO) generate ./gen/...

## check-generated: regenerate and fail if gen/ differs from what is committed
check-generated: generate
	@git diff --exit-code --stat -- gen/ || { echo 'gen/ is stale: run `make generate` and commit the result'; exit 1; }
	@test -z "$$(git status --porcelain -- gen/)" || { git status --porcelain -- gen/; echo 'gen/ has files the generator did not write, or new ones not committed'; exit 1; }

## test: the whole test suite with the race detector (the README's test command)
test:
	$(GO) test -race -count=1 ./...

## lint: go vet, gofmt and staticcheck
lint:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo 'gofmt needed'; exit 1; }
	$(GO) run $(STATICCHECK) ./...

## vuln: known vulnerabilities in the module's dependencies
vuln:
	$(GO) run $(GOVULNCHECK) ./...

## cover: coverage of the conversation package
cover:
	$(GO) test -race -coverprofile=cover.out ./conversation/
	$(GO) tool cover -func=cover.out | tail -1

## bench: the benchmarks, then the ratios against the hand-written floor
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=$(BENCHTIME) ./... | tee bench.txt

## quickstart: the README's first command
quickstart:
	$(GO) run ./examples/quickstart

## fake: the standalone fake UltraCart service on 127.0.0.1:8080
fake:
	$(GO) run ./cmd/ultracart-fake
