package config

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Target is one Single Step Instrumentation target (docs/single-step-targets.md "Single Step targets"): the first
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

// Matches reports whether labels satisfy the selector, as Kubernetes label selectors do: every
// matchLabels pair is present and every expression holds. A nil or empty selector matches all.
func (s *LabelSelector) Matches(labels map[string]string) bool {
	if s == nil {
		return true
	}
	for k, v := range s.MatchLabels {
		if got, ok := labels[k]; !ok || got != v {
			return false
		}
	}
	for _, r := range s.MatchExpressions {
		if !r.Matches(labels) {
			return false
		}
	}
	return true
}

// Matches reports whether labels satisfy the requirement: In, the key is present with one of the
// values; NotIn, the key is absent or its value is none of them; Exists; DoesNotExist. An unknown
// operator (Parse refuses them) matches nothing.
func (r LabelRequirement) Matches(labels map[string]string) bool {
	v, ok := labels[r.Key]
	switch r.Operator {
	case OperatorIn:
		return ok && slices.Contains(r.Values, v)
	case OperatorNotIn:
		return !ok || !slices.Contains(r.Values, v)
	case OperatorExists:
		return ok
	case OperatorDoesNotExist:
		return !ok
	}
	return false
}

// UsesLabels reports whether the selector matches namespaces by label (matchLabels or
// matchExpressions): the namespace's labels are then needed, from namespaceLabels or the bundle.
func (s *NamespaceSelector) UsesLabels() bool {
	return s != nil && !s.LabelSelector.empty()
}

// MatchesName reports whether the namespace ns is one of matchNames; empty matchNames (or a nil
// selector) match every namespace. It says nothing of labels: see UsesLabels and Matches.
func (s *NamespaceSelector) MatchesName(ns string) bool {
	return s == nil || len(s.MatchNames) == 0 || slices.Contains(s.MatchNames, ns)
}

// JSON is the target as Datadog reports it in DD_INSTRUMENTATION_APPLIED_TARGET and the
// internal.apm.datadoghq.com/applied-target annotation: encoding/json's bytes of Datadog's
// Target, keys in its order (name, podSelector, namespaceSelector, ddTraceVersions,
// ddTraceConfigs), map keys sorted, empty fields left out; no HTML escaping, no final newline.
func (t Target) JSON() string {
	jt := jsonTarget{Name: t.Name, DDTraceVersions: t.DDTraceVersions}
	if t.PodSelector != nil && !t.PodSelector.empty() {
		jt.PodSelector = &jsonSelector{MatchLabels: t.PodSelector.MatchLabels, MatchExpressions: jsonRequirements(t.PodSelector.MatchExpressions)}
	}
	if s := t.NamespaceSelector; s != nil && (len(s.MatchNames) > 0 || !s.LabelSelector.empty()) {
		jt.NamespaceSelector = &jsonNamespaceSelector{MatchNames: s.MatchNames, MatchLabels: s.MatchLabels, MatchExpressions: jsonRequirements(s.MatchExpressions)}
	}
	for _, tc := range t.DDTraceConfigs {
		jc := jsonTraceConfig{Name: tc.Name, Value: tc.Value}
		if tc.ValueFrom != nil {
			jc.ValueFrom = nodeJSON(tc.ValueFrom)
		}
		jt.DDTraceConfigs = append(jt.DDTraceConfigs, jc)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(jt); err != nil {
		// Only strings, maps of strings and nodeJSON's values: encoding cannot fail.
		panic(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// The JSON shapes of Datadog's Target (its json tags).
type jsonTarget struct {
	Name              string                 `json:"name"`
	PodSelector       *jsonSelector          `json:"podSelector,omitempty"`
	NamespaceSelector *jsonNamespaceSelector `json:"namespaceSelector,omitempty"`
	DDTraceVersions   map[string]string      `json:"ddTraceVersions,omitempty"`
	DDTraceConfigs    []jsonTraceConfig      `json:"ddTraceConfigs,omitempty"`
}

type jsonSelector struct {
	MatchLabels      map[string]string `json:"matchLabels,omitempty"`
	MatchExpressions []jsonRequirement `json:"matchExpressions,omitempty"`
}

type jsonNamespaceSelector struct {
	MatchNames       []string          `json:"matchNames,omitempty"`
	MatchLabels      map[string]string `json:"matchLabels,omitempty"`
	MatchExpressions []jsonRequirement `json:"matchExpressions,omitempty"`
}

type jsonRequirement struct {
	Key      string   `json:"key"`
	Operator string   `json:"operator"`
	Values   []string `json:"values,omitempty"`
}

type jsonTraceConfig struct {
	Name      string `json:"name"`
	Value     string `json:"value,omitempty"`
	ValueFrom any    `json:"valueFrom,omitempty"`
}

func jsonRequirements(rs []LabelRequirement) []jsonRequirement {
	var out []jsonRequirement
	for _, r := range rs {
		out = append(out, jsonRequirement(r))
	}
	return out
}

// nodeJSON is a YAML node as a value for encoding/json: maps (keys sorted when encoded), lists,
// and scalars by their tag; a number JSON cannot hold stays a string.
func nodeJSON(n *yaml.Node) any {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = nodeJSON(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		l := []any{}
		for _, it := range n.Content {
			l = append(l, nodeJSON(it))
		}
		return l
	}
	switch n.ShortTag() {
	case yaml.NodeTagNull:
		return nil
	case yaml.NodeTagBool:
		var b bool
		if n.Decode(&b) == nil {
			return b
		}
	case yaml.NodeTagInt:
		var i int64
		if n.Decode(&i) == nil {
			return i
		}
	case yaml.NodeTagFloat:
		var f float64
		if n.Decode(&f) == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f
		}
	}
	return n.Value
}
