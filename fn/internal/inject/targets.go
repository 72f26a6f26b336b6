package inject

import (
	"fmt"
	"slices"

	"inject-datadog/fn/internal/config"
	"inject-datadog/fn/internal/image"
	"inject-datadog/fn/internal/podtemplate"
)

// singleStepNamespace reports whether Single Step (targets, libraries.inject) may choose the
// libraries of a template in namespace ns (docs/single-step-targets.md "Single Step targets"): never in the disabled
// namespaces, nor in kube-system or the agent's unless enabledNamespaces lists them, and with
// enabledNamespaces set, only there.
func (tr *Transformer) singleStepNamespace(ns string) bool {
	sel := tr.cfg.Selection
	switch {
	case slices.Contains(sel.DisabledNamespaces, ns):
		return false
	case slices.Contains(sel.EnabledNamespaces, ns):
		return true
	case len(sel.EnabledNamespaces) > 0:
		return false
	}
	return ns != namespaceKubeSystem && ns != tr.cfg.AgentNamespace
}

// matchTarget is the first target whose namespace selector and pod selector both match the
// template, nil when none does. A namespace selector on labels, for a namespace whose labels
// are known neither from the bundle nor from namespaceLabels, does not match, with a warning.
func (tr *Transformer) matchTarget(t *podtemplate.Template, warn warnFunc) (int, *config.Target, error) {
	ns := t.Namespace()
	podLabels, err := t.Labels()
	if err != nil {
		return 0, nil, err
	}
	for i := range tr.cfg.Targets {
		target := &tr.cfg.Targets[i]
		if sel := target.NamespaceSelector; sel != nil {
			if sel.UsesLabels() {
				labels, known := tr.namespaces[ns]
				if !known {
					warn("metadata.namespace", "target %q: the labels of namespace %q are unknown (no v1 Namespace %s in the input, no namespaceLabels entry), so its namespaceSelector cannot match; add one of them",
						target.Name, ns, ns)
					continue
				}
				if !sel.LabelSelector.Matches(labels) {
					continue
				}
			} else if !sel.MatchesName(ns) {
				continue
			}
		}
		if target.PodSelector.Matches(podLabels) {
			return i, target, nil
		}
	}
	return 0, nil, nil
}

// targetLibraries are the libraries of target i, in language order: its ddTraceVersions, or
// every language the method injects at its default tag when it names none.
func (tr *Transformer) targetLibraries(i int, t *config.Target, m injectionMethod) []library {
	field, reason := fmt.Sprintf("functionConfig targets[%d]", i), fmt.Sprintf("target %q", t.Name)
	var libs []library
	for _, l := range languages {
		tag, named := t.DDTraceVersions[l.name]
		switch {
		case named:
			libs = append(libs, library{lang: l, image: image.Join(tr.cfg.Libraries.Registry, l.image(), tag), field: field + ".ddTraceVersions." + l.name, reason: reason})
		case len(t.DDTraceVersions) == 0 && m.supports(l):
			libs = append(libs, library{lang: l, image: tr.defaultImage(l), field: field, reason: reason})
		}
	}
	return libs
}
