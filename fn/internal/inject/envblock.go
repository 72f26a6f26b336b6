package inject

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// envVar is one variable of the block that goes before the user's variables (docs/behaviour.md "The env block"), so that
// the user's variables can refer to ours with $(VAR).
type envVar struct {
	name string
	// item builds the env list item for a container.
	item func(c *container) *yaml.Node
	// only limits the variable to some containers (an audience of roles.go); nil means every
	// container and user init container.
	only func(c *container) bool
	// precedence settles two sources of one variable: the lower wins, then the earlier.
	precedence int
}

// envSources are the parts of the env block, each decided in its own file: install.go,
// singlestep.go (the target's settings, its name and the service source, the basic config),
// libconfig.go, switches.go, tags.go, agent.go.
type envSources struct {
	install, traceConfigs, singleStep, basicConfig, libConfig, switches, tags, agent []envVar
}

// composeEnvBlock is the block that goes before the user's variables (docs/behaviour.md "The env block"),
// in this order: the install variables, the target's ddTraceConfigs, the applied target and the
// service source, the basic config, the library settings (per language, then all-lib), the
// product switches, the standard tags, the agent connection. When two sources give one variable,
// the tags win over the target's settings, those over the library settings, those over the
// switches, and those over the basic config; the install, target-name, service-source and agent
// variables have names no other source gives. The user's own definition wins over all of them:
// prependEnv never touches it.
func composeEnvBlock(s envSources) []envVar {
	const (
		own = iota // names only this source gives
		tags
		traceConfigs
		libConfig
		switches
		basicConfig
	)
	var block []envVar
	for _, part := range []struct {
		vars       []envVar
		precedence int
	}{{s.install, own}, {s.traceConfigs, traceConfigs}, {s.singleStep, own}, {s.basicConfig, basicConfig},
		{s.libConfig, libConfig}, {s.switches, switches}, {s.tags, tags}, {s.agent, own}} {
		for _, v := range part.vars {
			v.precedence = part.precedence
			block = append(block, v)
		}
	}
	return block
}

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
// name that both apply to c, the one of higher precedence is kept, at its own place.
func (p *pod) prependEnv(c *container, block []envVar) {
	winner := map[string]int{}
	for i, v := range block {
		if c.envNames[v.name] || (v.only != nil && !v.only(c)) {
			continue
		}
		if j, seen := winner[v.name]; !seen || v.precedence < block[j].precedence {
			winner[v.name] = i
		}
	}
	var items []*yaml.Node
	for i, v := range block {
		if j, ok := winner[v.name]; ok && j == i {
			items = append(items, v.item(c))
		}
	}
	p.edit.addEnv(c, true, items...)
}
