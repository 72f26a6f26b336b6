// Package e2e runs the built function under its real clients, which the Makefile installs into
// bin/: kustomize, kpt, helm 3 (the post-renderer) and helm 4 (the post-renderer plugin).
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// fnBinary is the function under test, built once for the whole package.
var fnBinary string

// cleanups run after every test, last added first: what a test set up once for the whole package
// (the image tests' podman store and API service).
var cleanups []func()

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "inject-datadog-e2e")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		fnBinary = filepath.Join(dir, "inject-datadog")
		build := exec.Command("go", "build", "-o", fnBinary, "../")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "building the function:", err)
			return 1
		}
		defer func() {
			for i := len(cleanups) - 1; i >= 0; i-- {
				cleanups[i]()
			}
		}()
		return m.Run()
	}())
}

// repo is the repository root, from this package's directory.
func repo(parts ...string) string {
	return filepath.Join(append([]string{"..", ".."}, parts...)...)
}

// kustomizeBinary is the kustomize the Makefile installs into bin/.
func kustomizeBinary(t *testing.T) string {
	t.Helper()
	k := os.Getenv("KUSTOMIZE")
	if k == "" {
		k, _ = filepath.Abs(repo("bin", "kustomize"))
	}
	if _, err := os.Stat(k); err != nil {
		t.Fatalf("kustomize v5.8.1 is not at %s: run `make test`, which installs it", k)
	}
	return k
}

// kptBinary is the kpt the Makefile builds into bin/ from fn/tools/kpt.
func kptBinary(t *testing.T) string {
	t.Helper()
	k := os.Getenv("KPT")
	if k == "" {
		k, _ = filepath.Abs(repo("bin", "kpt"))
	}
	if _, err := os.Stat(k); err != nil {
		t.Fatalf("kpt v1.0.0-beta.61 is not at %s: run `make test`, which builds it", k)
	}
	return k
}

// copyDir copies a directory tree into a new temporary directory and returns it.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the output (UPDATE_GOLDEN=1 rewrites it); got:\n%s", path, got)
	}
}
