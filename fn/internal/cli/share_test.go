package cli

import (
	"strings"
	"testing"
)

// Removal shares again what a render had to copy (README "Leaving"): render then remove gives
// back the input's bytes, for anchors within a template, within a List, and between the items
// of a ResourceList, whichever side of the sharing was selected.
func TestRemoveSharesAgain(t *testing.T) {
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
	for name, items := range map[string]string{
		"both items selected":     enabled("first", " &c\n        - name: app\n          image: app:1") + enabled("second", " *c"),
		"only the alias selected": disabled("first", " &c\n        - name: app\n          image: app:1") + enabled("second", " *c"),
		"the items of a List":     list,
		"an anchor inside a shared node": enabled("nested", "\n        - &app\n          name: app\n          image: app:1\n          env: &env\n          - name: A\n            value: a\n"+
			"        - <<: *app\n          name: side\n        - name: cron\n          image: app:1\n          env: *env"),
		"an anchor no alias names": enabled("lonely", "\n        - name: app\n          image: app:1\n          env: &unused\n          - name: A\n            value: a"),
		"a merge key in another item": disabled("first", "\n        - &base\n          name: app\n          image: app:1\n          env:\n          - name: A\n            value: a") +
			enabled("second", "\n        - <<: *base\n          name: side"),
	} {
		in := resourceList(items, "")
		rendered, stderr, code := run([]byte(in))
		if code != 0 {
			t.Fatalf("%s: the render failed:\n%s", name, stderr)
		}
		if !strings.Contains(rendered, `"shares":[{"anchor":`) && !strings.Contains(rendered, `"mergedKeys":["/`) {
			t.Errorf("%s: the record notes no sharing:\n%s", name, rendered)
		}
		if again, _, _ := run([]byte(rendered)); itemsOf(t, again) != itemsOf(t, rendered) {
			t.Errorf("%s: a second render changed the output:\n%s", name, diffLines(itemsOf(t, rendered), itemsOf(t, again)))
		}
		if stderr := removeGivesBack(t, name, in, rendered); strings.Contains(stderr, "kept") {
			t.Errorf("%s: remove kept something:\n%s", name, stderr)
		}
	}
}

// A copy edited since the render stays a copy, with a warning naming it; the rest is shared
// again, and the data is what the user left.
func TestRemoveKeepsAnEditedCopy(t *testing.T) {
	in := resourceList(`- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    template:
      metadata:
        labels: {admission.datadoghq.com/enabled: "true"}
      spec:
        containers:
        - name: app
          image: app:1
          env: &env
          - name: LOG_LEVEL
            value: info
        - name: worker
          image: app:1
          env: *env
`, "")
	rendered, _, code := run([]byte(in))
	if code != 0 {
		t.Fatal("the render failed")
	}
	i := strings.LastIndex(rendered, "value: info")
	edited := rendered[:i] + "value: debug" + rendered[i+len("value: info"):]
	removed, stderr, code := run(withMode(t, edited, "remove"))
	if code != 0 {
		t.Fatalf("remove failed:\n%s", stderr)
	}
	want := "spec.template.spec.containers[1].env: kept as a copy: it no longer holds what &env holds"
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
	items := itemsOf(t, removed)
	for _, s := range []string{"env: &env", "value: info", "value: debug"} {
		if !strings.Contains(items, s) {
			t.Errorf("the output lacks %q:\n%s", s, items)
		}
	}
	if strings.Contains(items, "*env") || strings.Contains(items, "DD_") {
		t.Errorf("the edited copy became an alias, or injected variables stayed:\n%s", items)
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

// removeGivesBack runs removal on rendered, which must succeed and give the items of in back byte
// for byte; it returns removal's stderr.
func removeGivesBack(t *testing.T, label, in, rendered string) string {
	t.Helper()
	removed, stderr, code := run(withMode(t, rendered, "remove"))
	if code != 0 {
		t.Errorf("%s: remove failed:\n%s", label, stderr)
		return stderr
	}
	if want, got := rawItems(t, []byte(in)), rawItems(t, []byte(removed)); want != got {
		t.Errorf("%s: remove does not give the input back:\n%s", label, diffLines(want, got))
	}
	return stderr
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
