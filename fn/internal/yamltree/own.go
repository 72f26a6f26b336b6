package yamltree

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Tree is one YAML document, for edits that must not change what its aliases mean. A node the
// function writes into may be an alias, or an anchor that aliases elsewhere read: Own turns it
// into a node of its own first (docs/yaml-fidelity.md "YAML anchors and aliases").
type Tree struct {
	root *yaml.Node
	// users lists the alias nodes that name each anchored node; built on first need.
	users map[*yaml.Node][]*yaml.Node
	// aliases caches HasAliases: 0 unknown, 1 no, 2 yes.
	aliases int8
}

// HasAliases reports whether the document has an anchor or an alias; when it has none, no edit
// needs Own.
func (t *Tree) HasAliases() bool {
	if t.aliases == 0 {
		t.aliases = 1
		if HasAliases(t.root) {
			t.aliases = 2
		}
	}
	return t.aliases == 2
}

// NewTree prepares the document whose root is root (a document or its top node).
func NewTree(root *yaml.Node) *Tree { return &Tree{root: root} }

func (t *Tree) index() {
	if t.users != nil {
		return
	}
	t.users = map[*yaml.Node][]*yaml.Node{}
	t.note(t.root)
}

// note records the aliases under n.
func (t *Tree) note(n *yaml.Node) {
	if n == nil {
		return
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias != nil {
			t.users[n.Alias] = append(t.users[n.Alias], n)
		}
		return
	}
	for _, c := range n.Content {
		t.note(c)
	}
}

// Own makes n, a node of the document, safe to edit in place, and returns it:
//   - an alias becomes a copy of the node it names, so the edit stays with this user;
//   - an anchored node that aliases name keeps its content for them: each alias becomes a copy
//     of it, and n loses its anchor.
//
// Other nodes are returned unchanged. Nested aliases inside a copy stay aliases: they name
// anchors written before them, which are still there.
func (t *Tree) Own(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	switch {
	case n.Kind == yaml.AliasNode:
		t.index()
		target := n.Alias
		t.drop(target, n)
		c := t.copyOf(Resolve(target))
		c.HeadComment, c.LineComment, c.FootComment = n.HeadComment, n.LineComment, n.FootComment
		*n = *c
	case n.Anchor != "":
		t.index()
		for _, u := range t.users[n] {
			c := t.copyOf(n)
			c.HeadComment, c.LineComment, c.FootComment = u.HeadComment, u.LineComment, u.FootComment
			*u = *c
		}
		delete(t.users, n)
		n.Anchor = ""
	}
	return n
}

// OwnKey owns the value of key in the owned mapping m and returns it, nil when m has no such
// key. A value m only has through a merge key becomes a key of m's own (a copy), which wins
// over the merged one as YAML's merge rule says.
func (t *Tree) OwnKey(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; !isMergeKey(k) && k.Value == key {
			return t.Own(m.Content[i+1])
		}
	}
	v := Get(m, key)
	if v == nil {
		return nil
	}
	t.index()
	c := t.copyOf(v)
	m.Content = append(m.Content, Str(key), c)
	return c
}

// OwnItems owns every item of the owned sequence s.
func (t *Tree) OwnItems(s *yaml.Node) {
	if s == nil || s.Kind != yaml.SequenceNode {
		return
	}
	for _, n := range s.Content {
		t.Own(n)
	}
}

// drop forgets the alias u of target.
func (t *Tree) drop(target, u *yaml.Node) {
	us := t.users[target]
	for i, x := range us {
		if x == u {
			t.users[target] = append(us[:i:i], us[i+1:]...)
			return
		}
	}
}

// copyOf is a deep copy of n without anchors (the originals keep them); the aliases inside are
// recorded as users of what they name.
func (t *Tree) copyOf(n *yaml.Node) *yaml.Node {
	c := *n
	c.Anchor = ""
	if n.Kind == yaml.AliasNode {
		t.users[n.Alias] = append(t.users[n.Alias], &c)
		return &c
	}
	if n.Content != nil {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, ch := range n.Content {
			c.Content[i] = t.copyOf(ch)
		}
	}
	return &c
}

// HasAliases reports whether any node under n is an alias or an anchor.
func HasAliases(n *yaml.Node) bool {
	if n == nil {
		return false
	}
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return true
	}
	for _, c := range n.Content {
		if HasAliases(c) {
			return true
		}
	}
	return false
}

// SelfContained reports whether every alias under n names an anchor under n.
func SelfContained(n *yaml.Node) bool {
	anchored := map[*yaml.Node]bool{}
	var aliases []*yaml.Node
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil {
			return
		}
		if n.Kind == yaml.AliasNode {
			aliases = append(aliases, n)
			return
		}
		if n.Anchor != "" {
			anchored[n] = true
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	for _, a := range aliases {
		if !anchored[a.Alias] {
			return false
		}
	}
	return true
}

// PlainMergeKeys clears the explicit tag go-yaml gives merge keys, which its encoder would
// otherwise write as "!!merge <<:": the tag is implied, and the user wrote none.
func PlainMergeKeys(n *yaml.Node) {
	if n == nil || n.Kind == yaml.AliasNode {
		return
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; isMergeKey(k) && k.Tag == "!!merge" {
				k.Tag = ""
			}
		}
	}
	for _, c := range n.Content {
		PlainMergeKeys(c)
	}
}

// RecursiveAlias is the first alias that sits inside the node it names, nil when none does: such
// a node has no finite value (Kubernetes' readers refuse it), and reading through it would never
// end.
func RecursiveAlias(n *yaml.Node) *yaml.Node {
	open := map[*yaml.Node]bool{}
	var walk func(*yaml.Node) *yaml.Node
	walk = func(n *yaml.Node) *yaml.Node {
		if n == nil {
			return nil
		}
		if n.Kind == yaml.AliasNode {
			if open[n.Alias] {
				return n
			}
			return nil
		}
		if n.Anchor != "" {
			open[n] = true
			defer delete(open, n)
		}
		for _, c := range n.Content {
			if r := walk(c); r != nil {
				return r
			}
		}
		return nil
	}
	return walk(n)
}
