package inject

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/podtemplate"
	"inject-datadog/fn/internal/yamltree"
)

// AnnotationRecord is where a render notes, on the pod template, what it added: so that
// `mode: remove` takes out exactly that, and nothing the user wrote (docs/migration.md "Leaving").
const AnnotationRecord = "inject-datadog.fn.kpt.dev/injected"

// record is what renders added to one pod template. Added list entries are noted as
// "<key>@<digest>", the digest of the entry's data, so that removal can tell an entry edited by
// hand since. The JSON is compact and its keys in a fixed order: the same additions give the
// same bytes.
type record struct {
	Containers []containerRecord `json:"containers,omitempty"`
	Volumes    []string          `json:"volumes,omitempty"`
	Init       []string          `json:"initContainers,omitempty"`
	// Sidecars are the containers renders added to spec.containers (the Agent sidecar).
	Sidecars []string `json:"sidecars,omitempty"`
	// Spec holds the scalar fields of the spec renders set, each with the value it had before
	// (as written), nil when it had none.
	Spec        map[string]*string `json:"spec,omitempty"`
	Annotations map[string]*string `json:"annotations,omitempty"`
	// Created lists the keys the renders created ("spec.volumes"), with what was there before:
	// nothing, "=null" (or "=null:~", the null as written when not empty) or "=[]" (an empty
	// flow list or map).
	Created []string `json:"created,omitempty"`
}

type containerRecord struct {
	Name    string        `json:"name"`
	Init    bool          `json:"init,omitempty"`
	Env     []string      `json:"env,omitempty"`
	Merged  []mergeRecord `json:"merged,omitempty"`
	Mounts  []string      `json:"mounts,omitempty"`
	Created []string      `json:"created,omitempty"`
}

// mergeRecord is a variable of the user's whose value a render changed: from what, to what.
type mergeRecord struct {
	Name string `json:"name"`
	From string `json:"from"`
	To   string `json:"to"`
	// Quote is how the user quoted the value ("'" or "\""), empty when plain.
	Quote string `json:"quote,omitempty"`
	// Prior is what the variable had before when it was no string: no value at all
	// (priorAbsent), or a null (priorNull, From holding how it was written: "", "~").
	Prior string `json:"prior,omitempty"`
}

const (
	priorAbsent = "absent"
	priorNull   = "null"
)

// readRecord reads the template's record; nil when it has none.
func readRecord(t *podtemplate.Template) (*record, error) {
	v, err := t.Annotation(AnnotationRecord)
	if err != nil || !v.Found {
		return nil, err
	}
	var r record
	if err := json.Unmarshal([]byte(v.Text), &r); err != nil {
		return nil, &podtemplate.FieldError{Field: v.Field, Message: fmt.Sprintf(
			"must be the record inject-datadog writes (JSON), found %s: %v", quoteShort(v.Text), err)}
	}
	return &r, nil
}

// quoteLimit is how much of a value a message quotes: a record is text anyone can paste
// megabytes into, and a message is for a person (docs/migration.md "Leaving").
const quoteLimit = 200

// quoteShort quotes s, cut after quoteLimit bytes (at a character's start) and followed by its
// length when longer.
func quoteShort(s string) string {
	if len(s) <= quoteLimit {
		return strconv.Quote(s)
	}
	cut := quoteLimit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q… (%d bytes)", s[:cut], len(s))
}

// json is the record as written: "<<" stays readable, not escaped for HTML.
func (r *record) json() string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(r) // a struct of strings: nothing can fail
	return strings.TrimSuffix(b.String(), "\n")
}

// container is the record of c, created on first use.
func (r *record) container(c *container) *containerRecord {
	for i := range r.Containers {
		if cr := &r.Containers[i]; cr.Name == c.name && cr.Init == c.init {
			return cr
		}
	}
	r.Containers = append(r.Containers, containerRecord{Name: c.name, Init: c.init})
	return &r.Containers[len(r.Containers)-1]
}

// entry notes a list entry as key@digest.
func entry(key string, n *yaml.Node) string { return key + "@" + digest(n) }

// entryKey is the key part of an entry.
func entryKey(e string) string {
	k, _, _ := strings.Cut(e, "@")
	return k
}

// digest is a short hash of what n means: aliases read through, styles, comments and the order
// of a map's keys ignored (kustomize writes keys sorted, kpt as they were).
func digest(n *yaml.Node) string {
	h := fnv.New32a()
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		n = yamltree.Resolve(n)
		if n == nil {
			return
		}
		switch n.Kind {
		case yaml.MappingNode:
			pairs := yamltree.Pairs(n)
			slices.SortFunc(pairs, func(a, b [2]*yaml.Node) int { return strings.Compare(a[0].Value, b[0].Value) })
			h.Write([]byte{'{'})
			for _, kv := range pairs {
				h.Write([]byte(kv[0].Value + "="))
				walk(kv[1])
				h.Write([]byte{';'})
			}
			h.Write([]byte{'}'})
		case yaml.SequenceNode:
			h.Write([]byte{'['})
			for _, it := range yamltree.Items(n) {
				walk(it)
				h.Write([]byte{','})
			}
			h.Write([]byte{']'})
		default:
			h.Write([]byte(n.Value))
		}
	}
	walk(n)
	return fmt.Sprintf("%08x", h.Sum32())
}

// addOnce appends e to list unless an entry of its key is there.
func addOnce(list []string, e string) []string {
	if slices.ContainsFunc(list, func(x string) bool { return entryKey(x) == entryKey(e) }) {
		return list
	}
	return append(list, e)
}

// priorState notes what n, at path, was before a render that may create or restyle it: absent
// (the path), null ("=null", "=null:<as written>" when not empty), an empty flow list or map
// ("=[]"); "" when it is kept as it is.
func priorState(path string, n *yaml.Node, kind yaml.Kind) string {
	switch {
	case n == nil:
		return path
	case n.Kind != kind:
		if n.Kind == yaml.ScalarNode && n.Value != "" {
			return path + "=null:" + n.Value
		}
		return path + "=null"
	case len(n.Content) == 0 && n.Style&yaml.FlowStyle != 0:
		return path + "=[]"
	}
	return ""
}
