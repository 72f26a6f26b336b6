package inject

import (
	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/podtemplate"
	"inject-datadog/fn/internal/yamltree"
)

// mountEach gives every container a read-only mount of v, except a container that already mounts
// something of that name or at that path (the user's choice wins), and adds v to the pod's volumes
// when a mount was added and the pod has no volume of that name. It returns whether v was added.
func (p *pod) mountEach(v volume, containers []*container) bool {
	mounted := false
	for _, c := range containers {
		if p.mount(c, yamltree.Map("name", v.name, "mountPath", v.mountPath, "readOnly", true)) {
			mounted = true
		}
	}
	if !mounted {
		return false
	}
	key, src := v.source()
	return p.addVolume(v.name, key, src)
}

// mount appends the volume mount m to c unless c already mounts something of that name or at
// that path.
func (p *pod) mount(c *container, m *yaml.Node) bool {
	if hasMount(c, yamltree.Get(m, "name").Value, yamltree.Get(m, "mountPath").Value) {
		return false
	}
	yamltree.Append(p.seq(c, c.node, "volumeMounts"), m)
	p.recordMount(c, m)
	p.changed = true
	return true
}

// addVolume appends the volume {name, key: src} unless the pod has a volume of that name, which
// is kept as the user wrote it. It returns whether it added one.
func (p *pod) addVolume(name, key string, src *yaml.Node) bool {
	if p.volume(name) != nil {
		return false
	}
	if p.volumes == nil {
		p.volumes = p.seq(nil, p.spec, "volumes")
	}
	v := yamltree.Map("name", name, key, src)
	yamltree.Append(p.volumes, v)
	p.rec.Volumes = addOnce(p.rec.Volumes, entry(name, v))
	p.changed = true
	return true
}

// checkEmptyDirVolume refuses a user volume of the name that is not an emptyDir: the libraries
// would be copied onto something else (a hostPath, a ConfigMap).
func (p *pod) checkEmptyDirVolume(name string) error {
	v := p.volume(name)
	if v == nil || yamltree.Get(v.node, "emptyDir") != nil {
		return nil
	}
	return &podtemplate.FieldError{Field: p.t.Field("spec", "volumes", "["+strconv.Itoa(v.index)+"]"),
		Message: fmt.Sprintf("the volume %q must be an emptyDir: inject-datadog copies the tracing libraries into it", name)}
}

// hasMount reports a mount of that name, or at that path ("" matches no name).
func hasMount(c *container, name, path string) bool {
	vm := yamltree.Get(c.node, "volumeMounts")
	if vm == nil || vm.Kind != yaml.SequenceNode {
		return false
	}
	for _, m := range vm.Content {
		if n := yamltree.Get(m, "name"); name != "" && n != nil && n.Value == name {
			return true
		}
		if mp := yamltree.Get(m, "mountPath"); mp != nil && mp.Value == path {
			return true
		}
	}
	return false
}

type volumeRef struct {
	node  *yaml.Node
	index int
}

// volume finds the pod's volume of that name.
func (p *pod) volume(name string) *volumeRef {
	if p.volumes == nil {
		return nil
	}
	for i, v := range p.volumes.Content {
		if n := yamltree.Get(v, "name"); n != nil && n.Value == name {
			return &volumeRef{v, i}
		}
	}
	return nil
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
	return p.setAnnotation(annotationSafeEvict, strings.Join(names, ","))
}

// setAnnotation writes a template annotation, noting a change when the value differs.
func (p *pod) setAnnotation(key, value string) error {
	cur, err := p.t.Annotation(key)
	if err != nil {
		return err
	}
	if cur.Found && cur.Text == value {
		return nil
	}
	p.recordAnnotation(key, cur.Text, cur.Found)
	p.changed = true
	return p.t.SetAnnotation(key, value)
}

// recordAnnotation notes the value an annotation had before the first render that set it, and
// the metadata and annotations maps a render creates.
func (p *pod) recordAnnotation(key, prev string, found bool) {
	if _, seen := p.rec.Annotations[key]; !seen {
		if p.rec.Annotations == nil {
			p.rec.Annotations = map[string]*string{}
		}
		var v *string
		if found {
			v = &prev
		}
		p.rec.Annotations[key] = v
	}
	meta := yamltree.Get(p.t.Node, "metadata")
	p.noteMap("metadata", meta)
	p.noteMap("metadata.annotations", yamltree.Get(meta, "annotations"))
}

// noteMap records what a map that SetAnnotation may create or restyle was before: absent, null
// or an empty flow map.
func (p *pod) noteMap(path string, m *yaml.Node) {
	if note := priorState(path, m, yaml.MappingNode); note != "" {
		p.rec.Created = addOnce(p.rec.Created, note)
	}
}

// recordMount notes a mount added to c, by its path.
func (p *pod) recordMount(c *container, m *yaml.Node) {
	cr := p.rec.container(c)
	cr.Mounts = addOnce(cr.Mounts, entry(yamltree.Get(m, "mountPath").Value, m))
}

// recordInit notes an init container the render added.
func (p *pod) recordInit(ic *yaml.Node) {
	p.rec.Init = addOnce(p.rec.Init, entry(yamltree.Get(ic, "name").Value, ic))
}
