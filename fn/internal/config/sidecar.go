package config

import (
	"fmt"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// The Agent sidecar (docs/behaviour.md "The Agent sidecar"): the Cluster Agent's agent_sidecar
// webhook, which runs the Agent in every selected pod, as on EKS Fargate where no DaemonSet runs.

// ProviderFargate is the one provider Datadog knows; "" is no provider.
const ProviderFargate = "fargate"

// Providers lists the values of agentSidecar.provider.
var Providers = []string{"", ProviderFargate}

// SidecarLabel is the label the default selector of a provider matches, with the provider as value.
const SidecarLabel = "agent.datadoghq.com/sidecar"

// AgentSidecar is the `agentSidecar` section.
type AgentSidecar struct {
	Enabled  bool
	Provider string
	// Selectors holds at most one selector; none means the provider's default.
	Selectors []SidecarSelector
	// Profiles holds at most one profile.
	Profiles []SidecarProfile
	// Registry is the sidecar image's registry; "" means libraries.registry.
	Registry          string
	ImageName         string
	ImageTag          string
	ClusterAgent      SidecarClusterAgent
	Site              string
	ClusterName       string
	LanguageDetection bool
}

// SidecarClusterAgent is how the sidecar reaches the Cluster Agent.
type SidecarClusterAgent struct {
	Enabled     bool
	ServiceName string
	Port        int
}

// SidecarSelector chooses the pod templates that get the sidecar. A half left out is nil and
// matches every template (Kubernetes' empty selector), as in the webhook.
type SidecarSelector struct {
	ObjectSelector    *LabelSelector
	NamespaceSelector *LabelSelector
}

// SidecarProfile overrides parts of the sidecar container. Each part is kept as written (plain
// copies, block style), nil when not given.
type SidecarProfile struct {
	// Env is the list of variables, each a Kubernetes EnvVar.
	Env []*yaml.Node
	// Resources replaces the sidecar's resources, and only when it has limits (as the webhook).
	Resources       *yaml.Node
	SecurityContext *yaml.Node
}

// ReadOnlyRootFilesystem reports the profile's securityContext.readOnlyRootFilesystem: true,
// which gives the sidecar writable volumes for its directories.
func (p SidecarProfile) ReadOnlyRootFilesystem() bool {
	if p.SecurityContext == nil {
		return false
	}
	v := yamltree.Get(p.SecurityContext, "readOnlyRootFilesystem")
	return v != nil && v.Kind == yaml.ScalarNode && v.ShortTag() == yaml.NodeTagBool && strings.EqualFold(v.Value, "true")
}

// Selector is the selector the sidecar applies: the one given, else the provider's label;
// nil when there is neither (then validate reports the config as an error).
func (s AgentSidecar) Selector() *SidecarSelector {
	if len(s.Selectors) > 0 {
		return &s.Selectors[0]
	}
	if s.Provider != "" {
		return &SidecarSelector{ObjectSelector: &LabelSelector{MatchLabels: map[string]string{SidecarLabel: s.Provider}}}
	}
	return nil
}

// Profile is the profile applied, nil when there is none.
func (s AgentSidecar) Profile() *SidecarProfile {
	if len(s.Profiles) > 0 {
		return &s.Profiles[0]
	}
	return nil
}

// Image is the sidecar's image reference; registry is the libraries' registry, used when the
// sidecar names none.
func (s AgentSidecar) Image(libRegistry string) string {
	return imageRef(s.Registry, libRegistry, s.ImageName, s.ImageTag)
}

func defaultAgentSidecar() AgentSidecar {
	return AgentSidecar{
		ImageName:    "agent",
		ImageTag:     "7",
		ClusterAgent: SidecarClusterAgent{Enabled: true, ServiceName: "datadog-cluster-agent", Port: 5005},
		Site:         "datadoghq.com",
	}
}

var (
	sidecarSelectorFields = []string{"objectSelector", "namespaceSelector"}
	sidecarProfileFields  = []string{"env", "resources", "securityContext"}
	resourcesFields       = []string{"limits", "requests"}
	envVarFields          = []string{"name", "value", "valueFrom"}
)

func sidecarSelectorsField(path string) field {
	return structuredField(path, `[{"objectSelector": {"matchLabels": {"agent.datadoghq.com/sidecar": "fargate"}}}]`,
		func(c *Config, n *yaml.Node) problems {
			var ps problems
			var out []SidecarSelector
			readMaps(n, "", "a list of one {objectSelector, namespaceSelector}", "a selector", sidecarSelectorFields, &ps,
				func(iat string, fs map[string]*yaml.Node) {
					var s SidecarSelector
					for _, half := range []struct {
						key string
						to  **LabelSelector
					}{{"objectSelector", &s.ObjectSelector}, {"namespaceSelector", &s.NamespaceSelector}} {
						v := fs[half.key]
						if v == nil {
							continue
						}
						if sf, ok := readFields(v, iat+"."+half.key, "a label selector", selectorFields, &ps); ok {
							ls := readLabelSelector(sf, iat+"."+half.key, &ps)
							*half.to = &ls
						}
					}
					out = append(out, s)
				})
			if len(out) > 1 {
				ps.addf("", "must hold at most one selector, found %d: Datadog's webhook registers nothing with more", len(out))
			}
			c.AgentSidecar.Selectors = out
			return ps
		})
}

func sidecarProfilesField(path string) field {
	return structuredField(path, `[{"securityContext": {"readOnlyRootFilesystem": true}}]`,
		func(c *Config, n *yaml.Node) problems {
			var ps problems
			var out []SidecarProfile
			readMaps(n, "", "a list of one {env, resources, securityContext}", "a profile", sidecarProfileFields, &ps,
				func(iat string, fs map[string]*yaml.Node) {
					var p SidecarProfile
					if v := fs["env"]; v != nil {
						readMaps(v, iat+".env", "a list of {name, value} or {name, valueFrom} maps", "an env var", envVarFields, &ps,
							func(eat string, ef map[string]*yaml.Node) {
								name := requiredString(ef, "name", eat, envName, &ps)
								item := yamltree.Map("name", name)
								if v := ef["value"]; v != nil {
									if s, ok := readString(v, eat+".value", &ps); ok {
										yamltree.Set(item, "value", yamltree.Str(s))
									}
								}
								if v := ef["valueFrom"]; v != nil && readEnvVarSource(v, eat+".valueFrom", &ps) {
									yamltree.Set(item, "valueFrom", plainCopy(v))
								}
								if ef["value"] != nil && ef["valueFrom"] != nil {
									ps.addf(eat, "must give value or valueFrom, not both")
								}
								p.Env = append(p.Env, item)
							})
					}
					if v := fs["resources"]; v != nil {
						if rf, ok := readFields(v, iat+".resources", "a Kubernetes ResourceRequirements", resourcesFields, &ps); ok {
							for _, k := range resourcesFields {
								if q := rf[k]; q != nil {
									readQuantities(q, iat+".resources."+k, &ps)
								}
							}
							p.Resources = plainCopy(v)
						}
					}
					if v := fs["securityContext"]; v != nil {
						if v.Kind != yaml.MappingNode {
							ps.add(iat+".securityContext", mustBe("a map (a Kubernetes SecurityContext)", v))
						} else {
							p.SecurityContext = plainCopy(v)
						}
					}
					out = append(out, p)
				})
			if len(out) > 1 {
				ps.addf("", "must hold at most one profile, found %d: Datadog's webhook registers nothing with more", len(out))
			}
			c.AgentSidecar.Profiles = out
			return ps
		})
}

// readQuantities checks a map of resource names to Kubernetes quantities.
func readQuantities(n *yaml.Node, at string, ps *problems) {
	pairs, ok := readMap(n, at, "a map of resource names to quantities such as {cpu: 200m, memory: 256Mi}", ps)
	if !ok {
		return
	}
	for _, kv := range pairs {
		v := kv.value
		if v.Kind != yaml.ScalarNode || isNull(v) {
			ps.add(at+"."+kv.key, mustBe("a Kubernetes quantity such as 200m or 256Mi", v))
			continue
		}
		if err := quantity(v.Value); err != nil {
			ps.add(at+"."+kv.key, err)
		}
	}
}

func envName(s string) error {
	if s == "" || len(validation.IsEnvVarName(s)) > 0 {
		return fmt.Errorf("must be an environment variable name (letters, digits, '_', '-' and '.', not starting with a digit), found %q", s)
	}
	return nil
}

// portField is a TCP port: an integer in the object form, its digits in a ConfigMap.
func portField(path string, get func(*Config) *int) field {
	set := func(c *Config, s string) error {
		p, err := strconv.Atoi(s)
		if err != nil || p < 1 || p > 65535 {
			return fmt.Errorf("must be a port number from 1 to 65535, found %q", s)
		}
		*get(c) = p
		return nil
	}
	return field{
		path: path,
		node: func(c *Config, n *yaml.Node) error {
			if n.Kind != yaml.ScalarNode || n.ShortTag() != yaml.NodeTagInt {
				return mustBe("a port number (an integer from 1 to 65535)", n)
			}
			return set(c, n.Value)
		},
		text: set,
	}
}

// siteName checks a Datadog site such as datadoghq.eu: a host name.
func siteName(s string) error {
	if s == "" || strings.ContainsAny(s, "/: \n\r") {
		return fmt.Errorf("must be a Datadog site such as datadoghq.com or datadoghq.eu, found %q", s)
	}
	return nil
}

// clusterName checks DD_CLUSTER_NAME as the Agent does: empty, or lower-case letters, digits,
// '-' and '.', starting with a letter, at most 80 characters.
func clusterName(s string) error {
	if s == "" {
		return nil
	}
	ok := len(s) <= 80 && s[0] >= 'a' && s[0] <= 'z'
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			ok = false
		}
	}
	if !ok {
		return fmt.Errorf("must be a cluster name (lower-case letters, digits, '-' and '.', starting with a letter, at most 80 characters), found %q", s)
	}
	return nil
}

func sidecarFields() []field {
	sc := func(c *Config) *AgentSidecar { return &c.AgentSidecar }
	return []field{
		boolField("agentSidecar.enabled", func(c *Config) *bool { return &sc(c).Enabled }),
		stringField("agentSidecar.provider", func(c *Config) *string { return &sc(c).Provider }, provider),
		sidecarSelectorsField("agentSidecar.selectors"),
		sidecarProfilesField("agentSidecar.profiles"),
		stringField("agentSidecar.registry", func(c *Config) *string { return &sc(c).Registry }, optional(registry)),
		stringField("agentSidecar.imageName", func(c *Config) *string { return &sc(c).ImageName }, imageName),
		stringField("agentSidecar.imageTag", func(c *Config) *string { return &sc(c).ImageTag }, imageTag),
		boolField("agentSidecar.clusterAgent.enabled", func(c *Config) *bool { return &sc(c).ClusterAgent.Enabled }),
		stringField("agentSidecar.clusterAgent.serviceName", func(c *Config) *string { return &sc(c).ClusterAgent.ServiceName }, dnsLabel),
		portField("agentSidecar.clusterAgent.port", func(c *Config) *int { return &sc(c).ClusterAgent.Port }),
		stringField("agentSidecar.site", func(c *Config) *string { return &sc(c).Site }, siteName),
		stringField("agentSidecar.clusterName", func(c *Config) *string { return &sc(c).ClusterName }, clusterName),
		boolField("agentSidecar.languageDetection", func(c *Config) *bool { return &sc(c).LanguageDetection }),
	}
}

// provider checks agentSidecar.provider: none, or the one provider Datadog knows.
func provider(s string) error {
	if s != "" && s != ProviderFargate {
		return fmt.Errorf("must be \"\" (no provider) or %s, found %q: Datadog's webhook registers nothing for another", ProviderFargate, s)
	}
	return nil
}

// optional lets "" through a check: the field then takes its fallback.
func optional(check func(string) error) func(string) error {
	return func(s string) error {
		if s == "" {
			return nil
		}
		return check(s)
	}
}

// imageName checks an image name without registry or tag, such as agent.
func imageName(s string) error {
	if s == "" || registry("example.com/"+s) != nil || strings.Contains(s, ":") {
		return fmt.Errorf("must be an image name without registry or tag, such as agent, found %q", s)
	}
	return nil
}

// validateSidecar reports what would keep Datadog's webhook from registering the sidecar at
// all: it logs and mutates nothing, where a render fails, naming the field.
func validateSidecar(c *Config) []Error {
	s := c.AgentSidecar
	if !s.Enabled {
		return nil
	}
	if s.Provider == "" && len(s.Selectors) == 0 {
		return []Error{{"agentSidecar", "agentSidecar.provider or agentSidecar.selectors must be set when agentSidecar.enabled is true: with neither, Datadog's webhook selects no pod"}}
	}
	return nil
}
