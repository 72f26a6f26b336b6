package cli

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"inject-datadog/fn/internal/yamltree"
)

// The targets cases read as kubectl reads them, against values written here from
// docs/single-step-targets.md's rules.
func TestTargetsAsKubectlReadsThem(t *testing.T) {
	out, stderr, code := run(goldenInput(t, "testdata/golden/targets-first-match"))
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	items := yamltree.Get(root(t, out), "items").Content
	checkout := decodeStrict[appsv1.Deployment](t, encode(t, items[0]))
	storefront := decodeStrict[appsv1.Deployment](t, encode(t, items[1]))
	report := decodeStrict[batchv1.Job](t, encode(t, items[2]))

	// checkout matches jvm-apps and web: the first, jvm-apps, wins.
	wantJSON := `{"name":"jvm-apps","namespaceSelector":{"matchNames":["payments"]},"ddTraceVersions":{"java":"v1.40.0"},"ddTraceConfigs":[{"name":"DD_PROFILING_ENABLED","value":"true"},{"name":"DD_DATA_JOBS_ENABLED","value":"true"}]}`
	if got := checkout.Spec.Template.Annotations["internal.apm.datadoghq.com/applied-target"]; got != wantJSON {
		t.Errorf("checkout: applied target\n got %s\nwant %s", got, wantJSON)
	}
	if got := podInitImages(checkout.Spec.Template.Spec); got != "gcr.io/datadoghq/dd-lib-java-init:v1.40.0" {
		t.Errorf("checkout: init images %s", got)
	}
	app := checkout.Spec.Template.Spec.Containers[0]
	for name, want := range map[string]string{
		"DD_INSTRUMENTATION_INSTALL_TYPE": "k8s_single_step", "DD_PROFILING_ENABLED": "true", "DD_DATA_JOBS_ENABLED": "true",
		"DD_INSTRUMENTATION_APPLIED_TARGET": wantJSON, "DD_SERVICE": "checkout", "DD_SERVICE_K8S_ENV_SOURCE": "owner=checkout",
		"DD_TRACE_ENABLED": "true", "DD_LOGS_INJECTION": "true", "DD_TRACE_HEALTH_METRICS_ENABLED": "true", "DD_RUNTIME_METRICS_ENABLED": "true",
	} {
		if got, _ := envValue(app, name); got != want {
			t.Errorf("checkout: %s = %q, want %q", name, got, want)
		}
	}
	if i, j := envIndex(app, "DD_DATA_JOBS_ENABLED"), envIndex(app, "DD_INSTRUMENTATION_APPLIED_TARGET"); i < 0 || i > j {
		t.Errorf("checkout: the target's settings must come in the config's order, before the applied target")
	}

	// storefront: web; its tag label names the service, and its own DD_TRACE_ENABLED stays.
	web := storefront.Spec.Template.Spec.Containers[0]
	if got := podInitImages(storefront.Spec.Template.Spec); got != "gcr.io/datadoghq/dd-lib-js-init:v5 gcr.io/datadoghq/dd-lib-python-init:v3" {
		t.Errorf("storefront: init images %s", got)
	}
	if v, _ := envValue(web, "DD_SERVICE"); v != "store" {
		t.Errorf("storefront: DD_SERVICE %q, want the tag label's store", v)
	}
	if _, ok := envValue(web, "DD_SERVICE_K8S_ENV_SOURCE"); ok {
		t.Errorf("storefront: a tag label gave the service, yet a source is written")
	}
	if v, _ := envValue(web, "DD_TRACE_ENABLED"); v != "false" || strings.Count(envNames(web), "DD_TRACE_ENABLED ") != 1 {
		t.Errorf("storefront: the user's DD_TRACE_ENABLED=false was overwritten or doubled: %s", envNames(web))
	}

	// report: the catch-all names no version: every language the method injects, php aside.
	if got := podInitImages(report.Spec.Template.Spec); got != "gcr.io/datadoghq/dd-lib-java-init:v1 gcr.io/datadoghq/dd-lib-js-init:v5 gcr.io/datadoghq/dd-lib-python-init:v3 gcr.io/datadoghq/dd-lib-dotnet-init:v3 gcr.io/datadoghq/dd-lib-ruby-init:v2" {
		t.Errorf("report: init images %s", got)
	}
	if v, _ := envValue(report.Spec.Template.Spec.Containers[0], "DD_SERVICE_K8S_ENV_SOURCE"); v != "owner=report" {
		t.Errorf("report: the Job's own name must be the service: %q", v)
	}
}

// Protected and disabled namespaces never get a target's libraries, even labelled "true".
func TestTargetsNeverInProtectedNamespaces(t *testing.T) {
	out, _, code := run(goldenInput(t, "testdata/golden/targets-protected-namespaces"))
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, it := range yamltree.Get(root(t, out), "items").Content {
		d := decodeStrict[appsv1.Deployment](t, encode(t, it))
		spec := d.Spec.Template.Spec
		labelled := d.Spec.Template.Labels["admission.datadoghq.com/enabled"] == "true"
		_, agent := envValue(spec.Containers[0], "DD_AGENT_HOST")
		if agent != labelled {
			t.Errorf("%s/%s: agent variables %v, labelled %v", d.Namespace, d.Name, agent, labelled)
		}
		if got, want := podInitImages(spec), map[bool]string{true: "gcr.io/datadoghq/dd-lib-js-init:v5", false: ""}[labelled]; got != want {
			t.Errorf("%s/%s: init images %q, want %q (the annotation's only)", d.Namespace, d.Name, got, want)
		}
		if _, ok := d.Spec.Template.Annotations["internal.apm.datadoghq.com/applied-target"]; ok {
			t.Errorf("%s/%s: a target was applied in a protected namespace", d.Namespace, d.Name)
		}
	}
}

func podInitImages(spec corev1.PodSpec) string {
	var images []string
	for _, c := range spec.InitContainers {
		images = append(images, c.Image)
	}
	return strings.Join(images, " ")
}

func envIndex(c corev1.Container, name string) int {
	for i, e := range c.Env {
		if e.Name == name {
			return i
		}
	}
	return -1
}

func envNames(c corev1.Container) string {
	var b strings.Builder
	for _, e := range c.Env {
		b.WriteString(e.Name + " ")
	}
	return b.String()
}
