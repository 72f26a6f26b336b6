package inject

import (
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/config"
	"inject-datadog/fn/internal/yamltree"
)

// agentMode is the template's agent connection mode: the config.mode label when it names a mode,
// else config.mode. An unusable label value is reported by the caller.
func (tr *Transformer) agentMode(label string) (mode string, ok bool) {
	if label == "" {
		return tr.cfg.Agent.Mode, true
	}
	m := strings.ToLower(label)
	for _, known := range config.Modes {
		if m == known {
			return m, true
		}
	}
	return tr.cfg.Agent.Mode, false
}

// agentEnv is the agent connection's part of the env block (docs/behaviour.md "Agent modes"), in its final order.
func (tr *Transformer) agentEnv(mode string) []envVar {
	a := tr.cfg.Agent
	var block []envVar
	if a.OriginDetection {
		block = append(block, fieldRefVar(envPodUID, "metadata.uid"), envVar{name: envExternalEnv, item: externalEnv})
	}
	block = append(block, fieldRefVar(envEntityID, "metadata.uid"))
	switch mode {
	case config.ModeHostIP:
		block = append(block, fieldRefVar(envAgentHost, "status.hostIP"))
	case config.ModeService:
		block = append(block, valueVar(envAgentHost, a.ServiceName+"."+tr.cfg.AgentNamespace+".svc.cluster.local"))
	case config.ModeSocket, config.ModeCSI:
		block = append(block, valueVar(envTraceAgentURL, a.TraceAgentSocket), valueVar(envDogstatsdURL, a.DogstatsdSocket))
	}
	return block
}

// externalEnv tells the agent which container a metric comes from (origin detection).
func externalEnv(c *container) *yaml.Node {
	return yamltree.Map("name", envExternalEnv,
		"value", "it-"+strconv.FormatBool(c.init)+",cn-"+c.name+",pu-$("+envPodUID+")")
}

// volume is a volume the function adds with the mount every container gets.
type volume struct {
	name      string
	source    func() (key string, value *yaml.Node)
	mountPath string
}

// agentVolumes are the socket volumes of docs/behaviour.md "Agent modes", none for hostip and service.
func (tr *Transformer) agentVolumes(mode string) []volume {
	a := tr.cfg.Agent
	if mode != config.ModeSocket && mode != config.ModeCSI {
		return nil
	}
	csi := func(attrType string) func() (string, *yaml.Node) {
		return func() (string, *yaml.Node) {
			return "csi", yamltree.Map("driver", csiDriver, "readOnly", true,
				"volumeAttributes", yamltree.Map("type", attrType))
		}
	}
	hostPath := func(path string, typ string) func() (string, *yaml.Node) {
		return func() (string, *yaml.Node) {
			return "hostPath", yamltree.Map("path", path, "type", typ)
		}
	}
	if !a.TypeSocketVolumes {
		src := hostPath(a.SocketPath, "DirectoryOrCreate")
		if mode == config.ModeCSI {
			src = csi("DSDSocketDirectory")
		}
		return []volume{{name: volumeSocketDir, source: src, mountPath: a.SocketPath}}
	}
	dsd := strings.TrimPrefix(a.DogstatsdSocket, "unix://")
	apm := strings.TrimPrefix(a.TraceAgentSocket, "unix://")
	dsdSrc, apmSrc := hostPath(dsd, "Socket"), hostPath(apm, "Socket")
	if mode == config.ModeCSI {
		dsdSrc, apmSrc = csi("DSDSocket"), csi("APMSocket")
	}
	return []volume{
		{name: volumeDogstatsd, source: dsdSrc, mountPath: dsd},
		{name: volumeTraceAgent, source: apmSrc, mountPath: apm},
	}
}
