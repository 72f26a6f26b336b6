// Package benchgen writes large, realistic, deterministic ResourceLists for benchmarks and load
// tests: the mix of a platform's manifests, with Datadog labels and annotations on a share of
// the pod templates, comments, and the annotations kpt and kustomize put on every item.
package benchgen

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ResourceList returns a ResourceList of n items, the same bytes for the same n and seed. About
// 60% are workloads (Deployments, StatefulSets, DaemonSets, CronJobs, Jobs) with 1 to 3 containers
// of 2 to 10 env vars each, the rest Services and ConfigMaps.
func ResourceList(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	var b strings.Builder
	b.Grow(n * 3500)
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
	for i := 0; i < n; i++ {
		g := &gen{b: &b, r: r, i: i}
		switch k := r.IntN(100); {
		case k < 24:
			g.workload("apps/v1", "Deployment", []string{"spec", "template"})
		case k < 36:
			g.workload("apps/v1", "StatefulSet", []string{"spec", "template"})
		case k < 44:
			g.workload("apps/v1", "DaemonSet", []string{"spec", "template"})
		case k < 52:
			g.workload("batch/v1", "CronJob", []string{"spec", "jobTemplate", "spec", "template"})
		case k < 60:
			g.workload("batch/v1", "Job", []string{"spec", "template"})
		case k < 80:
			g.service()
		default:
			g.configMap()
		}
	}
	b.WriteString("functionConfig:\n  apiVersion: fn.kpt.dev/v1alpha1\n  kind: InjectDatadog\n  metadata:\n    name: inject-datadog\n  libraries:\n    inject: [python, java]\n")
	return []byte(b.String())
}

type gen struct {
	b      *strings.Builder
	r      *rand.Rand
	i      int
	indent string
}

func (g *gen) line(format string, args ...any) {
	g.b.WriteString(g.indent)
	fmt.Fprintf(g.b, format, args...)
	g.b.WriteByte('\n')
}

var (
	teams     = []string{"checkout", "search", "payments", "catalog", "identity", "shipping", "reviews", "ads"}
	languages = []string{"java", "js", "python", "dotnet", "ruby"}
)

func (g *gen) name() string { return fmt.Sprintf("%s-%d", teams[g.i%len(teams)], g.i) }

func (g *gen) namespace() string { return teams[(g.i/7)%len(teams)] }

// header writes the first lines of an item with the annotations orchestrators add.
func (g *gen) header(apiVersion, kind string) {
	g.indent = "  "
	g.b.WriteString("- # " + kind + " " + g.name() + ", owned by team " + g.namespace() + "\n")
	g.line("apiVersion: %s", apiVersion)
	g.line("kind: %s", kind)
	g.line("metadata:")
	g.line("  name: %s", g.name())
	g.line("  namespace: %s", g.namespace())
	g.line("  labels:")
	g.line("    app.kubernetes.io/name: %s", g.name())
	g.line("    app.kubernetes.io/part-of: shop")
	g.line("    app.kubernetes.io/version: \"1.%d.%d\"", g.i%20, g.i%7)
	g.line("    app.kubernetes.io/managed-by: kpt")
	g.line("  annotations:")
	g.line("    description: \"%s, part of the %s team's services; see the runbook before changing it\"", g.name(), g.namespace())
	g.line("    config.kubernetes.io/index: '0'")
	g.line("    internal.config.kubernetes.io/index: '0'")
	g.line("    config.kubernetes.io/path: '%s/%s.yaml'", g.namespace(), g.name())
	g.line("    internal.config.kubernetes.io/path: '%s/%s.yaml'", g.namespace(), g.name())
	g.line("    internal.config.kubernetes.io/id: '%d'", g.i+1)
	g.line("    config.k8s.io/id: '%d'", g.i+1)
}

func (g *gen) workload(apiVersion, kind string, path []string) {
	g.header(apiVersion, kind)
	g.line("spec:")
	if kind == "CronJob" {
		g.line("  schedule: \"%d 3 * * *\"", g.i%60)
	} else if kind != "Job" {
		g.line("  selector:")
		g.line("    matchLabels: {app.kubernetes.io/name: %s}", g.name())
	}
	if kind == "Deployment" || kind == "StatefulSet" {
		g.line("  replicas: %d", 1+g.r.IntN(5))
	}
	// Walk down to the pod template, one level of indentation per field.
	base := g.indent
	for _, p := range path[1:] {
		g.indent += "  "
		g.line("%s:", p)
	}
	g.indent += "  "
	g.line("metadata:")
	g.line("  labels:")
	g.line("    app.kubernetes.io/name: %s", g.name())
	share := g.r.IntN(100)
	if share < 50 {
		g.line("    admission.datadoghq.com/enabled: \"true\"")
		g.line("    tags.datadoghq.com/service: %s", g.name())
		g.line("    tags.datadoghq.com/env: production")
		g.line("    tags.datadoghq.com/version: \"%d.%d.%d\"", g.i%4, g.i%10, g.i%7)
	}
	if share < 30 {
		g.line("  annotations:")
		g.line("    admission.datadoghq.com/%s-lib.version: \"v%d\"", languages[g.i%len(languages)], 1+g.i%3)
	}
	g.line("spec:")
	if kind == "CronJob" || kind == "Job" {
		g.line("  restartPolicy: OnFailure")
	}
	g.line("  # the application containers")
	g.line("  containers:")
	for c := 0; c < 1+g.r.IntN(3); c++ {
		g.container(c)
	}
	g.line("  volumes:")
	g.line("  - name: config")
	g.line("    configMap: {name: %s-config}", g.name())
	g.indent = base
}

func (g *gen) container(c int) {
	g.line("  - name: c%d", c)
	g.line("    image: \"registry.example.com/%s/app-%d:1.%d.%d\" # pinned", g.namespace(), c, g.i%20, c)
	g.line("    command: [\"/app/bin/server\", \"--config\", \"/etc/app/config.yaml\"]")
	g.line("    args: [\"--port\", \"%d\", \"--log-format=json\"]", 8080+c)
	g.line("    ports:")
	g.line("    - containerPort: %d", 8080+c)
	g.line("      name: http")
	g.line("    env:")
	for e := 0; e < 2+g.r.IntN(9); e++ {
		g.line("    - name: SETTING_%d", e)
		g.line("      value: \"https://%s.internal.example.com/api/v%d/resource-%d\"", teams[(g.i+e)%len(teams)], e, e*g.i%1000)
	}
	g.line("    resources:")
	g.line("      requests: {cpu: %dm, memory: %dMi}", 100+g.r.IntN(400), 128+g.r.IntN(384))
	g.line("      limits: {cpu: \"1\", memory: 1Gi}")
	g.line("    readinessProbe:")
	g.line("      httpGet: {path: /healthz, port: %d}", 8080+c)
	g.line("      periodSeconds: 10")
	g.line("    livenessProbe:")
	g.line("      httpGet:")
	g.line("        path: /livez")
	g.line("        port: %d", 8080+c)
	g.line("      initialDelaySeconds: 15")
	g.line("      failureThreshold: 3")
	g.line("    securityContext:")
	g.line("      allowPrivilegeEscalation: false")
	g.line("      readOnlyRootFilesystem: true")
	g.line("      capabilities: {drop: [ALL]}")
	g.line("    volumeMounts:")
	g.line("    - name: config")
	g.line("      mountPath: /etc/app")
	g.line("      readOnly: true")
}

func (g *gen) service() {
	g.header("v1", "Service")
	g.line("spec:")
	g.line("  selector: {app.kubernetes.io/name: %s}", g.name())
	g.line("  ports:")
	g.line("  - name: http")
	g.line("    port: 80")
	g.line("    targetPort: %d", 8080+g.r.IntN(3))
}

func (g *gen) configMap() {
	g.header("v1", "ConfigMap")
	g.line("data:")
	for k := 0; k < 8+g.r.IntN(16); k++ {
		g.line("  key%d: \"%s\"", k, strings.Repeat(teams[(g.i+k)%len(teams)]+"-", 4+g.r.IntN(40)))
	}
}

// Wide is the ResourceList that ResourceList wrote in a layout of people's: each item's lists
// indented under their key ("key:" then "  - a", as Helm charts write them), a blank line before
// its spec and two spaces before comments. inject-datadog keeps that layout in the items it
// changes, by a line merge that is the slower way of writing them (docs/yaml-fidelity.md
// "Untouched items keep their bytes"). The data is the same as rl's. Items are read
// one at a time, so that making a large input leaves the caller's memory small: a child process
// starts its peak RSS from its parent's.
func Wide(rl []byte) ([]byte, error) {
	head, rest, ok := bytes.Cut(rl, []byte("\nitems:\n"))
	items, tail, ok2 := bytes.Cut(rest, []byte("\nfunctionConfig:"))
	if !ok || !ok2 {
		return nil, fmt.Errorf("not a ResourceList as ResourceList writes it")
	}
	var out, text, item bytes.Buffer
	out.Write(head)
	out.WriteString("\nitems:\n")
	flush := func() error {
		if text.Len() == 0 {
			return nil
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(text.Bytes(), &doc); err != nil {
			return err
		}
		item.Reset()
		enc := yaml.NewEncoderWithOptions(&item, &yaml.EncoderOptions{SeqIndent: yaml.WideSequenceStyle})
		if err := enc.Encode(&doc); err != nil {
			return err
		}
		for j, l := range bytes.SplitAfter(item.Bytes(), []byte("\n")) {
			switch {
			case j == 0:
				out.WriteString("- ")
			case bytes.Equal(l, []byte("spec:\n")):
				out.WriteString("\n  ")
			case len(l) > 1:
				out.WriteString("  ")
			}
			out.Write(bytes.Replace(l, []byte("\" # "), []byte("\"  # "), 1))
		}
		text.Reset()
		return nil
	}
	for _, l := range bytes.SplitAfter(append(items, '\n'), []byte("\n")) {
		if bytes.HasPrefix(l, []byte("- ")) {
			if err := flush(); err != nil {
				return nil, err
			}
		}
		if len(l) >= 2 {
			text.Write(l[2:])
		} else {
			text.Write(l)
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	out.WriteString("functionConfig:")
	out.Write(tail)
	return out.Bytes(), nil
}
