package config

import (
	"bytes"
	"reflect"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// yaml3String writes a node as the function writes YAML: block style, two-space indents.
func yaml3String(n *yaml.Node) (string, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return "", err
	}
	err := enc.Close()
	return b.String(), err
}

// The same targets and namespace labels in the object form and in a ConfigMap's JSON give the
// same Config, written out here.
func TestTargetsBothForms(t *testing.T) {
	object := `apiVersion: fn.kpt.dev/v1alpha1
kind: InjectDatadog
targets:
- name: Billing
  namespaceSelector: {matchNames: [billing, invoices]}
  ddTraceVersions: {java: v1.2.3}
- name: Team A
  podSelector:
    matchLabels: {app: web, tier: front}
    matchExpressions:
    - {key: track, operator: NotIn, values: [canary]}
    - {key: example.com/legacy, operator: DoesNotExist}
  namespaceSelector:
    matchLabels: {team: a}
    matchExpressions: [{key: env, operator: In, values: [prod, staging]}]
  ddTraceConfigs:
  - {name: DD_PROFILING_ENABLED, value: "true"}
  - name: DD_VERSION
    valueFrom: {fieldRef: {fieldPath: "metadata.labels['version']"}}
  - name: OTEL_SERVICE_NAME
    valueFrom:
      configMapKeyRef: {name: otel, key: service, optional: true}
- name: everything else
  podSelector: {matchExpressions: [{key: app, operator: Exists}]}
  namespaceSelector: {}
  ddTraceVersions: {python: v3, js: v5}
  ddTraceConfigs: []
namespaceLabels:
  apps: {team: a, env: prod}
  tools: {}
`
	configMap := `apiVersion: v1
kind: ConfigMap
data:
  targets: |
    [
      {"name": "Billing", "namespaceSelector": {"matchNames": ["billing", "invoices"]}, "ddTraceVersions": {"java": "v1.2.3"}},
      {"name": "Team A",
       "podSelector": {"matchLabels": {"app": "web", "tier": "front"},
         "matchExpressions": [{"key": "track", "operator": "NotIn", "values": ["canary"]},
                              {"key": "example.com/legacy", "operator": "DoesNotExist"}]},
       "namespaceSelector": {"matchLabels": {"team": "a"}, "matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "staging"]}]},
       "ddTraceConfigs": [{"name": "DD_PROFILING_ENABLED", "value": "true"},
                          {"name": "DD_VERSION", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['version']"}}},
                          {"name": "OTEL_SERVICE_NAME", "valueFrom": {"configMapKeyRef": {"name": "otel", "key": "service", "optional": true}}}]},
      {"name": "everything else", "podSelector": {"matchExpressions": [{"key": "app", "operator": "Exists"}]},
       "namespaceSelector": {}, "ddTraceVersions": {"python": "v3", "js": "v5"}, "ddTraceConfigs": []}
    ]
  namespaceLabels: '{"apps": {"team": "a", "env": "prod"}, "tools": {}}'
`
	want := specDefaults()
	want.Targets = []Target{
		{
			Name:              "Billing",
			NamespaceSelector: &NamespaceSelector{MatchNames: []string{"billing", "invoices"}},
			DDTraceVersions:   map[string]string{"java": "v1.2.3"},
		},
		{
			Name: "Team A",
			PodSelector: &LabelSelector{
				MatchLabels: map[string]string{"app": "web", "tier": "front"},
				MatchExpressions: []LabelRequirement{
					{Key: "track", Operator: "NotIn", Values: []string{"canary"}},
					{Key: "example.com/legacy", Operator: "DoesNotExist"},
				},
			},
			NamespaceSelector: &NamespaceSelector{LabelSelector: LabelSelector{
				MatchLabels:      map[string]string{"team": "a"},
				MatchExpressions: []LabelRequirement{{Key: "env", Operator: "In", Values: []string{"prod", "staging"}}},
			}},
			DDTraceConfigs: []TraceConfig{
				{Name: "DD_PROFILING_ENABLED", Value: "true"},
				{Name: "DD_VERSION", ValueFrom: yamltree.Map("fieldRef", yamltree.Map("fieldPath", "metadata.labels['version']"))},
				{Name: "OTEL_SERVICE_NAME", ValueFrom: yamltree.Map("configMapKeyRef", yamltree.Map("name", "otel", "key", "service", "optional", true))},
			},
		},
		{
			Name:            "everything else",
			PodSelector:     &LabelSelector{MatchExpressions: []LabelRequirement{{Key: "app", Operator: "Exists"}}},
			DDTraceVersions: map[string]string{"python": "v3", "js": "v5"},
		},
	}
	want.NamespaceLabels = map[string]map[string]string{"apps": {"team": "a", "env": "prod"}, "tools": {}}
	for name, text := range map[string]string{"object": object, "ConfigMap": configMap} {
		t.Run(name, func(t *testing.T) {
			got, errs := Parse(parseYAML(t, text))
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got\n %+v\nwant\n %+v", got.Targets, want.Targets)
			}
		})
	}
}

// A valueFrom is written as block YAML whatever its form: flow style and JSON's quotes are gone,
// strings that YAML 1.1 would read as another type stay quoted.
func TestValueFromIsBlockYAML(t *testing.T) {
	for name, text := range map[string]string{
		"object":    "apiVersion: fn.kpt.dev/v1alpha1\nkind: InjectDatadog\ntargets: [{name: a, ddTraceConfigs: [{name: DD_X, valueFrom: {secretKeyRef: {name: 'on', key: k, optional: false}}}]}]",
		"ConfigMap": "apiVersion: v1\nkind: ConfigMap\ndata:\n  targets: '[{\"name\": \"a\", \"ddTraceConfigs\": [{\"name\": \"DD_X\", \"valueFrom\": {\"secretKeyRef\": {\"name\": \"on\", \"key\": \"k\", \"optional\": false}}}]}]'",
	} {
		t.Run(name, func(t *testing.T) {
			c, errs := Parse(parseYAML(t, text))
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			out, err := yaml3String(c.Targets[0].DDTraceConfigs[0].ValueFrom)
			if err != nil {
				t.Fatal(err)
			}
			if want := "secretKeyRef:\n  name: \"on\"\n  key: k\n  optional: false\n"; out != want {
				t.Errorf("got\n%s\nwant\n%s", out, want)
			}
		})
	}
}

// Empty things mean not set: no targets, selectors that match all, no labels.
func TestTargetsEmpty(t *testing.T) {
	obj := "apiVersion: fn.kpt.dev/v1alpha1\nkind: InjectDatadog\n"
	cm := "apiVersion: v1\nkind: ConfigMap\ndata:\n"
	for _, text := range []string{
		obj + "targets: []\nnamespaceLabels: {}",
		obj + "targets:\nnamespaceLabels:",
		cm + "  targets: ''\n  namespaceLabels: ''",
		cm + "  targets: '[]'\n  namespaceLabels: '{}'",
		cm + "  targets: 'null'\n  namespaceLabels: ' null '",
	} {
		c, errs := Parse(parseYAML(t, text))
		if len(errs) > 0 || c.Targets != nil || c.NamespaceLabels != nil {
			t.Errorf("%s: errors %v, targets %v, namespaceLabels %v", text, errs, c.Targets, c.NamespaceLabels)
		}
	}
	c, errs := Parse(parseYAML(t, obj+`targets:
- name: a
  podSelector: {matchLabels: {}, matchExpressions: []}
  namespaceSelector: {matchNames: [], matchLabels: null}
  ddTraceVersions: {}
  ddTraceConfigs: null
- {name: b, podSelector: null, namespaceSelector: {matchLabels: {}}}
`))
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if want := []Target{{Name: "a"}, {Name: "b"}}; !reflect.DeepEqual(c.Targets, want) {
		t.Errorf("got %+v, want %+v", c.Targets, want)
	}
}

func TestTargetErrors(t *testing.T) {
	obj := "apiVersion: fn.kpt.dev/v1alpha1\nkind: InjectDatadog\n"
	cm := "apiVersion: v1\nkind: ConfigMap\ndata:\n"
	const (
		label   = `must be a label key (a name of at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, after an optional DNS subdomain and '/'), found `
		lvalue  = `must be a label value (empty, or at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit), found `
		dns     = `must be a DNS label (at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit), found `
		tag     = `must be an image tag (letters, digits, _ . -, at most 128, not starting with . or -), found `
		target  = `the fields are name, podSelector, namespaceSelector, ddTraceVersions and ddTraceConfigs`
		envFrom = `must be a map of one of fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef (a Kubernetes EnvVarSource)`
	)
	tests := []struct {
		name, config string
		want         []string // "field: message" of each error, in order
	}{
		// Datadog's rules.
		{"with enabledNamespaces", obj + "selection: {enabledNamespaces: [a]}\ntargets: [{name: t}]",
			[]string{"targets: targets and selection.enabledNamespaces must not both be set: with targets, namespaceSelector chooses the namespaces"}},
		{"with libraries.inject", cm + "  libraries.inject: java\n  targets: '[{\"name\": \"t\"}]'",
			[]string{"targets: targets and libraries.inject must not both be set: with targets, ddTraceVersions chooses the libraries"}},
		{"names and labels", obj + "targets: [{name: t, namespaceSelector: {matchNames: [a], matchExpressions: [{key: k, operator: Exists}]}}]",
			[]string{"targets[0].namespaceSelector: must select namespaces by name (matchNames) or by label (matchLabels, matchExpressions), not both"}},
		{"names and labels in a ConfigMap", cm + `  targets: '[{"name": "t"}, {"name": "u", "namespaceSelector": {"matchNames": ["a"], "matchLabels": {"k": "v"}}}]'`,
			[]string{"data[targets][1].namespaceSelector: must select namespaces by name (matchNames) or by label (matchLabels, matchExpressions), not both"}},
		{"config name prefix", obj + "targets: [{name: t, ddTraceConfigs: [{name: DD_A, value: x}, {name: JAVA_OPTS, value: y}]}]",
			[]string{`targets[0].ddTraceConfigs[1].name: must start with DD_ or OTEL_, found "JAVA_OPTS"`}},
		{"config name grammar", obj + "targets: [{name: t, ddTraceConfigs: [{name: 'DD_A B', value: x}, {name: OTEL_X=1}]}]", []string{
			`targets[0].ddTraceConfigs[0].name: must be an environment variable name (letters, digits, '_', '-' and '.', not starting with a digit), found "DD_A B"`,
			`targets[0].ddTraceConfigs[1].name: must be an environment variable name (letters, digits, '_', '-' and '.', not starting with a digit), found "OTEL_X=1"`,
		}},
		{"config name empty or missing", obj + "targets: [{name: t, ddTraceConfigs: [{name: '', value: x}, {value: y}]}]", []string{
			"targets[0].ddTraceConfigs[0].name: must be set",
			"targets[0].ddTraceConfigs[1].name: must be set",
		}},
		{"unknown operator", obj + "targets: [{name: t, podSelector: {matchExpressions: [{key: k, operator: in, values: [a]}]}}]",
			[]string{`targets[0].podSelector.matchExpressions[0].operator: must be one of In, NotIn, Exists, DoesNotExist, found "in"`}},
		{"missing operator and key", obj + "targets: [{name: t, podSelector: {matchExpressions: [{values: [a]}]}}]", []string{
			"targets[0].podSelector.matchExpressions[0].key: must be set",
			"targets[0].podSelector.matchExpressions[0].operator: must be set: one of In, NotIn, Exists, DoesNotExist",
		}},
		{"values with Exists", obj + "targets: [{name: t, namespaceSelector: {matchExpressions: [{key: k, operator: Exists, values: [a]}, {key: k, operator: DoesNotExist, values: []}, {key: j, operator: DoesNotExist, values: [b]}]}}]", []string{
			"targets[0].namespaceSelector.matchExpressions[0].values: must not be given with operator Exists",
			"targets[0].namespaceSelector.matchExpressions[2].values: must not be given with operator DoesNotExist",
		}},
		{"no values with In", obj + "targets: [{name: t, podSelector: {matchExpressions: [{key: k, operator: In}, {key: k, operator: NotIn, values: []}, {key: k, operator: In, values: null}]}}]", []string{
			"targets[0].podSelector.matchExpressions[0].values: must list at least one value with operator In",
			"targets[0].podSelector.matchExpressions[1].values: must list at least one value with operator NotIn",
			"targets[0].podSelector.matchExpressions[2].values: must list at least one value with operator In",
		}},
		{"unknown language", obj + "targets: [{name: t, ddTraceVersions: {rubi: v2, go: v1, java: v1}}]", []string{
			"targets[0].ddTraceVersions.rubi: is not a language (did you mean ruby?): the languages are java, js, python, dotnet, ruby and php",
			"targets[0].ddTraceVersions.go: is not a language (did you mean js?): the languages are java, js, python, dotnet, ruby and php",
		}},
		{"invalid tag", cm + `  targets: '[{"name": "t", "ddTraceVersions": {"python": "-v3"}}]'`,
			[]string{`data[targets][0].ddTraceVersions.python: ` + tag + `"-v3"`}},
		{"tag as a number", obj + "targets: [{name: t, ddTraceVersions: {python: 3}}]",
			[]string{"targets[0].ddTraceVersions.python: must be a string, found a number (3); quote it"}},
		{"no name", obj + "targets: [{ddTraceVersions: {java: v1}}, {name: ''}, {name: 7}]", []string{
			"targets[0].name: must be set: every target has a name",
			"targets[1].name: must be set: every target has a name",
			"targets[2].name: must be a string, found a number (7); quote it",
		}},
		{"same name", obj + "targets: [{name: a}, {name: b}, {name: a}, {name: a}]", []string{
			`targets[2].name: must not repeat the name of target 0 ("a")`,
			`targets[3].name: must not repeat the name of target 0 ("a")`,
		}},
		{"unknown fields", obj + "targets: [{name: t, podSelctor: {}, namespaceSelector: {matchName: [a]}, ddTraceConfigs: [{name: DD_A, valeu: x}]}]", []string{
			"targets[0].podSelctor: is not a field of a target (did you mean podSelector?): " + target,
			"targets[0].namespaceSelector.matchName: is not a field of a namespaceSelector (did you mean matchNames?): the fields are matchNames, matchLabels and matchExpressions",
			"targets[0].ddTraceConfigs[0].valeu: is not a field of a ddTraceConfigs item (did you mean value?): the fields are name, value and valueFrom",
		}},
		{"unknown selector fields", obj + "targets: [{name: t, podSelector: {matchNames: [a], labels: {}}}, {name: u, podSelector: {matchExpressions: [{key: k, operator: Exists, value: x}]}}]", []string{
			"targets[0].podSelector.matchNames: is not a field of a podSelector (did you mean matchLabels?): the fields are matchLabels and matchExpressions",
			"targets[0].podSelector.labels: is not a field of a podSelector: the fields are matchLabels and matchExpressions",
			"targets[1].podSelector.matchExpressions[0].value: is not a field of a matchExpressions item (did you mean values?): the fields are key, operator and values",
		}},
		{"repeated key", obj + "targets: [{name: t, name: u}]", []string{`targets[0]: key "name" must not be given twice`}},
		// Types.
		{"targets not a list", obj + "targets: {name: t}", []string{"targets: must be a list of targets, found a map"}},
		{"target not a map", obj + "targets: [t]", []string{`targets[0]: must be a map, found a string ("t")`}},
		{"ConfigMap not JSON", cm + "  targets: '[{\"name\": x}]'",
			[]string{`data[targets]: must be JSON such as [{"name": "apps", "namespaceSelector": {"matchNames": ["apps"]}}], found invalid JSON (invalid character 'x' looking for beginning of value)`}},
		{"ConfigMap YAML list", cm + "  targets:\n  - {name: t}",
			[]string{`data[targets]: must be a string of JSON such as [{"name": "apps", "namespaceSelector": {"matchNames": ["apps"]}}], found a list`}},
		{"ConfigMap JSON object", cm + `  targets: '{"name": "t"}'`, []string{"data[targets]: must be a list of targets, found a map"}},
		{"selector types", obj + "targets: [{name: t, podSelector: [a], namespaceSelector: {matchNames: a, matchLabels: [b]}}]", []string{
			"targets[0].podSelector: must be a map, found a list",
			`targets[0].namespaceSelector.matchNames: must be a list of strings, found a string ("a")`,
			"targets[0].namespaceSelector.matchLabels: must be a map of label keys to values, found a list",
		}},
		{"expression types", obj + "targets: [{name: t, podSelector: {matchExpressions: {key: k}}}, {name: u, podSelector: {matchExpressions: [{key: 1, operator: In, values: [1, a b]}]}}]", []string{
			"targets[0].podSelector.matchExpressions: must be a list of {key, operator, values} maps, found a map",
			"targets[1].podSelector.matchExpressions[0].key: must be a string, found a number (1); quote it",
			"targets[1].podSelector.matchExpressions[0].values: item 0 must be a string, found a number",
			`targets[1].podSelector.matchExpressions[0].values: item 1 ("a b") ` + lvalue + `"a b"`,
		}},
		{"label checks", obj + "targets: [{name: t, podSelector: {matchLabels: {'a b': x, team: 'x y', n: 1}, matchExpressions: [{key: '-k', operator: Exists}]}, namespaceSelector: {matchNames: [Apps, a, a]}}]", []string{
			`targets[0].podSelector.matchLabels: key "a b" ` + label + `"a b"`,
			`targets[0].podSelector.matchLabels: value of "team" ` + lvalue + `"x y"`,
			`targets[0].podSelector.matchLabels: value of "n" must be a string, found a number (1); quote it`,
			`targets[0].podSelector.matchExpressions[0].key: ` + label + `"-k"`,
			`targets[0].namespaceSelector.matchNames: item 0 ("Apps") ` + dns + `"Apps"`,
			`targets[0].namespaceSelector.matchNames: item 2 ("a") must not repeat an earlier item`,
		}},
		{"trace versions type", obj + "targets: [{name: t, ddTraceVersions: [java]}]",
			[]string{"targets[0].ddTraceVersions: must be a map of languages to image tags, found a list"}},
		{"trace config types", obj + "targets: [{name: t, ddTraceConfigs: {name: DD_A}}, {name: u, ddTraceConfigs: [DD_A, {name: DD_B, value: true}, {name: DD_C, value: '1', valueFrom: {fieldRef: {fieldPath: x}}}]}]", []string{
			"targets[0].ddTraceConfigs: must be a list of {name, value} or {name, valueFrom} maps, found a map",
			`targets[1].ddTraceConfigs[0]: must be a map, found a string ("DD_A")`,
			"targets[1].ddTraceConfigs[1].value: must be a string, found a bool (true); quote it",
			"targets[1].ddTraceConfigs[2]: must give value or valueFrom, not both",
		}},
		{"valueFrom", obj + "targets: [{name: t, ddTraceConfigs: [{name: DD_A, valueFrom: x}, {name: DD_B, valueFrom: {}}, {name: DD_C, valueFrom: {fieldRef: {fieldPath: x}, secretKeyRef: {name: s, key: k}}}, {name: DD_D, valueFrom: {feildRef: {fieldPath: x}}}, {name: DD_E, valueFrom: {fieldRef: metadata.name}}]}]", []string{
			`targets[0].ddTraceConfigs[0].valueFrom: ` + envFrom + `, found a string ("x")`,
			`targets[0].ddTraceConfigs[1].valueFrom: ` + envFrom + `, found a map of 0 keys`,
			`targets[0].ddTraceConfigs[2].valueFrom: ` + envFrom + `, found a map of 2 keys`,
			`targets[0].ddTraceConfigs[3].valueFrom: ` + envFrom + `, found "feildRef" (did you mean fieldRef?)`,
			`targets[0].ddTraceConfigs[4].valueFrom.fieldRef: must be a map, found a string ("metadata.name")`,
		}},
		{"valueFrom fields", obj + "targets: [{name: t, ddTraceConfigs: [{name: DD_A, valueFrom: {fieldRef: {fieldpath: x}}}, {name: DD_B, valueFrom: {secretKeyRef: {name: s, key: 1, optional: 'yes'}}}, {name: DD_C, valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: [1]}}}, {name: DD_D, valueFrom: {configMapKeyRef: {}}}]}]", []string{
			"targets[0].ddTraceConfigs[0].valueFrom.fieldRef.fieldpath: is not a field of a fieldRef (did you mean fieldPath?): the fields are fieldPath and apiVersion",
			"targets[0].ddTraceConfigs[0].valueFrom.fieldRef.fieldPath: must be set",
			"targets[0].ddTraceConfigs[1].valueFrom.secretKeyRef.key: must be a string, found a number (1); quote it",
			`targets[0].ddTraceConfigs[1].valueFrom.secretKeyRef.optional: must be a bool (true or false, unquoted), found a string ("yes")`,
			"targets[0].ddTraceConfigs[2].valueFrom.resourceFieldRef.divisor: must be a Kubernetes quantity such as 1Mi, found a list",
			"targets[0].ddTraceConfigs[3].valueFrom.configMapKeyRef.key: must be set",
		}},
		// namespaceLabels.
		{"namespace name", obj + "namespaceLabels: {Apps: {team: a}, tools: {team: b}}", []string{`namespaceLabels: key "Apps" ` + dns + `"Apps"`}},
		{"namespace labels", obj + "namespaceLabels: {apps: {'a/b/c': x, team: 'a&b', on: true}}", []string{
			`namespaceLabels.apps: key "a/b/c" ` + label + `"a/b/c"`,
			`namespaceLabels.apps: value of "team" ` + lvalue + `"a&b"`,
			`namespaceLabels.apps: value of "on" must be a string, found a bool (true); quote it`,
		}},
		{"namespace labels types", obj + "namespaceLabels: {apps: [a], tools: x}", []string{
			"namespaceLabels.apps: must be a map of label keys to values, found a list",
			`namespaceLabels.tools: must be a map of label keys to values, found a string ("x")`,
		}},
		{"namespaceLabels not a map", obj + "namespaceLabels: [apps]", []string{"namespaceLabels: must be a map of namespaces to their labels, found a list"}},
		{"namespaceLabels in a ConfigMap", cm + `  namespaceLabels: '{"apps": {"team": 1}, "apps": {}}'`, []string{
			`data[namespaceLabels]: key "apps" must not be given twice`,
			`data[namespaceLabels].apps: value of "team" must be a string, found a number (1); quote it`,
		}},
		{"namespaceLabels not JSON", cm + `  namespaceLabels: 'apps: {team: a}'`,
			[]string{`data[namespaceLabels]: must be JSON such as {"apps": {"team": "a"}}, found invalid JSON (invalid character 'a' looking for beginning of value)`}},
		{"every error reported", obj + "selection: {enabledNamespaces: [a]}\nlibraries: {inject: [java]}\ntargets: [{name: t, ddTraceVersions: {rust: v1}}, {name: t}]\nnamespaceLabels: {A: {}}", []string{
			"targets[0].ddTraceVersions.rust: is not a language (did you mean ruby?): the languages are java, js, python, dotnet, ruby and php",
			`targets[1].name: must not repeat the name of target 0 ("t")`,
			`namespaceLabels: key "A" ` + dns + `"A"`,
			"targets: targets and selection.enabledNamespaces must not both be set: with targets, namespaceSelector chooses the namespaces",
			"targets: targets and libraries.inject must not both be set: with targets, ddTraceVersions chooses the libraries",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkParseErrors(t, tt.config, tt.want) })
	}
}

func TestLabelSelectorMatches(t *testing.T) {
	labels := map[string]string{"app": "web", "tier": "front", "empty": ""}
	req := func(key, op string, values ...string) LabelRequirement {
		return LabelRequirement{Key: key, Operator: op, Values: values}
	}
	tests := []struct {
		name   string
		sel    *LabelSelector
		labels map[string]string
		want   bool
	}{
		{"nil", nil, labels, true},
		{"nil, no labels", nil, nil, true},
		{"empty", &LabelSelector{}, labels, true},
		{"empty, no labels", &LabelSelector{}, nil, true},
		{"matchLabels", &LabelSelector{MatchLabels: map[string]string{"app": "web", "tier": "front"}}, labels, true},
		{"matchLabels, other value", &LabelSelector{MatchLabels: map[string]string{"app": "api"}}, labels, false},
		{"matchLabels, one of two", &LabelSelector{MatchLabels: map[string]string{"app": "web", "tier": "back"}}, labels, false},
		{"matchLabels, absent key", &LabelSelector{MatchLabels: map[string]string{"team": ""}}, labels, false},
		{"matchLabels, empty value", &LabelSelector{MatchLabels: map[string]string{"empty": ""}}, labels, true},
		{"matchLabels, no labels", &LabelSelector{MatchLabels: map[string]string{"app": "web"}}, nil, false},
		{"In", &LabelSelector{MatchExpressions: []LabelRequirement{req("app", "In", "api", "web")}}, labels, true},
		{"In, other value", &LabelSelector{MatchExpressions: []LabelRequirement{req("app", "In", "api")}}, labels, false},
		{"In, absent key", &LabelSelector{MatchExpressions: []LabelRequirement{req("team", "In", "a")}}, labels, false},
		{"In, empty value", &LabelSelector{MatchExpressions: []LabelRequirement{req("empty", "In", "")}}, labels, true},
		{"NotIn", &LabelSelector{MatchExpressions: []LabelRequirement{req("app", "NotIn", "api")}}, labels, true},
		{"NotIn, listed", &LabelSelector{MatchExpressions: []LabelRequirement{req("app", "NotIn", "api", "web")}}, labels, false},
		{"NotIn, absent key", &LabelSelector{MatchExpressions: []LabelRequirement{req("team", "NotIn", "a")}}, labels, true},
		{"Exists", &LabelSelector{MatchExpressions: []LabelRequirement{req("empty", "Exists")}}, labels, true},
		{"Exists, absent", &LabelSelector{MatchExpressions: []LabelRequirement{req("team", "Exists")}}, labels, false},
		{"DoesNotExist", &LabelSelector{MatchExpressions: []LabelRequirement{req("team", "DoesNotExist")}}, labels, true},
		{"DoesNotExist, present", &LabelSelector{MatchExpressions: []LabelRequirement{req("app", "DoesNotExist")}}, labels, false},
		{"unknown operator", &LabelSelector{MatchExpressions: []LabelRequirement{req("app", "in", "web")}}, labels, false},
		{"labels and expressions", &LabelSelector{
			MatchLabels:      map[string]string{"app": "web"},
			MatchExpressions: []LabelRequirement{req("tier", "In", "front"), req("team", "DoesNotExist")},
		}, labels, true},
		{"labels and a failing expression", &LabelSelector{
			MatchLabels:      map[string]string{"app": "web"},
			MatchExpressions: []LabelRequirement{req("tier", "In", "front"), req("app", "NotIn", "web")},
		}, labels, false},
	}
	for _, tt := range tests {
		if got := tt.sel.Matches(tt.labels); got != tt.want {
			t.Errorf("%s: Matches(%v) = %v, want %v", tt.name, tt.labels, got, tt.want)
		}
	}
}

func TestNamespaceSelector(t *testing.T) {
	tests := []struct {
		name       string
		sel        *NamespaceSelector
		ns         string
		usesLabels bool
		matchName  bool
	}{
		{"nil", nil, "apps", false, true},
		{"empty", &NamespaceSelector{}, "apps", false, true},
		{"named", &NamespaceSelector{MatchNames: []string{"apps", "web"}}, "web", false, true},
		{"not named", &NamespaceSelector{MatchNames: []string{"apps"}}, "web", false, false},
		{"matchLabels", &NamespaceSelector{LabelSelector: LabelSelector{MatchLabels: map[string]string{"team": "a"}}}, "web", true, true},
		{"matchExpressions", &NamespaceSelector{LabelSelector: LabelSelector{MatchExpressions: []LabelRequirement{{Key: "team", Operator: "Exists"}}}}, "web", true, true},
		{"empty labels", &NamespaceSelector{LabelSelector: LabelSelector{MatchLabels: map[string]string{}}}, "web", false, true},
	}
	for _, tt := range tests {
		if got := tt.sel.UsesLabels(); got != tt.usesLabels {
			t.Errorf("%s: UsesLabels() = %v, want %v", tt.name, got, tt.usesLabels)
		}
		if got := tt.sel.MatchesName(tt.ns); got != tt.matchName {
			t.Errorf("%s: MatchesName(%q) = %v, want %v", tt.name, tt.ns, got, tt.matchName)
		}
	}
}

func TestTargetJSON(t *testing.T) {
	tests := []struct {
		name   string
		target Target
		want   string
	}{
		{
			// Datadog's TestMutatePod (target_mutator_test.go).
			"Datadog's example",
			Target{
				Name:              "Application Namespace",
				NamespaceSelector: &NamespaceSelector{MatchNames: []string{"application"}},
				DDTraceVersions:   map[string]string{"python": "v3"},
				DDTraceConfigs:    []TraceConfig{{Name: "DD_PROFILING_ENABLED", Value: "true"}, {Name: "DD_DATA_JOBS_ENABLED", Value: "true"}},
			},
			`{"name":"Application Namespace","namespaceSelector":{"matchNames":["application"]},"ddTraceVersions":{"python":"v3"},"ddTraceConfigs":[{"name":"DD_PROFILING_ENABLED","value":"true"},{"name":"DD_DATA_JOBS_ENABLED","value":"true"}]}`,
		},
		{"name only", Target{Name: "all"}, `{"name":"all"}`},
		{
			"empty selectors and maps left out",
			Target{Name: "all", PodSelector: &LabelSelector{MatchLabels: map[string]string{}}, NamespaceSelector: &NamespaceSelector{}, DDTraceVersions: map[string]string{}, DDTraceConfigs: []TraceConfig{}},
			`{"name":"all"}`,
		},
		{
			"every field, map keys sorted, no HTML escaping",
			Target{
				Name: "<a & b>",
				PodSelector: &LabelSelector{
					MatchLabels:      map[string]string{"tier": "front", "app": "web"},
					MatchExpressions: []LabelRequirement{{Key: "track", Operator: "NotIn", Values: []string{"canary", "beta"}}, {Key: "legacy", Operator: "DoesNotExist"}},
				},
				NamespaceSelector: &NamespaceSelector{LabelSelector: LabelSelector{
					MatchLabels:      map[string]string{"team": "a"},
					MatchExpressions: []LabelRequirement{{Key: "env", Operator: "In", Values: []string{"prod"}}},
				}},
				DDTraceVersions: map[string]string{"python": "v3", "java": "v1", "js": "v5"},
				DDTraceConfigs: []TraceConfig{
					{Name: "DD_EMPTY"},
					{Name: "DD_TAGS", Value: "a:<b>&c"},
					{Name: "OTEL_SERVICE_NAME", ValueFrom: yamltree.Map("configMapKeyRef", yamltree.Map("name", "otel", "key", "service", "optional", true))},
				},
			},
			`{"name":"<a & b>","podSelector":{"matchLabels":{"app":"web","tier":"front"},"matchExpressions":[{"key":"track","operator":"NotIn","values":["canary","beta"]},{"key":"legacy","operator":"DoesNotExist"}]},` +
				`"namespaceSelector":{"matchLabels":{"team":"a"},"matchExpressions":[{"key":"env","operator":"In","values":["prod"]}]},` +
				`"ddTraceVersions":{"java":"v1","js":"v5","python":"v3"},` +
				`"ddTraceConfigs":[{"name":"DD_EMPTY"},{"name":"DD_TAGS","value":"a:<b>&c"},{"name":"OTEL_SERVICE_NAME","valueFrom":{"configMapKeyRef":{"key":"service","name":"otel","optional":true}}}]}`,
		},
	}
	for _, tt := range tests {
		for i := 0; i < 3; i++ { // the same bytes every time, whatever the maps' order
			if got := tt.target.JSON(); got != tt.want {
				t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
				break
			}
		}
	}
}

// The JSON of a parsed valueFrom follows the YAML's types: strings, numbers and bools as JSON's.
func TestTargetJSONValueFromTypes(t *testing.T) {
	c, errs := Parse(parseYAML(t, `apiVersion: fn.kpt.dev/v1alpha1
kind: InjectDatadog
targets:
- name: t
  ddTraceConfigs:
  - name: DD_MEM
    valueFrom:
      resourceFieldRef: {containerName: "1", resource: limits.memory, divisor: 1.5}
  - name: DD_KEY
    valueFrom:
      secretKeyRef: {name: "null", key: k, optional: true}
  - name: DD_CPU
    valueFrom:
      resourceFieldRef: {resource: limits.cpu, divisor: 1}
`))
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	want := `{"name":"t","ddTraceConfigs":[` +
		`{"name":"DD_MEM","valueFrom":{"resourceFieldRef":{"containerName":"1","divisor":1.5,"resource":"limits.memory"}}},` +
		`{"name":"DD_KEY","valueFrom":{"secretKeyRef":{"key":"k","name":"null","optional":true}}},` +
		`{"name":"DD_CPU","valueFrom":{"resourceFieldRef":{"divisor":1,"resource":"limits.cpu"}}}]}`
	if got := c.Targets[0].JSON(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
