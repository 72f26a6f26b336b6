# inject-datadog as a container image, for kpt's `image:` and `kpt fn eval -i`, Porch and
# kustomize's `container:` functions. A static binary on distroless, running as nonroot.
#
# This is the alternative to `make image` for a Docker daemon or podman; `make image` builds the same
# image without either (fn/tools/image): same base (BASE_IMAGE, pinned by digest, kept equal to the
# Makefile's BASE_REF), same /inject-datadog, user 65532:65532, entrypoint and labels. The digests
# differ (layer metadata, timestamps). Images are named in full, as podman needs (docs/image.md#the-dockerfile):
#   podman build --build-arg VERSION=$(git describe --tags --always) -t <registry>/inject-datadog:<tag> .
# The builder image is not pinned: pin it too (golang:1.26@sha256:...) for a reproducible binary.
ARG BASE_IMAGE=gcr.io/distroless/static-debian12:nonroot@sha256:afa5c872c891853ca7fcf1f12c3edb23f7eeef36189728842dd51042ff57f7ab

FROM docker.io/library/golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY fn/ fn/
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X inject-datadog/fn/internal/cli.Version=${VERSION}" \
      -o /out/inject-datadog ./fn

FROM ${BASE_IMAGE}
# The labels `make image` sets; the version is VERSION's, whatever the tag (docs/image.md#names-and-versions).
ARG VERSION=dev
LABEL org.opencontainers.image.title="inject-datadog" \
      org.opencontainers.image.description="KRM function that injects Datadog's admission-webhook mutations at render time" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=build /out/inject-datadog /inject-datadog
USER 65532:65532
ENTRYPOINT ["/inject-datadog"]
