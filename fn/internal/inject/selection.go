package inject

import (
	"fmt"
	"slices"
	"strings"

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

// selectTemplate applies docs/behaviour.md "Selection". It returns the route and, for the
// explanation, why. warn receives an ignored label value.
func (tr *Transformer) selectTemplate(t *podtemplate.Template, warn func(field, format string, args ...any)) (route, string, error) {
	v, err := t.Label(labelEnabled)
	if err != nil {
		return notSelected, "", err
	}
	where := "template"
	if !strings.HasPrefix(v.Field, t.Field("metadata")) {
		where = "workload"
	}
	switch {
	case v.Found && v.Text == "true":
		return byLabel, fmt.Sprintf("%s label %s=true", where, labelEnabled), nil
	case v.Found && v.Text == "false":
		return notSelected, fmt.Sprintf("%s label %s=false", where, labelEnabled), nil
	case v.Found:
		warn(v.Field, "ignored: the value must be \"true\" or \"false\", found %q; treated as absent", v.Text)
	}
	sel := tr.cfg.Selection
	ns := t.Namespace()
	switch {
	case slices.Contains(sel.DisabledNamespaces, ns):
		return notSelected, fmt.Sprintf("namespace %s is in selection.disabledNamespaces", ns), nil
	case slices.Contains(sel.EnabledNamespaces, ns):
		return byEnabledNamespace, fmt.Sprintf("namespace %s is in selection.enabledNamespaces", ns), nil
	case ns == namespaceKubeSystem || ns == tr.cfg.AgentNamespace:
		what := "protected"
		if ns == tr.cfg.AgentNamespace {
			what = "the agent's namespace"
		}
		return notSelected, fmt.Sprintf("namespace %s is %s (only the \"true\" label or selection.enabledNamespaces mutate there)", ns, what), nil
	case sel.MutateUnlabelled:
		return byMutateUnlabelled, "selection.mutateUnlabelled", nil
	case len(tr.cfg.Targets) > 0 && len(sel.EnabledNamespaces) == 0:
		return bySingleStep, "Single Step, by targets", nil
	case len(tr.cfg.Libraries.Inject) > 0 && len(sel.EnabledNamespaces) == 0:
		// With enabledNamespaces set, Single Step covers those namespaces only (as in Datadog).
		return bySingleStep, "Single Step, by libraries.inject", nil
	case len(sel.EnabledNamespaces) > 0:
		return notSelected, fmt.Sprintf("no %s label, and namespace %s is not in selection.enabledNamespaces", labelEnabled, ns), nil
	}
	return notSelected, fmt.Sprintf("no %s label, and no selection rule mutates unlabelled templates", labelEnabled), nil
}
