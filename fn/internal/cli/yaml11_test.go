package cli

import (
	"strconv"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	sigsyaml "sigs.k8s.io/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// Strings that YAML 1.2 reads as strings and YAML 1.1 (kubectl, sigs.k8s.io/yaml) as something
// else, and a few that both read as something else: each must come out of the function as the
// same string, whatever source it came from.
var yaml11Values = []string{
	"on", "On", "ON", "off", "Off", "OFF", "yes", "Yes", "YES", "no", "No", "NO",
	"y", "Y", "n", "N", "true", "False", "null", "~", "1.0", "0x1F", "012", "1_000", "1:20", ".inf", "+12",
}

// yaml11Sources put a value where the function reads it, and name the env var it lands in.
var yaml11Sources = []struct {
	name string
	// templateLabels and templateAnnotations go on the pod template; fnConfig is the whole
	// functionConfig.
	build func(v string) (templateLabels, templateAnnotations, fnConfig string)
	env   string
}{
	{"tag label", func(v string) (string, string, string) {
		return "tags.datadoghq.com/version: " + strconv.Quote(v), "", ""
	}, "DD_VERSION"},
	{"tags.* in InjectDatadog", func(v string) (string, string, string) {
		return "", "", "{apiVersion: fn.kpt.dev/v1alpha1, kind: InjectDatadog, tags: {env: " + strconv.Quote(v) + "}}"
	}, "DD_ENV"},
	{"tags.* in a ConfigMap", func(v string) (string, string, string) {
		return "", "", "{apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {tags.service: " + strconv.Quote(v) + "}}"
	}, "DD_SERVICE"},
	{"library config JSON", func(v string) (string, string, string) {
		json, _ := sigsyaml.Marshal(map[string]string{"admission.datadoghq.com/python-lib.config.v1": `{"tracing_log_level": ` + strconv.Quote(v) + `}`})
		return "", string(json), ""
	}, "DD_TRACE_LOG_LEVEL"},
}

func TestYAML11Values(t *testing.T) {
	for _, src := range yaml11Sources {
		for _, v := range yaml11Values {
			labels, annotations, fnConfig := src.build(v)
			item := "- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: web}\n  spec:\n    template:\n" +
				"      metadata:\n        labels:\n          admission.datadoghq.com/enabled: \"true\"\n"
			if labels != "" {
				item += "          " + labels + "\n"
			}
			if annotations != "" {
				item += "        annotations:\n          admission.datadoghq.com/python-lib.version: v3\n          " + annotations
			}
			item += "      spec:\n        containers:\n        - name: app\n          image: app:1\n"
			out, stderr, code := run([]byte(resourceList(item, fnConfig)))
			if code != 0 {
				t.Fatalf("%s %q: exit %d\n%s", src.name, v, code, stderr)
			}
			items := yamltree.Get(root(t, out), "items")
			d := decodeStrict[appsv1.Deployment](t, encode(t, items.Content[0]))
			if got, ok := envValue(d.Spec.Template.Spec.Containers[0], src.env); !ok || got != v {
				t.Errorf("%s %q: %s reads back as %q (found %v) under YAML 1.1", src.name, v, src.env, got, ok)
			}
		}
	}
}

// decodeStrict reads YAML as kubectl does (YAML 1.1, through JSON) into a typed object, refusing
// unknown fields and values of the wrong type.
func decodeStrict[T any](t *testing.T, y []byte) T {
	t.Helper()
	var obj T
	if err := sigsyaml.UnmarshalStrict(y, &obj); err != nil {
		t.Fatalf("kubectl would not read this: %v\n%s", err, y)
	}
	return obj
}

func envValue(c corev1.Container, name string) (string, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value, true
		}
	}
	return "", false
}
