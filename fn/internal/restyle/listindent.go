package restyle

import (
	"bytes"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// Some manifests indent some lists under their key and not others (Knative writes `containers:`
// then `- name:`, and `env:` then `  - name:`). go-yaml writes every list one way, so the lines of
// the other lists differ from the user's and the line merge cannot keep them. For such items,
// restyle has go-yaml's text re-indented list by list, each as the user wrote it (docs/yaml-fidelity.md
// "Untouched items keep their bytes").

// listStyles reports whether doc, as read from the user's text, holds block lists of both
// indentations.
func listStyles(doc *yaml.Node) (wide, compact bool) {
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || (wide && compact) {
			return
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if k, v := n.Content[i], n.Content[i+1]; isBlockList(v) && v.Line > k.Line {
					if v.Column > k.Column {
						wide = true
					} else {
						compact = true
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(doc)
	return wide, compact
}

func isBlockList(n *yaml.Node) bool {
	return n.Kind == yaml.SequenceNode && len(n.Content) > 0 && n.Style&yaml.FlowStyle == 0
}

// encodeListByList writes doc as Encode does with lists level with their key, then indents under
// its key every list that the user wrote so; a list the user did not write (it has no position)
// follows the list it is in, else a list of the user's beside it, else wide, the item's first
// list. ok is false when the text cannot be
// told apart list by list; the caller then keeps go-yaml's one layout.
func encodeListByList(doc *yaml.Node, wide bool) ([]byte, bool) {
	var buf bytes.Buffer
	if Encode(doc, &buf, Style{Indent: 2}) != nil {
		return nil, false
	}
	text := buf.Bytes()
	written, err := yamltree.ReadDocument(text)
	if err != nil || written == nil {
		return nil, false
	}
	lines := splitLines(text)
	shift := make([]int, len(lines))
	ok := true
	// doc and written have the same shape: written is doc as go-yaml wrote it. A list the user
	// did not write follows the list it is in, as the user indented that one, else a list of the
	// user's beside it, else wide: lists a render or a removal rewrites never decide it, so a
	// render, a removal and a render again indent it alike.
	var walk func(d, w *yaml.Node, inherited, inList bool)
	walk = func(d, w *yaml.Node, inherited, inList bool) {
		if !ok || d == nil || w == nil {
			return
		}
		if d.Kind != w.Kind || len(d.Content) != len(w.Content) {
			ok = false
			return
		}
		if d.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(d.Content) && !inList; i += 2 {
				if dk, dv := d.Content[i], d.Content[i+1]; isBlockList(dv) && dv.Line > 0 && dk.Line > 0 && dv.Line > dk.Line {
					inherited = dv.Column > dk.Column
					break
				}
			}
			for i := 0; i+1 < len(d.Content); i += 2 {
				dk, dv, wv := d.Content[i], d.Content[i+1], w.Content[i+1]
				if !isBlockList(wv) {
					walk(dk, w.Content[i], inherited, inList)
					walk(dv, wv, inherited, inList)
					continue
				}
				under := inherited
				if dv.Line > 0 && dk.Line > 0 && dv.Line > dk.Line {
					under = dv.Column > dk.Column
				}
				if under && !indentList(lines, shift, wv.Line-1, wv.Column-1) {
					ok = false
					return
				}
				walk(dk, w.Content[i], inherited, inList)
				walk(dv, wv, under, true)
			}
			return
		}
		for i := range d.Content {
			walk(d.Content[i], w.Content[i], inherited, inList)
		}
	}
	walk(doc, written, wide, false)
	if !ok {
		return nil, false
	}
	out := make([]byte, 0, len(text)+len(text)/8)
	for i, l := range lines {
		if shift[i] > 0 && len(bytes.TrimSpace(l)) > 0 {
			out = append(out, bytes.Repeat([]byte(" "), shift[i])...)
		}
		out = append(out, l...)
	}
	return out, true
}

// indentList marks for two more columns the lines of the list whose first item starts on line
// first at column col, in go-yaml's text (its items level with its key): every line to the next
// one at col or left of it that is not one of the list's items, blank lines and comments going
// with what follows them.
func indentList(lines [][]byte, shift []int, first, col int) bool {
	if first < 0 || first >= len(lines) || indentOf(lines[first]) != col {
		return false
	}
	end := first + 1 // one past the list's last line
	for j := first + 1; j < len(lines); j++ {
		l := lines[j]
		body := bytes.TrimLeft(l, " ")
		if len(bytes.TrimSpace(body)) == 0 || body[0] == '#' {
			continue // decided by the next line that holds something
		}
		if ind := indentOf(l); ind < col || (ind == col && !bytes.HasPrefix(body, []byte("- ")) && !bytes.Equal(bytes.TrimSpace(body), []byte("-"))) {
			break
		}
		end = j + 1
	}
	for j := first; j < end; j++ {
		shift[j] += 2
	}
	return true
}

func indentOf(l []byte) int { return len(l) - len(bytes.TrimLeft(l, " ")) }
