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

// counts feed the summary result.
type counts struct {
	seen, mutated, upToDate, skipped int
}

// Run mutates the selected pod templates of items in place and returns the results, ending with
// one summary. Local-config objects (the Kptfile) and kinds without a pod template pass untouched.
func (tr *Transformer) Run(items []*krm.Object) krm.Results {
	var rs krm.Results
	var n counts
	for _, o := range items {
		if o.IsLocalConfig() {
			continue
		}
		t, err := tr.kinds.Find(o)
		if err != nil {
			report(&rs, o, err)
			continue
		}
		if t == nil {
			continue
		}
		n.seen++
		changed, selected := tr.template(t, &rs)
		switch {
		case !selected:
			n.skipped++
		case changed:
			n.mutated++
		default:
			n.upToDate++
		}
	}
	rs.Infof("inject-datadog: %d pod templates: %d mutated, %d already up to date, %d not selected",
		n.seen, n.mutated, n.upToDate, n.skipped)
	return rs
}

// template mutates one pod template; it returns whether it changed it and whether it was selected.
func (tr *Transformer) template(t *podtemplate.Template, rs *krm.Results) (changed, selected bool) {
	o := t.Object
	warn := func(field, format string, args ...any) { rs.Warningf(o, field, format, args...) }
	r, err := tr.selectTemplate(t, warn)
	if err != nil {
		report(rs, o, err)
		return false, true
	}
	if r == notSelected {
		return false, false
	}
	p, errs := loadPod(t)
	for _, e := range errs {
		report(rs, o, e)
	}
	if p == nil {
		return false, true
	}
	if err := tr.mutate(p, warn); err != nil {
		report(rs, o, err)
	}
	return p.changed, true
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
