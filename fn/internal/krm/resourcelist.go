// Package krm reads and writes the KRM function wire format: a ResourceList on stdin, the same
// ResourceList with edited items and appended results on stdout. It works on the YAML node tree so
// that what the function does not edit is written back as it was read.
package krm

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// ResourceList is a parsed ResourceList. Items point into the parsed tree: editing an item's node
// edits what Write prints.
type ResourceList struct {
	root *yaml.Node
	// Items are the well-formed items (mappings), in input order.
	Items []*Object
	// FunctionConfig is the functionConfig mapping, nil when there is none.
	FunctionConfig *Object
	// Problems are the items that cannot be resources (a scalar, a list); they are written back
	// untouched and reported as errors.
	Problems Results
}

// Read parses one ResourceList. An error here means there is nothing to write back: the input is
// not YAML, not one document, or not a ResourceList.
func Read(in []byte) (*ResourceList, error) {
	root, fc, err := parseRoot(in)
	if err != nil {
		return nil, err
	}
	rl := &ResourceList{root: root, FunctionConfig: fc}
	tree := yamltree.NewTree(root)
	items := yamltree.Get(root, "items")
	switch {
	case items == nil || items.ShortTag() == yaml.NodeTagNull:
	case items.Kind != yaml.SequenceNode:
		return nil, fmt.Errorf("items must be a list, found %s", yamltree.KindName(items))
	default:
		for i, it := range items.Content {
			if it.Kind != yaml.MappingNode {
				rl.Problems.Errorf(nil, fmt.Sprintf("items[%d]", i), "every item must be a resource (a map), found %s", yamltree.KindName(it))
				continue
			}
			rl.Items = append(rl.Items, &Object{Node: it, Tree: tree})
		}
	}
	return rl, nil
}

// parseRoot decodes in, which must be exactly one YAML document holding a ResourceList mapping,
// and returns the mapping and its functionConfig (nil when absent or null).
func parseRoot(in []byte) (*yaml.Node, *Object, error) {
	errEmpty := errors.New("the input is empty: a ResourceList must be given on stdin (run me through kustomize or kpt, or see --help)")
	if len(bytes.TrimSpace(in)) == 0 {
		return nil, nil, errEmpty
	}
	dec := yaml.NewDecoder(bytes.NewReader(in))
	var docs []*yaml.Node
	for {
		var d yaml.Node
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("the input is not valid YAML: %w", err)
		}
		docs = append(docs, &d)
	}
	if len(docs) == 0 {
		return nil, nil, errEmpty
	}
	if len(docs) != 1 {
		return nil, nil, fmt.Errorf("the input must be exactly one YAML document, a ResourceList; found %d documents", len(docs))
	}
	root := docs[0]
	if err := yamltree.RefuseRecursiveAlias(in, root); err != nil {
		return nil, nil, err
	}
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("the input must be a ResourceList mapping, found %s", yamltree.KindName(root))
	}
	if k := yamltree.Get(root, "kind"); k == nil || k.Value != kio.ResourceListKind {
		got := "no kind"
		if k != nil {
			got = fmt.Sprintf("kind %q", k.Value)
		}
		return nil, nil, fmt.Errorf("the input must be a ResourceList, found %s", got)
	}
	fc := yamltree.Get(root, "functionConfig")
	switch {
	case fc == nil || fc.ShortTag() == yaml.NodeTagNull:
		return root, nil, nil
	case fc.Kind != yaml.MappingNode:
		return nil, nil, fmt.Errorf("functionConfig must be a map, found %s", yamltree.KindName(fc))
	}
	return root, &Object{Node: fc}, nil
}

// Write prints the ResourceList with results appended to any results already present (an earlier
// function in a kpt pipeline may have left some).
func (rl *ResourceList) Write(w io.Writer, results Results) error {
	if len(results) > 0 {
		var rn yaml.Node
		if err := rn.Encode(results.SDK()); err != nil {
			return fmt.Errorf("encoding results: %w", err)
		}
		if old := yamltree.Get(rl.root, "results"); old != nil && old.Kind == yaml.SequenceNode {
			yamltree.Append(old, rn.Content...)
		} else {
			yamltree.Set(rl.root, "results", &rn)
		}
	}
	var buf bytes.Buffer
	yamltree.PlainMergeKeys(rl.root)
	enc := yaml.NewEncoder(&buf)
	if err := enc.Encode(rl.root); err != nil {
		return fmt.Errorf("writing the ResourceList: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("writing the ResourceList: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
