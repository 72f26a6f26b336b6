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
KPT                 := $(BIN)/kpt
# Helm 3 and Helm 4 are both called helm: Helm 4 goes into a directory of its own.
HELM                := $(BIN)/helm
HELM4               := $(BIN)/helm4/helm
FUNCTION            := $(BIN)/inject-datadog
LDFLAGS             := -s -w -X inject-datadog/fn/internal/cli.Version=$(VERSION)
# package:target, the package under fn/internal
FUZZ_TARGETS        := cli:FuzzProcess cli:FuzzConfig cli:FuzzSplitPath cli:FuzzStream cli:FuzzRemove restyle:FuzzRestyle
FUZZTIME            ?= 10m
CI_FUZZTIME         ?= 20s
# The image's base: distroless static on Debian 12, nonroot (uid 65532; /etc/passwd also has nobody
# 65534, which kpt's `--user nobody` needs). The digest is the :nonroot tag's as public Dockerfiles
# pinned it "as of 2026-08-26"; no registry is reachable where this was written, so it was not
# checked against gcr.io. Verify or update it with
#   go run github.com/google/go-containerregistry/cmd/crane@v0.22.1 digest gcr.io/distroless/static-debian12:nonroot
# and keep the Dockerfile's BASE_IMAGE the same. BASE_REF is the base's reference, recorded in the
# image's base.name and base.digest labels; BASE_IMAGE is where the base is read from: the registry
# (the default), or a copy on disk, a docker-archive tarball or an OCI layout directory, for an
# offline build (docs/image.md#an-offline-base): make image BASE_IMAGE=path/to/base.tar. A copy of
# another base needs BASE_REF= (empty) or its own pinned reference.
BASE_REF            ?= gcr.io/distroless/static-debian12:nonroot@sha256:afa5c872c891853ca7fcf1f12c3edb23f7eeef36189728842dd51042ff57f7ab
BASE_IMAGE          ?= $(BASE_REF)
IMAGE               ?= localhost/inject-datadog:$(VERSION)
IMAGE_SOURCE        ?=
IMAGE_TAR           := $(BIN)/inject-datadog-image.tar
IMAGE_BUILDER       := $(BIN)/image-builder
# The image tests' image (docs/image.md#tested-under-podman): the image `make image` builds, on a
# stand-in base the image builder writes, since the tests reach no registry.
STAND_IN_BASE       := $(BIN)/stand-in-base.tar
IMAGE_E2E           := localhost/inject-datadog:e2e
IMAGE_E2E_TAR       := $(BIN)/inject-datadog-image-e2e.tar

.PHONY: build image image-builder image-e2e example example-fargate example-helm test lint fuzz bench clean

## build: compile the function into bin/inject-datadog (static, no cgo)
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(FUNCTION) ./fn

## image: the container image without a Docker daemon: bin/inject-datadog on $(BASE_IMAGE) as a
## docker-archive tarball, $(IMAGE_TAR), named $(IMAGE) (docker load / podman load -i it). Same
## inputs, same digest: timestamps are the Unix epoch, or SOURCE_DATE_EPOCH when set. The version
## label is $(VERSION), whatever $(IMAGE)'s tag says: release with VERSION and the tag the same.
image: build image-builder
	$(IMAGE_BUILDER) -binary $(FUNCTION) -base '$(BASE_IMAGE)' \
	  $(if $(wildcard $(BASE_IMAGE)),-base-ref '$(BASE_REF)') \
	  -tag '$(IMAGE)' -version '$(VERSION)' -source '$(IMAGE_SOURCE)' -o $(IMAGE_TAR)

image-builder:
	cd fn/tools/image && $(GO) build -trimpath -o $(IMAGE_BUILDER) .

## image-e2e: what `make image` builds, on the stand-in base instead of $(BASE_IMAGE), as
## $(IMAGE_E2E_TAR) named $(IMAGE_E2E): the image the tests run under podman
image-e2e: build image-builder
	$(IMAGE_BUILDER) -stand-in-base $(STAND_IN_BASE)
	$(IMAGE_BUILDER) -binary $(FUNCTION) -base $(STAND_IN_BASE) -tag $(IMAGE_E2E) -version '$(VERSION)' \
	  -o $(IMAGE_E2E_TAR)

$(KUSTOMIZE):
	GOBIN=$(BIN) $(GO) install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)

# kpt comes from its own tools module, fn/tools/kpt, which pins the version and stands in for the one
# module the proxy refuses (see fn/tools/kpt/rollouts); without cgo, as kpt fn needs no wasm runtime.
$(KPT): fn/tools/kpt/go.mod
	cd fn/tools/kpt && CGO_ENABLED=0 GOBIN=$(BIN) $(GO) install -trimpath \
	  -ldflags "-s -w -X github.com/kptdev/kpt/run.version=$$($(GO) list -m -f '{{.Version}}' github.com/kptdev/kpt)" \
	  github.com/kptdev/kpt

$(HELM):
	GOBIN=$(BIN) $(GO) install helm.sh/helm/v3/cmd/helm@$(HELM_VERSION)

$(HELM4):
	GOBIN=$(BIN)/helm4 $(GO) install helm.sh/helm/v4/cmd/helm@$(HELM4_VERSION)

## example: render the bundled kustomize example with the real kustomize and print it
example: build $(KUSTOMIZE)
	$(KUSTOMIZE) build --enable-alpha-plugins --enable-exec examples/kustomize

## example-fargate: render the EKS Fargate example (the Agent sidecar) with the real kustomize
example-fargate: build $(KUSTOMIZE)
	$(KUSTOMIZE) build --enable-alpha-plugins --enable-exec examples/fargate

## example-helm: render the bundled Helm chart with Helm v3.22.0 and inject-datadog as its
## post-renderer and print it
example-helm: build $(HELM)
	$(HELM) template discounts examples/helm/discounts --include-crds \
	  --post-renderer $(FUNCTION) --post-renderer-args=--config=examples/helm/inject-datadog.yaml

## lint: gofmt, go vet and staticcheck, on the function and on the image builder's own module
lint:
	@unformatted=$$(gofmt -l fn); if [ -n "$$unformatted" ]; then echo "gofmt wants to change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...
	cd fn/tools/image && $(GO) vet ./... && $(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

## test: lint, every test with the race detector (unit, golden, malformed inputs, end-to-end under
## the real kustomize, kpt, Helm 3 and Helm 4, and the image under podman: podman run, kpt and
## kustomize, which skip where podman is missing), the image builder's test (the image built on a
## stand-in base, the binary taken out of it and run as nobody), then each fuzz target for
## $(CI_FUZZTIME)
test: build $(KUSTOMIZE) $(KPT) $(HELM) $(HELM4) lint image-e2e
	KUSTOMIZE=$(KUSTOMIZE) KPT=$(KPT) HELM=$(HELM) HELM4=$(HELM4) \
	  INJECT_DATADOG_IMAGE=$(IMAGE_E2E_TAR) INJECT_DATADOG_BINARY=$(FUNCTION) $(GO) test -race -count=1 ./...
	cd fn/tools/image && INJECT_DATADOG_BINARY=$(FUNCTION) $(GO) test -count=1 ./...
	$(MAKE) --no-print-directory fuzz FUZZTIME=$(CI_FUZZTIME)

## fuzz: run each fuzz target for $(FUZZTIME) (make fuzz FUZZTIME=30m); crashers land in
## the package's testdata/fuzz and stay there as seeds once fixed
fuzz:
	@for target in $(FUZZ_TARGETS); do \
	  echo "fuzzing $$target for $(FUZZTIME)"; \
	  $(GO) test ./fn/internal/$${target%%:*} -run '^$$' -fuzz "^$${target#*:}$$" -fuzztime $(FUZZTIME) || exit 1; \
	done

## bench: in-process benchmarks, then inject-datadog against a no-op SDK function as whole
## processes (median of 5 runs per size), then the 50,000-resource run with its peak memory
bench: build
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN)/noop-sdk ./fn/bench/noop
	$(GO) test ./fn/internal/cli -run '^$$' -bench BenchmarkProcess -benchtime 3x
	$(GO) run ./fn/bench/compare -fn $(FUNCTION) -noop $(BIN)/noop-sdk -sizes 100,1000,10000 -runs 5
	$(GO) run ./fn/bench/compare -fn $(FUNCTION) -noop $(BIN)/noop-sdk -sizes 1000,10000 -runs 3 -wide
	$(GO) test ./fn/e2e -run '^$$' -bench BenchmarkLargeInput -benchtime 1x

clean:
	rm -rf $(BIN)
