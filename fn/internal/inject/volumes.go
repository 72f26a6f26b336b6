package inject

import (
	"fmt"
	"strconv"
	"strings"

	"inject-datadog/fn/internal/podtemplate"
	"inject-datadog/fn/internal/yamltree"
)

// mountEach gives every container a read-only mount of v, except a container that already mounts
// something of that name or at that path (the user's choice wins), and adds v to the pod's volumes
// when a mount was added and the pod has no volume of that name. It returns whether v was added.
func (p *pod) mountEach(v volume, containers []*container) bool {
	mounted := false
	for _, c := range containers {
		if p.edit.mount(c, false, yamltree.Map("name", v.name, "mountPath", v.mountPath, "readOnly", true)) {
			mounted = true
		}
	}
	if !mounted {
		return false
	}
	key, src := v.source()
	return p.edit.addVolume(v.name, key, src)
}

// checkEmptyDirVolume refuses a user volume of the name that is not an emptyDir: the libraries
// would be copied onto something else (a hostPath, a ConfigMap).
func (p *pod) checkEmptyDirVolume(name string) error {
	v := p.edit.volume(name)
	if v == nil || yamltree.Get(v.node, "emptyDir") != nil {
		return nil
	}
	return &podtemplate.FieldError{Field: p.t.Field("spec", "volumes", "["+strconv.Itoa(v.index)+"]"),
		Message: fmt.Sprintf("the volume %q must be an emptyDir: inject-datadog copies the tracing libraries into it", name)}
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
	return p.edit.setAnnotation(annotationSafeEvict, strings.Join(names, ","))
}
