package restyle

import (
	"bytes"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// Style is the layout of a document that go-yaml can write too: its lists indented under their
// key or level with it, and the columns of one level of indentation. Written in the user's
// style, go-yaml's text of the document agrees with the user's on most lines, so that the line
// merge keeps them, and the lines a change adds are indented as the user's are.
type Style struct {
	// Wide is set for lists indented under their key ("key:\n  - a", as Helm charts and many
	// hand-written manifests are); go-yaml writes them level with the key ("key:\n- a").
	Wide bool
	// Indent is the columns of one level of a map's indentation: 2, as kustomize and kpt write
	// it, or what the user wrote (4 in many hand-written manifests).
	Indent int
}

// StyleOf reads the style of a document's text: kyaml's rule for the lists (the first list that
// follows a key), and the indentation of the first map nested under a key.
func StyleOf(text []byte) Style {
	return Style{
		Wide:   yaml.DeriveSeqIndentStyle(string(text)) == string(yaml.WideSequenceStyle),
		Indent: mapIndent(text),
	}
}

// mapIndent is the columns between a key whose value is a block map and that map's keys, where
// the first few such maps agree on it and go-yaml can write it; 2 otherwise.
func mapIndent(text []byte) int {
	const enough = 3
	found, indent := 0, 0
	key := -1 // the indentation of the last line that ends with a key, -1 when it does not
	for i := 0; i < len(text) && found < enough; {
		l := lineAt(text, i)
		i += len(l)
		t := bytes.TrimRight(l, " \t\r\n")
		body := bytes.TrimLeft(t, " ")
		if len(body) == 0 || body[0] == '#' {
			continue
		}
		if d := len(t) - len(body) - key; key >= 0 && body[0] != '-' && d > 0 {
			if found > 0 && d != indent {
				return 2
			}
			found, indent = found+1, d
		}
		key = -1
		if body[0] != '-' && body[len(body)-1] == ':' && bytes.Count(body, []byte(":")) == 1 {
			key = len(t) - len(body)
		}
	}
	if found == 0 || indent > 9 {
		return 2
	}
	return indent
}

// Encode writes doc in style: merge keys as "<<:", as people write them, and otherwise as
// kustomize writes (kyaml's encoder settings).
func Encode(doc *yaml.Node, w *bytes.Buffer, style Style) error {
	yamltree.PlainMergeKeys(doc)
	seq := yaml.CompactSequenceStyle
	if style.Wide {
		seq = yaml.WideSequenceStyle
	}
	enc := yaml.NewEncoderWithOptions(w, &yaml.EncoderOptions{SeqIndent: seq})
	if style.Indent > 2 {
		enc.SetIndent(style.Indent)
	}
	if err := enc.Encode(doc); err != nil {
		return err
	}
	return enc.Close()
}

// Write returns the text of changed, a document the run changed, whose text as read was ours
// (nil when there is none to keep): in ours's style, its lines kept where the change leaves
// them; a JSON document as JSON. tmp is scratch space.
func Write(ours []byte, changed *yaml.Node, tmp *bytes.Buffer) ([]byte, error) {
	if isJSON(ours) {
		doc, err := yamltree.ReadDocument(ours)
		if err == nil && doc != nil {
			if text, ok := writeJSON(ours, doc, changed); ok {
				return text, nil
			}
		}
		BlockStyle(changed) // a value JSON cannot hold: YAML, in block style, never a mix
		ours = nil
	}
	tmp.Reset()
	if err := Encode(changed, tmp, StyleOf(ours)); err != nil {
		return nil, err
	}
	return Text(ours, tmp.Bytes(), changed), nil
}

// BlockStyle clears the flow style of every node under n.
func BlockStyle(n *yaml.Node) {
	n.Style &^= yaml.FlowStyle
	for _, c := range n.Content {
		BlockStyle(c)
	}
}
