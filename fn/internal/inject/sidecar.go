package inject

import (
	"fmt"
	"maps"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/config"
	"inject-datadog/fn/internal/podtemplate"
	"inject-datadog/fn/internal/yamltree"
)

// The Agent sidecar (docs/behaviour.md "The Agent sidecar"): what Datadog's agent_sidecar webhook
// adds to a pod, in its order: the container datadog-agent-injected, the read-only root
// filesystem's volumes and init container, the provider's overrides, the Job's auto-exit, then
// the profile.

// Names the sidecar mutation writes.
const (
	sidecarName        = "datadog-agent-injected"
	copyConfigInitName = "init-copy-agent-config"
	volumeAgentConfig  = "agent-config"
	volumeAgentOption  = "agent-option"
	volumeAgentTmp     = "agent-tmp"
	volumeAgentLog     = "agent-log"
	volumeSockets      = "ddsockets"
	socketsPath        = "/var/run/datadog"
	datadogSecret      = "datadog-secret"
)

// sidecarResources are the sidecar's requests and limits, each for cpu and memory.
var sidecarResources = [][2]string{{"cpu", "200m"}, {"memory", "256Mi"}}

// readOnlyVolumes are the writable directories a sidecar with a read-only root filesystem gets,
// as volume name and mount path, in the webhook's order.
var readOnlyVolumes = [][2]string{
	{volumeAgentConfig, "/etc/datadog-agent"},
	{volumeAgentOption, "/opt/datadog-agent/run"},
	{volumeAgentTmp, "/tmp"},
	{volumeAgentLog, "/var/log/datadog"},
}

// fargateSidecarEnv and fargateAppEnv are the variables the fargate provider sets in the sidecar
// and in every other container, replacing a variable of the same name.
var (
	fargateSidecarEnv = [][2]string{
		{"DD_EKS_FARGATE", "true"},
		{"DD_APM_RECEIVER_SOCKET", socketsPath + "/apm.socket"},
		{"DD_DOGSTATSD_SOCKET", socketsPath + "/dsd.socket"},
	}
	fargateAppEnv = [][2]string{
		{envTraceAgentURL, "unix://" + socketsPath + "/apm.socket"},
		{envDogstatsdURL, "unix://" + socketsPath + "/dsd.socket"},
	}
)

// envAutoExit makes the Agent exit with the Job's process.
const envAutoExit = "DD_AUTO_EXIT_NOPROCESS_ENABLED"

// selectSidecar applies the sidecar's own selector to the template's own labels and its
// namespace's labels; the enabled label, mutateUnlabelled and the protected namespaces play no
// part (as in the webhook). It returns why, for the explanation.
func (tr *Transformer) selectSidecar(t *podtemplate.Template, warn warnFunc) (bool, string, error) {
	s := tr.cfg.AgentSidecar
	if !s.Enabled {
		return false, "", nil
	}
	sel := s.Selector()
	labels, err := t.Labels()
	if err != nil {
		return false, "", err
	}
	if !sel.ObjectSelector.Matches(labels) {
		return false, "", nil
	}
	if ns := sel.NamespaceSelector; ns != nil && (len(ns.MatchLabels) > 0 || len(ns.MatchExpressions) > 0) {
		name := t.Namespace()
		nsLabels, known := tr.namespaces[name]
		if !known {
			warn("metadata.namespace", "agentSidecar: the labels of namespace %q are unknown (no v1 Namespace %s in the input, no namespaceLabels entry), so its namespaceSelector cannot match; add one of them", name, name)
			return false, "", nil
		}
		// The API server labels every namespace with its name (Kubernetes 1.21 and later).
		withName := maps.Clone(nsLabels)
		withName["kubernetes.io/metadata.name"] = name
		if !ns.Matches(withName) {
			return false, "", nil
		}
	}
	if len(s.Selectors) == 0 {
		return true, fmt.Sprintf("template label %s=%s", config.SidecarLabel, s.Provider), nil
	}
	return true, "agentSidecar.selectors", nil
}

// fargate reports whether the sidecar's provider is fargate.
func (tr *Transformer) fargate() bool { return tr.cfg.AgentSidecar.Provider == config.ProviderFargate }

// sidecarImage is the sidecar's image, through libraries.imageOverrides.
func (tr *Transformer) sidecarImage() string {
	return tr.overrideImage(tr.cfg.AgentSidecar.Image(tr.cfg.Libraries.Registry))
}

// sidecarContainer is the container the webhook appends (reference version: its default
// template), with the read-only root filesystem's mounts when ro is set.
func (tr *Transformer) sidecarContainer(ro bool) *yaml.Node {
	s := tr.cfg.AgentSidecar
	secret := func(name, key string) *yaml.Node {
		return yamltree.Map("name", name, "valueFrom", yamltree.Map("secretKeyRef", yamltree.Map("key", key, "name", datadogSecret)))
	}
	value := func(name, v string) *yaml.Node { return yamltree.Map("name", name, "value", v) }
	env := yamltree.Seq(
		secret("DD_API_KEY", "api-key"),
		value("DD_SITE", s.Site),
		value("DD_CLUSTER_NAME", s.ClusterName),
		yamltree.Map("name", "DD_KUBERNETES_KUBELET_NODENAME", "valueFrom",
			yamltree.Map("fieldRef", yamltree.Map("apiVersion", "v1", "fieldPath", "spec.nodeName"))),
		value("DD_LANGUAGE_DETECTION_ENABLED", strconv.FormatBool(s.LanguageDetection)),
	)
	if s.ClusterAgent.Enabled {
		url := fmt.Sprintf("https://%s.%s.svc.cluster.local:%d", s.ClusterAgent.ServiceName, tr.cfg.AgentNamespace, s.ClusterAgent.Port)
		yamltree.Append(env,
			value("DD_CLUSTER_AGENT_ENABLED", "true"),
			secret("DD_CLUSTER_AGENT_AUTH_TOKEN", "token"),
			value("DD_CLUSTER_AGENT_URL", url),
			value("DD_ORCHESTRATOR_EXPLORER_ENABLED", "true"))
	}
	quantities := func() *yaml.Node {
		m := yamltree.Map()
		for _, q := range sidecarResources {
			yamltree.Set(m, q[0], yamltree.Str(q[1]))
		}
		return m
	}
	c := yamltree.Map("name", sidecarName, "image", tr.sidecarImage(), "imagePullPolicy", "IfNotPresent",
		"env", env, "resources", yamltree.Map("limits", quantities(), "requests", quantities()))
	if ro {
		mounts := yamltree.Seq()
		for _, v := range readOnlyVolumes {
			yamltree.Append(mounts, yamltree.Map("name", v[0], "mountPath", v[1]))
		}
		yamltree.Set(c, "volumeMounts", mounts)
		yamltree.Set(c, "securityContext", yamltree.Map("readOnlyRootFilesystem", true))
	}
	return c
}

// copyConfigInit copies the Agent's default configuration into the writable agent-config volume.
func (tr *Transformer) copyConfigInit() *yaml.Node {
	return yamltree.Map("name", copyConfigInitName, "image", tr.sidecarImage(), "imagePullPolicy", "IfNotPresent",
		"command", yamltree.StrSeq("sh", "-c", "cp -R /etc/datadog-agent/* /agent-config/"),
		"volumeMounts", yamltree.Seq(yamltree.Map("name", volumeAgentConfig, "mountPath", "/agent-config")))
}

// sidecarState is what addSidecar did, for the steps that follow the other mutations.
type sidecarState struct {
	// fresh says the sidecar was added now; ro that it has a read-only root filesystem.
	fresh, ro bool
	sidecar   *container
}

// addSidecar appends the sidecar, unless the pod has a container of that name, and with a
// read-only root filesystem the init container that fills its configuration volume. Both join
// the pod's containers, so that the mutations that follow (the agent connection, the tags, the
// libraries' resource formula) see them as the re-invoked webhooks do.
func (tr *Transformer) addSidecar(p *pod) (sidecarState, error) {
	for _, c := range p.containers {
		if !c.init && c.name == sidecarName {
			return sidecarState{sidecar: c}, nil
		}
	}
	ro := false
	if prof := tr.cfg.AgentSidecar.Profile(); prof != nil {
		ro = prof.ReadOnlyRootFilesystem()
	}
	if ro {
		for i, ic := range yamltree.Items(yamltree.Get(p.spec, "initContainers")) {
			if n := yamltree.Get(ic, "name"); n != nil && n.Value == copyConfigInitName {
				return sidecarState{}, &podtemplate.FieldError{Field: p.t.Field("spec", "initContainers", "["+strconv.Itoa(i)+"]"),
					Message: fmt.Sprintf("the init container %q must not be there without the container %s: the Agent sidecar with a read-only root filesystem adds one of that name", copyConfigInitName, sidecarName)}
			}
		}
		for _, v := range readOnlyVolumes {
			if ref := p.edit.volume(v[0]); ref != nil {
				return sidecarState{}, &podtemplate.FieldError{Field: p.t.Field("spec", "volumes", "["+strconv.Itoa(ref.index)+"]"),
					Message: fmt.Sprintf("the volume %q must not be there: the Agent sidecar with a read-only root filesystem adds a volume of that name", v[0])}
			}
		}
	}
	n := tr.sidecarContainer(ro)
	p.edit.addContainer(n)
	st := sidecarState{fresh: true, ro: ro}
	st.sidecar = p.adopt(n, false, "containers")
	if ro {
		ic := tr.copyConfigInit()
		p.edit.addInit(ic, false)
		p.adopt(ic, true, "initContainers")
	}
	return st, nil
}

// adopt makes a container a render added one of the pod's containers.
func (p *pod) adopt(n *yaml.Node, init bool, list string) *container {
	index := len(yamltree.Items(yamltree.Get(p.spec, list))) - 1
	c := &container{node: n, name: yamltree.Get(n, "name").Value, init: init, role: agentInjected,
		field: p.t.Field("spec", list) + "[" + strconv.Itoa(index) + "]", envNames: map[string]bool{}}
	for _, e := range yamltree.Items(yamltree.Get(n, "env")) {
		c.envNames[yamltree.Get(e, "name").Value] = true
	}
	p.containers = append(p.containers, c)
	return c
}

// checkFargateVolumes refuses the agent's socket volumes under the fargate provider: the webhook
// deletes them (a hostPath does not work on Fargate), and a render never deletes what the user
// wrote.
func (tr *Transformer) checkFargateVolumes(p *pod) error {
	for _, name := range []string{volumeSocketDir, volumeDogstatsd, volumeTraceAgent} {
		if ref := p.edit.volume(name); ref != nil {
			return &podtemplate.FieldError{Field: p.t.Field("spec", "volumes", "["+strconv.Itoa(ref.index)+"]"),
				Message: fmt.Sprintf("the volume %q must not be there with agentSidecar.provider fargate: Fargate has no host sockets, the sidecar's %s volume replaces it (run mode: remove first if a render added it)", name, volumeSockets)}
		}
	}
	return nil
}

// finishSidecar applies, after the agent connection and the tags, the rest of the webhook's
// mutation: the read-only root filesystem's volumes, the provider's overrides, the Job's
// auto-exit and the profile. It returns the volumes to list as safe to evict.
func (tr *Transformer) finishSidecar(p *pod, st sidecarState, warn warnFunc) ([]string, error) {
	if st.fresh && st.ro {
		for _, v := range readOnlyVolumes {
			p.edit.addVolume(v[0], "emptyDir", yamltree.Map())
		}
	}
	var added []string
	if tr.fargate() {
		a, err := tr.fargateOverrides(p, st, warn)
		if err != nil {
			return nil, err
		}
		added = a
	}
	sc := st.sidecar
	if isJob(p.t) {
		if err := p.edit.overrideEnv(sc, yamltree.Map("name", envAutoExit, "value", "true"), sc.field); err != nil {
			return nil, err
		}
	}
	return added, tr.applyProfile(p, sc, warn)
}

// fargateOverrides are the fargate provider's: the ddsockets volume in every container and user
// init container, a shared process namespace, and the socket variables.
func (tr *Transformer) fargateOverrides(p *pod, st sidecarState, warn warnFunc) ([]string, error) {
	// The warnings are read from the record, so that a render of the output warns the same.
	for _, c := range p.containers {
		if c.init {
			continue
		}
		vars := fargateAppEnv
		if c == st.sidecar {
			vars = fargateSidecarEnv
		}
		for _, kv := range vars {
			if err := p.edit.overrideEnv(c, yamltree.Map("name", kv[0], "value", kv[1]), c.field); err != nil {
				return nil, err
			}
			if cr := p.edit.findRecord(c); cr != nil {
				for _, m := range cr.Merged {
					if m.Name == kv[0] && m.To == kv[1] {
						warn(fmt.Sprintf("%s.env[%d]", c.field, envIndex(c, kv[0])), "overwritten: the Agent sidecar on Fargate sets %s=%s in container %s (was %q)", kv[0], kv[1], c.name, m.From)
					}
				}
			}
		}
	}
	var added []string
	mounted := false
	for _, c := range p.containers {
		if c.init && c.role == agentInjected {
			continue // added after the provider's step in the webhook
		}
		if p.edit.mount(c, false, yamltree.Map("name", volumeSockets, "mountPath", socketsPath)) {
			mounted = true
		}
	}
	if mounted && p.edit.addVolume(volumeSockets, "emptyDir", yamltree.Map()) {
		added = append(added, volumeSockets)
	}
	p.edit.setSpecBool("shareProcessNamespace", true)
	if prior := p.edit.rec.Spec["shareProcessNamespace"]; prior != nil {
		warn(p.t.Field("spec", "shareProcessNamespace"), "overwritten: the Agent sidecar on Fargate sets shareProcessNamespace: true (was %s)", *prior)
	}
	return added, nil
}

// applyProfile applies the profile to the sidecar: its variables replace or follow the
// sidecar's, its resources replace them when they have limits, its securityContext replaces it.
// A sidecar that no render added keeps its resources and securityContext, with a warning: a
// render never rewrites what removal cannot give back.
func (tr *Transformer) applyProfile(p *pod, sc *container, warn warnFunc) error {
	prof := tr.cfg.AgentSidecar.Profile()
	if prof == nil {
		return nil
	}
	for _, e := range prof.Env {
		if err := p.edit.overrideEnv(sc, deepCopy(e), sc.field); err != nil {
			return err
		}
	}
	for _, part := range []struct {
		key string
		v   *yaml.Node
	}{{"resources", limitsOnly(prof.Resources)}, {"securityContext", prof.SecurityContext}} {
		if part.v == nil {
			continue
		}
		if !p.edit.isOwned(sc) {
			if cur := yamltree.Get(sc.node, part.key); cur == nil || digest(cur) != digest(part.v) {
				warn(sc.field+"."+part.key, "left as written: the container %s was not added by inject-datadog, so agentSidecar.profiles[0].%s is not applied to it", sidecarName, part.key)
			}
			continue
		}
		p.edit.setKey(sc, part.key, deepCopy(part.v))
	}
	return nil
}

// envIndex is the index of c's variable name in its env list.
func envIndex(c *container, name string) int {
	for i, e := range yamltree.Items(yamltree.Get(c.node, "env")) {
		if n := yamltree.Get(e, "name"); n != nil && n.Value == name {
			return i
		}
	}
	return -1
}

// limitsOnly is the profile's resources when they replace the sidecar's: only when they have
// limits (as the webhook).
func limitsOnly(res *yaml.Node) *yaml.Node {
	if res == nil || yamltree.Get(res, "limits") == nil {
		return nil
	}
	return res
}

// isJob reports a template whose pods a Job owns: a Job's or a CronJob's, or a Pod with a Job
// among its ownerReferences.
func isJob(t *podtemplate.Template) bool {
	o := t.Object
	if o.Group() == "batch" && (o.Kind() == "Job" || o.Kind() == "CronJob") {
		return true
	}
	if o.Kind() != "Pod" {
		return false
	}
	for _, ref := range yamltree.Items(yamltree.Path(t.Node, "metadata", "ownerReferences")) {
		av, kind := yamltree.Get(ref, "apiVersion"), yamltree.Get(ref, "kind")
		if av != nil && kind != nil && strings.HasPrefix(av.Value, "batch/") && kind.Value == "Job" {
			return true
		}
	}
	return false
}
