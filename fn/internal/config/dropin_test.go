package config

import (
	"reflect"
	"strings"
	"testing"
)

// The same settings written as the Datadog chart's values, as a DatadogAgent and as an
// InjectDatadog give the same Config.
func TestDropInFormsAgree(t *testing.T) {
	scenarios := []struct {
		name                   string
		helm, operator, native string
	}{
		{
			name: "Single Step with targets",
			helm: `
registry: registry.example.com/dd
datadog:
  apm:
    instrumentation:
      enabled: true
      disabledNamespaces: [batch]
      injector:
        imageTag: "0.35.0"
      targets:
      - name: payments
        namespaceSelector:
          matchNames: [payments]
        ddTraceVersions:
          java: v1.45.0
      - name: opted in
        podSelector:
          matchLabels: {apm.example.com/instrument: "true"}
        ddTraceConfigs:
        - {name: DD_PROFILING_ENABLED, value: auto}
clusterAgent:
  admissionController:
    configMode: service
agents:
  localService:
    overrideName: datadog-agent
`,
			operator: `
apiVersion: datadoghq.com/v2alpha1
kind: DatadogAgent
metadata:
  name: datadog
spec:
  global:
    registry: registry.example.com/dd
  features:
    admissionController:
      agentCommunicationMode: service
    apm:
      instrumentation:
        enabled: true
        disabledNamespaces: [batch]
        injector:
          imageTag: "0.35.0"
        targets:
        - name: payments
          namespaceSelector:
            matchNames: [payments]
          ddTraceVersions:
            java: v1.45.0
        - name: opted in
          podSelector:
            matchLabels: {apm.example.com/instrument: "true"}
          ddTraceConfigs:
          - {name: DD_PROFILING_ENABLED, value: auto}
`,
			native: `
apiVersion: fn.kpt.dev/v1alpha1
kind: InjectDatadog
selection:
  disabledNamespaces: [batch]
config:
  mode: service
  serviceName: datadog-agent
libraries:
  method: apm-inject
  registry: registry.example.com/dd
  injectorVersion: "0.35.0"
targets:
- name: payments
  namespaceSelector:
    matchNames: [payments]
  ddTraceVersions:
    java: v1.45.0
- name: opted in
  podSelector:
    matchLabels: {apm.example.com/instrument: "true"}
  ddTraceConfigs:
  - {name: DD_PROFILING_ENABLED, value: auto}
`,
		},
		{
			name: "socket mode, unlabelled templates, a registry",
			helm: `
datadog:
  apm:
    socketPath: /run/dd/apm.socket
    instrumentation:
      enabled: true
      enabledNamespaces: [shop]
      libVersions:
        python: v3.1.0
        java: v1.45.0
  dogstatsd:
    socketPath: /run/dd/dsd.socket
  asm:
    threats:
      enabled: true
clusterAgent:
  admissionController:
    mutateUnlabelled: true
    configMode: socket
    containerRegistry: registry.example.com/dd
agents:
  localService:
    overrideName: datadog-agent
`,
			operator: `
apiVersion: datadoghq.com/v2alpha1
kind: DatadogAgent
metadata:
  name: datadog
spec:
  features:
    admissionController:
      mutateUnlabelled: true
      agentCommunicationMode: socket
      registry: registry.example.com/dd
    apm:
      unixDomainSocketConfig:
        path: /run/dd/apm.socket
      instrumentation:
        enabled: true
        enabledNamespaces: [shop]
        libVersions:
          python: v3.1.0
          java: v1.45.0
    dogstatsd:
      unixDomainSocketConfig:
        path: /run/dd/dsd.socket
    asm:
      threats:
        enabled: true
`,
			native: `
apiVersion: fn.kpt.dev/v1alpha1
kind: InjectDatadog
selection:
  mutateUnlabelled: true
  enabledNamespaces: [shop]
config:
  mode: socket
  serviceName: datadog-agent
  socketPath: /run/dd
  traceAgentSocket: unix:///run/dd/apm.socket
  dogstatsdSocket: unix:///run/dd/dsd.socket
libraries:
  method: apm-inject
  registry: registry.example.com/dd
  versions: {java: v1.45.0, python: v3.1.0}
  inject: [java, python]
  appsec: true
`,
		},
		{
			// The reference's worked example (§2.12) with a profile, a selector and CWS: the chart's
			// Cluster Agent service is <release>-cluster-agent, the operator's <name>-cluster-agent.
			name: "Agent sidecar on Fargate, CWS in init_container mode",
			helm: `
datadog:
  site: datadoghq.eu
  clusterName: prod
clusterAgent:
  admissionController:
    configMode: hostip
    containerRegistry: public.ecr.aws/datadog
    agentSidecarInjection:
      enabled: true
      provider: fargate
      clusterAgentCommunicationEnabled: true
      selectors:
        - objectSelector:
            matchLabels: {app: web}
      profiles:
        - env: [{name: DD_LOG_LEVEL, value: debug}]
          securityContext: {readOnlyRootFilesystem: true}
    cwsInstrumentation:
      enabled: true
      mode: init_container
agents:
  localService:
    overrideName: datadog-agent
`,
			operator: `
apiVersion: datadoghq.com/v2alpha1
kind: DatadogAgent
metadata:
  name: datadog
spec:
  global:
    site: datadoghq.eu
    clusterName: prod
  features:
    admissionController:
      agentCommunicationMode: hostip
      registry: public.ecr.aws/datadog
      agentSidecarInjection:
        enabled: true
        provider: fargate
        clusterAgentCommunicationEnabled: true
        selectors:
          - objectSelector:
              matchLabels: {app: web}
          - {}
        profiles:
          - env: [{name: DD_LOG_LEVEL, value: debug}]
            securityContext: {readOnlyRootFilesystem: true}
      cwsInstrumentation:
        enabled: true
        mode: init_container
`,
			native: `
apiVersion: fn.kpt.dev/v1alpha1
kind: InjectDatadog
config:
  serviceName: datadog-agent
libraries:
  method: apm-inject
  registry: public.ecr.aws/datadog
agentSidecar:
  enabled: true
  provider: fargate
  imageTag: 7.81.1
  site: datadoghq.eu
  clusterName: prod
  selectors:
    - objectSelector:
        matchLabels: {app: web}
  profiles:
    - env: [{name: DD_LOG_LEVEL, value: debug}]
      securityContext: {readOnlyRootFilesystem: true}
cws:
  enabled: true
  mode: init_container
`,
		},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			var got [3]*Config
			for i, text := range []string{sc.helm, sc.operator, sc.native} {
				c, errs := Parse(parseYAML(t, text))
				if len(errs) > 0 {
					t.Fatalf("form %d: errors %v", i, errs)
				}
				got[i] = c
			}
			if got[2].Warnings != nil {
				t.Errorf("the InjectDatadog object has warnings: %v", got[2].Warnings)
			}
			if !reflect.DeepEqual(got[0], got[2]) {
				t.Errorf("Helm values:\n %+v\nInjectDatadog:\n %+v", got[0], got[2])
			}
			if !reflect.DeepEqual(got[1], got[2]) {
				t.Errorf("DatadogAgent:\n %+v\nInjectDatadog:\n %+v", got[1], got[2])
			}
		})
	}
}

// What the drop-in forms mean beyond the one-to-one fields.
func TestDropInMeanings(t *testing.T) {
	tests := []struct {
		name, config string
		want         func(c *Config)
	}{
		{"chart values without configMode: socket, the chart's default", "datadog: {apm: {instrumentation: {enabled: true}}}", func(c *Config) {
			c.Agent.Mode = ModeSocket
			c.Libraries.Inject = Languages
		}},
		{"chart values on the host port", "datadog: {apm: {socketEnabled: false, portEnabled: true}}", func(c *Config) {}},
		{"chart values on neither", "datadog: {apm: {socketEnabled: false}}", func(c *Config) { c.Agent.Mode = ModeSocket }},
		{"chart values with the deprecated socket volume", "datadog: {apm: {socketEnabled: false, useSocketVolume: true}}", func(c *Config) { c.Agent.Mode = ModeSocket }},
		{"empty libVersions: every language", "clusterAgent: {admissionController: {configMode: hostip}}\ndatadog: {apm: {instrumentation: {enabled: true, libVersions: {}}}}", func(c *Config) {
			c.Libraries.Inject = Languages
		}},
		{"DatadogAgent without settings: socket, the operator's default", "apiVersion: datadoghq.com/v2alpha1\nkind: DatadogAgent\nmetadata: {name: datadog}\nspec: {}", func(c *Config) {
			c.Agent.Mode, c.Agent.ServiceName = ModeSocket, "datadog-agent"
		}},
		{"admission controller off", "clusterAgent: {admissionController: {enabled: false, configMode: service}}\ndatadog: {apm: {instrumentation: {enabled: true}}, site: datadoghq.eu, apiKey: x}", func(c *Config) {
			// Nothing else is taken from the file: the config stays the default.
			c.WebhookOff, c.Libraries.Registry = true, "gcr.io/datadoghq"
			c.Warnings = []Error{{"clusterAgent.admissionController.enabled", "is false: Datadog's admission webhook mutates no pod, so inject-datadog injects nothing and the other settings have no effect"}}
		}},
		{"mutating webhook off", "apiVersion: datadoghq.com/v2alpha1\nkind: DatadogAgent\nspec: {features: {admissionController: {mutation: {enabled: false}}, logCollection: {enabled: true}}}", func(c *Config) {
			c.WebhookOff, c.Libraries.Registry = true, "gcr.io/datadoghq"
			c.Warnings = []Error{{"spec.features.admissionController.mutation.enabled", "is false: Datadog's admission webhook mutates no pod, so inject-datadog injects nothing and the other settings have no effect"}}
		}},
		{"profiling auto, iast off, sca on", "clusterAgent: {admissionController: {configMode: hostip}}\ndatadog: {profiling: {enabled: auto}, asm: {iast: {enabled: false}, sca: {enabled: true}}}", func(c *Config) {
			tr := true
			c.Libraries.Profiling, c.Libraries.SCA = "auto", &tr
		}},
		// The chart passes each security product to the Cluster Agent only when true, and
		// profiling whenever it is not null (templates/cluster-agent-deployment.yaml).
		{"the chart's security defaults pass nothing", "clusterAgent: {admissionController: {configMode: hostip}}\ndatadog: {asm: {threats: {enabled: false}, sca: {enabled: false}, iast: {enabled: false}}, profiling: {enabled: null}}", func(c *Config) {}},
		{"profiling false is passed", "clusterAgent: {admissionController: {configMode: hostip}}\ndatadog: {profiling: {enabled: false}}", func(c *Config) { c.Libraries.Profiling = "false" }},
		{"operator: security products off pass nothing", "apiVersion: datadoghq.com/v2alpha1\nkind: DatadogAgent\nspec: {features: {admissionController: {agentCommunicationMode: hostip}, asm: {threats: {enabled: false}, sca: {enabled: false}, iast: {enabled: true}}}}", func(c *Config) {
			tr := true
			c.Libraries.IAST = &tr
			c.Agent.ServiceName = "datadog-agent"
		}},
		// The chart's kpi-telemetry ConfigMap: fixed zeros when skipped, random otherwise.
		{"KPI telemetry skipped: the chart's fixed install id and time", "clusterAgent: {admissionController: {configMode: hostip}}\ndatadog: {apm: {instrumentation: {skipKPITelemetry: true}}}", func(c *Config) {
			c.Libraries.InstallID, c.Libraries.InstallTime = "00000000-0000-0000-0000-000000000000", "0"
		}},
		{"KPI telemetry kept: nothing known at render time", "clusterAgent: {admissionController: {configMode: hostip}}\ndatadog: {apm: {instrumentation: {skipKPITelemetry: false}}}", func(c *Config) {}},
		// The chart's mode without configMode (templates/cluster-agent-deployment.yaml, chart
		// 3.240.0); Autopilot and GDC also keep the registry on GCR.
		{"chart on GKE Autopilot: hostip", "providers: {gke: {autopilot: true}}\ndatadog: {}", func(c *Config) {
			c.Libraries.Registry = "gcr.io/datadoghq"
		}},
		{"chart on GKE Autopilot with the CSI driver: socket", "providers: {gke: {autopilot: true}}\ndatadog: {csi: {enabled: true}}", func(c *Config) {
			c.Agent.Mode, c.Libraries.Registry = ModeSocket, "gcr.io/datadoghq"
		}},
		{"chart on GKE GDC: no socket, no port: socket", "providers: {gke: {gdc: true}}\ndatadog: {}", func(c *Config) {
			c.Agent.Mode, c.Libraries.Registry = ModeSocket, "gcr.io/datadoghq"
		}},
		{"chart on Windows with the host port: hostip", "targetSystem: windows\ndatadog: {apm: {portEnabled: true}}", func(c *Config) {}},
		{"chart on the local service: service", "datadog: {apm: {socketEnabled: false, portEnabled: false, useLocalService: true}}", func(c *Config) {
			c.Agent.Mode = ModeService
		}},
		{"chart on the socket and the local service: socket", "datadog: {apm: {useLocalService: true}}", func(c *Config) {
			c.Agent.Mode = ModeSocket
		}},
		{"chart: the local service's name", "agents: {localService: {overrideName: dd-local}}\nfullnameOverride: dd\nclusterAgent: {admissionController: {configMode: service}}", func(c *Config) {
			c.Agent.Mode, c.Agent.ServiceName = ModeService, "dd-local"
		}},
		{"chart: the full name names the service", "fullnameOverride: monitoring-\nclusterAgent: {admissionController: {configMode: service}}", func(c *Config) {
			c.Agent.Mode, c.Agent.ServiceName = ModeService, "monitoring"
		}},
		{"chart: an empty override keeps the full name", "agents: {localService: {overrideName: ''}}\nclusterAgent: {admissionController: {configMode: service}}", func(c *Config) {
			c.Agent.Mode = ModeService
		}},
		// The operator's mode without agentCommunicationMode (its admissioncontroller feature).
		{"operator without sockets: hostip", "apiVersion: datadoghq.com/v2alpha1\nkind: DatadogAgent\nmetadata: {name: dd}\nspec: {features: {apm: {enabled: false}, dogstatsd: {unixDomainSocketConfig: {enabled: false}}}}", func(c *Config) {
			c.Agent.ServiceName = "dd-agent"
		}},
		{"operator with DogStatsD's socket only: socket", "apiVersion: datadoghq.com/v2alpha1\nkind: DatadogAgent\nmetadata: {name: dd}\nspec: {features: {apm: {unixDomainSocketConfig: {enabled: false}}}}", func(c *Config) {
			c.Agent.Mode, c.Agent.ServiceName = ModeSocket, "dd-agent"
		}},
		{"operator on GKE Autopilot: hostip", "apiVersion: datadoghq.com/v2alpha1\nkind: DatadogAgent\nmetadata: {name: dd, annotations: {agent.datadoghq.com/cluster-provider: gke-autopilot}}\nspec: {}", func(c *Config) {
			c.Agent.ServiceName, c.Libraries.Registry = "dd-agent", "gcr.io/datadoghq"
		}},
		{"operator: the agents' namespace", "apiVersion: datadoghq.com/v2alpha1\nkind: DatadogAgent\nmetadata: {name: dd, namespace: monitoring}\nspec: {features: {admissionController: {agentCommunicationMode: service}}}", func(c *Config) {
			c.Agent.Mode, c.Agent.ServiceName, c.AgentNamespace = ModeService, "dd-agent", "monitoring"
		}},
		{"operator: the local service's name", "apiVersion: datadoghq.com/v2alpha1\nkind: DatadogAgent\nmetadata: {name: dd}\nspec: {global: {localService: {nameOverride: node-agent}}, features: {admissionController: {agentCommunicationMode: service}}}", func(c *Config) {
			c.Agent.Mode, c.Agent.ServiceName = ModeService, "node-agent"
		}},
		{"one socket moved with its directory", "datadog: {apm: {socketPath: /run/dd/apm.socket}, dogstatsd: {socketPath: /run/dd/dsd.socket}}", func(c *Config) {
			c.Agent.Mode = ModeSocket
			c.Agent.SocketPath = "/run/dd"
			c.Agent.TraceAgentSocket, c.Agent.DogstatsdSocket = "unix:///run/dd/apm.socket", "unix:///run/dd/dsd.socket"
		}},
		{"the chart's default socket paths", "datadog: {apm: {socketPath: /var/run/datadog/apm.socket}, dogstatsd: {socketPath: /var/run/datadog/dsd.socket}}", func(c *Config) {
			c.Agent.Mode = ModeSocket
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, errs := Parse(parseYAML(t, tt.config))
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			want := specDefaults()
			want.Libraries.Method = MethodAPMInject
			// Without a registry, the chart (registryMigrationMode auto, its default since 3.197.1)
			// and the operator pull from Datadog's own registry for datadoghq.com.
			want.Libraries.Registry = "registry.datadoghq.com"
			tt.want(want)
			if !reflect.DeepEqual(c, want) {
				t.Errorf("got\n %+v\nwant\n %+v", c, want)
			}
		})
	}
}

// The warnings and errors of the drop-in forms, with their exact texts.
func TestDropInWarningsAndErrors(t *testing.T) {
	const op = "apiVersion: datadoghq.com/v2alpha1\nkind: DatadogAgent\nmetadata: {name: datadog}\n"
	tests := []struct {
		name, config string
		warnings     []string // when the config parses
		errors       []string // otherwise
	}{
		{"unmapped settings, one per subtree, in the file's order", `
targetSystem: linux
datadog:
  apiKey: <DATADOG_API_KEY>
  site: datadoghq.eu
  tags: []
  appKey:
  logs: {enabled: true, containerCollectAll: true}
  apm:
    portEnabled: false
    instrumentation:
      enabled: true
      language_detection: {enabled: true}
      skipKPITelemetry: true
registry: gcr.io/datadoghq
clusterAgent:
  replicas: 2
  admissionController:
    configMode: hostip
    failurePolicy: Fail
    containerRegistry: registry.example.com/dd
    agentSidecarInjection: {enabled: true, provider: fargate}
agents:
  tolerations: [{operator: Exists}]
`, []string{
			"targetSystem: has no render-time meaning: inject-datadog ignores it",
			"datadog.apiKey: has no render-time meaning: inject-datadog ignores it",
			"datadog.logs: has no render-time meaning: inject-datadog ignores it",
			"datadog.apm.portEnabled: has no render-time meaning: inject-datadog ignores it",
			"registry: is overridden by clusterAgent.admissionController.containerRegistry for the injected images",
			"clusterAgent.replicas: has no render-time meaning: inject-datadog ignores it",
			"clusterAgent.admissionController.failurePolicy: has no render-time meaning: inject-datadog ignores it",
			"agents.tolerations: has no render-time meaning: inject-datadog ignores it",
		}, nil},
		{"operator: unmapped settings", op + `spec:
  global:
    site: datadoghq.eu
    credentials: {apiSecret: {secretName: datadog-secret, keyName: api-key}}
  features:
    logCollection: {enabled: true}
    apm:
      enabled: true
      instrumentation: {enabled: true, languageDetection: {enabled: false}}
  override:
    clusterAgent: {replicas: 2}
status: {}
`, []string{
			"spec.global.credentials: has no render-time meaning: inject-datadog ignores it",
			"spec.features.logCollection: has no render-time meaning: inject-datadog ignores it",
			"spec.features.apm.instrumentation.languageDetection.enabled: has no effect: only the Agent sidecar reads it, and agentSidecarInjection.enabled is not true",
			"spec.override: has no render-time meaning: inject-datadog ignores it",
		}, nil},
		{"Single Step settings while it is off", "datadog: {apm: {instrumentation: {enabledNamespaces: [shop], libVersions: {java: v1}}}}", []string{
			"datadog.apm.instrumentation.enabledNamespaces: has no effect: datadog.apm.instrumentation.enabled is not true",
			"datadog.apm.instrumentation.libVersions: has no effect: datadog.apm.instrumentation.enabled is not true",
		}, nil},
		{"operator: Single Step settings while it is off", op + "spec: {features: {apm: {instrumentation: {enabled: false, disabledNamespaces: [batch]}}}}", []string{
			"spec.features.apm.instrumentation.disabledNamespaces: has no effect: spec.features.apm.instrumentation.enabled is not true",
		}, nil},
		{"socket settings with configMode", "datadog: {apm: {socketEnabled: true, useSocketVolume: false}}\nclusterAgent: {admissionController: {configMode: socket}}", []string{
			"datadog.apm.socketEnabled: has no render-time meaning: inject-datadog ignores it",
			"datadog.apm.useSocketVolume: has no render-time meaning: inject-datadog ignores it",
		}, nil},
		{"sockets in two directories", "datadog: {apm: {socketPath: /run/apm/apm.socket}, dogstatsd: {socketPath: /run/dsd/dsd.socket}}", []string{
			"datadog.apm.socketPath: is not in the other socket's directory: socket mode mounts only config.socketPath (/var/run/datadog)",
			"datadog.dogstatsd.socketPath: is not in the other socket's directory: socket mode mounts only config.socketPath (/var/run/datadog)",
		}, nil},

		{"bad config mode", "clusterAgent: {admissionController: {configMode: udp}}", nil, []string{
			`clusterAgent.admissionController.configMode: must be one of hostip, service, socket, csi, found "udp"`}},
		{"operator: bad communication mode", op + "spec: {features: {admissionController: {agentCommunicationMode: Socket}}}", nil, []string{
			`spec.features.admissionController.agentCommunicationMode: must be one of hostip, service, socket, csi, found "Socket"`}},
		{"bool as string", "clusterAgent: {admissionController: {mutateUnlabelled: 'true'}}", nil, []string{
			`clusterAgent.admissionController.mutateUnlabelled: must be a bool (true or false, unquoted), found a string ("true")`}},
		{"enabled as string", "clusterAgent: {admissionController: {enabled: 'false'}}", nil, []string{
			`clusterAgent.admissionController.enabled: must be a bool (true or false, unquoted), found a string ("false")`}},
		{"section not a map", "datadog: {apm: true}", nil, []string{
			`datadog.apm: must be a map, found a bool ("true")`}},
		{"repeated key", "datadog: {}\ndatadog: {}", nil, []string{
			"datadog: must not be given twice"}},
		{"bad registry", "registry: 'https://gcr.io/datadoghq'\ndatadog: {}", nil, []string{
			`registry: must be a registry and optional path such as gcr.io/datadoghq, found "https://gcr.io/datadoghq"`}},
		{"unknown language", "datadog: {apm: {instrumentation: {enabled: true, libVersions: {golang: v1, java: 1}}}}", nil, []string{
			"datadog.apm.instrumentation.libVersions.golang: is not a language: the languages are java, js, python, dotnet, ruby and php",
			"datadog.apm.instrumentation.libVersions.java: must be a string, found a number (1); quote it",
		}},
		{"libVersions with targets", "datadog: {apm: {instrumentation: {enabled: true, libVersions: {java: v1}, enabledNamespaces: [a], targets: [{name: a}]}}}", nil, []string{
			"datadog.apm.instrumentation.libVersions: must not be set with datadog.apm.instrumentation.targets: each target's ddTraceVersions chooses the libraries",
			"datadog.apm.instrumentation.enabledNamespaces: must not be set with datadog.apm.instrumentation.targets: each target's namespaceSelector chooses the namespaces",
		}},
		{"both namespace lists", op + "spec: {features: {apm: {instrumentation: {enabled: true, enabledNamespaces: [a], disabledNamespaces: [b]}}}}", nil, []string{
			"spec.features.apm.instrumentation.disabledNamespaces: must not be set with spec.features.apm.instrumentation.enabledNamespaces: list where to instrument, or where not to",
		}},
		{"namespace not a label", "datadog: {apm: {instrumentation: {enabled: true, disabledNamespaces: [Batch]}}}", nil, []string{
			`datadog.apm.instrumentation.disabledNamespaces: item 0 ("Batch") must be a DNS label (at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit), found "Batch"`,
		}},
		{"target problems at the file's path", op + "spec: {features: {apm: {instrumentation: {enabled: true, targets: [{name: a, ddTraceVersions: {go: v1}}]}}}}", nil, []string{
			"spec.features.apm.instrumentation.targets[0].ddTraceVersions.go: is not a language (did you mean js?): the languages are java, js, python, dotnet, ruby and php",
		}},
		{"targets checked while Single Step is off", "datadog: {apm: {instrumentation: {targets: [{ddTraceVersions: {java: v1}}]}}}", nil, []string{
			"datadog.apm.instrumentation.targets[0].name: must be set: every target has a name",
		}},
		{"relative socket path", "datadog: {dogstatsd: {socketPath: dsd.socket}}", nil, []string{
			`datadog.dogstatsd.socketPath: must be an absolute path, found "dsd.socket"`}},
		{"injector tag", op + "spec: {features: {apm: {instrumentation: {injector: {imageTag: '-1'}}}}}", nil, []string{
			`spec.features.apm.instrumentation.injector.imageTag: must be an image tag (letters, digits, _ . -, at most 128, not starting with . or -), found "-1"`}},
		{"skipKPITelemetry as string", "datadog: {apm: {instrumentation: {skipKPITelemetry: 'yes'}}}", nil, []string{
			`datadog.apm.instrumentation.skipKPITelemetry: must be a bool (true or false, unquoted), found a string ("yes")`}},
		{"registry migration mode", "registryMigrationMode: always\ndatadog: {}", nil, []string{
			`registryMigrationMode: must be auto, all or "" (the chart fails on any other value), found a string ("always")`}},
		{"site not a string", "datadog: {site: [datadoghq.eu]}", nil, []string{
			`datadog.site: must be a string, found a list`}},
		{"a full name that names no service", "fullnameOverride: Datadog\ndatadog: {}", nil, []string{
			`fullnameOverride: must be a DNS label (at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit), found "Datadog": it names the agent's service`}},
		{"Autopilot as a string, read by two rules, one error", "providers: {gke: {autopilot: 'true'}}\ndatadog: {}", nil, []string{
			`providers.gke.autopilot: must be a bool (true or false, unquoted), found a string ("true")`}},
		{"mode inputs with the mode given", "targetSystem: windows\ndatadog: {csi: {enabled: true}, apm: {useLocalService: true}}\nproviders: {gke: {autopilot: false}}\nclusterAgent: {admissionController: {configMode: hostip}}", []string{
			"targetSystem: has no render-time meaning: inject-datadog ignores it",
			"datadog.csi.enabled: has no render-time meaning: inject-datadog ignores it",
			"datadog.apm.useLocalService: has no render-time meaning: inject-datadog ignores it",
		}, nil},
		{"errors while the admission controller is off", "clusterAgent: {admissionController: {enabled: false, configMode: udp}}\ndatadog: {}", nil, []string{
			`clusterAgent.admissionController.configMode: must be one of hostip, service, socket, csi, found "udp"`}},
		{"a name override without the release's name", "nameOverride: dd\ndatadog: {}", []string{
			"nameOverride: names the agent's service with the Helm release's name, which the file does not hold: inject-datadog ignores it; set agents.localService.overrideName to name the service",
		}, nil},
		{"a name override under a full name", "nameOverride: dd\nfullnameOverride: monitoring\ndatadog: {}", nil, nil},
		{"a full name not a string", "fullnameOverride: 12\ndatadog: {}", nil, []string{
			"fullnameOverride: must be a string, found a number (12); quote it"}},
		{"the agent sidecar off, as the chart's defaults", "clusterAgent: {admissionController: {configMode: hostip, agentSidecarInjection: {enabled: false, provider: '', selectors: [], profiles: []}}}", nil, nil},
		{"operator: the agent sidecar off", op + "spec: {features: {admissionController: {agentCommunicationMode: hostip, agentSidecarInjection: {enabled: false, provider: fargate}}}}", nil, nil},
		{"operator: the agent sidecar on without a provider or selector", op + "spec: {features: {admissionController: {agentCommunicationMode: hostip, agentSidecarInjection: {enabled: true}}}}", nil, []string{
			"agentSidecar: agentSidecar.provider or agentSidecar.selectors must be set when agentSidecar.enabled is true: with neither, Datadog's webhook selects no pod"}},
		{"the sidecar's settings with the sidecar off", "datadog: {clusterName: prod}\nagents: {image: {tag: 7.81.1}}", []string{
			"datadog.clusterName: has no effect: only the Agent sidecar reads it, and agentSidecarInjection.enabled is not true",
			"agents.image.tag: has no effect: only the Agent sidecar reads it, and agentSidecarInjection.enabled is not true"}, nil},
		{"language detection reaches the sidecar only with Single Step", "datadog: {apm: {instrumentation: {language_detection: {enabled: true}}}}\nclusterAgent: {admissionController: {configMode: hostip, agentSidecarInjection: {enabled: true, provider: fargate}}}", nil, nil},
		{"the sidecar's TLS verification", "clusterAgent: {admissionController: {agentSidecarInjection: {enabled: true, provider: fargate, clusterAgentTlsVerification: {enabled: true}}}}", []string{
			"clusterAgent.admissionController.agentSidecarInjection.clusterAgentTlsVerification: is not supported: inject-datadog renders the sidecar of Datadog's reference version (7.67), which has no TLS verification"}, nil},
		{"CWS in remote_copy", "clusterAgent: {admissionController: {cwsInstrumentation: {enabled: true}}}", []string{
			"clusterAgent.admissionController.cwsInstrumentation: mode remote_copy: the webhook changes no pod in this mode, and neither does inject-datadog"}, nil},
		{"the agent sidecar's switch as a string", "clusterAgent: {admissionController: {agentSidecarInjection: {enabled: 'yes'}}}", nil, []string{
			`clusterAgent.admissionController.agentSidecarInjection.enabled: must be a bool (true or false, unquoted), found a string ("yes")`}},
		{"profiling", "datadog: {profiling: {enabled: sometimes}}", nil, []string{
			`datadog.profiling.enabled: must be true, false or auto, found "sometimes"`}},
		{"values without the chart's keys", "apm: {enabled: true}", nil, []string{
			`functionConfig must be apiVersion fn.kpt.dev/v1alpha1 kind InjectDatadog, or apiVersion v1 kind ConfigMap, or none; found apiVersion "" kind ""`}},
		{"another DatadogAgent version", "apiVersion: datadoghq.com/v1alpha1\nkind: DatadogAgent\nspec: {}", nil, []string{
			`functionConfig must be apiVersion fn.kpt.dev/v1alpha1 kind InjectDatadog, or apiVersion v1 kind ConfigMap, or none; found apiVersion "datadoghq.com/v1alpha1" kind "DatadogAgent"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, errs := Parse(parseYAML(t, tt.config))
			var gotErrs, gotWarns []string
			for _, e := range errs {
				gotErrs = append(gotErrs, errText(e))
			}
			if c != nil {
				for _, w := range c.Warnings {
					gotWarns = append(gotWarns, errText(w))
				}
			}
			if (c == nil) != (tt.errors != nil) {
				t.Fatalf("config %v, errors %q", c != nil, gotErrs)
			}
			if strings.Join(gotErrs, "\n") != strings.Join(tt.errors, "\n") {
				t.Errorf("errors:\n got %q\nwant %q", gotErrs, tt.errors)
			}
			if strings.Join(gotWarns, "\n") != strings.Join(tt.warnings, "\n") {
				t.Errorf("warnings:\n got %q\nwant %q", gotWarns, tt.warnings)
			}
		})
	}
}

// The registry of the injected images when the file gives none: the chart's "registry" helper
// (templates/_helpers.tpl, chart 3.240.0) and the operator's defaults (main at 55db5316).
func TestDropInRegistry(t *testing.T) {
	const op = "apiVersion: datadoghq.com/v2alpha1\nkind: DatadogAgent\n"
	const autopilot = "metadata: {name: datadog, annotations: {experimental.agent.datadoghq.com/autopilot: \"true\"}}\n"
	tests := []struct {
		name, config, want string
		warnings           []string
	}{
		{"chart: datadoghq.com, migration on by default", "datadog: {site: datadoghq.com}", "registry.datadoghq.com", nil},
		{"chart: datadoghq.com, migration off", "registryMigrationMode: ''\ndatadog: {site: datadoghq.com}", "gcr.io/datadoghq", nil},
		{"chart: datadoghq.eu, migration on by default", "datadog: {site: datadoghq.eu}", "registry.datadoghq.com", nil},
		{"chart: datadoghq.eu, migration off", "registryMigrationMode: ''\ndatadog: {site: datadoghq.eu}", "eu.gcr.io/datadoghq", nil},
		{"chart: datadoghq.eu, migration null", "registryMigrationMode:\ndatadog: {site: datadoghq.eu}", "eu.gcr.io/datadoghq", nil},
		{"chart: ap1, migration off", "registryMigrationMode: ''\ndatadog: {site: ap1.datadoghq.com}", "asia.gcr.io/datadoghq", nil},
		{"chart: ap1, migration all", "registryMigrationMode: all\ndatadog: {site: ap1.datadoghq.com}", "registry.datadoghq.com", nil},
		{"chart: us3 never migrates", "datadog: {site: us3.datadoghq.com}", "datadoghq.azurecr.io", nil},
		{"chart: us3 off", "registryMigrationMode: ''\ndatadog: {site: us3.datadoghq.com}", "datadoghq.azurecr.io", nil},
		{"chart: government site", "registryMigrationMode: all\ndatadog: {site: ddog-gov.com}", "public.ecr.aws/datadog", nil},
		{"chart: another site, migration off", "registryMigrationMode: ''\ndatadog: {site: us5.datadoghq.com}", "gcr.io/datadoghq", nil},
		{"chart: another site", "datadog: {site: us5.datadoghq.com}", "registry.datadoghq.com", nil},
		{"chart: Autopilot keeps GCR", "providers: {gke: {autopilot: true}}\ndatadog: {site: datadoghq.eu}", "eu.gcr.io/datadoghq", nil},
		{"chart: Autopilot on us3", "providers: {gke: {autopilot: true}}\ndatadog: {site: us3.datadoghq.com}", "gcr.io/datadoghq", nil},
		{"chart: GDC keeps GCR", "providers: {gke: {gdc: true}}\ndatadog: {site: ap1.datadoghq.com}", "asia.gcr.io/datadoghq", nil},
		{"chart: Autopilot on the government site", "providers: {gke: {autopilot: true}}\ndatadog: {site: ddog-gov.com}", "public.ecr.aws/datadog", nil},
		{"chart: a registry wins over the site", "registry: docker.io/datadog\ndatadog: {site: datadoghq.eu}", "docker.io/datadog", nil},
		{"operator: datadoghq.com", op + "spec: {}", "registry.datadoghq.com", nil},
		{"operator: datadoghq.eu", op + "spec: {global: {site: datadoghq.eu}}", "registry.datadoghq.com", nil},
		{"operator: government site", op + "spec: {global: {site: ddog-gov.com}}", "public.ecr.aws/datadog", nil},
		{"operator: Autopilot", op + autopilot + "spec: {global: {site: datadoghq.eu}}", "gcr.io/datadoghq", nil},
		{"operator: Autopilot by the provider annotation", op + "metadata: {annotations: {agent.datadoghq.com/cluster-provider: gke-autopilot}}\nspec: {}", "gcr.io/datadoghq", nil},
		{"operator: Autopilot keeps a GCR registry", op + autopilot + "spec: {global: {registry: eu.gcr.io/datadoghq}}", "eu.gcr.io/datadoghq", nil},
		{"operator: Autopilot replaces another global registry", op + autopilot + "spec: {global: {registry: docker.io/datadog}}", "gcr.io/datadoghq", []string{
			"spec.global.registry: is replaced by gcr.io/datadoghq on GKE Autopilot, as the operator does: Autopilot admits Datadog's images from its GCR registries only"}},
		{"operator: the admission controller's registry stays on Autopilot", op + autopilot + "spec: {features: {admissionController: {registry: docker.io/datadog}}}", "docker.io/datadog", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, errs := Parse(parseYAML(t, tt.config))
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if c.Libraries.Registry != tt.want {
				t.Errorf("registry %s, want %s", c.Libraries.Registry, tt.want)
			}
			var warns []string
			for _, w := range c.Warnings {
				warns = append(warns, errText(w))
			}
			if strings.Join(warns, "\n") != strings.Join(tt.warnings, "\n") {
				t.Errorf("warnings:\n got %q\nwant %q", warns, tt.warnings)
			}
		})
	}
}
