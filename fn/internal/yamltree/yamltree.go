// Package yamltree edits YAML node trees in place. Every change goes through these helpers so that
// the nodes the user wrote keep their comments, key order, quoting and flow style, and so that the
// nodes we add are typed the way Kubernetes expects (strings tagged !!str, never bare scalars that a
// later reader could take for a number or a bool).
package yamltree

import (
	"fmt"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Get returns the value of key in the mapping m, or nil when m is not a mapping or lacks the key.
func Get(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
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

// Insert puts nodes into the sequence s before index i.
func Insert(s *yaml.Node, i int, nodes ...*yaml.Node) {
	rest := append([]*yaml.Node{}, s.Content[i:]...)
	s.Content = append(append(s.Content[:i], nodes...), rest...)
}

// Append adds nodes at the end of the sequence s.
func Append(s *yaml.Node, nodes ...*yaml.Node) {
	s.Content = append(s.Content, nodes...)
}

// Str is a string scalar tagged !!str: "1.0" or "true" stay strings when written.
func Str(v string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: v}
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
	return n != nil && n.Kind == yaml.ScalarNode && n.ShortTag() == yaml.NodeTagString
}

// KindName names a node's kind for error messages ("a map", "a list", ...).
func KindName(n *yaml.Node) string {
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
