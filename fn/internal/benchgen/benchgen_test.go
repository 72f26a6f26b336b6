package benchgen

import (
	"bytes"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/krm"
)

func TestResourceListIsDeterministicAndValid(t *testing.T) {
	a, b := ResourceList(300, 1), ResourceList(300, 1)
	if !bytes.Equal(a, b) {
		t.Fatal("two calls gave different bytes")
	}
	rl, err := krm.Read(a)
	if err != nil {
		t.Fatalf("the generated list does not parse: %v", err)
	}
	if len(rl.Items) != 300 || len(rl.Problems) != 0 {
		t.Fatalf("%d items, %d problems", len(rl.Items), len(rl.Problems))
	}
}

// The wide variant holds the same items, with lists indented under their key.
func TestWideIsTheSameData(t *testing.T) {
	compact := ResourceList(200, 1)
	wide, err := Wide(compact)
	if err != nil {
		t.Fatal(err)
	}
	if !listUnderKey(wide, "containers:") {
		t.Fatalf("the containers are not indented under their key:\n%.2000s", wide)
	}
	a, err := krm.Read(compact)
	if err != nil {
		t.Fatal(err)
	}
	b, err := krm.Read(wide)
	if err != nil {
		t.Fatalf("the wide list does not parse: %v", err)
	}
	if len(a.Items) != len(b.Items) {
		t.Fatalf("%d items, want %d", len(b.Items), len(a.Items))
	}
	for i := range a.Items {
		x, _ := yaml.Marshal(a.Items[i].Node)
		y, _ := yaml.Marshal(b.Items[i].Node)
		if !bytes.Equal(x, y) {
			t.Fatalf("item %d differs:\n%s\n%s", i, x, y)
		}
	}
}

// listUnderKey reports whether the first line holding key is followed by a list item indented two
// columns more.
func listUnderKey(text []byte, key string) bool {
	lines := strings.Split(string(text), "\n")
	for i, l := range lines[:len(lines)-1] {
		if t := strings.TrimLeft(l, " "); t == key {
			next := lines[i+1]
			indent := len(l) - len(t)
			return strings.HasPrefix(next, strings.Repeat(" ", indent+2)+"- ")
		}
	}
	return false
}
