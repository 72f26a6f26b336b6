package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The uid and gid kpt runs functions as (`--user nobody`), and distroless's nonroot.
const (
	nobody  = 65534
	nonroot = 65532
)

// requireBinary is the binary `make build` wrote: $INJECT_DATADOG_BINARY, else bin/inject-datadog
// at the repository root. Missing, it fails the test under CI=true and skips it otherwise.
func requireBinary(t *testing.T) string {
	t.Helper()
	p := os.Getenv("INJECT_DATADOG_BINARY")
	if p == "" {
		p = filepath.Join("..", "..", "..", "bin", "inject-datadog")
	}
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the function binary is not at %s (run `make build`, or `make test`): %v", p, err)
		}
		t.Skipf("the function binary is not at %s; run `make build` first (under CI=true this fails)", p)
	}
	return p
}

// standInBase writes StandInBase, the base `make image-e2e` builds on, as a docker-archive
// tarball in dir.
func standInBase(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "base.tar")
	if err := WriteStandInBase(runtime.GOARCH, p); err != nil {
		t.Fatal(err)
	}
	return p
}

// buildAndWrite is what `make image` runs (main's run): Build, then Write.
func buildAndWrite(t *testing.T, o Options, out string) v1.Hash {
	t.Helper()
	img, err := Build(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Write(img, "localhost/inject-datadog:test", out)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestImage(t *testing.T) {
	binPath := requireBinary(t)
	want, err := os.ReadFile(binPath)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	o := Options{Binary: binPath, Base: standInBase(t, dir), Version: "test", Created: time.Unix(0, 0)}
	out := filepath.Join(dir, "image.tar")
	digest := buildAndWrite(t, o, out)

	// Read back as `docker load`/`crane push` would: same manifest, same digest.
	img, err := tarball.ImageFromPath(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := img.Digest(); err != nil || got != digest {
		t.Fatalf("the tarball's image digest is %v (%v), Build/Write said %v", got, err, digest)
	}
	if mt, _ := img.MediaType(); mt != types.DockerManifestSchema2 {
		t.Errorf("manifest media type %s", mt)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cfg.Config.Entrypoint, " "); got != "/inject-datadog" || len(cfg.Config.Entrypoint) != 1 {
		t.Errorf("entrypoint %q, want [\"/inject-datadog\"]", cfg.Config.Entrypoint)
	}
	if len(cfg.Config.Cmd) != 0 {
		t.Errorf("cmd %q, want none", cfg.Config.Cmd)
	}
	if cfg.Config.User != "65532:65532" {
		t.Errorf("user %q, want 65532:65532", cfg.Config.User)
	}
	if cfg.OS != "linux" || cfg.Architecture != runtime.GOARCH {
		t.Errorf("platform %s/%s", cfg.OS, cfg.Architecture)
	}
	if !cfg.Created.Time.Equal(time.Unix(0, 0)) {
		t.Errorf("created %v, want the epoch", cfg.Created)
	}
	for k, v := range map[string]string{
		"org.opencontainers.image.version":  "test",
		"org.opencontainers.image.licenses": "Apache-2.0",
	} {
		if cfg.Config.Labels[k] != v {
			t.Errorf("label %s=%q, want %q", k, cfg.Config.Labels[k], v)
		}
	}
	if layers, _ := img.Layers(); len(layers) != 2 {
		t.Errorf("%d layers, want the base's one and the binary's", len(layers))
	}

	fs := flatten(t, img)
	for p := range fs {
		switch path.Base(p) {
		case "sh", "bash", "ash", "dash", "zsh", "ksh", "busybox":
			t.Errorf("the image holds a shell: /%s", p)
		}
	}
	bin, ok := fs["inject-datadog"]
	if !ok {
		t.Fatal("no /inject-datadog in the image")
	}
	if !bytes.Equal(bin.body, want) {
		t.Errorf("/inject-datadog (%d bytes) differs from %s (%d bytes)", len(bin.body), binPath, len(want))
	}
	if bin.hdr.Mode&0o777 != 0o755 || bin.hdr.Uid != 0 || bin.hdr.Gid != 0 {
		t.Errorf("/inject-datadog has mode %o, owner %d:%d; want 755, 0:0", bin.hdr.Mode, bin.hdr.Uid, bin.hdr.Gid)
	}
	passwd, ok := fs["etc/passwd"]
	if !ok {
		t.Fatal("the base's /etc/passwd is gone")
	}
	if uid := passwdUID(passwd.body, "nobody"); uid != "65534" {
		t.Errorf("/etc/passwd gives nobody uid %q, want 65534 (kpt runs `--user nobody`)", uid)
	}
	if uid := passwdUID(passwd.body, "nonroot"); uid != "65532" {
		t.Errorf("/etc/passwd gives nonroot uid %q, want 65532", uid)
	}

	t.Run("runs as nobody", func(t *testing.T) { runAsNobody(t, bin.body) })

	t.Run("reproducible", func(t *testing.T) {
		again := filepath.Join(dir, "again.tar")
		if d := buildAndWrite(t, o, again); d != digest {
			t.Errorf("second build: digest %v, first %v", d, digest)
		}
		a, _ := os.ReadFile(out)
		b, _ := os.ReadFile(again)
		if !bytes.Equal(a, b) {
			t.Error("the two tarballs differ byte for byte")
		}
	})

	t.Run("OCI layout base", func(t *testing.T) {
		base, err := tarball.ImageFromPath(o.Base, nil)
		if err != nil {
			t.Fatal(err)
		}
		lp, err := layout.Write(filepath.Join(t.TempDir(), "layout"), empty.Index)
		if err != nil {
			t.Fatal(err)
		}
		if err := lp.AppendImage(base); err != nil {
			t.Fatal(err)
		}
		lo := o
		lo.Base = string(lp)
		img, err := Build(context.Background(), lo)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := flatten(t, img)["inject-datadog"]; !ok {
			t.Error("no /inject-datadog in the image built on the layout")
		}
	})
}

func TestBuildRefusesMismatch(t *testing.T) {
	dir := t.TempDir()
	notELF := filepath.Join(dir, "script")
	if err := os.WriteFile(notELF, []byte("#!/bin/sh\necho hi\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Build(context.Background(), Options{Binary: notELF, Base: filepath.Join(dir, "nowhere")})
	if err == nil || !strings.Contains(err.Error(), "ELF") {
		t.Errorf("a non-ELF binary: err %v", err)
	}
}

// runAsNobody runs the binary taken out of the image as uid/gid 65534 on a ResourceList with one
// Deployment that asks for injection, and expects it to inject.
func runAsNobody(t *testing.T, bin []byte) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("running as uid 65534 needs root (tests run as root in CI)")
		}
		t.Skip("running as uid 65534 needs root")
	}
	dir, err := os.MkdirTemp("", "inject-datadog-image")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil { // MkdirTemp makes it 0700: nobody could not enter
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "inject-datadog")
	if err := os.WriteFile(exe, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	// Every directory on the way must be searchable by nobody.
	for d := filepath.Dir(dir); d != "/"; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err != nil || fi.Mode().Perm()&0o001 == 0 {
			t.Fatalf("%s is not searchable by others; set TMPDIR to a world-searchable directory", d)
		}
	}
	cmd := exec.Command(exe)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody, Groups: []uint32{}}}
	cmd.Stdin = strings.NewReader(resourceList)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("as uid %d: %v\nstderr:\n%s", nobody, err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "DD_AGENT_HOST") {
		t.Errorf("no DD_AGENT_HOST in the output:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	}
}

const resourceList = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: shop
  spec:
    selector:
      matchLabels:
        app: web
    template:
      metadata:
        labels:
          app: web
          admission.datadoghq.com/enabled: "true"
      spec:
        containers:
        - name: web
          image: registry.example.com/web:1.0
`

type file struct {
	hdr  *tar.Header
	body []byte
}

// flatten reads the image's flattened filesystem, keyed by path without a leading slash.
func flatten(t *testing.T, img v1.Image) map[string]file {
	t.Helper()
	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(rc)
	fs := map[string]file{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return fs
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		fs[strings.TrimPrefix(path.Clean("/"+hdr.Name), "/")] = file{hdr, body}
	}
}

// passwdUID is the uid /etc/passwd gives user, or "".
func passwdUID(passwd []byte, user string) string {
	s := bufio.NewScanner(bytes.NewReader(passwd))
	for s.Scan() {
		f := strings.Split(s.Text(), ":")
		if len(f) >= 3 && f[0] == user {
			return f[2]
		}
	}
	return ""
}

// TestDockerfileAgrees keeps the Dockerfile, the daemon-based alternative, on the base, user and
// entrypoint `make image` uses.
func TestDockerfileAgrees(t *testing.T) {
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join("..", "..", "..", p))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	value := func(text, prefix string) string {
		for _, line := range strings.Split(text, "\n") {
			if rest, ok := strings.CutPrefix(line, prefix); ok {
				return strings.TrimSpace(strings.TrimLeft(rest, " ?:="))
			}
		}
		t.Fatalf("no line starting %q", prefix)
		return ""
	}
	dockerfile, makefile := read("Dockerfile"), read("Makefile")
	base := value(makefile, "BASE_REF ")
	if !strings.Contains(base, "@sha256:") {
		t.Errorf("the Makefile's BASE_REF %q is not pinned by digest", base)
	}
	if got := value(dockerfile, "ARG BASE_IMAGE="); got != base {
		t.Errorf("the Dockerfile's BASE_IMAGE is %s, the Makefile's BASE_REF %s", got, base)
	}
	// podman, unlike docker, resolves no short name where no registries.conf says how.
	for _, line := range strings.Split(dockerfile, "\n") {
		if from, ok := strings.CutPrefix(line, "FROM "); ok && !strings.HasPrefix(from, "${") {
			ref := strings.Fields(from)[0]
			if first, _, _ := strings.Cut(ref, "/"); !strings.ContainsAny(first, ".:") {
				t.Errorf("the Dockerfile's FROM %s is not a fully qualified name (podman needs one: docker.io/library/...)", ref)
			}
		}
	}
	if got := value(dockerfile, "USER "); got != imageUser {
		t.Errorf("the Dockerfile's USER is %s, make image's %s", got, imageUser)
	}
	if got := value(dockerfile, "ENTRYPOINT "); got != `["`+binaryPath+`"]` {
		t.Errorf("the Dockerfile's ENTRYPOINT is %s, make image's [%q]", got, binaryPath)
	}
}
