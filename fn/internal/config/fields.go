package config

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// field is one leaf of the functionConfig. Both forms set it: the object form from its YAML node,
// the ConfigMap form from the text of the data key named by path. Errors say what the value
// "must" be; the caller adds where it was.
type field struct {
	path string
	node func(c *Config, n *yaml.Node) error
	text func(c *Config, s string) error
	// textForm says what a ConfigMap's value must be when it is not a string; "" for the usual.
	textForm string
}

// fields is every leaf of the functionConfig, in the order the docs list them.
var fields = buildFields()

func buildFields() []field {
	fs := []field{
		stringField("agentNamespace", func(c *Config) *string { return &c.AgentNamespace }, dnsLabel),
		boolField("selection.mutateUnlabelled", func(c *Config) *bool { return &c.Selection.MutateUnlabelled }),
		listField("selection.enabledNamespaces", func(c *Config) *[]string { return &c.Selection.EnabledNamespaces }, dnsLabel),
		listField("selection.disabledNamespaces", func(c *Config) *[]string { return &c.Selection.DisabledNamespaces }, dnsLabel),
		boolField("tags.enabled", func(c *Config) *bool { return &c.Tags.Enabled }),
		stringField("tags.env", func(c *Config) *string { return &c.Tags.Env }, tagValue),
		stringField("tags.service", func(c *Config) *string { return &c.Tags.Service }, tagValue),
		stringField("tags.version", func(c *Config) *string { return &c.Tags.Version }, tagValue),
		boolField("config.enabled", func(c *Config) *bool { return &c.Agent.Enabled }),
		stringField("config.mode", func(c *Config) *string { return &c.Agent.Mode }, oneOf(Modes...)),
		boolField("config.originDetection", func(c *Config) *bool { return &c.Agent.OriginDetection }),
		stringField("config.serviceName", func(c *Config) *string { return &c.Agent.ServiceName }, dnsLabel),
		stringField("config.socketPath", func(c *Config) *string { return &c.Agent.SocketPath }, absPath),
		stringField("config.traceAgentSocket", func(c *Config) *string { return &c.Agent.TraceAgentSocket }, unixSocket),
		stringField("config.dogstatsdSocket", func(c *Config) *string { return &c.Agent.DogstatsdSocket }, unixSocket),
		boolField("config.typeSocketVolumes", func(c *Config) *bool { return &c.Agent.TypeSocketVolumes }),
		stringField("libraries.method", func(c *Config) *string { return &c.Libraries.Method }, oneOf(Methods...)),
		stringField("libraries.registry", func(c *Config) *string { return &c.Libraries.Registry }, registry),
		stringField("libraries.injectorVersion", func(c *Config) *string { return &c.Libraries.InjectorVersion }, imageTag),
	}
	for _, lang := range Languages {
		fs = append(fs, scalarField("libraries.versions."+lang, imageTag, func(c *Config, v string) { c.Libraries.Versions[lang] = v }))
	}
	fs = append(fs,
		imageOverridesField("libraries.imageOverrides"),
		listField("libraries.inject", func(c *Config) *[]string { return &c.Libraries.Inject }, oneOf(Languages...)),
		listField("libraries.excludeContainers", func(c *Config) *[]string { return &c.Libraries.ExcludeContainers }, dnsLabel),
		stringField("libraries.resources.cpu", func(c *Config) *string { return &c.Libraries.Resources.CPU }, quantity),
		stringField("libraries.resources.memory", func(c *Config) *string { return &c.Libraries.Resources.Memory }, quantity),
		securityContextField("libraries.securityContext"),
		optBoolField("libraries.appsec", func(c *Config) **bool { return &c.Libraries.AppSec }),
		optBoolField("libraries.iast", func(c *Config) **bool { return &c.Libraries.IAST }),
		optBoolField("libraries.sca", func(c *Config) **bool { return &c.Libraries.SCA }),
		profilingField("libraries.profiling"),
		stringField("libraries.installID", func(c *Config) *string { return &c.Libraries.InstallID }, nil),
		stringField("libraries.installTime", func(c *Config) *string { return &c.Libraries.InstallTime }, nil),
	)
	fs = append(fs, sidecarFields()...)
	fs = append(fs, cwsFields()...)
	fs = append(fs,
		templatePathsField("podTemplatePaths"),
		targetsField("targets"),
		namespaceLabelsField("namespaceLabels"),
		stringField("mode", func(c *Config) *string { return &c.Mode }, runMode),
		boolField("report.workloads", func(c *Config) *bool { return &c.Report.Workloads }),
		boolField("report.images", func(c *Config) *bool { return &c.Report.Images }),
	)
	return fs
}

// lookup finds the field of a dotted path.
func lookup(path string) (field, bool) {
	for _, f := range fields {
		if f.path == path {
			return f, true
		}
	}
	return field{}, false
}

// isSection reports whether path is a map that holds fields ("config", "libraries.versions").
func isSection(path string) bool {
	for _, f := range fields {
		if strings.HasPrefix(f.path, path+".") {
			return true
		}
	}
	return false
}

// Paths lists every field path, for docs and tests.
func Paths() []string {
	ps := make([]string, len(fields))
	for i, f := range fields {
		ps[i] = f.path
	}
	return ps
}

func stringField(path string, get func(*Config) *string, check func(string) error) field {
	return scalarField(path, check, func(c *Config, v string) { *get(c) = v })
}

// scalarField is a string field whose value is checked, then stored.
func scalarField(path string, check func(string) error, store func(c *Config, v string)) field {
	set := func(c *Config, s string) error {
		if check != nil {
			if err := check(s); err != nil {
				return err
			}
		}
		store(c, s)
		return nil
	}
	return field{
		path: path,
		node: func(c *Config, n *yaml.Node) error {
			if !yamltree.IsStr(n) {
				return mustBe("a string", n)
			}
			return set(c, n.Value)
		},
		text: set,
	}
}

func boolField(path string, get func(*Config) *bool) field {
	return field{
		path: path,
		node: func(c *Config, n *yaml.Node) error {
			b, err := boolNode(n)
			if err != nil {
				return err
			}
			*get(c) = b
			return nil
		},
		text: func(c *Config, s string) error {
			b, err := boolText(s)
			if err != nil {
				return err
			}
			*get(c) = b
			return nil
		},
	}
}

func optBoolField(path string, get func(*Config) **bool) field {
	// boolField asks for the target only once the value is valid, so an error leaves it unset.
	return boolField(path, func(c *Config) *bool {
		p := new(bool)
		*get(c) = p
		return p
	})
}

func listField(path string, get func(*Config) *[]string, check func(string) error) field {
	set := func(c *Config, items []string) error {
		seen := map[string]bool{}
		var errs []string
		for i, it := range items {
			if err := check(it); err != nil {
				errs = append(errs, fmt.Sprintf("item %d (%q) %v", i, it, err))
			}
			if seen[it] {
				errs = append(errs, fmt.Sprintf("item %d (%q) must not repeat an earlier item", i, it))
			}
			seen[it] = true
		}
		if len(errs) > 0 {
			return fmt.Errorf("%s", strings.Join(errs, "; "))
		}
		if len(items) == 0 {
			items = nil // "[]" and "" mean the same as not set
		}
		*get(c) = items
		return nil
	}
	return field{
		path: path,
		node: func(c *Config, n *yaml.Node) error {
			if n.Kind != yaml.SequenceNode {
				return mustBe("a list of strings", n)
			}
			items := make([]string, 0, len(n.Content))
			for i, it := range n.Content {
				if !yamltree.IsStr(it) {
					return fmt.Errorf("item %d must be a string, found %s", i, yamltree.KindName(it))
				}
				items = append(items, it.Value)
			}
			return set(c, items)
		},
		text: func(c *Config, s string) error { return set(c, splitList(s)) },
	}
}

// splitList reads a ConfigMap list: comma-separated, spaces around items ignored, "" is empty.
func splitList(s string) []string {
	var items []string
	for _, it := range strings.Split(s, ",") {
		if it = strings.TrimSpace(it); it != "" {
			items = append(items, it)
		}
	}
	return items
}

func boolNode(n *yaml.Node) (bool, error) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == yaml.NodeTagBool {
		return boolText(n.Value)
	}
	return false, mustBe("a bool (true or false, unquoted)", n)
}

func boolText(s string) (bool, error) {
	switch s {
	case "true", "True", "TRUE":
		return true, nil
	case "false", "False", "FALSE":
		return false, nil
	}
	return false, fmt.Errorf("must be \"true\" or \"false\", found %q", s)
}

func mustBe(what string, n *yaml.Node) error {
	found := yamltree.KindName(n)
	if n.Kind == yaml.ScalarNode && !yamltree.IsStr(n) && strings.Contains(what, "string") {
		return fmt.Errorf("must be %s, found %s (%s); quote it", what, found, n.Value)
	}
	if n.Kind == yaml.ScalarNode {
		return fmt.Errorf("must be %s, found %s (%q)", what, found, n.Value)
	}
	return fmt.Errorf("must be %s, found %s", what, found)
}
