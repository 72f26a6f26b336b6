package config

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// The drop-in forms: the Datadog Helm chart's values file and the Datadog Operator's DatadogAgent,
// read for the settings that change what the Cluster Agent's admission webhook does to a pod, and
// mapped onto the same Config as the InjectDatadog object. Every other setting the file gives is
// a warning that names it; a wrong type or value is an error at the path as written in the file.
//
// Key names, types and defaults were read from (docs/migration.md "Versions read"):
//   - DataDog/helm-charts, charts/datadog at 79f7c74f, chart 3.240.0:
//     templates/cluster-agent-deployment.yaml (which values become which Cluster Agent settings,
//     and the config mode when configMode is not set), templates/_helpers.tpl (the registry,
//     trace-agent-use-* and localService.name helpers) and values.yaml; the Single Step keys
//     first from chart 3.72.1 and 3.81.0, with Datadog's SSI documentation (docs.datadoghq.com)
//     for targets and injector.imageTag.
//   - DataDog/datadog-operator at 55db5316 (main, after the v1.30.0 release branch):
//     api/datadoghq/v2alpha1/datadogagent_types.go, the defaults, and the admissioncontroller,
//     apm and asm features under internal/controller/datadogagent.

// The DatadogAgent's identity.
const (
	OperatorAPIVersion = "datadoghq.com/v2alpha1"
	OperatorKind       = "DatadogAgent"
)

// The settings a drop-in form can give, by meaning. Both forms name each at their own path.
const (
	dAdmissionEnabled = "admissionEnabled"
	dMutationEnabled  = "mutationEnabled"
	dMutateUnlabelled = "mutateUnlabelled"
	dMode             = "mode"
	dACRegistry       = "admissionRegistry"
	dRegistry         = "registry"
	dSidecar          = "agentSidecarInjection"
	dCWS              = "cwsInstrumentation"
	dClusterName      = "clusterName"
	dAgentImageName   = "agentImageName"
	dAgentImageTag    = "agentImageTag"
	dLangDetect       = "languageDetection"
	dSSIEnabled       = "ssiEnabled"
	dEnabledNS        = "enabledNamespaces"
	dDisabledNS       = "disabledNamespaces"
	dLibVersions      = "libVersions"
	dTargets          = "targets"
	dInjectorTag      = "injectorImageTag"
	dSkipKPI          = "skipKPITelemetry"
	dAppSec           = "appsec"
	dIAST             = "iast"
	dSCA              = "sca"
	dProfiling        = "profiling"
	dSite             = "site"
	dMigration        = "registryMigrationMode"
	dAutopilot        = "gkeAutopilot"
	dGDC              = "gkeGDC"
	dAPMSocket        = "apmSocket"
	dDSDSocket        = "dogstatsdSocket"
	dServiceName      = "localServiceName"
	dFullname         = "fullnameOverride"
	dNameOverride     = "nameOverride"
	// The inputs to the config mode when configMode or agentCommunicationMode is not set.
	// apmEnabled is the chart's deprecated host port switch, and the operator's APM switch.
	dAPMSocketEnabled   = "apmSocketEnabled"
	dAPMUseSocketVolume = "apmUseSocketVolume"
	dAPMPortEnabled     = "apmPortEnabled"
	dAPMEnabled         = "apmEnabled"
	dAPMLocalService    = "apmUseLocalService"
	dCSI                = "csiEnabled"
	dTargetSystem       = "targetSystem"
	dDSDSocketEnabled   = "dogstatsdSocketEnabled"
)

// modeInputs are each form's inputs to the config mode; with the mode given they are warnings.
// The GKE switches are not among them: they also choose the registry.
var modeInputs = map[bool][]string{
	true:  {dAPMSocketEnabled, dAPMUseSocketVolume, dAPMPortEnabled, dAPMEnabled, dAPMLocalService, dCSI, dTargetSystem},
	false: {dAPMEnabled, dAPMSocketEnabled, dDSDSocketEnabled},
}

// section is a map of a drop-in form: each key is a setting (a string, its meaning) or a section.
type section map[string]any

// helmValues are the keys of the Datadog chart's values that inject-datadog reads.
var helmValues = section{
	"registry":              dRegistry,
	"registryMigrationMode": dMigration,
	"fullnameOverride":      dFullname,
	"nameOverride":          dNameOverride,
	"targetSystem":          dTargetSystem,
	"providers":             section{"gke": section{"autopilot": dAutopilot, "gdc": dGDC}},
	"agents": section{
		"localService": section{"overrideName": dServiceName},
		"image":        section{"name": dAgentImageName, "tag": dAgentImageTag},
	},
	"datadog": section{
		"site":        dSite,
		"clusterName": dClusterName,
		"apm": section{
			"instrumentation": instrumentation(section{"skipKPITelemetry": dSkipKPI, "language_detection": section{"enabled": dLangDetect}}),
			"socketPath":      dAPMSocket,
			"socketEnabled":   dAPMSocketEnabled,
			"useSocketVolume": dAPMUseSocketVolume,
			"portEnabled":     dAPMPortEnabled,
			"enabled":         dAPMEnabled,
			"useLocalService": dAPMLocalService,
		},
		"dogstatsd": section{"socketPath": dDSDSocket},
		"csi":       section{"enabled": dCSI},
		"asm":       asm(),
		"profiling": section{"enabled": dProfiling},
	},
	"clusterAgent": section{
		"admissionController": section{
			"enabled":               dAdmissionEnabled,
			"mutation":              section{"enabled": dMutationEnabled},
			"mutateUnlabelled":      dMutateUnlabelled,
			"configMode":            dMode,
			"containerRegistry":     dACRegistry,
			"agentSidecarInjection": dSidecar,
			"cwsInstrumentation":    dCWS,
		},
	},
}

// datadogAgent are the fields of a DatadogAgent that inject-datadog reads.
var datadogAgent = section{
	"spec": section{
		"global": section{
			"registry":     dRegistry,
			"site":         dSite,
			"clusterName":  dClusterName,
			"localService": section{"nameOverride": dServiceName},
		},
		"features": section{
			"admissionController": section{
				"enabled":                dAdmissionEnabled,
				"mutation":               section{"enabled": dMutationEnabled},
				"mutateUnlabelled":       dMutateUnlabelled,
				"agentCommunicationMode": dMode,
				"registry":               dACRegistry,
				"agentSidecarInjection":  dSidecar,
				"cwsInstrumentation":     dCWS,
			},
			"apm": section{
				"enabled":                dAPMEnabled,
				"instrumentation":        instrumentation(section{"languageDetection": section{"enabled": dLangDetect}}),
				"unixDomainSocketConfig": section{"path": dAPMSocket, "enabled": dAPMSocketEnabled},
			},
			"dogstatsd": section{"unixDomainSocketConfig": section{"path": dDSDSocket, "enabled": dDSDSocketEnabled}},
			"asm":       asm(),
		},
	},
}

// instrumentation is Single Step's section, which the chart and the operator name alike, with
// the keys only one of them has.
func instrumentation(extra section) section {
	s := section{
		"enabled":            dSSIEnabled,
		"enabledNamespaces":  dEnabledNS,
		"disabledNamespaces": dDisabledNS,
		"libVersions":        dLibVersions,
		"targets":            dTargets,
		"injector":           section{"imageTag": dInjectorTag},
	}
	maps.Copy(s, extra)
	return s
}

// asm is the security products' section, alike in the chart and the operator.
func asm() section {
	return section{
		"threats": section{"enabled": dAppSec},
		"iast":    section{"enabled": dIAST},
		"sca":     section{"enabled": dSCA},
	}
}

// isHelmValues reports whether fc looks like the Datadog chart's values: no apiVersion or kind,
// and a datadog or clusterAgent key at the top.
func isHelmValues(fc *yaml.Node) bool {
	if fc.Kind != yaml.MappingNode || yamltree.Get(fc, "apiVersion") != nil || yamltree.Get(fc, "kind") != nil {
		return false
	}
	return yamltree.Get(fc, "datadog") != nil || yamltree.Get(fc, "clusterAgent") != nil
}

// found is a setting given in the file: where, its value, and its place in the file's order.
type found struct {
	path  string
	value *yaml.Node
	seq   int
}

// dropin reads one drop-in file.
type dropin struct {
	helm bool
	// autopilot is a DatadogAgent's GKE Autopilot annotation (the chart's is a setting).
	autopilot bool
	// objectName is a DatadogAgent's metadata.name, datadog when not given; namespace its
	// metadata.namespace, where the operator runs the agents, "" when not given.
	objectName, namespace string
	got                   map[string]found
	errs                  []Error
	warns                 []ordered
	seq                   int
}

type ordered struct {
	seq int
	Error
}

// The warnings' messages.
const (
	noMeaning = "has no render-time meaning: inject-datadog ignores it"
)

func fromHelmValues(c *Config, fc *yaml.Node) []Error {
	d := &dropin{helm: true, got: map[string]found{}}
	d.walk(fc, "", helmValues, nil)
	return d.apply(c)
}

func fromDatadogAgent(c *Config, fc *yaml.Node) []Error {
	d := &dropin{got: map[string]found{}, autopilot: operatorAutopilot(fc), objectName: "datadog"}
	if n := yamltree.Path(fc, "metadata", "name"); n != nil && yamltree.IsStr(n) && n.Value != "" {
		d.objectName = n.Value
	}
	if n := yamltree.Path(fc, "metadata", "namespace"); n != nil && yamltree.IsStr(n) {
		d.namespace = n.Value
	}
	d.walk(fc, "", datadogAgent, objectMeta)
	return d.apply(c)
}

// isUnset reports whether a value sets nothing: null, an empty map, list or string.
func isUnset(n *yaml.Node) bool {
	switch n.Kind {
	case yaml.MappingNode, yaml.SequenceNode:
		return len(n.Content) == 0
	case yaml.ScalarNode:
		return n.ShortTag() == yaml.NodeTagNull || (n.ShortTag() == yaml.NodeTagString && n.Value == "")
	}
	return false
}

// walk reads the map m at prefix against spec, in the file's order: settings are recorded, other
// keys that set something are warnings. skip lists top-level keys that are not settings.
func (d *dropin) walk(m *yaml.Node, prefix string, spec section, skip map[string]bool) {
	eachKey(m, prefix, &d.errs, func(key, p string, v *yaml.Node) {
		d.seq++
		// Helm drops a key set to null, so the template's default applies, not values.yaml's: an
		// empty or null registryMigrationMode turns the migration off (the chart's "registry").
		if skip[key] || (isUnset(v) && spec[key] != dMigration) {
			return
		}
		switch s := spec[key].(type) {
		case string:
			d.got[s] = found{p, v, d.seq}
		case section:
			if v.Kind != yaml.MappingNode {
				d.errs = append(d.errs, Error{p, mustBe("a map", v).Error()})
				return
			}
			d.walk(v, p, s, nil)
		default:
			d.warn(d.seq, p, noMeaning)
		}
	})
}

func (d *dropin) warn(seq int, field, msg string) {
	d.warns = append(d.warns, ordered{seq, Error{field, msg}})
}

// set applies the setting named by meaning with the InjectDatadog field of path target, reporting
// its errors at the path as written in the file.
func (d *dropin) set(c *Config, meaning, target string) {
	f, ok := d.got[meaning]
	if !ok {
		return
	}
	tf, _ := lookup(target)
	if err := tf.node(c, f.value); err != nil {
		d.errs = append(d.errs, fieldErrors(f.path, err)...)
	}
}

func (d *dropin) flag(meaning string) (value, given bool) {
	f, ok := d.got[meaning]
	if !ok {
		return false, false
	}
	b, err := boolNode(f.value)
	if err != nil {
		d.fail(f.path, err.Error())
		return false, false
	}
	return b, true
}

// apply maps the settings found onto c, then returns the errors; the warnings go to c.Warnings in
// the file's order.
func (d *dropin) apply(c *Config) []Error {
	// Datadog's Cluster Agent has injected with the apm-inject method by default since 7.57; every
	// chart and operator version that has these settings deploys one at least that recent.
	c.Libraries.Method = MethodAPMInject

	acOn, acGiven := d.flag(dAdmissionEnabled)
	mutOn, mutGiven := d.flag(dMutationEnabled)
	off := ""
	switch {
	case acGiven && !acOn:
		off = dAdmissionEnabled
	case mutGiven && !mutOn:
		off = dMutationEnabled
	}
	if off == "" {
		d.settings(c)
	} else {
		// The chart then gives the Cluster Agent no admission controller (or no mutating
		// webhook), the operator likewise: no pod is mutated, whatever the other settings say.
		// They are still read, into a scratch config, for their errors.
		d.settings(Default())
		d.warns = nil
		c.WebhookOff = true
		f := d.got[off]
		d.warn(f.seq, f.path, "is false: Datadog's admission webhook mutates no pod, so inject-datadog injects nothing and the other settings have no effect")
	}

	sort.SliceStable(d.warns, func(i, j int) bool { return d.warns[i].seq < d.warns[j].seq })
	for _, w := range d.warns {
		c.Warnings = append(c.Warnings, w.Error)
	}
	return d.errs
}

// settings maps every setting but the webhook's switches onto c.
func (d *dropin) settings(c *Config) {
	d.set(c, dMutateUnlabelled, "selection.mutateUnlabelled")
	d.set(c, dMode, "config.mode")
	switch _, given := d.got[dMode]; {
	case given:
		for _, m := range modeInputs[d.helm] {
			if f, ok := d.got[m]; ok {
				d.warn(f.seq, f.path, noMeaning)
			}
		}
	case d.helm:
		d.chartMode(c)
	default:
		d.operatorMode(c)
	}
	d.serviceName(c)
	if d.namespace != "" {
		// The operator runs the agents, their local service and the Cluster Agent in the
		// DatadogAgent's namespace; a values file does not hold the Helm release's namespace.
		if err := dnsLabel(d.namespace); err != nil {
			d.fail("metadata.namespace", err.Error())
		} else {
			c.AgentNamespace = d.namespace
		}
	}
	d.registry(c)
	d.sidecar(c)
	d.cws(c)
	d.set(c, dInjectorTag, "libraries.injectorVersion")
	d.securityProducts(c)
	d.set(c, dProfiling, "libraries.profiling")
	d.kpiTelemetry(c)
	d.sockets(c)

	ssiOn, _ := d.flag(dSSIEnabled)
	switch {
	case ssiOn:
		d.ssi(c)
	default:
		d.ssi(Default())
		enabled := "spec.features.apm.instrumentation.enabled"
		if f, ok := d.got[dSSIEnabled]; ok {
			enabled = f.path
		} else if d.helm {
			enabled = "datadog.apm.instrumentation.enabled"
		}
		for _, m := range []string{dEnabledNS, dDisabledNS, dLibVersions, dTargets} {
			if f, ok := d.got[m]; ok {
				d.warn(f.seq, f.path, fmt.Sprintf("has no effect: %s is not true", enabled))
			}
		}
	}
}

// registry sets the registry of the injected images: the admission controller's own wins over
// the one for every image; without either, the chart's or the operator's default for the site.
func (d *dropin) registry(c *Config) {
	site := d.site()
	gke := d.onGKE()
	migration, migrationOK := d.migrationMode()
	if _, ok := d.got[dACRegistry]; ok {
		d.set(c, dACRegistry, "libraries.registry")
		if f, ok := d.got[dRegistry]; ok {
			d.set(Default(), dRegistry, "libraries.registry")
			d.warn(f.seq, f.path, fmt.Sprintf("is overridden by %s for the injected images", d.got[dACRegistry].path))
		}
		return
	}
	if f, ok := d.got[dRegistry]; ok {
		d.set(c, dRegistry, "libraries.registry")
		if !d.helm && gke && !isGCR(c.Libraries.Registry) {
			d.warn(f.seq, f.path, fmt.Sprintf("is replaced by %s on GKE Autopilot, as the operator does: Autopilot admits Datadog's images from its GCR registries only", gcrRegistry))
			c.Libraries.Registry = gcrRegistry
		}
		return
	}
	switch {
	case !migrationOK:
	case d.helm:
		c.Libraries.Registry = chartRegistry(site, migration, gke)
	default:
		c.Libraries.Registry = operatorRegistry(site, gke)
	}
}

// The registries of Datadog's images.
const (
	gcrRegistry     = "gcr.io/datadoghq"
	datadogRegistry = "registry.datadoghq.com"
	govRegistry     = "public.ecr.aws/datadog"
	govSite         = "ddog-gov.com"
)

// siteRegistry is where the chart pulls Datadog's images from for a site when no registry is
// given (templates/_helpers.tpl, "registry", chart 3.240.0, which the Cluster Agent's
// DD_ADMISSION_CONTROLLER_CONTAINER_REGISTRY follows since 3.215.3).
type siteRegistry struct {
	registry string
	// migrates: registryMigrationMode auto (the default) or all moves the site to
	// registry.datadoghq.com, except on GKE Autopilot and GDC.
	migrates bool
	// gke is the registry on GKE Autopilot and GDC when it is not registry.
	gke string
}

// chartSiteRegistries are the sites the chart names; every other site is datadoghq.com's.
var chartSiteRegistries = map[string]siteRegistry{
	"datadoghq.com":     {gcrRegistry, true, ""},
	"datadoghq.eu":      {"eu.gcr.io/datadoghq", true, ""},
	"ap1.datadoghq.com": {"asia.gcr.io/datadoghq", true, ""},
	"us3.datadoghq.com": {"datadoghq.azurecr.io", false, gcrRegistry},
	govSite:             {govRegistry, false, ""},
}

// chartRegistry is the chart's registry for a site, a registryMigrationMode and whether the
// cluster is GKE Autopilot or GDC.
func chartRegistry(site, migration string, gke bool) string {
	r, ok := chartSiteRegistries[site]
	if !ok {
		r = chartSiteRegistries["datadoghq.com"]
	}
	switch {
	case gke && r.gke != "":
		return r.gke
	case !gke && r.migrates && migration != "":
		return datadogRegistry
	}
	return r.registry
}

// operatorRegistry is the operator's registry for a site when spec.global.registry is not set:
// Datadog's own, public ECR for the government site, and GCR on GKE Autopilot (the operator's
// internal/controller/datadogagent/defaults and controller_reconcile_v2.go).
func operatorRegistry(site string, autopilot bool) string {
	switch {
	case autopilot:
		return gcrRegistry
	case site == govSite:
		return govRegistry
	}
	return datadogRegistry
}

// isGCR reports whether registry is one of Datadog's GCR registries, the ones GKE Autopilot
// admits (the operator's pkg/images IsGCRRegistry).
func isGCR(registry string) bool {
	return registry == gcrRegistry || registry == "eu.gcr.io/datadoghq" || registry == "asia.gcr.io/datadoghq"
}

// site is datadog.site or spec.global.site, datadoghq.com when not given.
func (d *dropin) site() string {
	if s := d.text(dSite); s != "" {
		return s
	}
	return "datadoghq.com"
}

// migrationMode is the chart's registryMigrationMode: auto when not given, "" when given empty
// or null; ok is false for a value the chart rejects.
func (d *dropin) migrationMode() (mode string, ok bool) {
	f, given := d.got[dMigration]
	switch {
	case !given:
		return "auto", true
	case isUnset(f.value) && f.value.Kind == yaml.ScalarNode:
		return "", true
	case yamltree.IsStr(f.value) && (f.value.Value == "auto" || f.value.Value == "all"):
		return f.value.Value, true
	}
	d.errs = append(d.errs, Error{f.path, mustBe(`auto, all or "" (the chart fails on any other value)`, f.value).Error()})
	return "", false
}

// onGKE reports whether the cluster is GKE Autopilot, or for the chart GKE GDC: neither takes
// registry.datadoghq.com (the chart's "registry", the operator's Autopilot registry).
func (d *dropin) onGKE() bool {
	if !d.helm {
		return d.autopilot
	}
	autopilot, _ := d.flag(dAutopilot)
	gdc, _ := d.flag(dGDC)
	return autopilot || gdc
}

// operatorAutopilot reports whether a DatadogAgent asks for GKE Autopilot by annotation, as the
// operator reads it (internal/controller/datadogagent/experimental/autopilot.go).
func operatorAutopilot(fc *yaml.Node) bool {
	anns := yamltree.Path(fc, "metadata", "annotations")
	value := func(key string) string {
		if v := yamltree.Get(anns, key); v != nil && v.Kind == yaml.ScalarNode {
			return v.Value
		}
		return ""
	}
	return value("agent.datadoghq.com/cluster-provider") == "gke-autopilot" ||
		strings.EqualFold(value("experimental.agent.datadoghq.com/autopilot"), "true")
}

// kpiTelemetry reads skipKPITelemetry. The chart gives the Cluster Agent, which injects them,
// DD_INSTRUMENTATION_INSTALL_ID and _TIME from its kpi-telemetry ConfigMap
// (templates/kpi-telemetry-configmap.yaml): fixed zeros when the setting is true; a random id and
// the install's time otherwise (the default), which a render cannot know and does not write
// (docs/behaviour.md "How render time differs from the webhook").
func (d *dropin) kpiTelemetry(c *Config) {
	if skip, _ := d.flag(dSkipKPI); skip {
		c.Libraries.InstallID, c.Libraries.InstallTime = "00000000-0000-0000-0000-000000000000", "0"
	}
}

// securityProducts are the switches the chart and the operator pass to the Cluster Agent only when
// true (the chart's templates/cluster-agent-deployment.yaml, the operator's asm feature): false,
// their default, passes nothing, which leaves the variable out of the pods and the product to the
// library's own default and to remote configuration (docs/migration.md "Coming from the webhook").
var securityProducts = []struct{ meaning, target string }{
	{dAppSec, "libraries.appsec"},
	{dIAST, "libraries.iast"},
	{dSCA, "libraries.sca"},
}

func (d *dropin) securityProducts(c *Config) {
	for _, p := range securityProducts {
		if on, _ := d.flag(p.meaning); on {
			d.set(c, p.meaning, p.target)
		}
	}
}

// ssi applies Single Step Instrumentation: targets, or libVersions (every language when empty),
// and the namespaces.
func (d *dropin) ssi(c *Config) {
	t, withTargets := d.got[dTargets]
	if withTargets {
		d.set(c, dTargets, "targets")
		if f, ok := d.got[dLibVersions]; ok {
			d.errs = append(d.errs, Error{f.path, fmt.Sprintf("must not be set with %s: each target's ddTraceVersions chooses the libraries", t.path)})
		}
		if f, ok := d.got[dEnabledNS]; ok {
			d.errs = append(d.errs, Error{f.path, fmt.Sprintf("must not be set with %s: each target's namespaceSelector chooses the namespaces", t.path)})
		}
	} else {
		d.libVersions(c)
		d.set(c, dEnabledNS, "selection.enabledNamespaces")
	}
	if f, ok := d.got[dDisabledNS]; ok {
		if e, both := d.got[dEnabledNS]; both && !withTargets {
			d.errs = append(d.errs, Error{f.path, fmt.Sprintf("must not be set with %s: list where to instrument, or where not to", e.path)})
		} else {
			d.set(c, dDisabledNS, "selection.disabledNamespaces")
		}
	}
}

// libVersions sets the versions of the languages named and injects those languages, or every
// language when none is named.
func (d *dropin) libVersions(c *Config) {
	f, ok := d.got[dLibVersions]
	if !ok {
		c.Libraries.Inject = slices.Clone(Languages)
		return
	}
	var ps problems
	vs := readTraceVersions(f.value, "", &ps)
	if len(ps) > 0 {
		for _, p := range ps {
			d.errs = append(d.errs, Error{f.path + p.Field, p.Message})
		}
		return
	}
	c.Libraries.Inject = nil
	for _, lang := range Languages {
		if v, ok := vs[lang]; ok {
			c.Libraries.Versions[lang] = v
			c.Libraries.Inject = append(c.Libraries.Inject, lang)
		}
	}
}

// chartMode is the config mode the chart gives the Cluster Agent when configMode is not set
// (templates/cluster-agent-deployment.yaml with the trace-agent-use-* helpers of
// templates/_helpers.tpl, chart 3.240.0), the first that holds of:
//   - socket when the trace agent takes traces on its socket (datadog.apm.socketEnabled, true by
//     default, or the deprecated useSocketVolume), except on GKE Autopilot without the Datadog
//     CSI driver, on GKE GDC and on Windows (targetSystem), which have no socket;
//   - hostip when it takes them on the host port (portEnabled, or the deprecated apm.enabled),
//     and on GKE Autopilot, which rejects the socket's hostPath volume;
//   - service when it takes them on the local service (useLocalService);
//   - socket.
func (d *dropin) chartMode(c *Config) {
	socket := d.flagOr(dAPMSocketEnabled, true) || d.flagOr(dAPMUseSocketVolume, false)
	autopilot, gdc := d.flagOr(dAutopilot, false), d.flagOr(dGDC, false)
	noSocket := (autopilot && !d.flagOr(dCSI, false)) || gdc || d.text(dTargetSystem) == "windows"
	switch {
	case socket && !noSocket:
		c.Agent.Mode = ModeSocket
	case d.flagOr(dAPMPortEnabled, false) || d.flagOr(dAPMEnabled, false) || autopilot:
		c.Agent.Mode = ModeHostIP
	case d.flagOr(dAPMLocalService, false):
		c.Agent.Mode = ModeService
	default:
		c.Agent.Mode = ModeSocket
	}
}

// operatorMode is the config mode the operator gives the Cluster Agent when
// agentCommunicationMode is not set (internal/controller/datadogagent/feature/admissioncontroller
// and its defaults, main at 55db5316): hostip on GKE Autopilot; socket when APM (on by default)
// takes traces on its socket (on by default), or DogStatsD listens on its socket (on by
// default); otherwise none, which is the Cluster Agent's hostip.
func (d *dropin) operatorMode(c *Config) {
	apm := d.flagOr(dAPMEnabled, true) && d.flagOr(dAPMSocketEnabled, true)
	switch {
	case d.autopilot:
		c.Agent.Mode = ModeHostIP
	case apm || d.flagOr(dDSDSocketEnabled, true):
		c.Agent.Mode = ModeSocket
	default:
		c.Agent.Mode = ModeHostIP
	}
}

// serviceName is the agent's local service, the host of service mode: the chart's
// agents.localService.overrideName, else its full name (fullnameOverride, cut as the chart cuts
// it, else made from the Helm release's name, which the file does not hold: the default,
// datadog, is what a release named datadog gives); the operator's
// spec.global.localService.nameOverride, else <metadata.name>-agent.
func (d *dropin) serviceName(c *Config) {
	if _, ok := d.got[dServiceName]; ok {
		d.set(c, dServiceName, "config.serviceName")
		return
	}
	name, at := d.objectName+"-agent", "metadata.name"
	if d.helm {
		f, ok := d.got[dFullname]
		if !ok {
			if f, ok := d.got[dNameOverride]; ok {
				d.warn(f.seq, f.path, "names the agent's service with the Helm release's name, which the file does not hold: inject-datadog ignores it; set agents.localService.overrideName to name the service")
			}
			return
		}
		if name, at = d.text(dFullname), f.path; name == "" {
			return
		}
		if len(name) > 63 {
			name = name[:63]
		}
		name = strings.TrimSuffix(name, "-")
	}
	if err := dnsLabel(name); err != nil {
		d.fail(at, fmt.Sprintf("%v: it names the agent's service", err))
		return
	}
	c.Agent.ServiceName = name
}

// flagOr is the bool setting meaning, or def when it is not given or is not a bool (an error).
func (d *dropin) flagOr(meaning string, def bool) bool {
	if v, given := d.flag(meaning); given {
		return v
	}
	return def
}

// text is the string setting meaning, "" when it is not given or not a string (an error).
func (d *dropin) text(meaning string) string {
	f, ok := d.got[meaning]
	if !ok {
		return ""
	}
	if !yamltree.IsStr(f.value) {
		d.fail(f.path, mustBe("a string", f.value).Error())
		return ""
	}
	return f.value.Value
}

// fail reports an error at path once: a setting read by several rules is reported by the first.
func (d *dropin) fail(path, msg string) {
	e := Error{path, msg}
	if !slices.Contains(d.errs, e) {
		d.errs = append(d.errs, e)
	}
}

// sockets sets the socket URLs from the socket paths, and the directory socket mode mounts when
// both sockets are in the same one.
func (d *dropin) sockets(c *Config) {
	read := func(meaning string, url *string) {
		f, ok := d.got[meaning]
		if !ok {
			return
		}
		if !yamltree.IsStr(f.value) {
			d.errs = append(d.errs, Error{f.path, mustBe("a string", f.value).Error()})
			return
		}
		if err := absPath(f.value.Value); err != nil {
			d.errs = append(d.errs, Error{f.path, err.Error()})
			return
		}
		*url = "unix://" + path.Clean(f.value.Value)
	}
	read(dAPMSocket, &c.Agent.TraceAgentSocket)
	read(dDSDSocket, &c.Agent.DogstatsdSocket)
	apmDir := path.Dir(strings.TrimPrefix(c.Agent.TraceAgentSocket, "unix://"))
	dsdDir := path.Dir(strings.TrimPrefix(c.Agent.DogstatsdSocket, "unix://"))
	if apmDir == dsdDir {
		c.Agent.SocketPath = apmDir
		return
	}
	for _, m := range []string{dAPMSocket, dDSDSocket} {
		if f, ok := d.got[m]; ok {
			d.warn(f.seq, f.path, fmt.Sprintf("is not in the other socket's directory: socket mode mounts only config.socketPath (%s)", c.Agent.SocketPath))
		}
	}
}
