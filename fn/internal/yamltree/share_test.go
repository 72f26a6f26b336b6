package yamltree

import (
	"bytes"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func parse(t *testing.T, text string) *Tree {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatal(err)
	}
	return NewTree(&doc)
}

func write(t *testing.T, tree *Tree) string {
	t.Helper()
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	if err := enc.Encode(tree.root); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Every node's pointer leads back to it, keys with "/" and "~" included; a pointer that names
// nothing gives nil.
func TestPointersLeadBack(t *testing.T) {
	tree := parse(t, "a/b: {c~d: [x, {e: y}]}\nlist: [1, 2]\n")
	want := map[*yaml.Node]bool{}
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		want[n] = true
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(tree.Top())
	at := Pointers(tree.Top(), want)
	if len(at) != 9 { // every node but the 4 keys
		t.Errorf("%d pointers: %v", len(at), at)
	}
	if at[At(tree.Top(), "/a~1b/c~0d/1/e")] != "/a~1b/c~0d/1/e" {
		t.Errorf("the pointer of a/b.c~d[1].e is %q", at[At(tree.Top(), "/a~1b/c~0d/1/e")])
	}
	for n, p := range at {
		if At(tree.Top(), p) != n {
			t.Errorf("%q does not lead back to its node", p)
		}
	}
	for _, p := range []string{"/list/2", "/list/01", "/list/-1", "/nope", "a/b", "/list/0/x"} {
		if At(tree.Top(), p) != nil {
			t.Errorf("%q names a node", p)
		}
	}
}

// Sharing again: only an equal copy, written after its anchor and outside it, becomes an alias;
// an anchor name another node has is not given twice.
func TestAliasAndName(t *testing.T) {
	tree := parse(t, "a: &x [1, 2]\nb: [1, 2]\nc: [1, 3]\nd: [1, 2] # mine\n")
	top := tree.Top()
	a, b, c, d := At(top, "/a"), At(top, "/b"), At(top, "/c"), At(top, "/d")
	if tree.Alias(a, c) {
		t.Error("a copy with other data became an alias")
	}
	if tree.Alias(b, a) {
		t.Error("an unnamed node was aliased")
	}
	if !tree.Alias(a, b) || !tree.Alias(a, d) {
		t.Fatal("equal copies after the anchor did not become aliases")
	}
	if got, want := write(t, tree), "a: &x [1, 2]\nb: *x\nc: [1, 3]\nd: *x # mine\n"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}

	tree = parse(t, "a: [1]\nb: &x [2]\nc: *x\nd: [1]\n")
	top = tree.Top()
	if tree.Name(At(top, "/a"), "x") {
		t.Error("a name another node has was given twice")
	}
	if !tree.Name(At(top, "/d"), "y") || tree.Alias(At(top, "/d"), At(top, "/a")) {
		t.Error("a copy before its anchor became an alias")
	}

	tree = parse(t, "a: &x {k: [v]}\n")
	if tree.Alias(At(tree.Top(), "/a"), At(tree.Top(), "/a/k")) {
		t.Error("a node inside its anchor became an alias of it")
	}
}

// Equal compares data, styles and the comments inside, not the compared nodes' own comments.
func TestEqual(t *testing.T) {
	tree := parse(t, "a: {k: v} # c\nb: {k: v}\nc: {k: 'v'}\nd:\n  k: v # inside\ne: {k: \"1\"}\nf: {k: 1}\n")
	top := tree.Top()
	for _, tc := range []struct {
		a, b string
		want bool
	}{{"/a", "/b", true}, {"/a", "/c", false}, {"/b", "/d", false}, {"/e", "/f", false}} {
		if got := Equal(At(top, tc.a), At(top, tc.b)); got != tc.want {
			t.Errorf("Equal(%s, %s) = %v", tc.a, tc.b, got)
		}
	}
}

// Own notes what it unshares: the alias made a copy, the anchor whose name it took off.
func TestOwnNotesWhatItUnshares(t *testing.T) {
	tree := parse(t, "a: &x [1]\nb: *x\nm: &m {k: v}\nn: {<<: *m}\n")
	top := tree.Top()
	tree.Own(At(top, "/a"))
	tree.OwnKey(At(top, "/n"), "k")
	log, keys := tree.TakeUnshared()
	if len(log) != 1 || log[0].Name != "x" || !log[0].Cleared || log[0].Anchor != At(top, "/a") ||
		len(log[0].Copies) != 1 || log[0].Copies[0] != At(top, "/b") {
		t.Errorf("the log is %+v", log)
	}
	if len(keys) != 1 || keys[0].Map != At(top, "/n") || keys[0].Key != "k" {
		t.Errorf("the key copies are %+v", keys)
	}
	if log, keys := tree.TakeUnshared(); log != nil || keys != nil {
		t.Error("TakeUnshared did not forget")
	}
}
