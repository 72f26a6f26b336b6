package krm

import (
	"bytes"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const rlHead = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"

// Blank lines and column-0 comments between items head the item after them; comments after the
// last item belong to what follows the items.
func TestSplitKeepsCommentsThatHeadItems(t *testing.T) {
	in := rlHead + "items:\n# first\n- kind: A\n  metadata: {name: a}\n\n# second\n\n- kind: B\n# inside B\n  metadata: {name: b}\n# after\nfunctionConfig: {kind: C}\n"
	s, ok := SplitResourceList([]byte(in))
	if !ok {
		t.Fatal("the cutter refused the input")
	}
	if s.Len() != 2 {
		t.Fatalf("%d items, want 2", s.Len())
	}
	if got, want := string(s.Raw(0)), "# first\n- kind: A\n  metadata: {name: a}\n\n"; got != want {
		t.Errorf("item 0 is %q, want %q", got, want)
	}
	if got, want := string(s.Raw(1)), "# second\n\n- kind: B\n# inside B\n  metadata: {name: b}\n"; got != want {
		t.Errorf("item 1 is %q, want %q", got, want)
	}
	var text bytes.Buffer
	if got, want := string(s.ItemText(1, &text)), "kind: B\n# inside B\nmetadata: {name: b}\n"; got != want {
		t.Errorf("item 1 reads as %q, want %q", got, want)
	}
	if s.FunctionConfig == nil || s.FunctionConfig.Kind() != "C" {
		t.Errorf("the functionConfig was not read after the comment that ends the items")
	}
	var items ItemWriter
	for i := 0; i < s.Len(); i++ {
		items.Append(s.Raw(i))
	}
	var out bytes.Buffer
	if err := s.Output(&out, &items, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "items:\n# first\n- kind: A") || !strings.Contains(out.String(), "\n# second\n\n- kind: B\n# inside B\n") {
		t.Errorf("the items were not written back as they came:\n%s", out.String())
	}
}

// A ResourceList with no items, null items or an empty list is cut with no items and written
// back as a ResourceList.
func TestSplitWithoutItems(t *testing.T) {
	for _, in := range []string{rlHead, rlHead + "items: []\n", rlHead + "items: null\n", rlHead + "items:\nfunctionConfig: {kind: C}\n"} {
		s, ok := SplitResourceList([]byte(in))
		if !ok {
			t.Errorf("%q: refused", in)
			continue
		}
		if s.Len() != 0 {
			t.Errorf("%q: %d items", in, s.Len())
		}
		var out bytes.Buffer
		if err := s.Output(&out, &ItemWriter{}, nil); err != nil {
			t.Fatal(err)
		}
		if rl, err := Read(out.Bytes()); err != nil || len(rl.Items) != 0 {
			t.Errorf("%q: wrote %q (%v)", in, out.String(), err)
		}
	}
	if _, ok := SplitResourceList([]byte(rlHead + "items: [{kind: A}]\n")); ok {
		t.Errorf("a flow list of items was cut as if empty")
	}
}

// Reencode writes another layout in the plain shape, an alias whose anchor is in another item
// expanded into a copy, an alias inside its own item kept.
func TestReencode(t *testing.T) {
	in := rlHead + "items:\n  - kind: A\n    metadata:\n      labels: &l {app: a}\n      annotations: *l\n  - kind: B\n    metadata:\n      labels: *l\n"
	s, err := Reencode([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 2 {
		t.Fatalf("%d items", s.Len())
	}
	var text bytes.Buffer
	a := string(s.ItemText(0, &text))
	if !strings.Contains(a, "&l") || !strings.Contains(a, "annotations: *l") {
		t.Errorf("the alias inside item A was not kept:\n%s", a)
	}
	o, _, err := ReadItem(s.ItemText(1, &text))
	if err != nil || o == nil {
		t.Fatalf("item B does not read on its own: %v\n%s", err, s.ItemText(1, &text))
	}
	labels := o.Node.Content[3].Content[1]
	if labels.Kind != yaml.MappingNode || labels.Anchor != "" || len(labels.Content) != 2 || labels.Content[1].Value != "a" {
		t.Errorf("item B's alias was not expanded: %s", s.ItemText(1, &text))
	}
}

// Aliases of aliases grow as a power of their depth: expanding them stops with an error.
func TestReencodeBoundsExpansion(t *testing.T) {
	var b strings.Builder
	b.WriteString(rlHead + "functionConfig:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		b.WriteString("  a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	b.WriteString("items: [{kind: A, data: *a8}]\n")
	if _, err := Reencode([]byte(b.String())); err == nil || !strings.Contains(err.Error(), "aliases") {
		t.Errorf("expanding 10^9 nodes gave %v", err)
	}
}
