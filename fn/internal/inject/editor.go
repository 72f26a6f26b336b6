package inject

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/podtemplate"
	"inject-datadog/fn/internal/yamltree"
)

// editor is the one way a render writes into a pod template. Each write edits the YAML, notes
// what it added or changed in the record, so that `mode: remove` takes out exactly that
// (docs/migration.md "Leaving"), and marks the template changed. It writes only names of the table in
// names.go, which removal checks records against.
type editor struct {
	t    *podtemplate.Template
	spec *yaml.Node
	// volumes is spec.volumes, nil until the pod has one.
	volumes *yaml.Node
	// rec is what the renders added, the record of earlier ones included.
	rec     record
	changed bool
	// owned are the containers and init containers that renders added whole (this one, or an
	// earlier one whose record entry still matches them): edits to them are not noted one by
	// one, their entry's digest is brought up to date when the render finishes.
	owned map[*yaml.Node]ownedEntry
	// names are the names of the pod's containers and init containers as loadPod found them,
	// each with its field: a render must not add a container of one (see nameFree).
	names map[string]string
	// dangling are the volumes the pod lacks that a container of the user's mounts, each with
	// the field of its first such mount: a render must not add one (see addVolume).
	dangling map[string]string
	// fault is the first write the editor refused (a name the table of names.go lacks, a
	// container of a name the pod has, a volume a user's mount names without the pod having
	// it); finish reports it, and the item is written back as it came.
	fault error
}

// ownedEntry is where the record lists an owned container: the list and the entry's key.
type ownedEntry struct {
	list func(r *record) *[]string
	key  string
}

func sidecarEntries(r *record) *[]string { return &r.Sidecars }
func initEntries(r *record) *[]string    { return &r.Init }

// start takes up the record of earlier renders, which this one adds to, and notes the mounts of
// the pod's containers (cs, as loadPod found them) that name a volume the pod lacks.
func (e *editor) start(cs []*container) error {
	r, err := readRecord(e.t)
	if r != nil {
		e.rec = *r
	}
	e.owned = map[*yaml.Node]ownedEntry{}
	for _, l := range []struct {
		key  string
		list func(r *record) *[]string
	}{{"containers", sidecarEntries}, {"initContainers", initEntries}} {
		for _, en := range *l.list(&e.rec) {
			name, want, _ := strings.Cut(en, "@")
			for _, c := range yamltree.Items(yamltree.Get(e.spec, l.key)) {
				if n := yamltree.Get(c, "name"); n != nil && n.Value == name && digest(c) == want {
					e.owned[c] = ownedEntry{l.list, name}
				}
			}
		}
	}
	e.dangling = e.userDanglingMounts(cs)
	return err
}

// userDanglingMounts finds the mounts of volumes the pod lacks in the containers cs of the
// user's: not one a render added whole, not a mount an earlier render's record lists for it.
func (e *editor) userDanglingMounts(cs []*container) map[string]string {
	var out map[string]string
	for _, c := range cs {
		if e.isOwned(c) {
			continue
		}
		cr := e.findRecord(c)
		for j, m := range yamltree.Items(yamltree.Get(c.node, "volumeMounts")) {
			n, path := yamltree.Get(m, "name"), yamltree.Get(m, "mountPath")
			if n == nil || e.volume(n.Value) != nil || out[n.Value] != "" ||
				(cr != nil && path != nil && slices.ContainsFunc(cr.Mounts, func(en string) bool { return entryKey(en) == path.Value })) {
				continue
			}
			if out == nil {
				out = map[string]string{}
			}
			out[n.Value] = c.field + ".volumeMounts[" + strconv.Itoa(j) + "]"
		}
	}
	return out
}

// isOwned reports whether c was added whole by a render.
func (e *editor) isOwned(c *container) bool {
	_, ok := e.owned[c.node]
	return ok
}

// addContainer appends the container n to spec.containers (the Agent sidecar).
func (e *editor) addContainer(n *yaml.Node) {
	name := yamltree.Get(n, "name").Value
	e.mayWrite(writes.containers[name], "container", name)
	e.nameFree(name, "a container")
	yamltree.Append(e.list(nil, e.spec, "containers"), n)
	e.rec.Sidecars = addOnce(e.rec.Sidecars, entry(name, n))
	e.owned[n] = ownedEntry{sidecarEntries, name}
	e.changed = true
}

// setSpecBool sets a boolean field of the spec, noting the value it had before the first
// render that set it.
func (e *editor) setSpecBool(key string, v bool) {
	e.mayWrite(writes.specFields[key], "field", "spec."+key)
	cur := yamltree.Get(e.spec, key)
	want := strconv.FormatBool(v)
	if cur != nil && cur.Kind == yaml.ScalarNode && cur.ShortTag() == yaml.NodeTagBool && strings.EqualFold(cur.Value, want) {
		return
	}
	if _, seen := e.rec.Spec[key]; !seen {
		if e.rec.Spec == nil {
			e.rec.Spec = map[string]*string{}
		}
		var prev *string
		if cur != nil {
			prev = &cur.Value
		}
		e.rec.Spec[key] = prev
	}
	yamltree.Set(e.spec, key, yamltree.Bool(v))
	e.changed = true
}

// overrideEnv gives c the variable item as Datadog's sidecar webhook does: a variable of that
// name is replaced where it stands, else item is appended after c's variables. A value of the
// user's it replaces is noted in the record (merged), as setEnvValue does; a variable of the
// user's that cannot be rewritten and given back by removal (a valueFrom, or a value replaced
// by a valueFrom) is an error.
func (e *editor) overrideEnv(c *container, item *yaml.Node, field string) error {
	name := yamltree.Get(item, "name").Value
	e.mayWrite(writesEnv(name) || c.name == sidecarName, "variable", name)
	env := yamltree.Get(c.node, "env")
	at := -1
	for i, it := range yamltree.Items(env) {
		if n := yamltree.Get(it, "name"); n != nil && n.Value == name {
			at = i
			break
		}
	}
	if at < 0 {
		insert(e.list(c, c.node, "env"), false, item)
		c.envNames[name] = true
		if !e.isOwned(c) {
			cr := e.rec.container(c)
			cr.Env = addOnce(cr.Env, entry(name, item))
		}
		e.changed = true
		return nil
	}
	cur := env.Content[at]
	if digest(cur) == digest(item) {
		return nil
	}
	if e.isOwned(c) {
		*cur = *item
		e.changed = true
		return nil
	}
	if cr := e.findRecord(c); cr != nil {
		for i, en := range cr.Env {
			if entryKey(en) == name {
				*cur = *item
				cr.Env[i] = entry(name, cur)
				e.changed = true
				return nil
			}
		}
	}
	val := yamltree.Get(item, "value")
	if yamltree.Get(cur, "valueFrom") != nil || val == nil {
		return &podtemplate.FieldError{Field: fmt.Sprintf("%s.env[%d]", field, at),
			Message: fmt.Sprintf("%s must not be set with valueFrom here: the Agent sidecar sets it, and inject-datadog only rewrites a variable's value", name)}
	}
	e.setEnvValue(c, cur, val.Value)
	return nil
}

// findRecord is the record of c, nil when renders noted nothing about it.
func (e *editor) findRecord(c *container) *containerRecord {
	for i := range e.rec.Containers {
		if cr := &e.rec.Containers[i]; cr.Name == c.name && cr.Init == c.init {
			return cr
		}
	}
	return nil
}

// setKey sets a key of an owned container (the sidecar's resources and securityContext).
func (e *editor) setKey(c *container, key string, v *yaml.Node) {
	if cur := yamltree.Get(c.node, key); cur != nil && digest(cur) == digest(v) {
		return
	}
	yamltree.Set(c.node, key, v)
	e.changed = true
}

// addEnv puts the env items in c's env list, in order: at its head when first is set (the env
// block, which the user's variables may refer to), after c's own variables otherwise.
func (e *editor) addEnv(c *container, first bool, items ...*yaml.Node) {
	if len(items) == 0 {
		return
	}
	insert(e.list(c, c.node, "env"), first, items...)
	for _, it := range items {
		name := yamltree.Get(it, "name").Value
		e.mayWrite(writesEnv(name), "variable", name)
		if !e.isOwned(c) {
			cr := e.rec.container(c)
			cr.Env = addOnce(cr.Env, entry(name, it))
		}
		c.envNames[name] = true
	}
	e.changed = true
}

// setEnvValue gives the user's variable item of c the value next. The record keeps the value
// it had before the first render that changed it, and how it was written: no value, a null (as
// written), or a string and its quotes.
func (e *editor) setEnvValue(c *container, item *yaml.Node, next string) {
	name := yamltree.Get(item, "name").Value
	_, merges := writes.merges[name]
	e.mayWrite(merges, "merged variable", name)
	val := yamltree.Get(item, "value")
	m := mergeRecord{Name: name, To: next}
	switch {
	case val == nil:
		m.Prior = priorAbsent
	case val.Kind != yaml.ScalarNode:
	case val.ShortTag() == yaml.NodeTagNull:
		m.Prior, m.From = priorNull, val.Value
	case val.Style&yaml.DoubleQuotedStyle != 0:
		m.From, m.Quote = val.Value, "\""
	case val.Style&yaml.SingleQuotedStyle != 0:
		m.From, m.Quote = val.Value, "'"
	default:
		m.From = val.Value
	}
	cr := e.rec.container(c)
	if i := slices.IndexFunc(cr.Merged, func(r mergeRecord) bool { return r.Name == name }); i >= 0 {
		cr.Merged[i].To = next // the first render's value is the one to restore
	} else {
		cr.Merged = append(cr.Merged, m)
	}
	if val != nil && val.Kind == yaml.ScalarNode {
		yamltree.SetStr(val, next)
	} else {
		yamltree.Set(item, "value", yamltree.Str(next))
	}
	e.changed = true
}

// mount gives c the volume mounts that it lacks, at the head of its list when first is set. A
// mount is skipped when c already mounts something at its path, or, for a mount of a whole
// volume (no subPath), mounts that volume anywhere: the user's choice wins. It reports whether
// it added one.
func (e *editor) mount(c *container, first bool, mounts ...*yaml.Node) bool {
	var fresh []*yaml.Node
	for _, m := range mounts {
		name := yamltree.Get(m, "name").Value
		e.mayWrite(writes.volumes[name], "mount of volume", name)
		if yamltree.Get(m, "subPath") != nil {
			name = ""
		}
		if !hasMount(c, name, yamltree.Get(m, "mountPath").Value) {
			fresh = append(fresh, m)
		}
	}
	if len(fresh) == 0 {
		return false
	}
	insert(e.list(c, c.node, "volumeMounts"), first, fresh...)
	if !e.isOwned(c) {
		cr := e.rec.container(c)
		for _, m := range fresh {
			cr.Mounts = addOnce(cr.Mounts, entry(yamltree.Get(m, "mountPath").Value, m))
		}
	}
	e.changed = true
	return true
}

// hasMount reports a mount of c of that volume name, or at that path ("" matches no name).
func hasMount(c *container, name, path string) bool {
	for _, m := range yamltree.Items(yamltree.Get(c.node, "volumeMounts")) {
		if n := yamltree.Get(m, "name"); name != "" && n != nil && n.Value == name {
			return true
		}
		if mp := yamltree.Get(m, "mountPath"); mp != nil && mp.Value == path {
			return true
		}
	}
	return false
}

// addVolume appends the volume {name, key: src} unless the pod has a volume of that name, which
// is kept as the user wrote it. It reports whether it added one.
func (e *editor) addVolume(name, key string, src *yaml.Node) bool {
	e.mayWrite(writes.volumes[name], "volume", name)
	if e.volume(name) != nil {
		return false
	}
	if field := e.dangling[name]; field != "" && e.fault == nil {
		// Kubernetes refuses the pod as the user wrote it; were the render to add the volume,
		// removal would have to keep it for that mount, and the record could not say whose it is.
		e.fault = &podtemplate.FieldError{Field: field,
			Message: fmt.Sprintf("must not mount %q, a volume the pod lacks: inject-datadog adds a volume of that name; add the volume, or mount another", name)}
	}
	if e.volumes == nil {
		e.volumes = e.list(nil, e.spec, "volumes")
	}
	v := yamltree.Map("name", name, key, src)
	yamltree.Append(e.volumes, v)
	e.rec.Volumes = addOnce(e.rec.Volumes, entry(name, v))
	e.changed = true
	return true
}

// volumeRef is a volume of the pod and its index in spec.volumes.
type volumeRef struct {
	node  *yaml.Node
	index int
}

// volume finds the pod's volume of that name.
func (e *editor) volume(name string) *volumeRef {
	if e.volumes == nil {
		return nil
	}
	for i, v := range e.volumes.Content {
		if n := yamltree.Get(v, "name"); n != nil && n.Value == name {
			return &volumeRef{v, i}
		}
	}
	return nil
}

// addInit puts the init container ic at the head of spec.initContainers when first is set, at
// its end otherwise.
func (e *editor) addInit(ic *yaml.Node, first bool) {
	name := yamltree.Get(ic, "name").Value
	e.mayWrite(writes.inits[name], "init container", name)
	e.nameFree(name, "an init container")
	insert(e.list(nil, e.spec, "initContainers"), first, ic)
	e.rec.Init = addOnce(e.rec.Init, entry(name, ic))
	e.owned[ic] = ownedEntry{initEntries, name}
	e.changed = true
}

// setAnnotation writes a template annotation, when its value differs.
func (e *editor) setAnnotation(key, value string) error {
	cur, err := e.t.Annotation(key)
	if err != nil {
		return err
	}
	if cur.Found && cur.Text == value {
		return nil
	}
	e.noteAnnotation(key, cur)
	e.changed = true
	return e.t.SetAnnotation(key, value)
}

// removeAnnotation takes a template annotation out, when it has one.
func (e *editor) removeAnnotation(key string) error {
	cur, err := e.t.Annotation(key)
	if err != nil || !cur.Found {
		return err
	}
	e.noteAnnotation(key, cur)
	e.t.RemoveAnnotation(key)
	e.changed = true
	return nil
}

// noteAnnotation notes the value an annotation had before the first render that wrote it, and
// the metadata and annotations maps a write may create or restyle.
func (e *editor) noteAnnotation(key string, cur podtemplate.Value) {
	e.mayWrite(writes.annotations[key] || key == AnnotationRecord, "annotation", key)
	if _, seen := e.rec.Annotations[key]; !seen {
		if e.rec.Annotations == nil {
			e.rec.Annotations = map[string]*string{}
		}
		var prev *string
		if cur.Found {
			prev = &cur.Text
		}
		e.rec.Annotations[key] = prev
	}
	meta := yamltree.Get(e.t.Node, "metadata")
	for _, note := range []string{priorState("metadata", meta, yaml.MappingNode),
		priorState("metadata.annotations", yamltree.Get(meta, "annotations"), yaml.MappingNode)} {
		if note != "" {
			e.rec.Created = addOnce(e.rec.Created, note)
		}
	}
}

// list is the list under key in m, created when absent or null (appended after the keys the
// user wrote), noting in the record what it found. An empty flow list becomes a block list: it
// has no style worth keeping, and a flow list of env vars is unreadable; removal restores it.
// c is the container that owns m, nil for the pod's spec.
func (e *editor) list(c *container, m *yaml.Node, key string) *yaml.Node {
	s := yamltree.Get(m, key)
	note := priorState(key, s, yaml.SequenceNode)
	if s == nil || s.Kind != yaml.SequenceNode {
		s = yamltree.Seq()
		yamltree.Set(m, key, s)
	}
	if len(s.Content) == 0 && s.Style&yaml.FlowStyle != 0 {
		s.Style &^= yaml.FlowStyle
		// go-yaml writes a block list's line comment on the line of the key after it: the
		// comment goes on the list's own key, where "env: []   # none" had it.
		if k := yamltree.Key(m, key); k != nil && s.LineComment != "" && k.LineComment == "" {
			k.LineComment, s.LineComment = s.LineComment, ""
		}
	}
	if note != "" && (c == nil || !e.isOwned(c)) {
		if c == nil {
			e.rec.Created = addOnce(e.rec.Created, "spec."+note)
		} else {
			cr := e.rec.container(c)
			cr.Created = addOnce(cr.Created, note)
		}
	}
	return s
}

// mayWrite notes a write that the table of names.go lacks: removal would refuse to take it out,
// so the render fails with an error result and the item is written back as it came. Only a
// change to the code that forgot the table gets here.
func (e *editor) mayWrite(ok bool, kind, name string) {
	if !ok && e.fault == nil {
		e.fault = fmt.Errorf("inject-datadog must not write the %s %q: the table of the names it writes lacks it (a fault of inject-datadog; please report it)", kind, name)
	}
}

// nameFree refuses to add a container (what) of a name the pod already gives a container or an
// init container: Kubernetes refuses such a pod, and the record finds containers by name. The
// callers add only what their own list lacks, so the name is the user's.
func (e *editor) nameFree(name, what string) {
	if field, taken := e.names[name]; taken && e.fault == nil {
		e.fault = &podtemplate.FieldError{Field: field + ".name",
			Message: fmt.Sprintf("must not be %q: inject-datadog adds %s of that name", name, what)}
	}
}

// insert puts nodes at the head of the list when first is set, at its end otherwise.
func insert(list *yaml.Node, first bool, nodes ...*yaml.Node) {
	if first {
		yamltree.Insert(list, 0, nodes...)
	} else {
		yamltree.Append(list, nodes...)
	}
}

// finish writes the record, when the render changed the template. The record goes last, noting
// the maps it may create itself; it lists no value of its own to restore.
func (e *editor) finish() error {
	if e.fault != nil {
		return e.fault
	}
	if !e.changed {
		return nil
	}
	// An owned container's entry describes it as it is now, edits of this render included.
	for n, oe := range e.owned {
		list := oe.list(&e.rec)
		for i, en := range *list {
			if entryKey(en) == oe.key {
				(*list)[i] = entry(oe.key, n)
			}
		}
	}
	e.noteAnnotation(AnnotationRecord, podtemplate.Value{})
	delete(e.rec.Annotations, AnnotationRecord)
	if len(e.rec.Annotations) == 0 {
		e.rec.Annotations = nil
	}
	return e.t.SetAnnotation(AnnotationRecord, e.rec.json())
}
