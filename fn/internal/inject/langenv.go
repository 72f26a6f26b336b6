package inject

import (
	"fmt"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/podtemplate"
	"inject-datadog/fn/internal/yamltree"
)

// languageEnv is the method the seed shows: an emptyDir at /datadog-lib that one init container
// per language fills, and the language's variables (PYTHONPATH...) pointing the runtime at it.
type languageEnv struct{ tr *Transformer }

const langEnvMountPath = "/datadog-lib"

func (languageEnv) supports(l language) bool { return l.env != nil }

func (m languageEnv) plan(p *pod, libs []library, _ warnFunc) (func(initSettings) []string, error) {
	if err := p.checkEmptyDirVolume(volumeLibraries); err != nil {
		return nil, err
	}
	var edits []langEdit
	for _, lib := range libs {
		for _, c := range p.containers {
			if !lib.loads(c) {
				continue
			}
			for _, v := range lib.lang.env {
				cur, err := envItem(c, v.name)
				if err != nil {
					return nil, err
				}
				edits = append(edits, langEdit{c, v, cur})
			}
		}
	}
	return func(init initSettings) []string {
		return m.inject(p, libs, init, edits)
	}, nil
}

// langEdit is a language variable to set in a container; cur is its existing env item, if any.
type langEdit struct {
	c   *container
	v   langVar
	cur *yaml.Node
}

func (m languageEnv) inject(p *pod, libs []library, init initSettings, edits []langEdit) []string {
	var added []string
	if p.edit.addVolume(volumeLibraries, "emptyDir", emptyDir()) {
		added = append(added, volumeLibraries)
	}
	for _, c := range p.containers {
		for _, lib := range libs {
			if lib.loads(c) {
				p.edit.mount(c, false, yamltree.Map("name", volumeLibraries, "mountPath", langEnvMountPath))
				break
			}
		}
	}
	for _, e := range edits {
		p.mergeEnv(e.c, e.v, e.cur)
	}
	for _, lib := range libs {
		ic := yamltree.Map("name", lib.lang.initName(), "image", m.tr.overrideImage(lib.image),
			"command", yamltree.StrSeq("sh", "copy-lib.sh", langEnvMountPath))
		init.apply(ic, yamltree.Seq(yamltree.Map("name", volumeLibraries, "mountPath", langEnvMountPath)))
		p.edit.addInit(ic, false)
	}
	return added
}

// apply completes an injected init container in Kubernetes' field order: resources, volumeMounts,
// securityContext. Each gets its own copy of the shared nodes.
func (s initSettings) apply(ic, mounts *yaml.Node) {
	if s.resources != nil {
		yamltree.Set(ic, "resources", deepCopy(s.resources))
	}
	yamltree.Set(ic, "volumeMounts", mounts)
	if s.securityContext != nil {
		yamltree.Set(ic, "securityContext", deepCopy(s.securityContext))
	}
}

// envItem returns c's env item named name, nil when c has none; of duplicates, the last, which
// is the one Kubernetes uses. A variable set with valueFrom cannot be merged with, nor a value
// that is not a string: those are errors naming the container and the variable.
func envItem(c *container, name string) (*yaml.Node, error) {
	if !c.envNames[name] {
		return nil, nil
	}
	env := yamltree.Get(c.node, "env")
	for i := len(env.Content) - 1; i >= 0; i-- {
		e := env.Content[i]
		if n := yamltree.Get(e, "name"); n == nil || n.Value != name {
			continue
		}
		field := c.field + ".env[" + strconv.Itoa(i) + "]"
		if yamltree.Get(e, "valueFrom") != nil {
			return nil, &podtemplate.FieldError{Field: field, Message: fmt.Sprintf(
				"container %q sets %s with valueFrom, which the library injection cannot merge with; set it with value, or exclude the container (libraries.excludeContainers)",
				c.name, name)}
		}
		if v := yamltree.Get(e, "value"); v != nil && v.ShortTag() != yaml.NodeTagNull && !yamltree.IsStr(v) {
			return nil, &podtemplate.FieldError{Field: field + ".value", Message: fmt.Sprintf(
				"must be a string, found %s; quote it", yamltree.KindName(v))}
		}
		return e, nil
	}
	return nil, nil
}

// mergeEnv appends a language variable, or merges it into the container's own by its rule. A
// variable without a value, or with a null one, merges as the empty string.
func (p *pod) mergeEnv(c *container, v langVar, cur *yaml.Node) {
	if cur == nil {
		p.edit.addEnv(c, false, yamltree.Map("name", v.name, "value", v.value))
		return
	}
	existing := ""
	if val := yamltree.Get(cur, "value"); val != nil && val.Kind == yaml.ScalarNode && val.ShortTag() != yaml.NodeTagNull {
		existing = val.Value
	}
	if next, change := v.merged(existing); change {
		p.edit.setEnvValue(c, cur, next)
	}
}
