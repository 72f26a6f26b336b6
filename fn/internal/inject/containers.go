package inject

import (
	"fmt"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/krm"
	"inject-datadog/fn/internal/podtemplate"
	"inject-datadog/fn/internal/yamltree"
)

// pod is a selected template's spec, checked before anything is edited so that a bad template is
// reported whole and never half-changed.
type pod struct {
	t    *podtemplate.Template
	spec *yaml.Node
	// containers are spec.containers then the user's spec.initContainers; the init containers this
	// function adds are in injected, since they only copy files and get no agent settings.
	containers []*container
	injected   []*container
	// edit is how a render writes into the template.
	edit editor
	// choice is the libraries chosen for the template (injected now or before), and skipped why
	// none were injected when some were chosen: both for the explanation.
	choice  libraryChoice
	skipped string
	// stages are the mutations that selected the template; mainReason is why the main one did
	// not, when it did not.
	stages     stages
	mainReason string
}

type container struct {
	node *yaml.Node
	name string
	// init says the container is in spec.initContainers; role says what it is to the injection.
	init  bool
	role  role
	field string
	// envNames are the names the container defines.
	envNames map[string]bool
}

// loadPod checks the parts of the template the mutations touch and returns them, or every
// problem found as field errors.
func (tr *Transformer) loadPod(t *podtemplate.Template) (*pod, []*podtemplate.FieldError) {
	var errs []*podtemplate.FieldError
	bad := func(field, format string, args ...any) {
		errs = append(errs, &podtemplate.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	spec := t.Spec()
	if spec == nil {
		bad(t.Field("spec"), "must be a map with containers, found %s", yamltree.KindName(yamltree.Get(t.Node, "spec")))
		return nil, errs
	}
	p := &pod{t: t, spec: spec, edit: editor{t: t, spec: spec}}
	// Kubernetes refuses a pod whose containers and init containers share a name, and the record
	// finds a container by its name (docs/behaviour.md "Templates the function refuses").
	named := map[string]string{}
	for _, list := range []struct {
		key      string
		init     bool
		required bool
	}{{"containers", false, true}, {"initContainers", true, false}} {
		field := t.Field("spec", list.key)
		seq := yamltree.Get(spec, list.key)
		if seq == nil || seq.ShortTag() == yaml.NodeTagNull {
			if list.required {
				bad(field, "must be a list of containers, found %s", yamltree.KindName(seq))
			}
			continue
		}
		if seq.Kind != yaml.SequenceNode {
			bad(field, "must be a list of containers, found %s", yamltree.KindName(seq))
			continue
		}
		for i, cn := range seq.Content {
			cf := field + "[" + strconv.Itoa(i) + "]"
			c, cerrs := loadContainer(cn, cf, list.init)
			errs = append(errs, cerrs...)
			if c == nil {
				continue
			}
			if first, ok := named[c.name]; ok {
				bad(cf+".name", "must be unique in the pod: %s is also named %q", first, c.name)
				continue
			}
			named[c.name] = cf
			c.role = tr.roleOf(c.name, c.init)
			if c.role == injectedInitContainer {
				p.injected = append(p.injected, c)
			} else {
				p.containers = append(p.containers, c)
			}
		}
	}
	if v := yamltree.Get(spec, "volumes"); v != nil && v.ShortTag() != yaml.NodeTagNull {
		if v.Kind != yaml.SequenceNode {
			bad(t.Field("spec", "volumes"), "must be a list of volumes, found %s", yamltree.KindName(v))
		} else {
			for i, vol := range v.Content {
				if vol.Kind != yaml.MappingNode || !yamltree.IsStr(yamltree.Get(vol, "name")) {
					bad(t.Field("spec", "volumes", "["+strconv.Itoa(i)+"]"), "must be a volume with a name")
				}
			}
			p.edit.volumes = v
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	p.edit.names = named
	return p, nil
}

func loadContainer(n *yaml.Node, field string, init bool) (*container, []*podtemplate.FieldError) {
	var errs []*podtemplate.FieldError
	bad := func(f, format string, args ...any) {
		errs = append(errs, &podtemplate.FieldError{Field: f, Message: fmt.Sprintf(format, args...)})
	}
	if n.Kind != yaml.MappingNode {
		bad(field, "must be a container (a map), found %s", yamltree.KindName(n))
		return nil, errs
	}
	name := yamltree.Get(n, "name")
	if !yamltree.IsStr(name) || name.Value == "" {
		bad(field+".name", "must be the container's name, found %s", yamltree.KindName(name))
		return nil, errs
	}
	c := &container{node: n, name: name.Value, init: init, field: field, envNames: map[string]bool{}}
	if env := yamltree.Get(n, "env"); env != nil && env.ShortTag() != yaml.NodeTagNull {
		if env.Kind != yaml.SequenceNode {
			bad(field+".env", "must be a list of {name, value} or {name, valueFrom}, found %s", yamltree.KindName(env))
		} else {
			for i, e := range env.Content {
				ef := field + ".env[" + strconv.Itoa(i) + "]"
				en := yamltree.Get(e, "name")
				if e.Kind != yaml.MappingNode || !yamltree.IsStr(en) || en.Value == "" {
					bad(ef, "must be an env var with a name")
					continue
				}
				c.envNames[en.Value] = true
			}
		}
	}
	if vm := yamltree.Get(n, "volumeMounts"); vm != nil && vm.ShortTag() != yaml.NodeTagNull {
		if vm.Kind != yaml.SequenceNode {
			bad(field+".volumeMounts", "must be a list of volume mounts, found %s", yamltree.KindName(vm))
		} else {
			for i, m := range vm.Content {
				if m.Kind != yaml.MappingNode {
					bad(field+".volumeMounts["+strconv.Itoa(i)+"]", "must be a volume mount (a map), found %s", yamltree.KindName(m))
				}
			}
		}
	}
	return c, errs
}

// editablePod makes the template's aliased parts its own and loads it; the problems that keep
// it from being edited are reported, and returned.
func (tr *Transformer) editablePod(t *podtemplate.Template, rs *krm.Results) (*pod, []*podtemplate.FieldError) {
	return tr.checkedPod(t, rs, true)
}

// checkedPod loads the template, its aliased parts made its own first when own is set; the
// problems that keep it from being edited are reported, and returned. A template only read is
// not owned: owning takes anchors off, which other users of them would notice.
func (tr *Transformer) checkedPod(t *podtemplate.Template, rs *krm.Results, own bool) (*pod, []*podtemplate.FieldError) {
	tree := t.Object.Tree
	if own && tree != nil && tree.HasAliases() {
		t.Own(tree)
		ownPod(t, tree)
	}
	p, errs := tr.loadPod(t)
	for _, e := range errs {
		report(rs, t.Object, e)
	}
	return p, errs
}

// ownPod gives the template its own copy of every aliased node that the mutations may write
// into: the lists of containers, init containers and volumes, each container, its env (down to
// the values a merge rewrites) and its volume mounts (docs/yaml-fidelity.md "YAML anchors and aliases").
func ownPod(t *podtemplate.Template, tree *yamltree.Tree) {
	spec := tree.OwnKey(t.Node, "spec")
	for _, key := range []string{"containers", "initContainers"} {
		list := tree.OwnKey(spec, key)
		tree.OwnItems(list)
		for _, c := range yamltree.Items(list) {
			if env := tree.OwnKey(c, "env"); env != nil {
				tree.OwnItems(env)
				for _, e := range yamltree.Items(env) {
					tree.OwnKey(e, "value")
				}
			}
			tree.OwnItems(tree.OwnKey(c, "volumeMounts"))
		}
	}
	tree.OwnKey(spec, "volumes")
}

// languages are the languages whose library init containers the pod holds.
func (p *pod) languages() []string {
	var out []string
	for _, ic := range injectedInits(p.spec) {
		if ic.lang != nil {
			out = append(out, ic.lang.name)
		}
	}
	return out
}

// injectedInit is an init container this function (or Datadog's webhook) adds, as a spec holds it.
type injectedInit struct {
	name, image string
	// lang is the library it copies; nil for the injector.
	lang *language
}

// injectedInits lists the injected init containers of a pod spec, in order.
func injectedInits(spec *yaml.Node) []injectedInit {
	var out []injectedInit
	for _, ic := range yamltree.Items(yamltree.Get(spec, "initContainers")) {
		name, img := yamltree.Get(ic, "name"), yamltree.Get(ic, "image")
		if name == nil || !writes.inits[name.Value] {
			continue
		}
		found := injectedInit{name: name.Value}
		if yamltree.IsStr(img) {
			found.image = img.Value
		}
		for i := range languages {
			if languages[i].initName() == name.Value {
				found.lang = &languages[i]
			}
		}
		out = append(out, found)
	}
	return out
}
