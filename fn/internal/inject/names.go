// Package inject is the transform: it decides which pod templates are selected and adds to them
// what Datadog's admission webhook adds to pods (docs/behaviour.md "What it does to a pod template"), editing the YAML tree in place.
package inject

import "strings"

// Labels and annotations read from pod templates.
const (
	labelEnabled        = "admission.datadoghq.com/enabled"
	labelMode           = "admission.datadoghq.com/config.mode"
	labelTagEnv         = "tags.datadoghq.com/env"
	labelTagService     = "tags.datadoghq.com/service"
	labelTagVersion     = "tags.datadoghq.com/version"
	annotationSafeEvict = "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes"
)

// namespaceKubeSystem is never mutated through an unlabelled route (docs/behaviour.md "Selection").
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

// writes is the table of what a render may write into a pod template (the editor writes
// nothing else): removal takes out only entries of it (docs/migration.md "Leaving"), and the image list
// and explanations find the injected init containers by it.
var writes = struct {
	// envPrefixes start the variables of the agent, the tags, the libraries' settings and a
	// target's ddTraceConfigs; the languages' and the injector's are named in merges.
	envPrefixes []string
	// merges are the named variables; a render adds them, or merges into the user's own by the
	// rule of their langVar: removal undoes a merge only there, and only when the value is what
	// the rule makes of the recorded one.
	merges  map[string]langVar
	volumes map[string]bool
	// inits are the init containers the library injection adds, in either method, and that
	// Datadog's webhook adds too: they are never treated as the user's.
	inits       map[string]bool
	annotations map[string]bool
	// containers are the containers a render adds to spec.containers (the Agent sidecar); every
	// variable of theirs is the render's. specFields are the scalar fields of the spec it sets.
	containers, specFields map[string]bool
	// specLists are the lists of the spec, containerLists those of a container, and metaMaps the
	// maps of the template's metadata that a render may create where there were none.
	specLists, containerLists, metaMaps map[string]bool
}{
	envPrefixes: []string{"DD_", "OTEL_"},
	merges:      mergedVars(),
	volumes: setOf(volumeSocketDir, volumeDogstatsd, volumeTraceAgent, volumeLibraries, volumeLibrariesEtc,
		volumeAgentConfig, volumeAgentOption, volumeAgentTmp, volumeAgentLog, volumeSockets, volumeCWS),
	inits: func() map[string]bool {
		m := setOf(injectorInitName, copyConfigInitName, cwsInitName)
		for _, l := range languages {
			m[l.initName()] = true
		}
		return m
	}(),
	annotations:    setOf(annotationSafeEvict, annotationAppliedTarget, annotationInjectionError, annotationCWSStatus),
	containers:     setOf(sidecarName),
	specFields:     setOf("shareProcessNamespace"),
	specLists:      setOf("volumes", "initContainers", "containers"),
	containerLists: setOf("env", "volumeMounts"),
	metaMaps:       setOf("metadata", "metadata.annotations"),
}

// mergedVars are the variables of the languages, the injector and the Agent sidecar's fargate
// provider, by name: a render adds them, or merges into the user's own (the fargate ones replace
// the user's value).
func mergedVars() map[string]langVar {
	m := map[string]langVar{}
	for _, l := range languages {
		for _, v := range l.env {
			m[v.name] = v
		}
	}
	for _, v := range append(append([]langVar{}, injectorVars...), debugVars...) {
		m[v.name] = v
	}
	for _, kv := range append(append([][2]string{}, fargateSidecarEnv...), fargateAppEnv...) {
		m[kv[0]] = langVar{name: kv[0], value: kv[1], merge: replaceValue}
	}
	return m
}

// writesEnv reports a variable a render may write.
func writesEnv(name string) bool {
	for _, p := range writes.envPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	_, named := writes.merges[name]
	return named
}

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}
