package krm

import (
	"bytes"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/restyle"
)

// Stream is a plain YAML stream of objects ("---"-separated documents), as kubectl, Helm and
// kustomize build write it, cut into its documents as text. Each document is read on its own
// (anchors never cross documents), and one that the run does not change is written back as it
// came, separator and comments included.
type Stream struct {
	in []byte
	// docs are the byte ranges of the documents, each with the separator line that opens it.
	docs [][2]int
}

// SplitStream cuts in at its document separators: lines that start with "---" followed by the
// end of the line, a space or a tab. Inside a document such a line cannot occur, since every
// other line of a mapping or list document is indented or starts with a key or "- ".
func SplitStream(in []byte) *Stream {
	s := &Stream{in: in}
	start := 0
	for i := 0; i < len(in); {
		l := lineAt(in, i)
		if i > start && isSeparator(l) {
			s.docs = append(s.docs, [2]int{start, i})
			start = i
		}
		i += len(l)
	}
	if start < len(in) || len(s.docs) == 0 {
		s.docs = append(s.docs, [2]int{start, len(in)})
	}
	return s
}

func isSeparator(l []byte) bool {
	return bytes.HasPrefix(l, []byte("---")) && (len(l) == 3 || l[3] == '\n' || l[3] == ' ' || l[3] == '\t' || l[3] == '\r')
}

// Len is the number of documents, empty ones included.
func (s *Stream) Len() int { return len(s.docs) }

// ItemText is document i, its separator line included (a YAML parser reads it as the start).
func (s *Stream) ItemText(i int, _ *bytes.Buffer) []byte { return s.Raw(i) }

// Raw is document i as it came.
func (s *Stream) Raw(i int) []byte { return s.in[s.docs[i][0]:s.docs[i][1]] }

// Encode writes document i, changed: its separator line as it came (when it holds nothing but
// the separator and a comment), then the document, keeping its own lines where the change leaves
// them (restyle). tmp is scratch space.
func (s *Stream) Encode(i int, doc *yaml.Node, out, tmp, _ *bytes.Buffer) error {
	raw := s.Raw(i)
	ours := raw
	if l := lineAt(raw, 0); isSeparator(l) {
		ours = raw[len(l):]
		if rest := bytes.TrimSpace(l[3:]); len(rest) == 0 || rest[0] == '#' {
			out.Write(l)
			if l[len(l)-1] != '\n' {
				out.WriteByte('\n')
			}
			dropSeparatorComment(doc, string(rest))
		} else {
			// Content on the separator line ("--- {a: b}"): the document's lines alone are not
			// the user's whole text, so go-yaml writes it all.
			out.WriteString("---\n")
			ours = nil
		}
	}
	text, err := restyle.Write(ours, doc, tmp)
	if err != nil {
		return err
	}
	out.Write(text)
	// The input's last line had no line break: neither has the output's. Not after a comment:
	// go-yaml may write that comment elsewhere, and read it as another node's without the break.
	if b := out.Bytes(); len(raw) > 0 && raw[len(raw)-1] != '\n' && !endsWithComment(raw) && len(b) > 0 && b[len(b)-1] == '\n' {
		out.Truncate(len(b) - 1)
	}
	return nil
}

// File names document i of standard input, for results about an object without file annotations.
func (s *Stream) File(i int) *fn.File { return &fn.File{Path: "stdin", Index: i} }

// LooksLikeResourceList reports input whose first document has "kind: ResourceList" at its top
// level, in block style as kustomize and kpt write it; anything else is read as a plain stream.
func LooksLikeResourceList(in []byte) bool {
	for i := 0; i < len(in); {
		l := lineAt(in, i)
		if i > 0 && isSeparator(l) {
			return false
		}
		t := bytes.TrimRight(l, " \t\r\n")
		if bytes.Equal(t, []byte("kind: ResourceList")) || bytes.Equal(t, []byte(`kind: "ResourceList"`)) || bytes.Equal(t, []byte("kind: 'ResourceList'")) {
			return true
		}
		i += len(l)
	}
	return false
}

// dropSeparatorComment takes the separator line's comment off the document's first key, where
// go-yaml puts it: the separator line is written as it came, comment included.
func dropSeparatorComment(doc *yaml.Node, comment string) {
	if comment == "" || len(doc.Content) != 1 || len(doc.Content[0].Content) == 0 {
		return
	}
	k := doc.Content[0].Content[0]
	if rest, ok := strings.CutPrefix(k.HeadComment, comment); ok && (rest == "" || rest[0] == '\n') {
		k.HeadComment = strings.TrimPrefix(rest, "\n")
	}
}
