package inject

import (
	"fmt"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/config"
	"inject-datadog/fn/internal/podtemplate"
	"inject-datadog/fn/internal/yamltree"
)

// CWS instrumentation (docs/behaviour.md "CWS instrumentation"): Datadog's
// cws_pod_instrumentation webhook. In init_container mode it copies the cws-instrumentation
// tool into a shared volume before the pod starts, so that the exec webhook (at `kubectl exec`
// time, in the cluster) can wrap commands with it; remote_copy changes no pod.

// Names the CWS mutation reads and writes.
const (
	labelCWS            = "admission.datadoghq.com/cws-instrumentation.enabled"
	annotationCWSStatus = "admission.datadoghq.com/cws-instrumentation.status"
	cwsInitName         = "cws-instrumentation"
	volumeCWS           = "datadog-cws-instrumentation"
	cwsMountPath        = "/datadog-cws-instrumentation"
	cwsReady            = "ready"
)

// selectCWS applies the CWS label: "true" selects; with cws.mutateUnlabelled or
// selection.mutateUnlabelled, everything but "false" does. It reads the template's own labels,
// as the webhook's object selector reads the pod's.
func (tr *Transformer) selectCWS(t *podtemplate.Template, warn warnFunc) (bool, string, error) {
	c := tr.cfg.CWS
	if !c.Enabled {
		return false, "", nil
	}
	labels, err := t.Labels()
	if err != nil {
		return false, "", err
	}
	v, found := labels[labelCWS]
	why := ""
	switch {
	case found && v == "true":
		why = fmt.Sprintf("template label %s=true", labelCWS)
	case found && v == "false":
	case c.MutateUnlabelled || tr.cfg.Selection.MutateUnlabelled:
		why = "mutateUnlabelled"
	}
	if why == "" {
		return false, "", nil
	}
	if c.Mode != config.CWSInitContainer {
		// Selected, but remote_copy changes no pod: the explanation still says so.
		return false, "CWS (" + why + "): remote_copy, no pod change (the cluster copies the tool at exec time)", nil
	}
	return true, why, nil
}

// cwsInit is the init container that copies the tool into the shared volume.
func (tr *Transformer) cwsInit() *yaml.Node {
	return yamltree.Map("name", cwsInitName, "image", tr.overrideImage(tr.cfg.CWS.Image(tr.cfg.Libraries.Registry)),
		"command", yamltree.StrSeq("/cws-instrumentation", "setup", "--cws-volume-mount", cwsMountPath),
		"volumeMounts", yamltree.Seq(yamltree.Map("name", volumeCWS, "mountPath", cwsMountPath)))
}

// instrumentCWS adds, in init_container mode, the volume, its mount in every container and init
// container, the init container (first) and the status annotation; a template annotated ready
// is left as it is. The init container then gets the env block and the agent volumes, as the
// re-invoked agent connection webhook gives them. It returns the volumes to list as safe to evict.
func (tr *Transformer) instrumentCWS(p *pod, block []envVar, volumes []volume) ([]string, error) {
	status, err := p.t.Annotation(annotationCWSStatus)
	if err != nil {
		return nil, err
	}
	if status.Found && status.Text == cwsReady {
		return nil, nil
	}
	if ref := p.edit.volume(volumeCWS); ref != nil && yamltree.Get(ref.node, "emptyDir") == nil {
		return nil, &podtemplate.FieldError{Field: p.t.Field("spec", "volumes", "["+strconv.Itoa(ref.index)+"]"),
			Message: fmt.Sprintf("the volume %q must be an emptyDir: CWS instrumentation copies its tool into it", volumeCWS)}
	}
	var added []string
	if p.edit.addVolume(volumeCWS, "emptyDir", yamltree.Map()) {
		added = append(added, volumeCWS)
	}
	for _, key := range []string{"containers", "initContainers"} {
		for _, n := range yamltree.Items(yamltree.Get(p.spec, key)) {
			c := p.containerOf(n, key == "initContainers")
			p.edit.mount(c, false, yamltree.Map("name", volumeCWS, "mountPath", cwsMountPath))
		}
	}
	if !hasInit(p.spec, cwsInitName) {
		ic := tr.cwsInit()
		p.edit.addInit(ic, true)
		c := p.adopt(ic, true, "initContainers")
		c.field = p.t.Field("spec", "initContainers") + "[0]"
		p.prependEnv(c, block)
		for _, v := range volumes {
			p.mountEach(v, []*container{c})
		}
	}
	return added, p.edit.setAnnotation(annotationCWSStatus, cwsReady)
}

// containerOf is the pod's container of the node n, or one made for it (an init container the
// libraries added in this render).
func (p *pod) containerOf(n *yaml.Node, init bool) *container {
	for _, list := range [][]*container{p.containers, p.injected} {
		for _, c := range list {
			if c.node == n {
				return c
			}
		}
	}
	name := yamltree.Get(n, "name")
	c := &container{node: n, init: init, role: injectedInitContainer, envNames: map[string]bool{}}
	if name != nil {
		c.name = name.Value
	}
	return c
}

func hasInit(spec *yaml.Node, name string) bool {
	for _, ic := range yamltree.Items(yamltree.Get(spec, "initContainers")) {
		if n := yamltree.Get(ic, "name"); n != nil && n.Value == name {
			return true
		}
	}
	return false
}
