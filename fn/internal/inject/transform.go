package inject

import (
	"errors"
	"fmt"

	"inject-datadog/fn/internal/config"
	"inject-datadog/fn/internal/krm"
	"inject-datadog/fn/internal/podtemplate"
)

// Transformer mutates the pod templates of a ResourceList's items for one configuration.
type Transformer struct {
	cfg   *config.Config
	kinds *podtemplate.Kinds
}

// New prepares a transformer; everything derived from the config alone is built here, once.
func New(cfg *config.Config) *Transformer {
	return &Transformer{cfg: cfg, kinds: podtemplate.NewKinds(cfg.PodTemplatePaths)}
}

// Summary counts what a run did to pod templates, for the one info result that ends the run.
type Summary struct {
	Seen, Mutated, UpToDate, NotSelected, Failed int
}

// Message is the summary's text; rolledBack says the output carries the input unchanged.
func (s Summary) Message(rolledBack bool) string {
	noun := "pod templates"
	if s.Seen == 1 {
		noun = "pod template"
	}
	msg := fmt.Sprintf("inject-datadog: %d %s: %d mutated, %d already up to date, %d not selected, %d failed",
		s.Seen, noun, s.Mutated, s.UpToDate, s.NotSelected, s.Failed)
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
	var rs krm.Results
	var n Summary
	for _, o := range items {
		if o.IsLocalConfig() {
			continue
		}
		t, err := tr.kinds.Find(o)
		if t == nil && err == nil {
			continue
		}
		n.Seen++
		if err != nil {
			report(&rs, o, err)
			n.Failed++
			continue
		}
		switch tr.template(t, &rs) {
		case notSelectedOutcome:
			n.NotSelected++
		case mutated:
			n.Mutated++
		case upToDate:
			n.UpToDate++
		case failed:
			n.Failed++
		}
	}
	return rs, n
}

// template mutates one pod template.
func (tr *Transformer) template(t *podtemplate.Template, rs *krm.Results) outcome {
	o := t.Object
	warn := func(field, format string, args ...any) { rs.Warningf(o, field, format, args...) }
	r, err := tr.selectTemplate(t, warn)
	if err != nil {
		report(rs, o, err)
		return failed
	}
	if r == notSelected {
		return notSelectedOutcome
	}
	p, errs := loadPod(t)
	for _, e := range errs {
		report(rs, o, e)
	}
	if p == nil {
		return failed
	}
	if err := tr.mutate(p, warn); err != nil {
		report(rs, o, err)
		return failed
	}
	if p.changed {
		return mutated
	}
	return upToDate
}

// mutate adds the env block and the agent volumes to a checked pod.
func (tr *Transformer) mutate(p *pod, warn func(field, format string, args ...any)) error {
	block, err := tr.tagsEnv(p.t)
	if err != nil {
		return err
	}
	var volumes []volume
	if tr.cfg.Agent.Enabled {
		label, err := p.t.Label(labelMode)
		if err != nil {
			return err
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
	return p.markSafeToEvict(added)
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
