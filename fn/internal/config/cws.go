package config

// CWS instrumentation (docs/behaviour.md "CWS instrumentation"): the Cluster Agent's
// cws_pod_instrumentation webhook, which readies a pod for the tagging of `kubectl exec`
// sessions. The exec-request half runs at exec time only and stays with the cluster.

// CWS modes: remote_copy changes no pod (Datadog's default), init_container copies the tool in
// through an init container.
const (
	CWSRemoteCopy    = "remote_copy"
	CWSInitContainer = "init_container"
)

// CWSModes lists the values of cws.mode, the default first.
var CWSModes = []string{CWSRemoteCopy, CWSInitContainer}

// CWS is the `cws` section.
type CWS struct {
	Enabled bool
	Mode    string
	// MutateUnlabelled selects the templates without the label, as selection.mutateUnlabelled
	// does too (Datadog's rule).
	MutateUnlabelled bool
	// Registry is the image's registry; "" means libraries.registry.
	Registry  string
	ImageName string
	ImageTag  string
}

// Image is the init container's image reference; libRegistry is used when cws.registry is "".
func (c CWS) Image(libRegistry string) string {
	return imageRef(c.Registry, libRegistry, c.ImageName, c.ImageTag)
}

func defaultCWS() CWS {
	return CWS{Mode: CWSRemoteCopy, ImageName: "cws-instrumentation", ImageTag: "latest"}
}

func cwsFields() []field {
	return []field{
		boolField("cws.enabled", func(c *Config) *bool { return &c.CWS.Enabled }),
		stringField("cws.mode", func(c *Config) *string { return &c.CWS.Mode }, oneOf(CWSModes...)),
		boolField("cws.mutateUnlabelled", func(c *Config) *bool { return &c.CWS.MutateUnlabelled }),
		stringField("cws.registry", func(c *Config) *string { return &c.CWS.Registry }, optional(registry)),
		stringField("cws.imageName", func(c *Config) *string { return &c.CWS.ImageName }, imageName),
		stringField("cws.imageTag", func(c *Config) *string { return &c.CWS.ImageTag }, imageTag),
	}
}

// validateCWS has nothing to check across fields yet: each field checks its own value.
func validateCWS(*Config) []Error { return nil }
