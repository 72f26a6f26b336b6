package cli

import (
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// A render never writes through an alias: the items and templates that were not selected read
// the same after it, whatever they share with a selected one. Render then remove gives the
// input's data back; an anchored input may come back with its aliases expanded (kustomize
// expands them before any function runs).
func TestAnchoredInputRoundTrip(t *testing.T) {
	enabled := func(name, containers string) string {
		return `- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: ` + name + `
  spec:
    template:
      metadata:
        labels: {admission.datadoghq.com/enabled: "true"}
      spec:
        containers:` + containers + "\n"
	}
	disabled := func(name, containers string) string {
		return strings.Replace(enabled(name, containers), `"true"`, `"false"`, 1)
	}
	app := "\n        - name: app\n          image: app:1"
	list := `- apiVersion: v1
  kind: List
  items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: a}
    spec:
      template:
        metadata:
          labels: {admission.datadoghq.com/enabled: "true"}
        spec:
          containers:
          - name: app
            image: app:1
            env: &env
            - name: MODE
              value: "on"
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: b}
    spec:
      template:
        metadata:
          labels: {admission.datadoghq.com/enabled: "true"}
        spec:
          containers:
          - name: app
            image: app:1
            env: *env
`
	for name, tc := range map[string]struct {
		items string
		// unselected are the indexes of the items no render may change.
		unselected []int
	}{
		"both items selected":      {enabled("first", " &c"+app) + enabled("second", " *c"), nil},
		"only the alias selected":  {disabled("first", " &c"+app) + enabled("second", " *c"), []int{0}},
		"only the anchor selected": {enabled("first", " &c"+app) + disabled("second", " *c"), []int{1}},
		"an env list shared with an unselected item": {
			disabled("first", app+"\n          env: &env\n          - name: MODE\n            value: \"on\"") +
				enabled("second", app+"\n          env: *env"), []int{0}},
		"the items of a List": {list, nil},
		"an anchor inside a shared node": {enabled("nested", "\n        - &app\n          name: app\n          image: app:1\n          env: &env\n          - name: A\n            value: a\n"+
			"        - <<: *app\n          name: side\n        - name: cron\n          image: app:1\n          env: *env"), nil},
		"an anchor no alias names": {enabled("lonely", app+"\n          env: &unused\n          - name: A\n            value: a"), nil},
		"a merge key in another item": {disabled("first", "\n        - &base\n          name: app\n          image: app:1\n          env:\n          - name: A\n            value: a") +
			enabled("second", "\n        - <<: *base\n          name: side"), []int{0}},
	} {
		in := resourceList(tc.items, "")
		rendered, stderr, code := run([]byte(in))
		if code != 0 {
			t.Fatalf("%s: the render failed:\n%s", name, stderr)
		}
		before, after := itemsValue(t, in), itemsValue(t, rendered)
		if reflect.DeepEqual(before, after) {
			t.Errorf("%s: the render changed nothing", name)
		}
		for _, i := range tc.unselected {
			if !reflect.DeepEqual(before[i], after[i]) {
				t.Errorf("%s: the render changed item %d, which is not selected, through an alias:\n%v\n%v", name, i, before[i], after[i])
			}
		}
		if again, _, _ := run([]byte(rendered)); itemsOf(t, again) != itemsOf(t, rendered) {
			t.Errorf("%s: a second render changed the output:\n%s", name, diffLines(itemsOf(t, rendered), itemsOf(t, again)))
		}
		if stderr := removeGivesBack(t, name, in, rendered); strings.Contains(stderr, "kept") {
			t.Errorf("%s: remove kept something:\n%s", name, stderr)
		}
	}
}

// A library variable the user declared without a value, or with a null one, gets the library's
// value, and removal gives back exactly what the user wrote: no value, or the null as written.
func TestRemoveRestoresValuelessVariables(t *testing.T) {
	for _, env := range []string{
		"- name: PYTHONPATH",
		"- name: PYTHONPATH\n            value:",
		"- name: PYTHONPATH\n            value: ~",
		"- name: PYTHONPATH\n            value: null # none yet",
	} {
		in := pythonDeployment("          env:\n          " + env + "\n")
		rendered, stderr, code := run([]byte(in))
		if code != 0 {
			t.Fatalf("%q: the render failed:\n%s", env, stderr)
		}
		if !strings.Contains(rendered, "          value: /datadog-lib/\n") && !strings.Contains(rendered, "          value: /datadog-lib/ # none yet\n") {
			t.Errorf("%q: PYTHONPATH is not the library's path alone:\n%s", env, rendered)
		}
		removeGivesBack(t, env, in, rendered)
	}
}

// Lists the render creates where the user wrote a null come back as the null the user wrote.
func TestRemoveRestoresNullLists(t *testing.T) {
	in := pythonDeployment("          env: null\n          volumeMounts: ~\n        initContainers:\n        volumes: Null\n")
	rendered, stderr, code := run([]byte(in))
	if code != 0 || !strings.Contains(rendered, "datadog-lib-python-init") {
		t.Fatalf("the render failed or added no library:\n%s%s", rendered, stderr)
	}
	removeGivesBack(t, "null lists", in, rendered)
}

// removeGivesBack runs removal on rendered, which must succeed and give the items of in back: byte
// for byte, or as the same data when in has anchors. It returns removal's stderr.
func removeGivesBack(t *testing.T, label, in, rendered string) string {
	t.Helper()
	removed, stderr, code := run(withMode(t, rendered, "remove"))
	if code != 0 {
		t.Errorf("%s: remove failed:\n%s", label, stderr)
		return stderr
	}
	if anchored(t, in) {
		if want, got := itemsValue(t, in), itemsValue(t, removed); !reflect.DeepEqual(want, got) {
			t.Errorf("%s: remove does not give the input's data back:\n%s", label, diffLines(itemsData(t, in), itemsData(t, removed)))
		}
		return stderr
	}
	if want, got := rawItems(t, []byte(in)), rawItems(t, []byte(removed)); want != got {
		t.Errorf("%s: remove does not give the input back:\n%s", label, diffLines(want, got))
	}
	return stderr
}

// anchored reports a ResourceList whose items have an anchor.
func anchored(t testing.TB, rl string) bool {
	t.Helper()
	return yamltree.HasAliases(yamltree.Get(root(t, rl), "items"))
}

// itemsValue is what a ResourceList's items mean, as a YAML reader decodes them: aliases and
// merge keys read through.
func itemsValue(t testing.TB, rl string) []any {
	t.Helper()
	var v struct {
		Items []any `yaml:"items"`
	}
	if err := yaml.Unmarshal([]byte(rl), &v); err != nil {
		t.Fatalf("the ResourceList does not decode: %v", err)
	}
	return v.Items
}

// A stream whose last line has no line break keeps it so through render and removal.
func TestStreamKeepsAMissingLastLineBreak(t *testing.T) {
	in := "apiVersion: v1\nkind: Pod\nmetadata: {name: a, labels: {admission.datadoghq.com/enabled: \"true\"}}\nspec:\n  containers:\n  - name: app\n    image: a:1"
	rendered, stderr, code := runArgs(nil, in)
	if code != 0 || !strings.Contains(rendered, "DD_AGENT_HOST") || strings.HasSuffix(rendered, "\n") {
		t.Fatalf("the render failed, did not inject, or ends with a line break:\n%q\n%s", rendered, stderr)
	}
	if again, _, _ := runArgs(nil, rendered); again != rendered {
		t.Errorf("a second render changed the output:\n%s", diffLines(rendered, again))
	}
	if removed, stderr, _ := runArgs([]string{"--remove"}, rendered); removed != in {
		t.Errorf("remove does not give the input back:\n%s%s", diffLines(in, removed), stderr)
	}
}

// pythonDeployment is a ResourceList of one Deployment that gets the python library; rest follows
// its container's image line.
func pythonDeployment(rest string) string {
	return resourceList(`- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    template:
      metadata:
        labels: {admission.datadoghq.com/enabled: "true"}
        annotations: {admission.datadoghq.com/python-lib.version: v3}
      spec:
        containers:
        - name: app
          image: app:1
`+rest, "")
}
