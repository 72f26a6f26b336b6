package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/krm"
)

// Every item whose data the run leaves alone comes out with the bytes it came in with, in every
// golden case whose input is in the plain shape.
func TestUntouchedItemsKeepTheirBytes(t *testing.T) {
	checked := 0
	for _, c := range goldenCases(t) {
		in := goldenInput(t, c.dir)
		s, ok := krm.SplitResourceList(in)
		if !ok || aliasesAcrossItems(t, in) {
			continue
		}
		out, _, err := process(in)
		if err != nil {
			continue
		}
		o, ok := krm.SplitResourceList(out)
		if !ok || o.Len() != s.Len() {
			t.Errorf("%s: the output has %d items in the plain shape, the input %d", c.name, o.Len(), s.Len())
			continue
		}
		for i := 0; i < s.Len(); i++ {
			if itemData(t, s, i) == itemData(t, o, i) {
				checked++
				if !bytes.Equal(s.Raw(i), o.Raw(i)) {
					t.Errorf("%s: item %d is unchanged but was rewritten:\n%s", c.name, i, diffLines(string(s.Raw(i)), string(o.Raw(i))))
				}
			}
		}
	}
	if checked < 50 {
		t.Errorf("only %d unchanged items checked", checked)
	}
}

// The spacing of passive items survives, as written in the case's input.
func TestPassiveItemSpacing(t *testing.T) {
	out, _, err := process(goldenInput(t, "testdata/golden/passive-bytes"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"    name: cm   # spacing before this comment is the user's\n",
		"  data: {list: \"[a,   b]\", flow: 'x'}\n  # a comment inside the item\n",
		"  metadata: {name: web,   namespace: shop}\n",
		"    ports: [ {port: 80},   {port: 443} ]\n",
		"    name: idle    # not selected: untouched\n",
		"        containers: [ {name: app,  image: \"example/app:1\"} ]\n",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the output lost %q", want)
		}
	}
	// The mutated item keeps its lines that the change did not touch.
	if !strings.Contains(string(out), "    name: web   # this item is mutated and written again\n") {
		t.Errorf("the mutated item lost the spacing of a line the change did not touch")
	}
	if !strings.Contains(string(out), "          env:\n          - name: DD_INTERNAL_POD_UID\n") {
		t.Errorf("the mutated item was not changed")
	}
}

func itemData(t *testing.T, s *krm.Split, i int) string {
	t.Helper()
	var buf bytes.Buffer
	var d yaml.Node
	if err := yaml.Unmarshal(s.ItemText(i, &buf), &d); err != nil {
		t.Fatal(err)
	}
	dropComments(&d)
	return string(encode(t, &d))
}

// A Namespace is recognised from its parsed kind, even when the word "Namespace" appears
// nowhere in the text (an escape in a double-quoted scalar), in the plain shape and read whole.
func TestNamespaceDecidedFromParsedData(t *testing.T) {
	in := []byte(namespaceEscapeInput)
	if _, ok := krm.SplitResourceList(in); !ok {
		t.Fatal("the cutter refused the input")
	}
	for name, in := range map[string][]byte{"plain": in, "wide": wideLayout(t, in)} {
		out, _, err := process(in)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), "runAsNonRoot: true") {
			t.Errorf("%s: the restricted namespace was not recognised:\n%s", name, out)
		}
	}
}

const namespaceEscapeInput = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: "Namesp\x61ce"
  metadata:
    name: secure
    labels: {pod-security.kubernetes.io/enforce: restricted}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: secure}
  spec:
    template:
      metadata:
        labels: {admission.datadoghq.com/enabled: "true"}
        annotations: {admission.datadoghq.com/python-lib.version: v3}
      spec:
        containers:
        - name: app
          image: app:1
`

// A Deployment as people write it: spacing before comments, a blank line, flow style, none of it
// next to a line the render adds.
const styledDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web    # spaced
  namespace: shop

spec:
  replicas: 2   # two
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels:
        admission.datadoghq.com/enabled: "true"
    spec:
      containers:
      - name: app   # main
        image: example/app:1
`

// A changed item keeps the user's lines that the change does not touch (docs/yaml-fidelity.md
// "Untouched items keep their bytes"), in a ResourceList and in a plain stream. Removal then gives
// the input back byte for byte, and render after removal gives the same output.
func TestChangedItemKeepsUntouchedLines(t *testing.T) {
	kept := []string{"name: web    # spaced\n", "namespace: shop\n\n", "replicas: 2   # two\n", "- name: app   # main\n"}
	check := func(name, out string) {
		t.Helper()
		for _, want := range kept {
			if !strings.Contains(out, want) {
				t.Errorf("%s: the output lost %q:\n%s", name, want, out)
			}
		}
		if !strings.Contains(out, "DD_AGENT_HOST") {
			t.Errorf("%s: the Deployment was not rendered:\n%s", name, out)
		}
	}

	var items strings.Builder
	for i, l := range strings.SplitAfter(strings.TrimSuffix(styledDeployment, "\n"), "\n") {
		switch {
		case i == 0:
			items.WriteString("- ")
		case l != "\n":
			items.WriteString("  ")
		}
		items.WriteString(l)
	}
	in := resourceList(items.String()+"\n", "")
	out, _, code := run([]byte(in))
	if code != 0 {
		t.Fatal("render failed")
	}
	check("item by item", out)
	removed, stderr, code := run(withMode(t, out, "remove"))
	if code != 0 {
		t.Fatalf("remove failed:\n%s", stderr)
	}
	if got, want := rawItems(t, []byte(removed)), rawItems(t, []byte(in)); got != want {
		t.Errorf("remove does not give the items back:\n%s", diffLines(want, got))
	}

	config := filepath.Join(t.TempDir(), "dd.yaml")
	if err := os.WriteFile(config, []byte("apiVersion: fn.kpt.dev/v1alpha1\nkind: InjectDatadog\nmetadata: {name: f}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stream := "---\n# Source: shop/templates/deployment.yaml\n" + styledDeployment + "---\napiVersion: v1\nkind: Service\nmetadata: {name: web,   namespace: shop}\n"
	out, stderr, code = runArgs([]string{"--config", config}, stream)
	if code != 0 {
		t.Fatalf("stream render failed:\n%s", stderr)
	}
	check("stream", out)
	removed, stderr, code = runArgs([]string{"--remove"}, out)
	if code != 0 {
		t.Fatalf("stream remove failed:\n%s", stderr)
	}
	if removed != stream {
		t.Errorf("stream remove does not give the input back:\n%s", diffLines(stream, removed))
	}
	if again, _, _ := runArgs([]string{"--config", config}, removed); again != out {
		t.Errorf("render, remove, render differs:\n%s", diffLines(out, again))
	}
}
