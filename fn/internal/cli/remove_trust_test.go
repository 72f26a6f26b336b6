package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	sigsyaml "sigs.k8s.io/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// The hostile records of these tests hold real digests (inject's TestRecordDigestsOfTheCLITests
// checks them): a record that names the user's nodes with their current content still removes
// none of them (docs/migration.md "Leaving").

// removeOne runs removal on a ResourceList of one item and decodes the item back.
func removeOne(t *testing.T, item string) (d *appsv1.Deployment, out, stderr string) {
	t.Helper()
	out, stderr, code := run(withMode(t, resourceList(item, ""), "remove"))
	if code != 0 {
		t.Fatalf("remove failed:\n%s", stderr)
	}
	return decodeDeployment(t, out), out, stderr
}

// decodeDeployment decodes the one item of a ResourceList as an apps/v1 Deployment, strictly.
func decodeDeployment(t testing.TB, rl string) *appsv1.Deployment {
	t.Helper()
	raw, err := oracleResourceList([]byte(rl))
	if err != nil || len(raw) != 1 {
		t.Fatalf("the output is not a ResourceList of one item (%v):\n%s", err, rl)
	}
	var d appsv1.Deployment
	if err := strictJSON(raw[0], &d); err != nil {
		t.Fatalf("the output does not decode as a Deployment: %v\n%s", err, rl)
	}
	return &d
}

// userTemplate is a Deployment whose template holds only what a user wrote, the record aside.
func userTemplate(record string) string {
	return `- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    template:
      metadata:
        annotations:
          inject-datadog.fn.kpt.dev/injected: '` + record + `'
          team: payments
          admission.datadoghq.com/python-lib.version: v3
      spec:
        initContainers:
        - name: migrate
          image: app:1
        containers:
        - name: app
          image: app:1
          env:
          - name: A
            value: "1"
          - name: LOG_LEVEL
            value: info
          - name: PYTHONPATH
            value: /app
          volumeMounts:
          - name: data
            mountPath: /data
        volumes:
        - name: data
          emptyDir: {}
`
}

// A record's claims on the user's annotations, variables, init containers, volumes and mounts
// remove or rewrite none of them; each is a warning naming the record's field and what it names.
func TestRemoveLeavesWhatTheUserWrote(t *testing.T) {
	const field = "spec.template.metadata.annotations.inject-datadog.fn.kpt.dev/injected: ignored: the record names "
	for _, c := range []struct {
		name, record string
		warnings     []string
	}{
		{"annotation removed", `{"annotations":{"team":null}}`, []string{`annotation "team"`}},
		{"annotation overwritten", `{"annotations":{"team":"x"}}`, []string{`annotation "team"`}},
		{"the user's library annotation", `{"annotations":{"admission.datadoghq.com/python-lib.version":null}}`,
			[]string{`annotation "admission.datadoghq.com/python-lib.version"`}},
		{"a user variable merged", `{"containers":[{"name":"app","merged":[{"name":"LOG_LEVEL","from":"debug","to":"info"}]}]}`,
			[]string{`variable "LOG_LEVEL" in container app`}},
		{"entries whose digests match", `{"containers":[{"name":"app","env":["A@ccf33bf7"],"mounts":["/data@069b0e99"]}],` +
			`"volumes":["data@282e1abc"],"initContainers":["migrate@0f2af762"]}`,
			[]string{`variable "A" in container app`, `mount "/data" in container app`, `volume "data"`, `init container "migrate"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			item := userTemplate(c.record)
			d, out, stderr := removeOne(t, item)
			for _, w := range c.warnings {
				if !strings.Contains(stderr, field+w) {
					t.Errorf("stderr lacks the warning about %s:\n%s", w, stderr)
				}
			}
			want := decodeDeployment(t, resourceList(strings.Replace(item,
				"          inject-datadog.fn.kpt.dev/injected: '"+c.record+"'\n", "", 1), ""))
			assertSameTemplate(t, &want.Spec.Template, &d.Spec.Template)
			if strings.Contains(rawItems(t, []byte(out)), "inject-datadog.fn.kpt.dev/injected") {
				t.Errorf("the record was not taken out:\n%s", out)
			}
		})
	}
}

// assertSameTemplate compares two pod templates field by field.
func assertSameTemplate(t *testing.T, want, got *corev1.PodTemplateSpec) {
	t.Helper()
	w, err1 := yamlOf(want)
	g, err2 := yamlOf(got)
	if err1 != nil || err2 != nil {
		t.Fatalf("encoding the templates: %v %v", err1, err2)
	}
	if w != g {
		t.Errorf("the template changed:\n%s", diffLines(w, g))
	}
}

// A merged entry is undone only for a variable the render merges into, and only where the value
// is what the render's rule makes of the recorded one: a record that says PYTHONPATH went from
// "x" to "/app" (no render writes that) leaves the user's "/app", with a warning naming the value.
func TestRemoveUndoesOnlyTheRendersMerges(t *testing.T) {
	for _, c := range []struct{ name, merged, warning string }{
		{"a value no render writes", `{"name":"PYTHONPATH","from":"x","to":"/app"}`,
			`spec.template.spec.containers[0].env[2].value: kept: PYTHONPATH holds "/app", which inject-datadog never makes of the recorded "x"`},
		{"a null written as text", `{"name":"PYTHONPATH","from":"oops","to":"/app","prior":"null"}`,
			`spec.template.metadata.annotations.inject-datadog.fn.kpt.dev/injected: ignored: the record names variable "PYTHONPATH" in container app with a prior value inject-datadog never records`},
		{"an unknown quote", `{"name":"PYTHONPATH","from":"","to":"/app","quote":"x"}`,
			`ignored: the record names variable "PYTHONPATH" in container app with a prior value inject-datadog never records`},
	} {
		t.Run(c.name, func(t *testing.T) {
			item := userTemplate(`{"containers":[{"name":"app","merged":[` + c.merged + `]}]}`)
			d, _, stderr := removeOne(t, item)
			if !strings.Contains(stderr, c.warning) {
				t.Errorf("stderr lacks %q:\n%s", c.warning, stderr)
			}
			if env := d.Spec.Template.Spec.Containers[0].Env; env[2].Name != "PYTHONPATH" || env[2].Value != "/app" {
				t.Errorf("PYTHONPATH changed: %+v", env[2])
			}
		})
	}
}

// A malformed record is a warning naming the template, quoting at most 200 bytes of it, and the
// template is left alone: a record of 3 MB does not come back whole on stderr or in the results.
func TestRemoveQuotesAMalformedRecordShort(t *testing.T) {
	record := "{" + strings.Repeat("x", 3<<20)
	item := userTemplate(record)
	in := resourceList(item, "")
	out, stderr, code := run(withMode(t, in, "remove"))
	if code != 0 {
		t.Fatalf("remove failed on a malformed record:\n%.2000s", stderr)
	}
	want := "spec.template.metadata.annotations.inject-datadog.fn.kpt.dev/injected: left alone: must be the record inject-datadog writes (JSON), found \"{" +
		strings.Repeat("x", 199) + "\"… (3145729 bytes)"
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks the short warning:\n%.2000s", stderr)
	}
	if len(stderr) > 2000 {
		t.Errorf("stderr holds %d bytes", len(stderr))
	}
	if results := resultsOf(t, out); len(results) > 2000 {
		t.Errorf("the results hold %d bytes", len(results))
	}
	if rawItems(t, []byte(out)) != rawItems(t, []byte(in)) {
		t.Errorf("a template with a malformed record was changed")
	}
	// A render cannot add to a record it cannot read: an error, as short.
	selected := strings.Replace(in, "      metadata:\n        annotations:\n",
		"      metadata:\n        labels: {admission.datadoghq.com/enabled: \"true\"}\n        annotations:\n", 1)
	out, stderr, code = run([]byte(selected))
	if code != 1 || !strings.Contains(stderr, "error: Deployment web: spec.template.metadata.annotations.inject-datadog.fn.kpt.dev/injected: must be the record") ||
		len(stderr) > 2000 || len(resultsOf(t, out)) > 2000 {
		t.Errorf("the render's error is not one short line (exit %d, %d bytes):\n%.2000s", code, len(stderr), stderr)
	}
}

// Removal never leaves a mount without its volume: a volume a render added that a container
// still mounts (an injected init container kept because it was edited, or a container of the
// user's) stays, with a warning naming the volume and who mounts it.
func TestRemoveKeepsVolumesStillMounted(t *testing.T) {
	rendered, stderr, code := run([]byte(resourceList(`- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    template:
      metadata:
        labels: {admission.datadoghq.com/enabled: "true", admission.datadoghq.com/config.mode: socket}
        annotations: {admission.datadoghq.com/python-lib.version: v3}
      spec:
        containers:
        - name: app
          image: app:1
`, "")))
	if code != 0 || !strings.Contains(rendered, "datadog-lib-python-init") || !strings.Contains(rendered, "- name: datadog\n") {
		t.Fatalf("the render failed or added no library or socket:\n%s%s", rendered, stderr)
	}
	// The user edits the init container's image, and adds a container that mounts the socket.
	edited := strings.Replace(rendered, "image: gcr.io/datadoghq/dd-lib-python-init:v3", "image: mirror.example/dd-lib-python-init:v3", 1)
	edited = strings.Replace(edited, "        - name: app\n", `        - name: logs
          image: logs:1
          volumeMounts:
          - name: datadog
            mountPath: /sockets
        - name: app
`, 1)
	if strings.Count(edited, "mirror.example") != 1 || !strings.Contains(edited, "/sockets") {
		t.Fatalf("the edits did not apply:\n%s", rendered)
	}
	out, stderr, code := run(withMode(t, edited, "remove"))
	if code != 0 {
		t.Fatalf("remove failed:\n%s", stderr)
	}
	for _, want := range []string{
		`spec.template.spec.initContainers[0]: kept: name "datadog-lib-python-init" was edited after inject-datadog added it`,
		`kept: volume "datadog-auto-instrumentation" is still mounted by init container datadog-lib-python-init (spec.template.spec.initContainers[0].volumeMounts[0])`,
		`kept: volume "datadog" is still mounted by container logs (spec.template.spec.containers[0].volumeMounts[0])`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	d := decodeDeployment(t, out)
	assertMountsHaveVolumes(t, &d.Spec.Template.Spec)
	if len(d.Spec.Template.Spec.Volumes) != 2 {
		t.Errorf("want the two volumes still mounted, found %+v", d.Spec.Template.Spec.Volumes)
	}
	if app := d.Spec.Template.Spec.Containers[1]; len(app.Env) > 0 || len(app.VolumeMounts) > 0 {
		t.Errorf("what the render added to app was not removed: %+v", app)
	}
}

// assertMountsHaveVolumes fails for a mount of a volume the pod lacks: the API server rejects it.
func assertMountsHaveVolumes(t testing.TB, spec *corev1.PodSpec) {
	t.Helper()
	volumes := map[string]bool{}
	for _, v := range spec.Volumes {
		volumes[v.Name] = true
	}
	for _, list := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
		for _, c := range list {
			for _, m := range c.VolumeMounts {
				if !volumes[m.Name] {
					t.Errorf("container %s mounts %q, which the pod lacks", c.Name, m.Name)
				}
			}
		}
	}
}

// Removal warns about a template without a record only for what a webhook's injection leaves
// (its init containers, the injector, the origin-detection pair), never for a template labelled
// "false", nor for variables a user or a chart sets; and it repeats none of the render's warnings.
func TestRemoveWarnsOnlyWhereItShould(t *testing.T) {
	// Datadog's agent DaemonSet as its chart renders it: opted out, never rendered, with the
	// chart's own DD_INSTRUMENTATION_INSTALL_TYPE.
	const agent = `- apiVersion: apps/v1
  kind: DaemonSet
  metadata: {name: datadog, namespace: datadog-agent}
  spec:
    selector: {matchLabels: {app: datadog}}
    template:
      metadata:
        labels: {app: datadog, admission.datadoghq.com/enabled: "false"}
      spec:
        containers:
        - name: agent
          image: gcr.io/datadoghq/agent:7.64.0
          env:
          - name: DD_INSTRUMENTATION_INSTALL_TYPE
            valueFrom: {configMapKeyRef: {name: datadog-kpi-telemetry-configmap, key: install_type}}
          - name: DD_ENTITY_ID
            valueFrom: {fieldRef: {fieldPath: metadata.uid}}
`
	webhooked := func(name, labels, rest string) string {
		return `- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: ` + name + `}
  spec:
    template:
      metadata: {labels: {` + labels + `}}
      spec:
        containers:
        - name: app
          image: app:1
` + rest
	}
	const initContainer = "        initContainers:\n        - {name: datadog-lib-python-init, image: lib:1}\n"
	const pair = "          env:\n          - {name: DD_INTERNAL_POD_UID, valueFrom: {fieldRef: {fieldPath: metadata.uid}}}\n" +
		"          - {name: DD_EXTERNAL_ENV, value: 'it-false,cn-app,pu-$(DD_INTERNAL_POD_UID)'}\n"
	const preload = "          env:\n          - {name: LD_PRELOAD, value: /opt/datadog-packages/datadog-apm-inject/stable/inject/launcher.preload.so}\n"
	const uidAlone = "          env:\n          - {name: DD_INTERNAL_POD_UID, valueFrom: {fieldRef: {fieldPath: metadata.uid}}}\n"
	legacy := `- apiVersion: extensions/v1beta1
  kind: DaemonSet
  metadata: {name: legacy}
  spec:
    template:
      metadata: {labels: {admission.datadoghq.com/enabled: "maybe"}}
      spec:
        containers:
        - {name: app, image: app:1}
`
	items := agent + legacy +
		webhooked("init", `app: a`, initContainer) +
		webhooked("pair", `app: b`, pair) +
		webhooked("preload", `app: c`, preload) +
		webhooked("uid-alone", `app: d`, uidAlone) +
		webhooked("opted-out", `admission.datadoghq.com/enabled: "false"`, pair+initContainer)
	in := resourceList(items, "")
	out, stderr, code := run(withMode(t, in, "remove"))
	if code != 0 {
		t.Fatalf("remove failed:\n%s", stderr)
	}
	const leftAlone = ": spec.template.metadata.annotations: left alone: the template carries "
	for _, want := range []string{
		"Deployment init" + leftAlone + "init container datadog-lib-python-init, which",
		"Deployment pair" + leftAlone + "DD_INTERNAL_POD_UID and DD_EXTERNAL_ENV in container app, which",
		"Deployment preload" + leftAlone + "the APM injector's LD_PRELOAD in container app, which",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if n := strings.Count(stderr, "\n"); n != 3 {
		t.Errorf("want 3 warnings, found %d:\n%s", n, stderr)
	}
	if rawItems(t, []byte(out)) != rawItems(t, []byte(in)) {
		t.Errorf("templates without a record were changed")
	}

	// The same in stream mode, with a config in a drop-in form (the chart's values) whose warning
	// is about rendering.
	config := filepath.Join(t.TempDir(), "values.yaml")
	if err := os.WriteFile(config, []byte("datadog:\n  apiKeyExistingSecret: datadog-secret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stream := asStream(agent + legacy)
	out, stderr, code = runArgs([]string{"--remove", "--config", config}, stream)
	if code != 0 || stderr != "" {
		t.Errorf("stream removal warned (exit %d):\n%s", code, stderr)
	}
	if out != stream {
		t.Errorf("stream removal changed the input:\n%s", diffLines(stream, out))
	}
}

// asStream turns the items of a ResourceList, as these tests write them, into a plain stream.
func asStream(items string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(items, "\n") {
		switch {
		case strings.HasPrefix(line, "- "):
			b.WriteString("---\n" + line[2:])
		case strings.HasPrefix(line, "  "):
			b.WriteString(line[2:])
		default:
			b.WriteString(line)
		}
	}
	return b.String()
}

func yamlOf(v any) (string, error) {
	b, err := sigsyaml.Marshal(v)
	return string(b), err
}

// The annotations a render writes are put back only where they hold what a render wrote there:
// the user's own applied-target and injection-error stay, and the safe-to-evict list loses only
// the volumes removal took out (the user's volume datadog, whose digest does not match, stays).
func TestRemoveRestoresItsAnnotationsOnlyWhereItWroteThem(t *testing.T) {
	const record = `{"volumes":["datadog@00000000"],"annotations":{"apm.datadoghq.com/injection-error":null,` +
		`"cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes":null,"internal.apm.datadoghq.com/applied-target":"x"}}`
	item := `- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    template:
      metadata:
        annotations:
          inject-datadog.fn.kpt.dev/injected: '` + record + `'
          apm.datadoghq.com/injection-error: quota
          cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes: datadog
          internal.apm.datadoghq.com/applied-target: '{"name":"mine"}'
      spec:
        containers:
        - name: app
          image: app:1
          volumeMounts:
          - {name: datadog, mountPath: /var/run/datadog}
        volumes:
        - name: datadog
          hostPath: {path: /var/run/datadog}
`
	d, _, stderr := removeOne(t, item)
	for _, want := range []string{
		`spec.template.spec.volumes[0]: kept: name "datadog" was edited after inject-datadog added it`,
		`spec.template.metadata.annotations.apm.datadoghq.com/injection-error: kept: apm.datadoghq.com/injection-error holds "quota", which is not what inject-datadog wrote`,
		`spec.template.metadata.annotations.internal.apm.datadoghq.com/applied-target: kept: internal.apm.datadoghq.com/applied-target holds "{\"name\":\"mine\"}", which is not what inject-datadog wrote`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	want := decodeDeployment(t, resourceList(strings.Replace(item,
		"          inject-datadog.fn.kpt.dev/injected: '"+record+"'\n", "", 1), ""))
	assertSameTemplate(t, &want.Spec.Template, &d.Spec.Template)
}

// A render with another target over a rendered template leaves the applied target as the first
// render wrote it, in the annotation and the variable alike: removal takes both out, and gives
// the input back without a warning.
func TestRemoveAfterARenderWithAnotherTarget(t *testing.T) {
	dir := t.TempDir()
	config := func(name, target string) string {
		path := filepath.Join(dir, name)
		body := "apiVersion: fn.kpt.dev/v1alpha1\nkind: InjectDatadog\nmetadata: {name: x}\ntargets:\n- name: " + target +
			"\n  ddTraceVersions: {python: v3}\n"
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	in := "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: app:1\n"
	first, stderr, code := runArgs([]string{"--config", config("a.yaml", "first")}, in)
	if code != 0 || !strings.Contains(first, `{"name":"first"`) {
		t.Fatalf("the first render failed or applied no target:\n%s%s", first, stderr)
	}
	second, stderr, code := runArgs([]string{"--config", config("b.yaml", "second")}, first)
	if code != 0 || strings.Contains(second, `"second"`) {
		t.Fatalf("the second render failed or wrote the second target:\n%s%s", second, stderr)
	}
	removed, stderr, code := runArgs([]string{"--remove"}, second)
	if code != 0 || stderr != "" {
		t.Errorf("remove warned (exit %d):\n%s", code, stderr)
	}
	if removed != in {
		t.Errorf("remove does not give the input back:\n%s", diffLines(in, removed))
	}
}

// A rendered template in which the user copied an instrumented container, name and all, is refused
// by removal as by a render: the record names containers by name, so removal cannot tell which
// copy it added to. The item comes back unchanged, and nothing is taken out of either copy.
func TestRemoveRefusesTwoContainersOfOneName(t *testing.T) {
	rendered, stderr, code := run([]byte(resourceList(deployment("", "{containers: [{name: app, image: app:1}]}"), "")))
	if code != 0 || !strings.Contains(rendered, "DD_AGENT_HOST") {
		t.Fatalf("the render failed or added nothing:\n%s%s", rendered, stderr)
	}
	d := decodeDeployment(t, rendered)
	if n := len(d.Spec.Template.Spec.Containers); n != 1 {
		t.Fatalf("want one container, found %d", n)
	}
	// The user copies the container, name and all.
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(rendered), &doc); err != nil {
		t.Fatal(err)
	}
	item := yamltree.Items(yamltree.Get(doc.Content[0], "items"))[0]
	containers := yamltree.Path(item, "spec", "template", "spec", "containers")
	copyOf := *containers.Content[0]
	containers.Content = append(containers.Content, &copyOf)
	b, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	edited := string(b)
	copied := decodeDeployment(t, edited)
	if n := len(copied.Spec.Template.Spec.Containers); n != 2 || copied.Spec.Template.Spec.Containers[1].Name != "app" {
		t.Fatalf("the copy did not apply:\n%s", edited)
	}
	out, stderr, code := run(withMode(t, edited, "remove"))
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, stderr)
	}
	const want = `spec.template.spec.containers[1].name: must be unique in the pod: spec.template.spec.containers[0] is also named "app"`
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
	checkErrorResult(t, out, "spec.template.spec.containers[1].name")
	if itemsOf(t, out) != itemsOf(t, edited) {
		t.Errorf("removal changed the items it refused")
	}
}

// The CWS status annotation goes with the CWS init container: where the user edited that
// container and removal keeps it, the annotation that says it is ready stays beside it.
func TestRemoveKeepsTheCWSStatusOfAKeptInitContainer(t *testing.T) {
	const cws = "{apiVersion: fn.kpt.dev/v1alpha1, kind: InjectDatadog, metadata: {name: c}, cws: {enabled: true, mode: init_container}}"
	in := resourceList(deployment(`{labels: {admission.datadoghq.com/enabled: "true", admission.datadoghq.com/cws-instrumentation.enabled: "true"}}`,
		"{containers: [{name: shell, image: shell:1}]}"), cws)
	rendered, stderr, code := run([]byte(in))
	if code != 0 || !strings.Contains(rendered, "name: cws-instrumentation") || !strings.Contains(rendered, "cws-instrumentation.status: ready") {
		t.Fatalf("the render failed or added no CWS init container:\n%s%s", rendered, stderr)
	}
	for _, c := range []struct {
		name   string
		edit   func(string) string
		status bool // the status annotation is still there after removal
	}{
		{"untouched", func(s string) string { return s }, false},
		{"the init container edited", func(s string) string {
			return strings.Replace(s, "[/cws-instrumentation, setup", "[/opt/cws-instrumentation, setup", 1)
		}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			edited := c.edit(rendered)
			if c.status && edited == rendered {
				t.Fatalf("the edit did not apply:\n%s", rendered)
			}
			d, _, stderr := removeOne(t, itemsOf(t, edited))
			spec := d.Spec.Template.Spec
			kept := len(spec.InitContainers) == 1 && spec.InitContainers[0].Name == "cws-instrumentation"
			if kept != c.status {
				t.Errorf("init container kept: %v, want %v: %+v", kept, c.status, spec.InitContainers)
			}
			assertMountsHaveVolumes(t, &spec)
			status, found := d.Spec.Template.Annotations["admission.datadoghq.com/cws-instrumentation.status"]
			if found != c.status || (found && status != "ready") {
				t.Errorf("status annotation %q (found %v), want it only beside the kept init container", status, found)
			}
			if c.status && !strings.Contains(stderr, "kept: admission.datadoghq.com/cws-instrumentation.status stays with the init container cws-instrumentation") {
				t.Errorf("no warning for the status kept:\n%s", stderr)
			}
		})
	}
}
