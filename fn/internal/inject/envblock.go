package inject

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// envVar is one variable of the block that goes before the user's variables (SPEC §5b), so that
// the user's variables can refer to ours with $(VAR).
type envVar struct {
	name string
	// item builds the env list item for a container.
	item func(c *container) *yaml.Node
	// only limits the variable to some containers; nil means every container.
	only func(c *container) bool
	// priority settles two sources of one variable (SPEC §5b): the lower wins, then the earlier.
	priority int
}

// Priorities of the sources that can name the same variable.
const (
	priorityTags          = 1 // the tag labels and tags.*
	priorityLibraryConfig = 2 // the *-lib.config.v1 annotations
	prioritySwitches      = 3 // libraries.appsec, iast, sca, profiling
)

func valueVar(name, value string) envVar {
	return envVar{name: name, item: func(*container) *yaml.Node {
		return yamltree.Map("name", name, "value", value)
	}}
}

// fieldRefVar reads a pod field; apiVersion is written out as the API server would default it, so
// that the rendered manifest equals what the cluster stores and a diff stays quiet.
func fieldRefVar(name, fieldPath string) envVar {
	return envVar{name: name, item: func(*container) *yaml.Node {
		return yamltree.Map("name", name, "valueFrom",
			yamltree.Map("fieldRef", yamltree.Map("apiVersion", "v1", "fieldPath", fieldPath)))
	}}
}

// prependEnv inserts, at the head of c's env list, the variables of block that c does not define
// yet, in block order. A variable the user defines is never touched; of two block entries with one
// name that both apply to c, the one of higher priority is kept, at its own place.
func (p *pod) prependEnv(c *container, block []envVar) {
	winner := map[string]int{}
	for i, v := range block {
		if c.envNames[v.name] || (v.only != nil && !v.only(c)) {
			continue
		}
		if j, seen := winner[v.name]; !seen || v.priority < block[j].priority {
			winner[v.name] = i
		}
	}
	var items []*yaml.Node
	for i, v := range block {
		if j, ok := winner[v.name]; ok && j == i {
			items = append(items, v.item(c))
			c.envNames[v.name] = true
		}
	}
	if len(items) == 0 {
		return
	}
	yamltree.Insert(seq(c.node, "env"), 0, items...)
	p.changed = true
}
