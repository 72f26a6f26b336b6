package config

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// The fields that hold nested maps and lists: targets, namespaceLabels and imageOverrides. The
// object form gives them as YAML, a ConfigMap as JSON text; both are read by the same node
// readers, so both forms give the same Config and the same errors. Every problem is reported, each
// at its place inside the field ("[1].namespaceSelector", ".apps").

// problems collects the errors of a structured field; Field is relative to the field's path.
type problems []Error

func (ps *problems) add(at string, err error) { *ps = append(*ps, Error{at, err.Error()}) }

func (ps *problems) addf(at, format string, args ...any) {
	*ps = append(*ps, Error{at, fmt.Sprintf(format, args...)})
}

// err is the problems as the error of a field, nil when there are none.
func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return subErrors(ps)
}

// structuredField is a field read from a YAML node in the object form and from JSON text in a
// ConfigMap; "" and null in a ConfigMap mean not set, as for the other fields.
func structuredField(path, example string, read func(c *Config, n *yaml.Node) problems) field {
	node := func(c *Config, n *yaml.Node) error { return read(c, n).err() }
	return field{
		path:     path,
		node:     node,
		textForm: "a string of JSON such as " + example,
		text: func(c *Config, s string) error {
			s = strings.TrimSpace(s)
			if s == "" || s == "null" {
				return nil
			}
			if err := checkJSON(s); err != nil {
				return fmt.Errorf("must be JSON such as %s, found invalid JSON (%v)", example, err)
			}
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(s), &doc); err != nil || len(doc.Content) != 1 {
				return fmt.Errorf("must be JSON such as %s, found %q", example, s)
			}
			return node(c, doc.Content[0])
		},
	}
}

func checkJSON(s string) error {
	var v any
	return json.Unmarshal([]byte(s), &v)
}

func targetsField(path string) field {
	return structuredField(path, `[{"name": "apps", "namespaceSelector": {"matchNames": ["apps"]}}]`,
		func(c *Config, n *yaml.Node) problems {
			// Set even with problems, so that validate also reports the conflicts with other fields
			// (Parse returns no Config when there are errors).
			var ps problems
			c.Targets, ps = readTargets(n)
			return ps
		})
}

func namespaceLabelsField(path string) field {
	return structuredField(path, `{"apps": {"team": "a"}}`, func(c *Config, n *yaml.Node) problems {
		var ps problems
		pairs, ok := readMap(n, "", "a map of namespaces to their labels", &ps)
		if !ok {
			return ps
		}
		nl := map[string]map[string]string{}
		for _, kv := range pairs {
			ns, v := kv.key, kv.value
			if err := dnsLabel(ns); err != nil {
				ps.addf("", "key %q %v", ns, err)
				continue
			}
			if isNull(v) {
				nl[ns] = map[string]string{}
				continue
			}
			if labels, ok := readLabels(v, "."+ns, &ps); ok {
				nl[ns] = labels
			}
		}
		if len(ps) == 0 && len(nl) > 0 {
			c.NamespaceLabels = nl
		}
		return ps
	})
}

// imageOverridesField takes a map of image repositories to their replacements in the object form
// and a JSON object in a ConfigMap; both sides are repositories without tag or digest.
func imageOverridesField(path string) field {
	return structuredField(path, `{"gcr.io/datadoghq/dd-lib-python-init": "registry.example.com/dd/dd-lib-python-init"}`,
		func(c *Config, n *yaml.Node) problems {
			var ps problems
			pairs, ok := readMap(n, "", "a map of image repositories to the repositories to write instead", &ps)
			if !ok {
				return ps
			}
			overrides := map[string]string{}
			for _, kv := range pairs {
				from, v := kv.key, kv.value
				switch repo, isRepo := repositoryOf(from); {
				case isRepo:
				case repo != "":
					ps.addf("", "key %q must be the image without its tag or digest (%s): it is replaced at every tag", from, repo)
				default:
					ps.addf("", "key %q must be an image repository without tag, such as gcr.io/datadoghq/dd-lib-python-init", from)
				}
				if isNull(v) {
					ps.addf("", "value of %q must be set: the repository to write instead", from)
					continue
				}
				if !yamltree.IsStr(v) {
					ps.addf("", "value of %q %v", from, mustBe("a string", v))
					continue
				}
				to := v.Value
				switch repo, isRepo := repositoryOf(to); {
				case isRepo:
					overrides[from] = to
				case repo != "":
					ps.addf("", "value of %q must be the image without its tag or digest (%s): the image keeps its tag", from, repo)
				default:
					ps.addf("", "value of %q must be an image repository without tag, such as registry.example.com/dd/dd-lib-python-init, found %q", from, to)
				}
			}
			if len(ps) == 0 && len(overrides) > 0 {
				c.Libraries.ImageOverrides = overrides
			}
			return ps
		})
}

// pair is one key of a map with its value, resolved.
type pair struct {
	key   string
	value *yaml.Node
}

// readMap lists the pairs of the map n, reporting a node that is not a map and keys given twice
// (the later one is left out).
func readMap(n *yaml.Node, at, what string, ps *problems) ([]pair, bool) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		ps.add(at, mustBe(what, n))
		return nil, false
	}
	var out []pair
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		if seen[k] {
			ps.addf(at, "key %q must not be given twice", k)
			continue
		}
		seen[k] = true
		out = append(out, pair{k, resolve(n.Content[i+1])})
	}
	return out, true
}

// readFields reads a map whose keys are the fields known (in their order) and reports the others.
// Null values are left out: a field given as null is a field not given.
func readFields(n *yaml.Node, at, what string, known []string, ps *problems) (map[string]*yaml.Node, bool) {
	pairs, ok := readMap(n, at, "a map", ps)
	if !ok {
		return nil, false
	}
	fs := map[string]*yaml.Node{}
	for _, kv := range pairs {
		if !slices.Contains(known, kv.key) {
			ps.addf(at+"."+kv.key, "is not a field of %s%s: the fields are %s", what, didYouMean(kv.key, known), and(known))
			continue
		}
		if !isNull(kv.value) {
			fs[kv.key] = kv.value
		}
	}
	return fs, true
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == yaml.NodeTagNull
}

// didYouMean suggests the known name nearest to s, if one is near.
func didYouMean(s string, known []string) string {
	best, bestD := "", 4
	for _, k := range known {
		if d := distance(strings.ToLower(s), strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

// and joins names as a sentence does: "a, b and c".
func and(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// readString reads a string scalar; a number or a bool is an error that asks to quote it.
func readString(n *yaml.Node, at string, ps *problems) (string, bool) {
	if !yamltree.IsStr(n) {
		ps.add(at, mustBe("a string", n))
		return "", false
	}
	return n.Value, true
}

// readStrings reads a list of strings, each checked; repeats are errors when unique.
func readStrings(n *yaml.Node, at string, check func(string) error, unique bool, ps *problems) []string {
	if n.Kind != yaml.SequenceNode {
		ps.add(at, mustBe("a list of strings", n))
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for i, it := range n.Content {
		it = resolve(it)
		if !yamltree.IsStr(it) {
			ps.addf(at, "item %d must be a string, found %s", i, yamltree.KindName(it))
			continue
		}
		if err := check(it.Value); err != nil {
			ps.addf(at, "item %d (%q) %v", i, it.Value, err)
		}
		if unique && seen[it.Value] {
			ps.addf(at, "item %d (%q) must not repeat an earlier item", i, it.Value)
		}
		seen[it.Value] = true
		out = append(out, it.Value)
	}
	return out
}

// readLabels reads a map of Kubernetes label keys to label values.
func readLabels(n *yaml.Node, at string, ps *problems) (map[string]string, bool) {
	pairs, ok := readMap(n, at, "a map of label keys to values", ps)
	if !ok {
		return nil, false
	}
	before := len(*ps)
	labels := map[string]string{}
	for _, kv := range pairs {
		if err := labelKey(kv.key); err != nil {
			ps.addf(at, "key %q %v", kv.key, err)
		}
		if !yamltree.IsStr(kv.value) {
			ps.addf(at, "value of %q %v", kv.key, mustBe("a string", kv.value))
			continue
		}
		if err := labelValue(kv.value.Value); err != nil {
			ps.addf(at, "value of %q %v", kv.key, err)
		}
		labels[kv.key] = kv.value.Value
	}
	return labels, len(*ps) == before
}

func labelKey(s string) error {
	if errs := validation.IsQualifiedName(s); len(errs) > 0 {
		return fmt.Errorf("must be a label key (a name of at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, after an optional DNS subdomain and '/'), found %q", s)
	}
	return nil
}

func labelValue(s string) error {
	if errs := validation.IsValidLabelValue(s); len(errs) > 0 {
		return fmt.Errorf("must be a label value (empty, or at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit), found %q", s)
	}
	return nil
}

var (
	targetFields      = []string{"name", "podSelector", "namespaceSelector", "ddTraceVersions", "ddTraceConfigs"}
	selectorFields    = []string{"matchLabels", "matchExpressions"}
	nsSelectorFields  = []string{"matchNames", "matchLabels", "matchExpressions"}
	requirementFields = []string{"key", "operator", "values"}
	traceConfigFields = []string{"name", "value", "valueFrom"}
	// envVarSources are the fields of a Kubernetes EnvVarSource, in its order.
	envVarSources = []string{"fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef"}
)

// readTargets reads the targets list. An empty list is nil: no targets.
func readTargets(n *yaml.Node) ([]Target, problems) {
	var ps problems
	if n.Kind != yaml.SequenceNode {
		ps.add("", mustBe("a list of targets", n))
		return nil, ps
	}
	var ts []Target
	names := map[string]int{}
	for i, it := range n.Content {
		at := fmt.Sprintf("[%d]", i)
		t := readTarget(resolve(it), at, &ps)
		if t.Name != "" {
			if j, dup := names[t.Name]; dup {
				ps.addf(at+".name", "must not repeat the name of target %d (%q)", j, t.Name)
			} else {
				names[t.Name] = i
			}
		}
		ts = append(ts, t)
	}
	return ts, ps
}

func readTarget(n *yaml.Node, at string, ps *problems) Target {
	var t Target
	fs, ok := readFields(n, at, "a target", targetFields, ps)
	if !ok {
		return t
	}
	if v := fs["name"]; v == nil {
		ps.addf(at+".name", "must be set: every target has a name")
	} else if name, ok := readString(v, at+".name", ps); ok {
		if name == "" {
			ps.addf(at+".name", "must be set: every target has a name")
		}
		t.Name = name
	}
	if v := fs["podSelector"]; v != nil {
		if sf, ok := readFields(v, at+".podSelector", "a podSelector", selectorFields, ps); ok {
			s := readLabelSelector(sf, at+".podSelector", ps)
			if !s.empty() {
				t.PodSelector = &s
			}
		}
	}
	if v := fs["namespaceSelector"]; v != nil {
		t.NamespaceSelector = readNamespaceSelector(v, at+".namespaceSelector", ps)
	}
	if v := fs["ddTraceVersions"]; v != nil {
		t.DDTraceVersions = readTraceVersions(v, at+".ddTraceVersions", ps)
	}
	if v := fs["ddTraceConfigs"]; v != nil {
		t.DDTraceConfigs = readTraceConfigs(v, at+".ddTraceConfigs", ps)
	}
	return t
}

func (s *LabelSelector) empty() bool {
	return len(s.MatchLabels) == 0 && len(s.MatchExpressions) == 0
}

func readLabelSelector(fs map[string]*yaml.Node, at string, ps *problems) LabelSelector {
	var s LabelSelector
	if v := fs["matchLabels"]; v != nil {
		if labels, ok := readLabels(v, at+".matchLabels", ps); ok && len(labels) > 0 {
			s.MatchLabels = labels
		}
	}
	if v := fs["matchExpressions"]; v != nil {
		s.MatchExpressions = readRequirements(v, at+".matchExpressions", ps)
	}
	return s
}

func readNamespaceSelector(n *yaml.Node, at string, ps *problems) *NamespaceSelector {
	fs, ok := readFields(n, at, "a namespaceSelector", nsSelectorFields, ps)
	if !ok {
		return nil
	}
	var s NamespaceSelector
	if v := fs["matchNames"]; v != nil {
		if names := readStrings(v, at+".matchNames", dnsLabel, true, ps); len(names) > 0 {
			s.MatchNames = names
		}
	}
	s.LabelSelector = readLabelSelector(fs, at, ps)
	if len(s.MatchNames) > 0 && s.UsesLabels() {
		ps.addf(at, "must select namespaces by name (matchNames) or by label (matchLabels, matchExpressions), not both")
	}
	if len(s.MatchNames) == 0 && !s.UsesLabels() {
		return nil
	}
	return &s
}

// The operators of a LabelRequirement.
const (
	OperatorIn           = "In"
	OperatorNotIn        = "NotIn"
	OperatorExists       = "Exists"
	OperatorDoesNotExist = "DoesNotExist"
)

// Operators lists the operators of matchExpressions.
var Operators = []string{OperatorIn, OperatorNotIn, OperatorExists, OperatorDoesNotExist}

func readRequirements(n *yaml.Node, at string, ps *problems) []LabelRequirement {
	var rs []LabelRequirement
	readMaps(n, at, "a list of {key, operator, values} maps", "a matchExpressions item", requirementFields, ps, func(iat string, fs map[string]*yaml.Node) {
		var r LabelRequirement
		r.Key = requiredString(fs, "key", iat, labelKey, ps)
		opOK := false
		if v := fs["operator"]; v == nil {
			ps.addf(iat+".operator", "must be set: one of %s", strings.Join(Operators, ", "))
		} else if op, ok := readString(v, iat+".operator", ps); ok {
			if err := oneOf(Operators...)(op); err != nil {
				ps.add(iat+".operator", err)
			} else {
				opOK = true
			}
			r.Operator = op
		}
		given := 0 // the number of values written, valid or not
		if v := fs["values"]; v != nil {
			if v.Kind == yaml.SequenceNode {
				given = len(v.Content)
			}
			if vs := readStrings(v, iat+".values", labelValue, false, ps); len(vs) > 0 {
				r.Values = vs
			}
		}
		switch {
		case !opOK:
		case (r.Operator == OperatorIn || r.Operator == OperatorNotIn) && given == 0 && (fs["values"] == nil || fs["values"].Kind == yaml.SequenceNode):
			ps.addf(iat+".values", "must list at least one value with operator %s", r.Operator)
		case (r.Operator == OperatorExists || r.Operator == OperatorDoesNotExist) && given > 0:
			ps.addf(iat+".values", "must not be given with operator %s", r.Operator)
		}
		rs = append(rs, r)
	})
	return rs
}

// readMaps reads n, a list (what a list) of maps (what an item) with the known fields, and
// hands each item that reads to item, with its field path.
func readMaps(n *yaml.Node, at, list, what string, known []string, ps *problems, item func(iat string, fs map[string]*yaml.Node)) {
	if n.Kind != yaml.SequenceNode {
		ps.add(at, mustBe(list, n))
		return
	}
	for i, it := range n.Content {
		iat := fmt.Sprintf("%s[%d]", at, i)
		if fs, ok := readFields(resolve(it), iat, what, known, ps); ok {
			item(iat, fs)
		}
	}
}

// requiredString reads the string field key of an item, which must be set and pass check.
func requiredString(fs map[string]*yaml.Node, key, iat string, check func(string) error, ps *problems) string {
	v := fs[key]
	if v == nil {
		ps.addf(iat+"."+key, "must be set")
		return ""
	}
	s, ok := readString(v, iat+"."+key, ps)
	if !ok {
		return ""
	}
	if err := check(s); err != nil {
		ps.add(iat+"."+key, err)
	}
	return s
}

func readTraceVersions(n *yaml.Node, at string, ps *problems) map[string]string {
	pairs, ok := readMap(n, at, "a map of languages to image tags", ps)
	if !ok {
		return nil
	}
	vs := map[string]string{}
	for _, kv := range pairs {
		kat := at + "." + kv.key
		if !slices.Contains(Languages, kv.key) {
			ps.addf(kat, "is not a language%s: the languages are %s", didYouMean(kv.key, Languages), and(Languages))
			continue
		}
		tag, ok := readString(kv.value, kat, ps)
		if !ok {
			continue
		}
		if err := imageTag(tag); err != nil {
			ps.add(kat, err)
			continue
		}
		vs[kv.key] = tag
	}
	if len(vs) == 0 {
		return nil
	}
	return vs
}

func readTraceConfigs(n *yaml.Node, at string, ps *problems) []TraceConfig {
	var tcs []TraceConfig
	readMaps(n, at, "a list of {name, value} or {name, valueFrom} maps", "a ddTraceConfigs item", traceConfigFields, ps, func(iat string, fs map[string]*yaml.Node) {
		var tc TraceConfig
		tc.Name = requiredString(fs, "name", iat, traceConfigName, ps)
		if v := fs["value"]; v != nil {
			tc.Value, _ = readString(v, iat+".value", ps)
		}
		if v := fs["valueFrom"]; v != nil {
			if readEnvVarSource(v, iat+".valueFrom", ps) {
				tc.ValueFrom = plainCopy(v)
			}
		}
		if fs["value"] != nil && fs["valueFrom"] != nil {
			ps.addf(iat, "must give value or valueFrom, not both")
		}
		tcs = append(tcs, tc)
	})
	return tcs
}

func traceConfigName(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("must be set")
	case !strings.HasPrefix(s, "DD_") && !strings.HasPrefix(s, "OTEL_"):
		return fmt.Errorf("must start with DD_ or OTEL_, found %q", s)
	case len(validation.IsEnvVarName(s)) > 0:
		return fmt.Errorf("must be an environment variable name (letters, digits, '_', '-' and '.', not starting with a digit), found %q", s)
	}
	return nil
}

// envVarSourceFields are the fields of each source of a Kubernetes EnvVarSource, in its order,
// with the one Kubernetes requires first.
var envVarSourceFields = map[string][]string{
	"fieldRef":         {"fieldPath", "apiVersion"},
	"resourceFieldRef": {"resource", "containerName", "divisor"},
	"configMapKeyRef":  {"key", "name", "optional"},
	"secretKeyRef":     {"key", "name", "optional"},
}

// readEnvVarSource checks a valueFrom: a Kubernetes EnvVarSource, one source with its fields.
// Each field is a scalar, so the node stays small however many aliases it uses.
func readEnvVarSource(n *yaml.Node, at string, ps *problems) bool {
	what := "a map of one of " + strings.Join(envVarSources, ", ") + " (a Kubernetes EnvVarSource)"
	if n.Kind != yaml.MappingNode {
		ps.add(at, mustBe(what, n))
		return false
	}
	if len(n.Content) != 2 {
		ps.addf(at, "must be %s, found a map of %d keys", what, len(n.Content)/2)
		return false
	}
	source := n.Content[0].Value
	known, ok := envVarSourceFields[source]
	if !ok {
		ps.addf(at, "must be %s, found %q%s", what, source, didYouMean(source, envVarSources))
		return false
	}
	before := len(*ps)
	at += "." + source
	fs, ok := readFields(n.Content[1], at, "a "+source, known, ps)
	if !ok {
		return false
	}
	if fs[known[0]] == nil {
		ps.addf(at+"."+known[0], "must be set")
	}
	for _, k := range known {
		v := fs[k]
		switch {
		case v == nil:
		case k == "optional":
			if _, err := boolNode(v); err != nil {
				ps.add(at+"."+k, err)
			}
		case k == "divisor":
			if t := v.ShortTag(); v.Kind != yaml.ScalarNode || t != yaml.NodeTagString && t != yaml.NodeTagInt && t != yaml.NodeTagFloat {
				ps.add(at+"."+k, mustBe("a Kubernetes quantity such as 1Mi", v))
			}
		default:
			readString(v, at+"."+k, ps)
		}
	}
	return len(*ps) == before
}

// plainCopy copies n without its positions, comments, aliases and flow style: maps and lists in
// block style, strings quoted only where a YAML 1.1 reader would take them for another type. Both
// forms thus give the same node, written the same way.
func plainCopy(n *yaml.Node) *yaml.Node {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode {
		if n.ShortTag() == yaml.NodeTagString {
			return yamltree.Str(n.Value)
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: n.ShortTag(), Value: n.Value}
	}
	c := &yaml.Node{Kind: n.Kind, Tag: n.ShortTag()}
	for _, ch := range n.Content {
		c.Content = append(c.Content, plainCopy(ch))
	}
	return c
}
