package inject

import (
	"slices"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// orderEnv moves the variables renders added to c's env list where Kubernetes expands the
// references between them and the user's variables (docs/behaviour.md "The env block"): the
// kubelet expands a $(VAR) only with the variables defined before it. An added variable that
// refers to a variable of the user's goes right after that variable's definition; one that a
// variable of the user's refers to goes right before the first such variable. Where both hold
// at once, nothing moves (the $(VAR) check then warns). The user's variables never move.
func (e *editor) orderEnv(c *container) {
	env := yamltree.Get(c.node, "env")
	if env == nil || env.Kind != yaml.SequenceNode {
		return
	}
	added := map[string]bool{}
	for _, cr := range e.rec.Containers {
		if cr.Name == c.name && cr.Init == c.init {
			for _, en := range cr.Env {
				added[entryKey(en)] = true
			}
		}
	}
	if len(added) == 0 {
		return
	}
	// Each move puts one added variable where its references hold; a few passes settle any
	// chain of them.
	for range len(env.Content) {
		if !moveOne(env, added) {
			return
		}
	}
}

// moveOne moves the first added variable of env whose references do not hold, and reports
// whether it moved one.
func moveOne(env *yaml.Node, added map[string]bool) bool {
	names := make([]string, len(env.Content))
	refs := make([][]string, len(env.Content))
	for i, it := range env.Content {
		if n := yamltree.Get(it, "name"); yamltree.IsStr(n) {
			names[i] = n.Value
		}
		if v := yamltree.Get(it, "value"); yamltree.IsStr(v) {
			refs[i] = varRefNames(v.Value)
		}
	}
	user := func(j int) bool { return names[j] != "" && !added[names[j]] }
	for i, name := range names {
		if !added[name] {
			continue
		}
		after, before := -1, -1
		for j := i + 1; j < len(names); j++ {
			if user(j) && slices.Contains(refs[i], names[j]) {
				after = j
			}
		}
		for j := 0; j < i; j++ {
			if user(j) && slices.Contains(refs[j], name) {
				before = j
				break
			}
		}
		to := -1
		switch {
		case after >= 0 && before >= 0:
			continue
		case after >= 0:
			to = after
		case before >= 0:
			to = before
		default:
			continue
		}
		it := env.Content[i]
		env.Content = slices.Delete(env.Content, i, i+1)
		env.Content = slices.Insert(env.Content, to, it)
		return true
	}
	return false
}
