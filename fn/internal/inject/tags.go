package inject

import (
	"inject-datadog/fn/internal/podtemplate"
)

// standardTags are the unified service tags, in the order they open the env block.
var standardTags = []struct {
	env, label string
	fallback   func(*Transformer) string
}{
	{envVersion, labelTagVersion, func(tr *Transformer) string { return tr.cfg.Tags.Version }},
	{envService, labelTagService, func(tr *Transformer) string { return tr.cfg.Tags.Service }},
	{envEnv, labelTagEnv, func(tr *Transformer) string { return tr.cfg.Tags.Env }},
}

// tagsEnv is the standard tags' part of the env block (docs/behaviour.md "Standard tags"): each variable on its own from
// the template's label, else the workload's, else the config; an empty value is not injected.
//
// service, when given, is Single Step's DD_SERVICE: it takes the DD_SERVICE slot where no label
// nor tags.service gives one (docs/single-step-targets.md "Single Step targets").
func (tr *Transformer) tagsEnv(t *podtemplate.Template, service *envVar) (block []envVar, usedService bool, err error) {
	for _, tag := range standardTags {
		if !tr.cfg.Tags.Enabled {
			if tag.env == envService && service != nil {
				block, usedService = append(block, *service), true
			}
			continue
		}
		v, err := t.Label(tag.label)
		if err != nil {
			return nil, false, err
		}
		value := v.Text
		if !v.Found {
			value = tag.fallback(tr)
		}
		switch {
		case value != "":
			block = append(block, valueVar(tag.env, value))
		case tag.env == envService && service != nil:
			block, usedService = append(block, *service), true
		}
	}
	return block, usedService, nil
}
