package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// The same workloads rendered under the Datadog Helm chart's values, a DatadogAgent and the
// equivalent native config come out identical (docs/migration.md "Coming from the webhook").
func TestDropInFormsRenderAlike(t *testing.T) {
	// Each set: the native case, then the chart's values and the DatadogAgent that mean the same;
	// the second is the reference's worked example of the Agent sidecar (§2.12).
	for _, set := range [][3]string{
		{"dropin-native", "dropin-helm-values", "dropin-datadogagent"},
		{"dropin-native-agent-sidecar", "dropin-helm-agent-sidecar", "dropin-datadogagent-agent-sidecar"},
	} {
		outputs := map[string]string{}
		for _, name := range set {
			out, stderr, code := run(goldenInput(t, "testdata/golden/"+name))
			if code != 0 {
				t.Fatalf("%s: exit %d\n%s", name, code, stderr)
			}
			outputs[name] = itemsOf(t, out)
		}
		for _, name := range set[1:] {
			if outputs[name] != outputs[set[0]] {
				t.Errorf("%s renders otherwise than the native config:\n%s", name, diffLines(outputs[set[0]], outputs[name]))
			}
		}
	}
}

// renderDropIn renders one selected Deployment, whose template carries templateMeta, under the
// drop-in functionConfig fc (a flow map), and returns the rendered pod spec and the stderr text.
func renderDropIn(t *testing.T, fc, templateMeta string) (*yaml.Node, string) {
	t.Helper()
	in := resourceList(deployment(templateMeta, "{containers: [{name: app, image: web}]}"), fc)
	out, stderr, code := run([]byte(in))
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	items := yamltree.Get(root(t, out), "items")
	return yamltree.Path(items.Content[0], "spec", "template", "spec"), stderr
}

// envOf lists the app container's variables as name=value, or name<-fieldPath for a fieldRef.
func envOf(spec *yaml.Node) []string {
	var env []string
	app := yamltree.Get(spec, "containers").Content[0]
	if e := yamltree.Get(app, "env"); e != nil {
		for _, v := range e.Content {
			name := yamltree.Get(v, "name").Value
			if ref := yamltree.Path(v, "valueFrom", "fieldRef", "fieldPath"); ref != nil {
				env = append(env, name+"<-"+ref.Value)
			} else if val := yamltree.Get(v, "value"); val != nil {
				env = append(env, name+"="+val.Value)
			}
		}
	}
	return env
}

// The chart and the operator pass datadog.asm.threats, sca and iast to the Cluster Agent only
// when true: their defaults (false) give the pods no DD_APPSEC_ENABLED, DD_IAST_ENABLED or
// DD_APPSEC_SCA_ENABLED, and true gives "true".
func TestDropInSecurityProductsOnlyWhenTrue(t *testing.T) {
	const labelled = `{labels: {admission.datadoghq.com/enabled: "true"}, annotations: {admission.datadoghq.com/python-lib.version: v3}}`
	off := "{datadog: {asm: {threats: {enabled: false}, sca: {enabled: false}, iast: {enabled: false}}}, clusterAgent: {admissionController: {configMode: hostip}}}"
	spec, _ := renderDropIn(t, off, labelled)
	for _, e := range envOf(spec) {
		if strings.HasPrefix(e, "DD_APPSEC_") || strings.HasPrefix(e, "DD_IAST_") {
			t.Errorf("the chart's defaults inject %s", e)
		}
	}
	on := "{datadog: {asm: {threats: {enabled: true}, sca: {enabled: false}, iast: {enabled: true}}}, clusterAgent: {admissionController: {configMode: hostip}}}"
	spec, _ = renderDropIn(t, on, labelled)
	env := strings.Join(envOf(spec), " ")
	for _, want := range []string{"DD_APPSEC_ENABLED=true", "DD_IAST_ENABLED=true"} {
		if !strings.Contains(env, want) {
			t.Errorf("no %s in %s", want, env)
		}
	}
	if strings.Contains(env, "DD_APPSEC_SCA_ENABLED") {
		t.Errorf("sca false injects DD_APPSEC_SCA_ENABLED: %s", env)
	}
}

// imagesOf lists the init containers' images.
func imagesOf(spec *yaml.Node) []string {
	var images []string
	if ics := yamltree.Get(spec, "initContainers"); ics != nil {
		for _, ic := range ics.Content {
			images = append(images, yamltree.Get(ic, "image").Value)
		}
	}
	return images
}

// datadog.site without a registry picks the chart's registry for the site: with the migration
// to registry.datadoghq.com off, or on GKE Autopilot, datadoghq.eu is eu.gcr.io/datadoghq.
func TestDropInSiteRegistry(t *testing.T) {
	const annotated = `{labels: {admission.datadoghq.com/enabled: "true"}, annotations: {admission.datadoghq.com/python-lib.version: v3}}`
	for _, tt := range []struct{ fc, registry string }{
		{"{registryMigrationMode: '', datadog: {site: datadoghq.eu}}", "eu.gcr.io/datadoghq"},
		{"{providers: {gke: {autopilot: true}}, datadog: {site: datadoghq.eu}}", "eu.gcr.io/datadoghq"},
		{"{registryMigrationMode: '', datadog: {site: ap1.datadoghq.com}}", "asia.gcr.io/datadoghq"},
		{"{datadog: {site: us3.datadoghq.com}}", "datadoghq.azurecr.io"},
		{"{datadog: {site: ddog-gov.com}}", "public.ecr.aws/datadog"},
		{"{datadog: {site: datadoghq.eu}}", "registry.datadoghq.com"},
	} {
		spec, stderr := renderDropIn(t, tt.fc, annotated)
		want := []string{tt.registry + "/apm-inject:0", tt.registry + "/dd-lib-python-init:v3"}
		if got := imagesOf(spec); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: images %q, want %q", tt.fc, got, want)
		}
		if strings.Contains(stderr, "site") {
			t.Errorf("%s: a warning about the site:\n%s", tt.fc, stderr)
		}
	}
}

// The chart's mode without configMode: on GKE Autopilot, hostip (Autopilot rejects the socket's
// hostPath volume); on the local service only, service, on the host agents.localService names.
func TestDropInChartMode(t *testing.T) {
	const labelled = `{labels: {admission.datadoghq.com/enabled: "true"}}`
	spec, _ := renderDropIn(t, "{providers: {gke: {autopilot: true}}, datadog: {apm: {socketEnabled: true}}}", labelled)
	env := strings.Join(envOf(spec), " ")
	if !strings.Contains(env, "DD_AGENT_HOST<-status.hostIP") || strings.Contains(env, "DD_TRACE_AGENT_URL") {
		t.Errorf("Autopilot: env %s, want DD_AGENT_HOST from status.hostIP and no socket URL", env)
	}
	if v := yamltree.Get(spec, "volumes"); v != nil {
		t.Errorf("Autopilot: volumes %s, want none", encode(t, v))
	}

	fc := "{datadog: {apm: {socketEnabled: false, portEnabled: false, useLocalService: true}}, agents: {localService: {overrideName: dd-local}}}"
	spec, _ = renderDropIn(t, fc, labelled)
	env = strings.Join(envOf(spec), " ")
	if !strings.Contains(env, "DD_AGENT_HOST=dd-local.datadog.svc.cluster.local") {
		t.Errorf("local service: env %s, want DD_AGENT_HOST=dd-local.datadog.svc.cluster.local", env)
	}

	spec, _ = renderDropIn(t, "{datadog: {apm: {socketEnabled: true}}}", labelled)
	env = strings.Join(envOf(spec), " ")
	if !strings.Contains(env, "DD_TRACE_AGENT_URL=unix:///var/run/datadog/apm.socket") {
		t.Errorf("the chart's default: env %s, want the socket", env)
	}
	if p := yamltree.Path(spec, "volumes"); p == nil || !strings.Contains(string(encode(t, p)), "hostPath") {
		t.Errorf("the chart's default: no hostPath socket volume")
	}
}

// clusterAgent.admissionController.enabled: false, or the operator's mutation switch off: the
// webhook mutates no pod, so the render changes nothing, with one warning saying so, whatever
// the pod templates ask for.
func TestDropInWebhookOff(t *testing.T) {
	const asking = `{labels: {admission.datadoghq.com/enabled: "true"}, annotations: {admission.datadoghq.com/python-lib.version: v3}}`
	for _, tt := range []struct{ fc, field string }{
		{"{clusterAgent: {admissionController: {enabled: false, mutateUnlabelled: true}}, datadog: {site: datadoghq.eu, apiKey: x, apm: {instrumentation: {enabled: true}}}}",
			"clusterAgent.admissionController.enabled"},
		{"{apiVersion: datadoghq.com/v2alpha1, kind: DatadogAgent, metadata: {name: datadog}, spec: {features: {admissionController: {mutation: {enabled: false}}, apm: {instrumentation: {enabled: true}}}}}",
			"spec.features.admissionController.mutation.enabled"},
	} {
		in := resourceList(deployment(asking, "{containers: [{name: app, image: web}]}"), tt.fc)
		out, stderr, code := run([]byte(in))
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		if got, want := itemsOf(t, out), itemsOf(t, in); got != want {
			t.Errorf("%s: the items changed:\n%s", tt.field, diffLines(want, got))
		}
		var warnings []string
		for _, r := range yamltree.Get(root(t, out), "results").Content {
			if yamltree.Get(r, "severity").Value == "warning" {
				warnings = append(warnings, yamltree.Path(r, "field", "path").Value+": "+yamltree.Get(r, "message").Value)
			}
		}
		want := tt.field + ": is false: Datadog's admission webhook mutates no pod, so inject-datadog injects nothing and the other settings have no effect"
		if len(warnings) != 1 || warnings[0] != want {
			t.Errorf("warnings %q, want only %q", warnings, want)
		}
		if !strings.Contains(out, "nothing injected") {
			t.Errorf("%s: the summary does not say nothing was injected:\n%s", tt.field, resultsOf(t, out))
		}
	}

	// Stream mode's check passes: rendering would change nothing.
	path := filepath.Join(t.TempDir(), "values.yaml")
	if err := os.WriteFile(path, []byte("clusterAgent: {admissionController: {enabled: false}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	stream := "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {template: {metadata: {labels: {admission.datadoghq.com/enabled: \"true\"}}, spec: {containers: [{name: app, image: web}]}}}\n"
	if _, stderr, code := runArgs([]string{"--config", path, "--check"}, stream); code != 0 {
		t.Errorf("check with the webhook off: exit %d\n%s", code, stderr)
	}
}
