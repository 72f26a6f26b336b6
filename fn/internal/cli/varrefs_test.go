package cli

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"

	"inject-datadog/fn/internal/yamltree"
)

// The function never creates a $(VAR) reference Kubernetes would leave unexpanded: every golden
// output is free of them, but in the case that writes them on purpose, and there every warning
// is about a variable of the user's (docs/ci.md "$(VAR) safety").
func TestNoUnexpandedReferencesCreated(t *testing.T) {
	const warning = "Kubernetes leaves it unexpanded"
	seen := 0
	for _, c := range goldenCases(t) {
		_, stderr, _ := run(goldenInput(t, c.dir))
		for _, line := range strings.Split(stderr, "\n") {
			if !strings.Contains(line, warning) {
				continue
			}
			seen++
			if c.name != "varrefs" {
				t.Errorf("%s: %s", c.name, line)
				continue
			}
			for _, injected := range []string{"env DD_", "env PYTHONPATH", "env JAVA_TOOL_OPTIONS", "env LD_PRELOAD"} {
				if strings.Contains(line, injected) {
					t.Errorf("%s: an injected variable holds an unexpanded reference: %s", c.name, line)
				}
			}
		}
	}
	if seen != 3 {
		t.Errorf("the varrefs case gave %d warnings, want its 3 (GREETING, LOG_DIR, args[0])", seen)
	}
}

// Variables the function adds go where the references between them and the user's variables
// expand (docs/behaviour.md "The env block"): an added variable a user's variable refers to
// comes before it, one that refers to a user's variable comes after it; no warning is left, a
// second render changes nothing, and removal gives the input back.
func TestAddedVariablesOrderedByReferences(t *testing.T) {
	items := `- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop}
  spec:
    template:
      metadata:
        labels: {admission.datadoghq.com/enabled: "true"}
        annotations: {admission.datadoghq.com/python-lib.version: v2}
      spec:
        containers:
        - name: app
          image: app:1
          env:
          - name: EXTRA_PATH
            value: $(PYTHONPATH):/extra
          - name: LOG_LEVEL
            value: info
          - name: DD_INTERNAL_POD_UID
            valueFrom: {fieldRef: {fieldPath: metadata.uid}}
`
	in := resourceList(items, "")
	out, stderr, code := run([]byte(in))
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if strings.Contains(stderr, "defined later") {
		t.Errorf("a reference is left to a later definition:\n%s", stderr)
	}
	d := decodeStrict[appsv1.Deployment](t, encode(t, yamltree.Get(root(t, out), "items").Content[0]))
	app := d.Spec.Template.Spec.Containers[0]
	for _, order := range [][2]string{{"PYTHONPATH", "EXTRA_PATH"}, {"DD_INTERNAL_POD_UID", "DD_EXTERNAL_ENV"}, {"EXTRA_PATH", "LOG_LEVEL"}, {"LOG_LEVEL", "DD_INTERNAL_POD_UID"}} {
		if i, j := envIndex(app, order[0]), envIndex(app, order[1]); i < 0 || j < 0 || i > j {
			t.Errorf("%s must come before %s: %s", order[0], order[1], envNames(app))
		}
	}
	if v, _ := envValue(app, "PYTHONPATH"); v != "/datadog-lib/" {
		t.Errorf("PYTHONPATH = %q", v)
	}
	again, _, _ := run([]byte(withoutResults(t, out)))
	if itemsOf(t, again) != itemsOf(t, out) {
		t.Errorf("a second render moves variables:\n%s", diffLines(itemsOf(t, out), itemsOf(t, again)))
	}
	removed, stderr, code := run(withMode(t, out, "remove"))
	if code != 0 {
		t.Fatalf("remove failed:\n%s", stderr)
	}
	if got, want := rawItems(t, []byte(removed)), rawItems(t, []byte(in)); got != want {
		t.Errorf("remove does not give the items back:\n%s", diffLines(want, got))
	}
}
