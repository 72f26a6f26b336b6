package inject

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

const (
	labelPodSecurityEnforce = "pod-security.kubernetes.io/enforce"
	podSecurityRestricted   = "restricted"
)

// initSecurityContext is the injected init containers' securityContext: the configured one, else
// the restricted profile in a restricted namespace, else none (nil).
func (tr *Transformer) initSecurityContext(p *pod) *yaml.Node {
	if sc := tr.cfg.Libraries.SecurityContext; sc != nil {
		return deepCopy(sc)
	}
	if tr.namespaces[p.t.Namespace()][labelPodSecurityEnforce] != podSecurityRestricted {
		return nil
	}
	return yamltree.Map(
		"allowPrivilegeEscalation", false,
		"runAsNonRoot", true,
		"capabilities", yamltree.Map("drop", yamltree.StrSeq("ALL")),
		"seccompProfile", yamltree.Map("type", "RuntimeDefault"),
	)
}

// deepCopy copies a node tree, so that one configured value can be placed in several spots.
// Aliases are resolved: the anchor they point to stays behind in the functionConfig.
func deepCopy(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return deepCopy(n.Alias)
	}
	c := *n
	c.Anchor = ""
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, ch := range n.Content {
		c.Content[i] = deepCopy(ch)
	}
	return &c
}
