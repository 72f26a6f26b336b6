package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"

	"inject-datadog/fn/internal/yamltree"
)

// A plain stream as helm template and kustomize build print it: comments, separators, a Service
// with spacing of its own, a labelled Deployment, a List.
const helmStream = `---
# Source: shop/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web   # the user's spacing
spec:
  ports: [ {port: 80} ]
---
# Source: shop/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata:
      labels:
        admission.datadoghq.com/enabled: "true"
        tags.datadoghq.com/env: prod
    spec:
      containers:
        - name: app
          image: example/app:1
---
apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: listed}
  spec:
    template:
      metadata:
        labels: {admission.datadoghq.com/enabled: "true"}
      spec:
        containers: [{name: app, image: example/app:1}]
`

func runArgs(args []string, in string) (stdout, stderr string, code int) {
	var o, e bytes.Buffer
	code = Main(args, strings.NewReader(in), &o, &e)
	return o.String(), e.String(), code
}

func TestStreamMutatesLikeAResourceList(t *testing.T) {
	out, stderr, code := runArgs(nil, helmStream)
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	docs := strings.Split(out, "---\n")
	if len(docs) != 4 || docs[0] != "" {
		t.Fatalf("want the three documents back, in order:\n%s", out)
	}
	// The Service is untouched: its bytes, comment and separator included.
	wantService := strings.Split(helmStream, "---\n")[1]
	if docs[1] != wantService {
		t.Errorf("the Service changed:\n%s", diffLines(wantService, docs[1]))
	}
	if !strings.HasPrefix(docs[2], "# Source: shop/templates/deployment.yaml\n") {
		t.Errorf("the Deployment lost its Source comment:\n%s", docs[2])
	}
	d := decodeStrict[appsv1.Deployment](t, []byte(docs[2]))
	c := d.Spec.Template.Spec.Containers[0]
	if v, _ := envValue(c, "DD_ENV"); v != "prod" {
		t.Errorf("DD_ENV = %q, want prod (the tag label)", v)
	}
	if c.Env[len(c.Env)-1].Name != "DD_AGENT_HOST" || c.Env[len(c.Env)-1].ValueFrom.FieldRef.FieldPath != "status.hostIP" {
		t.Errorf("DD_AGENT_HOST is not the last variable, from status.hostIP: %+v", c.Env)
	}
	if !strings.Contains(docs[3], "kind: List") || !strings.Contains(docs[3], "DD_AGENT_HOST") {
		t.Errorf("the List's Deployment was not mutated, or the List not kept:\n%s", docs[3])
	}

	// The same items as a ResourceList give the same objects.
	rl := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"
	for _, doc := range strings.Split(helmStream, "---\n")[1:] {
		rl += "- " + strings.ReplaceAll(strings.TrimSuffix(doc, "\n"), "\n", "\n  ") + "\n"
	}
	rlOut, _, code := run([]byte(rl))
	if code != 0 {
		t.Fatalf("the ResourceList run failed")
	}
	items := yamltree.Get(root(t, rlOut), "items")
	viaRL := decodeStrict[appsv1.Deployment](t, encode(t, items.Content[1]))
	if !equalJSON(t, viaRL.Spec, d.Spec) {
		t.Errorf("the stream and the ResourceList mutate the Deployment differently")
	}

	// Idempotent, byte for byte.
	again, _, _ := runArgs(nil, out)
	if again != out {
		t.Errorf("a second run changed the stream:\n%s", diffLines(out, again))
	}
}

func TestStreamEdges(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "dd.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	configMap := filepath.Join(dir, "cm.yaml")
	write(t, good, "apiVersion: fn.kpt.dev/v1alpha1\nkind: InjectDatadog\nmetadata: {name: dd}\ntags: {env: staging}\n")
	write(t, bad, "apiVersion: fn.kpt.dev/v1alpha1\nkind: InjectDatadog\nconfig: {mode: bogus}\n")
	write(t, configMap, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dd}\ndata: {tags.env: qa}\n")
	deployment := "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    metadata:\n      labels: {admission.datadoghq.com/enabled: \"true\"}\n    spec:\n      containers: [{name: app}]\n"
	libDeployment := strings.Replace(deployment, "labels: {admission.datadoghq.com/enabled: \"true\"}", "labels: {admission.datadoghq.com/enabled: \"true\"}\n      annotations: {admission.datadoghq.com/python-lib.version: v3}", 1)
	rendered, _, _ := runArgs(nil, deployment)
	tests := []struct {
		name                 string
		args                 []string
		in                   string
		code                 int
		stdout, stderrHas    string
		stdoutHas, stdoutNot string
	}{
		{name: "empty input: zero objects", in: "", stdout: ""},
		{name: "only comments", in: "# nothing\n", stdout: "# nothing\n"},
		{name: "a trailing separator (Helm, istio samples)", in: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n", stdout: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n"},
		{name: "passive objects keep their bytes", in: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a,   namespace: b}\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s   # c\n", stdout: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a,   namespace: b}\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s   # c\n"},
		{name: "--config InjectDatadog", args: []string{"--config", good}, in: deployment, stdoutHas: "value: staging"},
		{name: "--config=ConfigMap", args: []string{"--config=" + configMap}, in: deployment, stdoutHas: "value: qa"},
		{name: "no --config: the defaults", in: deployment, stdoutHas: "DD_AGENT_HOST", stdoutNot: "DD_ENV"},
		{name: "a bad config: nothing on stdout", args: []string{"--config", bad}, in: deployment, code: 1, stderrHas: bad + "): config.mode: "},
		{name: "a missing config file", args: []string{"--config", filepath.Join(dir, "none.yaml")}, in: deployment, code: 1, stderrHas: "--config: open "},
		{name: "an error in one document: nothing on stdout", in: deployment + "---\n" + strings.Replace(deployment, "name: web", "name: broken", 1) + "  x: [\n", code: 1, stderrHas: "document 2 of the input is not valid YAML"},
		{name: "a template error: nothing on stdout", in: strings.Replace(deployment, "containers: [{name: app}]", "containers: 3", 1), code: 1, stderrHas: "error: Deployment web (file stdin): spec.template.spec.containers: must be a list of containers"},
		{name: "--config with a ResourceList", args: []string{"--config", good}, in: "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n", code: 1, stderrHas: "--config, --check, --remove, --explain and --images are for plain YAML streams"},
		{name: "--verbose prints the summary", args: []string{"--verbose"}, in: deployment, stdoutHas: "DD_AGENT_HOST", stderrHas: "info: inject-datadog: 1 pod template: 1 instrumented"},
		{name: "quiet without --verbose", in: deployment, stdoutHas: "DD_AGENT_HOST", stdout: "-"},
		{name: "--check on a stale stream: nothing on stdout", args: []string{"--check"}, in: deployment, code: 1, stderrHas: "error: Deployment web (file stdin): spec.template.spec.containers[0].env: not rendered with this config: inject-datadog would add [DD_INTERNAL_POD_UID, DD_EXTERNAL_ENV, DD_ENTITY_ID, ...] here"},
		{name: "--check on a rendered stream: nothing at all", args: []string{"--check"}, in: rendered, stdout: ""},
		{name: "--images: the list alone", args: []string{"--images"}, in: deployment + "---\n" + libDeployment, stdout: "gcr.io/datadoghq/dd-lib-python-init:v3\n"},
		{name: "a separator with a comment, changed: the comment once", in: "--- # web\n" + deployment, stdoutHas: "--- # web\napiVersion: apps/v1\n", stdoutNot: "# web\n# web"},
		{name: "--explain: the explanations on stderr", args: []string{"--explain"}, in: deployment, stdoutHas: "DD_AGENT_HOST", stderrHas: "info: Deployment web (file stdin): Deployment web: instrumented (template label admission.datadoghq.com/enabled=true); agent hostip; no tags; no library"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := runArgs(tt.args, tt.in)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			if tt.code != 0 && out != "" {
				t.Errorf("an error, and stdout holds:\n%s", out)
			}
			if tt.code == 0 && tt.stdoutHas == "" && out != tt.stdout {
				t.Errorf("stdout %q, want %q", out, tt.stdout)
			}
			if !strings.Contains(out, tt.stdoutHas) || (tt.stdoutNot != "" && strings.Contains(out, tt.stdoutNot)) {
				t.Errorf("stdout lacks %q or holds %q:\n%s", tt.stdoutHas, tt.stdoutNot, out)
			}
			if !strings.Contains(stderr, tt.stderrHas) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderrHas, stderr)
			}
			if tt.stderrHas == "" && stderr != "" {
				t.Errorf("stderr not empty:\n%s", stderr)
			}
		})
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(ja, jb)
}

// --help names every flag the command takes.
func TestHelpListsEveryFlag(t *testing.T) {
	out, _, code := runArgs([]string{"--help"}, "")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, flag := range []string{"--config FILE", "--check", "--remove", "--explain", "--images", "--verbose, -v", "--help, -h", "--version"} {
		if !strings.Contains(out, "\n  "+flag+" ") {
			t.Errorf("--help does not list %s", flag)
		}
		if _, _, code := runArgs([]string{strings.TrimSuffix(strings.Fields(flag)[0], ",")}, ""); code != 0 && flag != "--config FILE" && flag != "--check" {
			t.Errorf("%s is listed but refused", flag)
		}
	}
}

// A library annotation with an empty value counts as absent, with a warning; never a panic.
func TestEmptyLibraryAnnotationCountsAsAbsent(t *testing.T) {
	in := `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata:
      labels: {admission.datadoghq.com/enabled: "true"}
      annotations: {admission.datadoghq.com/python-lib.version: "", admission.datadoghq.com/app.js-lib.version: ""}
    spec:
      containers:
      - name: app
        image: app:1
`
	out, stderr, code := runArgs(nil, in)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if strings.Count(stderr, "ignored: the value is empty; the annotation counts as absent") != 2 {
		t.Errorf("the empty annotations are not both reported:\n%s", stderr)
	}
	if strings.Contains(out, "initContainers") || !strings.Contains(out, "DD_AGENT_HOST") {
		t.Errorf("a library was injected, or the template was not rendered:\n%s", out)
	}
}
