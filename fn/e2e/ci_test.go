package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The CI check of docs/ci.md, run as it is written: the shell block after the marker
// <!-- ci-check-rendered -->, in a repository laid out as it assumes (overlays/prod, the config,
// the committed render), with kustomize and inject-datadog on PATH.
func TestREADMECICheck(t *testing.T) {
	doc, err := os.ReadFile(repo("docs", "ci.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, after, found := strings.Cut(string(doc), "<!-- ci-check-rendered -->\n```sh\n")
	script, _, closed := strings.Cut(after, "```")
	if !found || !closed {
		t.Fatal("docs/ci.md has no ```sh block after <!-- ci-check-rendered -->")
	}
	dir := t.TempDir()
	for _, f := range []string{"discounts.yaml", "service.yaml"} {
		copyFile(t, repo("examples", "kustomize", f), filepath.Join(dir, "overlays", "prod", f))
	}
	writeFile(t, filepath.Join(dir, "overlays", "prod", "kustomization.yaml"), "namespace: ecommerce\nresources:\n- discounts.yaml\n- service.yaml\n")
	copyFile(t, repo("examples", "argocd", "inject-datadog.yaml"), filepath.Join(dir, "inject-datadog.yaml"))
	writeFile(t, filepath.Join(dir, "ci", "check-rendered.sh"), script)
	path := filepath.Dir(fnBinary) + string(os.PathListSeparator) + filepath.Dir(kustomizeBinary(t)) + string(os.PathListSeparator) + os.Getenv("PATH")
	run := func(name string, args ...string) (string, string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PATH="+path, "TMPDIR="+t.TempDir())
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		return o.String(), e.String(), err
	}
	render := func() {
		t.Helper()
		out, stderr, err := run("sh", "-c", "kustomize build overlays/prod | inject-datadog --config inject-datadog.yaml")
		if err != nil {
			t.Fatalf("render: %v\n%s", err, stderr)
		}
		writeFile(t, filepath.Join(dir, "rendered", "prod.yaml"), out)
	}

	render()
	if out, stderr, err := run("sh", "ci/check-rendered.sh"); err != nil || out != "" {
		t.Errorf("a fresh render fails the check: %v\nstdout %q\nstderr %s", err, out, stderr)
	}

	// The config changed since the render: check mode says where.
	copyFile(t, filepath.Join(dir, "inject-datadog.yaml"), filepath.Join(dir, "old.yaml"))
	writeFile(t, filepath.Join(dir, "inject-datadog.yaml"), "apiVersion: fn.kpt.dev/v1alpha1\nkind: InjectDatadog\nmetadata: {name: dd}\nconfig: {mode: socket}\n")
	if _, stderr, err := run("sh", "ci/check-rendered.sh"); err == nil || !strings.Contains(stderr, "not rendered with this config") {
		t.Errorf("a render made with another config passes the check: %v\n%s", err, stderr)
	}

	// The sources changed since the render: the diff says where.
	copyFile(t, filepath.Join(dir, "old.yaml"), filepath.Join(dir, "inject-datadog.yaml"))
	render()
	b, _ := os.ReadFile(filepath.Join(dir, "overlays", "prod", "discounts.yaml"))
	writeFile(t, filepath.Join(dir, "overlays", "prod", "discounts.yaml"), strings.Replace(string(b), "replicas: 1", "replicas: 3", 1))
	if !strings.Contains(string(b), "replicas: 1") {
		t.Fatal("the example's discounts.yaml has no replicas: 1 to change")
	}
	if out, _, err := run("sh", "ci/check-rendered.sh"); err == nil || !strings.Contains(out, "+  replicas: 3") {
		t.Errorf("a render older than its sources passes the check: %v\n%s", err, out)
	}
}
