package main

import (
	"context"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// serveBase pushes the stand-in base, as an OCI image inside a one-platform OCI index (the shape
// distroless publishes), to a registry on loopback, and returns the reference pinned by the
// index's digest, as the Makefile's BASE_REF is.
func serveBase(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	base, err := StandInBase(runtime.GOARCH)
	if err != nil {
		t.Fatal(err)
	}
	base = mutate.MediaType(base, types.OCIManifestSchema1)
	base = mutate.ConfigMediaType(base, types.OCIConfigJSON)
	idx := mutate.AppendManifests(mutate.IndexMediaType(empty.Index, types.OCIImageIndex), mutate.IndexAddendum{
		Add:        base,
		Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: runtime.GOARCH}},
	})
	tag, err := name.NewTag(strings.TrimPrefix(srv.URL, "http://") + "/distroless/static:nonroot")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(tag, idx); err != nil {
		t.Fatal(err)
	}
	d, err := idx.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return tag.String() + "@" + d.String()
}

// The three forms of one base (the registry, an OCI layout and a docker-archive, each made as
// `crane pull` makes it) give one image digest when the local copies are given the reference they
// copy, and the labels record that reference; without it the two copies agree with each other and
// carry no base label (docs/image.md#which-digest).
func TestBaseForms(t *testing.T) {
	binPath := requireBinary(t)
	ref := serveBase(t)
	dir := t.TempDir()

	// crane pull --format=oci REF dir: the index, as the registry serves it.
	pinned, err := name.NewDigest(ref)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := remote.Index(pinned)
	if err != nil {
		t.Fatal(err)
	}
	lp, err := layout.Write(filepath.Join(dir, "layout"), empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendIndex(idx); err != nil {
		t.Fatal(err)
	}
	// crane pull REF base.tar: the image for the platform, as a docker-archive.
	img, err := remote.Image(pinned, remote.WithPlatform(v1.Platform{OS: "linux", Architecture: runtime.GOARCH}))
	if err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(dir, "base.tar")
	if err := tarball.WriteToFile(archive, pinned.Tag("i-was-a-digest"), img); err != nil {
		t.Fatal(err)
	}

	build := func(base, baseRef string) (v1.Hash, map[string]string) {
		t.Helper()
		img, err := Build(context.Background(), Options{Binary: binPath, Base: base, BaseRef: baseRef, Version: "test", Created: time.Unix(0, 0)})
		if err != nil {
			t.Fatalf("base %s (reference %q): %v", base, baseRef, err)
		}
		d, err := img.Digest()
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		return d, cfg.Config.Labels
	}

	fromRegistry, labels := build(ref, "")
	if labels["org.opencontainers.image.base.name"] != ref || labels["org.opencontainers.image.base.digest"] != pinned.DigestStr() {
		t.Errorf("from the registry, the base labels are %q and %q; want %q and %q", labels["org.opencontainers.image.base.name"],
			labels["org.opencontainers.image.base.digest"], ref, pinned.DigestStr())
	}
	if d, _ := build(string(lp), ref); d != fromRegistry {
		t.Errorf("from the OCI layout with its reference: digest %s, from the registry %s", d, fromRegistry)
	}
	if d, _ := build(archive, ref); d != fromRegistry {
		t.Errorf("from the docker-archive with its reference: digest %s, from the registry %s", d, fromRegistry)
	}

	layoutAlone, labels := build(string(lp), "")
	for k, v := range labels {
		if strings.HasPrefix(k, "org.opencontainers.image.base.") {
			t.Errorf("a base on disk without a reference gave the label %s=%s", k, v)
		}
	}
	if d, _ := build(archive, ""); d != layoutAlone {
		t.Errorf("without a reference, the docker-archive gives %s and the OCI layout %s", d, layoutAlone)
	}
	if layoutAlone == fromRegistry {
		t.Error("without a reference the labels differ, so should the digests")
	}

	t.Run("a layout that is not a copy of the reference", func(t *testing.T) {
		other := strings.Replace(ref, pinned.DigestStr()[len("sha256:"):len("sha256:")+8], "00000000", 1)
		_, err := Build(context.Background(), Options{Binary: binPath, Base: string(lp), BaseRef: other, Created: time.Unix(0, 0)})
		if err == nil || !strings.Contains(err.Error(), "is not a copy of it") {
			t.Errorf("err %v", err)
		}
	})
	t.Run("an archive of another repository", func(t *testing.T) {
		other := filepath.Join(t.TempDir(), "other.tar")
		if err := tarball.WriteToFile(other, name.MustParseReference("example.invalid/other:1"), img); err != nil {
			t.Fatal(err)
		}
		_, err := Build(context.Background(), Options{Binary: binPath, Base: other, BaseRef: ref, Created: time.Unix(0, 0)})
		if err == nil || !strings.Contains(err.Error(), "the archive holds example.invalid/other:1, not a copy of") {
			t.Errorf("err %v", err)
		}
	})
	t.Run("a reference not pinned by digest", func(t *testing.T) {
		_, err := Build(context.Background(), Options{Binary: binPath, Base: archive, BaseRef: "gcr.io/distroless/static:nonroot", Created: time.Unix(0, 0)})
		if err == nil || !strings.Contains(err.Error(), "pinned by digest") {
			t.Errorf("err %v", err)
		}
	})
}

// An unreachable registry says how to build offline.
func TestUnreachableBaseSaysHowToBuildOffline(t *testing.T) {
	binPath := requireBinary(t)
	// Port 1 on loopback: refused at once, with no name to look up.
	_, err := Build(context.Background(), Options{Binary: binPath, Base: "127.0.0.1:1/distroless/static:nonroot", Created: time.Unix(0, 0)})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"make image BASE_IMAGE=path/to/base.tar", "crane@v0.22.1 pull --platform linux/" + runtime.GOARCH, "docs/image.md#an-offline-base"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q:\n%v", want, err)
		}
	}
}

// A base whose config names no platform is refused with what is missing.
func TestBaseWithoutPlatform(t *testing.T) {
	binPath := requireBinary(t)
	base, err := StandInBase(runtime.GOARCH)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := base.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture = "", ""
	if base, err = mutate.ConfigFile(base, cfg); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "base.tar")
	if err := tarball.WriteToFile(p, name.MustParseReference(standInBaseTag), base); err != nil {
		t.Fatal(err)
	}
	_, err = Build(context.Background(), Options{Binary: binPath, Base: p, Created: time.Unix(0, 0)})
	want := "its config names no platform (no os, no architecture; the binary needs linux/" + runtime.GOARCH + ")"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err %v, want %q", err, want)
	}
}

func TestTagVersionMismatch(t *testing.T) {
	for _, c := range []struct {
		tag, version string
		warn         bool
	}{
		{"ghcr.io/acme/inject-datadog:v1.0.0", "v1.0.0", false},
		{"ghcr.io/acme/inject-datadog:v1.0.0", "27bbd16", true},
		{"localhost/inject-datadog:27bbd16", "27bbd16", false},
		{"localhost/inject-datadog:e2e", "27bbd16", false},
		{"localhost/inject-datadog:latest", "v1.0.0", false},
	} {
		got := tagVersionMismatch(c.tag, c.version)
		if (got != "") != c.warn {
			t.Errorf("%s with version %s: warning %q", c.tag, c.version, got)
		}
		if c.warn && !strings.Contains(got, "VERSION=") {
			t.Errorf("%s: the warning does not say how to agree: %q", c.tag, got)
		}
	}
}

func TestWriteStandInBase(t *testing.T) {
	p := filepath.Join(t.TempDir(), "base.tar")
	if err := WriteStandInBase(runtime.GOARCH, p); err != nil {
		t.Fatal(err)
	}
	img, err := tarball.ImageFromPath(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	fs := flatten(t, img)
	if uid := passwdUID(fs["etc/passwd"].body, "nobody"); uid != "65534" {
		t.Errorf("nobody has uid %q", uid)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
}
