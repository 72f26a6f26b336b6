package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"inject-datadog/fn/internal/yamltree"
)

// deployment is a selected Deployment read from apps/web.yaml, with a template spec to vary.
func deployment(templateMeta, spec string) string {
	if templateMeta == "" {
		templateMeta = "{labels: {admission.datadoghq.com/enabled: \"true\"}}"
	}
	return `- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: shop
    annotations:
      internal.config.kubernetes.io/path: apps/web.yaml
      internal.config.kubernetes.io/index: '0'
  spec:
    template:
      metadata: ` + templateMeta + `
      spec: ` + spec + "\n"
}

func resourceList(items string, fnConfig string) string {
	s := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n" + items
	if fnConfig != "" {
		s += "functionConfig: " + fnConfig + "\n"
	}
	return s
}

const (
	outcomeError       = iota // exit 1, an error result naming the field, the items unchanged
	outcomeFatal              // exit 1, no output: the input is not a ResourceList
	outcomePassThrough        // exit 0, the items unchanged
	outcomeMutated            // exit 0, the input is legal and gets mutated
)

func TestMalformedInputs(t *testing.T) {
	c := func(ctrs string) string { return "{containers: " + ctrs + "}" }
	app := func(fields string) string { return c("[{name: app, image: x" + fields + "}]") }
	meg := strings.Repeat("x", 1<<20)
	// The longest tag (128) and image name (255) Docker's grammar allows, and one character more.
	tag128 := "v" + strings.Repeat("1._-", 31) + "abc"
	name255 := "gcr.io/" + strings.Repeat("a", 248)
	annotated := func(keyValues ...string) string {
		var as []string
		for i := 0; i+1 < len(keyValues); i += 2 {
			as = append(as, "admission.datadoghq.com/"+keyValues[i]+": \""+keyValues[i+1]+"\"")
		}
		return "{labels: {admission.datadoghq.com/enabled: \"true\"}, annotations: {" + strings.Join(as, ", ") + "}}"
	}
	const tagMessage = "must be an image tag (letters, digits, _ . -, at most 128, not starting with . or -), found "
	const refMessage = "must be an image reference such as registry.example.com/dd-lib-python-init:v3 or ...@sha256:<digest>, found "
	apmInject := "{apiVersion: fn.kpt.dev/v1alpha1, kind: InjectDatadog, metadata: {name: c}, libraries: {method: apm-inject}}"
	tests := []struct {
		name    string
		in      string
		outcome int
		// field is the error's field path (outcomeError) and stderr must contain message.
		field, message string
	}{
		{"containers as a map", resourceList(deployment("", c("{app: {image: x}}")), ""), outcomeError, "spec.template.spec.containers", "must be a list of containers, found a map"},
		{"containers as a string", resourceList(deployment("", c("app")), ""), outcomeError, "spec.template.spec.containers", "must be a list of containers, found a string"},
		{"containers null", resourceList(deployment("", c("null")), ""), outcomeError, "spec.template.spec.containers", "must be a list of containers, found null"},
		{"containers missing", resourceList(deployment("", "{restartPolicy: Always}"), ""), outcomeError, "spec.template.spec.containers", "must be a list of containers, found missing"},
		{"container a string", resourceList(deployment("", c("[app]")), ""), outcomeError, "spec.template.spec.containers[0]", "must be a container (a map), found a string"},
		{"container without a name", resourceList(deployment("", c("[{image: x}]")), ""), outcomeError, "spec.template.spec.containers[0].name", "must be the container's name, found missing"},
		{"container name a number", resourceList(deployment("", c("[{name: 7, image: x}]")), ""), outcomeError, "spec.template.spec.containers[0].name", "must be the container's name, found a number"},
		{"init container without a name", resourceList(deployment("", "{containers: [{name: app}], initContainers: [{image: x}]}"), ""), outcomeError, "spec.template.spec.initContainers[0].name", "must be the container's name"},
		{"initContainers as a map", resourceList(deployment("", "{containers: [{name: app}], initContainers: {a: b}}"), ""), outcomeError, "spec.template.spec.initContainers", "must be a list of containers, found a map"},
		{"env as a map", resourceList(deployment("", app(", env: {A: b}")), ""), outcomeError, "spec.template.spec.containers[0].env", "must be a list of {name, value} or {name, valueFrom}, found a map"},
		{"env as a string", resourceList(deployment("", app(", env: A=b")), ""), outcomeError, "spec.template.spec.containers[0].env", "found a string"},
		{"env item without a name", resourceList(deployment("", app(", env: [{value: b}]")), ""), outcomeError, "spec.template.spec.containers[0].env[0]", "must be an env var with a name"},
		{"env item a string", resourceList(deployment("", app(", env: [A]")), ""), outcomeError, "spec.template.spec.containers[0].env[0]", "must be an env var with a name"},
		{"env item with a number value", resourceList(deployment("", app(", env: [{name: WORKERS, value: 3}]")), ""), outcomeMutated, "", ""},
		{"env item with a bool value", resourceList(deployment("", app(", env: [{name: DEBUG, value: true}]")), ""), outcomeMutated, "", ""},
		{"merged env item with a number value", resourceList(deployment("{labels: {admission.datadoghq.com/enabled: \"true\"}, annotations: {admission.datadoghq.com/python-lib.version: v3}}", app(", env: [{name: PYTHONPATH, value: 3}]")), ""), outcomeError, "spec.template.spec.containers[0].env[0].value", "must be a string, found a number; quote it"},
		{"env item with value and valueFrom", resourceList(deployment("", app(", env: [{name: X, value: a, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]")), ""), outcomeMutated, "", ""},
		{"duplicate env names", resourceList(deployment("", app(", env: [{name: DD_ENV, value: a}, {name: DD_ENV, value: b}]")), ""), outcomeMutated, "", ""},
		{"duplicate merged env, the last counts", resourceList(deployment("{labels: {admission.datadoghq.com/enabled: \"true\"}, annotations: {admission.datadoghq.com/python-lib.version: v3}}", app(", env: [{name: PYTHONPATH, value: 3}, {name: PYTHONPATH, value: /app}]")), ""), outcomeMutated, "", ""},
		{"volumes as a map", resourceList(deployment("", "{containers: [{name: app}], volumes: {data: {emptyDir: {}}}}"), ""), outcomeError, "spec.template.spec.volumes", "must be a list of volumes, found a map"},
		{"volume without a name", resourceList(deployment("", "{containers: [{name: app}], volumes: [{emptyDir: {}}]}"), ""), outcomeError, "spec.template.spec.volumes[0]", "must be a volume with a name"},
		{"volumeMounts as a string", resourceList(deployment("", app(", volumeMounts: /data")), ""), outcomeError, "spec.template.spec.containers[0].volumeMounts", "must be a list of volume mounts, found a string"},
		{"volumeMount a list", resourceList(deployment("", app(", volumeMounts: [[a]]")), ""), outcomeError, "spec.template.spec.containers[0].volumeMounts[0]", "must be a volume mount (a map), found a list"},
		{"labels as a list", resourceList(deployment("{labels: [admission.datadoghq.com/enabled]}", app("")), ""), outcomeError, "spec.template.metadata.labels", "must be a map of strings, found a list"},
		{"template metadata a string", resourceList(deployment("web", app("")), ""), outcomeError, "spec.template.metadata", "must be a map, found a string"},
		{"enabled label a bool", resourceList(deployment("{labels: {admission.datadoghq.com/enabled: true}}", app("")), ""), outcomeError, "spec.template.metadata.labels.admission.datadoghq.com/enabled", "must be a string, found a bool (true); quote it"},
		{"version label a number", resourceList(deployment("{labels: {admission.datadoghq.com/enabled: \"true\", tags.datadoghq.com/version: 1.0}}", app("")), ""), outcomeError, "spec.template.metadata.labels.tags.datadoghq.com/version", "must be a string, found a number (1.0); quote it"},
		{"other label a number", resourceList(deployment("{labels: {admission.datadoghq.com/enabled: \"true\", replicas: 3}}", app("")), ""), outcomeMutated, "", ""},
		{"annotation value a number", resourceList(deployment("{labels: {admission.datadoghq.com/enabled: \"true\"}, annotations: {admission.datadoghq.com/python-lib.version: 3}}", app("")), ""), outcomeError, "spec.template.metadata.annotations.admission.datadoghq.com/python-lib.version", "must be a string, found a number (3); quote it"},
		{"annotations as a list", resourceList(deployment("{labels: {admission.datadoghq.com/enabled: \"true\"}, annotations: [a]}", app("")), ""), outcomeError, "spec.template.metadata.annotations", "must be a map of strings, found a list"},
		{"a 1 MiB annotation value", resourceList(deployment("{labels: {admission.datadoghq.com/enabled: \"true\"}, annotations: {note: "+meg+"}}", app("")), ""), outcomeMutated, "", ""},
		{"a python-lib.version of 128 characters", resourceList(deployment(annotated("python-lib.version", tag128), app("")), ""), outcomeMutated, "", ""},
		{"a python-lib.version of 129 characters", resourceList(deployment(annotated("python-lib.version", tag128+"x"), app("")), ""), outcomeError, "spec.template.metadata.annotations.admission.datadoghq.com/python-lib.version", tagMessage + `"` + tag128 + `x"`},
		{"a java-lib.custom-image with a name of 255 and a tag of 128 characters", resourceList(deployment(annotated("java-lib.custom-image", name255+":"+tag128), app("")), ""), outcomeMutated, "", ""},
		{"a java-lib.custom-image with a name of 256 characters", resourceList(deployment(annotated("java-lib.custom-image", name255+"a:v1"), app("")), ""), outcomeError, "spec.template.metadata.annotations.admission.datadoghq.com/java-lib.custom-image", refMessage + `"` + name255 + `a:v1"`},
		{"a java-lib.custom-image with a tag of 129 characters", resourceList(deployment(annotated("java-lib.custom-image", "gcr.io/lib:"+tag128+"x"), app("")), ""), outcomeError, "spec.template.metadata.annotations.admission.datadoghq.com/java-lib.custom-image", refMessage + `"gcr.io/lib:` + tag128 + `x"`},
		{"an apm-inject.version of 128 characters", resourceList(deployment(annotated("apm-inject.version", tag128, "python-lib.version", "v3"), app("")), apmInject), outcomeMutated, "", ""},
		{"an apm-inject.version of 129 characters", resourceList(deployment(annotated("apm-inject.version", tag128+"x", "python-lib.version", "v3"), app("")), apmInject), outcomeError, "spec.template.metadata.annotations.admission.datadoghq.com/apm-inject.version", tagMessage + `"` + tag128 + `x"`},
		{"template with no spec", resourceList(deployment("", "null"), ""), outcomeError, "spec.template.spec", "must be a map with containers, found null"},
		{"template spec a list", resourceList(deployment("", "[]"), ""), outcomeError, "spec.template.spec", "must be a map with containers, found a list"},
		{"Deployment without a template", resourceList("- {apiVersion: apps/v1, kind: Deployment, metadata: {name: web, annotations: {internal.config.kubernetes.io/path: apps/web.yaml}}, spec: {replicas: 1}}\n", ""), outcomePassThrough, "", ""},
		{"Deployment spec a string", resourceList("- {apiVersion: apps/v1, kind: Deployment, metadata: {name: web, annotations: {internal.config.kubernetes.io/path: apps/web.yaml}}, spec: x}\n", ""), outcomeError, "spec", "must be a map, the pod template of a Deployment; found a string"},
		{"CronJob without jobTemplate", resourceList("- {apiVersion: batch/v1, kind: CronJob, metadata: {name: nightly, annotations: {internal.config.kubernetes.io/path: apps/web.yaml}}, spec: {schedule: '* * * * *'}}\n", ""), outcomePassThrough, "", ""},
		{"Experiment template a list", resourceList("- {apiVersion: argoproj.io/v1alpha1, kind: Experiment, metadata: {name: e, annotations: {internal.config.kubernetes.io/path: apps/web.yaml}}, spec: {template: []}}\n", "{apiVersion: fn.kpt.dev/v1alpha1, kind: InjectDatadog, podTemplatePaths: [{group: argoproj.io, kind: Experiment, path: spec.template}]}"), outcomeError, "spec.template", "must be a map, the pod template of an Experiment; found a list"},
		{"workload without kind", resourceList("- {apiVersion: apps/v1, metadata: {name: web}, spec: {template: {spec: {containers: [{name: a}]}}}}\n", ""), outcomePassThrough, "", ""},
		{"workload without apiVersion", resourceList("- {kind: Deployment, metadata: {name: web}, spec: {template: {spec: {containers: [{name: a}]}}}}\n", ""), outcomePassThrough, "", ""},
		{"metadata as a list", resourceList("- {apiVersion: v1, kind: ConfigMap, metadata: [a]}\n", ""), outcomePassThrough, "", ""},
		{"items null", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: null\n", outcomePassThrough, "", ""},
		{"no items", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n", outcomePassThrough, "", ""},
		{"items a map", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: {a: b}\n", outcomeFatal, "", "items must be a list, found a map"},
		{"an item that is a scalar", resourceList("- just text\n", ""), outcomeError, "items[0]", "every item must be a resource (a map), found a string"},
		{"an item that is a list", resourceList("- [a, b]\n", ""), outcomeError, "items[0]", "every item must be a resource (a map), found a list"},
		{"functionConfig of the wrong kind", resourceList(deployment("", app("")), "{apiVersion: v1, kind: Secret, metadata: {name: s}}"), outcomeError, "", "functionConfig must be apiVersion fn.kpt.dev/v1alpha1 kind InjectDatadog"},
		{"functionConfig with a misspelled field", resourceList(deployment("", app("")), "{apiVersion: fn.kpt.dev/v1alpha1, kind: InjectDatadog, metadata: {name: c}, confg: {mode: socket}}"), outcomeError, "confg", "is not a field of InjectDatadog (did you mean config?)"},
		{"functionConfig with a list where a map belongs", resourceList(deployment("", app("")), "{apiVersion: fn.kpt.dev/v1alpha1, kind: InjectDatadog, metadata: {name: c}, config: [socket]}"), outcomeError, "config", "must be a map, found a list"},
		{"functionConfig a string", resourceList(deployment("", app("")), "inject"), outcomeFatal, "", "functionConfig must be a map, found a string"},
		{"ConfigMap data as a list", resourceList(deployment("", app("")), "{apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: [a]}"), outcomeError, "data", "must be a map of dotted field paths to values, found a list"},
		{"non-UTF-8 bytes", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: \xff\xfe}}\n", outcomeFatal, "", "the input is not valid YAML"},
		{"an alias inside the node it names", resourceList("- &d {apiVersion: v1, kind: List, items: [*d]}\n", ""), outcomeFatal, "", "the alias *d at line 4 must not sit inside the node it names"},
		{"stdin that is not YAML", "{{{ not: yaml", outcomeFatal, "", "document 1 of the input is not valid YAML"},
		{"a list at the top", "- a\n- b\n", outcomeFatal, "", "document 1 of the input must be one Kubernetes object (a map)"},
		{"containers through a YAML alias", resourceList(deployment("", "{containers: &c [{name: app, env: &e [{name: A, value: b}]}], initContainers: [{name: setup, env: *e}], volumes: []}"), ""), outcomeMutated, "", ""},
		{"one list aliased as both container lists", resourceList(deployment("", "{containers: &c [{name: app}], initContainers: *c}"), ""), outcomeError, "spec.template.spec.initContainers[0].name", `must be unique in the pod: spec.template.spec.containers[0] is also named "app"`},
		{"two containers with one name", resourceList(deployment("", c("[{name: app, image: x}, {name: app, image: y}]")), ""), outcomeError, "spec.template.spec.containers[1].name", `must be unique in the pod: spec.template.spec.containers[0] is also named "app"`},
		{"a container and an init container with one name", resourceList(deployment("", "{containers: [{name: app}], initContainers: [{name: app}]}"), ""), outcomeError, "spec.template.spec.initContainers[0].name", `is also named "app"`},
		{"a container named as a library's init container", resourceList(deployment(annotated("python-lib.version", "v3"), c("[{name: datadog-lib-python-init, image: x}]")), ""), outcomeError, "spec.template.spec.containers[0].name", `must not be "datadog-lib-python-init": inject-datadog adds an init container of that name`},
		{"an init container named as the Agent sidecar", resourceList(deployment("{labels: {agent.datadoghq.com/sidecar: fargate}}", "{containers: [{name: app}], initContainers: [{name: datadog-agent-injected}]}"), "{apiVersion: fn.kpt.dev/v1alpha1, kind: InjectDatadog, agentSidecar: {enabled: true, provider: fargate}}"), outcomeError, "spec.template.spec.initContainers[0].name", `must not be "datadog-agent-injected": inject-datadog adds a container of that name`},
		{"a container named as the CWS init container", resourceList(deployment("{labels: {admission.datadoghq.com/cws-instrumentation.enabled: \"true\"}}", c("[{name: app}, {name: cws-instrumentation}]")), "{apiVersion: fn.kpt.dev/v1alpha1, kind: InjectDatadog, cws: {enabled: true, mode: init_container}}"), outcomeError, "spec.template.spec.containers[1].name", `must not be "cws-instrumentation": inject-datadog adds an init container of that name`},
		{"a mount of the libraries' volume the pod lacks", resourceList(deployment(annotated("python-lib.version", "v3"), app(", volumeMounts: [{name: datadog-auto-instrumentation, mountPath: /lib}]")), ""), outcomeError, "spec.template.spec.containers[0].volumeMounts[0]", `must not mount "datadog-auto-instrumentation", a volume the pod lacks: inject-datadog adds a volume of that name`},
		{"a mount of the socket volume the pod lacks", resourceList(deployment("{labels: {admission.datadoghq.com/enabled: \"true\", admission.datadoghq.com/config.mode: socket}}", "{containers: [{name: app}], initContainers: [{name: setup, volumeMounts: [{name: datadog, mountPath: /s}]}]}"), ""), outcomeError, "spec.template.spec.initContainers[0].volumeMounts[0]", `must not mount "datadog", a volume the pod lacks`},
		{"a mount of a volume the pod lacks and no render adds", resourceList(deployment(annotated("python-lib.version", "v3"), app(", volumeMounts: [{name: from-the-base, mountPath: /data}]")), ""), outcomeMutated, "", ""},
		{"a container named through a merge key", resourceList(deployment("", c("[&d {name: base, image: x}, {<<: *d, image: y}]")), ""), outcomeError, "spec.template.spec.containers[1].name", `must be unique in the pod: spec.template.spec.containers[0] is also named "base"`},
	}
	// The init container image the longest valid values must give.
	writes := map[string]string{
		"a python-lib.version of 128 characters":                                 "gcr.io/datadoghq/dd-lib-python-init:" + tag128,
		"a java-lib.custom-image with a name of 255 and a tag of 128 characters": name255 + ":" + tag128,
		"an apm-inject.version of 128 characters":                                "gcr.io/datadoghq/apm-inject:" + tag128,
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// As a process: a panic, even in one of the function's goroutines, ends the process
			// with exit code 2 and the trace on stderr instead of killing the whole test binary.
			stdout, stderr, code := runProcess(t, tt.in)
			if code == 2 || strings.Contains(stderr, "panic:") || strings.Contains(stderr, "goroutine ") {
				t.Fatalf("the function panicked (exit %d):\n%s", code, stderr)
			}
			if tt.message != "" && !strings.Contains(stderr, tt.message) {
				t.Errorf("stderr lacks %q:\n%s", tt.message, stderr)
			}
			switch tt.outcome {
			case outcomeFatal:
				if code != 1 || len(stdout) != 0 {
					t.Errorf("exit %d with %d bytes of output, want exit 1 and none", code, len(stdout))
				}
				return
			case outcomeError:
				if code != 1 {
					t.Errorf("exit %d, want 1", code)
				}
				checkErrorResult(t, stdout, tt.field)
			default:
				if code != 0 {
					t.Errorf("exit %d, want 0; stderr:\n%s", code, stderr)
				}
			}
			if w, ok := writes[tt.name]; ok && !slices.Contains(initImages(t, stdout), w) {
				t.Errorf("no init container has the image %q: %q", w, initImages(t, stdout))
			}
			changed := itemsOf(t, stdout) != itemsOf(t, tt.in)
			if changed != (tt.outcome == outcomeMutated) {
				t.Errorf("items changed: %v, want %v", changed, tt.outcome == outcomeMutated)
			}
		})
	}
}

// runMainEnv makes the test binary act as the function: TestMain runs Main on the process's own
// stdin, stdout and stderr and exits with its code, as fn/main.go does.
const runMainEnv = "INJECT_DATADOG_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// runProcess runs the function as a process of its own on in.
func runProcess(t *testing.T, in string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	cmd.Stdin = strings.NewReader(in)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("running the function: %v", err)
	}
	return o.String(), e.String(), code
}

// initImages lists the images of the first item's init containers.
func initImages(t *testing.T, out string) []string {
	t.Helper()
	var images []string
	items := yamltree.Get(root(t, out), "items")
	if items == nil || len(items.Content) == 0 {
		return nil
	}
	if inits := yamltree.Path(items.Content[0], "spec", "template", "spec", "initContainers"); inits != nil {
		for _, c := range inits.Content {
			if img := yamltree.Get(c, "image"); img != nil {
				images = append(images, img.Value)
			}
		}
	}
	return images
}

// checkErrorResult finds the error result of the field: it names the resource and, for a
// resource read from a file, the file.
func checkErrorResult(t *testing.T, out, field string) {
	t.Helper()
	r := root(t, out)
	results := yamltree.Get(r, "results")
	if results == nil {
		t.Fatalf("no results in the output")
	}
	for _, res := range results.Content {
		if yamltree.Path(res, "severity").Value != "error" {
			continue
		}
		got := ""
		if f := yamltree.Path(res, "field", "path"); f != nil {
			got = f.Value
		}
		if got != field {
			continue
		}
		ref := yamltree.Get(res, "resourceRef")
		if field != "" && !strings.HasPrefix(field, "items[") && (ref == nil || yamltree.Get(ref, "kind") == nil) {
			t.Errorf("the error on %s names no resource", field)
		}
		if strings.HasPrefix(field, "spec") {
			if f := yamltree.Path(res, "file", "path"); f == nil || f.Value != "apps/web.yaml" {
				t.Errorf("the error on %s names no file", field)
			}
		}
		return
	}
	t.Errorf("no error result with field %q in:\n%s", field, encode(t, results))
}
