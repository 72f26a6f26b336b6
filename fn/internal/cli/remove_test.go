package cli

import (
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/krm"
	"inject-datadog/fn/internal/yamltree"
)

// withMode returns the ResourceList in with its functionConfig set to run mode (the same
// settings otherwise), and no results.
func withMode(t *testing.T, in, mode string) []byte {
	t.Helper()
	r := root(t, in)
	for i := 0; i+1 < len(r.Content); i += 2 {
		if r.Content[i].Value == "results" {
			r.Content = append(r.Content[:i], r.Content[i+2:]...)
			break
		}
	}
	fc := yamltree.Get(r, "functionConfig")
	switch {
	case fc == nil || fc.Kind != yaml.MappingNode || yamltree.Get(fc, "kind") == nil || yamltree.Get(fc, "kind").Value == "DatadogAgent":
		// No config, or a drop-in form (which has no mode): the native form with the mode alone.
		yamltree.Set(r, "functionConfig", yamltree.Map("apiVersion", "fn.kpt.dev/v1alpha1", "kind", "InjectDatadog", "mode", mode))
	case yamltree.Get(fc, "kind").Value == "ConfigMap":
		data := yamltree.Get(fc, "data")
		if data == nil || data.Kind != yaml.MappingNode {
			data = yamltree.Map()
			yamltree.Set(fc, "data", data)
		}
		yamltree.Set(data, "mode", yamltree.Str(mode))
	default:
		yamltree.Set(fc, "mode", yamltree.Str(mode))
	}
	// The items keep their bytes, as kpt hands them from one function to the next: only the rest
	// of the ResourceList is written again.
	s, ok := krm.SplitResourceList([]byte(in))
	if !ok || yamltree.Get(r, "items") == nil {
		return encode(t, r)
	}
	const placeholder = "__items_as_written__"
	yamltree.Set(r, "items", yamltree.Str(placeholder))
	var items strings.Builder
	items.WriteString("items:\n")
	for i := 0; i < s.Len(); i++ {
		items.Write(s.Raw(i))
	}
	out, marker := string(encode(t, r)), "items: "+placeholder+"\n"
	if strings.Count(out, marker) != 1 {
		t.Fatalf("the items' place is not one line:\n%s", out)
	}
	return []byte(strings.Replace(out, marker, items.String(), 1))
}

// Removal on the output of every golden case gives back the case's input's items byte for byte,
// the user's spacing included (docs/migration.md "Leaving"); a case whose input has anchors gets the same
// data back, its aliases possibly expanded.
func TestRemoveRestoresEveryGoldenInput(t *testing.T) {
	restored, asData := 0, 0
	for _, c := range goldenCases(t) {
		if goldenExitCode(t, c.dir) != 0 {
			continue
		}
		in := goldenInput(t, c.dir)
		rendered, _, code := run(in)
		if code != 0 {
			t.Fatalf("%s: the render failed", c.name)
		}
		removed, stderr, code := run(withMode(t, rendered, "remove"))
		if code != 0 {
			t.Errorf("%s: remove failed:\n%s", c.name, stderr)
			continue
		}
		if strings.Contains(stderr, "kept:") {
			t.Errorf("%s: remove kept parts of an untouched render:\n%s", c.name, stderr)
		}
		if anchored(t, string(in)) {
			asData++
			if want, got := itemsValue(t, string(in)), itemsValue(t, removed); !reflect.DeepEqual(want, got) {
				t.Errorf("%s: remove does not give the input's data back:\n%s", c.name, diffLines(itemsData(t, string(in)), itemsData(t, removed)))
				continue
			}
		} else if want, got := rawItems(t, in), rawItems(t, []byte(removed)); want != got {
			t.Errorf("%s: remove does not give the input back:\n%s", c.name, diffLines(want, got))
			continue
		}
		if strings.Contains(string(rendered), "inject-datadog.fn.kpt.dev/injected") {
			restored++
		}
	}
	if restored < 60 {
		t.Errorf("only %d golden cases had something to remove", restored)
	}
	if asData > 5 {
		t.Errorf("%d golden cases compared as data only: anchors were found where there are none", asData)
	}
}

// A template edited by hand after injection keeps the user's edits, each a warning naming its
// field; the rest is removed. A template with injected parts and no record is left alone.
func TestRemoveKeepsHandEdits(t *testing.T) {
	in := resourceList(`- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    template:
      metadata:
        labels: {admission.datadoghq.com/enabled: "true", tags.datadoghq.com/env: prod}
        annotations: {admission.datadoghq.com/python-lib.version: v3}
      spec:
        containers:
        - name: app
          image: app:1
          env:
          - name: PYTHONPATH
            value: /app
`, "")
	rendered, _, code := run([]byte(in))
	if code != 0 {
		t.Fatal("render failed")
	}
	edited := strings.Replace(rendered, "value: prod", "value: production", 1)
	edited = strings.Replace(edited, "value: /datadog-lib/:/app", "value: /datadog-lib/:/app:/extra", 1)
	if edited == rendered {
		t.Fatal("the edits did not apply")
	}
	out, stderr, code := run(withMode(t, edited, "remove"))
	if code != 0 {
		t.Fatalf("remove failed:\n%s", stderr)
	}
	for _, want := range []string{
		`spec.template.spec.containers[0].env[0]: kept: name "DD_ENV" was edited after inject-datadog added it`,
		`spec.template.spec.containers[0].env[1].value: kept: PYTHONPATH was edited after inject-datadog changed it`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	items := itemsOf(t, out)
	for _, gone := range []string{"DD_AGENT_HOST", "datadog-lib-python-init", "datadog-auto-instrumentation", "inject-datadog.fn.kpt.dev/injected"} {
		if strings.Contains(items, gone) {
			t.Errorf("%s was not removed:\n%s", gone, items)
		}
	}
	for _, kept := range []string{"value: production", "/datadog-lib/:/app:/extra"} {
		if !strings.Contains(items, kept) {
			t.Errorf("the user's edit %q is gone:\n%s", kept, items)
		}
	}

	// Injected parts, and no record: left alone.
	noRecord := strings.Replace(rendered, "inject-datadog.fn.kpt.dev/injected", "x-other/annotation", 1)
	out, stderr, _ = run(withMode(t, noRecord, "remove"))
	if !strings.Contains(stderr, "left alone: the template carries init container datadog-lib-python-init") {
		t.Errorf("no warning for injected parts without a record:\n%s", stderr)
	}
	if itemsOf(t, out) != itemsOf(t, string(withMode(t, noRecord, "remove"))) {
		t.Errorf("a template without a record was changed")
	}
}

// rawItems is the text of a ResourceList's items, as written.
func rawItems(t *testing.T, rl []byte) string {
	t.Helper()
	s, ok := krm.SplitResourceList(rl)
	if !ok {
		return itemsOf(t, string(rl)) // not in the plain shape: compare as go-yaml writes it
	}
	var b strings.Builder
	for i := 0; i < s.Len(); i++ {
		b.Write(s.Raw(i))
	}
	return b.String()
}

// A record that names what inject-datadog never writes (copied from another template, edited or
// forged) removes none of it: each such entry is a warning naming the record's field.
func TestRemoveIgnoresWhatItNeverWrites(t *testing.T) {
	const record = `          inject-datadog.fn.kpt.dev/injected: '{"containers":[{"name":"app","env":["LOG_LEVEL@fcf012ac"],` +
		`"mounts":["/data@069b0e99"],"created":["ports"]}],"volumes":["data@282e1abc"],"initContainers":["migrate@0f2af762"],` +
		`"sidecars":["app@00000000"],"spec":{"hostNetwork":null},"annotations":{"team":null},"created":["spec.hostAliases"]}'` + "\n"
	items := `- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    template:
      metadata:
        annotations:
` + record + `          team: web
      spec:
        initContainers:
        - name: migrate
          image: app:1
        containers:
        - name: app
          image: app:1
          env:
          - name: LOG_LEVEL
            value: info
          volumeMounts:
          - name: data
            mountPath: /data
          ports: []
        hostAliases: []
        hostNetwork: true
        volumes:
        - name: data
          emptyDir: {}
`
	out, stderr, code := run(withMode(t, resourceList(items, ""), "remove"))
	if code != 0 {
		t.Fatalf("remove failed:\n%s", stderr)
	}
	field := "spec.template.metadata.annotations.inject-datadog.fn.kpt.dev/injected: ignored: the record names "
	for _, what := range []string{`variable "LOG_LEVEL" in container app`, `mount "/data" in container app`,
		`key "ports" in container app`, `volume "data"`, `init container "migrate"`, `annotation "team"`, `key "spec.hostAliases"`,
		`container "app"`, `field spec.hostNetwork`} {
		if !strings.Contains(stderr, field+what+", which inject-datadog never writes") {
			t.Errorf("stderr lacks the warning about %s:\n%s", what, stderr)
		}
	}
	want := rawItems(t, []byte(resourceList(strings.Replace(items, record, "", 1), "")))
	if got := rawItems(t, []byte(out)); got != want {
		t.Errorf("remove took out more than the record:\n%s", diffLines(want, got))
	}
}
