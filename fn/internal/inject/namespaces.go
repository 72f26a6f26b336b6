package inject

import (
	"maps"

	"inject-datadog/fn/internal/krm"
	"inject-datadog/fn/internal/yamltree"
)

// namespaceLabels collects the labels of the bundle's v1 Namespaces (inside Lists too), then lays
// the config's namespaceLabels over them: the config replaces the labels of a namespace it names
// (docs/single-step-targets.md "Single Step targets").
func namespaceLabels(items []*krm.Object, configured map[string]map[string]string) map[string]map[string]string {
	labels := map[string]map[string]string{}
	var walk func([]*krm.Object)
	walk = func(items []*krm.Object) {
		for _, o := range items {
			if list := krm.ListItems(o); list != nil {
				walk(list)
				continue
			}
			if o.Kind() != "Namespace" || o.APIVersion() != "v1" || o.Name() == "" {
				continue
			}
			ls := map[string]string{}
			for _, kv := range yamltree.Pairs(yamltree.Path(o.Node, "metadata", "labels")) {
				if yamltree.IsStr(kv[1]) {
					ls[kv[0].Value] = kv[1].Value
				}
			}
			labels[o.Name()] = ls
		}
	}
	walk(items)
	maps.Copy(labels, configured)
	return labels
}
