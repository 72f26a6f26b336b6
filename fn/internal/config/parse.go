package config

import (
	"errors"
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// Error is a problem with one field of the functionConfig.
type Error struct {
	// Field is the field path as the user wrote it: "config.mode", or "data[config.mode]" in a
	// ConfigMap; "" for the functionConfig as a whole.
	Field   string
	Message string
}

// Parse reads the functionConfig (nil when the ResourceList has none) and returns the validated
// configuration, or every problem found in it. The configuration's Warnings list the settings of a
// drop-in form that inject-datadog does not follow.
func Parse(fc *yaml.Node) (*Config, []Error) {
	c := Default()
	if fc == nil || (fc.Kind == yaml.MappingNode && len(fc.Content) == 0) {
		return c, nil
	}
	apiVersion := scalar(yamltree.Get(fc, "apiVersion"))
	kind := scalar(yamltree.Get(fc, "kind"))
	var errs []Error
	switch {
	case apiVersion == APIVersion && kind == Kind:
		errs = fromObject(c, fc)
	case apiVersion == "v1" && kind == "ConfigMap":
		errs = fromConfigMap(c, fc)
	case apiVersion == OperatorAPIVersion && kind == OperatorKind:
		errs = fromDatadogAgent(c, fc)
	case isHelmValues(fc):
		errs = fromHelmValues(c, fc)
	default:
		return nil, []Error{{Message: fmt.Sprintf(
			"functionConfig must be apiVersion %s kind %s, or apiVersion v1 kind ConfigMap, or none; found apiVersion %q kind %q",
			APIVersion, Kind, apiVersion, kind)}}
	}
	errs = append(errs, validate(c)...)
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// objectMeta are the top-level keys of the object form that are not settings.
var objectMeta = map[string]bool{"apiVersion": true, "kind": true, "metadata": true}

func fromObject(c *Config, fc *yaml.Node) []Error {
	var errs []Error
	walk(c, fc, "", &errs)
	return errs
}

// eachKey calls each for the keys of the map m in written order, with the key's dotted path
// under prefix and its value (aliases resolved); a key given twice is an error instead.
func eachKey(m *yaml.Node, prefix string, errs *[]Error, each func(key, path string, v *yaml.Node)) {
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		key := m.Content[i].Value
		path := key
		if prefix != "" {
			path = prefix + "." + key
		}
		if seen[key] {
			*errs = append(*errs, Error{path, "must not be given twice"})
			continue
		}
		seen[key] = true
		each(key, path, resolve(m.Content[i+1]))
	}
}

func walk(c *Config, m *yaml.Node, prefix string, errs *[]Error) {
	eachKey(m, prefix, errs, func(key, path string, v *yaml.Node) {
		if prefix == "" && objectMeta[key] {
			return
		}
		isNull := v.Kind == yaml.ScalarNode && v.ShortTag() == yaml.NodeTagNull
		if f, ok := lookup(path); ok {
			if isNull {
				return // "key:" with no value keeps the default, as in the spec's sample
			}
			if err := f.node(c, v); err != nil {
				*errs = append(*errs, fieldErrors(path, err)...)
			}
			return
		}
		if isSection(path) {
			if isNull {
				return
			}
			if v.Kind != yaml.MappingNode {
				*errs = append(*errs, Error{path, mustBe("a map", v).Error()})
				return
			}
			walk(c, v, path, errs)
			return
		}
		*errs = append(*errs, Error{path, unknown(path, prefix == "" && key == "spec")})
	})
}

// subErrors are the problems of a field with structure (targets, namespaceLabels), each with its
// place inside the field ("[1].name", ".apps"), which fieldErrors appends to the field's path.
type subErrors []Error

func (e subErrors) Error() string {
	msgs := make([]string, len(e))
	for i, p := range e {
		msgs[i] = p.Field + ": " + p.Message
	}
	return strings.Join(msgs, "; ")
}

// fieldErrors places the error of the field at path: one Error, or one for each of its subErrors.
func fieldErrors(path string, err error) []Error {
	var sub subErrors
	if !errors.As(err, &sub) {
		return []Error{{path, err.Error()}}
	}
	out := make([]Error, len(sub))
	for i, e := range sub {
		out[i] = Error{path + e.Field, e.Message}
	}
	return out
}

func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func fromConfigMap(c *Config, fc *yaml.Node) []Error {
	data := yamltree.Get(fc, "data")
	if data == nil || (data.Kind == yaml.ScalarNode && data.ShortTag() == yaml.NodeTagNull) {
		return nil
	}
	if data.Kind != yaml.MappingNode {
		return []Error{{"data", mustBe("a map of dotted field paths to values", data).Error()}}
	}
	var errs []Error
	seen := map[string]bool{}
	for i := 0; i+1 < len(data.Content); i += 2 {
		key := data.Content[i].Value
		v := resolve(data.Content[i+1])
		where := "data[" + key + "]"
		if seen[key] {
			errs = append(errs, Error{where, "must not be given twice"})
			continue
		}
		seen[key] = true
		f, ok := lookup(key)
		if !ok {
			msg := unknown(key, false)
			if isSection(key) {
				msg = fmt.Sprintf("must name one field: ConfigMap keys are dotted paths such as %s", firstUnder(key))
			}
			errs = append(errs, Error{where, msg})
			continue
		}
		if v.Kind != yaml.ScalarNode {
			form := f.textForm
			if form == "" {
				form = "a string (lists are comma-separated)"
			}
			errs = append(errs, Error{where, mustBe(form, v).Error()})
			continue
		}
		// kpt tags ConfigMap values as strings, a hand-written ConfigMap may not: take the text.
		text := v.Value
		if v.ShortTag() == yaml.NodeTagNull {
			text = ""
		}
		if err := f.text(c, text); err != nil {
			errs = append(errs, fieldErrors(where, err)...)
		}
	}
	return errs
}

func firstUnder(section string) string {
	for _, p := range Paths() {
		if strings.HasPrefix(p, section+".") {
			return p
		}
	}
	return section
}

// unknown explains an unknown field and suggests the nearest known one.
func unknown(path string, isSpec bool) string {
	if isSpec {
		return fmt.Sprintf("is not a field of %s: its fields go at the top level, not under spec", Kind)
	}
	msg := fmt.Sprintf("is not a field of %s", Kind)
	best, bestD := "", 4
	for _, p := range append(Paths(), sections()...) {
		if d := distance(strings.ToLower(path), strings.ToLower(p)); d < bestD {
			best, bestD = p, d
		}
	}
	if best != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", best)
	}
	return msg
}

func sections() []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range Paths() {
		parts := strings.Split(p, ".")
		for i := 1; i < len(parts); i++ {
			s := strings.Join(parts[:i], ".")
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// distance is the Levenshtein distance, for "did you mean".
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// validate checks the rules that involve more than one field.
func validate(c *Config) []Error {
	var errs []Error
	if len(c.Selection.EnabledNamespaces) > 0 && len(c.Selection.DisabledNamespaces) > 0 {
		errs = append(errs, Error{"selection", "selection.enabledNamespaces and selection.disabledNamespaces must not both be set: list where to mutate, or where not to"})
	}
	// Datadog refuses these pairs too: with targets, each target's selectors choose the templates
	// and its ddTraceVersions the libraries.
	if len(c.Targets) > 0 && len(c.Selection.EnabledNamespaces) > 0 {
		errs = append(errs, Error{"targets", "targets and selection.enabledNamespaces must not both be set: with targets, namespaceSelector chooses the namespaces"})
	}
	if len(c.Targets) > 0 && len(c.Libraries.Inject) > 0 {
		errs = append(errs, Error{"targets", "targets and libraries.inject must not both be set: with targets, ddTraceVersions chooses the libraries"})
	}
	errs = append(errs, validateSidecar(c)...)
	errs = append(errs, validateCWS(c)...)
	return errs
}
