package krm

import (
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// Object is one resource of the ResourceList, as a node of the parsed tree.
type Object struct {
	Node *yaml.Node
	// Tree is the document the object was read from, for edits that must respect its aliases;
	// nil when unknown.
	Tree *yamltree.Tree
	// List is the List object this one is an item of; nil for an item of the ResourceList.
	List *Object
	// Source is where the object came from when its annotations do not say (a document of a
	// plain stream, the --config file).
	Source *fn.File
}

// ListItems returns the resources of a List (a v1 List, or any kind ending in "List" that has
// an items list), nil for any other object. Items that are not maps are left out: they cannot
// hold a pod template.
func ListItems(o *Object) []*Object {
	if !strings.HasSuffix(o.Kind(), "List") {
		return nil
	}
	items := yamltree.Get(o.Node, "items")
	if items == nil || items.Kind != yaml.SequenceNode {
		return nil
	}
	out := []*Object{}
	for _, it := range items.Content {
		if r := yamltree.Resolve(it); r != nil && r.Kind == yaml.MappingNode {
			out = append(out, &Object{Node: it, Tree: o.Tree, List: o})
		}
	}
	return out
}

func (o *Object) str(keys ...string) string {
	n := yamltree.Resolve(yamltree.Path(o.Node, keys...))
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// APIVersion is the object's apiVersion ("apps/v1").
func (o *Object) APIVersion() string { return o.str("apiVersion") }

// Kind is the object's kind.
func (o *Object) Kind() string { return o.str("kind") }

// Name is metadata.name.
func (o *Object) Name() string { return o.str("metadata", "name") }

// Namespace is metadata.namespace as written ("" when absent).
func (o *Object) Namespace() string { return o.str("metadata", "namespace") }

// Group is the API group of apiVersion ("" for the core group).
func (o *Object) Group() string {
	g, _, found := strings.Cut(o.APIVersion(), "/")
	if !found {
		return ""
	}
	return g
}

// Annotation returns a metadata annotation of the object itself.
func (o *Object) Annotation(key string) string { return o.str("metadata", "annotations", key) }

// IsLocalConfig reports the config.kubernetes.io/local-config annotation that kpt uses for the
// Kptfile and for objects that are never applied; the same rule as the SDK's.
func (o *Object) IsLocalConfig() bool {
	v := o.Annotation("config.kubernetes.io/local-config")
	return v != "" && v != "false"
}

// Ref is the result's resourceRef for this object.
func (o *Object) Ref() *fn.ResourceRef {
	return &fn.ResourceRef{APIVersion: o.APIVersion(), Kind: o.Kind(), Name: o.Name(), Namespace: o.Namespace()}
}

// File is where kpt read the object from, when it says so. (kyaml-based orchestrators write the
// legacy config.kubernetes.io/path next to this one, so reading the internal one is enough.)
func (o *Object) File() *fn.File {
	path := o.Annotation(kioutil.PathAnnotation)
	if path == "" {
		if o.List != nil {
			return o.List.File()
		}
		return o.Source
	}
	i, _ := strconv.Atoi(o.Annotation(kioutil.IndexAnnotation)) // unreadable: 0, the spec's default
	return &fn.File{Path: path, Index: i}
}
