package cli

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"inject-datadog/fn/internal/yamltree"
)

// The names a render may write (docs/migration.md "Leaving"), written out here rather than taken
// from the code under test: removal may take out or change only these.
var (
	oursEnvPrefixes = []string{"DD_", "OTEL_"}
	oursEnv         = []string{"LD_PRELOAD", "JAVA_TOOL_OPTIONS", "NODE_OPTIONS", "PYTHONPATH", "RUBYOPT",
		"CORECLR_ENABLE_PROFILING", "CORECLR_PROFILER", "CORECLR_PROFILER_PATH"}
	oursVolumes = []string{"datadog", "datadog-dogstatsd", "datadog-trace-agent", "datadog-auto-instrumentation",
		"datadog-auto-instrumentation-etc", "agent-config", "agent-option", "agent-tmp", "agent-log", "ddsockets",
		"datadog-cws-instrumentation"}
	oursInits = []string{"datadog-init-apm-inject", "datadog-lib-java-init", "datadog-lib-js-init", "datadog-lib-python-init",
		"datadog-lib-dotnet-init", "datadog-lib-ruby-init", "datadog-lib-php-init", "init-copy-agent-config", "cws-instrumentation"}
	oursContainers  = []string{"datadog-agent-injected"}
	oursAnnotations = []string{"inject-datadog.fn.kpt.dev/injected", "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes",
		"internal.apm.datadoghq.com/applied-target", "apm.datadoghq.com/injection-error",
		"admission.datadoghq.com/cws-instrumentation.status"}
)

func oursEnvName(name string) bool {
	return slices.Contains(oursEnv, name) || slices.ContainsFunc(oursEnvPrefixes, func(p string) bool { return strings.HasPrefix(name, p) })
}

// fuzzRemoveBases are the templates FuzzRemove puts its records on: one the user wrote, and two
// renders of it (the language-env method in socket mode; the apm-inject method with debug, in csi
// mode), so that records meet what renders add as well as what users write.
func fuzzRemoveBases(t testing.TB) []string {
	user := func(labels, annotations string) string {
		return resourceList(`- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, labels: {app: web}}
  spec:
    replicas: 2
    template:
      metadata:
        labels: {app: web`+labels+`}
        annotations: {team: payments`+annotations+`}
      spec:
        serviceAccountName: web
        initContainers:
        - name: migrate
          image: app:1
          env:
          - {name: A, value: "1"}
        containers:
        - name: app
          image: app:1
          args: [serve]
          env:
          - {name: A, value: "1"}
          - {name: LOG_LEVEL, value: info}
          - {name: PYTHONPATH, value: /app}
          - {name: JAVA_TOOL_OPTIONS, value: -Xmx1g}
          - {name: DD_LOGS_INJECTION, value: "false"}
          volumeMounts:
          - {name: data, mountPath: /data}
        volumes:
        - name: data
          emptyDir: {}
`, "")
	}
	bases := []string{user("", "")}
	for _, r := range []struct{ labels, annotations string }{
		{`, admission.datadoghq.com/enabled: "true", admission.datadoghq.com/config.mode: socket`,
			`, admission.datadoghq.com/python-lib.version: v3`},
		{`, admission.datadoghq.com/enabled: "true", admission.datadoghq.com/config.mode: csi`,
			`, admission.datadoghq.com/java-lib.version: v1, admission.datadoghq.com/apm-inject.injection-mode: init_container, admission.datadoghq.com/apm-inject.debug: "true"`},
	} {
		out, stderr, code := run([]byte(user(r.labels, r.annotations)))
		if code != 0 || !strings.Contains(out, "inject-datadog.fn.kpt.dev/injected") {
			t.Fatalf("the render of a fuzz base failed or recorded nothing:\n%s%s", out, stderr)
		}
		bases = append(bases, string(withoutResults(t, out)))
	}
	return bases
}

// FuzzRemove puts arbitrary records on templates (one as the user wrote it, two rendered), with an
// arbitrary name given to a variable, a volume and its mount, an init container and an annotation
// of the user's, and runs --remove. Removal must not fail or panic, must write a pod the API
// server admits (it decodes into k8s.io/api's types, strictly, and every mount has its volume),
// and must leave every node that is not one of the names a render writes as it was. The seeds are
// the records of the renders, and in testdata/fuzz/FuzzRemove the hostile records of the issue:
// claims on the user's annotations, merges and entries, notes no render writes, a long malformed
// record.
func FuzzRemove(f *testing.F) {
	bases := fuzzRemoveBases(f)
	for i, b := range bases {
		rec := yamltree.Path(itemTemplate(f, root(f, b)), "metadata", "annotations", "inject-datadog.fn.kpt.dev/injected")
		if rec != nil {
			f.Add(rec.Value, uint8(i), "x-name", "v")
		}
	}
	f.Fuzz(func(t *testing.T, record string, base uint8, name, value string) {
		if name == "" || strings.ContainsAny(name, "/\x00") || !validUTF8(record) || !validUTF8(name) || !validUTF8(value) {
			return // the API server refuses such names and any text that is not UTF-8
		}
		in := fuzzRemoveInput(t, bases[int(base)%len(bases)], record, name, value)
		before, ok := decodeValid(in)
		if !ok {
			return // a name that collides with another, or a record YAML cannot hold
		}
		out, stderr, code := run(withMode(t, in, "remove"))
		if code != 0 {
			t.Fatalf("remove failed:\n%s", stderr)
		}
		after := decodeDeployment(t, out)
		assertMountsHaveVolumes(t, &after.Spec.Template.Spec)
		assertUsersNodesKept(t, before, after)
	})
}

// fuzzRemoveInput is base with the record, and with name given to a variable (set to value) of
// each container, a volume mounted by the app container (at value when it is a path), an init
// container and an annotation.
func fuzzRemoveInput(t *testing.T, base, record, name, value string) string {
	r := root(t, base)
	tpl := itemTemplate(t, r)
	ann := yamltree.Path(tpl, "metadata", "annotations")
	yamltree.Set(ann, "inject-datadog.fn.kpt.dev/injected", yamltree.Str(record))
	if yamltree.Get(ann, name) == nil {
		yamltree.Set(ann, name, yamltree.Str(value))
	}
	spec := yamltree.Get(tpl, "spec")
	for _, key := range []string{"initContainers", "containers"} {
		for _, c := range yamltree.Items(yamltree.Get(spec, key)) {
			if env := yamltree.Get(c, "env"); env != nil {
				yamltree.Append(env, yamltree.Map("name", name, "value", value))
			}
		}
	}
	path := "/fuzz"
	if strings.HasPrefix(value, "/") {
		path = value // at a path a render mounts at, perhaps
	}
	app := yamltree.Items(yamltree.Get(spec, "containers"))[0]
	yamltree.Append(yamltree.Get(app, "volumeMounts"), yamltree.Map("name", name, "mountPath", path))
	yamltree.Append(yamltree.Get(spec, "volumes"), yamltree.Map("name", name, "emptyDir", yamltree.Map()))
	yamltree.Append(yamltree.Get(spec, "initContainers"), yamltree.Map("name", name, "image", "fuzz:1"))
	return string(encode(t, r))
}

// itemTemplate is the pod template of the first item of a ResourceList.
func itemTemplate(t testing.TB, r *yaml.Node) *yaml.Node {
	t.Helper()
	tpl := yamltree.Path(yamltree.Items(yamltree.Get(r, "items"))[0], "spec", "template")
	if tpl == nil {
		t.Fatal("no pod template")
	}
	return tpl
}

func validUTF8(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// decodeValid decodes the item of in, and reports whether it is a pod the API server would take
// in the respects removal must keep: names unique, every mount with its volume.
func decodeValid(in string) (*appsv1.Deployment, bool) {
	raw, err := oracleResourceList([]byte(in))
	if err != nil || len(raw) != 1 {
		return nil, false
	}
	var d appsv1.Deployment
	if strictJSON(raw[0], &d) != nil {
		return nil, false
	}
	spec := d.Spec.Template.Spec
	volumes, containers := map[string]bool{}, map[string]bool{}
	for _, v := range spec.Volumes {
		if volumes[v.Name] {
			return nil, false
		}
		volumes[v.Name] = true
	}
	for _, c := range slices.Concat(spec.InitContainers, spec.Containers) {
		if containers[c.Name] {
			return nil, false
		}
		containers[c.Name] = true
		for _, m := range c.VolumeMounts {
			if !volumes[m.Name] {
				return nil, false
			}
		}
	}
	return &d, true
}

// assertUsersNodesKept fails when removal took out or changed what is not one of a render's names.
func assertUsersNodesKept(t *testing.T, before, after *appsv1.Deployment) {
	t.Helper()
	same := func(what string, want, got any) {
		if !reflect.DeepEqual(want, got) {
			w, _ := yamlOf(want)
			g, _ := yamlOf(got)
			t.Errorf("%s changed:\n%s", what, diffLines(w, g))
		}
	}
	b, a := *before, *after
	b.Spec.Template, a.Spec.Template = corev1.PodTemplateSpec{}, corev1.PodTemplateSpec{}
	same("the workload", b, a)
	bt, at := before.Spec.Template, after.Spec.Template
	same("the labels", nonEmptyMap(bt.Labels), nonEmptyMap(at.Labels))
	userAnnotations := func(m map[string]string) map[string]string {
		var out map[string]string
		for k, v := range m {
			if out == nil {
				out = map[string]string{}
			}
			if !slices.Contains(oursAnnotations, k) {
				out[k] = v
			}
		}
		return out
	}
	same("the user's annotations", nonEmptyMap(userAnnotations(bt.Annotations)), nonEmptyMap(userAnnotations(at.Annotations)))
	userVolumes := func(vs []corev1.Volume) []corev1.Volume {
		return slices.DeleteFunc(slices.Clone(vs), func(v corev1.Volume) bool { return slices.Contains(oursVolumes, v.Name) })
	}
	same("the user's volumes", nonEmpty(userVolumes(bt.Spec.Volumes)), nonEmpty(userVolumes(at.Spec.Volumes)))
	userContainers := func(cs []corev1.Container, init bool) []corev1.Container {
		var out []corev1.Container
		for _, c := range cs {
			if init && slices.Contains(oursInits, c.Name) || !init && slices.Contains(oursContainers, c.Name) {
				continue
			}
			c.Env = nonEmpty(slices.DeleteFunc(slices.Clone(c.Env), func(e corev1.EnvVar) bool { return oursEnvName(e.Name) }))
			c.VolumeMounts = nonEmpty(slices.DeleteFunc(slices.Clone(c.VolumeMounts), func(m corev1.VolumeMount) bool {
				return slices.Contains(oursVolumes, m.Name)
			}))
			out = append(out, c)
		}
		return out
	}
	same("the user's init containers", userContainers(bt.Spec.InitContainers, true), userContainers(at.Spec.InitContainers, true))
	same("the user's containers", userContainers(bt.Spec.Containers, false), userContainers(at.Spec.Containers, false))
	bs, as := bt.Spec, at.Spec
	bs.InitContainers, bs.Containers, bs.Volumes = nil, nil, nil
	as.InitContainers, as.Containers, as.Volumes = nil, nil, nil
	bs.ShareProcessNamespace, as.ShareProcessNamespace = nil, nil // the fargate provider's field
	same("the rest of the pod spec", bs, as)
}

// nonEmpty is nil for an empty list: a list a render created goes with its last entry.
func nonEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// nonEmptyMap is nil for an empty map: a map a render created goes with its last key.
func nonEmptyMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

// Records built from the parts of real ones (the renders' entries and digests, the user's names,
// merges with every kind of prior value, created notes, annotations of both owners), combined at
// random with a fixed seed: the byte fuzzer rarely writes JSON this well formed. Every one keeps
// FuzzRemove's promises.
func TestRemoveKeepsItsPromisesOnRecordsOfRealParts(t *testing.T) {
	bases := fuzzRemoveBases(t)
	entries := []string{"A@ccf33bf7", "LOG_LEVEL@fcf012ac", "/data@069b0e99", "data@282e1abc", "migrate@0f2af762", "x-name@00000000"}
	for _, b := range bases {
		if rec := yamltree.Path(itemTemplate(t, root(t, b)), "metadata", "annotations", "inject-datadog.fn.kpt.dev/injected"); rec != nil {
			entries = append(entries, regexp.MustCompile(`"[^"]*@[0-9a-f]{8}"`).FindAllString(rec.Value, -1)...)
		}
	}
	rng := rand.New(rand.NewPCG(18, 1))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	some := func() []json.RawMessage {
		var out []json.RawMessage
		for range rng.IntN(6) {
			e := entries[rng.IntN(len(entries))]
			if !strings.HasPrefix(e, `"`) {
				e = strconv.Quote(e)
			}
			out = append(out, json.RawMessage(e))
		}
		return out
	}
	vars := []string{"A", "LOG_LEVEL", "PYTHONPATH", "JAVA_TOOL_OPTIONS", "LD_PRELOAD", "DD_LOGS_INJECTION", "DD_TRACE_DEBUG", "x-name"}
	values := []string{"", "/app", "x", "/datadog-lib/:/app", "-Xmx1g", "-Xmx1g -javaagent:/datadog-lib/dd-java-agent.jar", "true", "info", "~", "oops"}
	ran := 0
	for i := range 200 {
		r := map[string]any{}
		var containers []any
		for range rng.IntN(3) {
			var merged []any
			for range rng.IntN(3) {
				m := map[string]any{"name": pick(vars...), "from": pick(values...), "to": pick(values...)}
				if rng.IntN(3) == 0 {
					m["prior"] = pick("absent", "null", "x")
				}
				if rng.IntN(3) == 0 {
					m["quote"] = pick("'", "\"", "x")
				}
				merged = append(merged, m)
			}
			containers = append(containers, map[string]any{"name": pick("app", "migrate", "gone"), "init": rng.IntN(2) == 0,
				"env": some(), "mounts": some(), "merged": merged,
				"created": []string{pick("env", "volumeMounts", "env=null", "volumeMounts=[]", "ports", "env=null:~")}})
		}
		annotations := map[string]any{}
		for range rng.IntN(3) {
			var v any = pick(values...)
			if rng.IntN(2) == 0 {
				v = nil
			}
			annotations[pick("team", "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes", "internal.apm.datadoghq.com/applied-target",
				"apm.datadoghq.com/injection-error", "admission.datadoghq.com/python-lib.version")] = v
		}
		r["containers"], r["volumes"], r["initContainers"], r["annotations"] = containers, some(), some(), annotations
		r["created"] = []string{pick("spec.volumes", "spec.initContainers", "metadata.annotations", "metadata", "spec.volumes=null:oops", "spec.initContainers=[]")}
		record, _ := json.Marshal(r)
		base, name, value := rng.IntN(len(bases)), pick("x-name", "A", "data", "sockets", "DD_X", "PYTHONPATH", "team"), pick("v", "/var/run/datadog", "/data", "/app")
		in := fuzzRemoveInput(t, bases[base], string(record), name, value)
		before, ok := decodeValid(in)
		if !ok {
			continue
		}
		out, stderr, code := run(withMode(t, in, "remove"))
		if code != 0 {
			t.Fatalf("record %d: remove failed:\n%s", i, stderr)
		}
		after := decodeDeployment(t, out)
		assertMountsHaveVolumes(t, &after.Spec.Template.Spec)
		assertUsersNodesKept(t, before, after)
		if t.Failed() {
			t.Fatalf("record %d %s, base %d, name %q, value %q", i, record, base, name, value)
		}
		ran++
	}
	if ran < 100 {
		t.Errorf("only %d of the records met a valid template", ran)
	}
}
