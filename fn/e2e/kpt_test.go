package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// runKpt runs the real kpt with args. The directory of the function under test comes first on
// PATH, which is how the example's Kptfile (`exec: inject-datadog`) finds it, and kpt starts in a
// directory of its own, away from the package, so nothing depends on kpt's working directory.
// It returns what kpt printed, stdout and stderr together.
func runKpt(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(kptBinary(t), args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(fnBinary)+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// packageFiles reads every file under dir, by relative path.
func packageFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		files[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sameFiles reports every file that was added, removed or changed between two reads of a package.
func sameFiles(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for name, content := range after {
		if b, ok := before[name]; !ok {
			t.Errorf("%s added %s", what, name)
		} else if b != content {
			t.Errorf("%s changed %s:\nbefore:\n%s\nafter:\n%s", what, name, b, content)
		}
	}
	for name := range before {
		if _, ok := after[name]; !ok {
			t.Errorf("%s removed %s", what, name)
		}
	}
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

// `kpt fn render --allow-exec` on the example writes examples/kpt-expected, and rendering the
// rendered package again changes no file and gives the same results. (The expected package lives
// outside the example: kpt renders every directory holding a Kptfile as a subpackage, whatever
// .krmignore says, and feeds its resources to the parent's pipeline too.)
func TestKptRenderExample(t *testing.T) {
	pkg := copyDir(t, repo("examples", "kpt"))
	before := packageFiles(t, pkg)
	firstResults := t.TempDir()
	out, err := runKpt(t, "fn", "render", "--allow-exec", "--results-dir", firstResults, pkg)
	if err != nil {
		t.Fatalf("kpt fn render failed: %v\n%s", err, out)
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
		compareGolden(t, repo("examples", "kpt-expected", name), []byte(content))
	}
	// --results-dir holds the function's results: exactly one info result, the summary.
	results, err := yaml.ReadFile(filepath.Join(firstResults, "results.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	infos, err := results.Pipe(yaml.Lookup("items", "[exec=inject-datadog]", "results"))
	if err != nil || infos == nil {
		t.Fatalf("results.yaml has no results of inject-datadog (%v):\n%s", err, results.MustString())
	}
	elements, err := infos.Elements()
	if err != nil {
		t.Fatal(err)
	}
	summaries := 0
	for _, r := range elements {
		if s, _ := r.GetString("severity"); s == "info" {
			summaries++
		}
	}
	if summaries != 1 || len(elements) != 1 {
		t.Errorf("want exactly one result, the info summary; results.yaml:\n%s", results.MustString())
	}

	t.Run("again", func(t *testing.T) {
		secondResults := t.TempDir()
		out, err := runKpt(t, "fn", "render", "--allow-exec", "--results-dir", secondResults, pkg)
		if err != nil {
			t.Fatalf("the second kpt fn render failed: %v\n%s", err, out)
		}
		sameFiles(t, "the second render", after, packageFiles(t, pkg))
		sameFiles(t, "the second render's --results-dir", packageFiles(t, firstResults), packageFiles(t, secondResults))
	})
}

// kpt fn eval --exec sends `-- key=value` as a ConfigMap named function-input.
func TestKptEval(t *testing.T) {
	t.Run("tags.env", func(t *testing.T) {
		pkg := t.TempDir()
		if err := os.WriteFile(filepath.Join(pkg, "workloads.yaml"), []byte(evalWorkloads), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := runKpt(t, "fn", "eval", "--exec", fnBinary, pkg, "--", "tags.env=prod")
		if err != nil {
			t.Fatalf("kpt fn eval failed: %v\n%s", err, out)
		}
		b, err := os.ReadFile(filepath.Join(pkg, "workloads.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		// Every container and init container of both workloads: DD_ENV=prod (section 4 of the
		// rules: no tag label, so tags.env from the config; the function adds no init container).
		want := map[string]string{
			"Deployment/web: init container migrate": "prod",
			"Deployment/web: container web":          "prod",
			"Deployment/web: container sidecar":      "prod",
			"CronJob/report: container report":       "prod",
		}
		got := map[string]string{}
		docs, err := kio.FromBytes(b)
		if err != nil {
			t.Fatalf("reading kpt's output: %v\n%s", err, b)
		}
		for _, doc := range docs {
			spec := []string{"spec", "template", "spec"}
			if doc.GetKind() == "CronJob" {
				spec = []string{"spec", "jobTemplate", "spec", "template", "spec"}
			}
			for field, what := range map[string]string{"containers": "container", "initContainers": "init container"} {
				list, err := doc.Pipe(yaml.Lookup(append(spec, field)...))
				if err != nil {
					t.Fatal(err)
				}
				if list == nil {
					continue
				}
				elements, err := list.Elements()
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range elements {
					name, _ := c.GetString("name")
					key := doc.GetKind() + "/" + doc.GetName() + ": " + what + " " + name
					env, err := c.Pipe(yaml.Lookup("env", "[name=DD_ENV]", "value"))
					if err != nil {
						t.Fatal(err)
					}
					got[key] = "(no DD_ENV value)"
					if env != nil {
						got[key] = yaml.GetValue(env)
					}
				}
			}
		}
		for key, value := range want {
			if got[key] != value {
				t.Errorf("%s: DD_ENV is %q, want %q", key, got[key], value)
			}
		}
		if len(got) != len(want) {
			t.Errorf("found the containers %v, want those of %v", got, want)
		}
	})

	// The example in socket mode, as the eval's command line asks.
	t.Run("config.mode=socket", func(t *testing.T) {
		pkg := copyDir(t, repo("examples", "kpt"))
		out, err := runKpt(t, "fn", "eval", "--exec", fnBinary, pkg, "--", "tags.env=prod", "config.mode=socket")
		if err != nil {
			t.Fatalf("kpt fn eval failed: %v\n%s", err, out)
		}
		compareGolden(t, filepath.Join("testdata", "kpt-eval-socket.yaml"), []byte(packageFiles(t, pkg)["discounts.yaml"]))
	})

	t.Run("config.mode=bogus", func(t *testing.T) {
		pkg := copyDir(t, repo("examples", "kpt"))
		before := packageFiles(t, pkg)
		out, err := runKpt(t, "fn", "eval", "--exec", fnBinary, pkg, "--", "config.mode=bogus")
		if err == nil {
			t.Fatalf("kpt fn eval succeeded with config.mode=bogus:\n%s", out)
		}
		want := `data[config.mode]: must be one of hostip, service, socket, csi, found "bogus"`
		if !strings.Contains(out, want) {
			t.Errorf("kpt's output lacks %q:\n%s", want, out)
		}
		sameFiles(t, "the failed eval", before, packageFiles(t, pkg))
	})
}

// A render whose functionConfig is invalid fails with the function's message and leaves every
// file of the package as it was.
func TestKptRenderErrorLeavesThePackageUnchanged(t *testing.T) {
	pkg := copyDir(t, repo("examples", "kpt"))
	cfg := filepath.Join(pkg, "inject-datadog.yaml")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte(strings.Replace(string(b), "mode: hostip", "mdoe: hostip", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	before := packageFiles(t, pkg)
	out, err := runKpt(t, "fn", "render", "--allow-exec", pkg)
	if err == nil {
		t.Fatalf("kpt fn render succeeded with a misspelled config field:\n%s", out)
	}
	want := "config.mdoe: is not a field of InjectDatadog (did you mean config.mode?)"
	if !strings.Contains(out, want) {
		t.Errorf("kpt's output lacks %q:\n%s", want, out)
	}
	sameFiles(t, "the failed render", before, packageFiles(t, pkg))
}

// evalWorkloads has no tag label anywhere, so DD_ENV can only come from the config.
const evalWorkloads = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata:
      labels:
        admission.datadoghq.com/enabled: "true"
    spec:
      initContainers:
        - name: migrate
          image: example.com/migrate:1
      containers:
        - name: web
          image: example.com/web:1
        - name: sidecar
          image: example.com/sidecar:1
          env:
            - name: LOG_LEVEL
              value: info
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          labels:
            admission.datadoghq.com/enabled: "true"
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: example.com/report:1
`
