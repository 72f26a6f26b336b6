package inject

import (
	"slices"

	"inject-datadog/fn/internal/podtemplate"
)

// route says why a template is mutated; the Single Step route also marks how libraries came.
type route int

const (
	notSelected route = iota
	byLabel
	byEnabledNamespace
	byMutateUnlabelled
	bySingleStep
)

// selectTemplate applies the README's "Selection". warn receives an ignored label value.
func (tr *Transformer) selectTemplate(t *podtemplate.Template, warn func(field, format string, args ...any)) (route, error) {
	v, err := t.Label(labelEnabled)
	if err != nil {
		return notSelected, err
	}
	switch {
	case v.Found && v.Text == "true":
		return byLabel, nil
	case v.Found && v.Text == "false":
		return notSelected, nil
	case v.Found:
		warn(v.Field, "ignored: the value must be \"true\" or \"false\", found %q; treated as absent", v.Text)
	}
	sel := tr.cfg.Selection
	ns := t.Namespace()
	switch {
	case slices.Contains(sel.DisabledNamespaces, ns):
		return notSelected, nil
	case slices.Contains(sel.EnabledNamespaces, ns):
		return byEnabledNamespace, nil
	case ns == namespaceKubeSystem || ns == tr.cfg.AgentNamespace:
		return notSelected, nil
	case sel.MutateUnlabelled:
		return byMutateUnlabelled, nil
	case (len(tr.cfg.Libraries.Inject) > 0 || len(tr.cfg.Targets) > 0) && len(sel.EnabledNamespaces) == 0:
		// With enabledNamespaces set, Single Step covers those namespaces only (as in Datadog).
		return bySingleStep, nil
	}
	return notSelected, nil
}
