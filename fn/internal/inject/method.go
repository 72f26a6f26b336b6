package inject

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/config"
)

// injectionMethod is one way of putting tracing libraries into a pod (SPEC §5).
type injectionMethod interface {
	// supports reports whether the method can inject the language.
	supports(l language) bool
	// plan checks that the libraries can go into the pod as it was written, before anything is
	// edited, and returns the edit that injects them; the edit returns the volumes it added.
	plan(p *pod, libs []library) (inject func(init initSettings) (added []string), err error)
}

// initSettings are what every injected init container carries.
type initSettings struct {
	resources, securityContext *yaml.Node
}

// method is the configured injection method.
func (tr *Transformer) method() injectionMethod {
	switch tr.cfg.Libraries.Method {
	case config.MethodLanguageEnv:
		return languageEnv{tr}
	}
	return languageEnv{tr}
}

// Shared shapes of both methods.
const (
	volumeLibraries = "datadog-auto-instrumentation"
)

// emptyDir is "emptyDir: {}", written in flow style as everyone writes it.
func emptyDir() *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap, Style: yaml.FlowStyle}
	return m
}
