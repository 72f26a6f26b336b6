package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	sigsyaml "sigs.k8s.io/yaml"
)

// The Argo CD Config Management Plugin's generate command, run as the repo-server's sidecar runs
// it: in the application's directory, with kustomize and inject-datadog on PATH. Its output must
// hold the same objects as the kustomize transformer's rendering of the same application
// (examples/kustomize/expected.yaml), and a failing kustomize must fail the command.
func TestArgoCDPluginGenerate(t *testing.T) {
	var plugin struct {
		Kind string `json:"kind"`
		Spec struct {
			Generate struct {
				Command []string `json:"command"`
				Args    []string `json:"args"`
			} `json:"generate"`
		} `json:"spec"`
	}
	b, err := os.ReadFile(repo("examples", "argocd", "plugin.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := sigsyaml.Unmarshal(b, &plugin); err != nil || plugin.Kind != "ConfigManagementPlugin" || len(plugin.Spec.Generate.Command) == 0 {
		t.Fatalf("plugin.yaml is not a ConfigManagementPlugin with a generate command: %v", err)
	}
	generate := func(app string) ([]byte, string, error) {
		gen := plugin.Spec.Generate
		cmd := exec.Command(gen.Command[0], append(gen.Command[1:], gen.Args...)...)
		cmd.Dir = app
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(fnBinary)+string(os.PathListSeparator)+
			filepath.Dir(kustomizeBinary(t))+string(os.PathListSeparator)+os.Getenv("PATH"))
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		return o.Bytes(), e.String(), err
	}

	// The application: the kustomize example's resources, without the transformer, and the
	// plugin's config beside them. fnBinary is named inject-datadog, as the command wants.
	app := t.TempDir()
	for _, f := range []string{"discounts.yaml", "service.yaml"} {
		copyFile(t, repo("examples", "kustomize", f), filepath.Join(app, f))
	}
	copyFile(t, repo("examples", "argocd", "inject-datadog.yaml"), filepath.Join(app, "inject-datadog.yaml"))
	writeFile(t, filepath.Join(app, "kustomization.yaml"), "namespace: ecommerce\nresources:\n- discounts.yaml\n- service.yaml\n")
	out, stderr, err := generate(app)
	if err != nil {
		t.Fatalf("generate failed: %v\n%s", err, stderr)
	}
	want, err := os.ReadFile(repo("examples", "kustomize", "expected.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got, exp := objects(t, out), objects(t, want); got != exp {
		t.Errorf("the plugin renders other objects than the kustomize transformer:\n got %s\nwant %s", got, exp)
	}

	// A broken kustomization fails the plugin: Argo CD must not sync an empty render.
	writeFile(t, filepath.Join(app, "kustomization.yaml"), "resources:\n- missing.yaml\n")
	if out, _, err := generate(app); err == nil {
		t.Errorf("generate succeeded on a broken kustomization, printing %q", out)
	}
}

// objects decodes a multi-document stream into JSON, one object per line, in order.
func objects(t *testing.T, stream []byte) string {
	t.Helper()
	var b bytes.Buffer
	for _, doc := range bytes.Split(stream, []byte("\n---\n")) {
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		j, err := sigsyaml.YAMLToJSON(doc)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := sigsyaml.Unmarshal(j, &v); err != nil {
			t.Fatal(err)
		}
		norm, _ := sigsyaml.Marshal(v)
		b.Write(norm)
		b.WriteString("\n---\n")
	}
	return b.String()
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dst, string(b))
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
