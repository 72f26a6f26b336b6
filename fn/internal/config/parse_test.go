package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseForms(t *testing.T) {
	withMode := func(mode string) *Config {
		c := specDefaults()
		c.Agent.Mode = mode
		return c
	}
	tests := []struct {
		name   string
		config string // "" means no functionConfig
		want   *Config
	}{
		{"none", "", specDefaults()},
		{"empty object", "{}", specDefaults()},
		{"ConfigMap without data", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: function-input}", specDefaults()},
		{"ConfigMap with null data", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:", specDefaults()},
		{"object", "apiVersion: fn.kpt.dev/v1alpha1\nkind: InjectDatadog\nconfig: {mode: socket}", withMode("socket")},
		{"object with null field keeps default", "apiVersion: fn.kpt.dev/v1alpha1\nkind: InjectDatadog\nconfig: {mode: null}\ntags:", specDefaults()},
		{"ConfigMap", "apiVersion: v1\nkind: ConfigMap\ndata: {config.mode: csi}", withMode("csi")},
		{"kustomize annotations", "apiVersion: fn.kpt.dev/v1alpha1\nkind: InjectDatadog\nmetadata:\n  annotations:\n    config.kubernetes.io/local-config: 'true'\n    config.kubernetes.io/function: |\n      exec: {path: x}\nconfig: {mode: service}", withMode("service")},
	}
	checkReporting := specDefaults()
	checkReporting.Mode = RunCheck
	checkReporting.Report = Report{Workloads: true, Images: true}
	withOverrides := specDefaults()
	withOverrides.Libraries.ImageOverrides = map[string]string{
		"gcr.io/datadoghq/dd-lib-python-init": "registry.example.com/dd/dd-lib-python-init",
		"gcr.io/datadoghq/apm-inject":         "localhost:5000/apm-inject",
	}
	imagesOnly := specDefaults()
	imagesOnly.Report.Images = true
	tests = append(tests, []struct {
		name   string
		config string
		want   *Config
	}{
		{"object run settings", "apiVersion: fn.kpt.dev/v1alpha1\nkind: InjectDatadog\nmode: check\nreport: {workloads: true, images: true}", checkReporting},
		{"ConfigMap run settings", "apiVersion: v1\nkind: ConfigMap\ndata: {mode: check, report.workloads: 'true', report.images: 'TRUE'}", checkReporting},
		{"object render and one report", "apiVersion: fn.kpt.dev/v1alpha1\nkind: InjectDatadog\nmode: render\nreport: {workloads: false, images: true}", imagesOnly},
		{"ConfigMap render and one report", "apiVersion: v1\nkind: ConfigMap\ndata: {mode: render, report.workloads: 'false', report.images: 'true'}", imagesOnly},
		{"object image overrides", "apiVersion: fn.kpt.dev/v1alpha1\nkind: InjectDatadog\nlibraries:\n  imageOverrides:\n    gcr.io/datadoghq/dd-lib-python-init: registry.example.com/dd/dd-lib-python-init\n    gcr.io/datadoghq/apm-inject: localhost:5000/apm-inject", withOverrides},
		{"ConfigMap image overrides", "apiVersion: v1\nkind: ConfigMap\ndata:\n  libraries.imageOverrides: '{\"gcr.io/datadoghq/dd-lib-python-init\": \"registry.example.com/dd/dd-lib-python-init\", \"gcr.io/datadoghq/apm-inject\": \"localhost:5000/apm-inject\"}'", withOverrides},
		{"object empty image overrides", "apiVersion: fn.kpt.dev/v1alpha1\nkind: InjectDatadog\nlibraries: {imageOverrides: {}}", specDefaults()},
		{"ConfigMap empty image overrides", "apiVersion: v1\nkind: ConfigMap\ndata: {libraries.imageOverrides: '{}'}", specDefaults()},
		{"ConfigMap blank image overrides", "apiVersion: v1\nkind: ConfigMap\ndata: {libraries.imageOverrides: ''}", specDefaults()},
		{"ConfigMap null image overrides", "apiVersion: v1\nkind: ConfigMap\ndata: {libraries.imageOverrides: 'null'}", specDefaults()},
		{"object null run settings keep defaults", "apiVersion: fn.kpt.dev/v1alpha1\nkind: InjectDatadog\nmode:\nreport:", specDefaults()},
	}...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *Config
			var errs []Error
			if tt.config == "" {
				got, errs = Parse(nil)
			} else {
				got, errs = Parse(parseYAML(t, tt.config))
			}
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestConfigMapValues(t *testing.T) {
	c, errs := Parse(parseYAML(t, `apiVersion: v1
kind: ConfigMap
data:
  selection.enabledNamespaces: " a, b ,,c "
  libraries.inject: python,java
  config.typeSocketVolumes: "True"
  tags.enabled: "false"
  libraries.appsec: "true"
  libraries.profiling: auto
  libraries.versions.python: v2.1.0
  libraries.resources.cpu: 100m
  libraries.securityContext: '{"runAsNonRoot": true, "capabilities": {"drop": ["ALL"]}}'
  podTemplatePaths: Widget.example.com=spec.podTemplate, Gadget=spec.runner.template
`))
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if got := c.Selection.EnabledNamespaces; !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("enabledNamespaces %q", got)
	}
	if got := c.Libraries.Inject; !reflect.DeepEqual(got, []string{"python", "java"}) {
		t.Errorf("inject %q", got)
	}
	if !c.Agent.TypeSocketVolumes || c.Tags.Enabled {
		t.Errorf("booleans: typeSocketVolumes %v, tags.enabled %v", c.Agent.TypeSocketVolumes, c.Tags.Enabled)
	}
	if c.Libraries.AppSec == nil || !*c.Libraries.AppSec || c.Libraries.IAST != nil {
		t.Errorf("appsec %v, iast %v", c.Libraries.AppSec, c.Libraries.IAST)
	}
	if c.Libraries.Profiling != "auto" || c.Libraries.Versions["python"] != "v2.1.0" || c.Libraries.Versions["java"] != "v1" {
		t.Errorf("profiling %q, versions %v", c.Libraries.Profiling, c.Libraries.Versions)
	}
	if c.Libraries.Resources.CPU != "100m" || c.Libraries.SecurityContext == nil {
		t.Errorf("resources %+v, securityContext %v", c.Libraries.Resources, c.Libraries.SecurityContext)
	}
	want := []TemplatePath{
		{Group: "example.com", Kind: "Widget", Path: []string{"spec", "podTemplate"}},
		{AnyGroup: true, Kind: "Gadget", Path: []string{"spec", "runner", "template"}},
	}
	if !reflect.DeepEqual(c.PodTemplatePaths, want) {
		t.Errorf("podTemplatePaths %+v", c.PodTemplatePaths)
	}
}

func TestParseErrors(t *testing.T) {
	obj := "apiVersion: fn.kpt.dev/v1alpha1\nkind: InjectDatadog\n"
	cm := "apiVersion: v1\nkind: ConfigMap\ndata:\n"
	digest := strings.Repeat("0123456789abcdef", 4)
	tests := []struct {
		name, config string
		want         []string // "field: message" of each error, in order
	}{
		{"wrong kind", "apiVersion: v1\nkind: Secret", []string{`functionConfig must be apiVersion fn.kpt.dev/v1alpha1 kind InjectDatadog, or apiVersion v1 kind ConfigMap, or none; found apiVersion "v1" kind "Secret"`}},
		{"wrong group", "apiVersion: example.com/v1\nkind: InjectDatadog", []string{`functionConfig must be apiVersion fn.kpt.dev/v1alpha1 kind InjectDatadog, or apiVersion v1 kind ConfigMap, or none; found apiVersion "example.com/v1" kind "InjectDatadog"`}},
		{"unknown field", obj + "config: {mdoe: socket}", []string{"config.mdoe: is not a field of InjectDatadog (did you mean config.mode?)"}},
		{"unknown top-level field", obj + "labels: {a: b}", []string{"labels: is not a field of InjectDatadog"}},
		{"spec", obj + "spec: {}", []string{"spec: is not a field of InjectDatadog: its fields go at the top level, not under spec"}},
		{"repeated key", obj + "agentNamespace: a\nagentNamespace: b", []string{"agentNamespace: must not be given twice"}},
		{"section not a map", obj + "config: socket", []string{`config: must be a map, found a string ("socket")`}},
		{"bool as string", obj + "config: {enabled: 'false'}", []string{`config.enabled: must be a bool (true or false, unquoted), found a string ("false")`}},
		{"number as string", obj + "tags: {version: 2.10}", []string{"tags.version: must be a string, found a number (2.10); quote it"}},
		{"list as string", obj + "libraries: {inject: python}", []string{`libraries.inject: must be a list of strings, found a string ("python")`}},
		{"list item type", obj + "libraries: {inject: [1]}", []string{"libraries.inject: item 0 must be a string, found a number"}},
		{"bad enum", cm + "  config.mode: udp", []string{`data[config.mode]: must be one of hostip, service, socket, csi, found "udp"`}},
		{"bad bool text", cm + "  config.enabled: yes", []string{`data[config.enabled]: must be "true" or "false", found "yes"`}},
		{"section key", cm + "  config: x", []string{"data[config]: must name one field: ConfigMap keys are dotted paths such as config.enabled"}},
		{"conflict", cm + "  selection.enabledNamespaces: a\n  selection.disabledNamespaces: b", []string{"selection: selection.enabledNamespaces and selection.disabledNamespaces must not both be set: list where to mutate, or where not to"}},
		{"socket URL", obj + "config: {dogstatsdSocket: 'udp://localhost:8125'}", []string{`config.dogstatsdSocket: must be a unix socket URL such as unix:///var/run/datadog/apm.socket, found "udp://localhost:8125"`}},
		{"tag grammar", obj + "libraries: {injectorVersion: '-1'}", []string{`libraries.injectorVersion: must be an image tag (letters, digits, _ . -, at most 128, not starting with . or -), found "-1"`}},
		{"duplicate template path", obj + "podTemplatePaths: [{kind: W, path: a}, {kind: W, path: b}]", []string{"podTemplatePaths: item 1 must not repeat the kind of item 0 (W)"}},
		{"template path field", obj + "podTemplatePaths: [{kind: W, path: a, api: x}]", []string{`podTemplatePaths: item 0 has an unknown field "api": the fields are group, kind and path`}},
		{"ConfigMap template path", cm + "  podTemplatePaths: Widget", []string{`data[podTemplatePaths]: item 0 must be Kind.group=field.path, found "Widget"`}},
		{"securityContext text", cm + "  libraries.securityContext: runAsNonRoot", []string{`data[libraries.securityContext]: must be a map (a Kubernetes SecurityContext), found a string ("runAsNonRoot")`}},
		{"run mode", obj + "mode: dry-run", []string{`mode: must be one of render, check, remove, found "dry-run"`}},
		{"run mode case", obj + "mode: Check", []string{`mode: must be one of render, check, remove, found "Check"`}},
		{"agent mode as run mode", obj + "mode: socket", []string{`mode: must be one of render, check, remove, found "socket" (the agent's connection mode is config.mode)`}},
		{"ConfigMap agent mode as run mode", cm + "  mode: csi", []string{`data[mode]: must be one of render, check, remove, found "csi" (the agent's connection mode is config.mode)`}},
		{"run mode not a string", obj + "mode: [check]", []string{"mode: must be a string, found a list"}},
		{"run mode in ConfigMap not a string", cm + "  mode: [check]", []string{"data[mode]: must be a string (lists are comma-separated), found a list"}},
		{"report not a map", obj + "report: true", []string{`report: must be a map, found a bool ("true")`}},
		{"report unknown field", obj + "report: {image: true}", []string{"report.image: is not a field of InjectDatadog (did you mean report.images?)"}},
		{"report bool as string", obj + "report: {workloads: 'true'}", []string{`report.workloads: must be a bool (true or false, unquoted), found a string ("true")`}},
		{"report bool text", cm + "  report.images: yes", []string{`data[report.images]: must be "true" or "false", found "yes"`}},
		{"report section key", cm + "  report: 'true'", []string{"data[report]: must name one field: ConfigMap keys are dotted paths such as report.workloads"}},
		{"override key with tag", obj + "libraries: {imageOverrides: {'gcr.io/datadoghq/dd-lib-python-init:v3': registry.example.com/dd/dd-lib-python-init}}", []string{
			`libraries.imageOverrides: key "gcr.io/datadoghq/dd-lib-python-init:v3" must be the image without its tag or digest (gcr.io/datadoghq/dd-lib-python-init): it is replaced at every tag`}},
		{"override key with digest", obj + "libraries: {imageOverrides: {'localhost:5000/dd-lib-js-init@sha256:" + digest + "': r.example.com/js}}", []string{
			`libraries.imageOverrides: key "localhost:5000/dd-lib-js-init@sha256:` + digest + `" must be the image without its tag or digest (localhost:5000/dd-lib-js-init): it is replaced at every tag`}},
		{"override key with tag and digest", cm + `  libraries.imageOverrides: '{"dd-lib-js-init:v5@sha256:` + digest + `": "r.example.com/js"}'`, []string{
			`data[libraries.imageOverrides]: key "dd-lib-js-init:v5@sha256:` + digest + `" must be the image without its tag or digest (dd-lib-js-init): it is replaced at every tag`}},
		{"override key not an image", obj + "libraries: {imageOverrides: {'GCR.io/DataDog HQ': r.example.com/x}}", []string{
			`libraries.imageOverrides: key "GCR.io/DataDog HQ" must be an image repository without tag, such as gcr.io/datadoghq/dd-lib-python-init`}},
		{"override empty key", cm + `  libraries.imageOverrides: '{"": "r.example.com/x"}'`, []string{
			`data[libraries.imageOverrides]: key "" must be an image repository without tag, such as gcr.io/datadoghq/dd-lib-python-init`}},
		{"override value with tag", cm + `  libraries.imageOverrides: '{"gcr.io/datadoghq/dd-lib-java-init": "r.example.com/java:v1"}'`, []string{
			`data[libraries.imageOverrides]: value of "gcr.io/datadoghq/dd-lib-java-init" must be the image without its tag or digest (r.example.com/java): the image keeps its tag`}},
		{"override value not an image", obj + "libraries: {imageOverrides: {gcr.io/datadoghq/dd-lib-java-init: 'https://r.example.com/java'}}", []string{
			`libraries.imageOverrides: value of "gcr.io/datadoghq/dd-lib-java-init" must be an image repository without tag, such as registry.example.com/dd/dd-lib-python-init, found "https://r.example.com/java"`}},
		{"override value empty", obj + "libraries: {imageOverrides: {gcr.io/datadoghq/dd-lib-java-init: ''}}", []string{
			`libraries.imageOverrides: value of "gcr.io/datadoghq/dd-lib-java-init" must be an image repository without tag, such as registry.example.com/dd/dd-lib-python-init, found ""`}},
		{"override value null", cm + `  libraries.imageOverrides: '{"gcr.io/datadoghq/dd-lib-java-init": null}'`, []string{
			`data[libraries.imageOverrides]: value of "gcr.io/datadoghq/dd-lib-java-init" must be set: the repository to write instead`}},
		{"override value not a string", obj + "libraries: {imageOverrides: {gcr.io/datadoghq/dd-lib-java-init: {repository: r.example.com/java}}}", []string{
			`libraries.imageOverrides: value of "gcr.io/datadoghq/dd-lib-java-init" must be a string, found a map`}},
		{"override value a number", obj + "libraries: {imageOverrides: {gcr.io/datadoghq/dd-lib-java-init: 1}}", []string{
			`libraries.imageOverrides: value of "gcr.io/datadoghq/dd-lib-java-init" must be a string, found a number (1); quote it`}},
		{"override key repeated", cm + `  libraries.imageOverrides: '{"gcr.io/a": "r.example.com/a", "gcr.io/a": "r.example.com/b"}'`, []string{
			`data[libraries.imageOverrides]: key "gcr.io/a" must not be given twice`}},
		{"overrides not a map", obj + "libraries: {imageOverrides: [gcr.io/a]}", []string{
			"libraries.imageOverrides: must be a map of image repositories to the repositories to write instead, found a list"}},
		{"overrides JSON not an object", cm + `  libraries.imageOverrides: '"gcr.io/a"'`, []string{
			`data[libraries.imageOverrides]: must be a map of image repositories to the repositories to write instead, found a string ("gcr.io/a")`}},
		{"overrides not JSON", cm + "  libraries.imageOverrides: 'gcr.io/a=r.example.com/a'", []string{
			`data[libraries.imageOverrides]: must be JSON such as {"gcr.io/datadoghq/dd-lib-python-init": "registry.example.com/dd/dd-lib-python-init"}, found invalid JSON (invalid character 'g' looking for beginning of value)`}},
		{"overrides as a ConfigMap map", cm + "  libraries.imageOverrides: {gcr.io/a: r.example.com/a}", []string{
			`data[libraries.imageOverrides]: must be a string of JSON such as {"gcr.io/datadoghq/dd-lib-python-init": "registry.example.com/dd/dd-lib-python-init"}, found a map`}},
		{"overrides key by key in a ConfigMap", cm + "  libraries.imageOverrides.gcr.io/a: r.example.com/a", []string{
			"data[libraries.imageOverrides.gcr.io/a]: is not a field of InjectDatadog"}},
		{"every override error reported", obj + "libraries: {imageOverrides: {'a:1': 'b:2', c: 'D'}}", []string{
			`libraries.imageOverrides: key "a:1" must be the image without its tag or digest (a): it is replaced at every tag`,
			`libraries.imageOverrides: value of "a:1" must be the image without its tag or digest (b): the image keeps its tag`,
			`libraries.imageOverrides: value of "c" must be an image repository without tag, such as registry.example.com/dd/dd-lib-python-init, found "D"`,
		}},
		{"every error reported", obj + "config: {mode: x, serviceName: X}\nagentNamespace: Y", []string{
			`config.mode: must be one of hostip, service, socket, csi, found "x"`,
			`config.serviceName: must be a DNS label (at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit), found "X"`,
			`agentNamespace: must be a DNS label (at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit), found "Y"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkParseErrors(t, tt.config, tt.want) })
	}
}

// The length limits, at their boundaries: the longest valid value parses, one character more is
// an error with the message. DNS labels (namespaces, the agent's service, container names) 63,
// image tags 128, the registry and the image repositories of imageOverrides 255.
func TestLengthLimits(t *testing.T) {
	label63 := "a" + strings.Repeat("b-9", 20) + "yz" // 1 + 60 + 2
	tag128 := "v" + strings.Repeat("1._-", 31) + "abc"
	registry255 := "gcr.io/" + strings.Repeat("a", 248)
	if len(label63) != 63 || len(tag128) != 128 || len(registry255) != 255 {
		t.Fatalf("the fixtures are %d, %d and %d long", len(label63), len(tag128), len(registry255))
	}
	const (
		dns = `must be a DNS label (at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit), found "`
		tag = `must be an image tag (letters, digits, _ . -, at most 128, not starting with . or -), found "`
		reg = `must be a registry and optional path such as gcr.io/datadoghq, found "`
	)
	obj := "apiVersion: fn.kpt.dev/v1alpha1\nkind: InjectDatadog\n"
	tests := []struct {
		field     string
		yaml      func(v string) string // the config setting the field to v
		longest   string
		got       func(c *Config) string
		wantError string // the error for longest plus one character, up to the value
	}{
		{"agentNamespace", func(v string) string { return "agentNamespace: " + v }, label63,
			func(c *Config) string { return c.AgentNamespace }, "agentNamespace: " + dns},
		{"config.serviceName", func(v string) string { return "config: {serviceName: " + v + "}" }, label63,
			func(c *Config) string { return c.Agent.ServiceName }, "config.serviceName: " + dns},
		{"selection.enabledNamespaces", func(v string) string { return "selection: {enabledNamespaces: [" + v + "]}" }, label63,
			func(c *Config) string { return strings.Join(c.Selection.EnabledNamespaces, ",") }, `selection.enabledNamespaces: item 0 ("` + label63 + `a") ` + dns},
		{"selection.disabledNamespaces", func(v string) string { return "selection: {disabledNamespaces: [" + v + "]}" }, label63,
			func(c *Config) string { return strings.Join(c.Selection.DisabledNamespaces, ",") }, `selection.disabledNamespaces: item 0 ("` + label63 + `a") ` + dns},
		{"libraries.excludeContainers", func(v string) string { return "libraries: {excludeContainers: [" + v + "]}" }, label63,
			func(c *Config) string { return strings.Join(c.Libraries.ExcludeContainers, ",") }, `libraries.excludeContainers: item 0 ("` + label63 + `a") ` + dns},
		{"libraries.injectorVersion", func(v string) string { return "libraries: {injectorVersion: " + v + "}" }, tag128,
			func(c *Config) string { return c.Libraries.InjectorVersion }, "libraries.injectorVersion: " + tag},
		{"libraries.versions.python", func(v string) string { return "libraries: {versions: {python: " + v + "}}" }, tag128,
			func(c *Config) string { return c.Libraries.Versions["python"] }, "libraries.versions.python: " + tag},
		{"libraries.registry", func(v string) string { return "libraries: {registry: " + v + "}" }, registry255,
			func(c *Config) string { return c.Libraries.Registry }, "libraries.registry: " + reg},
		{"libraries.imageOverrides", func(v string) string { return "libraries: {imageOverrides: {gcr.io/a: " + v + "}}" }, registry255,
			func(c *Config) string { return c.Libraries.ImageOverrides["gcr.io/a"] },
			`libraries.imageOverrides: value of "gcr.io/a" must be an image repository without tag, such as registry.example.com/dd/dd-lib-python-init, found "`},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			c, errs := Parse(parseYAML(t, obj+tt.yaml(tt.longest)))
			if len(errs) > 0 {
				t.Fatalf("the longest valid value (%d characters) is refused: %v", len(tt.longest), errs)
			}
			if got := tt.got(c); got != tt.longest {
				t.Errorf("the field holds %q, want %q", got, tt.longest)
			}
			over := tt.longest + "a"
			c, errs = Parse(parseYAML(t, obj+tt.yaml(over)))
			want := tt.wantError + over + `"`
			if c != nil || len(errs) != 1 || errText(errs[0]) != want {
				t.Errorf("a value of %d characters: errors %v, want %q", len(over), errs, want)
			}
		})
	}
}

// errText is an error as the command prints it: the field, then the message.
func errText(e Error) string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// checkParseErrors parses config and checks that it is refused with exactly the errors want.
func checkParseErrors(t *testing.T, config string, want []string) {
	t.Helper()
	c, errs := Parse(parseYAML(t, config))
	if c != nil {
		t.Errorf("got a config despite errors")
	}
	var got []string
	for _, e := range errs {
		got = append(got, errText(e))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n got %q\nwant %q", got, want)
	}
}
