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

// tagsEnv is the standard tags' part of the env block (README "Standard tags"): each variable on its own from
// the template's label, else the workload's, else the config; an empty value is not injected.
func (tr *Transformer) tagsEnv(t *podtemplate.Template) ([]envVar, error) {
	if !tr.cfg.Tags.Enabled {
		return nil, nil
	}
	var block []envVar
	for _, tag := range standardTags {
		v, err := t.Label(tag.label)
		if err != nil {
			return nil, err
		}
		value := v.Text
		if !v.Found {
			value = tag.fallback(tr)
		}
		if value != "" {
			block = append(block, valueVar(tag.env, value))
		}
	}
	return block, nil
}
