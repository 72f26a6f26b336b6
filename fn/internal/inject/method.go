package inject

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/config"
	"inject-datadog/fn/internal/podtemplate"
)

// injectionMethod is one way of putting tracing libraries into a pod (docs/behaviour.md "Tracing libraries").
type injectionMethod interface {
	// name is the method's libraries.method value.
	name() string
	// supports reports whether the method can inject the language.
	supports(l language) bool
	// plan checks that the libraries can go into the pod as it was written, before anything is
	// edited, and returns the edit that injects them; the edit returns the volumes it added.
	plan(p *pod, libs []library, warn warnFunc) (inject func(init initSettings) (added []string), err error)
}

// initSettings are what every injected init container carries.
type initSettings struct {
	resources, securityContext *yaml.Node
}

func (languageEnv) name() string { return config.MethodLanguageEnv }
func (apmInject) name() string   { return config.MethodAPMInject }

const annotationInjectionMode = annotationPrefix + "apm-inject.injection-mode"

// methodFor is the template's method: libraries.method, unless the template's
// apm-inject.injection-mode annotation names one this function supports. Datadog's own
// "init_container" is the apm-inject method; "auto" keeps the configured one.
func (tr *Transformer) methodFor(p *pod, warn warnFunc) (injectionMethod, error) {
	name := tr.cfg.Libraries.Method
	v, err := p.t.Annotation(annotationInjectionMode)
	if err != nil {
		return nil, err
	}
	if v.Found {
		switch strings.ToLower(v.Text) {
		case config.MethodLanguageEnv:
			name = config.MethodLanguageEnv
		case config.MethodAPMInject, "init_container":
			name = config.MethodAPMInject
		case "auto":
		default:
			warn(v.Field, "ignored: the value must be one of %s, %s, init_container or auto, found %q; using %s",
				config.MethodLanguageEnv, config.MethodAPMInject, v.Text, name)
		}
	}
	if name == config.MethodAPMInject {
		debug, err := injectorDebug(p, warn)
		if err != nil {
			return nil, err
		}
		return apmInject{tr: tr, debug: debug}, nil
	}
	return languageEnv{tr}, nil
}

// checkNoSwitch refuses a template injected before with the other method: adding this method's
// parts would leave a pod with both, and removing the old ones is not ours to guess.
func checkNoSwitch(p *pod, m injectionMethod) error {
	was := config.MethodLanguageEnv
	for _, c := range p.injected {
		if c.name == injectorInitName {
			was = config.MethodAPMInject
		}
	}
	if was == m.name() {
		return nil
	}
	return &podtemplate.FieldError{Field: p.injected[0].field, Message: fmt.Sprintf(
		"the template was injected with the %s method (init container %s), and the %s method is asked for now: render from the sources without the injected parts, or keep the %s method",
		was, p.injected[0].name, m.name(), was)}
}

// Shared shapes of both methods.
const (
	volumeLibraries = "datadog-auto-instrumentation"
)

// emptyDir is "emptyDir: {}", written in flow style as everyone writes it.
func emptyDir() *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap, Style: yaml.FlowStyle}
}
