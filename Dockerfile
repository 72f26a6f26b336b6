# inject-datadog as a container image, for kpt's `image:` and `kpt fn eval -i`, Porch and
# kustomize's `container:` functions. A static binary on distroless, running as nonroot.
#
# This is the daemon-based alternative to `make image`, which builds the same image without Docker
# (fn/tools/image): same base (BASE_IMAGE, pinned by digest, kept equal to the Makefile's), same
# /inject-datadog, user 65532:65532 and entrypoint. The digests differ (layer metadata, timestamps).
#   docker build --build-arg VERSION=$(git describe --tags --always) -t <registry>/inject-datadog:<tag> .
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
COPY --from=build /out/inject-datadog /inject-datadog
USER 65532:65532
ENTRYPOINT ["/inject-datadog"]
