# inject-datadog: a KRM function that injects Datadog's admission-webhook mutations at render time.
# Needs only Go: every tool is fetched into bin/ through the Go module proxy.

GO                  ?= go
BIN                 := $(CURDIR)/bin
VERSION             ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
KUSTOMIZE_VERSION   := v5.8.1
STATICCHECK_VERSION := v0.8.2
HELM_VERSION        := v3.22.0
HELM4_VERSION       := v4.3.1
KUSTOMIZE           := $(BIN)/kustomize
# Helm 3 and Helm 4 are both called helm: Helm 4 goes into a directory of its own.
HELM                := $(BIN)/helm
HELM4               := $(BIN)/helm4/helm
FUNCTION            := $(BIN)/inject-datadog
LDFLAGS             := -s -w -X inject-datadog/fn/internal/cli.Version=$(VERSION)
FUZZ_TARGETS        := FuzzProcess FuzzConfig FuzzSplitPath
FUZZTIME            ?= 10m
CI_FUZZTIME         ?= 20s

.PHONY: build example example-helm test lint fuzz bench clean

## build: compile the function into bin/inject-datadog (static, no cgo)
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(FUNCTION) ./fn

$(KUSTOMIZE):
	GOBIN=$(BIN) $(GO) install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)

$(HELM):
	GOBIN=$(BIN) $(GO) install helm.sh/helm/v3/cmd/helm@$(HELM_VERSION)

$(HELM4):
	GOBIN=$(BIN)/helm4 $(GO) install helm.sh/helm/v4/cmd/helm@$(HELM4_VERSION)

## example: render the bundled kustomize example with the real kustomize and print it
example: build $(KUSTOMIZE)
	$(KUSTOMIZE) build --enable-alpha-plugins --enable-exec examples/kustomize

## example-helm: render the bundled Helm chart with Helm v3.22.0 and inject-datadog as its
## post-renderer and print it
example-helm: build $(HELM)
	$(HELM) template discounts examples/helm/discounts --include-crds \
	  --post-renderer $(FUNCTION) --post-renderer-args=--config=examples/helm/inject-datadog.yaml

## lint: gofmt, go vet and staticcheck
lint:
	@unformatted=$$(gofmt -l fn); if [ -n "$$unformatted" ]; then echo "gofmt wants to change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

## test: lint, every test with the race detector (unit, golden, malformed inputs, kustomize, Helm 3
## and Helm 4 and kpt-style end-to-end), then each fuzz target for $(CI_FUZZTIME)
test: build $(KUSTOMIZE) $(HELM) $(HELM4) lint
	KUSTOMIZE=$(KUSTOMIZE) HELM=$(HELM) HELM4=$(HELM4) $(GO) test -race -count=1 ./...
	$(MAKE) --no-print-directory fuzz FUZZTIME=$(CI_FUZZTIME)

## fuzz: run each fuzz target for $(FUZZTIME) (make fuzz FUZZTIME=30m); crashers land in
## fn/internal/cli/testdata/fuzz and stay there as seeds once fixed
fuzz:
	@for target in $(FUZZ_TARGETS); do \
	  echo "fuzzing $$target for $(FUZZTIME)"; \
	  $(GO) test ./fn/internal/cli -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) || exit 1; \
	done

## bench: in-process benchmarks, then inject-datadog against a no-op SDK function as whole
## processes (median of 5 runs per size), then the 50,000-resource run with its peak memory
bench: build
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN)/noop-sdk ./fn/bench/noop
	$(GO) test ./fn/internal/cli -run '^$$' -bench BenchmarkProcess -benchtime 3x
	$(GO) run ./fn/bench/compare -fn $(FUNCTION) -noop $(BIN)/noop-sdk -sizes 100,1000,10000 -runs 5
	$(GO) test ./fn/e2e -run '^$$' -bench BenchmarkLargeInput -benchtime 1x

clean:
	rm -rf $(BIN)
