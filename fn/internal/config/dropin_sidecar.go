package config

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// The Agent sidecar and CWS instrumentation of the drop-in forms (docs/migration.md "Coming from
// the webhook"): the chart's clusterAgent.admissionController.agentSidecarInjection and
// cwsInstrumentation, the operator's spec.features.admissionController.agentSidecarInjection
// and cwsInstrumentation. Key names and defaults were read from the chart's values.yaml and
// templates/_ac-agent-sidecar-env.yaml, and from the operator's datadogagent_types.go and its
// admissioncontroller feature, at the versions of dropin.go.

// dropinAgentTag is the Agent image tag both the chart (agents.image.tag, chart 3.240.0) and the
// operator (its AgentLatestVersion) give the sidecar when no tag is set.
const dropinAgentTag = "7.81.1"

// sidecarKeys map each form's keys of agentSidecarInjection to the agentSidecar fields; the
// rest are read by sidecar itself.
var sidecarKeys = map[bool]map[string]string{
	true: {
		"provider":                         "agentSidecar.provider",
		"containerRegistry":                "agentSidecar.registry",
		"imageName":                        "agentSidecar.imageName",
		"imageTag":                         "agentSidecar.imageTag",
		"selectors":                        "agentSidecar.selectors",
		"profiles":                         "agentSidecar.profiles",
		"clusterAgentCommunicationEnabled": "agentSidecar.clusterAgent.enabled",
	},
	false: {
		"provider":                         "agentSidecar.provider",
		"registry":                         "agentSidecar.registry",
		"selectors":                        "agentSidecar.selectors",
		"profiles":                         "agentSidecar.profiles",
		"clusterAgentCommunicationEnabled": "agentSidecar.clusterAgent.enabled",
	},
}

// sidecar maps agentSidecarInjection, which the chart and the operator pass to the Cluster Agent
// only when its enabled is true: a section that leaves it off changes nothing, and neither do
// the settings the sidecar alone reads (datadog.clusterName, agents.image, language detection).
func (d *dropin) sidecar(c *Config) {
	if !d.sidecarOn() {
		for _, m := range []string{dClusterName, dAgentImageName, dAgentImageTag, dLangDetect} {
			if f, ok := d.got[m]; ok {
				d.warn(f.seq, f.path, "has no effect: only the Agent sidecar reads it, and agentSidecarInjection.enabled is not true")
			}
		}
		return
	}
	f := d.got[dSidecar]
	c.AgentSidecar.Enabled = true
	d.set(c, dClusterName, "agentSidecar.clusterName")
	if _, ok := d.got[dSite]; ok {
		d.set(c, dSite, "agentSidecar.site")
	}
	fullname := d.objectName
	if d.helm {
		// The chart's Cluster Agent service is <fullname>-cluster-agent; the file does not hold
		// the release's name, and a release named datadog gives datadog.
		fullname = "datadog"
		if n := d.text(dFullname); n != "" {
			fullname = n
		}
	}
	if len(fullname) <= 63-len("-cluster-agent") && dnsLabel(fullname+"-cluster-agent") == nil {
		c.AgentSidecar.ClusterAgent.ServiceName = fullname + "-cluster-agent"
	}
	c.AgentSidecar.ImageTag = dropinAgentTag
	// Both give the Cluster Agent language detection with Single Step on and its
	// language_detection (languageDetection) switch, on by default.
	ssiOn, _ := d.flag(dSSIEnabled)
	c.AgentSidecar.LanguageDetection = ssiOn && d.flagOr(dLangDetect, true)
	if d.helm {
		if _, ok := d.got[dAgentImageName]; ok {
			d.set(c, dAgentImageName, "agentSidecar.imageName")
		}
		if _, ok := d.got[dAgentImageTag]; ok {
			d.set(c, dAgentImageTag, "agentSidecar.imageTag")
		}
	} else if f, ok := d.got[dRegistry]; ok && yamltree.IsStr(f.value) && registry(f.value.Value) == nil {
		c.AgentSidecar.Registry = f.value.Value // the operator's fallback: spec.global.registry
	}

	for _, kv := range yamltree.Pairs(f.value) {
		key, v := kv[0].Value, resolve(kv[1])
		at := f.path + "." + key
		if key == "enabled" || isUnset(v) {
			continue
		}
		if target, ok := sidecarKeys[d.helm][key]; ok {
			if !d.helm && (key == "selectors" || key == "profiles") {
				v = dropEmpty(v) // the operator drops the entries that set nothing
			}
			tf, _ := lookup(target)
			if err := tf.node(c, v); err != nil {
				d.errs = append(d.errs, fieldErrors(at, err)...)
			}
			continue
		}
		switch {
		case !d.helm && key == "image":
			for _, part := range []struct{ key, target string }{{"name", "agentSidecar.imageName"}, {"tag", "agentSidecar.imageTag"}} {
				if pv := yamltree.Get(v, part.key); pv != nil && !isUnset(pv) {
					tf, _ := lookup(part.target)
					if err := tf.node(c, resolve(pv)); err != nil {
						d.errs = append(d.errs, fieldErrors(at+"."+part.key, err)...)
					}
				}
			}
		case key == "clusterAgentTlsVerification":
			if tls := yamltree.Get(v, "enabled"); tls != nil {
				if b, err := boolNode(resolve(tls)); err == nil && b {
					d.warn(f.seq, at, "is not supported: inject-datadog renders the sidecar of Datadog's reference version (7.67), which has no TLS verification")
				}
			}
		default:
			d.warn(f.seq, at, noMeaning)
		}
	}
}

// sidecarOn reports agentSidecarInjection.enabled: true, reporting a section or a switch of
// the wrong type.
func (d *dropin) sidecarOn() bool {
	f, ok := d.got[dSidecar]
	if !ok {
		return false
	}
	if f.value.Kind != yaml.MappingNode {
		d.fail(f.path, mustBe("a map", f.value).Error())
		return false
	}
	enabled := yamltree.Get(f.value, "enabled")
	if enabled == nil || isUnset(enabled) {
		return false
	}
	on, err := boolNode(resolve(enabled))
	if err != nil {
		d.fail(f.path+".enabled", err.Error())
		return false
	}
	return on
}

// dropEmpty is a list of maps without the items that set nothing, as the operator passes it.
func dropEmpty(list *yaml.Node) *yaml.Node {
	if list.Kind != yaml.SequenceNode {
		return list
	}
	out := &yaml.Node{Kind: yaml.SequenceNode, Tag: list.Tag}
	for _, it := range list.Content {
		empty := true
		for _, kv := range yamltree.Pairs(resolve(it)) {
			if !isUnset(resolve(kv[1])) {
				empty = false
			}
		}
		if !empty {
			out.Content = append(out.Content, it)
		}
	}
	return out
}

// cws maps cwsInstrumentation: enabled and mode, the only keys either form has.
func (d *dropin) cws(c *Config) {
	f, ok := d.got[dCWS]
	if !ok {
		return
	}
	if f.value.Kind != yaml.MappingNode {
		d.fail(f.path, mustBe("a map", f.value).Error())
		return
	}
	for _, kv := range yamltree.Pairs(f.value) {
		key, v := kv[0].Value, resolve(kv[1])
		at := f.path + "." + key
		if isUnset(v) {
			continue
		}
		target := map[string]string{"enabled": "cws.enabled", "mode": "cws.mode"}[key]
		if target == "" {
			d.warn(f.seq, at, noMeaning)
			continue
		}
		tf, _ := lookup(target)
		if err := tf.node(c, v); err != nil {
			d.errs = append(d.errs, fieldErrors(at, err)...)
		}
	}
	if c.CWS.Enabled && c.CWS.Mode == CWSRemoteCopy {
		d.warn(f.seq, f.path, fmt.Sprintf("mode %s: the webhook changes no pod in this mode, and neither does inject-datadog", CWSRemoteCopy))
	}
}
