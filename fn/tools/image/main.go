// Command image builds inject-datadog's container image without a Docker daemon: the static binary
// `make build` writes, added as one layer on a base image, written as a docker-archive tarball that
// `docker load` and `podman load` read. Same inputs, same digest: every timestamp is fixed
// (SOURCE_DATE_EPOCH when set, else the Unix epoch).
//
//	go run . -binary ../../../bin/inject-datadog -base gcr.io/distroless/static-debian12:nonroot@sha256:... \
//	  -tag localhost/inject-datadog:dev -version dev -o ../../../bin/inject-datadog-image.tar
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	var o Options
	var tag, out string
	flag.StringVar(&o.Binary, "binary", "", "the static linux binary to put at /inject-datadog")
	flag.StringVar(&o.Base, "base", "", "base image: a registry reference (pin it by digest), an OCI layout directory or a docker-archive tarball")
	flag.StringVar(&o.Version, "version", "dev", "the org.opencontainers.image.version label")
	flag.StringVar(&o.Source, "source", "", "the org.opencontainers.image.source label (left out when empty)")
	flag.StringVar(&tag, "tag", "localhost/inject-datadog:dev", "the name `docker load` and `podman load` give the image")
	flag.StringVar(&out, "o", "inject-datadog-image.tar", "the docker-archive tarball to write")
	flag.Parse()
	if o.Binary == "" || o.Base == "" || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	created, err := sourceDateEpoch()
	if err == nil {
		o.Created = created
		err = run(o, tag, out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
}

func run(o Options, tag, out string) error {
	img, err := Build(context.Background(), o)
	if err != nil {
		return err
	}
	digest, err := Write(img, tag, out)
	if err != nil {
		return err
	}
	cfg, err := img.ConfigName()
	if err != nil {
		return err
	}
	fi, err := os.Stat(out)
	if err != nil {
		return err
	}
	fmt.Printf("wrote %s (%s, %d bytes)\n", out, tag, fi.Size())
	fmt.Printf("image ID (config digest): %s\n", cfg)
	fmt.Printf("digest: %s\n", digest)
	return nil
}

// sourceDateEpoch is the reproducible-builds timestamp: $SOURCE_DATE_EPOCH, or the Unix epoch.
func sourceDateEpoch() (time.Time, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return time.Unix(0, 0).UTC(), nil
	}
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q: %w", s, err)
	}
	return time.Unix(sec, 0).UTC(), nil
}
