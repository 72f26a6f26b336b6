package yamltree

import (
	"bytes"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func parse(t *testing.T, text string) (*Tree, *yaml.Node) {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatal(err)
	}
	return NewTree(&doc), doc.Content[0]
}

func write(t *testing.T, n *yaml.Node) string {
	t.Helper()
	var b bytes.Buffer
	if err := yaml.NewEncoder(&b).Encode(n); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// An edit of an owned node never reaches another reader of it: an alias owned becomes a copy,
// an anchor owned leaves its aliases a copy of what it held, and a key a mapping has through
// its merge key becomes a key of its own.
func TestOwnKeepsEditsToTheirUser(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		edit           func(tree *Tree, top *yaml.Node)
	}{
		{"an alias", "a: &x [1]\nb: *x\n", "a: &x [1]\nb: [1, x]\n", func(tree *Tree, top *yaml.Node) {
			Append(tree.Own(top.Content[3]), Str("x"))
		}},
		{"an anchor", "a: &x [1]\nb: *x # mine\n", "a: [1, x]\nb: [1] # mine\n", func(tree *Tree, top *yaml.Node) {
			Append(tree.Own(top.Content[1]), Str("x"))
		}},
		{"a merged key", "m: &m {k: [1]}\nn: {<<: *m}\n", "m: &m {k: [1]}\nn: {<<: *m, k: [1, x]}\n", func(tree *Tree, top *yaml.Node) {
			Append(tree.OwnKey(Get(top, "n"), "k"), Str("x"))
		}},
	} {
		tree, top := parse(t, tc.in)
		if !tree.HasAliases() {
			t.Fatalf("%s: no aliases found", tc.name)
		}
		tc.edit(tree, top)
		PlainMergeKeys(top)
		if got := write(t, top); got != tc.want {
			t.Errorf("%s: got\n%s\nwant\n%s", tc.name, got, tc.want)
		}
	}
}
