// Package yamltree edits YAML node trees in place. Every change goes through these helpers so that
// the nodes the user wrote keep their comments, key order, quoting and flow style, and so that the
// nodes we add are typed the way Kubernetes expects (strings tagged !!str, never bare scalars that a
// later reader could take for a number or a bool).
package yamltree

import (
	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Resolve follows an alias to the node it names; other nodes are returned as they are.
func Resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// isMergeKey reports YAML's merge key: "<<: *defaults" brings the keys of another mapping in
// (a quoted "<<" is an ordinary key).
func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge"
}

// Get returns the value of key in the mapping m, or nil when m is not a mapping or lacks the key.
// It reads through aliases (m and the value may be aliases) and merge keys: a key of m's own
// wins over a merged one, as YAML's merge rule says.
func Get(m *yaml.Node, key string) *yaml.Node {
	m = Resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var merged []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		switch k := m.Content[i]; {
		case isMergeKey(k):
			merged = append(merged, m.Content[i+1])
		case k.Value == key:
			return Resolve(m.Content[i+1])
		}
	}
	for _, v := range merged {
		for _, src := range mergeSources(v) {
			if got := Get(src, key); got != nil {
				return got
			}
		}
	}
	return nil
}

// mergeSources are the mappings a merge key's value brings in, in precedence order: one mapping,
// or a list of them where the first wins.
func mergeSources(v *yaml.Node) []*yaml.Node {
	v = Resolve(v)
	if v == nil {
		return nil
	}
	if v.Kind == yaml.SequenceNode {
		return v.Content
	}
	return []*yaml.Node{v}
}

// Pairs lists the keys and values of the mapping m as a reader sees them: its own pairs in
// written order, then the merged keys it does not define itself; values resolved.
func Pairs(m *yaml.Node) [][2]*yaml.Node {
	m = Resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var out [][2]*yaml.Node
	have := map[string]bool{}
	var merged []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if isMergeKey(k) {
			merged = append(merged, m.Content[i+1])
			continue
		}
		have[k.Value] = true
		out = append(out, [2]*yaml.Node{k, Resolve(m.Content[i+1])})
	}
	for _, v := range merged {
		for _, src := range mergeSources(v) {
			for _, kv := range Pairs(src) {
				if !have[kv[0].Value] {
					have[kv[0].Value] = true
					out = append(out, kv)
				}
			}
		}
	}
	return out
}

// Items is the sequence s's items, each resolved (nil when s is not a sequence).
func Items(s *yaml.Node) []*yaml.Node {
	s = Resolve(s)
	if s == nil || s.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, len(s.Content))
	for i, n := range s.Content {
		out[i] = Resolve(n)
	}
	return out
}

// Path follows keys from m through nested mappings; nil when any step is missing or not a mapping.
func Path(m *yaml.Node, keys ...string) *yaml.Node {
	n := m
	for _, k := range keys {
		n = Get(n, k)
		if n == nil {
			return nil
		}
	}
	return n
}

// Set puts value under key in the mapping m: in place when the key exists, appended otherwise, so
// the keys the user wrote keep their order.
func Set(m *yaml.Node, key string, value *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = value
			return
		}
	}
	m.Content = append(m.Content, Str(key), value)
}

// SetBefore sets key in the mapping m to value, as Set does; a key m lacks goes before the key
// next, where m has it ("metadata" before "spec", as every manifest writes them).
func SetBefore(m *yaml.Node, key string, value *yaml.Node, next string) {
	if Get(m, key) == nil {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == next {
				m.Content = append(m.Content[:i], append([]*yaml.Node{Str(key), value}, m.Content[i:]...)...)
				return
			}
		}
	}
	Set(m, key, value)
}

// Insert puts nodes into the sequence s before index i.
func Insert(s *yaml.Node, i int, nodes ...*yaml.Node) {
	rest := append([]*yaml.Node{}, s.Content[i:]...)
	s.Content = append(append(s.Content[:i], nodes...), rest...)
}

// Append adds nodes at the end of the sequence s.
func Append(s *yaml.Node, nodes ...*yaml.Node) {
	s.Content = append(s.Content, nodes...)
}

// Str is a string scalar tagged !!str: "1.0" or "true" stay strings when written, and so do
// "on", "yes" or "n", which YAML 1.1 readers (kubectl, sigs.k8s.io/yaml) take for booleans.
func Str(v string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString}
	SetStr(n, v)
	return n
}

// SetStr makes the scalar n the string v, quoted where a YAML 1.1 reader would not read it back
// as that string (docs/yaml-fidelity.md "YAML 1.1").
func SetStr(n *yaml.Node, v string) {
	n.Kind, n.Tag, n.Value = yaml.ScalarNode, yaml.NodeTagString, v
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 && yaml11NonString(v) {
		n.Style = yaml.DoubleQuotedStyle
	}
}

// yaml11NonString reports a string that a YAML 1.1 reader would take for a bool, a number, a
// null or another type. The first byte rules most values out before kyaml's check, which
// decodes the value.
func yaml11NonString(v string) bool {
	if v == "" || !strings.ContainsRune("0123456789+-.~yYnNtTfFoO<=", rune(v[0])) {
		return false
	}
	return yaml.IsValueNonString(v)
}

// Bool is a boolean scalar.
func Bool(v bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagBool, Value: strconv.FormatBool(v)}
}

// Map builds a mapping from alternating keys and values, in the order given.
func Map(kv ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Content = append(m.Content, Str(kv[i].(string)), node(kv[i+1]))
	}
	return m
}

// Seq builds a block sequence of the given nodes.
func Seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq, Content: items}
}

// StrSeq builds a block sequence of strings.
func StrSeq(items ...string) *yaml.Node {
	s := Seq()
	for _, v := range items {
		s.Content = append(s.Content, Str(v))
	}
	return s
}

func node(v any) *yaml.Node {
	switch v := v.(type) {
	case *yaml.Node:
		return v
	case string:
		return Str(v)
	case bool:
		return Bool(v)
	}
	return Str(fmt.Sprint(v))
}

// IsStr reports whether n is a scalar that a YAML reader takes as a string.
func IsStr(n *yaml.Node) bool {
	n = Resolve(n)
	return n != nil && n.Kind == yaml.ScalarNode && n.ShortTag() == yaml.NodeTagString
}

// KindName names a node's kind for error messages ("a map", "a list", ...).
func KindName(n *yaml.Node) string {
	n = Resolve(n)
	if n == nil {
		return "missing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a map"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case yaml.NodeTagNull:
			return "null"
		case yaml.NodeTagString:
			return "a string"
		case yaml.NodeTagBool:
			return "a bool"
		case yaml.NodeTagInt, yaml.NodeTagFloat:
			return "a number"
		}
		return "a scalar"
	}
	return "a document"
}
