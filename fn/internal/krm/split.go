package krm

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/restyle"
	"inject-datadog/fn/internal/yamltree"
)

// Items are cut out of the ResourceList as text. go-yaml's emitter holds every event of a
// document until the document ends, and its node tree costs tens of bytes per character of
// input: a ResourceList of 30 MB read and written as one document takes gigabytes. Kustomize and
// kpt write ResourceLists in one plain shape (top-level keys at column 0, items as "- " entries),
// so the items can be cut out as text, and each read, edited and written as a document of its
// own. Input in any other shape is read whole once and written in that shape (Reencode), then
// cut the same way: there is one pipeline for every input.

// itemsPlaceholder stands for the items in the skeleton while it is written.
const itemsPlaceholder = "__inject_datadog_items__"

// Split is a ResourceList cut into its items and the rest.
type Split struct {
	in []byte
	// skeleton is the ResourceList without its items, read as a tree; with no items cut, the
	// whole ResourceList.
	skeleton *yaml.Node
	// FunctionConfig is the skeleton's functionConfig, nil when there is none.
	FunctionConfig *Object
	// items are the items' lines in the input.
	items []itemRange
	// placeholder is set when the skeleton's items are the placeholder.
	placeholder bool
}

// itemRange is an item's byte range: from start, the blank lines and comments that head it; from
// body, its own lines, the first marked "- ". content is the column of its content.
type itemRange struct{ start, body, end, content int }

// itemContent is the column where the content of the item that line starts begins: after the
// dash and the spaces that follow it, or two columns after the dash when the content starts on
// the next line ("- # c", "-" alone). ok is false for text that would mean something else on its
// own.
func itemContent(l []byte) (int, bool) {
	t := bytes.TrimLeft(l, " ")
	ind := len(l) - len(t)
	rest := bytes.TrimLeft(t[1:], " ")
	switch {
	case len(rest) == 0 || rest[0] == '\n' || rest[0] == '#':
		return ind + 2, true
	case rest[0] == '\t' || rest[0] == '\r' || marksDocument(rest):
		return 0, false
	}
	return len(l) - len(rest), true
}

// lineAt returns the line that starts at offset i, "\n" included.
func lineAt(in []byte, i int) []byte {
	if j := bytes.IndexByte(in[i:], '\n'); j >= 0 {
		return in[i : i+j+1]
	}
	return in[i:]
}

// SplitResourceList cuts in into items, or returns false when the input is not in the plain shape
// (Reencode then writes it so, or reports what is wrong with it).
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
		return splitWithoutItems(in)
	}
	// The items run from the line after "items:" to the next line at column 0 that is neither an
	// item nor a comment. Each item starts at the list's dash column (that of the first item)
	// with "-", then its content at a column of its own (usually two further), which every
	// other line of the item keeps. Blank lines and comments left of an item's content head the
	// item that follows them.
	s := &Split{in: in, placeholder: true}
	dash, content := -1, -1 // the list's dash column, the current item's content column
	end, heading, indentedHeading := itemsEnd, -1, false
	for end < len(in) {
		l := lineAt(in, end)
		t := bytes.TrimLeft(l, " ")
		ind := len(l) - len(t)
		switch {
		case len(bytes.TrimSpace(l)) == 0:
			if heading < 0 && len(s.items) > 0 {
				s.items[len(s.items)-1].end = end + len(l)
			} else if heading < 0 {
				heading = end
			}
		case t[0] == '#' && (content < 0 || ind < content):
			if heading < 0 {
				heading, indentedHeading = end, false
			}
			indentedHeading = indentedHeading || ind > 0
		case t[0] == '-' && (len(t) == 1 || t[1] == ' ' || t[1] == '\n') && (ind == dash || dash < 0 && ind <= 2):
			c, ok := itemContent(l)
			if !ok {
				return nil, false
			}
			start := end
			if heading >= 0 {
				start, heading = heading, -1
				if !onlyComments(in[start:end]) {
					return nil, false // a comment go-yaml refuses (a control character): read whole
				}
			}
			dash, content = ind, c
			s.items = append(s.items, itemRange{start: start, body: end, end: end + len(l), content: c})
		case content >= 0 && ind >= content:
			if marksDocument(l[content:]) || heading >= 0 && indentedHeading {
				return nil, false // text that means something else on its own; a comment left of its item
			}
			heading = -1 // a comment at column 0 inside an item's lines is the item's
			s.items[len(s.items)-1].end = end + len(l)
		case ind == 0 && t[0] != '-':
			goto done
		default:
			return nil, false // a line left of its item's content, another sequence
		}
		end += len(l)
	}
done:
	if heading >= 0 {
		end = heading // comments after the last item head what follows the items
	}
	if len(s.items) == 0 {
		return splitWithoutItems(in) // "items:" with nothing under it: null
	}
	s.items[len(s.items)-1].end = min(s.items[len(s.items)-1].end, end)
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

// onlyComments reports text that go-yaml reads as comments and blank lines alone: the lines that
// head an item are written back as they came, and no other reader sees them.
func onlyComments(text []byte) bool {
	var doc yaml.Node
	return yaml.Unmarshal(text, &doc) == nil && len(doc.Content) == 0
}

// splitWithoutItems is the Split of a ResourceList with no block list of items: none, null or
// an empty list.
func splitWithoutItems(in []byte) (*Split, bool) {
	root, fc, err := parseRoot(in)
	if err != nil {
		return nil, false
	}
	if items := yamltree.Get(root, "items"); items != nil && items.ShortTag() != yaml.NodeTagNull &&
		(items.Kind != yaml.SequenceNode || len(items.Content) > 0) {
		return nil, false
	}
	return &Split{in: in, skeleton: root, FunctionConfig: fc}, true
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

// ItemText is item i as a standalone YAML document: its own lines without the columns left of
// its content (the dash, on the first line).
func (s *Split) ItemText(i int, buf *bytes.Buffer) []byte {
	buf.Reset()
	it := s.items[i]
	text := s.in[it.body:it.end]
	for j := 0; j < len(text); {
		l := lineAt(text, j)
		switch {
		case j == 0 && len(l) > it.content:
			buf.Write(l[it.content:])
		case j == 0:
			buf.WriteByte('\n') // "-" alone: a null item
		case len(l) > it.content && len(bytes.TrimLeft(l[:it.content], " ")) == 0:
			buf.Write(l[it.content:])
		default:
			buf.Write(l) // a blank line shorter than the indentation, a comment at column 0
		}
		j += len(l)
	}
	return buf.Bytes()
}

// ReadItem parses one item's text. It refuses a parse error (an alias whose anchor is in another
// item is one; ReadsAlone then says to read the ResourceList whole) and an item that is not a
// mapping. An empty document (only comments, in a stream) is no object and no error.
//
// Trailing text after the item ("- {}0") is refused too: yaml.Unmarshal would read the first
// document and drop the rest, where the whole ResourceList would not parse.
func ReadItem(text []byte) (*Object, *yaml.Node, error) {
	doc, err := yamltree.ReadDocument(text)
	if doc == nil || err != nil {
		return nil, nil, err
	}
	return &Object{Node: doc.Content[0], Tree: yamltree.NewTree(doc)}, doc, nil
}

// MayHoldNamespace is the byte search that spares parsing most items in the pre-pass for
// Namespaces: false only when the text cannot be a Namespace nor a List holding one. The word can
// only be hidden by an escape in a double-quoted scalar, so a backslash counts too.
func MayHoldNamespace(text []byte) bool {
	return bytes.Contains(text, []byte("Namespace")) || bytes.IndexByte(text, '\\') >= 0
}

// Raw is item i as it came, "- " and the lines that head it included: an item the run did not
// change is written back so. The last item may end the input without a line break; it gets one,
// as the rest follows it.
func (s *Split) Raw(i int) []byte {
	raw := s.in[s.items[i].start:s.items[i].end]
	if len(raw) > 0 && raw[len(raw)-1] != '\n' {
		return append(raw[:len(raw):len(raw)], '\n')
	}
	return raw
}

// File is nil: an item of a ResourceList says where it comes from in its annotations.
func (s *Split) File(int) *fn.File { return nil }

// Encode writes item i, changed: the lines that head it as they came, then the item as
// WriteItem writes it, keeping the item's own lines where the change leaves them; tmp and text
// are scratch space.
func (s *Split) Encode(i int, doc *yaml.Node, out, tmp, text *bytes.Buffer) error {
	it := s.items[i]
	out.Write(s.in[it.start:it.body])
	return WriteItem(doc, s.ItemText(i, text), out, tmp, s.in[it.body:it.body+it.content])
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

// WriteItem writes one changed item (its document node) into out as an item of the list under
// "items:": its first line after first (the dash and the spaces up to its content, "- " as
// kustomize writes it), the others indented as deep. ours is the item's text as read (ItemText),
// whose lines restyle keeps where the change leaves them; nil writes go-yaml's layout. tmp is
// scratch space.
func WriteItem(doc *yaml.Node, ours []byte, out, tmp *bytes.Buffer, first []byte) error {
	text, err := restyle.Write(ours, doc, tmp)
	if err != nil {
		return fmt.Errorf("writing an item: %w", err)
	}
	for i := 0; i < len(text); {
		l := lineAt(text, i)
		switch {
		case i == 0:
			out.Write(first)
		case len(l) > 1:
			for range first {
				out.WriteByte(' ')
			}
		}
		out.Write(l)
		i += len(l)
	}
	return nil
}

// Output writes the ResourceList: the skeleton with results appended, and the items in place of
// the placeholder.
func (s *Split) Output(w io.Writer, items *ItemWriter, results Results) error {
	rl := &ResourceList{root: s.skeleton}
	var skel bytes.Buffer
	if err := rl.Write(&skel, results); err != nil {
		return err
	}
	parts := [][]byte{skel.Bytes()}
	if s.placeholder {
		// The placeholder is a plain scalar: go-yaml writes it on the key's line, with the key's
		// line comment after it, if any.
		b := skel.Bytes()
		i := bytes.Index(b, []byte("items: "+itemsPlaceholder))
		if i < 0 || i > 0 && b[i-1] != '\n' {
			return fmt.Errorf("writing the ResourceList: the items' place is not where it must be")
		}
		rest := b[i+len("items: "+itemsPlaceholder):]
		eol := bytes.IndexByte(rest, '\n') + 1
		parts = append([][]byte{b[:i], []byte("items:"), rest[:eol]}, items.chunks...)
		parts = append(parts, rest[eol:])
	}
	for _, part := range parts {
		if _, err := w.Write(part); err != nil {
			return err
		}
	}
	return nil
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
func IsShapeError(err error) bool { return errors.Is(err, yamltree.ErrNotOneMap) }

// ReadsAlone reports whether ReadItem's err still lets an item of a ResourceList be read on its
// own: no error, or an item that is not one mapping. A parse error or text after the document
// may mean something else in the whole ResourceList, which must then be read whole.
func ReadsAlone(err error) bool {
	return err == nil || errors.Is(err, yamltree.ErrNotOneMap) && !errors.Is(err, yamltree.ErrTrailingText)
}

// ItemKind names what an item's text holds ("a list", "a string", "null"), for the error about
// an item that is not a map.
func ItemKind(text []byte) string {
	var doc yaml.Node
	if err := yaml.Unmarshal(text, &doc); err != nil || len(doc.Content) == 0 {
		return "null"
	}
	return yamltree.KindName(doc.Content[0])
}
