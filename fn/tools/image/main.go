// Command image builds inject-datadog's container image without a Docker daemon: the static binary
// `make build` writes, added as one layer on a base image, written as a docker-archive tarball that
// `docker load` and `podman load` read. Same inputs, same digest: every timestamp is fixed
// (SOURCE_DATE_EPOCH when set, else the Unix epoch).
//
//	go run . -binary ../../../bin/inject-datadog -base gcr.io/distroless/static-debian12:nonroot@sha256:... \
//	  -tag localhost/inject-datadog:dev -version dev -o ../../../bin/inject-datadog-image.tar
//
// `go run . -stand-in-base base.tar` writes instead the stand-in base the tests build on where no
// registry is reachable (StandInBase). docs/image.md says how each flag is used.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
)

func main() {
	var o Options
	var tag, out, standIn string
	flag.StringVar(&o.Binary, "binary", "", "the static linux binary to put at /inject-datadog")
	flag.StringVar(&o.Base, "base", "", "base image: a registry reference (pin it by digest), an OCI layout directory or a docker-archive tarball")
	flag.StringVar(&o.BaseRef, "base-ref", "", "for a base on disk: the registry reference (pinned by digest) it is a copy of, recorded in the base.name and base.digest labels")
	flag.StringVar(&standIn, "stand-in-base", "", "write the tests' stand-in base (linux/"+runtime.GOARCH+", nobody and nonroot in /etc/passwd) as a docker-archive tarball here, and nothing else")
	flag.StringVar(&o.Version, "version", "dev", "the org.opencontainers.image.version label")
	flag.StringVar(&o.Source, "source", "", "the org.opencontainers.image.source label (left out when empty)")
	flag.StringVar(&tag, "tag", "localhost/inject-datadog:dev", "the name `docker load` and `podman load` give the image")
	flag.StringVar(&out, "o", "inject-datadog-image.tar", "the docker-archive tarball to write")
	flag.Parse()
	if standIn != "" && flag.NArg() == 0 {
		if err := WriteStandInBase(runtime.GOARCH, standIn); err != nil {
			fmt.Fprintln(os.Stderr, "image:", err)
			os.Exit(1)
		}
		return
	}
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
	if warning := tagVersionMismatch(tag, o.Version); warning != "" {
		fmt.Fprintln(os.Stderr, "image: warning:", warning)
	}
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

// tagVersionMismatch warns when the image is tagged with a version that is not the one its
// binary and its org.opencontainers.image.version label carry: the label follows -version (the
// Makefile's VERSION), never the tag (docs/image.md#names-and-versions).
func tagVersionMismatch(tag, version string) string {
	t, err := name.NewTag(tag)
	if err != nil {
		return ""
	}
	id := t.TagStr()
	if id == version || id == "latest" || len(id) < 2 || id[0] != 'v' || id[1] < '0' || id[1] > '9' {
		return ""
	}
	return fmt.Sprintf("the tag %s is a version, but the binary and the version label say %s: build with VERSION=%s to make them agree", id, version, id)
}
