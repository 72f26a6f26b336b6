package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// The Helm example: the chart, the function's config and the expected `helm template` output.
var (
	helmChart  = repo("examples", "helm", "discounts")
	helmConfig = repo("examples", "helm", "inject-datadog.yaml")
)

// helmBinary is a helm the Makefile installs into bin/: env names the variable that overrides the
// path, rel the default path under the repository.
func helmBinary(t *testing.T, env, version string, rel ...string) string {
	t.Helper()
	h := os.Getenv(env)
	if h == "" {
		h, _ = filepath.Abs(repo(rel...))
	}
	if _, err := os.Stat(h); err != nil {
		t.Fatalf("helm %s is not at %s: run `make test`, which installs it", version, h)
	}
	return h
}

func helm3(t *testing.T) string { return helmBinary(t, "HELM", "v3.22.0", "bin", "helm") }
func helm4(t *testing.T) string { return helmBinary(t, "HELM4", "v4.3.1", "bin", "helm4", "helm") }

// helmEnv is an environment in which helm reads and writes only temporary directories and sees
// no cluster; extra is appended (a later entry wins). Plugins go to $HELM_DATA_HOME/plugins:
// Helm 4.3's `helm plugin install DIR` ignores $HELM_PLUGINS and installs there anyway.
func helmEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	home := t.TempDir()
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"HELM_CONFIG_HOME=" + filepath.Join(home, "config"),
		"HELM_CACHE_HOME=" + filepath.Join(home, "cache"),
		"HELM_DATA_HOME=" + filepath.Join(home, "data"),
		"KUBECONFIG=" + filepath.Join(home, "no-kubeconfig"),
	}
	return append(env, extra...)
}

func runHelm(t *testing.T, bin string, env []string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// helmDoc is one document of helm's output, from its `# Source:` line.
type helmDoc struct {
	source string // the chart path after "# Source: "
	text   string // the document's lines, the "---" before it excluded
}

// helmDocs splits helm's output at its "---" lines; every document must name its source.
func helmDocs(t *testing.T, out string) []helmDoc {
	t.Helper()
	var docs []helmDoc
	for _, part := range strings.Split("\n"+out, "\n---\n")[1:] {
		d := helmDoc{text: part}
		for _, line := range strings.Split(part, "\n") {
			if s, ok := strings.CutPrefix(line, "# Source: "); ok {
				d.source = s
				break
			}
		}
		if d.source == "" {
			t.Fatalf("a document of helm's output has no # Source line:\n%s", part)
		}
		docs = append(docs, d)
	}
	if len(docs) == 0 || !strings.HasPrefix(out, "---\n") {
		t.Fatalf("helm's output does not start with a document:\n%s", out)
	}
	return docs
}

// bySource maps the documents by source; each source must hold one document.
func bySource(t *testing.T, docs []helmDoc) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, d := range docs {
		if _, dup := m[d.source]; dup {
			t.Fatalf("two documents from %s", d.source)
		}
		m[d.source] = d.text
	}
	return m
}

const (
	deploymentSource = "discounts/templates/deployment.yaml"
	serviceSource    = "discounts/templates/service.yaml"
	hookSource       = "discounts/templates/migrate-job.yaml"
	crdSource        = "discounts/crds/discountcodes.yaml"
)

func envByName(env []corev1.EnvVar) map[string]corev1.EnvVar {
	m := map[string]corev1.EnvVar{}
	for _, e := range env {
		m[e.Name] = e
	}
	return m
}

func findContainer(t *testing.T, what string, cs []corev1.Container, name string) corev1.Container {
	t.Helper()
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("%s has no container %s", what, name)
	return corev1.Container{}
}

// checkEnv checks, independently of the golden files, the variables every selected pod template
// gets: the unified service tags (from the labels the chart writes from its values), the agent's
// host IP and the entity ID from the downward API, in one block before the user's variables.
func checkEnv(t *testing.T, what string, spec corev1.PodSpec, container, env, service, version string) {
	t.Helper()
	c := findContainer(t, what, spec.Containers, container)
	vars := envByName(c.Env)
	for name, want := range map[string]string{"DD_ENV": env, "DD_SERVICE": service, "DD_VERSION": version} {
		if got := vars[name]; got.Value != want || got.ValueFrom != nil {
			t.Errorf("%s: %s = %+v, want the value %q", what, name, got, want)
		}
	}
	for name, path := range map[string]string{"DD_AGENT_HOST": "status.hostIP", "DD_ENTITY_ID": "metadata.uid"} {
		got := vars[name]
		if got.Value != "" || got.ValueFrom == nil || got.ValueFrom.FieldRef == nil || got.ValueFrom.FieldRef.FieldPath != path {
			t.Errorf("%s: %s = %+v, want a fieldRef to %s", what, name, got, path)
		}
	}
	if len(c.Env) == 0 || !strings.HasPrefix(c.Env[0].Name, "DD_") {
		t.Errorf("%s: the env does not start with the injected block: %+v", what, c.Env)
	}
}

// checkPythonLibrary checks what the annotation admission.datadoghq.com/python-lib.version: v1.6.6
// asks for: the init container that copies the tracer into an emptyDir, its mount and PYTHONPATH.
func checkPythonLibrary(t *testing.T, what string, spec corev1.PodSpec, container string) {
	t.Helper()
	c := findContainer(t, what, spec.Containers, container)
	if got := envByName(c.Env)["PYTHONPATH"]; got.Value != "/datadog-lib/" {
		t.Errorf("%s: PYTHONPATH = %+v, want /datadog-lib/", what, got)
	}
	lib := findContainer(t, what, spec.InitContainers, "datadog-lib-python-init")
	if lib.Image != "gcr.io/datadoghq/dd-lib-python-init:v1.6.6" {
		t.Errorf("%s: the init container's image is %s, want gcr.io/datadoghq/dd-lib-python-init:v1.6.6", what, lib.Image)
	}
	mounted := false
	for _, m := range c.VolumeMounts {
		mounted = mounted || m.Name == "datadog-auto-instrumentation" && m.MountPath == "/datadog-lib"
	}
	hasVolume := false
	for _, v := range spec.Volumes {
		hasVolume = hasVolume || v.Name == "datadog-auto-instrumentation" && v.EmptyDir != nil
	}
	if !mounted || !hasVolume {
		t.Errorf("%s: the emptyDir datadog-auto-instrumentation is not mounted at /datadog-lib: %+v %+v", what, spec.Volumes, c.VolumeMounts)
	}
}

func decodeDeployment(t *testing.T, text string) appsv1.Deployment {
	t.Helper()
	var d appsv1.Deployment
	if err := yaml.Unmarshal([]byte(text), &d); err != nil {
		t.Fatalf("the Deployment does not decode: %v\n%s", err, text)
	}
	return d
}

func decodeJob(t *testing.T, text string) batchv1.Job {
	t.Helper()
	var j batchv1.Job
	if err := yaml.Unmarshal([]byte(text), &j); err != nil {
		t.Fatalf("the Job does not decode: %v\n%s", err, text)
	}
	return j
}

// helm3Template runs `helm template` on the example chart, with inject-datadog as the
// post-renderer when config is not empty.
func helm3Template(t *testing.T, config string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	a := append([]string{"template", "discounts", helmChart, "--include-crds"}, args...)
	if config != "" {
		a = append(a, "--post-renderer", fnBinary, "--post-renderer-args=--config="+config)
	}
	return runHelm(t, helm3(t), helmEnv(t), a...)
}

func TestHelm3PostRenderer(t *testing.T) {
	out, stderr, err := helm3Template(t, helmConfig)
	if err != nil {
		t.Fatalf("helm template failed: %v\n%s", err, stderr)
	}
	compareGolden(t, repo("examples", "helm", "expected.yaml"), []byte(out))

	plain, stderr, err := helm3Template(t, "")
	if err != nil {
		t.Fatalf("helm template without the post-renderer failed: %v\n%s", err, stderr)
	}
	got, want := bySource(t, helmDocs(t, out)), bySource(t, helmDocs(t, plain))
	if len(got) != len(want) {
		t.Errorf("with the post-renderer helm wrote %d documents, without it %d", len(got), len(want))
	}
	// The CRD (which helm template --include-crds hands over), the Service and the hook (which
	// Helm 3 never hands over) come out as helm writes them without a post-renderer.
	for _, src := range []string{serviceSource, crdSource, hookSource} {
		if got[src] != want[src] || got[src] == "" {
			t.Errorf("%s differs from helm template without the post-renderer:\n%s\nwant:\n%s", src, got[src], want[src])
		}
	}
	if strings.Contains(got[hookSource], "DD_") {
		t.Errorf("Helm 3 ran the post-renderer on a hook:\n%s", got[hookSource])
	}

	d := decodeDeployment(t, got[deploymentSource])
	// values.yaml: tags.env development, tags.service discounts, tags.version "1.0".
	checkEnv(t, "the Deployment", d.Spec.Template.Spec, "discounts", "development", "discounts", "1.0")
	checkPythonLibrary(t, "the Deployment", d.Spec.Template.Spec, "discounts")
	if c := d.Spec.Template.Spec.Containers[0]; envByName(c.Env)["FLASK_APP"].Value != "discounts.py" || envByName(c.Env)["POSTGRES_PASSWORD"].ValueFrom == nil {
		t.Errorf("the user's variables were lost: %+v", c.Env)
	}
}

// The tags follow the chart's values: --set changes the labels, and the labels the variables.
func TestHelm3PostRendererFollowsValues(t *testing.T) {
	out, stderr, err := helm3Template(t, helmConfig, "--set", "tags.env=production,tags.version=2.1.0,tags.service=coupons")
	if err != nil {
		t.Fatalf("helm template failed: %v\n%s", err, stderr)
	}
	d := decodeDeployment(t, bySource(t, helmDocs(t, out))[deploymentSource])
	checkEnv(t, "the Deployment", d.Spec.Template.Spec, "discounts", "production", "coupons", "2.1.0")
}

// A failing post-renderer fails helm, and helm shows the function's message.
func TestHelm3PostRendererFailure(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("apiVersion: fn.kpt.dev/v1alpha1\nkind: InjectDatadog\nmetadata:\n  name: inject-datadog\nconfig:\n  mdoe: socket\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, err := helm3Template(t, bad)
	if err == nil {
		t.Fatalf("helm template succeeded with a misspelled config field:\n%s", out)
	}
	want := "config.mdoe: is not a field of InjectDatadog (did you mean config.mode?)"
	if !strings.Contains(stderr, want) {
		t.Errorf("helm's stderr lacks %q:\n%s", want, stderr)
	}
	if strings.Contains(out, "kind:") {
		t.Errorf("helm printed manifests although the post-renderer failed:\n%s", out)
	}
}

// helm4WithPlugin installs the shipped plugin (examples/helm/plugin/inject-datadog) into a new
// helm data home, the way a user does, and returns helm 4's environment. The plugin finds the
// function on $PATH, or through $INJECT_DATADOG when viaVariable is set.
func helm4WithPlugin(t *testing.T, viaVariable bool) []string {
	t.Helper()
	var env []string
	if viaVariable {
		env = helmEnv(t, "INJECT_DATADOG="+fnBinary)
	} else {
		env = helmEnv(t, "PATH="+filepath.Dir(fnBinary)+string(os.PathListSeparator)+os.Getenv("PATH"))
	}
	plugin, err := filepath.Abs(repo("examples", "helm", "plugin", "inject-datadog"))
	if err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := runHelm(t, helm4(t), env, "plugin", "install", plugin); err != nil {
		t.Fatalf("helm plugin install failed: %v\n%s", err, stderr)
	}
	list, stderr, err := runHelm(t, helm4(t), env, "plugin", "list")
	if err != nil || !strings.Contains(list, "inject-datadog") || !strings.Contains(list, "postrenderer/v1") {
		t.Fatalf("helm plugin list does not show the post-renderer: %v\n%s%s", err, list, stderr)
	}
	return env
}

func helm4Run(t *testing.T, env []string, config string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	if config != "" {
		args = append(args, "--post-renderer", "inject-datadog", "--post-renderer-args=--config="+config)
	}
	return runHelm(t, helm4(t), env, args...)
}

// trimDocs is bySource with each document's trailing blank lines dropped: Helm 4 separates some
// documents with an empty line where Helm 3 does not.
func trimDocs(t *testing.T, out string) map[string]string {
	t.Helper()
	m := bySource(t, helmDocs(t, out))
	for k, v := range m {
		m[k] = strings.TrimRight(v, "\n")
	}
	return m
}

func TestHelm4Plugin(t *testing.T) {
	env := helm4WithPlugin(t, false)
	template := []string{"template", "discounts", helmChart, "--include-crds"}
	out, stderr, err := helm4Run(t, env, helmConfig, template...)
	if err != nil {
		t.Fatalf("helm template failed: %v\n%s", err, stderr)
	}
	compareGolden(t, repo("examples", "helm", "expected-helm4.yaml"), []byte(out))
	if strings.Contains(out, "postrenderer.helm.sh") {
		t.Errorf("helm's filename annotation leaked into the output:\n%s", out)
	}

	plain, stderr, err := helm4Run(t, env, "", template...)
	if err != nil {
		t.Fatalf("helm template without the post-renderer failed: %v\n%s", err, stderr)
	}
	got, want := bySource(t, helmDocs(t, out)), bySource(t, helmDocs(t, plain))
	if len(got) != len(want) {
		t.Errorf("with the post-renderer helm wrote %d documents, without it %d", len(got), len(want))
	}
	// Helm 4 never hands over crds/; the Service passes through the function untouched.
	for _, src := range []string{serviceSource, crdSource} {
		if got[src] != want[src] || got[src] == "" {
			t.Errorf("%s differs from helm template without the post-renderer:\n%s\nwant:\n%s", src, got[src], want[src])
		}
	}

	d := decodeDeployment(t, got[deploymentSource])
	checkEnv(t, "the Deployment", d.Spec.Template.Spec, "discounts", "development", "discounts", "1.0")
	checkPythonLibrary(t, "the Deployment", d.Spec.Template.Spec, "discounts")

	// Helm 4 hands hooks over with the templates: the labelled hook Job is mutated too, and only
	// lines are added to it.
	if added := onlyAdded(t, hookSource, want[hookSource], got[hookSource]); len(added) == 0 {
		t.Errorf("Helm 4 did not run the post-renderer on the hook")
	}
	j := decodeJob(t, got[hookSource])
	checkEnv(t, "the hook Job", j.Spec.Template.Spec, "migrate", "development", "discounts", "1.0")

	// Everything but the hook is what Helm 3 writes, as data: Helm 4 hands the post-renderer
	// documents it wrote again itself (lists level with their keys), Helm 3 the chart's own text,
	// whose layout the function keeps (docs/yaml-fidelity.md "Untouched items keep their bytes").
	v3, err := os.ReadFile(repo("examples", "helm", "expected.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	docs3, docs4 := trimDocs(t, string(v3)), trimDocs(t, out)
	for src, doc := range docs3 {
		if src != hookSource && asData(t, docs4[src]) != asData(t, doc) {
			t.Errorf("%s: Helm 4 wrote\n%s\nHelm 3 wrote\n%s", src, docs4[src], doc)
		}
	}
}

// asData is a document as Kubernetes reads it, in JSON.
func asData(t *testing.T, doc string) string {
	t.Helper()
	j, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		t.Fatalf("%v:\n%s", err, doc)
	}
	return string(j)
}

// Helm 4.3 drops a post-renderer's stderr; the plugin's script passes the function's message on to
// helm's stderr (through /proc, so on Linux only).
func TestHelm4PluginFailure(t *testing.T) {
	env := helm4WithPlugin(t, true)
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("apiVersion: fn.kpt.dev/v1alpha1\nkind: InjectDatadog\nmetadata:\n  name: inject-datadog\nconfig:\n  mdoe: socket\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, err := helm4Run(t, env, bad, "template", "discounts", helmChart)
	if err == nil {
		t.Fatalf("helm template succeeded with a misspelled config field:\n%s", out)
	}
	if !strings.Contains(stderr, `plugin "inject-datadog" exited with error`) {
		t.Errorf("helm's stderr does not say that the plugin failed:\n%s", stderr)
	}
	want := "config.mdoe: is not a field of InjectDatadog (did you mean config.mode?)"
	if runtime.GOOS == "linux" && !strings.Contains(stderr, want) {
		t.Errorf("helm's stderr lacks %q:\n%s", want, stderr)
	}
	if strings.Contains(out, "kind:") {
		t.Errorf("helm printed manifests although the post-renderer failed:\n%s", out)
	}
}

// Helm 4's client-side dry run needs no cluster: the release's manifests and hooks are mutated,
// and NOTES.txt, which no post-renderer ever sees, is printed as without one.
func TestHelm4InstallDryRun(t *testing.T) {
	env := helm4WithPlugin(t, false)
	install := []string{"install", "discounts", helmChart, "--dry-run=client"}
	out, stderr, err := helm4Run(t, env, helmConfig, install...)
	if err != nil {
		t.Fatalf("helm install --dry-run=client failed: %v\n%s", err, stderr)
	}
	plain, stderr, err := helm4Run(t, env, "", install...)
	if err != nil {
		t.Fatalf("helm install --dry-run=client without the post-renderer failed: %v\n%s", err, stderr)
	}
	notes := func(s string) string {
		_, n, ok := strings.Cut(s, "\nNOTES:\n")
		if !ok {
			t.Fatalf("helm printed no NOTES:\n%s", s)
		}
		return n
	}
	if notes(out) != notes(plain) {
		t.Errorf("the NOTES differ:\n%s\nwithout the post-renderer:\n%s", notes(out), notes(plain))
	}
	manifest, _, _ := strings.Cut(out, "\nNOTES:\n")
	if n := strings.Count(manifest, "fieldPath: status.hostIP"); n != 2 {
		t.Errorf("DD_AGENT_HOST is in %d pod templates, want 2 (the Deployment and the hook Job):\n%s", n, out)
	}
}

// Without a cluster, Helm 3's install --dry-run and Helm 4's upgrade --install --dry-run fail
// before rendering (docs/doors.md tells users to use helm template there).
func TestHelmDryRunsThatNeedACluster(t *testing.T) {
	_, stderr, err := runHelm(t, helm3(t), helmEnv(t), "install", "discounts", helmChart, "--dry-run",
		"--post-renderer", fnBinary, "--post-renderer-args=--config="+helmConfig)
	if err == nil || !strings.Contains(stderr, "Kubernetes cluster unreachable") {
		t.Errorf("helm 3 install --dry-run without a cluster: %v\n%s", err, stderr)
	}
	env := helm4WithPlugin(t, false)
	_, stderr, err = helm4Run(t, env, helmConfig, "upgrade", "--install", "discounts", helmChart, "--dry-run=client")
	if err == nil || !strings.Contains(stderr, "cluster unreachable") {
		t.Errorf("helm 4 upgrade --install --dry-run=client without a cluster: %v\n%s", err, stderr)
	}
}
