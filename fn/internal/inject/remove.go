package inject

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/krm"
	"inject-datadog/fn/internal/podtemplate"
	"inject-datadog/fn/internal/yamltree"
)

// Removal (`mode: remove`, docs/migration.md "Leaving") takes out of a pod template what the record says
// renders added, and nothing the user wrote. An entry edited by hand since (its data no longer
// matches the record's digest) is kept, with a warning naming its field; the rest is removed.
// An alias a render turned into a copy stays a copy: anchored input comes back as the same data,
// not the same text (kustomize expands aliases before any function runs anyway).

// removeTemplate undoes the renders of one template; it reports whether it changed anything and
// whether the template carries injected parts without a record.
func (tr *Transformer) removeTemplate(t *podtemplate.Template, rs *krm.Results) (changed, orphan bool) {
	o := t.Object
	warn := func(field, format string, args ...any) { rs.Warningf(o, field, format, args...) }
	recorded, err := t.Annotation(AnnotationRecord)
	if err != nil {
		report(rs, o, err)
		return false, false
	}
	p, _ := tr.checkedPod(t, rs, recorded.Found)
	if p == nil {
		return false, false
	}
	rec, err := readRecord(t)
	if err != nil {
		report(rs, o, err)
		return false, false
	}
	if rec == nil {
		if names := injectedNames(p); len(names) > 0 {
			warn(t.Field("metadata", "annotations"), "left alone: the template carries %s, which inject-datadog injects, but no %s annotation says what a render added",
				strings.Join(names, ", "), AnnotationRecord)
			return false, true
		}
		return false, false
	}
	dropForeign(p, rec, func(what string) {
		warn(recorded.Field, "ignored: the record names %s, which inject-datadog never writes", what)
	})
	for _, cr := range rec.Containers {
		c := p.findContainer(cr.Name, cr.Init)
		if c == nil {
			continue // the container is gone, and what it had with it
		}
		env := yamltree.Get(c.node, "env")
		removeEntries(env, cr.Env, "name", c.field+".env", warn)
		for _, m := range cr.Merged {
			restoreMerge(env, m, c.field+".env", warn)
		}
		removeEntries(yamltree.Get(c.node, "volumeMounts"), cr.Mounts, "mountPath", c.field+".volumeMounts", warn)
		for _, note := range cr.Created {
			restorePrior(c.node, note, yaml.SequenceNode)
		}
	}
	removeEntries(yamltree.Get(p.spec, "containers"), rec.Sidecars, "name", t.Field("spec", "containers"), warn)
	removeEntries(yamltree.Get(p.spec, "initContainers"), rec.Init, "name", t.Field("spec", "initContainers"), warn)
	rec.Volumes = keepMounted(p.spec, rec.Volumes, func(name, by string) {
		warn(t.Field("spec", "volumes"), "kept: the volume %q is still mounted by container %s, which stays", name, by)
	})
	removeEntries(yamltree.Get(p.spec, "volumes"), rec.Volumes, "name", t.Field("spec", "volumes"), warn)
	for _, key := range rec.Created {
		if k, ok := strings.CutPrefix(key, "spec."); ok {
			restorePrior(p.spec, k, yaml.SequenceNode)
		}
	}
	for _, key := range sortedKeys(rec.Spec) {
		restoreSpecBool(p.spec, key, rec.Spec[key], t.Field("spec", key), warn)
	}
	tr.restoreAnnotations(p, rec)
	for i := len(rec.Created) - 1; i >= 0; i-- { // the annotations map before the metadata map
		if key := rec.Created[i]; !strings.HasPrefix(key, "spec.") {
			restorePrior(t.Node, key, yaml.MappingNode)
		}
	}
	return true, false
}

// dropForeign takes out of the record, each with a warning, the entries that name what a render
// never writes (the table of names.go): a copied, edited or forged record never removes or
// rewrites what the user wrote.
func dropForeign(p *pod, rec *record, ignored func(what string)) {
	// keep filters entries of a kind; a note of a list created is "key=what was there".
	keep := func(list []string, kind, in string, ours func(key string) bool) []string {
		return slices.DeleteFunc(list, func(e string) bool {
			key := entryKey(e)
			if kind == "key" {
				key, _, _ = strings.Cut(key, "=")
			}
			foreign := !ours(key)
			if foreign {
				ignored(fmt.Sprintf("%s %q%s", kind, key, in))
			}
			return foreign
		})
	}
	for i := range rec.Containers {
		cr := &rec.Containers[i]
		in := " in container " + cr.Name
		sidecar := !cr.Init && writes.containers[cr.Name] // every variable of the sidecar is a render's
		cr.Env = keep(cr.Env, "variable", in, func(name string) bool { return sidecar || writesEnv(name) })
		cr.Merged = slices.DeleteFunc(cr.Merged, func(m mergeRecord) bool {
			foreign := !writesEnv(m.Name)
			if foreign {
				ignored(fmt.Sprintf("variable %q%s", m.Name, in))
			}
			return foreign
		})
		// A mount is noted by its path: it is ours when the mount there is of a volume of ours.
		c := p.findContainer(cr.Name, cr.Init)
		cr.Mounts = keep(cr.Mounts, "mount", in, func(path string) bool {
			if c == nil {
				return true // gone, and nothing to remove
			}
			for _, m := range yamltree.Items(yamltree.Get(c.node, "volumeMounts")) {
				if mp, n := yamltree.Get(m, "mountPath"), yamltree.Get(m, "name"); mp != nil && mp.Value == path && n != nil {
					return writes.volumes[n.Value]
				}
			}
			return true
		})
		cr.Created = keep(cr.Created, "key", in, func(k string) bool { return writes.containerLists[k] })
	}
	rec.Volumes = keep(rec.Volumes, "volume", "", func(k string) bool { return writes.volumes[k] })
	rec.Init = keep(rec.Init, "init container", "", func(k string) bool { return writes.inits[k] })
	rec.Sidecars = keep(rec.Sidecars, "container", "", func(k string) bool { return writes.containers[k] })
	for _, key := range sortedKeys(rec.Spec) {
		if !writes.specFields[key] {
			ignored(fmt.Sprintf("field spec.%s", key))
			delete(rec.Spec, key)
		}
	}
	rec.Created = keep(rec.Created, "key", "", func(k string) bool {
		list, spec := strings.CutPrefix(k, "spec.")
		return (spec && writes.specLists[list]) || (!spec && writes.metaMaps[k])
	})
	for _, key := range sortedKeys(rec.Annotations) {
		if !writes.annotations[key] {
			ignored(fmt.Sprintf("annotation %q", key))
			delete(rec.Annotations, key)
		}
	}
}

// findContainer is the user's container of that name in that list.
func (p *pod) findContainer(name string, init bool) *container {
	for _, c := range p.containers {
		if c.name == name && c.init == init {
			return c
		}
	}
	return nil
}

// removeEntries deletes from list the entries the record names (by key and digest). An entry of
// that key whose data changed since is kept, with a warning.
func removeEntries(list *yaml.Node, recorded []string, keyField, field string, warn warnFunc) {
	list = yamltree.Resolve(list)
	if list == nil || list.Kind != yaml.SequenceNode {
		return
	}
	for _, e := range recorded {
		key, want, _ := strings.Cut(e, "@")
		edited := -1
		for i, it := range list.Content {
			if k := yamltree.Get(it, keyField); k == nil || k.Value != key {
				continue
			}
			if digest(it) == want {
				list.Content = slices.Delete(list.Content, i, i+1)
				edited = -1
				break
			}
			edited = i
		}
		if edited >= 0 {
			warn(field+"["+strconv.Itoa(edited)+"]", "kept: %s %q was edited after inject-datadog added it", keyField, key)
		}
	}
}

// keepMounted drops from the volumes to remove those a container or init container that stays
// still mounts: removal never leaves a pod the API server would reject.
func keepMounted(spec *yaml.Node, volumes []string, kept func(name, by string)) []string {
	by := map[string]string{}
	for _, key := range []string{"containers", "initContainers"} {
		for _, c := range yamltree.Items(yamltree.Get(spec, key)) {
			for _, m := range yamltree.Items(yamltree.Get(c, "volumeMounts")) {
				n, cn := yamltree.Get(m, "name"), yamltree.Get(c, "name")
				if n != nil && cn != nil && by[n.Value] == "" {
					by[n.Value] = cn.Value
				}
			}
		}
	}
	return slices.DeleteFunc(volumes, func(e string) bool {
		name := entryKey(e)
		if c := by[name]; c != "" {
			kept(name, c)
			return true
		}
		return false
	})
}

// restoreSpecBool gives a field of the spec a render set back the value it had (prior, as
// written; nil when it had none), unless it changed since.
func restoreSpecBool(spec *yaml.Node, key string, prior *string, field string, warn warnFunc) {
	cur := yamltree.Get(spec, key)
	if cur == nil {
		return
	}
	if cur.Kind != yaml.ScalarNode || cur.Value != "true" {
		warn(field, "kept: %s was edited after inject-datadog set it", key)
		return
	}
	if prior == nil {
		deleteKey(spec, key)
		return
	}
	*cur = yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagBool, Value: *prior,
		HeadComment: cur.HeadComment, LineComment: cur.LineComment, FootComment: cur.FootComment}
}

// restoreMerge gives a variable of the user's back the value it had, unless it changed since.
func restoreMerge(env *yaml.Node, m mergeRecord, field string, warn warnFunc) {
	for i, it := range yamltree.Items(env) {
		if n := yamltree.Get(it, "name"); n == nil || n.Value != m.Name {
			continue
		}
		v := yamltree.Get(it, "value")
		if v == nil || v.Value != m.To {
			warn(fmt.Sprintf("%s[%d].value", field, i), "kept: %s was edited after inject-datadog changed it", m.Name)
			return
		}
		switch m.Prior {
		case priorAbsent:
			deleteKey(it, "value")
			return
		case priorNull:
			*v = yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagNull, Value: m.From,
				HeadComment: v.HeadComment, LineComment: v.LineComment, FootComment: v.FootComment}
			return
		}
		switch m.Quote {
		case "\"":
			v.Style = yaml.DoubleQuotedStyle
		case "'":
			v.Style = yaml.SingleQuotedStyle
		default:
			v.Style = 0
		}
		yamltree.SetStr(v, m.From)
		return
	}
}

// restorePrior puts back what was at the dotted path under m before a render created or
// restyled the list or map (of kind) there, as priorState noted it; not when it holds entries now.
func restorePrior(m *yaml.Node, note string, kind yaml.Kind) {
	path, before, _ := strings.Cut(note, "=")
	keys := strings.Split(path, ".")
	parent, key := yamltree.Path(m, keys[:len(keys)-1]...), keys[len(keys)-1]
	n := yamltree.Get(parent, key)
	if n == nil || n.Kind != kind || len(n.Content) > 0 {
		return // the user has entries there now
	}
	before, written, _ := strings.Cut(before, ":")
	switch before {
	case "":
		deleteKey(parent, key)
	case "null":
		yamltree.Set(parent, key, &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagNull, Value: written})
	case "[]":
		n.Style |= yaml.FlowStyle
	}
}

// restoreAnnotations puts back the annotations renders set: the value each had, or none; from
// the safe-to-evict list only the volumes of the record are taken out. The record goes too.
func (tr *Transformer) restoreAnnotations(p *pod, rec *record) {
	p.t.RemoveAnnotation(AnnotationRecord)
	for _, key := range sortedKeys(rec.Annotations) {
		prev := rec.Annotations[key]
		if key == annotationSafeEvict {
			// Out go the names of the volumes renders added, unless the list had them before.
			had := map[string]bool{}
			if prev != nil {
				for _, name := range strings.Split(*prev, ",") {
					had[strings.TrimSpace(name)] = true
				}
			}
			cur, _ := p.t.Annotation(key)
			var kept []string
			for _, name := range strings.Split(cur.Text, ",") {
				added := slices.ContainsFunc(rec.Volumes, func(e string) bool { return entryKey(e) == name })
				if name = strings.TrimSpace(name); name != "" && (had[name] || !added) {
					kept = append(kept, name)
				}
			}
			if len(kept) > 0 || prev != nil {
				_ = p.t.SetAnnotation(key, strings.Join(kept, ","))
				continue
			}
			p.t.RemoveAnnotation(key)
			continue
		}
		if prev == nil {
			p.t.RemoveAnnotation(key)
		} else {
			_ = p.t.SetAnnotation(key, *prev)
		}
	}
}

func sortedKeys(m map[string]*string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func deleteKey(m *yaml.Node, key string) {
	m = yamltree.Resolve(m)
	if m == nil {
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = slices.Delete(m.Content, i, i+2)
			return
		}
	}
}

// injectedNames lists what a template holds that only inject-datadog or Datadog's webhook add.
func injectedNames(p *pod) []string {
	var names []string
	for _, c := range p.injected {
		names = append(names, "init container "+c.name)
	}
	for _, c := range p.containers {
		for _, name := range []string{envEntityID, envExternalEnv, envInstallType} {
			if c.envNames[name] {
				names = append(names, fmt.Sprintf("%s in container %s", name, c.name))
				break
			}
		}
	}
	return names
}
