package podtemplate

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/krm"
	"inject-datadog/fn/internal/yamltree"
)

// Template is one pod template (a mapping with metadata and spec) inside a resource.
type Template struct {
	Object *krm.Object
	// Node is the template mapping; for a Pod, the object itself.
	Node *yaml.Node
	path []string
	// labelSources are the metadata mappings consulted, after the template's own, for a label the
	// template lacks: the nearest enclosing object first (a CronJob's jobTemplate), the resource last.
	labelSources []source
}

type source struct {
	meta *yaml.Node
	path []string
}

// Find returns the pod template of o. It returns nil and no error for a kind without one, and
// for a workload whose template path is absent or null (an Argo Rollout with spec.workloadRef):
// absent says which. A template path that is present with another shape is an error.
func (k *Kinds) Find(o *krm.Object) (t *Template, absent bool, err error) {
	p, ok, elsewhere := k.path(o.APIVersion(), o.Kind())
	if !ok {
		if elsewhere != "" {
			return nil, false, &UnhandledVersionError{APIVersion: o.APIVersion(), Kind: o.Kind(), Handled: elsewhere}
		}
		return nil, false, nil
	}
	t = &Template{Object: o, Node: o.Node, path: p}
	n := o.Node
	for i, key := range p {
		if meta := yamltree.Get(n, "metadata"); meta != nil && meta.Kind == yaml.MappingNode {
			t.labelSources = append([]source{{meta, append([]string{}, p[:i]...)}}, t.labelSources...)
		}
		n = yamltree.Get(n, key)
		if n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == yaml.NodeTagNull) {
			return nil, true, nil
		}
		if n.Kind != yaml.MappingNode {
			return nil, false, &FieldError{Field: strings.Join(p[:i+1], "."), Message: fmt.Sprintf(
				"must be a map, the pod template of %s; found %s", article(o.Kind()), yamltree.KindName(n))}
		}
	}
	t.Node = n
	return t, false, nil
}

// Own makes the template's own copy of every aliased node on the way to it, so that edits to
// the template never reach another user of an anchor (docs/yaml-fidelity.md "YAML anchors and aliases").
func (t *Template) Own(tree *yamltree.Tree) {
	n := t.Object.Node
	for _, key := range t.path {
		n = tree.OwnKey(n, key)
	}
	t.Node = n
	if meta := tree.OwnKey(n, "metadata"); meta != nil {
		tree.OwnKey(meta, "annotations")
	}
}

// UnhandledVersionError is a built-in kind in a group or version the function does not mutate.
type UnhandledVersionError struct {
	APIVersion, Kind, Handled string
}

func (e *UnhandledVersionError) Error() string {
	return fmt.Sprintf("%s %s is not mutated: inject-datadog handles %s in %s; render it in that version, or name this kind in podTemplatePaths",
		e.APIVersion, e.Kind, e.Kind, e.Handled)
}

// article puts "a" or "an" before a kind name.
func article(word string) string {
	if word != "" && strings.ContainsRune("AEIOUaeiou", rune(word[0])) {
		return "an " + word
	}
	return "a " + word
}

// namespaceDefault is where an object without metadata.namespace lands.
const namespaceDefault = "default"

// FieldError is a problem at a field path of the resource.
type FieldError struct {
	Field, Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// Field renders the path of a field inside the template, for results: "spec.template.spec.containers[0]".
func (t *Template) Field(rest ...string) string {
	parts := append(append([]string{}, t.path...), rest...)
	var b strings.Builder
	for _, p := range parts {
		if b.Len() > 0 && !strings.HasPrefix(p, "[") {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

// Namespace is the namespace the pods will run in; none written means "default", as kubectl would.
func (t *Template) Namespace() string {
	if ns := t.Object.Namespace(); ns != "" {
		return ns
	}
	return namespaceDefault
}

// Spec is the template's spec mapping, nil when it has none.
func (t *Template) Spec() *yaml.Node {
	s := yamltree.Get(t.Node, "spec")
	if s == nil || s.Kind != yaml.MappingNode {
		return nil
	}
	return s
}

// Value is a label or annotation value and where it was found.
type Value struct {
	Text  string
	Found bool
	// Field is the path it was read from.
	Field string
}

// Label reads a label from the template, else from the enclosing objects (docs/behaviour.md
// "Selection": a user who labels the Deployment means the same as one who labels its pods).
func (t *Template) Label(key string) (Value, error) {
	return t.label(key, func(v Value) bool { return v.Found })
}

// TagLabel reads a tags.datadoghq.com/* label as Label does, where a label with an empty value
// counts as absent: the next source is read (docs/behaviour.md "Standard tags").
func (t *Template) TagLabel(key string) (Value, error) {
	return t.label(key, func(v Value) bool { return v.Text != "" })
}

// label reads key from the template's labels, then the enclosing objects', up to the first
// value that counts.
func (t *Template) label(key string, counts func(Value) bool) (Value, error) {
	v, err := read(yamltree.Get(t.Node, "metadata"), "labels", key, t.Field("metadata"))
	if err != nil || counts(v) {
		return v, err
	}
	for _, s := range t.labelSources {
		v, err := read(s.meta, "labels", key, t.rootField(s.path, "metadata"))
		if err != nil || counts(v) {
			return v, err
		}
	}
	return Value{}, nil
}

// Labels are the template's own labels (no fallback to the workload), as a target's pod selector
// reads them; each must be a string.
func (t *Template) Labels() (map[string]string, error) {
	meta := yamltree.Get(t.Node, "metadata")
	labels := map[string]string{}
	for _, kv := range yamltree.Pairs(yamltree.Get(meta, "labels")) {
		v, err := read(meta, "labels", kv[0].Value, t.Field("metadata"))
		if err != nil {
			return nil, err
		}
		labels[kv[0].Value] = v.Text
	}
	return labels, nil
}

// Annotation reads an annotation of the template only: annotations do not fall back.
func (t *Template) Annotation(key string) (Value, error) {
	return read(yamltree.Get(t.Node, "metadata"), "annotations", key, t.Field("metadata"))
}

// KeyValue is an annotation of the template.
type KeyValue struct {
	Key, Value, Field string
}

// Annotations lists the template's annotations whose key starts with prefix, in written order,
// checking that each is a string.
func (t *Template) Annotations(prefix string) ([]KeyValue, error) {
	meta := yamltree.Get(t.Node, "metadata")
	if meta == nil {
		return nil, nil
	}
	field := t.Field("metadata")
	if meta.Kind != yaml.MappingNode {
		return nil, &FieldError{field, "must be a map, found " + yamltree.KindName(meta)}
	}
	ann := yamltree.Get(meta, "annotations")
	field += ".annotations"
	if ann == nil || (ann.Kind == yaml.ScalarNode && ann.ShortTag() == yaml.NodeTagNull) {
		return nil, nil
	}
	if ann.Kind != yaml.MappingNode {
		return nil, &FieldError{field, "must be a map of strings, found " + yamltree.KindName(ann)}
	}
	var kvs []KeyValue
	for _, kv := range yamltree.Pairs(ann) {
		k := kv[0].Value
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		v, err := read(meta, "annotations", k, t.Field("metadata"))
		if err != nil {
			return nil, err
		}
		kvs = append(kvs, KeyValue{Key: k, Value: v.Text, Field: v.Field})
	}
	return kvs, nil
}

func (t *Template) rootField(path []string, rest ...string) string {
	return strings.Join(append(append([]string{}, path...), rest...), ".")
}

// read returns meta[kind][key], checking that the map and the value have the types Kubernetes
// requires: a YAML number or bool there is a mistake the API server would reject later.
func read(meta *yaml.Node, kind, key, metaField string) (Value, error) {
	if meta == nil {
		return Value{}, nil
	}
	if meta.Kind != yaml.MappingNode {
		return Value{}, &FieldError{metaField, "must be a map, found " + yamltree.KindName(meta)}
	}
	m := yamltree.Get(meta, kind)
	field := metaField + "." + kind
	if m == nil || (m.Kind == yaml.ScalarNode && m.ShortTag() == yaml.NodeTagNull) {
		return Value{}, nil
	}
	if m.Kind != yaml.MappingNode {
		return Value{}, &FieldError{field, "must be a map of strings, found " + yamltree.KindName(m)}
	}
	v := yamltree.Get(m, key)
	if v == nil {
		return Value{}, nil
	}
	field += "." + key
	if !yamltree.IsStr(v) {
		if v.Kind == yaml.ScalarNode {
			return Value{}, &FieldError{field, fmt.Sprintf("must be a string, found %s (%s); quote it", yamltree.KindName(v), v.Value)}
		}
		return Value{}, &FieldError{field, "must be a string, found " + yamltree.KindName(v)}
	}
	return Value{Text: v.Value, Found: true, Field: field}, nil
}

// SetAnnotation writes an annotation on the template, creating metadata and annotations as needed.
func (t *Template) SetAnnotation(key, value string) error {
	meta := yamltree.Get(t.Node, "metadata")
	if meta == nil || meta.Kind != yaml.MappingNode {
		if meta != nil && meta.ShortTag() != yaml.NodeTagNull {
			return &FieldError{t.Field("metadata"), "must be a map, found " + yamltree.KindName(meta)}
		}
		meta = yamltree.Map()
		yamltree.SetBefore(t.Node, "metadata", meta, "spec")
	}
	if len(meta.Content) == 0 {
		meta.Style &^= yaml.FlowStyle
	}
	ann := yamltree.Get(meta, "annotations")
	if ann == nil || ann.Kind != yaml.MappingNode {
		if ann != nil && ann.ShortTag() != yaml.NodeTagNull {
			return &FieldError{t.Field("metadata", "annotations"), "must be a map of strings, found " + yamltree.KindName(ann)}
		}
		ann = yamltree.Map()
		yamltree.Set(meta, "annotations", ann)
	}
	if len(ann.Content) == 0 {
		ann.Style &^= yaml.FlowStyle // "annotations: {}" has no style worth keeping
	}
	for i := 0; i+1 < len(ann.Content); i += 2 {
		if ann.Content[i].Value != key {
			continue
		}
		old := ann.Content[i+1]
		if t.Object.Tree != nil {
			old = t.Object.Tree.Own(old) // an aliased value is another key's too
		}
		if old.Kind == yaml.ScalarNode {
			yamltree.SetStr(old, value)
			return nil
		}
	}
	yamltree.Set(ann, key, yamltree.Str(value))
	return nil
}

// RemoveAnnotation deletes an annotation of the template; it reports whether there was one.
func (t *Template) RemoveAnnotation(key string) bool {
	ann := yamltree.Path(t.Node, "metadata", "annotations")
	if ann == nil || ann.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(ann.Content); i += 2 {
		if ann.Content[i].Value == key {
			// A comment go-yaml read as the last annotation's is the user's, written after the
			// map: it goes to the key before, or to the annotations key itself.
			if foot := ann.Content[i].FootComment; foot != "" && i+2 == len(ann.Content) {
				to := yamltree.Key(yamltree.Get(t.Node, "metadata"), "annotations")
				if i > 0 {
					to = ann.Content[i-2]
				}
				if to != nil && to.FootComment == "" {
					to.FootComment = foot
				}
			}
			ann.Content = append(ann.Content[:i], ann.Content[i+2:]...)
			return true
		}
	}
	return false
}
