package cli

import (
	"encoding/json"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// A JSON document, changed, comes out as JSON at its own indentation (docs/yaml-fidelity.md
// "JSON documents"): a JSON reader takes it, the pod is rendered, the user's lines are kept, and
// removal gives the bytes back.
func TestJSONDocumentStaysJSON(t *testing.T) {
	in := `{
    "kind": "Pod",
    "apiVersion": "v1",
    "metadata": {
        "name": "zookeeper",
        "labels": {
            "admission.datadoghq.com/enabled": "true"
        }
    },
    "spec": {
        "containers": [
            {
                "name": "zookeeper",
                "image": "mattf/zookeeper"
            }
        ]
    }
}
`
	out, stderr, code := runArgs(nil, in)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	var pod corev1.Pod
	if err := json.Unmarshal([]byte(out), &pod); err != nil {
		t.Fatalf("the output is no JSON: %v\n%s", err, out)
	}
	env := pod.Spec.Containers[0].Env
	if len(env) == 0 || env[len(env)-1].Name != "DD_AGENT_HOST" || env[len(env)-1].ValueFrom == nil ||
		env[len(env)-1].ValueFrom.FieldRef.FieldPath != "status.hostIP" {
		t.Errorf("the pod was not rendered: %+v", env)
	}
	for _, l := range []string{"{\n", `    "kind": "Pod",` + "\n", `                "image": "mattf/zookeeper",` + "\n", `                "env": [` + "\n"} {
		if !strings.Contains(out, l) {
			t.Errorf("the output lacks the line %q:\n%s", l, out)
		}
	}
	removed, stderr, code := runArgs([]string{"--remove"}, out)
	if code != 0 {
		t.Fatalf("remove: exit %d:\n%s", code, stderr)
	}
	if removed != in {
		t.Errorf("remove does not give the JSON back:\n%s", diffLines(in, removed))
	}
	again, _, _ := runArgs(nil, out)
	if again != out {
		t.Errorf("a second render changes the JSON:\n%s", diffLines(out, again))
	}
}
