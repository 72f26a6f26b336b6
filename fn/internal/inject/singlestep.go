package inject

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/config"
	"inject-datadog/fn/internal/yamltree"
)

// What Single Step adds when a target or libraries.inject chose the libraries (docs/single-step-targets.md): the target's ddTraceConfigs and its JSON, the service name, the basic config.
const (
	envAppliedTarget        = "DD_INSTRUMENTATION_APPLIED_TARGET"
	envServiceSource        = "DD_SERVICE_K8S_ENV_SOURCE"
	annotationAppliedTarget = "internal.apm.datadoghq.com/applied-target"
	serviceSourceOwner      = "owner="
	serviceSourceExisting   = "existing="
)

// basicConfig are set to "true" in the library containers that do not define them.
var basicConfig = []string{"DD_TRACE_ENABLED", "DD_LOGS_INJECTION", "DD_TRACE_HEALTH_METRICS_ENABLED", "DD_RUNTIME_METRICS_ENABLED"}

// traceConfigEnv is the target's ddTraceConfigs, in the config's order, for the user's containers
// but the excluded ones.
func traceConfigEnv(t *config.Target) []envVar {
	if t == nil {
		return nil
	}
	var block []envVar
	for _, tc := range t.DDTraceConfigs {
		v := valueVar(tc.Name, tc.Value)
		if tc.ValueFrom != nil {
			from := tc.ValueFrom
			v.item = func(*container) *yaml.Node {
				return yamltree.Map("name", tc.Name, "valueFrom", deepCopy(from))
			}
		}
		v.only = notExcluded
		block = append(block, v)
	}
	return block
}

// appliedTargetEnv names the target in every user container but the excluded ones.
func appliedTargetEnv(t *config.Target) []envVar {
	if t == nil {
		return nil
	}
	v := valueVar(envAppliedTarget, t.JSON())
	v.only = notExcluded
	return []envVar{v}
}

// basicConfigEnv turns on tracing, log injection and the health and runtime metrics in the
// containers that load a library.
func basicConfigEnv(libs []library) []envVar {
	var block []envVar
	for _, name := range basicConfig {
		v := valueVar(name, "true")
		v.only = loadsAny(libs)
		block = append(block, v)
	}
	return block
}

// serviceName gives DD_SERVICE to the app containers that lack it, where neither a tag label nor
// tags.service does: a definition that an app container already has is copied (a literal one is
// named in DD_SERVICE_K8S_ENV_SOURCE), else the workload's own name, for every kind but a bare Pod
// or PodTemplate. service goes in the DD_SERVICE slot of the tags, source after the target's
// settings; both are nil when the rule gives nothing.
func serviceName(p *pod) (service, source *envVar) {
	lacking := func(c *container) bool { return c.role == appContainer && !c.envNames[envService] }
	for _, c := range p.containers {
		if c.role != appContainer || !c.envNames[envService] {
			continue
		}
		def := envDefinition(c, envService)
		if def == nil {
			return nil, nil
		}
		service = &envVar{name: envService, only: lacking, item: func(*container) *yaml.Node { return deepCopy(def) }}
		if v := yamltree.Get(def, "value"); yamltree.IsStr(v) && v.Value != "" {
			s := valueVar(envServiceSource, serviceSourceExisting+v.Value)
			s.only = lacking
			source = &s
		}
		return service, source
	}
	o := p.t.Object
	if o.Kind() == "Pod" || o.Kind() == "PodTemplate" || o.Name() == "" {
		return nil, nil
	}
	s, src := valueVar(envService, o.Name()), valueVar(envServiceSource, serviceSourceOwner+o.Name())
	s.only, src.only = lacking, lacking
	return &s, &src
}

// envDefinition is c's env item for name (the last, which Kubernetes uses), nil when none.
func envDefinition(c *container, name string) *yaml.Node {
	env := yamltree.Items(yamltree.Get(c.node, "env"))
	for i := len(env) - 1; i >= 0; i-- {
		if n := yamltree.Get(env[i], "name"); n != nil && n.Value == name {
			return env[i]
		}
	}
	return nil
}
