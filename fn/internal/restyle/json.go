package restyle

import (
	"bytes"
	"encoding/json"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A JSON document (kubectl's examples ship some) is YAML too, but go-yaml writes a changed one as
// YAML flow style, a mix of JSON's quoting and YAML's that no JSON reader takes. A changed JSON
// document is written as JSON, at the indentation it came with, the user's lines kept where the
// change leaves them; where a value cannot be written as JSON, as block YAML, never a mix
// (docs/yaml-fidelity.md "JSON documents").

// isJSON reports text that is one JSON object.
func isJSON(text []byte) bool {
	t := bytes.TrimSpace(text)
	return len(t) > 0 && t[0] == '{' && json.Valid(t)
}

// writeJSON is changed as JSON, merged with ours, the user's JSON text of the document as read;
// ok is false when a value of changed has no JSON form.
func writeJSON(ours []byte, doc, changed *yaml.Node) ([]byte, bool) {
	indent := jsonIndent(ours)
	theirs, ok := jsonText(changed, indent, ours)
	if !ok {
		return nil, false
	}
	base, ok := jsonText(doc, indent, ours)
	if !ok || bytes.Equal(base, ours) {
		return theirs, true
	}
	if merged, ok := merge3(base, ours, theirs); ok && json.Valid(merged) && sameData(merged, theirs, changed) {
		return merged, true
	}
	return theirs, true
}

// jsonIndent is the white space that indents the first nested line of text; "" for JSON on one
// line.
func jsonIndent(text []byte) string {
	for i := bytes.IndexByte(text, '\n') + 1; i > 0 && i < len(text); {
		l := lineAt(text, i)
		i += len(l)
		if ws := l[:len(l)-len(bytes.TrimLeft(l, " \t"))]; len(ws) > 0 && len(bytes.TrimSpace(l)) > 0 {
			return string(ws)
		}
	}
	return ""
}

// jsonText is n as JSON: keys in their order, indented by indent as encoding/json indents, and
// with a last line break where like has one.
func jsonText(n *yaml.Node, indent string, like []byte) ([]byte, bool) {
	var compact bytes.Buffer
	if !writeJSONNode(&compact, n) {
		return nil, false
	}
	out := &compact
	if indent != "" {
		out = &bytes.Buffer{}
		if json.Indent(out, compact.Bytes(), "", indent) != nil {
			return nil, false
		}
	}
	if len(like) > 0 && like[len(like)-1] == '\n' {
		out.WriteByte('\n')
	}
	return out.Bytes(), true
}

func writeJSONNode(b *bytes.Buffer, n *yaml.Node) bool {
	switch n.Kind {
	case yaml.DocumentNode:
		return len(n.Content) == 1 && writeJSONNode(b, n.Content[0])
	case yaml.MappingNode:
		b.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!merge" {
				return false
			}
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k.Value)
			b.WriteByte(':')
			if !writeJSONNode(b, n.Content[i+1]) {
				return false
			}
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			if !writeJSONNode(b, c) {
				return false
			}
		}
		b.WriteByte(']')
	case yaml.ScalarNode:
		return writeJSONScalar(b, n)
	default:
		return false // an alias: JSON has none
	}
	return true
}

// writeJSONScalar writes a scalar by its YAML tag; numbers and booleans only in the forms JSON
// has.
func writeJSONScalar(b *bytes.Buffer, n *yaml.Node) bool {
	switch n.ShortTag() {
	case yaml.NodeTagString:
		writeJSONString(b, n.Value)
	case yaml.NodeTagNull:
		b.WriteString("null")
	case yaml.NodeTagBool:
		if n.Value != "true" && n.Value != "false" {
			return false
		}
		b.WriteString(n.Value)
	case yaml.NodeTagInt, yaml.NodeTagFloat:
		if _, err := strconv.ParseFloat(n.Value, 64); err != nil || !json.Valid([]byte(n.Value)) {
			return false
		}
		b.WriteString(n.Value)
	default:
		return false
	}
	return true
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Truncate(b.Len() - 1)
}
