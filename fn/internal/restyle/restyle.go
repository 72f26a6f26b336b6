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
	if merged, ok := merge(base.Bytes(), ours, theirs, changed); ok {
		return merged
	}
	return theirs
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
	if !ok {
		return nil, false
	}
	// The merge is checked on its own: go-yaml's text of the changed item may put a comment the
	// user wrote at column 0 where it reads as another node's, and the user's lines do not.
	if merged, ok := merge(base, ours, relaid, changed); ok {
		return merged, true
	}
	return relaid, sameData(relaid, theirs, changed)
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

// merge is merge3 of base, ours and theirs, verified: the text it returns reads as exactly
// changed (theirs when nil).
func merge(base, ours, theirs []byte, changed *yaml.Node) ([]byte, bool) {
	merged, ok := merge3(base, ours, theirs)
	if !ok || !sameData(merged, theirs, changed) {
		return nil, false
	}
	return merged, true
}

// merge3 applies both base→ours and base→theirs to base. Where a hunk of one side overlaps a
// hunk of the other, the change's lines are written for the base lines they share; ok is false
// when the diff gives up, or the change would split a block scalar or rewrite a comment.
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
	mine = lineByLine(mine)
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
		var lines [][]byte
		var a0, a1 int
		mineFirst := j == len(change)
		ok := true
		if i < len(mine) && j < len(change) {
			mineFirst, ok = before(mine[i], change[j], ol)
		}
		switch {
		case !ok:
			// Both sides rewrite these base lines: the change's text is written for them, the
			// user's lines around them stay; the merged text is verified.
			var first, last hunk
			first, last, a0, a1, i, j = conflict(mine, change, i, j)
			lines = tl[first.b0-(first.a0-a0) : last.b1+(a1-last.a1)]
		case mineFirst:
			lines, a0, a1 = ol[mine[i].b0:mine[i].b1], mine[i].a0, mine[i].a1
			i++
		default:
			lines, a0, a1 = tl[change[j].b0:change[j].b1], change[j].a0, change[j].a1
			j++
		}
		for _, l := range bl[pos:a0] {
			out = append(out, l...)
		}
		for _, l := range lines {
			out = append(out, l...)
		}
		pos = a1
	}
	for _, l := range bl[pos:] {
		out = append(out, l...)
	}
	return out, true
}

// lineByLine splits each hunk that rewrites lines one for one (the user's spacing on a run of
// lines) into a hunk a line: a change to one of them then meets that line alone.
func lineByLine(hs []hunk) []hunk {
	var out []hunk
	for _, h := range hs {
		if h.a1-h.a0 <= 1 || h.a1-h.a0 != h.b1-h.b0 {
			out = append(out, h)
			continue
		}
		for k := 0; k < h.a1-h.a0; k++ {
			out = append(out, hunk{h.a0 + k, h.a0 + k + 1, h.b0 + k, h.b0 + k + 1})
		}
	}
	return out
}

// conflict takes mine[i] and change[j], which share base lines, and every further hunk of
// either side that overlaps them, and returns the base lines [a0, a1) they cover, the first and
// last change hunk among them, and the indexes after them.
func conflict(mine, change []hunk, i, j int) (first, last hunk, a0, a1, ni, nj int) {
	a0, a1 = min(mine[i].a0, change[j].a0), max(mine[i].a1, change[j].a1)
	first, last = change[j], change[j]
	i, j = i+1, j+1
	for grew := true; grew; {
		grew = false
		for ; i < len(mine) && mine[i].a0 < a1; i++ {
			a1, grew = max(a1, mine[i].a1), true
		}
		for ; j < len(change) && change[j].a0 < a1; j++ {
			a1, last, grew = max(a1, change[j].a1), change[j], true
		}
	}
	return first, last, a0, a1, i, j
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
