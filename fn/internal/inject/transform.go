package inject

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"inject-datadog/fn/internal/config"
	"inject-datadog/fn/internal/krm"
	"inject-datadog/fn/internal/podtemplate"
)

// Transformer mutates the pod templates of a ResourceList's items for one configuration.
type Transformer struct {
	cfg   *config.Config
	kinds *podtemplate.Kinds
	// namespaces are the labels of the namespaces: the bundle's Namespaces, under the config's
	// namespaceLabels. They decide restricted init containers and namespace selectors.
	namespaces map[string]map[string]string
	// mu guards summary: Object may run on several items at once.
	mu      sync.Mutex
	summary Summary
}

// warnFunc reports a warning about a field of the resource at hand.
type warnFunc func(field, format string, args ...any)

// New prepares a transformer; everything derived from the config alone is built here, once.
func New(cfg *config.Config) *Transformer {
	tr := &Transformer{cfg: cfg, kinds: podtemplate.NewKinds(cfg.PodTemplatePaths),
		summary: Summary{Libraries: map[string]int{}, Targets: map[string]int{}, Images: map[string]bool{}}}
	for _, t := range cfg.Targets {
		tr.summary.targetOrder = append(tr.summary.targetOrder, t.Name)
	}
	tr.summary.removal = cfg.Mode == config.RunRemove
	return tr
}

type outcome int

const (
	notSelectedOutcome outcome = iota
	instrumented
	failed
)

// SetNamespaces gives the transformer the bundle's Namespace objects (others are ignored): their
// labels make a namespace restricted and match targets' namespace selectors. It must come before
// Object, for callers that stream the items.
func (tr *Transformer) SetNamespaces(items []*krm.Object) {
	tr.namespaces = namespaceLabels(items, tr.cfg.NamespaceLabels)
}

// Summary is what the transformer has seen so far.
func (tr *Transformer) Summary() Summary {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	s := tr.summary
	s.Libraries, s.Targets, s.Images = maps.Clone(s.Libraries), maps.Clone(s.Targets), maps.Clone(s.Images)
	return s
}

// Object mutates the pod template of one item in place, if it has one, and the templates of a
// List's items (kustomize expands Lists before a function runs, kpt does not: docs/yaml-fidelity.md "Lists").
// It returns the results and whether it changed the item. It may run on several items at once:
// the items are independent, and the summary only adds up.
func (tr *Transformer) Object(o *krm.Object) (krm.Results, bool) {
	if o.IsLocalConfig() {
		return nil, false
	}
	if items := krm.ListItems(o); items != nil {
		var rs krm.Results
		changed := false
		for _, it := range items {
			r, ch := tr.Object(it)
			rs, changed = append(rs, r...), changed || ch
		}
		return rs, changed
	}
	t, absent, err := tr.kinds.Find(o)
	var unhandled *podtemplate.UnhandledVersionError
	removal := tr.cfg.Mode == config.RunRemove
	switch {
	case errors.As(err, &unhandled) && removal:
		// The render's warning: no render wrote into a kind it does not handle, and removal
		// repeats none of the render's warnings (docs/migration.md "Leaving").
		return nil, false
	case errors.As(err, &unhandled):
		var rs krm.Results
		rs.Warningf(o, "apiVersion", "%s", unhandled.Error())
		return rs, false
	case absent:
		tr.count(func(n *Summary) { n.NoTemplate++ })
		return nil, false
	case t == nil && err == nil:
		return nil, false
	}
	if err == nil && removal {
		var rs krm.Results
		changed, orphan := tr.removeTemplate(t, &rs)
		tr.count(func(n *Summary) {
			n.Templates++
			if orphan {
				n.Orphans++
			}
		})
		return rs, changed
	}
	var rs krm.Results
	out, langs, changed := failed, []string(nil), false
	if err != nil {
		report(&rs, o, err)
		if tr.cfg.Report.Workloads {
			rs.InfoAbout(o, "%s: failed: %v", describeObject(o), err)
		}
	} else {
		out, langs, changed = tr.template(t, &rs)
	}
	var images []string
	if t != nil && out != failed {
		images = templateImages(t)
	}
	tr.count(func(n *Summary) {
		for _, img := range images {
			n.Images[img] = true
		}
		n.Templates++
		switch out {
		case notSelectedOutcome:
			n.NotSelected++
		case instrumented:
			n.Instrumented++
			for _, l := range langs {
				n.Libraries[l]++
			}
		case failed:
			n.Failed++
		}
	})
	return rs, changed
}

func (tr *Transformer) count(add func(*Summary)) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	add(&tr.summary)
}

// template mutates one pod template; it returns the languages whose libraries the template
// carries once mutated, and whether it changed anything.
func (tr *Transformer) template(t *podtemplate.Template, rs *krm.Results) (outcome, []string, bool) {
	o := t.Object
	warn := func(field, format string, args ...any) { rs.Warningf(o, field, format, args...) }
	explain := func(selected bool, reason string, p *pod, failure error) {
		if tr.cfg.Report.Workloads {
			rs.InfoAbout(o, "%s", tr.explainTemplate(t, selected, reason, p, failure))
		}
	}
	r, reason, err := tr.selectTemplate(t, warn)
	if err != nil {
		report(rs, o, err)
		explain(false, "", nil, err)
		return failed, nil, false
	}
	st, err := tr.selectStages(t, r != notSelected, warn)
	if err != nil {
		report(rs, o, err)
		explain(false, "", nil, err)
		return failed, nil, false
	}
	if !st.any() {
		if st.cwsReason != "" {
			reason += "; " + st.cwsReason
		}
		explain(false, reason, nil, nil)
		return notSelectedOutcome, nil, false
	}
	p, errs := tr.editablePod(t, rs)
	if p == nil {
		explain(true, reason, nil, errs[0])
		return failed, nil, false
	}
	p.stages = st
	if !st.main {
		p.mainReason = reason
	}
	target, err := tr.mutate(p, warn)
	if err != nil {
		report(rs, o, err)
		explain(true, reason, nil, err)
		return failed, nil, false
	}
	// References Kubernetes will not expand, in every container of an instrumented template (so
	// that a render of the output warns the same).
	for _, c := range p.containers {
		for _, prob := range checkVarRefs(c.node) {
			warn(c.field+"."+prob.Field, "%s", prob.message(c.name))
		}
	}
	explain(true, reason, p, nil)
	if target != nil {
		tr.count(func(n *Summary) { n.Targets[target.Name]++ })
	}
	return instrumented, p.languages(), p.edit.changed
}

// stages says which mutations select a template: the agent connection, the tags and the
// libraries (main), the Agent sidecar, CWS instrumentation; each with why, for the explanation.
type stages struct {
	main, sidecar, cws       bool
	sidecarReason, cwsReason string
}

func (s stages) any() bool { return s.main || s.sidecar || s.cws }

// selectStages applies the sidecar's and CWS's own selections, next to the main one.
func (tr *Transformer) selectStages(t *podtemplate.Template, main bool, warn warnFunc) (stages, error) {
	st := stages{main: main}
	var err error
	if st.sidecar, st.sidecarReason, err = tr.selectSidecar(t, warn); err != nil {
		return st, err
	}
	st.cws, st.cwsReason, err = tr.selectCWS(t, warn)
	return st, err
}

// mutate adds to a checked pod what each stage that selected it adds, in the webhooks' order
// (docs/behaviour.md "The Agent sidecar"): the env block and the agent volumes, the Agent
// sidecar, the libraries, CWS instrumentation. The containers the sidecar and CWS add get the
// env block and the agent volumes too, as the re-invoked webhooks give them.
func (tr *Transformer) mutate(p *pod, warn warnFunc) (*config.Target, error) {
	if err := p.edit.start(slices.Concat(p.containers, p.injected)); err != nil {
		return nil, err
	}
	var sc sidecarState
	if p.stages.sidecar {
		if tr.fargate() {
			if err := tr.checkFargateVolumes(p); err != nil {
				return nil, err
			}
		}
		var err error
		if sc, err = tr.addSidecar(p); err != nil {
			return nil, err
		}
	}
	var lp libraryPlan
	var block []envVar
	var volumes []volume
	if p.stages.main {
		var err error
		if lp, err = tr.planLibraries(p, warn); err != nil {
			return nil, err
		}
		tags, usedService, err := tr.tagsEnv(p.t, lp.service)
		if err != nil {
			return nil, err
		}
		if usedService && lp.serviceSource != nil {
			lp.singleStep = append(lp.singleStep, *lp.serviceSource)
		}
		var agent []envVar
		if tr.cfg.Agent.Enabled {
			label, err := p.t.Label(labelMode)
			if err != nil {
				return nil, err
			}
			mode, ok := tr.agentMode(label.Text)
			if !ok {
				warn(label.Field, "ignored: the value must be one of hostip, service, socket, csi, found %q; using %s", label.Text, mode)
			}
			agent, volumes = tr.agentEnv(mode), tr.agentVolumes(mode)
			if p.stages.sidecar && tr.fargate() {
				volumes = nil // the fargate provider replaces them with its own (docs/behaviour.md "The Agent sidecar")
			}
		}
		block = composeEnvBlock(envSources{install: lp.install, traceConfigs: lp.traceConfigs,
			singleStep: lp.singleStep, basicConfig: lp.basicConfig, libConfig: lp.libConfig,
			switches: lp.switches, tags: tags, agent: agent})
	}
	for _, c := range p.containers {
		p.prependEnv(c, block)
	}
	var added []string
	for _, v := range volumes {
		if p.mountEach(v, p.containers) {
			added = append(added, v.name)
		}
	}
	if p.stages.sidecar {
		a, err := tr.finishSidecar(p, sc, warn)
		if err != nil {
			return nil, err
		}
		added = append(added, a...)
	}
	if len(lp.libs) > 0 {
		added = append(added, lp.inject(lp.init)...)
		// A skip reported by an earlier render no longer holds.
		if err := p.edit.removeAnnotation(annotationInjectionError); err != nil {
			return nil, err
		}
		if lp.target != nil {
			if err := p.edit.setAnnotation(annotationAppliedTarget, lp.target.JSON()); err != nil {
				return nil, err
			}
		}
	}
	if p.stages.cws {
		a, err := tr.instrumentCWS(p, block, volumes)
		if err != nil {
			return nil, err
		}
		added = append(added, a...)
	}
	if err := p.markSafeToEvict(added); err != nil {
		return nil, err
	}
	for _, c := range p.containers {
		p.edit.orderEnv(c)
	}
	return lp.target, p.edit.finish()
}

// libraryPlan is what a template's libraries take, worked out before anything is edited.
type libraryPlan struct {
	libs []library
	// target is the Single Step target that chose the libraries, nil when none did.
	target *config.Target
	// The library's parts of the env block (docs/behaviour.md "The env block").
	install, traceConfigs, singleStep, basicConfig, libConfig, switches []envVar
	// service is Single Step's DD_SERVICE, for the tags' slot, and serviceSource says where it
	// came from; nil when the rule gives none.
	service, serviceSource *envVar
	init                   initSettings
	inject                 func(initSettings) []string
}

// planLibraries chooses the template's libraries and checks that they can go in. When the pod's
// limits are too low for them, it notes the skip on the template and plans no library.
func (tr *Transformer) planLibraries(p *pod, warn warnFunc) (libraryPlan, error) {
	m, err := tr.methodFor(p, warn)
	if err != nil {
		return libraryPlan{}, err
	}
	choice, err := tr.chooseLibraries(p, m, warn)
	if err != nil || len(choice.libs) == 0 {
		return libraryPlan{target: choice.target}, err
	}
	if !anyTarget(p, choice.libs) {
		// Every container is excluded (an istio-proxy-only gateway): nothing would load them.
		p.skipped = "every container is in libraries.excludeContainers"
		return libraryPlan{target: choice.target}, nil
	}
	res, tooLow, err := tr.initResources(p)
	if err != nil {
		return libraryPlan{}, err
	}
	inject, err := m.plan(p, choice.libs, warn)
	if err != nil {
		return libraryPlan{}, err
	}
	settings, err := tr.libConfigEnv(p, choice.libs)
	if err != nil {
		return libraryPlan{}, err
	}
	if tooLow != "" {
		p.skipped = tooLow
		warn(p.t.Field("spec"), "no library injected: %s", tooLow)
		return libraryPlan{target: choice.target}, p.edit.setAnnotation(annotationInjectionError, tooLow)
	}
	lp := libraryPlan{
		libs:         choice.libs,
		target:       choice.target,
		install:      tr.installEnv(choice.singleStep),
		traceConfigs: traceConfigEnv(choice.target),
		singleStep:   appliedTargetEnv(choice.target),
		libConfig:    settings,
		switches:     tr.switchEnv(choice.libs),
		init:         initSettings{resources: res, securityContext: tr.initSecurityContext(p)},
		inject:       inject,
	}
	if choice.singleStep {
		lp.service, lp.serviceSource = serviceName(p)
		lp.basicConfig = basicConfigEnv(choice.libs)
	}
	return lp, nil
}

// report turns an error about o into an error result with its field path when it has one.
func report(rs *krm.Results, o *krm.Object, err error) {
	var fe *podtemplate.FieldError
	if errors.As(err, &fe) {
		rs.Errorf(o, fe.Field, "%s", fe.Message)
		return
	}
	rs.Errorf(o, "", "%s", fmt.Sprint(err))
}
