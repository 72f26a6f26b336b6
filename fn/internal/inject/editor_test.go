package inject

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A write of a name the table of names.go lacks fails the render with an error, not a panic:
// removal would refuse to take such a name out.
func TestEditorRefusesANameTheTableLacks(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("containers: [{name: app}]\ninitContainers: [{name: user-init}]\n"), &doc); err != nil {
		t.Fatal(err)
	}
	spec := doc.Content[0]
	ic := spec.Content[3].Content[0]
	spec.Content = spec.Content[:2]
	e := &editor{spec: spec, owned: map[*yaml.Node]ownedEntry{}}
	if writes.inits["user-init"] {
		t.Fatal("the table lists user-init; pick a name it lacks")
	}
	e.addInit(ic, false)
	err := e.finish()
	if err == nil || !strings.Contains(err.Error(), `must not write the init container "user-init"`) {
		t.Fatalf("finish() = %v, want the unlisted init container named", err)
	}
}
