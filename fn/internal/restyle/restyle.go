// Package restyle writes a changed YAML document in the user's own layout: the lines the change
// does not touch are the user's, byte for byte (docs/yaml-fidelity.md "Untouched items keep
// their bytes").
package restyle

import (
	"bytes"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// A changed item keeps the user's lines where the change does not touch them (docs/yaml-fidelity.md
// "Untouched items keep their bytes"): render output is reviewed as a diff, and removal, itself a change,
// gives the user's bytes back only if render kept them. go-yaml writes a whole document in its
// own layout, so its text for the changed item (theirs) is merged, line by line, with the user's
// text (ours), against go-yaml's text for the item as read (base): what differs between base and
// ours is the user's layout, what differs between base and theirs is the change.

// maxEdits bounds each line diff: an item further from go-yaml's layout than that is written in
// go-yaml's layout, as is any item whose merge is not certain.
const maxEdits = 1000

// Text returns the text to write for an item the run changed: theirs, go-yaml's encoding of
// changed, with the lines of ours, the item's text as read, wherever the change leaves them
// alone. Both are documents of their own, without a separator line. It returns theirs itself
// when every line of ours is already in it (the input was in go-yaml's layout, as kustomize and
// kpt write it), and whenever the merge is not certain: the two sides' changes touch, or the
// merged text would not read back as exactly changed, comments included (theirs read again when
// changed is nil).
func Text(ours, theirs []byte, changed *yaml.Node) []byte {
	if len(ours) == 0 || bytes.Equal(ours, theirs) {
		return theirs
	}
	if ours[len(ours)-1] != '\n' {
		// The last item of the input may end without a line break; go-yaml ends every line.
		ours = append(ours[:len(ours):len(ours)], '\n')
	}
	if linesWithin(ours, theirs) {
		return theirs
	}
	doc, err := yamltree.ReadDocument(ours)
	if err != nil || doc == nil {
		return theirs
	}
	style := StyleOf(ours)
	if wide, compact := listStyles(doc); wide && compact && changed != nil && style.Indent == 2 {
		if text, ok := restyleListByList(ours, theirs, doc, changed); ok {
			return text
		}
	}
	var base bytes.Buffer
	if Encode(doc, &base, style) != nil || bytes.Equal(base.Bytes(), ours) {
		return theirs
	}
	merged, ok := merge3(base.Bytes(), ours, theirs)
	if !ok || !sameData(merged, theirs, changed) {
		return theirs
	}
	return merged
}

// restyleListByList is restyle for an item whose lists the user indented both ways (doc, read
// from ours): go-yaml's texts are re-indented list by list before the merge, and where the merge
// is not certain, the changed item's re-indented text is used if it reads as the changed data.
// ok is false when neither holds.
func restyleListByList(ours, theirs []byte, doc, changed *yaml.Node) ([]byte, bool) {
	wide := StyleOf(ours).Wide
	base, ok := encodeListByList(doc, wide)
	if !ok {
		return nil, false
	}
	relaid, ok := encodeListByList(changed, wide)
	if !ok || !sameData(relaid, theirs, changed) {
		return nil, false
	}
	if merged, ok := merge3(base, ours, relaid); ok && sameData(merged, theirs, changed) {
		return merged, true
	}
	return relaid, true
}

// linesWithin reports whether every line of a is a line of b, in order: the change only added
// lines, so b loses nothing the user wrote.
func linesWithin(a, b []byte) bool {
	i, j := 0, 0
	for i < len(a) {
		la := lineAt(a, i)
		for {
			if j >= len(b) {
				return false
			}
			lb := lineAt(b, j)
			j += len(lb)
			if bytes.Equal(la, lb) {
				break
			}
		}
		i += len(la)
	}
	return true
}

// merge3 applies both base→ours and base→theirs to base, or returns false when a hunk of one
// overlaps or touches a hunk of the other: then which comes first, or whether the user's line
// still means the same next to the new one, is not certain.
func merge3(base, ours, theirs []byte) ([]byte, bool) {
	ids := lineIDs{}
	bl, ol, tl := splitLines(base), splitLines(ours), splitLines(theirs)
	b, o, t := ids.of(bl), ids.of(ol), ids.of(tl)
	mine, ok := lineDiff(b, o, maxEdits)
	if !ok {
		return nil, false
	}
	change, ok := lineDiff(b, t, maxEdits)
	if !ok {
		return nil, false
	}
	if splitsBlockScalar(blockScalars(bl), mine, change) {
		return nil, false
	}
	// The change never rewrites a comment; where go-yaml wrote one elsewhere because of the
	// change, where it puts it next time is not certain either.
	for _, h := range change {
		for _, l := range bl[h.a0:h.a1] {
			if t := bytes.TrimSpace(l); len(t) > 0 && t[0] == '#' {
				return nil, false
			}
		}
	}

	out := make([]byte, 0, len(theirs)+len(ours)-len(base)+64)
	pos, i, j := 0, 0, 0
	for i < len(mine) || j < len(change) {
		var h hunk
		var side [][]byte
		mineFirst := j == len(change)
		if i < len(mine) && j < len(change) {
			var ok bool
			if mineFirst, ok = before(mine[i], change[j], ol); !ok {
				return nil, false
			}
		}
		if mineFirst {
			h, side = mine[i], ol
			i++
		} else {
			h, side = change[j], tl
			j++
		}
		for _, l := range bl[pos:h.a0] {
			out = append(out, l...)
		}
		for _, l := range side[h.b0:h.b1] {
			out = append(out, l...)
		}
		pos = h.a1
	}
	for _, l := range bl[pos:] {
		out = append(out, l...)
	}
	return out, true
}

// before orders a hunk of the user's layout (mine, its lines in ours) and a hunk of the change
// against base: whichever comes first in base, an insertion where the other's lines start before
// them, one where they end after them. ok is false where the order is not certain: the hunks
// share a base line, or both insert at one place and the user's lines there are not only blank
// lines and comments (those head what follows, so the change's lines go first). The merged text
// is verified anyway.
func before(mine, change hunk, ours [][]byte) (mineFirst, ok bool) {
	switch {
	case mine.a0 < change.a1 && change.a0 < mine.a1:
		return false, false // a shared line
	case mine.a0 == mine.a1 && change.a0 == change.a1 && mine.a0 == change.a0:
		for _, l := range ours[mine.b0:mine.b1] {
			if t := bytes.TrimLeft(l, " \t"); len(bytes.TrimSpace(t)) > 0 && t[0] != '#' {
				return false, false
			}
		}
		return false, true
	case mine.a0 == change.a0:
		return mine.a0 == mine.a1, true // an insertion before the other's lines
	}
	return mine.a0 < change.a0, true
}

// sameData reports whether merged reads as one mapping, as ReadItem accepts it, with exactly the
// data of theirs (first tried against changed, the document theirs encodes, when given, which
// is cheaper than reading theirs): the same nodes, tags,
// values, anchors and aliases, in the same order, and the same comments on them. Style and
// spacing may differ; those are the user's.
func sameData(merged, theirs []byte, changed *yaml.Node) bool {
	m, err := yamltree.ReadDocument(merged)
	if err != nil || m == nil {
		return false
	}
	if changed != nil {
		return sameNode(m, changed)
	}
	t, err := yamltree.ReadDocument(theirs)
	return err == nil && t != nil && sameNode(m, t)
}

func sameNode(a, b *yaml.Node) bool {
	if a.Kind != b.Kind || a.Anchor != b.Anchor || shortTag(a) != shortTag(b) || len(a.Content) != len(b.Content) {
		return false
	}
	if (a.Kind == yaml.ScalarNode || a.Kind == yaml.AliasNode) && a.Value != b.Value {
		return false
	}
	// The comments too: where go-yaml attaches a comment decides where a later write puts it,
	// and what a removal takes with a node it removes.
	if a.HeadComment != b.HeadComment || a.LineComment != b.LineComment || a.FootComment != b.FootComment {
		return false
	}
	for i := range a.Content {
		if !sameNode(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

// shortTag is n's resolved tag; a plain "<<" is the merge key whether or not go-yaml's tag is
// still on it (yamltree.PlainMergeKeys takes it off before writing).
func shortTag(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode && n.Value == "<<" && n.Style == 0 && (n.Tag == "" || n.Tag == "!!merge") {
		return "!!merge"
	}
	return n.ShortTag()
}
