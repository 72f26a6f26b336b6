package cli

import (
	"bytes"
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
	// The mutated item is written again, as go-yaml writes it.
	if !strings.Contains(string(out), "    name: web # this item is mutated and written again\n") {
		t.Errorf("the mutated item was not rewritten")
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

// A Namespace is recognised from its parsed kind on both paths, even when the word "Namespace"
// appears nowhere in the text (an escape in a double-quoted scalar).
func TestNamespaceDecidedFromParsedData(t *testing.T) {
	in := []byte(namespaceEscapeInput)
	var split, whole bytes.Buffer
	if _, ok, err := processSplit(in, &split); !ok || err != nil {
		t.Fatalf("the fast path refused the input: %v", err)
	}
	if _, err := processWhole(in, &whole); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"item by item": split.String(), "whole document": whole.String()} {
		if !strings.Contains(out, "runAsNonRoot: true") {
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
