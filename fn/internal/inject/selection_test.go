package inject

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/config"
	"inject-datadog/fn/internal/krm"
	"inject-datadog/fn/internal/podtemplate"
)

// template builds a Deployment's pod template in namespace ns, with the enabled label set to
// label on the template unless label is "-".
func template(t *testing.T, ns, label string) *podtemplate.Template {
	t.Helper()
	src := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n"
	if ns != "" {
		src += "  namespace: " + ns + "\n"
	}
	src += "spec:\n  template:\n    metadata:\n      labels:\n        app: d\n"
	if label != "-" {
		src += "        admission.datadoghq.com/enabled: \"" + label + "\"\n"
	}
	src += "    spec:\n      containers:\n      - name: c\n"
	var d yaml.Node
	if err := yaml.Unmarshal([]byte(src), &d); err != nil {
		t.Fatal(err)
	}
	tpl, _, err := podtemplate.NewKinds(nil).Find(&krm.Object{Node: d.Content[0]})
	if err != nil || tpl == nil {
		t.Fatalf("no template: %v", err)
	}
	return tpl
}

func TestSelection(t *testing.T) {
	type cfg struct {
		unlabelled        bool
		enabled, disabled []string
		inject            []string
		agentNamespace    string
	}
	tests := []struct {
		name  string
		cfg   cfg
		ns    string
		label string
		want  route
		warns int
	}{
		{"label true", cfg{}, "apps", "true", byLabel, 0},
		{"label true in kube-system", cfg{}, "kube-system", "true", byLabel, 0},
		{"label true in a disabled namespace", cfg{disabled: []string{"apps"}}, "apps", "true", byLabel, 0},
		{"label false beats mutateUnlabelled", cfg{unlabelled: true}, "apps", "false", notSelected, 0},
		{"label false beats an enabled namespace", cfg{enabled: []string{"apps"}}, "apps", "false", notSelected, 0},
		{"label other value warns and counts as absent", cfg{}, "apps", "True", notSelected, 1},
		{"label other value with mutateUnlabelled", cfg{unlabelled: true}, "apps", "yes", byMutateUnlabelled, 1},
		{"unlabelled by default", cfg{}, "apps", "-", notSelected, 0},
		{"mutateUnlabelled", cfg{unlabelled: true}, "apps", "-", byMutateUnlabelled, 0},
		{"mutateUnlabelled, no namespace means default", cfg{unlabelled: true}, "", "-", byMutateUnlabelled, 0},
		{"mutateUnlabelled skips kube-system", cfg{unlabelled: true}, "kube-system", "-", notSelected, 0},
		{"mutateUnlabelled skips the agent namespace", cfg{unlabelled: true}, "datadog", "-", notSelected, 0},
		{"mutateUnlabelled skips a configured agent namespace", cfg{unlabelled: true, agentNamespace: "monitoring"}, "monitoring", "-", notSelected, 0},
		{"mutateUnlabelled, datadog is not special when the agent is elsewhere", cfg{unlabelled: true, agentNamespace: "monitoring"}, "datadog", "-", byMutateUnlabelled, 0},
		{"mutateUnlabelled skips a disabled namespace", cfg{unlabelled: true, disabled: []string{"apps"}}, "apps", "-", notSelected, 0},
		{"enabled namespace", cfg{enabled: []string{"apps"}}, "apps", "-", byEnabledNamespace, 0},
		{"enabled namespace can be kube-system", cfg{enabled: []string{"kube-system"}}, "kube-system", "-", byEnabledNamespace, 0},
		{"enabled namespace default", cfg{enabled: []string{"default"}}, "", "-", byEnabledNamespace, 0},
		{"not an enabled namespace", cfg{enabled: []string{"apps"}}, "web", "-", notSelected, 0},
		{"single step", cfg{inject: []string{"python"}}, "apps", "-", bySingleStep, 0},
		{"single step skips kube-system", cfg{inject: []string{"python"}}, "kube-system", "-", notSelected, 0},
		{"single step skips the agent namespace", cfg{inject: []string{"python"}}, "datadog", "-", notSelected, 0},
		{"single step skips a disabled namespace", cfg{inject: []string{"python"}, disabled: []string{"apps"}}, "apps", "-", notSelected, 0},
		{"single step limited to enabled namespaces", cfg{inject: []string{"python"}, enabled: []string{"apps"}}, "web", "-", notSelected, 0},
		{"single step in an enabled namespace", cfg{inject: []string{"python"}, enabled: []string{"apps"}}, "apps", "-", byEnabledNamespace, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := config.Default()
			c.Selection = config.Selection{MutateUnlabelled: tt.cfg.unlabelled, EnabledNamespaces: tt.cfg.enabled, DisabledNamespaces: tt.cfg.disabled}
			c.Libraries.Inject = tt.cfg.inject
			if tt.cfg.agentNamespace != "" {
				c.AgentNamespace = tt.cfg.agentNamespace
			}
			warns := 0
			got, _, err := New(c).selectTemplate(template(t, tt.ns, tt.label), func(string, string, ...any) { warns++ })
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want || warns != tt.warns {
				t.Errorf("route %d with %d warnings, want %d with %d", got, warns, tt.want, tt.warns)
			}
		})
	}
}
