package krm

import (
	"bytes"
	"errors"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/restyle"
	"inject-datadog/fn/internal/yamltree"
)

// Reencode reads in whole, as one ResourceList, writes it again in the plain shape, and cuts
// that: the one way in for a ResourceList that SplitResourceList refuses (a hand-written one in
// flow style, items that share anchors, other line breaks). An alias whose anchor is
// outside its item becomes a copy of what it names, as kustomize expands every alias before a
// function sees it (docs/yaml-fidelity.md "YAML anchors and aliases"), so that each item reads
// on its own. An error means the input is not a ResourceList, and is reported as such.
func Reencode(in []byte) (*Split, error) {
	rl, err := Read(in)
	if err != nil {
		return nil, err
	}
	root := rl.root
	root.Style &^= yaml.FlowStyle
	if items := yamltree.Get(root, "items"); items != nil && items.Kind == yaml.SequenceNode {
		items.Style &^= yaml.FlowStyle
		budget := maxExpansion(in)
		for i, it := range items.Content {
			if items.Content[i], err = expandOutside(it, &budget); err != nil {
				return nil, err
			}
			items.Content[i].Style &^= yaml.FlowStyle
		}
	}
	// go-yaml writes a flow map with a comment inside so that its "}" lands at column 0; written
	// in block style, every line of an item is indented under its dash.
	for _, block := range []bool{false, true} {
		if block {
			restyle.BlockStyle(root)
		}
		var text bytes.Buffer
		if err := (&ResourceList{root: root}).Write(&text, nil); err != nil {
			return nil, err
		}
		if s, ok := SplitResourceList(text.Bytes()); ok {
			return s, nil
		}
	}
	return nil, errors.New("the ResourceList cannot be cut into its items, even written again by go-yaml: its items must be maps of plain YAML")
}

// maxExpansion bounds the nodes that expanding aliases may create: aliases of aliases grow as a
// power of their depth, and a few lines could otherwise take all memory.
func maxExpansion(in []byte) int { return 100000 + 10*len(in) }

var errExpansion = errors.New("the aliases of the items, expanded as each item must be read on its own, grow past any real manifest: aliases must not name aliases that many times over")

// expandOutside returns n with every alias whose anchor is not under n replaced by a copy of
// what it names, the alias's comments on it.
func expandOutside(n *yaml.Node, budget *int) (*yaml.Node, error) {
	inside := map[*yaml.Node]bool{}
	var mark func(*yaml.Node)
	mark = func(x *yaml.Node) {
		inside[x] = true
		if x.Kind != yaml.AliasNode {
			for _, c := range x.Content {
				mark(c)
			}
		}
	}
	mark(n)
	var fix func(*yaml.Node) (*yaml.Node, error)
	fix = func(x *yaml.Node) (*yaml.Node, error) {
		if x.Kind == yaml.AliasNode {
			if x.Alias == nil || inside[x.Alias] {
				return x, nil
			}
			c, err := expandedCopy(x.Alias, budget)
			if err != nil {
				return nil, err
			}
			c.HeadComment, c.LineComment, c.FootComment = x.HeadComment, x.LineComment, x.FootComment
			return c, nil
		}
		for i, ch := range x.Content {
			var err error
			if x.Content[i], err = fix(ch); err != nil {
				return nil, err
			}
		}
		return x, nil
	}
	return fix(n)
}

// expandedCopy is a deep copy of n with no anchors and every alias inside replaced by a copy of
// what it names.
func expandedCopy(n *yaml.Node, budget *int) (*yaml.Node, error) {
	if *budget--; *budget < 0 {
		return nil, errExpansion
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		c, err := expandedCopy(n.Alias, budget)
		if err != nil {
			return nil, err
		}
		c.HeadComment, c.LineComment, c.FootComment = n.HeadComment, n.LineComment, n.FootComment
		return c, nil
	}
	c := *n
	c.Anchor = ""
	if n.Content != nil {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, ch := range n.Content {
			var err error
			if c.Content[i], err = expandedCopy(ch, budget); err != nil {
				return nil, err
			}
		}
	}
	return &c, nil
}
