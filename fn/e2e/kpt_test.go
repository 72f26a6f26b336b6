package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/fn/runtime/exec"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// kptRun runs the function over a package directory the way kpt does (kpt is not installable
// here): read every KRM file and the Kptfile keeping sequence indentation, run the exec function
// with global scope, write the files back in place. It returns the function's results.
func kptRun(t *testing.T, pkg string, fnConfig *yaml.RNode) (*yaml.RNode, error) {
	t.Helper()
	abs, err := filepath.Abs(pkg)
	if err != nil {
		t.Fatal(err)
	}
	rw := &kio.LocalPackageReadWriter{
		PackagePath:       abs,
		MatchFilesGlob:    append([]string{"Kptfile"}, kio.MatchAll...),
		PreserveSeqIndent: true,
		WrapBareSeqNode:   true,
	}
	f := &exec.Filter{Path: fnBinary, WorkingDir: abs}
	f.FunctionConfig = fnConfig
	f.GlobalScope = true
	err = kio.Pipeline{Inputs: []kio.Reader{rw}, Filters: []kio.Filter{f}, Outputs: []kio.Writer{rw}}.Execute()
	return f.Results, err
}

// kptfileConfig reads the functionConfig that the package's Kptfile names with configPath.
func kptfileConfig(t *testing.T, pkg string) *yaml.RNode {
	t.Helper()
	kf, err := yaml.ReadFile(filepath.Join(pkg, "Kptfile"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := kf.Pipe(yaml.Lookup("pipeline", "mutators", "[exec=inject-datadog]", "configPath"))
	if err != nil || p == nil {
		t.Fatalf("the Kptfile has no inject-datadog mutator with a configPath: %v", err)
	}
	cfg, err := yaml.ReadFile(filepath.Join(pkg, yaml.GetValue(p)))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// packageFiles reads every file of a package, by relative path, leaving out .expected.
func packageFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if info.IsDir() {
			if rel == ".expected" {
				return filepath.SkipDir
			}
			return nil
		}
		b, err := os.ReadFile(p)
		files[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// onlyAdded checks that every line of before is still in after, in order: the run only added lines.
func onlyAdded(t *testing.T, name, before, after string) (added []string) {
	t.Helper()
	b := strings.Split(before, "\n")
	i := 0
	for _, line := range strings.Split(after, "\n") {
		if i < len(b) && line == b[i] {
			i++
			continue
		}
		added = append(added, line)
	}
	if i != len(b) {
		t.Errorf("%s: the run changed or removed the user's line %d %q; only additions are allowed", name, i+1, b[i])
	}
	return added
}

func TestKptRenderExample(t *testing.T) {
	src := repo("examples", "kpt")
	pkg := copyDir(t, src)
	before := packageFiles(t, pkg)
	results, err := kptRun(t, pkg, kptfileConfig(t, pkg))
	if err != nil {
		t.Fatalf("the pipeline failed: %v", err)
	}
	after := packageFiles(t, pkg)
	if len(after) != len(before) {
		t.Errorf("the package had %d files and now has %d", len(before), len(after))
	}
	for name, content := range after {
		added := onlyAdded(t, name, before[name], content)
		if name == "discounts.yaml" && len(added) == 0 {
			t.Errorf("discounts.yaml was not mutated")
		}
		if name != "discounts.yaml" && len(added) > 0 {
			t.Errorf("%s changed, but holds no selected pod template: %q", name, added)
		}
		compareGolden(t, filepath.Join(src, ".expected", name), []byte(content))
	}
	if s, _ := results.String(); !strings.Contains(s, "1 pod template: 1 instrumented") {
		t.Errorf("the results lack the summary:\n%s", s)
	}

	// Rendering again changes nothing.
	if _, err := kptRun(t, pkg, kptfileConfig(t, pkg)); err != nil {
		t.Fatalf("the second render failed: %v", err)
	}
	for name, content := range packageFiles(t, pkg) {
		if content != after[name] {
			t.Errorf("the second render changed %s", name)
		}
	}
}

// `kpt fn eval --exec inject-datadog -- tags.env=prod config.mode=socket` sends these settings as
// a ConfigMap whose values kpt tags as strings.
func TestKptEvalConfigMap(t *testing.T) {
	pkg := copyDir(t, repo("examples", "kpt"))
	cfg := yaml.MustParse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: function-input\ndata:\n  tags.env: !!str prod\n  config.mode: !!str socket\n")
	if _, err := kptRun(t, pkg, cfg); err != nil {
		t.Fatalf("the pipeline failed: %v", err)
	}
	compareGolden(t, filepath.Join("testdata", "kpt-eval-socket.yaml"), []byte(packageFiles(t, pkg)["discounts.yaml"]))
}

// A failing run leaves every file as it was.
func TestKptErrorLeavesThePackageUnchanged(t *testing.T) {
	pkg := copyDir(t, repo("examples", "kpt"))
	before := packageFiles(t, pkg)
	cfg := yaml.MustParse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: function-input\ndata:\n  config.mode: !!str udp\n")
	if _, err := kptRun(t, pkg, cfg); err == nil {
		t.Fatalf("the pipeline succeeded with config.mode=udp")
	}
	for name, content := range packageFiles(t, pkg) {
		if content != before[name] {
			t.Errorf("the failed run changed %s", name)
		}
	}
}
