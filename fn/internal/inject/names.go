// Package inject is the transform: it decides which pod templates are selected and adds to them
// what Datadog's admission webhook adds to pods (the README's "What it does to a pod template"), editing the YAML tree in place.
package inject

// Labels and annotations read from pod templates.
const (
	labelEnabled        = "admission.datadoghq.com/enabled"
	labelMode           = "admission.datadoghq.com/config.mode"
	labelTagEnv         = "tags.datadoghq.com/env"
	labelTagService     = "tags.datadoghq.com/service"
	labelTagVersion     = "tags.datadoghq.com/version"
	annotationSafeEvict = "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes"
)

// namespaceKubeSystem is never mutated through an unlabelled route (README "Selection").
const namespaceKubeSystem = "kube-system"

// Environment variables of the agent connection and the standard tags.
const (
	envVersion       = "DD_VERSION"
	envService       = "DD_SERVICE"
	envEnv           = "DD_ENV"
	envPodUID        = "DD_INTERNAL_POD_UID"
	envExternalEnv   = "DD_EXTERNAL_ENV"
	envEntityID      = "DD_ENTITY_ID"
	envAgentHost     = "DD_AGENT_HOST"
	envTraceAgentURL = "DD_TRACE_AGENT_URL"
	envDogstatsdURL  = "DD_DOGSTATSD_URL"
)

// Volumes of the socket modes.
const (
	volumeSocketDir  = "datadog"
	volumeDogstatsd  = "datadog-dogstatsd"
	volumeTraceAgent = "datadog-trace-agent"
	csiDriver        = "k8s.csi.datadoghq.com"
)

// injectedInitNames are the init containers the library injection adds, in either method, and
// that Datadog's webhook adds too: they are never treated as the user's.
var injectedInitNames = func() map[string]bool {
	m := map[string]bool{injectorInitName: true}
	for _, l := range languages {
		m[l.initName()] = true
	}
	return m
}()
