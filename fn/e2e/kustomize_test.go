package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// kustomizeExamples are the examples run through kustomize, each with its expected.yaml.
var kustomizeExamples = []string{"kustomize", "apm-inject", "targets", "fargate"}

// kustomizeExample copies an example and points its exec path at the binary under test; config is
// appended to its functionConfig.
func kustomizeExample(t *testing.T, name, config string) string {
	t.Helper()
	dir := copyDir(t, repo("examples", name))
	cfgPath := filepath.Join(dir, "inject-datadog.yaml")
	b, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), "../../bin/inject-datadog", fnBinary, 1)
	if config != "" {
		s += config
	}
	if err := os.WriteFile(cfgPath, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func kustomizeBuild(t *testing.T, dir string, flags ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.Command(kustomizeBinary(t), append(append([]string{"build"}, flags...), dir)...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

func TestKustomizeExamples(t *testing.T) {
	for _, name := range kustomizeExamples {
		t.Run(name, func(t *testing.T) {
			out, stderr, err := kustomizeBuild(t, kustomizeExample(t, name, ""), "--enable-alpha-plugins", "--enable-exec")
			if err != nil {
				t.Fatalf("kustomize build failed: %v\n%s", err, stderr)
			}
			compareGolden(t, repo("examples", name, "expected.yaml"), []byte(out))
		})
	}
}

// The trap docs/doors.md warns about: without --enable-exec kustomize skips the function silently.
// The output is then exactly the build without the transformer, and differs from the build with
// --enable-exec (else the comparison would show nothing).
func TestKustomizeWithoutEnableExecSkipsTheFunction(t *testing.T) {
	dir := kustomizeExample(t, "kustomize", "")
	out, stderr, err := kustomizeBuild(t, dir, "--enable-alpha-plugins")
	if err != nil {
		t.Fatalf("kustomize build failed: %v\n%s", err, stderr)
	}
	with, stderr, err := kustomizeBuild(t, dir, "--enable-alpha-plugins", "--enable-exec")
	if err != nil {
		t.Fatalf("kustomize build --enable-exec failed: %v\n%s", err, stderr)
	}

	plainDir := kustomizeExample(t, "kustomize", "")
	k := filepath.Join(plainDir, "kustomization.yaml")
	b, err := os.ReadFile(k)
	if err != nil {
		t.Fatal(err)
	}
	withoutTransformer := strings.Replace(string(b), "transformers:\n- inject-datadog.yaml\n", "", 1)
	if withoutTransformer == string(b) {
		t.Fatalf("the example's kustomization.yaml no longer lists the transformer as this test expects:\n%s", b)
	}
	if err := os.WriteFile(k, []byte(withoutTransformer), 0o644); err != nil {
		t.Fatal(err)
	}
	plain, stderr, err := kustomizeBuild(t, plainDir)
	if err != nil {
		t.Fatalf("kustomize build without the transformer failed: %v\n%s", err, stderr)
	}

	if with == plain {
		t.Fatalf("the function changed nothing even with --enable-exec: this test shows nothing")
	}
	if out != plain {
		t.Errorf("kustomize ran the function without --enable-exec; docs/doors.md says it does not:\n%s", out)
	}
}

// kustomize hides results: the reason for a failure must reach the user on stderr.
func TestKustomizeShowsErrorsOnStderr(t *testing.T) {
	_, stderr, err := kustomizeBuild(t, kustomizeExample(t, "kustomize", "  mdoe: socket\n"), "--enable-alpha-plugins", "--enable-exec")
	if err == nil {
		t.Fatalf("kustomize build succeeded with a misspelled config field")
	}
	want := "inject-datadog: error: InjectDatadog inject-datadog: config.mdoe: is not a field of InjectDatadog (did you mean config.mode?)"
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
}

// Check mode under kustomize: the example's sources are not rendered, so the build fails and
// names the first field that would change; its rendered output, built again with the same
// config in check mode, passes and comes out unchanged.
func TestKustomizeCheckMode(t *testing.T) {
	dir := kustomizeExample(t, "kustomize", "mode: check\n")
	if _, stderr, err := kustomizeBuild(t, dir, "--enable-alpha-plugins", "--enable-exec"); err == nil ||
		!strings.Contains(stderr, "not rendered with this config: inject-datadog would") {
		t.Errorf("check mode passed unrendered sources: %v\n%s", err, stderr)
	}
	rendered, err := os.ReadFile(repo("examples", "kustomize", "expected.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "rendered.yaml"), rendered, 0o644); err != nil {
		t.Fatal(err)
	}
	kustomization := "resources:\n- rendered.yaml\ntransformers:\n- inject-datadog.yaml\n"
	if err := os.WriteFile(filepath.Join(dir, "kustomization.yaml"), []byte(kustomization), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, err := kustomizeBuild(t, dir, "--enable-alpha-plugins", "--enable-exec")
	if err != nil {
		t.Fatalf("check mode failed the rendered output: %v\n%s", err, stderr)
	}
	if out != string(rendered) {
		t.Errorf("check mode changed the rendered output")
	}
}

// Leaving: removal on what the kustomize transformer rendered gives what kustomize builds
// without the transformer, byte for byte, though kustomize wrote the rendered keys sorted.
func TestKustomizeRemoveRestores(t *testing.T) {
	dir := kustomizeExample(t, "kustomize", "")
	rendered, stderr, err := kustomizeBuild(t, dir, "--enable-alpha-plugins", "--enable-exec")
	if err != nil {
		t.Fatalf("kustomize build failed: %v\n%s", err, stderr)
	}
	if err := os.WriteFile(filepath.Join(dir, "kustomization.yaml"), []byte("namespace: ecommerce\nresources:\n- discounts.yaml\n- service.yaml\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	plain, stderr, err := kustomizeBuild(t, dir)
	if err != nil {
		t.Fatalf("kustomize build failed: %v\n%s", err, stderr)
	}
	cmd := exec.Command(fnBinary, "--remove")
	cmd.Stdin = strings.NewReader(rendered)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Run(); err != nil || e.Len() > 0 {
		t.Fatalf("--remove: %v\n%s", err, e.String())
	}
	if o.String() != plain {
		t.Errorf("removal differs from the build without the function:\n got %s\nwant %s", o.String(), plain)
	}
}
