# inject-datadog as a container image, for kpt's `image:` and `kpt fn eval -i`, Porch and
# kustomize's `container:` functions. A static binary on distroless, running as nonroot.
# For reproducible builds, pin both images by digest (FROM image@sha256:...).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY fn/ fn/
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X inject-datadog/fn/internal/cli.Version=${VERSION}" \
      -o /out/inject-datadog ./fn

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/inject-datadog /inject-datadog
USER 65532:65532
ENTRYPOINT ["/inject-datadog"]
