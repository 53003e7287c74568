# Tools run through the Go module proxy at pinned versions: nothing to install by hand.
GO            ?= go
STATICCHECK   := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOVULNCHECK   := golang.org/x/vuln/cmd/govulncheck@v1.9.0
BENCHTIME     ?= 1s
FUZZTIME      ?= 10s
# TESTTIMEOUT bounds each package's test binary: a hang fails with a
# goroutine dump (of where every goroutine waits) instead of holding the
# run for go test's default ten minutes. The slowest package,
# conversation, takes about 45 s with -race on 2 cores, and 65 s on 2
# cores kept busy by three other processes: the bound leaves it several
# times that.
TESTTIMEOUT   ?= 5m

SDK           ?=
TAG           ?=

.PHONY: all generate check-generated sync-spec spec-drift test test-jsonv2 lint vuln cover bench sizebench fuzz quickstart fake

all: generate lint test

# GENERATED is everything `make generate` writes: never edit it by hand.
GENERATED := gen/ conversation/operations.gen.go conversation/models.gen.go \
	conversation/envelopes.gen.go conversation/iterators.gen.go conversation/modify.gen.go conversation/deprecated.gen.go \
	conversation/operations_gen_test.go api/models_gen_test.go docs/OPERATIONS.md

## generate: rewrite gen/ (oapi-codegen), then the wrapper methods, model
## aliases and getters (internal/wrapgen), from api/openapi.yaml
generate:
	$(GO) generate ./gen/...
	$(GO) generate ./conversation/

## sync-spec: read a release of UltraCart's JavaScript SDK (SDK=<checkout>, or
## SDK=<git directory> TAG=<tag>), write its facts to api/sdk/ and api/openapi.yaml
## from them and api/decisions.yaml (internal/specsync); then run `make generate`
sync-spec:
	@test -n '$(SDK)' || { echo 'usage: make sync-spec SDK=<JavaScript SDK checkout> [TAG=<tag> when SDK is a git directory]'; exit 2; }
	$(GO) run ./internal/specsync sync -sdk '$(SDK)' $(if $(TAG),-tag '$(TAG)')

## spec-drift: what a release of the SDK changes against the committed facts, as
## Markdown for CHANGELOG.md; fails while the release has facts api/decisions.yaml
## does not decide (a new operation without x-idempotent, a number without a width)
spec-drift:
	@test -n '$(SDK)' || { echo 'usage: make spec-drift SDK=<JavaScript SDK checkout> [TAG=<tag> when SDK is a git directory]'; exit 2; }
	@$(GO) run ./internal/specsync drift -sdk '$(SDK)' $(if $(TAG),-tag '$(TAG)')

## check-generated: regenerate and fail if anything generated differs from what is committed
check-generated: generate
	@git diff --exit-code --stat -- $(GENERATED) || { echo 'generated code is stale: run `make generate` and commit the result'; exit 1; }
	@test -z "$$(git status --porcelain -- $(GENERATED))" || { git status --porcelain -- $(GENERATED); echo 'generated files not committed, or files the generator did not write'; exit 1; }

## test: the whole test suite with the race detector (the README's test command)
test:
	$(GO) test -race -count=1 -timeout $(TESTTIMEOUT) ./...

## test-jsonv2: the test suite on the encoding/json/v2 implementation that
## encoding/json will use when the standard library ships it
## (GOEXPERIMENT=jsonv2, Go 1.25 and later). Without -race, to save CI time:
## the race detector already ran over the same code in `make test`.
test-jsonv2:
	GOEXPERIMENT=jsonv2 $(GO) test -count=1 -timeout $(TESTTIMEOUT) ./...

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
	$(GO) test -race -timeout $(TESTTIMEOUT) -coverprofile=cover.out ./conversation/
	$(GO) tool cover -func=cover.out | tail -1

## bench: the benchmarks, then the ratios against the hand-written floor
## (docs/BENCHMARKS.md), then what importing conversation costs a program
## (the sizebench target; SIZEBENCH=0 skips it). BENCHCOUNT runs (default 5)
## of `go test -count=1` append to bench.txt: separate runs interleave floor,
## generated and wrapper, where one -count=5 would run each five times back
## to back, so that load which comes and goes falls on all of them. BENCH (a -bench regexp, default
## .) and BENCHPKG (default ./...) narrow the run; bench.txt is what benchstat
## reads. The ratios are a report: misses do not fail the target.
bench:
	@rm -f bench.txt; n=$(or $(BENCHCOUNT),5); tmp=$$(mktemp); \
	for i in $$(seq $$n); do \
		echo "== bench run $$i of $$n"; \
		$(GO) test -run='^$$' -bench='$(or $(BENCH),.)' -benchmem -benchtime=$(BENCHTIME) -count=1 $(or $(BENCHPKG),./...) >$$tmp 2>&1; \
		rc=$$?; cat $$tmp >>bench.txt; grep -E '^(Benchmark|--- FAIL|FAIL)' $$tmp; \
		if [ $$rc -ne 0 ]; then tail -n 30 $$tmp; rm -f $$tmp; exit $$rc; fi; \
	done; rm -f $$tmp
	$(GO) run ./internal/benchratio bench.txt
	$(if $(filter 0 no,$(SIZEBENCH)),@echo 'sizebench skipped (SIZEBENCH=$(SIZEBENCH))',@$(MAKE) --no-print-directory sizebench)

## sizebench: binary size, start-to-exit time and build time of a minimal
## program importing conversation against the same program on net/http and
## encoding/json (internal/sizebench/cmd; about a minute). SIZEBENCHFLAGS passes flags,
## e.g. SIZEBENCHFLAGS='-runs 201 -builds 9' or '-md'. A report: misses do not
## fail the target.
sizebench:
	$(GO) run ./internal/sizebench/cmd -go $(GO) $(SIZEBENCHFLAGS)

## fuzz: every fuzz target of the module (FUZZPKG narrows, default ./...), each
## for $(FUZZTIME), one at a time: `go test -list '^Fuzz'` finds them, package
## by package, so that a new target is fuzzed without being listed here
## (minimizing a new input is capped at 1s: it is quadratic in the input's
## length and would otherwise use up a short run)
fuzz:
	@start=$$(date +%s); \
	out="$$($(GO) test -list '^Fuzz' $(or $(FUZZPKG),./...) 2>&1)" || { echo "$$out"; exit 1; }; \
	targets="$$(echo "$$out" | awk '/^Fuzz/ { t[++n] = $$1; next } /^ok/ { for (i = 1; i <= n; i++) print $$2 ":" t[i]; n = 0 }')"; \
	test -n "$$targets" || { echo 'fuzz: no fuzz targets found'; exit 1; }; \
	n=0; for pt in $$targets; do \
		pkg=$${pt%:*}; t=$${pt##*:}; n=$$((n + 1)); \
		echo "== $$t in $$pkg ($(FUZZTIME))"; \
		$(GO) test -run='^$$' -fuzz="^$$t\$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=1s "$$pkg" || exit 1; \
	done; \
	echo "fuzz: $$n targets, $(FUZZTIME) each, in $$(( $$(date +%s) - start ))s"

## quickstart: the README's first command
quickstart:
	$(GO) run ./examples/quickstart

## fake: the standalone fake UltraCart service on 127.0.0.1:8080
fake:
	$(GO) run ./cmd/ultracart-fake
