// Package config holds inject-datadog's functionConfig: its fields and defaults, the forms it
// accepts (the InjectDatadog object, a ConfigMap of dotted keys, none; and the drop-in forms, the
// Datadog Helm chart's values and the Datadog Operator's DatadogAgent) and their validation.
package config

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The functionConfig object's identity.
const (
	Group      = "fn.kpt.dev"
	Version    = "v1alpha1"
	APIVersion = Group + "/" + Version
	Kind       = "InjectDatadog"
)

// Agent connection modes (docs/behaviour.md "Agent modes").
const (
	ModeHostIP  = "hostip"
	ModeService = "service"
	ModeSocket  = "socket"
	ModeCSI     = "csi"
)

// Modes lists the modes in the order the docs give them.
var Modes = []string{ModeHostIP, ModeService, ModeSocket, ModeCSI}

// Library injection methods (docs/behaviour.md "Tracing libraries").
const (
	MethodLanguageEnv = "language-env"
	MethodAPMInject   = "apm-inject"
)

// Methods lists the library injection methods.
var Methods = []string{MethodLanguageEnv, MethodAPMInject}

// Languages are the tracing libraries, in the order Datadog injects them.
var Languages = []string{"java", "js", "python", "dotnet", "ruby", "php"}

// Config is the parsed, validated functionConfig.
type Config struct {
	AgentNamespace   string
	Selection        Selection
	Tags             Tags
	Agent            Agent
	Libraries        Libraries
	PodTemplatePaths []TemplatePath
	// AgentSidecar is the Agent sidecar (docs/behaviour.md "The Agent sidecar").
	AgentSidecar AgentSidecar
	// CWS is the CWS instrumentation (docs/behaviour.md "CWS instrumentation").
	CWS CWS
	// Targets are the Single Step targets, in the order they are tried.
	Targets []Target
	// NamespaceLabels gives the labels of namespaces, over those of the bundle's Namespaces.
	NamespaceLabels map[string]map[string]string
	// Mode is what the run does: ModeRender (the default) writes the output, ModeCheck only
	// reports the templates whose output would differ from their input.
	Mode string
	// Report asks for extra info results.
	Report Report
	// WebhookOff is set by a drop-in form that switches Datadog's admission controller, or its
	// mutating webhook, off: the webhook mutates no pod, so a render writes every item back
	// unchanged (docs/migration.md "Coming from the webhook"). Only the drop-in forms set it.
	WebhookOff bool
	// Warnings are the settings of a drop-in functionConfig (the Datadog chart's values, a
	// DatadogAgent) that inject-datadog reads but does not follow, or has no use for, in the
	// file's order; nil for the other forms.
	Warnings []Error
}

// Run modes (docs/ci.md "CI: check mode").
const (
	RunRender = "render"
	RunCheck  = "check"
	RunRemove = "remove"
)

// RunModes lists the run modes, the default first.
var RunModes = []string{RunRender, RunCheck, RunRemove}

// Report selects the extra info results: an explanation per pod template, the image list.
type Report struct {
	Workloads bool
	Images    bool
}

// Selection decides which unlabelled pod templates are mutated (docs/behaviour.md "Selection").
type Selection struct {
	MutateUnlabelled   bool
	EnabledNamespaces  []string
	DisabledNamespaces []string
}

// Tags are the fallback values of DD_ENV, DD_SERVICE and DD_VERSION (docs/behaviour.md "Standard tags").
type Tags struct {
	Enabled               bool
	Env, Service, Version string
}

// Agent is the `config` section: how containers reach the Datadog agent (docs/behaviour.md "Agent modes").
type Agent struct {
	Enabled           bool
	Mode              string
	OriginDetection   bool
	ServiceName       string
	SocketPath        string
	TraceAgentSocket  string
	DogstatsdSocket   string
	TypeSocketVolumes bool
}

// Libraries is the tracing-library injection (docs/behaviour.md "Tracing libraries").
type Libraries struct {
	// ImageOverrides maps an image repository the function would write (without tag) to the
	// repository to write instead, keeping the tag.
	ImageOverrides    map[string]string
	Method            string
	Registry          string
	InjectorVersion   string
	Versions          map[string]string
	Inject            []string
	ExcludeContainers []string
	Resources         Resources
	// SecurityContext is the init containers' securityContext as written, nil when not set.
	SecurityContext *yaml.Node
	AppSec          *bool
	IAST            *bool
	SCA             *bool
	// Profiling is "true", "false", "auto" or "" (not set).
	Profiling   string
	InstallID   string
	InstallTime string
}

// Resources are the init containers' cpu and memory, as Kubernetes quantities; "" means computed.
type Resources struct {
	CPU, Memory string
}

// TemplatePath tells where a kind the function does not know keeps its pod template.
type TemplatePath struct {
	// Group is the API group; AnyGroup when the entry named none.
	Group    string
	AnyGroup bool
	Kind     string
	// Path is the field path of the pod template, one element per field.
	Path []string
}

// Default returns the configuration used when no functionConfig is given.
func Default() *Config {
	return &Config{
		AgentNamespace: "datadog",
		Mode:           RunRender,
		Tags:           Tags{Enabled: true},
		Agent: Agent{
			Enabled:          true,
			Mode:             ModeHostIP,
			OriginDetection:  true,
			ServiceName:      "datadog",
			SocketPath:       "/var/run/datadog",
			TraceAgentSocket: "unix:///var/run/datadog/apm.socket",
			DogstatsdSocket:  "unix:///var/run/datadog/dsd.socket",
		},
		Libraries: Libraries{
			Method:          MethodLanguageEnv,
			Registry:        "gcr.io/datadoghq",
			InjectorVersion: "0",
			Versions: map[string]string{
				"java": "v1", "js": "v5", "python": "v3", "dotnet": "v3", "ruby": "v2", "php": "v1",
			},
			ExcludeContainers: []string{"istio-proxy"},
		},
		AgentSidecar: defaultAgentSidecar(),
		CWS:          defaultCWS(),
	}
}

// imageRef is registry/name:tag, in the libraries' registry (libRegistry) when registry is "":
// the Agent sidecar and the CWS init container name their images so.
func imageRef(registry, libRegistry, name, tag string) string {
	if registry == "" {
		registry = libRegistry
	}
	return registry + "/" + name + ":" + tag
}
