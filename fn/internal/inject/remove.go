package inject

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/krm"
	"inject-datadog/fn/internal/podtemplate"
	"inject-datadog/fn/internal/yamltree"
)

// Removal (`mode: remove`, docs/migration.md "Leaving") takes out of a pod template what the record
// says renders added, and nothing the user wrote. The record is text anyone can copy, edit or
// forge, so it is trusted only as far as the template bears it out: an entry naming what no render
// writes (the table of names.go) is ignored, an entry whose data no longer matches the record's
// digest is kept, a merge is undone only where the value is what the render's rule makes of the
// recorded one, and a volume a container still mounts stays; each with a warning naming its
// field. An alias a render turned into a copy stays a copy: anchored input comes back as the same
// data, not the same text (kustomize expands aliases before any function runs anyway).

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
	if !recorded.Found {
		return false, tr.warnOrphan(t, warn)
	}
	rec, err := readRecord(t)
	var malformed *podtemplate.FieldError
	switch {
	case errors.As(err, &malformed):
		warn(malformed.Field, "left alone: %s", malformed.Message)
		return false, false
	case err != nil:
		report(rs, o, err)
		return false, false
	}
	p, _ := tr.checkedPod(t, rs, true)
	if p == nil {
		return false, false
	}
	dropForeign(p, rec, func(what string) {
		warn(recorded.Field, "ignored: the record names %s", what)
	})
	var targets []string // the values of DD_INSTRUMENTATION_APPLIED_TARGET taken out
	for _, cr := range rec.Containers {
		c := p.findContainer(cr.Name, cr.Init)
		if c == nil {
			continue // the container is gone, and what it had with it
		}
		env := yamltree.Get(c.node, "env")
		for _, it := range removeEntries(env, cr.Env, "name", c.field+".env", nil, warn) {
			if yamltree.Get(it, "name").Value == envAppliedTarget {
				if v := yamltree.Get(it, "value"); v != nil {
					targets = append(targets, v.Value)
				}
			}
		}
		for _, m := range cr.Merged {
			restoreMerge(env, m, c.field+".env", warn)
		}
		removeEntries(yamltree.Get(c.node, "volumeMounts"), cr.Mounts, "mountPath", c.field+".volumeMounts", nil, warn)
		for _, note := range cr.Created {
			restorePrior(c.node, note, yaml.SequenceNode)
		}
	}
	removeEntries(yamltree.Get(p.spec, "containers"), rec.Sidecars, "name", t.Field("spec", "containers"), nil, warn)
	cwsOut := false // the CWS init container was taken out, so its status annotation goes too
	for _, ic := range removeEntries(yamltree.Get(p.spec, "initContainers"), rec.Init, "name", t.Field("spec", "initContainers"), nil, warn) {
		cwsOut = cwsOut || yamltree.Get(ic, "name").Value == cwsInitName
	}
	// Volumes go last: whether a container still mounts one is known once the mounts and init
	// containers of the record are out.
	var volumes []string
	for _, v := range removeEntries(yamltree.Get(p.spec, "volumes"), rec.Volumes, "name", t.Field("spec", "volumes"),
		func(name string) string { return mountedBy(p, name) }, warn) {
		volumes = append(volumes, yamltree.Get(v, "name").Value)
	}
	for _, key := range rec.Created {
		if k, ok := strings.CutPrefix(key, "spec."); ok {
			restorePrior(p.spec, k, yaml.SequenceNode)
		}
	}
	for _, key := range sortedKeys(rec.Spec) {
		restoreSpecBool(p.spec, key, rec.Spec[key], t.Field("spec", key), warn)
	}
	restoreAnnotations(p, rec, volumes, targets, cwsOut, warn)
	for i := len(rec.Created) - 1; i >= 0; i-- { // the annotations map before the metadata map
		if key := rec.Created[i]; !strings.HasPrefix(key, "spec.") {
			restorePrior(t.Node, key, yaml.MappingNode)
		}
	}
	return true, false
}

// warnOrphan warns about a template without a record that carries what only a webhook's
// injection leaves, and reports whether it does. A template labelled "false" opted out of the
// webhook and is never warned about: Datadog's own agent carries DD_ variables of its chart.
func (tr *Transformer) warnOrphan(t *podtemplate.Template, warn warnFunc) bool {
	if v, err := t.Label(labelEnabled); err != nil || (v.Found && v.Text == "false") {
		return false
	}
	p, errs := tr.loadPod(t)
	if len(errs) > 0 {
		return false // a render reports its shape; there is nothing to take out
	}
	names := injectionTraces(p)
	if len(names) == 0 {
		return false
	}
	warn(t.Field("metadata", "annotations"), "left alone: the template carries %s, which inject-datadog injects, but no %s annotation says what a render added",
		strings.Join(names, ", "), AnnotationRecord)
	return true
}

// injectionTraces lists what a template holds that only a webhook's injection (Datadog's, or a
// render's) leaves: its init containers, the injector's LD_PRELOAD, and the origin-detection pair.
// Variables a user or a chart may set (DD_ENTITY_ID, DD_INSTRUMENTATION_INSTALL_TYPE...) are none.
func injectionTraces(p *pod) []string {
	var names []string
	for _, c := range p.injected {
		names = append(names, "init container "+c.name)
	}
	for _, c := range p.containers {
		if c.envNames[envPodUID] && c.envNames[envExternalEnv] {
			names = append(names, fmt.Sprintf("%s and %s in container %s", envPodUID, envExternalEnv, c.name))
		}
		for _, e := range yamltree.Items(yamltree.Get(c.node, "env")) {
			if n, v := yamltree.Get(e, "name"), yamltree.Get(e, "value"); n != nil && n.Value == "LD_PRELOAD" &&
				v != nil && strings.Contains(v.Value, "/"+injectorPackageDir+"/") {
				names = append(names, "the APM injector's LD_PRELOAD in container "+c.name)
				break
			}
		}
	}
	return names
}

// dropForeign takes out of the record, each with a warning, the entries that name what a render
// never writes (the table of names.go), and the notes of what was there before that no render
// records: a copied, edited or forged record never removes or rewrites what the user wrote.
func dropForeign(p *pod, rec *record, ignored func(what string)) {
	// keep filters entries of a kind; a note of a list created is "key=what was there".
	keep := func(list []string, kind, in string, ours func(key string) bool) []string {
		return slices.DeleteFunc(list, func(e string) bool {
			key := entryKey(e)
			if kind == "key" {
				k, prior, noted := strings.Cut(key, "=")
				if noted && !priorNoted(prior) {
					ignored(fmt.Sprintf("%s %q%s with a prior value inject-datadog never records", kind, k, in))
					return true
				}
				key = k
			}
			foreign := !ours(key)
			if foreign {
				ignored(fmt.Sprintf("%s %q%s, which inject-datadog never writes", kind, key, in))
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
			if _, ours := writes.merges[m.Name]; !ours {
				ignored(fmt.Sprintf("variable %q%s, which inject-datadog never merges into", m.Name, in))
				return true
			}
			if !m.recorded() {
				ignored(fmt.Sprintf("variable %q%s with a prior value inject-datadog never records", m.Name, in))
				return true
			}
			return false
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
			ignored(fmt.Sprintf("field spec.%s, which inject-datadog never writes", key))
			delete(rec.Spec, key)
		}
	}
	rec.Created = keep(rec.Created, "key", "", func(k string) bool {
		list, spec := strings.CutPrefix(k, "spec.")
		return (spec && writes.specLists[list]) || (!spec && writes.metaMaps[k])
	})
	for _, key := range sortedKeys(rec.Annotations) {
		if !writes.annotations[key] {
			ignored(fmt.Sprintf("annotation %q, which inject-datadog never writes", key))
			delete(rec.Annotations, key)
		}
	}
}

// nullSpellings are the ways YAML writes a null: a prior null is restored as one of them.
var nullSpellings = []string{"", "~", "null", "Null", "NULL"}

// priorNoted reports a note of what was where a render created a list or map, as priorState
// writes it: "null", "null:<a null as written>" or "[]".
func priorNoted(prior string) bool {
	if written, ok := strings.CutPrefix(prior, "null:"); ok {
		return slices.Contains(nullSpellings, written)
	}
	return prior == "null" || prior == "[]"
}

// recorded reports a merge whose prior value is one setEnvValue records: a string with its
// quotes, no value at all, or a null as written.
func (m mergeRecord) recorded() bool {
	switch m.Prior {
	case "":
		return m.Quote == "" || m.Quote == "'" || m.Quote == "\""
	case priorAbsent:
		return m.From == "" && m.Quote == ""
	case priorNull:
		return slices.Contains(nullSpellings, m.From) && m.Quote == ""
	}
	return false
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

// removeEntries deletes from list the entries the record names (by key and digest), and returns
// them. An entry of that key whose data changed since is kept, with a warning; so is one for
// which stays, when set, says why it must stay (a volume still mounted).
func removeEntries(list *yaml.Node, recorded []string, keyField, field string, stays func(key string) string, warn warnFunc) []*yaml.Node {
	list = yamltree.Resolve(list)
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil
	}
	var removed []*yaml.Node
	for _, e := range recorded {
		key, want, _ := strings.Cut(e, "@")
		edited := -1
		for i, it := range list.Content {
			if k := yamltree.Get(it, keyField); k == nil || k.Value != key {
				continue
			}
			if digest(it) != want {
				edited = i
				continue
			}
			edited = -1
			if stays != nil {
				if why := stays(key); why != "" {
					warn(field+"["+strconv.Itoa(i)+"]", "kept: %s", why)
					break
				}
			}
			removed = append(removed, it)
			list.Content = slices.Delete(list.Content, i, i+1)
			break
		}
		if edited >= 0 {
			warn(field+"["+strconv.Itoa(edited)+"]", "kept: %s %q was edited after inject-datadog added it", keyField, key)
		}
	}
	return removed
}

// mountedBy says which container of the pod, the user's or one an edit kept, mounts the volume
// of that name, and the mount's field; "" when none does. The API server rejects a mount of a
// volume the pod lacks.
func mountedBy(p *pod, volume string) string {
	for _, list := range []struct{ key, what string }{
		{"initContainers", "init container"}, {"containers", "container"}, {"ephemeralContainers", "ephemeral container"},
	} {
		for i, c := range yamltree.Items(yamltree.Get(p.spec, list.key)) {
			for j, m := range yamltree.Items(yamltree.Get(c, "volumeMounts")) {
				if n := yamltree.Get(m, "name"); n != nil && n.Value == volume {
					name := ""
					if cn := yamltree.Get(c, "name"); cn != nil {
						name = cn.Value
					}
					return fmt.Sprintf("volume %q is still mounted by %s %s (%s[%d].volumeMounts[%d])",
						volume, list.what, name, p.t.Field("spec", list.key), i, j)
				}
			}
		}
	}
	return ""
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

// restoreMerge gives a variable of the user's back the value it had, unless it changed since or
// holds what no render makes of the recorded value. Kubernetes uses the last entry of a name,
// and so does the render (envItem).
func restoreMerge(env *yaml.Node, m mergeRecord, field string, warn warnFunc) {
	items := yamltree.Items(env)
	for i := len(items) - 1; i >= 0; i-- {
		it := items[i]
		if n := yamltree.Get(it, "name"); n == nil || n.Value != m.Name {
			continue
		}
		v := yamltree.Get(it, "value")
		vf := fmt.Sprintf("%s[%d].value", field, i)
		if v == nil || v.Kind != yaml.ScalarNode || v.Value != m.To {
			warn(vf, "kept: %s was edited after inject-datadog changed it", m.Name)
			return
		}
		prior := m.From
		if m.Prior != "" {
			prior = "" // no value and a null merge as the empty string
		}
		if next, change := writes.merges[m.Name].merged(prior); !change || next != m.To {
			warn(vf, "kept: %s holds %s, which inject-datadog never makes of the recorded %s", m.Name, quoteShort(m.To), quoteShort(m.From))
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
		if k := yamltree.Key(parent, key); k != nil && n.LineComment == "" {
			n.LineComment, k.LineComment = k.LineComment, "" // "env: []   # none", as written
		}
	}
}

// restoreAnnotations puts back the annotations renders set, each only where it holds what a
// render writes there: from the safe-to-evict list the names of the volumes taken out (volumes),
// the applied target when it is the value of a DD_INSTRUMENTATION_APPLIED_TARGET taken out
// (targets), the injection error when it is the render's message, the CWS status when the CWS
// init container was taken out (cwsOut). The record goes too.
func restoreAnnotations(p *pod, rec *record, volumes, targets []string, cwsOut bool, warn warnFunc) {
	p.t.RemoveAnnotation(AnnotationRecord)
	for _, key := range sortedKeys(rec.Annotations) {
		prev := rec.Annotations[key]
		cur, _ := p.t.Annotation(key)
		if key == annotationSafeEvict {
			restoreSafeToEvict(p, prev, cur, volumes)
			continue
		}
		if !cur.Found {
			if key == annotationInjectionError && prev != nil {
				_ = p.t.SetAnnotation(key, *prev) // a render takes it out once libraries go in
			}
			continue
		}
		if key == annotationCWSStatus && cur.Text == cwsReady && !cwsOut {
			warn(cur.Field, "kept: %s stays with the init container %s it describes, which is kept", key, cwsInitName)
			continue
		}
		rendered := (key == annotationAppliedTarget && slices.Contains(targets, cur.Text)) ||
			(key == annotationInjectionError && strings.HasPrefix(cur.Text, injectionErrorLimits)) ||
			(key == annotationCWSStatus && cur.Text == cwsReady && cwsOut)
		if !rendered {
			warn(cur.Field, "kept: %s holds %s, which is not what inject-datadog wrote", key, quoteShort(cur.Text))
			continue
		}
		if prev == nil {
			p.t.RemoveAnnotation(key)
		} else {
			_ = p.t.SetAnnotation(key, *prev)
		}
	}
}

// restoreSafeToEvict takes the names of the volumes taken out off the safe-to-evict list, unless
// the list had them before the first render; the list goes when it had none and none is left.
func restoreSafeToEvict(p *pod, prev *string, cur podtemplate.Value, volumes []string) {
	if !cur.Found {
		return
	}
	had := map[string]bool{}
	if prev != nil {
		for _, name := range strings.Split(*prev, ",") {
			had[strings.TrimSpace(name)] = true
		}
	}
	var kept []string
	for _, name := range strings.Split(cur.Text, ",") {
		if name = strings.TrimSpace(name); name != "" && (had[name] || !slices.Contains(volumes, name)) {
			kept = append(kept, name)
		}
	}
	if len(kept) > 0 || prev != nil {
		_ = p.t.SetAnnotation(annotationSafeEvict, strings.Join(kept, ","))
		return
	}
	p.t.RemoveAnnotation(annotationSafeEvict)
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
