package cli

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	sigsyaml "sigs.k8s.io/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// The alias cases read as kubectl reads them (aliases and merge keys resolved): every container
// has what the rules give it, and no container got another's values through a shared node.
func TestAliasesAsKubectlReadsThem(t *testing.T) {
	deployments := func(t *testing.T, name string) []appsv1.Deployment {
		t.Helper()
		out, stderr, code := run(goldenInput(t, "testdata/golden/"+name))
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s", name, code, stderr)
		}
		var ds []appsv1.Deployment
		for _, it := range yamltree.Get(root(t, out), "items").Content {
			if yamltree.Get(it, "kind").Value != "Deployment" {
				continue
			}
			var d appsv1.Deployment
			if err := sigsyaml.Unmarshal(encode(t, it), &d); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			ds = append(ds, d)
		}
		return ds
	}
	env := func(c corev1.Container, name string) string {
		v, _ := envValue(c, name)
		return v
	}

	t.Run("shared env", func(t *testing.T) {
		cs := deployments(t, "alias-shared-env")[0].Spec.Template.Spec.Containers
		for _, c := range cs {
			if got, want := env(c, "DD_EXTERNAL_ENV"), "it-false,cn-"+c.Name+",pu-$(DD_INTERNAL_POD_UID)"; got != want {
				t.Errorf("%s: DD_EXTERNAL_ENV %q, want %q", c.Name, got, want)
			}
			if got := env(c, "PYTHONPATH"); got != "/datadog-lib/:/app" {
				t.Errorf("%s: PYTHONPATH %q, want the library first, once, then /app", c.Name, got)
			}
		}
		if got := env(cs[0], "LOG_LEVEL") + env(cs[1], "LOG_LEVEL"); got != "infoinfo" {
			t.Errorf("LOG_LEVEL is not kept in app and worker: %q", got)
		}
	})
	t.Run("merge keys", func(t *testing.T) {
		cs := deployments(t, "alias-merge-keys")[0].Spec.Template.Spec.Containers
		if cs[1].Name != "sidecar" || cs[1].Image != "example/sidecar:1" {
			t.Fatalf("the sidecar's own keys no longer win over the merged ones: %s %s", cs[1].Name, cs[1].Image)
		}
		for _, c := range cs {
			if env(c, "MODE") != "base" || env(c, "DD_ENV") != "staging" || env(c, "DD_TRACE_AGENT_URL") != "unix:///var/run/datadog/apm.socket" {
				t.Errorf("%s: env %v", c.Name, c.Env)
			}
			if want := "it-false,cn-" + c.Name + ",pu-$(DD_INTERNAL_POD_UID)"; env(c, "DD_EXTERNAL_ENV") != want {
				t.Errorf("%s: DD_EXTERNAL_ENV %q, want %q", c.Name, env(c, "DD_EXTERNAL_ENV"), want)
			}
			paths := map[string]string{}
			for _, m := range c.VolumeMounts {
				paths[m.MountPath] = m.Name
			}
			if paths["/data"] != "data" || paths["/var/run/datadog"] != "datadog" {
				t.Errorf("%s: mounts %v", c.Name, c.VolumeMounts)
			}
		}
	})
	t.Run("labels and names", func(t *testing.T) {
		c := deployments(t, "alias-labels")[0].Spec.Template.Spec.Containers[0]
		if env(c, "DD_ENV") != "prod" || env(c, "DD_SERVICE") != "webhook" {
			t.Errorf("tags through the aliased labels: DD_ENV %q DD_SERVICE %q", env(c, "DD_ENV"), env(c, "DD_SERVICE"))
		}
		c = deployments(t, "alias-container-name")[0].Spec.Template.Spec.Containers[0]
		if c.Name != "foo" || env(c, "DD_SERVICE") != "foo" || env(c, "DD_EXTERNAL_ENV") != "it-false,cn-foo,pu-$(DD_INTERNAL_POD_UID)" {
			t.Errorf("the aliased name: %s %v", c.Name, c.Env)
		}
	})
	t.Run("across items", func(t *testing.T) {
		ds := deployments(t, "alias-across-items")
		if _, ok := envValue(ds[0].Spec.Template.Spec.Containers[0], "DD_AGENT_HOST"); !ok {
			t.Errorf("the first Deployment was not mutated")
		}
		if len(ds[1].Spec.Template.Spec.Containers[0].Env) != 0 {
			t.Errorf("the second Deployment (enabled: false) got the first one's variables through the shared list")
		}
	})
}
