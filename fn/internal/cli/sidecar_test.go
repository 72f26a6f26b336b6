package cli

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// The Agent sidecar against the reference's unit-test tables (TestInjectAgentSidecar,
// TestApplyProviderOverrides: datadog-agent-sidecar-and-cws §2.4–§2.8, §2.11), read back through
// k8s.io/api's typed Pod. The expected values are written here from the reference, not from the
// function's output.

const refPod = `- apiVersion: v1
  kind: Pod
  metadata:
    name: pod-name
    labels: {agent.datadoghq.com/sidecar: fargate}
%OWNER%  spec:
    containers:
    - name: container-name
`

// sidecarPod renders refPod (with a Job owner when job is set) under the agentSidecar settings
// given, and returns the typed pod.
func sidecarPod(t *testing.T, agentSidecar string, job bool) corev1.Pod {
	t.Helper()
	owner := ""
	if job {
		owner = "    ownerReferences: [{apiVersion: batch/v1, kind: Job, name: job, uid: u1}]\n"
	}
	in := resourceList(strings.Replace(refPod, "%OWNER%", owner, 1),
		"{apiVersion: fn.kpt.dev/v1alpha1, kind: InjectDatadog, agentSidecar: "+agentSidecar+"}")
	out, stderr, code := run([]byte(in))
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	items, err := oracleResourceList([]byte(out))
	if err != nil || len(items) != 1 {
		t.Fatalf("items: %v", err)
	}
	var pod corev1.Pod
	if err := json.Unmarshal(items[0], &pod); err != nil {
		t.Fatal(err)
	}
	return pod
}

// The default template's variables (§2.4), cluster agent on, registry gcr.io/datadoghq.
var defaultSidecarEnv = []string{"DD_API_KEY", "DD_SITE", "DD_CLUSTER_NAME", "DD_KUBERNETES_KUBELET_NODENAME",
	"DD_LANGUAGE_DETECTION_ENABLED", "DD_CLUSTER_AGENT_ENABLED", "DD_CLUSTER_AGENT_AUTH_TOKEN", "DD_CLUSTER_AGENT_URL",
	"DD_ORCHESTRATOR_EXPLORER_ENABLED"}

var fargateSidecarEnvNames = []string{"DD_EKS_FARGATE", "DD_APM_RECEIVER_SOCKET", "DD_DOGSTATSD_SOCKET"}

func sidecarEnvNames(c corev1.Container) []string {
	var names []string
	for _, e := range c.Env {
		names = append(names, e.Name)
	}
	return names
}

func mountsOf(c corev1.Container) []string {
	var ms []string
	for _, m := range c.VolumeMounts {
		ms = append(ms, m.Name+"@"+m.MountPath)
	}
	return ms
}

func volumeNames(p corev1.Pod) []string {
	var vs []string
	for _, v := range p.Spec.Volumes {
		vs = append(vs, v.Name)
	}
	return vs
}

func containerNames(cs []corev1.Container) []string {
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	return names
}

var roMounts = []string{"agent-config@/etc/datadog-agent", "agent-option@/opt/datadog-agent/run", "agent-tmp@/tmp", "agent-log@/var/log/datadog"}

func TestSidecarReferenceTables(t *testing.T) {
	selector := `{enabled: true, selectors: [{objectSelector: {matchLabels: {agent.datadoghq.com/sidecar: fargate}}}], `
	roTrue := `profiles: [{securityContext: {readOnlyRootFilesystem: true}}]`
	roFalse := `profiles: [{securityContext: {readOnlyRootFilesystem: false}}]`

	t.Run("no sidecar, no provider, read-only root", func(t *testing.T) {
		p := sidecarPod(t, selector+roTrue+"}", false)
		if got := containerNames(p.Spec.Containers); !slices.Equal(got, []string{"container-name", "datadog-agent-injected"}) {
			t.Fatalf("containers %v", got)
		}
		sc := p.Spec.Containers[1]
		if sc.Image != "gcr.io/datadoghq/agent:7" || sc.ImagePullPolicy != corev1.PullIfNotPresent {
			t.Errorf("image %s, pull %s", sc.Image, sc.ImagePullPolicy)
		}
		if got := sidecarEnvNames(sc); !slices.Equal(got, defaultSidecarEnv) {
			t.Errorf("env %v", got)
		}
		want := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("200m"), corev1.ResourceMemory: resource.MustParse("256Mi")}
		for name, q := range want {
			if r, l := sc.Resources.Requests[name], sc.Resources.Limits[name]; r.Cmp(q) != 0 || l.Cmp(q) != 0 {
				t.Errorf("%s: requests %s limits %s", name, r.String(), l.String())
			}
		}
		if got := mountsOf(sc); !slices.Equal(got, roMounts) {
			t.Errorf("mounts %v", got)
		}
		if sc.SecurityContext == nil || sc.SecurityContext.ReadOnlyRootFilesystem == nil || !*sc.SecurityContext.ReadOnlyRootFilesystem {
			t.Errorf("securityContext %+v", sc.SecurityContext)
		}
		if got := volumeNames(p); !slices.Equal(got, []string{"agent-config", "agent-option", "agent-tmp", "agent-log"}) {
			t.Errorf("volumes %v", got)
		}
		if len(p.Spec.InitContainers) != 1 {
			t.Fatalf("init containers %v", containerNames(p.Spec.InitContainers))
		}
		ic := p.Spec.InitContainers[0]
		if ic.Name != "init-copy-agent-config" || ic.Image != sc.Image || !slices.Equal(ic.Command, []string{"sh", "-c", "cp -R /etc/datadog-agent/* /agent-config/"}) ||
			!slices.Equal(mountsOf(ic), []string{"agent-config@/agent-config"}) || ic.Resources.Limits != nil || ic.SecurityContext != nil {
			t.Errorf("init container %+v", ic)
		}
		if p.Spec.ShareProcessNamespace != nil || p.Annotations["cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes"] != "" {
			t.Errorf("no provider, yet shareProcessNamespace %v, safe-to-evict %q", p.Spec.ShareProcessNamespace, p.Annotations["cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes"])
		}
		// The default values of §2.4.
		vals := map[string]corev1.EnvVar{}
		for _, e := range sc.Env {
			vals[e.Name] = e
		}
		if v := vals["DD_API_KEY"].ValueFrom; v == nil || v.SecretKeyRef == nil || v.SecretKeyRef.Name != "datadog-secret" || v.SecretKeyRef.Key != "api-key" {
			t.Errorf("DD_API_KEY %+v", vals["DD_API_KEY"])
		}
		if v := vals["DD_CLUSTER_AGENT_AUTH_TOKEN"].ValueFrom; v == nil || v.SecretKeyRef == nil || v.SecretKeyRef.Name != "datadog-secret" || v.SecretKeyRef.Key != "token" {
			t.Errorf("DD_CLUSTER_AGENT_AUTH_TOKEN %+v", vals["DD_CLUSTER_AGENT_AUTH_TOKEN"])
		}
		if v := vals["DD_KUBERNETES_KUBELET_NODENAME"].ValueFrom; v == nil || v.FieldRef == nil || v.FieldRef.FieldPath != "spec.nodeName" || v.FieldRef.APIVersion != "v1" {
			t.Errorf("DD_KUBERNETES_KUBELET_NODENAME %+v", vals["DD_KUBERNETES_KUBELET_NODENAME"])
		}
		for name, want := range map[string]string{"DD_SITE": "datadoghq.com", "DD_CLUSTER_NAME": "", "DD_LANGUAGE_DETECTION_ENABLED": "false",
			"DD_CLUSTER_AGENT_ENABLED": "true", "DD_CLUSTER_AGENT_URL": "https://datadog-cluster-agent.datadog.svc.cluster.local:5005",
			"DD_ORCHESTRATOR_EXPLORER_ENABLED": "true"} {
			if vals[name].Value != want {
				t.Errorf("%s=%q, want %q", name, vals[name].Value, want)
			}
		}
	})

	t.Run("read-only root overridden to false", func(t *testing.T) {
		p := sidecarPod(t, selector+roFalse+"}", false)
		sc := p.Spec.Containers[1]
		if len(p.Spec.Volumes) != 0 || len(p.Spec.InitContainers) != 0 || len(sc.VolumeMounts) != 0 {
			t.Errorf("volumes %v, init %v, mounts %v", volumeNames(p), containerNames(p.Spec.InitContainers), mountsOf(sc))
		}
		if sc.SecurityContext == nil || sc.SecurityContext.ReadOnlyRootFilesystem == nil || *sc.SecurityContext.ReadOnlyRootFilesystem {
			t.Errorf("securityContext %+v", sc.SecurityContext)
		}
	})

	t.Run("owned by a Job", func(t *testing.T) {
		p := sidecarPod(t, selector+roFalse+"}", true)
		sc := p.Spec.Containers[1]
		want := append(slices.Clone(defaultSidecarEnv), "DD_AUTO_EXIT_NOPROCESS_ENABLED")
		if got := sidecarEnvNames(sc); !slices.Equal(got, want) || sc.Env[len(sc.Env)-1].Value != "true" {
			t.Errorf("env %v", got)
		}
	})

	t.Run("cluster agent off, other service and port, language detection", func(t *testing.T) {
		p := sidecarPod(t, `{enabled: true, provider: fargate, clusterAgent: {enabled: false}, languageDetection: true, registry: my-registry, imageName: my-image, imageTag: my-tag}`, false)
		sc := p.Spec.Containers[1]
		if sc.Image != "my-registry/my-image:my-tag" {
			t.Errorf("image %s", sc.Image)
		}
		want := append(slices.Clone(defaultSidecarEnv[:5]), fargateSidecarEnvNames...)
		if got := sidecarEnvNames(sc); !slices.Equal(got, want) {
			t.Errorf("env %v", got)
		}
		if sc.Env[4].Value != "true" {
			t.Errorf("DD_LANGUAGE_DETECTION_ENABLED=%q", sc.Env[4].Value)
		}
		p = sidecarPod(t, `{enabled: true, provider: fargate, clusterAgent: {port: 12345, serviceName: test-service-name}}`, false)
		for _, e := range p.Spec.Containers[1].Env {
			if e.Name == "DD_CLUSTER_AGENT_URL" && e.Value != "https://test-service-name.datadog.svc.cluster.local:12345" {
				t.Errorf("DD_CLUSTER_AGENT_URL=%s", e.Value)
			}
		}
	})

	for _, withProfile := range []bool{false, true} {
		name := "Fargate, read-only root"
		profile := roTrue
		if withProfile {
			name = "Fargate, read-only root and a profile"
			profile = `profiles: [{env: [{name: ENV_VAR_1, valueFrom: {secretKeyRef: {name: my-secret, key: secret-key}}}, {name: ENV_VAR_2, value: value2}],
  resources: {limits: {cpu: "1", memory: 512Mi}, requests: {cpu: "0.5", memory: 256Mi}}, securityContext: {readOnlyRootFilesystem: true}}]`
		}
		t.Run(name, func(t *testing.T) {
			p := sidecarPod(t, `{enabled: true, provider: fargate, `+profile+`}`, false)
			if got := p.Annotations["cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes"]; got != "ddsockets" {
				t.Errorf("safe-to-evict %q", got)
			}
			if p.Spec.ShareProcessNamespace == nil || !*p.Spec.ShareProcessNamespace {
				t.Errorf("shareProcessNamespace %v", p.Spec.ShareProcessNamespace)
			}
			if got := containerNames(p.Spec.InitContainers); !slices.Equal(got, []string{"init-copy-agent-config"}) || len(p.Spec.InitContainers[0].VolumeMounts) != 1 {
				t.Errorf("init containers %v", got)
			}
			app := p.Spec.Containers[0]
			if got := app.Env; !reflect.DeepEqual(got, []corev1.EnvVar{{Name: "DD_TRACE_AGENT_URL", Value: "unix:///var/run/datadog/apm.socket"},
				{Name: "DD_DOGSTATSD_URL", Value: "unix:///var/run/datadog/dsd.socket"}}) {
				t.Errorf("app env %+v", got)
			}
			if got := mountsOf(app); !slices.Equal(got, []string{"ddsockets@/var/run/datadog"}) || app.VolumeMounts[0].ReadOnly {
				t.Errorf("app mounts %v", got)
			}
			sc := p.Spec.Containers[1]
			wantEnv := append(slices.Clone(defaultSidecarEnv), fargateSidecarEnvNames...)
			if withProfile {
				wantEnv = append(wantEnv, "ENV_VAR_1", "ENV_VAR_2")
			}
			if got := sidecarEnvNames(sc); !slices.Equal(got, wantEnv) {
				t.Errorf("sidecar env %v", got)
			}
			for _, e := range sc.Env {
				switch e.Name {
				case "DD_EKS_FARGATE":
					if e.Value != "true" {
						t.Errorf("DD_EKS_FARGATE=%q", e.Value)
					}
				case "DD_APM_RECEIVER_SOCKET":
					if e.Value != "/var/run/datadog/apm.socket" {
						t.Errorf("DD_APM_RECEIVER_SOCKET=%q", e.Value)
					}
				case "DD_DOGSTATSD_SOCKET":
					if e.Value != "/var/run/datadog/dsd.socket" {
						t.Errorf("DD_DOGSTATSD_SOCKET=%q", e.Value)
					}
				case "ENV_VAR_1":
					if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil || e.ValueFrom.SecretKeyRef.Name != "my-secret" || e.ValueFrom.SecretKeyRef.Key != "secret-key" {
						t.Errorf("ENV_VAR_1 %+v", e)
					}
				case "ENV_VAR_2":
					if e.Value != "value2" {
						t.Errorf("ENV_VAR_2=%q", e.Value)
					}
				}
			}
			if got := mountsOf(sc); !slices.Equal(got, append(slices.Clone(roMounts), "ddsockets@/var/run/datadog")) {
				t.Errorf("sidecar mounts %v", got)
			}
			if got := volumeNames(p); !slices.Equal(got, []string{"agent-config", "agent-option", "agent-tmp", "agent-log", "ddsockets"}) {
				t.Errorf("volumes %v", got)
			}
			cpu, mem := sc.Resources.Limits[corev1.ResourceCPU], sc.Resources.Limits[corev1.ResourceMemory]
			rcpu, rmem := sc.Resources.Requests[corev1.ResourceCPU], sc.Resources.Requests[corev1.ResourceMemory]
			wantCPU, wantMem, wantRCPU, wantRMem := "200m", "256Mi", "200m", "256Mi"
			if withProfile {
				wantCPU, wantMem, wantRCPU, wantRMem = "1", "512Mi", "500m", "256Mi"
			}
			if cpu.Cmp(resource.MustParse(wantCPU)) != 0 || mem.Cmp(resource.MustParse(wantMem)) != 0 ||
				rcpu.Cmp(resource.MustParse(wantRCPU)) != 0 || rmem.Cmp(resource.MustParse(wantRMem)) != 0 {
				t.Errorf("resources %+v", sc.Resources)
			}
		})
	}

	t.Run("a profile with requests only leaves the resources", func(t *testing.T) {
		p := sidecarPod(t, `{enabled: true, provider: fargate, profiles: [{resources: {requests: {cpu: "1"}}}]}`, false)
		if l := p.Spec.Containers[1].Resources.Limits[corev1.ResourceCPU]; l.Cmp(resource.MustParse("200m")) != 0 {
			t.Errorf("limits %+v", p.Spec.Containers[1].Resources)
		}
	})
}

// Render then remove gives the input back, a second render changes nothing, and a sidecar edited
// by hand after the render is kept by removal, with a warning.
func TestSidecarRemovalKeepsAHandEditedSidecar(t *testing.T) {
	in := resourceList(strings.Replace(refPod, "%OWNER%", "", 1),
		"{apiVersion: fn.kpt.dev/v1alpha1, kind: InjectDatadog, agentSidecar: {enabled: true, provider: fargate}}")
	out, stderr, code := run([]byte(in))
	if code != 0 {
		t.Fatalf("render: %s", stderr)
	}
	edited := strings.Replace(out, "cpu: 200m", "cpu: 300m", 1)
	if edited == out {
		t.Fatal("the render has no sidecar cpu to edit")
	}
	removed, stderr, code := run(withMode(t, string(withoutResults(t, edited)), "remove"))
	if code != 0 {
		t.Fatalf("remove: %s", stderr)
	}
	if !strings.Contains(stderr, `kept: name "datadog-agent-injected" was edited after inject-datadog added it`) {
		t.Errorf("no warning for the edited sidecar:\n%s", stderr)
	}
	if !strings.Contains(stderr, `kept: volume "ddsockets" is still mounted by container datadog-agent-injected`) {
		t.Errorf("no warning for the volume the kept sidecar mounts:\n%s", stderr)
	}
	// The app container is given back as it was; the kept sidecar keeps its volume, so that
	// the pod stays valid.
	items, err := oracleResourceList([]byte(removed))
	if err != nil || len(items) != 1 {
		t.Fatalf("items: %v", err)
	}
	var pod corev1.Pod
	if err := json.Unmarshal(items[0], &pod); err != nil {
		t.Fatal(err)
	}
	if got := containerNames(pod.Spec.Containers); !slices.Equal(got, []string{"container-name", "datadog-agent-injected"}) {
		t.Fatalf("containers %v", got)
	}
	if app := pod.Spec.Containers[0]; len(app.Env) != 0 || len(app.VolumeMounts) != 0 {
		t.Errorf("app container not given back: %+v", app)
	}
	if got := volumeNames(pod); !slices.Equal(got, []string{"ddsockets"}) {
		t.Errorf("volumes %v", got)
	}
	if pod.Spec.ShareProcessNamespace != nil {
		t.Errorf("shareProcessNamespace kept")
	}
}

// The sidecar's namespace selector reads the labels of the input's Namespaces, with the name label
// the API server gives every namespace; a namespace whose labels are unknown is not selected, with
// a warning.
func TestSidecarNamespaceSelector(t *testing.T) {
	const pod = `- apiVersion: v1
  kind: Pod
  metadata: {name: p, namespace: %NS%}
  spec:
    containers:
    - name: app
`
	const fc = `{apiVersion: fn.kpt.dev/v1alpha1, kind: InjectDatadog, agentSidecar: {enabled: true, selectors: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}}]}}`
	namespaces := "- {apiVersion: v1, kind: Namespace, metadata: {name: shop}}\n- {apiVersion: v1, kind: Namespace, metadata: {name: other}}\n"
	for _, tt := range []struct {
		ns, warning string
		selected    bool
	}{
		{"shop", "", true},
		{"other", "", false},
		{"unknown", `agentSidecar: the labels of namespace "unknown" are unknown`, false},
	} {
		t.Run(tt.ns, func(t *testing.T) {
			out, stderr, code := run([]byte(resourceList(strings.Replace(pod, "%NS%", tt.ns, 1)+namespaces, fc)))
			if code != 0 {
				t.Fatalf("exit %d:\n%s", code, stderr)
			}
			if got := strings.Contains(out, "name: datadog-agent-injected"); got != tt.selected {
				t.Errorf("sidecar added: %v, want %v", got, tt.selected)
			}
			if tt.warning != "" && !strings.Contains(stderr, tt.warning) {
				t.Errorf("no warning %q:\n%s", tt.warning, stderr)
			}
		})
	}
}
