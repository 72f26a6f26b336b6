package cli

import (
	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/inject"
	"inject-datadog/fn/internal/yamltree"
)

// Check mode (docs/ci.md "CI: check mode") renders each item as usual, writes it back unchanged, and
// reports the items whose output would differ from their input: the first field that would
// change, in document order, and what would happen to it.

// firstDifference finds where b, the rendered item, first differs from a, the item as it came.
// It reads through aliases and ignores styles and comments: only what the item means counts.
func firstDifference(a, b *yaml.Node, path string) (field, change string, found bool) {
	a, b = yamltree.Resolve(a), yamltree.Resolve(b)
	switch {
	case a == nil && b == nil:
		return "", "", false
	case a == nil:
		return path, "would add " + summarize(b), true
	case b == nil:
		return path, "would remove it", true
	case a.Kind != b.Kind:
		return path, "would replace it with " + summarize(b), true
	}
	switch a.Kind {
	case yaml.DocumentNode:
		if len(a.Content) > 0 && len(b.Content) > 0 {
			return firstDifference(a.Content[0], b.Content[0], path)
		}
	case yaml.MappingNode:
		for _, kv := range yamltree.Pairs(b) {
			key := kv[0].Value
			at := join(path, key)
			av := yamltree.Get(a, key)
			if key == inject.AnnotationRecord || (av == nil && onlyRecord(kv[1])) {
				continue // the record of what the render adds: the change to report is that
			}
			if av == nil {
				return at, "would add " + summarize(kv[1]), true
			}
			if f, c, ok := firstDifference(av, kv[1], at); ok {
				return f, c, ok
			}
		}
		for _, kv := range yamltree.Pairs(a) {
			if yamltree.Get(b, kv[0].Value) == nil {
				return join(path, kv[0].Value), "would remove it", true
			}
		}
	case yaml.SequenceNode:
		as, bs := yamltree.Items(a), yamltree.Items(b)
		for i, bi := range bs {
			at := path + "[" + strconv.Itoa(i) + "]"
			switch {
			case i >= len(as):
				return at, "would append " + summarize(bi), true
			case sameData(as[i], bi):
				continue
			case len(bs) > len(as) && sameData(as[i], bs[i+len(bs)-len(as)]):
				return at, "would insert " + summarize(bi), true
			}
			return firstDifference(as[i], bi, at)
		}
		if len(as) > len(bs) {
			return path + "[" + strconv.Itoa(len(bs)) + "]", "would remove it", true
		}
	default:
		if a.Value != b.Value {
			return path, fmt.Sprintf("would change %q to %q", a.Value, b.Value), true
		}
	}
	return "", "", false
}

// onlyRecord reports a map that holds nothing but the record annotation (or a map of it).
func onlyRecord(n *yaml.Node) bool {
	pairs := yamltree.Pairs(n)
	if len(pairs) != 1 {
		return false
	}
	return pairs[0][0].Value == inject.AnnotationRecord || onlyRecord(pairs[0][1])
}

// sameData compares two trees by what they mean.
func sameData(a, b *yaml.Node) bool {
	_, _, differ := firstDifference(a, b, "")
	return !differ
}

// summarize names a node in a change: a named map by its name, a scalar by its value.
func summarize(n *yaml.Node) string {
	n = yamltree.Resolve(n)
	switch {
	case n == nil:
		return "nothing"
	case n.Kind == yaml.MappingNode:
		if name := yamltree.Get(n, "name"); yamltree.IsStr(name) {
			return name.Value
		}
		return "a map"
	case n.Kind == yaml.SequenceNode:
		var names []string
		for _, it := range yamltree.Items(n) {
			names = append(names, summarize(it))
		}
		if len(names) > 3 {
			names = append(names[:3], "...")
		}
		return "[" + strings.Join(names, ", ") + "]"
	}
	return strconv.Quote(n.Value)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
