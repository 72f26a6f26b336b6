package inject

import (
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// mountEach gives every container a read-only mount of v, except a container that already mounts
// something of that name or at that path (the user's choice wins), and adds v to the pod's volumes
// when a mount was added and the pod has no volume of that name. It returns whether v was added.
func (p *pod) mountEach(v volume, containers []*container) bool {
	mounted := false
	for _, c := range containers {
		if hasMount(c, v.name, v.mountPath) {
			continue
		}
		yamltree.Append(seq(c.node, "volumeMounts"),
			yamltree.Map("name", v.name, "mountPath", v.mountPath, "readOnly", true))
		mounted = true
		p.changed = true
	}
	if !mounted || p.hasVolume(v.name) {
		return false
	}
	key, src := v.source()
	if p.volumes == nil {
		p.volumes = seq(p.spec, "volumes")
	}
	yamltree.Append(p.volumes, yamltree.Map("name", v.name, key, src))
	p.changed = true
	return true
}

func hasMount(c *container, name, path string) bool {
	vm := yamltree.Get(c.node, "volumeMounts")
	if vm == nil || vm.Kind != yaml.SequenceNode {
		return false
	}
	for _, m := range vm.Content {
		if n := yamltree.Get(m, "name"); n != nil && n.Value == name {
			return true
		}
		if mp := yamltree.Get(m, "mountPath"); mp != nil && mp.Value == path {
			return true
		}
	}
	return false
}

func (p *pod) hasVolume(name string) bool {
	if p.volumes == nil {
		return false
	}
	for _, v := range p.volumes.Content {
		if n := yamltree.Get(v, "name"); n != nil && n.Value == name {
			return true
		}
	}
	return false
}

// markSafeToEvict lists added volumes in the cluster autoscaler's annotation, as Datadog does, so
// that the node-local sockets and copies do not keep a node from scaling down.
func (p *pod) markSafeToEvict(added []string) error {
	if len(added) == 0 {
		return nil
	}
	cur, err := p.t.Annotation(annotationSafeEvict)
	if err != nil {
		return err
	}
	var names []string
	have := map[string]bool{}
	for _, n := range strings.Split(cur.Text, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
			have[n] = true
		}
	}
	grew := false
	for _, n := range added {
		if !have[n] {
			names, have[n], grew = append(names, n), true, true
		}
	}
	if !grew {
		return nil
	}
	p.changed = true
	return p.t.SetAnnotation(annotationSafeEvict, strings.Join(names, ","))
}
