package inject

import (
	"fmt"
	"strings"

	"inject-datadog/fn/internal/krm"
	"inject-datadog/fn/internal/podtemplate"
)

// An explanation says, in one line a reviewer reads, what was decided for a pod template and
// why (docs/ci.md "Explanations"). It is written from what the output holds and from the rules, so
// that rendering the output again gives the same line.

// explainTemplate is the line of a template that was decided: not selected (pod nil), failed
// (failure set), or instrumented.
func (tr *Transformer) explainTemplate(t *podtemplate.Template, selected bool, reason string, p *pod, failure error) string {
	head := describeObject(t.Object)
	switch {
	case failure != nil:
		return fmt.Sprintf("%s: failed: %v", head, failure)
	case !selected:
		return fmt.Sprintf("%s: not selected: %s", head, reason)
	}
	var parts []string
	if p.stages.main {
		parts = []string{fmt.Sprintf("%s: instrumented (%s)", head, reason), tr.explainAgent(t), tr.explainTags(t), tr.explainLibraries(p)}
	} else {
		why := "Agent sidecar: " + p.stages.sidecarReason
		if !p.stages.sidecar {
			why = "CWS: " + p.stages.cwsReason
		}
		parts = []string{fmt.Sprintf("%s: instrumented (%s)", head, why),
			"no agent connection, tags or libraries: " + p.mainReason}
	}
	if p.stages.sidecar {
		parts = append(parts, tr.explainSidecar(p))
	}
	if p.stages.cws || p.stages.cwsReason != "" {
		parts = append(parts, tr.explainCWS(p))
	}
	return strings.Join(parts, "; ")
}

// explainSidecar names the sidecar's image and what shaped it.
func (tr *Transformer) explainSidecar(p *pod) string {
	s := tr.cfg.AgentSidecar
	out := "Agent sidecar " + tr.sidecarImage() + " (" + p.stages.sidecarReason + ")"
	if s.Provider != "" {
		out += ", provider " + s.Provider
	}
	if isJob(p.t) {
		out += ", exits with the Job"
	}
	if s.Profile() != nil {
		out += ", profile applied"
	}
	return out
}

// explainCWS says what CWS instrumentation did: remote_copy changes no pod.
func (tr *Transformer) explainCWS(p *pod) string {
	if !p.stages.cws {
		return p.stages.cwsReason
	}
	return "CWS init_container (" + p.stages.cwsReason + ")"
}

func describeObject(o *krm.Object) string {
	if ns := o.Namespace(); ns != "" {
		return fmt.Sprintf("%s %s/%s", o.Kind(), ns, o.Name())
	}
	return fmt.Sprintf("%s %s", o.Kind(), o.Name())
}

func (tr *Transformer) explainAgent(t *podtemplate.Template) string {
	if !tr.cfg.Agent.Enabled {
		return "agent off (config.enabled: false)"
	}
	label, err := t.Label(labelMode)
	if err != nil {
		return "agent " + tr.cfg.Agent.Mode
	}
	mode, ok := tr.agentMode(label.Text)
	if label.Found && ok {
		return fmt.Sprintf("agent %s (label %s)", mode, labelMode)
	}
	return "agent " + mode
}

// explainTags groups the standard tags by where their values come from.
func (tr *Transformer) explainTags(t *podtemplate.Template) string {
	if !tr.cfg.Tags.Enabled {
		return "tags off (tags.enabled: false)"
	}
	sources := []string{"template labels", "workload labels", "config"}
	by := map[string][]string{}
	for _, tag := range []struct{ name, label, config string }{
		{"env", labelTagEnv, tr.cfg.Tags.Env}, {"service", labelTagService, tr.cfg.Tags.Service}, {"version", labelTagVersion, tr.cfg.Tags.Version},
	} {
		v, err := t.TagLabel(tag.label)
		switch {
		case err != nil:
		case v.Found && strings.HasPrefix(v.Field, t.Field("metadata")):
			by[sources[0]] = append(by[sources[0]], tag.name)
		case v.Found:
			by[sources[1]] = append(by[sources[1]], tag.name)
		case !v.Found && tag.config != "":
			by[sources[2]] = append(by[sources[2]], tag.name)
		}
	}
	var parts []string
	for _, src := range sources {
		if names := by[src]; len(names) > 0 {
			parts = append(parts, strings.Join(names, ",")+" from "+src)
		}
	}
	if len(parts) == 0 {
		return "no tags"
	}
	return "tags " + strings.Join(parts, ", ")
}

// explainLibraries names the libraries the output's template carries, with what chose each, or
// why it carries none.
func (tr *Transformer) explainLibraries(p *pod) string {
	reasons := map[string]string{}
	for _, lib := range p.choice.libs {
		reasons[lib.lang.name] = lib.reason
	}
	if p.choice.target != nil {
		for _, l := range languages {
			if _, ok := reasons[l.name]; !ok {
				reasons[l.name] = fmt.Sprintf("target %q", p.choice.target.Name)
			}
		}
	}
	var libs []string
	for _, ic := range injectedInits(p.spec) {
		if ic.lang == nil {
			continue
		}
		entry := ic.lang.name + " " + imageVersion(ic.image)
		if r := reasons[ic.lang.name]; r != "" {
			entry += " (" + r + ")"
		} else {
			entry += " (injected before)"
		}
		libs = append(libs, entry)
	}
	why := ""
	if len(p.choice.dropped) > 0 {
		why = "; not injected: " + strings.Join(p.choice.dropped, ", ")
	}
	switch {
	case len(libs) > 0:
		return "libraries " + strings.Join(libs, ", ") + why
	case why != "":
		return "no library" + why
	case p.skipped != "":
		return "libraries skipped: " + strings.TrimPrefix(p.skipped, "The overall pod's containers limit is too low, ")
	case p.choice.unmatched:
		return "no library: no target matches"
	case (len(tr.cfg.Targets) > 0 || len(tr.cfg.Libraries.Inject) > 0) && !tr.singleStepNamespace(p.t.Namespace()):
		return fmt.Sprintf("no library: Single Step chooses none in namespace %s", p.t.Namespace())
	}
	return "no library"
}

// imageVersion is an image's tag or digest ("v3", "sha256:..."), or "latest" when it has none.
func imageVersion(ref string) string {
	if i := strings.LastIndex(ref, "@"); i >= 0 {
		return ref[i+1:]
	}
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		return ref[i+1:]
	}
	return "latest"
}
