package config

import (
	"reflect"
	"strings"
	"testing"
)

const objectHead = "apiVersion: fn.kpt.dev/v1alpha1\nkind: InjectDatadog\n"

// The cases where Datadog's webhook registers nothing (reference §2.2, TestGenerateTemplatesV1)
// are errors here, each naming the field.
func TestSidecarMisconfigurations(t *testing.T) {
	for _, tt := range []struct {
		name, config, field, says string
	}{
		{"no provider, no selector", "agentSidecar: {enabled: true}", "agentSidecar", "must be set"},
		{"unknown provider", "agentSidecar: {enabled: true, provider: unsupported-prov}", "agentSidecar.provider", "must be \"\" (no provider) or fargate"},
		{"two selectors", "agentSidecar:\n  enabled: true\n  provider: fargate\n  selectors:\n  - objectSelector: {matchLabels: {a: b}}\n  - namespaceSelector: {matchLabels: {c: d}}", "agentSidecar.selectors", "at most one selector"},
		{"two profiles", "agentSidecar:\n  enabled: true\n  provider: fargate\n  profiles: [{env: [{name: A, value: b}]}, {}]", "agentSidecar.profiles", "at most one profile"},
		{"unknown profile field", "agentSidecar:\n  provider: fargate\n  profiles: [{envs: []}]", "agentSidecar.profiles[0].envs", "is not a field"},
		{"bad quantity", "agentSidecar:\n  provider: fargate\n  profiles: [{resources: {limits: {cpu: lots}}}]", "agentSidecar.profiles[0].resources.limits.cpu", "must be a Kubernetes quantity"},
		{"value and valueFrom", "agentSidecar:\n  profiles: [{env: [{name: A, value: b, valueFrom: {secretKeyRef: {name: s, key: k}}}]}]", "agentSidecar.profiles[0].env[0]", "not both"},
		{"env name", "agentSidecar:\n  profiles: [{env: [{name: '1A', value: b}]}]", "agentSidecar.profiles[0].env[0].name", "must be an environment variable name"},
		{"selector not a list", "agentSidecar: {selectors: {objectSelector: {}}}", "agentSidecar.selectors", "must be a list"},
		{"port as text", "agentSidecar: {clusterAgent: {port: \"5005\"}}", "agentSidecar.clusterAgent.port", "must be a port number"},
		{"port out of range", "agentSidecar: {clusterAgent: {port: 70000}}", "agentSidecar.clusterAgent.port", "must be a port number"},
		{"image tag", "agentSidecar: {imageTag: \"7:1\"}", "agentSidecar.imageTag", "must"},
		{"image name with tag", "agentSidecar: {imageName: \"agent:7\"}", "agentSidecar.imageName", "must be an image name"},
		{"cluster name", "agentSidecar: {clusterName: Prod_1}", "agentSidecar.clusterName", "must be a cluster name"},
		{"cws mode", "cws: {enabled: true, mode: sidecar}", "cws.mode", "must be one of remote_copy, init_container"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := Parse(parseYAML(t, objectHead+tt.config))
			for _, e := range errs {
				if e.Field == tt.field && strings.Contains(e.Message, tt.says) {
					return
				}
			}
			t.Errorf("want an error at %s saying %q, got %v", tt.field, tt.says, errs)
		})
	}
}

func TestSidecarConfigMapErrors(t *testing.T) {
	_, errs := Parse(parseYAML(t, "apiVersion: v1\nkind: ConfigMap\ndata:\n  agentSidecar.enabled: 'true'\n  agentSidecar.provider: fargate\n  agentSidecar.profiles: '[{'\n"))
	if len(errs) != 1 || errs[0].Field != "data[agentSidecar.profiles]" || !strings.Contains(errs[0].Message, "invalid JSON") {
		t.Errorf("want one invalid-JSON error at data[agentSidecar.profiles], got %v", errs)
	}
}

// Both forms read to the same sidecar settings.
func TestSidecarBothForms(t *testing.T) {
	object := objectHead + `agentSidecar:
  enabled: true
  provider: fargate
  selectors:
  - objectSelector: {matchLabels: {app: web}}
  profiles:
  - env: [{name: ENV_VAR_2, value: value2}]
    resources: {limits: {cpu: "1", memory: 512Mi}}
    securityContext: {readOnlyRootFilesystem: true}
  registry: public.ecr.aws/datadog
  imageTag: 7.67.0
  clusterAgent: {port: 12345, serviceName: test-service-name}
  site: datadoghq.eu
  clusterName: prod
  languageDetection: true
`
	configMap := `apiVersion: v1
kind: ConfigMap
data:
  agentSidecar.enabled: "true"
  agentSidecar.provider: fargate
  agentSidecar.selectors: '[{"objectSelector": {"matchLabels": {"app": "web"}}}]'
  agentSidecar.profiles: '[{"env": [{"name": "ENV_VAR_2", "value": "value2"}], "resources": {"limits": {"cpu": "1", "memory": "512Mi"}}, "securityContext": {"readOnlyRootFilesystem": true}}]'
  agentSidecar.registry: public.ecr.aws/datadog
  agentSidecar.imageTag: 7.67.0
  agentSidecar.clusterAgent.port: "12345"
  agentSidecar.clusterAgent.serviceName: test-service-name
  agentSidecar.site: datadoghq.eu
  agentSidecar.clusterName: prod
  agentSidecar.languageDetection: "true"
`
	a, errs := Parse(parseYAML(t, object))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	b, errs := Parse(parseYAML(t, configMap))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	s := a.AgentSidecar
	if !s.Enabled || s.Provider != "fargate" || s.ClusterAgent.Port != 12345 || s.ClusterAgent.ServiceName != "test-service-name" ||
		s.Site != "datadoghq.eu" || s.ClusterName != "prod" || !s.LanguageDetection {
		t.Errorf("object form: %+v", s)
	}
	if got := s.Image("gcr.io/datadoghq"); got != "public.ecr.aws/datadog/agent:7.67.0" {
		t.Errorf("image %s", got)
	}
	if sel := s.Selector(); sel == nil || sel.ObjectSelector.MatchLabels["app"] != "web" || sel.NamespaceSelector != nil {
		t.Errorf("selector %+v", sel)
	}
	if p := s.Profile(); p == nil || !p.ReadOnlyRootFilesystem() || len(p.Env) != 1 {
		t.Errorf("profile %+v", p)
	}
	if !reflect.DeepEqual(a.AgentSidecar.Selectors, b.AgentSidecar.Selectors) ||
		a.AgentSidecar.ClusterAgent != b.AgentSidecar.ClusterAgent || a.AgentSidecar.Site != b.AgentSidecar.Site {
		t.Errorf("the forms differ:\n%+v\n%+v", a.AgentSidecar, b.AgentSidecar)
	}
}

// A provider with no selector selects its label (reference §2.2); the default image pins a major
// tag and takes libraries.registry.
func TestSidecarDefaults(t *testing.T) {
	c, errs := Parse(parseYAML(t, objectHead+"agentSidecar: {enabled: true, provider: fargate}"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	sel := c.AgentSidecar.Selector()
	if sel == nil || !reflect.DeepEqual(sel.ObjectSelector.MatchLabels, map[string]string{"agent.datadoghq.com/sidecar": "fargate"}) || sel.NamespaceSelector != nil {
		t.Errorf("default selector %+v", sel)
	}
	if got := c.AgentSidecar.Image(c.Libraries.Registry); got != "gcr.io/datadoghq/agent:7" {
		t.Errorf("default image %s", got)
	}
	if c.AgentSidecar.Profile() != nil {
		t.Errorf("a profile by default")
	}
}

// The chart and the operator turn the Cluster Agent's language detection on with Single Step and
// its language detection switch, which defaults to true.
func TestDropInSidecarLanguageDetection(t *testing.T) {
	const sidecarOn = "clusterAgent: {admissionController: {configMode: hostip, agentSidecarInjection: {enabled: true, provider: fargate}}}\n"
	const op = "apiVersion: datadoghq.com/v2alpha1\nkind: DatadogAgent\nspec: {features: {admissionController: {agentCommunicationMode: hostip, agentSidecarInjection: {enabled: true, provider: fargate}}, apm: {instrumentation: "
	for _, tt := range []struct {
		name, config string
		want         bool
	}{
		{"chart: Single Step off", sidecarOn, false},
		{"chart: Single Step on, detection by default", sidecarOn + "datadog: {apm: {instrumentation: {enabled: true}}}", true},
		{"chart: Single Step on, detection off", sidecarOn + "datadog: {apm: {instrumentation: {enabled: true, language_detection: {enabled: false}}}}", false},
		{"operator: Single Step on, detection by default", op + "{enabled: true}}}}", true},
		{"operator: Single Step on, detection off", op + "{enabled: true, languageDetection: {enabled: false}}}}}", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, errs := Parse(parseYAML(t, tt.config))
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if c.AgentSidecar.LanguageDetection != tt.want {
				t.Errorf("languageDetection %v, want %v", c.AgentSidecar.LanguageDetection, tt.want)
			}
		})
	}
}
