package yamltree

import (
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Unshared is an anchor whose sharing Own undid: the aliases of it that became copies, and
// whether the anchored node lost its name. Removal shares it again (README "Leaving").
type Unshared struct {
	Name    string
	Anchor  *yaml.Node
	Cleared bool
	Copies  []*yaml.Node
}

// KeyCopy is a key that a mapping took as its own from its merge key (OwnKey).
type KeyCopy struct {
	Map *yaml.Node
	Key string
}

// logCopy notes that u, an alias of the anchored node a, is now a copy of it.
func (t *Tree) logCopy(a, u *yaml.Node, name string) {
	t.unshared(a, name).Copies = append(t.unshared(a, name).Copies, u)
}

// unshared is the note about the anchored node a, made on first need.
func (t *Tree) unshared(a *yaml.Node, name string) *Unshared {
	for _, s := range t.log {
		if s.Anchor == a {
			return s
		}
	}
	s := &Unshared{Name: name, Anchor: a}
	t.log = append(t.log, s)
	return s
}

// TakeUnshared returns what Own undid since the last call, and forgets it.
func (t *Tree) TakeUnshared() ([]*Unshared, []KeyCopy) {
	log, keys := t.log, t.keyCopies
	t.log, t.keyCopies = nil, nil
	return log, keys
}

// Top is the document's top node.
func (t *Tree) Top() *yaml.Node {
	if t.root != nil && t.root.Kind == yaml.DocumentNode && len(t.root.Content) == 1 {
		return t.root.Content[0]
	}
	return t.root
}

// Pointers finds the nodes of want under from and gives each its JSON pointer (RFC 6901) from
// from: keys and list indexes, "~" and "/" escaped. Aliases are not followed: a node is where it
// is written.
func Pointers(from *yaml.Node, want map[*yaml.Node]bool) map[*yaml.Node]string {
	out := map[*yaml.Node]string{}
	var walk func(n *yaml.Node, at string)
	walk = func(n *yaml.Node, at string) {
		if n == nil || len(out) == len(want) {
			return
		}
		if want[n] {
			out[n] = at
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], at+"/"+EscapePointer(n.Content[i].Value))
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, at+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(from, "")
	return out
}

var pointerEscapes = strings.NewReplacer("~", "~0", "/", "~1")
var pointerUnescapes = strings.NewReplacer("~1", "/", "~0", "~")

// EscapePointer writes a key as a step of a JSON pointer.
func EscapePointer(key string) string { return pointerEscapes.Replace(key) }

// UnescapePointer reads a step of a JSON pointer as the key it names.
func UnescapePointer(step string) string { return pointerUnescapes.Replace(step) }

// At is the node at the JSON pointer p from from, read as Pointers writes it: a mapping's own
// keys (a merge key is the key "<<"), a list's indexes; nil when there is none.
func At(from *yaml.Node, p string) *yaml.Node {
	if p == "" {
		return from
	}
	if !strings.HasPrefix(p, "/") {
		return nil
	}
	n := from
	for _, step := range strings.Split(p[1:], "/") {
		step = pointerUnescapes.Replace(step)
		switch {
		case n == nil:
			return nil
		case n.Kind == yaml.MappingNode:
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == step {
					next = n.Content[i+1]
					break
				}
			}
			n = next
		case n.Kind == yaml.SequenceNode:
			i, err := strconv.Atoi(step)
			if err != nil || i < 0 || i >= len(n.Content) || strconv.Itoa(i) != step {
				return nil
			}
			n = n.Content[i]
		default:
			return nil
		}
	}
	return n
}

// Equal reports whether a and b hold the same data, written alike down to their comments: what
// an alias of a would give where b is, and nothing the user wrote into b lost. Aliases inside
// are read through; the comments of a and b themselves, which stay with their place, are not
// compared.
func Equal(a, b *yaml.Node) bool { return equal(Resolve(a), Resolve(b), true) }

func equal(a, b *yaml.Node, top bool) bool {
	if a == nil || b == nil {
		return a == b
	}
	if !top && (a.HeadComment != b.HeadComment || a.LineComment != b.LineComment || a.FootComment != b.FootComment) {
		return false
	}
	if a.Kind != b.Kind || a.ShortTag() != b.ShortTag() || a.Value != b.Value || a.Style != b.Style ||
		len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		ac, bc := a.Content[i], b.Content[i]
		if (ac.Kind == yaml.AliasNode) != (bc.Kind == yaml.AliasNode) || !equal(Resolve(ac), Resolve(bc), false) {
			return false
		}
	}
	return true
}

// Name gives n the anchor name, unless another node of the document has it: a second anchor of
// that name would change what later aliases of it name. It reports whether n has the name.
func (t *Tree) Name(n *yaml.Node, name string) bool {
	if n.Anchor == name {
		return true
	}
	taken := false
	var walk func(*yaml.Node)
	walk = func(x *yaml.Node) {
		if x == nil || taken {
			return
		}
		if x.Anchor == name || (x.Kind == yaml.AliasNode && x.Value == name) {
			taken = true
			return
		}
		for _, c := range x.Content {
			walk(c)
		}
	}
	walk(t.root)
	if taken || n.Kind == yaml.AliasNode {
		return false
	}
	n.Anchor = name
	t.aliases = 0
	return true
}

// Alias makes the copy c an alias of the anchored node a again, keeping c's own comments. Only
// when c holds what a holds (Equal) and comes after a, outside it, in the document: where an
// alias may name it. It reports whether it did.
func (t *Tree) Alias(a, c *yaml.Node) bool {
	if a.Anchor == "" || c == a || !Equal(a, c) || !t.follows(c, a) {
		return false
	}
	*c = yaml.Node{Kind: yaml.AliasNode, Value: a.Anchor, Alias: a,
		HeadComment: c.HeadComment, LineComment: c.LineComment, FootComment: c.FootComment}
	t.aliases, t.users = 0, nil
	return true
}

// follows reports whether c is written after a's last node, in document order.
func (t *Tree) follows(c, a *yaml.Node) bool {
	inA, seenA, after := false, false, false
	var walk func(*yaml.Node) bool
	walk = func(x *yaml.Node) bool {
		if x == nil {
			return false
		}
		if x == c {
			after = seenA && !inA
			return true
		}
		if x == a {
			inA, seenA = true, true
			defer func() { inA = false }()
		}
		for _, ch := range x.Content {
			if walk(ch) {
				return true
			}
		}
		return false
	}
	walk(t.root)
	return after
}

// MergedValue is what the mapping m's merge keys give key, nil when they give nothing: the value
// m would have without a key of its own.
func MergedValue(m *yaml.Node, key string) *yaml.Node {
	m = Resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if isMergeKey(m.Content[i]) {
			for _, src := range mergeSources(m.Content[i+1]) {
				if got := Get(src, key); got != nil {
					return got
				}
			}
		}
	}
	return nil
}

// DropOwnKey deletes key from the mapping m's own keys.
func DropOwnKey(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; !isMergeKey(k) && k.Value == key {
			m.Content = append(m.Content[:i:i], m.Content[i+2:]...)
			return
		}
	}
}
