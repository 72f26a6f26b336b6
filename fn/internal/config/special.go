package config

import (
	"fmt"
	"regexp"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// The fields whose values are more than a scalar or a list of strings.

// securityContextField takes a map in the object form and a JSON object in a ConfigMap.
func securityContextField(path string) field {
	set := func(c *Config, n *yaml.Node) error {
		if n.Kind != yaml.MappingNode {
			return mustBe("a map (a Kubernetes SecurityContext)", n)
		}
		if len(n.Content) > 0 {
			c.Libraries.SecurityContext = n
		}
		return nil
	}
	return field{
		path: path,
		node: set,
		text: func(c *Config, s string) error {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(s), &doc); err != nil || len(doc.Content) != 1 {
				return fmt.Errorf("must be a JSON object such as {\"runAsNonRoot\": true}, found %q", s)
			}
			// The value becomes part of the output: written in block style like the rest.
			n := doc.Content[0]
			clearStyle(n)
			return set(c, n)
		},
	}
}

func clearStyle(n *yaml.Node) {
	if n.Kind != yaml.ScalarNode {
		n.Style = 0
	}
	for _, ch := range n.Content {
		clearStyle(ch)
	}
}

// profilingField takes true, false or auto; the object form also takes the bools unquoted.
func profilingField(path string) field {
	set := func(c *Config, s string) error {
		switch s {
		case "true", "false", "auto":
			c.Libraries.Profiling = s
			return nil
		}
		return fmt.Errorf("must be true, false or auto, found %q", s)
	}
	return field{
		path: path,
		node: func(c *Config, n *yaml.Node) error {
			if n.Kind != yaml.ScalarNode || (n.ShortTag() != yaml.NodeTagBool && n.ShortTag() != yaml.NodeTagString) {
				return mustBe("true, false or auto", n)
			}
			return set(c, strings.ToLower(n.Value))
		},
		text: set,
	}
}

var fieldPathRe = regexp.MustCompile(`^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$`)

// templatePathsField takes a list of {group, kind, path} maps in the object form, and
// "Kind.group=path" items, comma-separated, in a ConfigMap.
func templatePathsField(path string) field {
	return field{
		path: path,
		node: func(c *Config, n *yaml.Node) error {
			if n.Kind != yaml.SequenceNode {
				return mustBe("a list of {group, kind, path} maps", n)
			}
			return setTemplatePaths(c, len(n.Content), func(i int) (TemplatePath, error) {
				return templatePathNode(n.Content[i])
			})
		},
		text: func(c *Config, s string) error {
			items := splitList(s)
			return setTemplatePaths(c, len(items), func(i int) (TemplatePath, error) {
				kindGroup, p, ok := strings.Cut(items[i], "=")
				if !ok {
					return TemplatePath{}, fmt.Errorf("must be Kind.group=field.path, found %q", items[i])
				}
				kind, group, named := strings.Cut(strings.TrimSpace(kindGroup), ".")
				p = strings.TrimSpace(p)
				return TemplatePath{Group: group, AnyGroup: !named, Kind: kind, Path: strings.Split(p, ".")}, checkTemplatePath(kind, p)
			})
		},
	}
}

// setTemplatePaths reads n entries with entry, then checks them together; every problem is
// reported, each with its item number.
func setTemplatePaths(c *Config, n int, entry func(i int) (TemplatePath, error)) error {
	var tps []TemplatePath
	var errs []string
	for i := 0; i < n; i++ {
		tp, err := entry(i)
		if err != nil {
			errs = append(errs, fmt.Sprintf("item %d %v", i, err))
			continue
		}
		tps = append(tps, tp)
	}
	if len(errs) == 0 {
		errs = checkTemplatePaths(tps)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	c.PodTemplatePaths = tps
	return nil
}

func templatePathNode(n *yaml.Node) (TemplatePath, error) {
	if n.Kind != yaml.MappingNode {
		return TemplatePath{}, mustBe("a {group, kind, path} map", n)
	}
	tp := TemplatePath{AnyGroup: true}
	var p string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i].Value, n.Content[i+1]
		if !yamltree.IsStr(v) {
			return tp, fmt.Errorf("%s %v", k, mustBe("a string", v))
		}
		switch k {
		case "group":
			tp.Group, tp.AnyGroup = v.Value, false
		case "kind":
			tp.Kind = v.Value
		case "path":
			p = v.Value
		default:
			return tp, fmt.Errorf("has an unknown field %q: the fields are group, kind and path", k)
		}
	}
	if err := checkTemplatePath(tp.Kind, p); err != nil {
		return tp, err
	}
	tp.Path = strings.Split(p, ".")
	return tp, nil
}

func checkTemplatePath(kind, p string) error {
	if kind == "" {
		return fmt.Errorf("must name a kind")
	}
	if !fieldPathRe.MatchString(p) {
		return fmt.Errorf("must give the pod template's field path such as spec.template, found %q", p)
	}
	return nil
}

func checkTemplatePaths(tps []TemplatePath) []string {
	var errs []string
	seen := map[string]int{}
	for i, tp := range tps {
		key := tp.Kind + "." + tp.Group
		if tp.AnyGroup {
			key = tp.Kind
		}
		if j, dup := seen[key]; dup {
			errs = append(errs, fmt.Sprintf("item %d must not repeat the kind of item %d (%s)", i, j, key))
		}
		seen[key] = i
	}
	return errs
}
