package krm

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// The fast path. go-yaml's emitter holds every event of a document until the document ends, and
// its node tree costs tens of bytes per character of input: a ResourceList of 30 MB read and
// written as one document takes gigabytes. Kustomize and kpt write ResourceLists in one plain
// shape (top-level keys at column 0, items as "- " entries), so the items can be cut out as text,
// and each read, edited and written as a document of its own. Anything else in the input, and any
// doubt, means the caller uses Read and Write on the whole document instead.

// itemsPlaceholder stands for the items in the skeleton while it is written.
const itemsPlaceholder = "__inject_datadog_items__"

// Split is a ResourceList cut into its items and the rest.
type Split struct {
	in []byte
	// skeleton is the ResourceList without its items, read as a tree.
	skeleton *yaml.Node
	// FunctionConfig is the skeleton's functionConfig, nil when there is none.
	FunctionConfig *Object
	// items are the byte ranges of the items' lines in the input, "- " included.
	items [][2]int
	// footComment marks the items whose text ends with a comment.
	footComment []bool
}

// errShape says the input is not in the plain shape; the caller reads the whole document.
var errShape = errors.New("not in the plain ResourceList shape")

// lineAt returns the line that starts at offset i, "\n" included.
func lineAt(in []byte, i int) []byte {
	if j := bytes.IndexByte(in[i:], '\n'); j >= 0 {
		return in[i : i+j+1]
	}
	return in[i:]
}

// SplitResourceList cuts in into items, or returns false when the input is not in the plain shape
// (the whole-document path then reads it, and reports what is wrong with it, if anything).
func SplitResourceList(in []byte) (*Split, bool) {
	// Lines are cut at "\n"; go-yaml also breaks lines at "\r", NEL, LS and PS.
	for _, brk := range otherLineBreaks {
		if bytes.Contains(in, brk) {
			return nil, false
		}
	}
	itemsAt, itemsEnd := -1, -1
	for i := 0; i < len(in); {
		l := lineAt(in, i)
		if bytes.Equal(bytes.TrimRight(l, " \r\n"), []byte("items:")) {
			if itemsAt >= 0 {
				return nil, false
			}
			itemsAt, itemsEnd = i, i+len(l)
		}
		i += len(l)
	}
	if itemsAt < 0 {
		return nil, false
	}
	// The items run from the line after "items:" to the next line at column 0 that is not an item.
	s := &Split{in: in}
	end := itemsEnd
	for end < len(in) {
		l := lineAt(in, end)
		blank := len(bytes.TrimSpace(l)) == 0
		switch {
		case bytes.HasPrefix(l, []byte("- ")):
			if len(l) < 3 || l[2] == ' ' || l[2] == '\t' || l[2] == '\n' || l[2] == '\r' || marksDocument(l[2:]) {
				return nil, false // the item's content must start right after "- "
			}
			s.items = append(s.items, [2]int{end, end + len(l)})
		case blank || bytes.HasPrefix(l, []byte("  ")):
			if len(s.items) == 0 || marksDocument(l[min(2, len(l)):]) {
				return nil, false
			}
			s.items[len(s.items)-1][1] = end + len(l)
		case l[0] == ' ' || l[0] == '\t' || l[0] == '#' || l[0] == '-':
			return nil, false // wide indentation, a comment between items, another sequence
		default:
			goto done
		}
		end += len(l)
	}
done:
	if len(s.items) == 0 {
		return nil, false
	}
	// A comment that ends an item is a foot comment, which go-yaml places by what follows it:
	// in an item of its own it would come out elsewhere than in the whole list. Such an item is
	// written back as it came when unchanged; changed, the whole document must write it.
	s.footComment = make([]bool, len(s.items))
	for i, r := range s.items {
		s.footComment[i] = endsWithComment(in[r[0]:r[1]])
	}
	var skel bytes.Buffer
	skel.Write(in[:itemsAt])
	skel.WriteString("items: " + itemsPlaceholder + "\n")
	skel.Write(in[end:])
	root, fc, err := parseRoot(skel.Bytes())
	if err != nil {
		return nil, false
	}
	s.skeleton, s.FunctionConfig = root, fc
	return s, true
}

var otherLineBreaks = [][]byte{[]byte("\r"), []byte("\u0085"), []byte("\u2028"), []byte("\u2029")}

// endsWithComment reports text whose last line with content is a comment.
func endsWithComment(text []byte) bool {
	for len(text) > 0 {
		i := bytes.LastIndexByte(bytes.TrimRight(text, "\n"), '\n')
		line := bytes.TrimSpace(text[i+1:])
		if len(line) > 0 {
			return line[0] == '#' || bytes.HasPrefix(line, []byte("- #"))
		}
		if i < 0 {
			return false
		}
		text = text[:i]
	}
	return false
}

// marksDocument reports a line that, moved to column 0 in an item of its own, would start or end
// a document or be a directive: inside the ResourceList it is text, on its own it is not.
func marksDocument(l []byte) bool {
	return bytes.HasPrefix(l, []byte("---")) || bytes.HasPrefix(l, []byte("...")) || bytes.HasPrefix(l, []byte("%"))
}

// Len is the number of items.
func (s *Split) Len() int { return len(s.items) }

// ItemText is item i as a standalone YAML document: its lines without the "- " and the two
// columns of indentation under it.
func (s *Split) ItemText(i int, buf *bytes.Buffer) []byte {
	buf.Reset()
	text := s.in[s.items[i][0]:s.items[i][1]]
	for j := 0; j < len(text); {
		l := lineAt(text, j)
		if len(l) >= 2 && (l[0] == '-' || l[0] == ' ') && l[1] == ' ' {
			buf.Write(l[2:])
		} else {
			buf.Write(l) // a blank line with less than two spaces
		}
		j += len(l)
	}
	return buf.Bytes()
}

// ReadItem parses one item's text. It refuses what the whole-document path must handle: a parse
// error (an alias whose anchor is in another item is one), an item that is not a mapping. An
// empty document (only comments, in a stream) is no object and no error.
//
// Trailing text after the item ("- {}0") is refused too: yaml.Unmarshal would read the first
// document and drop the rest, where the whole ResourceList would not parse.
func ReadItem(text []byte) (*Object, *yaml.Node, error) {
	doc, err := readDocument(text)
	if doc == nil || err != nil {
		return nil, nil, err
	}
	return &Object{Node: doc.Content[0], Tree: yamltree.NewTree(doc)}, doc, nil
}

// readDocument is ReadItem's parse: the document node, whose one child is a mapping; nil for an
// empty document.
func readDocument(text []byte) (*yaml.Node, error) {
	var doc, extra yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(text))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, err
	}
	if !errors.Is(dec.Decode(&extra), io.EOF) {
		return nil, errShape
	}
	if err := refuseRecursiveAlias(text, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 1 && doc.Content[0].ShortTag() == yaml.NodeTagNull && doc.Content[0].Value == "" &&
		doc.Content[0].Style == 0 && doc.Content[0].Kind == yaml.ScalarNode {
		return nil, nil // "---" with nothing after it: an empty document
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errShape
	}
	return &doc, nil
}

// MayHoldNamespace is the byte search that spares parsing most items in the pre-pass for
// Namespaces: false only when the text cannot be a Namespace nor a List holding one. The word can
// only be hidden by an escape in a double-quoted scalar, so a backslash counts too.
func MayHoldNamespace(text []byte) bool {
	return bytes.Contains(text, []byte("Namespace")) || bytes.IndexByte(text, '\\') >= 0
}

// Raw is item i as it came, "- " included: an item the run did not change is written back so.
// The last item may end the input without a line break; it gets one, as the rest follows it.
func (s *Split) Raw(i int) []byte {
	raw := s.in[s.items[i][0]:s.items[i][1]]
	if len(raw) > 0 && raw[len(raw)-1] != '\n' {
		return append(raw[:len(raw):len(raw)], '\n')
	}
	return raw
}

// EncodesAlone reports whether item i, changed, comes out the same written on its own as in the
// whole document: not when it ends with a comment.
func (s *Split) EncodesAlone(i int) bool { return !s.footComment[i] }

// File is nil: an item of a ResourceList says where it comes from in its annotations.
func (s *Split) File(int) *fn.File { return nil }

// Encode writes item i, changed, as WriteItem does, keeping the item's own lines where the
// change leaves them; tmp and text are scratch space.
func (s *Split) Encode(i int, doc *yaml.Node, out, tmp, text *bytes.Buffer) error {
	return WriteItem(doc, s.ItemText(i, text), out, tmp)
}

// ItemWriter collects the written items in order. It keeps the text in chunks, so that a large
// output is never copied to grow.
type ItemWriter struct {
	chunks [][]byte
}

const chunkSize = 1 << 20

// Append adds the text of the next item, as WriteItem made it.
func (w *ItemWriter) Append(b []byte) {
	for len(b) > 0 {
		if len(w.chunks) == 0 || len(w.chunks[len(w.chunks)-1]) == chunkSize {
			w.chunks = append(w.chunks, make([]byte, 0, chunkSize))
		}
		last := &w.chunks[len(w.chunks)-1]
		n := min(len(b), chunkSize-len(*last))
		*last = append(*last, b[:n]...)
		b = b[n:]
	}
}

var dash, indent = []byte("- "), []byte("  ")

// WriteItem writes one changed item (its document node) into out as the whole-document encoder
// would write it inside "items:": as a document of its own, shifted right and marked with "- ".
// ours is the item's text as read (ItemText), whose lines restyle keeps where the change leaves
// them; nil writes go-yaml's layout. tmp is scratch space.
func WriteItem(doc *yaml.Node, ours []byte, out, tmp *bytes.Buffer) error {
	tmp.Reset()
	if err := encodeDocument(doc, tmp, WideSequences(ours)); err != nil {
		return fmt.Errorf("writing an item: %w", err)
	}
	text := restyle(ours, tmp.Bytes(), doc)
	for i := 0; i < len(text); {
		l := lineAt(text, i)
		switch {
		case i == 0:
			out.Write(dash)
		case len(l) > 1:
			out.Write(indent)
		}
		out.Write(l)
		i += len(l)
	}
	return nil
}

// Output writes the ResourceList: the skeleton with results appended, and the items in place of
// the placeholder. It returns false, having written nothing, if the skeleton did not come out in
// the plain shape.
func (s *Split) Output(w io.Writer, items *ItemWriter, results Results) (bool, error) {
	rl := &ResourceList{root: s.skeleton}
	var skel bytes.Buffer
	if err := rl.Write(&skel, results); err != nil {
		return false, err
	}
	marker := []byte("items: " + itemsPlaceholder + "\n")
	i := bytes.Index(skel.Bytes(), marker)
	if i < 0 || (i > 0 && skel.Bytes()[i-1] != '\n') || bytes.Count(skel.Bytes(), marker) != 1 {
		return false, nil
	}
	parts := append([][]byte{skel.Bytes()[:i], []byte("items:\n")}, items.chunks...)
	for _, part := range append(parts, skel.Bytes()[i+len(marker):]) {
		if _, err := w.Write(part); err != nil {
			return true, err
		}
	}
	return true, nil
}

// Flush writes the collected text to out.
func (w *ItemWriter) Flush(out io.Writer) error {
	for _, c := range w.chunks {
		if _, err := out.Write(c); err != nil {
			return err
		}
	}
	return nil
}

// IsShapeError reports ReadItem's refusal of text that parses but is not one mapping.
func IsShapeError(err error) bool { return errors.Is(err, errShape) }
