package config

import "sigs.k8s.io/kustomize/kyaml/yaml"

// Target is one Single Step Instrumentation target (README "Single Step targets"): the first
// target whose selectors both match a pod template gives it its libraries and settings.
type Target struct {
	Name string
	// PodSelector matches the pod template's labels; nil matches every template.
	PodSelector *LabelSelector
	// NamespaceSelector matches the template's namespace; nil matches every namespace.
	NamespaceSelector *NamespaceSelector
	// DDTraceVersions maps a language to its image tag; empty means every language at its
	// default tag (libraries.versions).
	DDTraceVersions map[string]string
	// DDTraceConfigs are env vars for the template's containers, in the config's order.
	DDTraceConfigs []TraceConfig
}

// LabelSelector is a Kubernetes label selector: every label and every expression must match.
type LabelSelector struct {
	MatchLabels      map[string]string
	MatchExpressions []LabelRequirement
}

// LabelRequirement is one matchExpressions entry; Operator is In, NotIn, Exists or DoesNotExist.
type LabelRequirement struct {
	Key      string
	Operator string
	Values   []string
}

// NamespaceSelector matches namespaces by name or by label, never both.
type NamespaceSelector struct {
	MatchNames []string
	LabelSelector
}

// TraceConfig is one ddTraceConfigs entry: a variable with a value, or with a valueFrom that
// is written as it was given.
type TraceConfig struct {
	Name      string
	Value     string
	ValueFrom *yaml.Node
}
