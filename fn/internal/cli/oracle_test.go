package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	sigsjson "sigs.k8s.io/json"
	sigsyaml "sigs.k8s.io/yaml"
)

// The independent oracle. The expected files are written by the code under test, so comparing
// with them only shows that nothing changed. Here every output the tests hold is read the way
// kubectl reads a manifest (YAML 1.1 through sigs.k8s.io/yaml, then case-sensitive JSON decoding
// that rejects unknown and duplicate fields into the types of k8s.io/api), and every pod template
// in it is checked against rules of Kubernetes' own validation. Nothing here uses the function's
// code. k8s.io/api stays a test-only dependency: TestBinaryDoesNotLinkK8sAPI.

// TestOracleGoldenOutputs reads the items of every golden case that succeeds. An error case writes
// its items back unchanged (TestGolden checks that), and its input is often malformed on purpose.
// A problem the case's input already has, at the same item, is the fixture's and not the
// function's: it is logged, not failed (the function writes what it did not change as it came).
func TestOracleGoldenOutputs(t *testing.T) {
	templates := 0
	for _, c := range goldenCases(t) {
		if goldenExitCode(t, c.dir) != 0 {
			continue
		}
		path := filepath.Join(c.dir, "expected.yaml")
		b, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: a case that succeeds must have an expected.yaml: %v", c.name, err)
			continue
		}
		out, err := oracleResourceList(b)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		in, err := oracleResourceList(goldenInput(t, c.dir))
		if err != nil {
			t.Errorf("%s: the input: %v", c.name, err)
			continue
		}
		if len(in) != len(out) {
			t.Errorf("%s: %d items in, %d out", path, len(in), len(out))
			continue
		}
		for i := range out {
			problems, n := oracleCheckObject(out[i])
			templates += n
			inputHas := map[string]bool{}
			inProblems, _ := oracleCheckObject(in[i])
			for _, p := range inProblems {
				inputHas[p] = true
			}
			for _, p := range problems {
				if inputHas[p] {
					t.Logf("%s: items[%d]: %s (already in the case's input)", path, i, p)
				} else {
					t.Errorf("%s: items[%d]: %s", path, i, p)
				}
			}
		}
	}
	if templates == 0 {
		t.Errorf("the golden outputs hold no pod template that the oracle read")
	}
}

// oracleResourceList decodes a ResourceList strictly and returns its items, undecoded.
func oracleResourceList(b []byte) ([]json.RawMessage, error) {
	var rl struct {
		APIVersion     string            `json:"apiVersion"`
		Kind           string            `json:"kind"`
		Items          []json.RawMessage `json:"items"`
		FunctionConfig json.RawMessage   `json:"functionConfig,omitempty"`
		Results        []krmResult       `json:"results,omitempty"`
	}
	if err := strictYAML(b, &rl); err != nil {
		return nil, err
	}
	if rl.Kind == "List" && rl.APIVersion == "v1" {
		// A stream-mode case: its one document is the List itself.
		j, err := yamlToJSON(b)
		return []json.RawMessage{j}, err
	}
	if rl.APIVersion != "config.kubernetes.io/v1" || rl.Kind != "ResourceList" {
		return nil, fmt.Errorf("apiVersion %q kind %q, want config.kubernetes.io/v1 ResourceList", rl.APIVersion, rl.Kind)
	}
	return rl.Items, nil
}

// TestOracleExamples reads every example's expected rendering: kustomize's output and the kpt
// package as rendered (its YAML files and the Kptfile).
func TestOracleExamples(t *testing.T) {
	templates := 0
	for _, glob := range []string{"../../../examples/*/expected.yaml", "../../../examples/helm/expected-helm4.yaml", "../../../examples/kpt-expected/*.yaml", "../../../examples/kpt-expected/Kptfile"} {
		files, _ := filepath.Glob(glob)
		if len(files) == 0 {
			t.Fatalf("no file matches %s", glob)
		}
		for _, path := range files {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(b)))
			for i := 0; ; i++ {
				doc, err := r.Read()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				if len(bytes.TrimSpace(doc)) == 0 || string(bytes.TrimSpace(doc)) == "---" {
					continue
				}
				j, err := yamlToJSON(doc)
				if err != nil {
					t.Errorf("%s: document %d: %v", path, i, err)
					continue
				}
				problems, n := oracleCheckObject(j)
				templates += n
				for _, p := range problems {
					t.Errorf("%s: document %d: %s", path, i, p)
				}
			}
		}
	}
	if templates == 0 {
		t.Errorf("the examples hold no pod template that the oracle read")
	}
}

// krmResult is a result of the KRM functions specification, every field of it.
type krmResult struct {
	Message     string `json:"message"`
	Severity    string `json:"severity,omitempty"`
	ResourceRef *struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Name       string `json:"name"`
		Namespace  string `json:"namespace,omitempty"`
	} `json:"resourceRef,omitempty"`
	Field *struct {
		Path          string `json:"path"`
		CurrentValue  any    `json:"currentValue,omitempty"`
		ProposedValue any    `json:"proposedValue,omitempty"`
	} `json:"field,omitempty"`
	File *struct {
		Path  string `json:"path"`
		Index int    `json:"index,omitempty"`
	} `json:"file,omitempty"`
	Tags map[string]string `json:"tags,omitempty"`
}

// oracleKind decodes one kind into its k8s.io/api type and finds its pod templates.
type oracleKind struct {
	decode func(raw []byte) ([]*corev1.PodTemplateSpec, error)
}

func typed[T any](templates func(*T) []*corev1.PodTemplateSpec) oracleKind {
	return oracleKind{func(raw []byte) ([]*corev1.PodTemplateSpec, error) {
		obj := new(T)
		if err := strictJSON(raw, obj); err != nil {
			return nil, err
		}
		if templates == nil {
			return nil, nil
		}
		return templates(obj), nil
	}}
}

func one(t *corev1.PodTemplateSpec) []*corev1.PodTemplateSpec { return []*corev1.PodTemplateSpec{t} }

// atPath is a kind that k8s.io/api does not know: its metadata is decoded into ObjectMeta and the
// pod template at path, when present, into PodTemplateSpec, both strictly.
func atPath(path ...string) oracleKind {
	return oracleKind{func(raw []byte) ([]*corev1.PodTemplateSpec, error) {
		var obj map[string]any
		if err := strictJSON(raw, &obj); err != nil {
			return nil, err
		}
		var meta metav1.ObjectMeta
		if err := reencode(obj["metadata"], &meta); err != nil {
			return nil, fmt.Errorf("metadata: %w", err)
		}
		var node any = obj
		for _, k := range path {
			m, ok := node.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s: not a map on the way to the pod template", k)
			}
			if node, ok = m[k]; !ok {
				return nil, nil // no template here (an Argo Rollout with spec.workloadRef)
			}
		}
		var tpl corev1.PodTemplateSpec
		if err := reencode(node, &tpl); err != nil {
			return nil, fmt.Errorf("%s: %w", strings.Join(path, "."), err)
		}
		return one(&tpl), nil
	}}
}

// oracleKinds is every kind the outputs hold, by "apiVersion kind". A kind missing here fails the
// test: add it, decoded, or to oracleSkipped with the reason.
var oracleKinds = map[string]oracleKind{
	"apps/v1 Deployment":  typed(func(o *appsv1.Deployment) []*corev1.PodTemplateSpec { return one(&o.Spec.Template) }),
	"apps/v1 StatefulSet": typed(func(o *appsv1.StatefulSet) []*corev1.PodTemplateSpec { return one(&o.Spec.Template) }),
	"apps/v1 DaemonSet":   typed(func(o *appsv1.DaemonSet) []*corev1.PodTemplateSpec { return one(&o.Spec.Template) }),
	"apps/v1 ReplicaSet":  typed(func(o *appsv1.ReplicaSet) []*corev1.PodTemplateSpec { return one(&o.Spec.Template) }),
	"batch/v1 Job":        typed(func(o *batchv1.Job) []*corev1.PodTemplateSpec { return one(&o.Spec.Template) }),
	"batch/v1 CronJob": typed(func(o *batchv1.CronJob) []*corev1.PodTemplateSpec {
		return one(&o.Spec.JobTemplate.Spec.Template)
	}),
	"v1 Pod": typed(func(o *corev1.Pod) []*corev1.PodTemplateSpec {
		return one(&corev1.PodTemplateSpec{ObjectMeta: o.ObjectMeta, Spec: o.Spec})
	}),
	"v1 PodTemplate": typed(func(o *corev1.PodTemplate) []*corev1.PodTemplateSpec { return one(&o.Template) }),
	"v1 ReplicationController": typed(func(o *corev1.ReplicationController) []*corev1.PodTemplateSpec {
		if o.Spec.Template == nil {
			return nil
		}
		return one(o.Spec.Template)
	}),
	"v1 Namespace": typed[corev1.Namespace](nil),
	"v1 Service":   typed[corev1.Service](nil),
	"v1 ConfigMap": typed[corev1.ConfigMap](nil),
	"v1 Secret":    typed[corev1.Secret](nil),
	// Kinds of other groups, with their pod template where the golden cases put it.
	"argoproj.io/v1alpha1 Rollout": atPath("spec", "template"),
	"example.com/v1 Widget":        atPath("spec", "podTemplate"),
	"other.example.com/v1 Gadget":  atPath("spec", "runner", "template"),
	// A Deployment in a group the function does not handle: it passes through, still a pod template.
	"extensions.example.com/v1 Deployment": atPath("spec", "template"),
}

// oracleSkipped are kinds the oracle does not read, each with the reason.
var oracleSkipped = map[string]string{
	"kpt.dev/v1 Kptfile":                               "kpt's package file: no pod template, no k8s.io/api type",
	"fn.kpt.dev/v1alpha1 InjectDatadog":                "the function's own config, checked against its schema by the config tests",
	"apiextensions.k8s.io/v1 CustomResourceDefinition": "a chart's CRD, passed through as Helm hands it over; no pod template",
	"extensions/v1beta1 DaemonSet":                     "a version the API server no longer serves: passed through with a warning",
	"apps/v1beta2 Deployment":                          "a version the API server no longer serves: passed through with a warning",
	"batch/v1beta1 CronJob":                            "a version the API server no longer serves: passed through with a warning",
}

// oracleCheckObject decodes one object strictly and checks its pod templates: it returns what is
// wrong and how many templates it checked.
func oracleCheckObject(raw []byte) (problems []string, templates int) {
	var tm metav1.TypeMeta
	if err := json.Unmarshal(raw, &tm); err != nil {
		return []string{fmt.Sprintf("not an object: %v", err)}, 0
	}
	key := tm.APIVersion + " " + tm.Kind
	if (tm.APIVersion == "v1" && tm.Kind == "List") || tm.Kind == "DeploymentList" {
		var list struct {
			metav1.TypeMeta `json:",inline"`
			Metadata        metav1.ListMeta   `json:"metadata"`
			Items           []json.RawMessage `json:"items"`
		}
		if err := strictJSON(raw, &list); err != nil {
			return []string{fmt.Sprintf("%s: %v", key, err)}, 0
		}
		for i, item := range list.Items {
			ps, n := oracleCheckObject(item)
			for _, p := range ps {
				problems = append(problems, fmt.Sprintf("items[%d]: %s", i, p))
			}
			templates += n
		}
		return problems, templates
	}
	if _, ok := oracleSkipped[key]; ok {
		return nil, 0
	}
	k, ok := oracleKinds[key]
	if !ok {
		return []string{fmt.Sprintf("the oracle does not know %s: add it to oracleKinds or, with a reason, to oracleSkipped", key)}, 0
	}
	tpls, err := k.decode(raw)
	if err != nil {
		return []string{fmt.Sprintf("%s does not decode strictly: %v", key, err)}, 0
	}
	for _, tpl := range tpls {
		for _, p := range checkPodTemplate(tpl) {
			problems = append(problems, key+": "+p)
		}
	}
	return problems, len(tpls)
}

// fieldPaths are the fieldRef paths Kubernetes accepts for an env var (validation of
// EnvVarSource: metadata.labels['x'] and metadata.annotations['x'] too).
var (
	fieldPaths = map[string]bool{
		"metadata.name": true, "metadata.namespace": true, "metadata.uid": true,
		"spec.nodeName": true, "spec.serviceAccountName": true,
		"status.hostIP": true, "status.hostIPs": true, "status.podIP": true, "status.podIPs": true,
	}
	fieldPathSubscript = regexp.MustCompile(`^metadata\.(labels|annotations)\['[^']+'\]$`)
	datadogInit        = regexp.MustCompile(`^(datadog-lib-[a-z]+-init|datadog-init-apm-inject)$`)
)

// checkPodTemplate checks the consistency Kubernetes' validation requires of a pod spec and
// returns what is wrong.
func checkPodTemplate(tpl *corev1.PodTemplateSpec) (problems []string) {
	spec := &tpl.Spec
	fail := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	if len(spec.Containers) == 0 {
		fail("the pod template has no container")
	}
	volumes := map[string]bool{}
	for i, v := range spec.Volumes {
		if v.Name == "" {
			fail("volumes[%d] has no name", i)
		}
		if volumes[v.Name] {
			fail("volume %q appears twice", v.Name)
		}
		volumes[v.Name] = true
		if n := setFields(v.VolumeSource); n != 1 {
			fail("volume %q has %d sources, want exactly one", v.Name, n)
		}
	}
	names := map[string]bool{}
	all := append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...)
	for _, c := range all {
		if c.Name == "" {
			fail("a container has no name")
		}
		if names[c.Name] {
			fail("container name %q appears twice across containers and init containers", c.Name)
		}
		names[c.Name] = true
		env := map[string]bool{}
		for _, e := range c.Env {
			if e.Name == "" {
				fail("container %q: an env var has no name", c.Name)
			}
			if env[e.Name] {
				fail("container %q: env var %s appears twice", c.Name, e.Name)
			}
			env[e.Name] = true
			if e.ValueFrom == nil {
				continue
			}
			if e.Value != "" {
				fail("container %q: env var %s has both value and valueFrom", c.Name, e.Name)
			}
			if n := setFields(*e.ValueFrom); n != 1 {
				fail("container %q: env var %s has %d sources in valueFrom, want exactly one", c.Name, e.Name, n)
			}
			if f := e.ValueFrom.FieldRef; f != nil {
				if f.FieldPath == "" {
					fail("container %q: env var %s has a fieldRef without a fieldPath", c.Name, e.Name)
				} else if !fieldPaths[f.FieldPath] && !fieldPathSubscript.MatchString(f.FieldPath) {
					fail("container %q: env var %s: fieldPath %q is not one Kubernetes supports", c.Name, e.Name, f.FieldPath)
				}
			}
		}
		paths := map[string]bool{}
		for _, m := range c.VolumeMounts {
			if !volumes[m.Name] {
				if datadogInit.MatchString(c.Name) {
					fail("the injected init container %q mounts %q, which is not a volume of the pod", c.Name, m.Name)
				} else {
					fail("container %q mounts %q, which is not a volume of the pod", c.Name, m.Name)
				}
			}
			if m.MountPath == "" {
				fail("container %q: the mount of %q has no mountPath", c.Name, m.Name)
			}
			if paths[m.MountPath] {
				fail("container %q: mountPath %s is used twice", c.Name, m.MountPath)
			}
			paths[m.MountPath] = true
		}
		for res, req := range c.Resources.Requests {
			if lim, ok := c.Resources.Limits[res]; ok && req.Cmp(lim) > 0 {
				fail("container %q: %s request %s is above its limit %s", c.Name, res, req.String(), lim.String())
			}
		}
	}
	return problems
}

// setFields counts the pointer fields of a struct that are set: the sources of a volume or of an
// env var's valueFrom.
func setFields(v any) int {
	rv := reflect.ValueOf(v)
	n := 0
	for i := 0; i < rv.NumField(); i++ {
		if f := rv.Field(i); f.Kind() == reflect.Pointer && !f.IsNil() {
			n++
		}
	}
	return n
}

// strictYAML reads YAML as kubectl does: YAML 1.1, duplicate keys rejected, then strictJSON.
func strictYAML(y []byte, v any) error {
	j, err := yamlToJSON(y)
	if err != nil {
		return err
	}
	return strictJSON(j, v)
}

// yamlToJSON converts as kubectl does, refusing duplicate keys; a document with merge keys is
// converted without that check, since a key of a mapping's own overriding a merged one is what
// "<<" means, and the strict converter counts it as a duplicate.
func yamlToJSON(y []byte) ([]byte, error) {
	if bytes.Contains(y, []byte("<<:")) {
		return sigsyaml.YAMLToJSON(y)
	}
	return sigsyaml.YAMLToJSONStrict(y)
}

// strictJSON decodes case-sensitively and rejects unknown and duplicate fields.
func strictJSON(j []byte, v any) error {
	strict, err := sigsjson.UnmarshalStrict(j, v, sigsjson.DisallowDuplicateFields, sigsjson.DisallowUnknownFields)
	if err != nil {
		return err
	}
	return errors.Join(strict...)
}

func reencode(from any, to any) error {
	j, err := json.Marshal(from)
	if err != nil {
		return err
	}
	return strictJSON(j, to)
}

// TestBinaryDoesNotLinkK8sAPI: k8s.io/api is for this oracle only; the function must not link it.
func TestBinaryDoesNotLinkK8sAPI(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "inject-datadog/fn").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	found := false
	for _, p := range deps {
		if p == "inject-datadog/fn/internal/cli" {
			found = true
		}
		if p == "k8s.io/api" || strings.HasPrefix(p, "k8s.io/api/") {
			t.Errorf("the binary links %s: k8s.io/api must stay a test-only dependency", p)
		}
	}
	if !found {
		t.Fatalf("go list -deps did not list the function's own packages:\n%s", out)
	}
}
