package inject

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"inject-datadog/fn/internal/config"
	"inject-datadog/fn/internal/krm"
	"inject-datadog/fn/internal/podtemplate"
)

// Transformer mutates the pod templates of a ResourceList's items for one configuration.
type Transformer struct {
	cfg   *config.Config
	kinds *podtemplate.Kinds
	// restricted are the bundle's namespaces that enforce the restricted Pod Security Standard.
	restricted map[string]bool
	// mu guards summary: Object may run on several items at once.
	mu      sync.Mutex
	summary Summary
}

// warnFunc reports a warning about a field of the resource at hand.
type warnFunc func(field, format string, args ...any)

// New prepares a transformer; everything derived from the config alone is built here, once.
func New(cfg *config.Config) *Transformer {
	return &Transformer{cfg: cfg, kinds: podtemplate.NewKinds(cfg.PodTemplatePaths),
		summary: Summary{Libraries: map[string]int{}}}
}

// Summary counts what a run did to pod templates, for the one info result that ends the run.
type Summary struct {
	Seen, Mutated, UpToDate, NotSelected, Failed int
	// Libraries counts the templates that got each language.
	Libraries map[string]int
}

// Message is the summary's text; rolledBack says the output carries the input unchanged.
func (s Summary) Message(rolledBack bool) string {
	noun := "pod templates"
	if s.Seen == 1 {
		noun = "pod template"
	}
	msg := fmt.Sprintf("inject-datadog: %d %s: %d mutated, %d already up to date, %d not selected, %d failed",
		s.Seen, noun, s.Mutated, s.UpToDate, s.NotSelected, s.Failed)
	var libs []string
	for _, l := range languages {
		if n := s.Libraries[l.name]; n > 0 {
			libs = append(libs, fmt.Sprintf("%s %d", l.name, n))
		}
	}
	if len(libs) == 0 {
		libs = []string{"none"}
	}
	msg += "; libraries injected: " + strings.Join(libs, ", ")
	if rolledBack {
		msg += "; because of the errors, every item is written back unchanged"
	}
	return msg
}

type outcome int

const (
	notSelectedOutcome outcome = iota
	mutated
	upToDate
	failed
)

// Run mutates the selected pod templates of items in place and returns the results and the
// summary. Local-config objects (the Kptfile) and kinds without a pod template pass untouched.
func (tr *Transformer) Run(items []*krm.Object) (krm.Results, Summary) {
	tr.SetNamespaces(items)
	var rs krm.Results
	for _, o := range items {
		rs = append(rs, tr.Object(o)...)
	}
	return rs, tr.Summary()
}

// SetNamespaces gives the transformer the bundle's Namespace objects (others are ignored): a
// restricted one changes the injected init containers of its templates. It must come before
// Object, for callers that stream the items.
func (tr *Transformer) SetNamespaces(items []*krm.Object) {
	tr.restricted = restrictedNamespaces(items)
}

// Summary is what the transformer has done so far.
func (tr *Transformer) Summary() Summary {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.summary
}

// Object mutates the pod template of one item in place, if it has one, and returns the results.
// It may run on several items at once: the items are independent, and the summary only adds up.
func (tr *Transformer) Object(o *krm.Object) krm.Results {
	if o.IsLocalConfig() {
		return nil
	}
	t, err := tr.kinds.Find(o)
	if t == nil && err == nil {
		return nil
	}
	var rs krm.Results
	out := failed
	var libs []library
	if err != nil {
		report(&rs, o, err)
	} else {
		out, libs = tr.template(t, &rs)
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	n := &tr.summary
	n.Seen++
	switch out {
	case notSelectedOutcome:
		n.NotSelected++
	case mutated:
		n.Mutated++
	case upToDate:
		n.UpToDate++
	case failed:
		n.Failed++
	}
	for _, lib := range libs {
		n.Libraries[lib.lang.name]++
	}
	return rs
}

// template mutates one pod template; it returns the libraries it injected.
func (tr *Transformer) template(t *podtemplate.Template, rs *krm.Results) (outcome, []library) {
	o := t.Object
	warn := func(field, format string, args ...any) { rs.Warningf(o, field, format, args...) }
	r, err := tr.selectTemplate(t, warn)
	if err != nil {
		report(rs, o, err)
		return failed, nil
	}
	if r == notSelected {
		return notSelectedOutcome, nil
	}
	p, errs := loadPod(t)
	for _, e := range errs {
		report(rs, o, e)
	}
	if p == nil {
		return failed, nil
	}
	libs, err := tr.mutate(p, warn)
	if err != nil {
		report(rs, o, err)
		return failed, nil
	}
	if p.changed {
		return mutated, libs
	}
	return upToDate, libs
}

// mutate adds to a checked pod the env block, the agent volumes and the libraries, and returns
// the libraries it injected.
func (tr *Transformer) mutate(p *pod, warn warnFunc) ([]library, error) {
	lp, err := tr.planLibraries(p, warn)
	if err != nil {
		return nil, err
	}
	tags, err := tr.tagsEnv(p.t)
	if err != nil {
		return nil, err
	}
	block := append(lp.env, tags...)
	var volumes []volume
	if tr.cfg.Agent.Enabled {
		label, err := p.t.Label(labelMode)
		if err != nil {
			return nil, err
		}
		mode, ok := tr.agentMode(label.Text)
		if !ok {
			warn(label.Field, "ignored: the value must be one of hostip, service, socket, csi, found %q; using %s", label.Text, mode)
		}
		block = append(block, tr.agentEnv(mode)...)
		volumes = tr.agentVolumes(mode)
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
	if len(lp.libs) > 0 {
		added = append(added, lp.inject(lp.init)...)
		// A skip reported by an earlier render no longer holds.
		if p.t.RemoveAnnotation(annotationInjectionError) {
			p.changed = true
		}
	}
	return lp.libs, p.markSafeToEvict(added)
}

// libraryPlan is what a template's libraries take, worked out before anything is edited.
type libraryPlan struct {
	libs []library
	// env opens the env block: install type, library settings, switches.
	env    []envVar
	init   initSettings
	inject func(initSettings) []string
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
		return libraryPlan{}, err
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
		warn(p.t.Field("spec"), "no library injected: %s", tooLow)
		return libraryPlan{}, p.setAnnotation(annotationInjectionError, tooLow)
	}
	return libraryPlan{
		libs:   choice.libs,
		env:    append(append(tr.installEnv(choice.singleStep), settings...), tr.switchEnv(choice.libs)...),
		init:   initSettings{resources: res, securityContext: tr.initSecurityContext(p)},
		inject: inject,
	}, nil
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
