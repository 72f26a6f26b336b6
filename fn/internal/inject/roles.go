package inject

import "slices"

// role is what a container of a selected pod is to the injection; docs/behaviour.md "The env block"
// says what each role gets.
type role int

const (
	// appContainer is a container (or a user init container named nowhere else) that can load
	// the tracing libraries: one of spec.containers, not excluded.
	appContainer role = iota
	// excludedContainer is named in libraries.excludeContainers (istio-proxy): it gets the agent
	// connection and the tags, never a library, its mounts or its settings.
	excludedContainer
	// userInitContainer is one of the user's spec.initContainers: the agent connection, the tags
	// and the install variables, never a library.
	userInitContainer
	// injectedInitContainer is an init container this function (or Datadog's webhook) adds: it
	// only copies files and gets nothing.
	injectedInitContainer
	// agentInjected is a container the Agent sidecar or CWS mutation adds (datadog-agent-injected,
	// init-copy-agent-config, cws-instrumentation): the re-invoked webhooks give it the agent
	// connection and the tags, never a library or its settings (docs/behaviour.md "The Agent sidecar").
	agentInjected
)

// roleOf gives a container its role from its name and the list it is in.
func (tr *Transformer) roleOf(name string, init bool) role {
	switch {
	case !init && writes.containers[name], init && (name == copyConfigInitName || name == cwsInitName):
		return agentInjected
	case init && writes.inits[name]:
		return injectedInitContainer
	case slices.Contains(tr.cfg.Libraries.ExcludeContainers, name):
		return excludedContainer
	case init:
		return userInitContainer
	}
	return appContainer
}

// loads reports whether c is one of the library's target containers: an app container, and one
// that the library's container-scoped annotations name when it has some.
func (lib library) loads(c *container) bool {
	return c.role == appContainer && (lib.containers == nil || lib.containers[c.name])
}

// loadsAny selects the containers that load at least one of the libraries.
func loadsAny(libs []library) func(c *container) bool {
	return func(c *container) bool {
		for _, lib := range libs {
			if lib.loads(c) {
				return true
			}
		}
		return false
	}
}

// notExcluded selects every container of the user but the excluded ones.
func notExcluded(c *container) bool { return c.role != excludedContainer && c.role != agentInjected }
