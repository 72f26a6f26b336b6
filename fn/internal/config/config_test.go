package config

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

func parseYAML(t *testing.T, s string) *yaml.Node {
	t.Helper()
	var d yaml.Node
	if err := yaml.Unmarshal([]byte(s), &d); err != nil {
		t.Fatal(err)
	}
	return d.Content[0]
}

// specDefaults are the defaults of docs/configuration.md "Configuration reference", written out here rather than taken from Default().
func specDefaults() *Config {
	return &Config{
		AgentNamespace: "datadog",
		Mode:           RunRender,
		Selection:      Selection{},
		Tags:           Tags{Enabled: true},
		Agent: Agent{
			Enabled:           true,
			Mode:              "hostip",
			OriginDetection:   true,
			ServiceName:       "datadog",
			SocketPath:        "/var/run/datadog",
			TraceAgentSocket:  "unix:///var/run/datadog/apm.socket",
			DogstatsdSocket:   "unix:///var/run/datadog/dsd.socket",
			TypeSocketVolumes: false,
		},
		Libraries: Libraries{
			Method:            "language-env",
			Registry:          "gcr.io/datadoghq",
			InjectorVersion:   "0",
			Versions:          map[string]string{"java": "v1", "js": "v5", "python": "v3", "dotnet": "v3", "ruby": "v2", "php": "v1"},
			ExcludeContainers: []string{"istio-proxy"},
		},
		AgentSidecar: AgentSidecar{
			ImageName:    "agent",
			ImageTag:     "7",
			ClusterAgent: SidecarClusterAgent{Enabled: true, ServiceName: "datadog-cluster-agent", Port: 5005},
			Site:         "datadoghq.com",
		},
		CWS: CWS{Mode: "remote_copy", ImageName: "cws-instrumentation", ImageTag: "latest"},
	}
}

func TestDefaultIsTheSpecDefaults(t *testing.T) {
	if !reflect.DeepEqual(Default(), specDefaults()) {
		t.Errorf("Default() differs from the specification's defaults:\n got %+v\nwant %+v", Default(), specDefaults())
	}
}

// TestSamples checks what each sample means: the config it parses to, written out here.
func TestSamples(t *testing.T) {
	widget := []TemplatePath{{Group: "example.com", Kind: "Widget", Path: []string{"spec", "podTemplate"}}}
	want := map[string]func(c *Config){
		"defaults.yaml": func(c *Config) {},
		"configmap.yaml": func(c *Config) {
			c.Tags.Env = "prod"
			c.Agent.Mode = "socket"
			c.Selection.EnabledNamespaces = []string{"shop", "payments"}
			c.PodTemplatePaths = widget
		},
		"ci-check.yaml": func(c *Config) {
			c.Mode = RunCheck
			c.Report = Report{Workloads: true, Images: true}
			c.Libraries.ImageOverrides = map[string]string{
				"gcr.io/datadoghq/dd-lib-python-init": "registry.example.com/dd/dd-lib-python-init",
			}
		},
		"custom-kinds.yaml": func(c *Config) { c.PodTemplatePaths = widget },
		"mutate-unlabelled.yaml": func(c *Config) {
			c.AgentNamespace = "monitoring"
			c.Selection.MutateUnlabelled = true
			c.Selection.DisabledNamespaces = []string{"batch-legacy"}
			c.Agent.Mode = "service"
			c.Agent.ServiceName = "datadog-agent"
		},
		"targets.yaml": func(c *Config) {
			c.Targets = []Target{
				{
					Name:              "payments",
					NamespaceSelector: &NamespaceSelector{MatchNames: []string{"payments", "payments-batch"}},
					DDTraceVersions:   map[string]string{"java": "v1.45.0"},
				},
				{
					Name: "team-a production",
					NamespaceSelector: &NamespaceSelector{LabelSelector: LabelSelector{
						MatchLabels:      map[string]string{"team": "a"},
						MatchExpressions: []LabelRequirement{{Key: "env", Operator: "In", Values: []string{"prod"}}},
					}},
					DDTraceConfigs: []TraceConfig{
						{Name: "DD_PROFILING_ENABLED", Value: "true"},
						{Name: "DD_VERSION", ValueFrom: yamltree.Map("fieldRef", yamltree.Map("fieldPath", "metadata.labels['app.kubernetes.io/version']"))},
					},
				},
				{
					Name: "opted in",
					PodSelector: &LabelSelector{
						MatchLabels:      map[string]string{"apm.example.com/instrument": "true"},
						MatchExpressions: []LabelRequirement{{Key: "track", Operator: "NotIn", Values: []string{"canary"}}},
					},
					DDTraceVersions: map[string]string{"python": "v3", "js": "v5"},
				},
			}
			c.NamespaceLabels = map[string]map[string]string{
				"shop":         {"team": "a", "env": "prod"},
				"shop-staging": {"team": "a", "env": "staging"},
			}
		},
		"helm-values.yaml": func(c *Config) {
			c.Agent.Mode = "socket"
			c.Selection.EnabledNamespaces = []string{"shop", "payments"}
			c.Libraries.Method = "apm-inject"
			c.Libraries.Registry = "registry.example.com/datadog"
			c.Libraries.Versions["java"] = "v1.45.0"
			c.Libraries.Versions["python"] = "v3.1.0"
			c.Libraries.Inject = []string{"java", "python"}
			iast := true
			c.Libraries.IAST = &iast
			c.Warnings = []Error{{"datadog.apiKeyExistingSecret", "has no render-time meaning: inject-datadog ignores it"}}
		},
		"datadogagent.yaml": func(c *Config) {
			c.Agent.ServiceName = "datadog-agent"
			c.Selection.DisabledNamespaces = []string{"batch-legacy"}
			c.Libraries.Method = "apm-inject"
			c.Libraries.Registry = "registry.example.com/datadog"
			c.Libraries.InjectorVersion = "0.35.0"
			c.Targets = []Target{
				{Name: "payments", NamespaceSelector: &NamespaceSelector{MatchNames: []string{"payments"}}, DDTraceVersions: map[string]string{"java": "v1.45.0"}},
				{Name: "everything else"},
			}
		},
		"socket.yaml": func(c *Config) {
			c.Tags.Env = "production"
			c.Agent.Mode = "socket"
		},
	}
	samples, _ := filepath.Glob("../../../config/samples/*.yaml")
	if len(samples) == 0 {
		t.Fatal("no samples found in config/samples")
	}
	seen := map[string]bool{}
	for _, s := range samples {
		name := filepath.Base(s)
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			change, ok := want[name]
			if !ok {
				t.Fatalf("a new sample: write what it means in TestSamples")
			}
			b, err := os.ReadFile(s)
			if err != nil {
				t.Fatal(err)
			}
			got, errs := Parse(parseYAML(t, string(b)))
			if len(errs) > 0 {
				t.Fatalf("the sample does not parse: %v", errs)
			}
			w := specDefaults()
			change(w)
			if !reflect.DeepEqual(got, w) {
				t.Errorf("the sample means\n %+v\nwant\n %+v", got, w)
			}
		})
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("the sample %s is gone", name)
		}
	}
}

// schemaLeaves walks the schema's properties into dotted leaf paths, with each leaf's schema.
func schemaLeaves(prefix string, props map[string]any, out map[string]map[string]any) {
	for k, v := range props {
		p := k
		if prefix != "" {
			p = prefix + "." + k
		}
		s := v.(map[string]any)
		if sub, ok := s["properties"].(map[string]any); ok {
			schemaLeaves(p, sub, out)
			continue
		}
		out[p] = s
	}
}

func TestSchemaMatchesCode(t *testing.T) {
	b, err := os.ReadFile("../../../config/inject-datadog.schema.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := yaml.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	leaves := map[string]map[string]any{}
	schemaLeaves("", schema["properties"].(map[string]any), leaves)
	for _, meta := range []string{"apiVersion", "kind", "metadata"} {
		delete(leaves, meta)
	}
	var inSchema []string
	for p := range leaves {
		inSchema = append(inSchema, p)
	}
	sort.Strings(inSchema)
	inCode := Paths()
	sort.Strings(inCode)
	if !slices.Equal(inSchema, inCode) {
		t.Errorf("schema fields differ from the code's:\nschema %v\ncode   %v", inSchema, inCode)
	}

	enums := map[string][]string{"config.mode": Modes, "libraries.method": Methods, "mode": RunModes}
	for p, want := range enums {
		if got := strs(leaves[p]["enum"]); !slices.Equal(got, want) {
			t.Errorf("%s enum: schema %v, code %v", p, got, want)
		}
	}
	items := leaves["libraries.inject"]["items"].(map[string]any)
	if got := strs(items["enum"]); !slices.Equal(got, Languages) {
		t.Errorf("libraries.inject enum: schema %v, code %v", got, Languages)
	}

	// Inside targets: the languages of ddTraceVersions, the operators of both selectors and the
	// fields of each map.
	target := leaves["targets"]["items"].(map[string]any)
	props := func(s any, path ...string) map[string]any {
		m := s.(map[string]any)
		for _, k := range path {
			m = m[k].(map[string]any)
		}
		return m
	}
	keys := func(m map[string]any) []string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return ks
	}
	sorted := func(s []string) []string { s = slices.Clone(s); sort.Strings(s); return s }
	fieldSets := map[string][]string{
		"targets.items":                      targetFields,
		"podSelector":                        selectorFields,
		"namespaceSelector":                  nsSelectorFields,
		"podSelector.matchExpressions":       requirementFields,
		"namespaceSelector.matchExpressions": requirementFields,
		"ddTraceVersions":                    Languages,
		"ddTraceConfigs":                     traceConfigFields,
	}
	schemas := map[string]map[string]any{
		"targets.items":                      target,
		"podSelector":                        props(target, "properties", "podSelector"),
		"namespaceSelector":                  props(target, "properties", "namespaceSelector"),
		"podSelector.matchExpressions":       props(target, "properties", "podSelector", "properties", "matchExpressions", "items"),
		"namespaceSelector.matchExpressions": props(target, "properties", "namespaceSelector", "properties", "matchExpressions", "items"),
		"ddTraceVersions":                    props(target, "properties", "ddTraceVersions"),
		"ddTraceConfigs":                     props(target, "properties", "ddTraceConfigs", "items"),
	}
	valueFrom := props(schemas["ddTraceConfigs"], "properties", "valueFrom")
	schemas["valueFrom"] = valueFrom
	fieldSets["valueFrom"] = envVarSources
	for source, fields := range envVarSourceFields {
		schemas["valueFrom."+source] = props(valueFrom, "properties", source)
		fieldSets["valueFrom."+source] = fields
	}
	for name, s := range schemas {
		if got, want := keys(s["properties"].(map[string]any)), sorted(fieldSets[name]); !slices.Equal(got, want) {
			t.Errorf("%s fields: schema %v, code %v", name, got, want)
		}
		if s["additionalProperties"] != false {
			t.Errorf("%s: the schema allows other fields", name)
		}
	}
	for _, sel := range []string{"podSelector.matchExpressions", "namespaceSelector.matchExpressions"} {
		if got := strs(props(schemas[sel], "properties", "operator")["enum"]); !slices.Equal(got, Operators) {
			t.Errorf("%s operator enum: schema %v, code %v", sel, got, Operators)
		}
	}

	// An object holding every schema default parses to the code's defaults.
	obj := map[string]any{"apiVersion": APIVersion, "kind": Kind}
	for _, p := range inCode {
		if d, ok := leaves[p]["default"]; ok {
			setPath(obj, strings.Split(p, "."), d)
		}
	}
	text, err := yaml.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	c, errs := Parse(parseYAML(t, string(text)))
	if len(errs) > 0 {
		t.Fatalf("the schema defaults do not parse: %v\n%s", errs, text)
	}
	if !reflect.DeepEqual(c, Default()) {
		t.Errorf("the schema defaults differ from the code's:\n got %+v\nwant %+v", c, Default())
	}
}

func setPath(m map[string]any, path []string, v any) {
	for _, k := range path[:len(path)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}
