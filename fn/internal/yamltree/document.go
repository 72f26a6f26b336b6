package yamltree

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ErrNotOneMap says a text parses but is not one mapping; ErrTrailingText that text follows
// the document (in "{}0" go-yaml reads "{}" and leaves the rest, where a reader of the text it
// was cut from would find no YAML at all).
var (
	ErrNotOneMap    = errors.New("not one mapping")
	ErrTrailingText = fmt.Errorf("%w: text after the document", ErrNotOneMap)
)

// ReadDocument parses text that must hold one document whose top node is a mapping, and returns
// the document node; nil, and no error, for an empty document (only comments, or "---" alone).
func ReadDocument(text []byte) (*yaml.Node, error) {
	var doc, extra yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(text))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, err
	}
	if !errors.Is(dec.Decode(&extra), io.EOF) {
		return nil, ErrTrailingText
	}
	if err := RefuseRecursiveAlias(text, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 1 && doc.Content[0].ShortTag() == yaml.NodeTagNull && doc.Content[0].Value == "" &&
		doc.Content[0].Style == 0 && doc.Content[0].Kind == yaml.ScalarNode {
		return nil, nil // "---" with nothing after it: an empty document
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, ErrNotOneMap
	}
	return &doc, nil
}

// RefuseRecursiveAlias is an error for a document (read from text) that holds an alias inside
// the node it names: reading through it never ends. Only text with a "*" can hold an alias.
func RefuseRecursiveAlias(text []byte, doc *yaml.Node) error {
	if bytes.IndexByte(text, '*') < 0 {
		return nil
	}
	if a := RecursiveAlias(doc); a != nil {
		return fmt.Errorf("the alias *%s at line %d must not sit inside the node it names: Kubernetes cannot read it", a.Value, a.Line)
	}
	return nil
}
