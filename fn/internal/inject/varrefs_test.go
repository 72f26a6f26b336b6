package inject

import (
	"reflect"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// TestVarRefNames checks the grammar against the cases of Kubernetes' own expansion tests
// (third_party/forked/golang/expansion/expand_test.go): a name is listed when the kubelet would
// look it up.
func TestVarRefNames(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"plain", nil},
		{"$(A)", []string{"A"}},
		{"$(A)-$(A)", []string{"A"}},
		{"___$(B)___$(C)", []string{"B", "C"}},
		{"$(A)_$(B)_$(C)", []string{"A", "B", "C"}},
		{"$$(B)_$(A)", []string{"A"}},
		{"$$(A)_$$(B)", nil},
		{"$$$(A)", []string{"A"}},
		{"$$$$(A)", nil},
		{"$$$$$$(BIG_MONEY)", nil},
		{"$$$$$$$(GOOD_ODDS)", []string{"GOOD_ODDS"}},
		{"f000-$$VAR_A", nil},
		{`foo\$(C)bar`, []string{"C"}},                 // a backslash escapes nothing
		{"$(VAR_A$(VAR_B))", []string{"VAR_A$(VAR_B"}}, // the name runs to the first ")"
		{"$(VAR_A$(VAR_B)", []string{"VAR_A$(VAR_B"}},
		{"$(foo$$var)", []string{"foo$$var"}},
		{"foo$(VAR_Awhoops!", nil},
		{"$(B)_______$(A", []string{"B"}},
		{"$(C)_______$(", []string{"C"}},
		{"--$($($($($--", nil},
		{"$($(A", nil},
		{"$()", nil},
		{"$()$(A)", []string{"A"}},
		{"$(A)foobarzab$", []string{"A"}},
		{"$", nil},
		{"$?_boo_$!", nil},
		{"$VAR_A", nil},
		{"$VAR_A)", nil},
		{"${VAR_A}", nil},
		{"f00__(VAR_A)__", nil},
		{"$a$(B)", []string{"B"}}, // "$a" is literal and consumes the "a" only
		{"$é$(B)", []string{"B"}},
		{"$(my.var-1)", []string{"my.var-1"}},
		{"echo $(date +%s)", []string{"date +%s"}},
	}
	for _, tt := range tests {
		if got := varRefNames(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("varRefNames(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// varRefContainer parses src and returns the container: the document itself, or its "container"
// key when it has one (for the tests whose anchors live elsewhere in the document).
func varRefContainer(t *testing.T, src string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	root := doc.Content[0]
	if c := yamltree.Get(root, "container"); c != nil {
		return c
	}
	return root
}

func TestCheckVarRefs(t *testing.T) {
	type p = varRefProblem
	tests := []struct {
		name string
		src  string
		want []varRefProblem
	}{
		{"no env", `name: app`, nil},
		{"earlier", `
env:
- {name: A, value: x}
- {name: B, value: $(A)}`, nil},
		{"later", `
env:
- {name: DD_EXTERNAL_ENV, value: "p-$(DD_INTERNAL_POD_UID)"}
- {name: DD_INTERNAL_POD_UID, value: x}`,
			[]p{{"env[0].value", "DD_EXTERNAL_ENV", "DD_INTERNAL_POD_UID", true}}},
		{"nowhere", `
env:
- {name: A, value: x}
- {name: B, value: $(X)}`,
			[]p{{"env[1].value", "B", "X", false}}},
		{"self is not visible in its own value", `
env:
- {name: A, value: "$(A):x"}`,
			[]p{{"env[0].value", "A", "A", true}}},
		{"self after an earlier definition of the same name", `
env:
- {name: A, value: x}
- {name: A, value: "$(A):y"}`, nil},
		{"a duplicate counts at its first entry", `
env:
- {name: B, value: $(A)}
- {name: A, value: "1"}
- {name: C, value: $(A)}
- {name: A, value: "2"}`,
			[]p{{"env[0].value", "B", "A", true}}},
		{"escape", `
env:
- {name: B, value: "$$(A) $$(X)"}
- {name: A, value: x}`, nil},
		{"escape then reference", `
env:
- {name: B, value: "$$$(A) $$$(X)"}
- {name: A, value: x}`,
			[]p{{"env[0].value", "B", "A", true}, {"env[0].value", "B", "X", false}}},
		{"unterminated", `
env:
- {name: B, value: "$(X"}
- {name: C, value: "$(A) $(X"}
- {name: A, value: x}`,
			[]p{{"env[1].value", "C", "A", true}}},
		{"empty name", `
env:
- {name: B, value: "$()"}
args: ["$()"]`, nil},
		{"names with dots and dashes", `
env:
- {name: B, value: "$(my.var-1)/$(other.var-2)"}
- {name: my.var-1, value: x}`,
			[]p{{"env[0].value", "B", "my.var-1", true}, {"env[0].value", "B", "other.var-2", false}}},
		{"a relaxed name defined later", `
env:
- {name: B, value: "$(my var)"}
- {name: my var, value: x}`,
			[]p{{"env[0].value", "B", "my var", true}}},
		{"shell command substitution is not a variable", `
command: [sh, -c, 'echo $(date +%s) $(cat /etc/hostname)']`, nil},
		{"multiple references in one value", `
env:
- {name: E, value: x}
- {name: B, value: "$(A)-$(X)-$(E)-$(A)-$(Y)"}
- {name: A, value: x}`,
			[]p{{"env[1].value", "B", "A", true}, {"env[1].value", "B", "X", false}, {"env[1].value", "B", "Y", false}}},
		{"command and args see every variable", `
env:
- {name: A, value: x}
- {name: HOST, value: h}
command: [/app, "--port=$(PORT)", "--a=$(A)"]
args: ["$(HOST):$(MISSING)", "$$(ESCAPED)", "$(HOST)"]`,
			[]p{{"command[1]", "", "PORT", false}, {"args[0]", "", "MISSING", false}}},
		{"document order: env, command, args", `
args: ["$(Z)"]
command: ["$(Y)"]
env:
- {name: B, value: $(X)}`,
			[]p{{"env[0].value", "B", "X", false}, {"command[0]", "", "Y", false}, {"args[0]", "", "Z", false}}},
		{"envFrom suppresses nowhere, not later", `
envFrom:
- configMapRef: {name: cm}
env:
- {name: B, value: $(X)}
- {name: C, value: $(D)}
- {name: D, value: x}
args: ["$(Y)"]`,
			[]p{{"env[1].value", "C", "D", true}}},
		{"envFrom: a variable may extend the value envFrom gives it", `
envFrom:
- secretRef: {name: s}
env:
- {name: PATH, value: "$(PATH):/opt/bin"}`, nil},
		{"an empty envFrom defines nothing", `
envFrom: []
env:
- {name: B, value: $(X)}`,
			[]p{{"env[0].value", "B", "X", false}}},
		{"service link variables", `
env:
- {name: URL, value: "https://$(KUBERNETES_SERVICE_HOST):$(KUBERNETES_SERVICE_PORT_HTTPS)"}
args: ["$(REDIS_PORT_6379_TCP_ADDR)", "$(REDIS_SERVICE_PORT_CLIENT)", "$(DD_AGENT_HOST)"]`,
			[]p{{"args[2]", "", "DD_AGENT_HOST", false}}},
		{"valueFrom entries", `
env:
- {name: B, value: $(A)}
- name: A
  valueFrom: {fieldRef: {fieldPath: metadata.uid}}
- {name: C, value: $(A)}
- name: D
  valueFrom: {secretKeyRef: {name: s, key: "$(X)"}}`,
			[]p{{"env[0].value", "B", "A", true}}},
		{"non-string values hold no references", `
env:
- {name: A, value: 8080}
- {name: B, value: ["$(X)"]}
- {name: C, value: {x: $(X)}}
command: [1, {x: $(X)}, ["$(X)"]]`, nil},
		{"entries without a name are skipped", `
env:
- {value: $(X)}
- {name: "", value: $(X)}
- "$(X)"`, nil},
		{"aliases and merge keys", `
defs:
  later: &later {name: L, value: y}
  base: &base {name: BASE, value: "$(L)"}
  cmd: &cmd "$(L)/$(Q)"
  args: &args ["$(R)", *cmd]
container:
  name: app
  env:
  - {name: B, value: $(L)}
  - *later
  - <<: *base
  - <<: *base
    name: C
  - <<: *later
    name: M
    value: "$(M2)"
  command: [*cmd]
  args: *args`,
			[]p{
				{"env[0].value", "B", "L", true},
				{"env[4].value", "M", "M2", false},
				{"command[0]", "", "Q", false},
				{"args[0]", "", "R", false},
				{"args[1]", "", "Q", false},
			}},
		{"the env list and the container through aliases", `
defs:
  env: &env
  - {name: B, value: "$(A)"}
  - {name: A, value: "$(X)"}
  c: &c
    name: app
    env: *env
container: *c`,
			[]p{{"env[0].value", "B", "A", true}, {"env[1].value", "A", "X", false}}},
		{"envFrom through a merge key", `
defs:
  from: &from
    envFrom: [{configMapRef: {name: cm}}]
container:
  <<: *from
  env:
  - {name: B, value: $(X)}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checkVarRefs(varRefContainer(t, tt.src))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("checkVarRefs:\n got  %+v\n want %+v", got, tt.want)
			}
		})
	}
}

func TestVarRefMessage(t *testing.T) {
	tests := []struct {
		p    varRefProblem
		want string
	}{
		{varRefProblem{"env[3].value", "DD_EXTERNAL_ENV", "DD_INTERNAL_POD_UID", true},
			`container "app": env DD_EXTERNAL_ENV refers to $(DD_INTERNAL_POD_UID), which is defined later in the env list: Kubernetes leaves it unexpanded`},
		{varRefProblem{"env[0].value", "A", "A", true},
			`container "app": env A refers to $(A), its own name, which is not defined yet in its own value: Kubernetes leaves it unexpanded`},
		{varRefProblem{"env[1].value", "B", "X", false},
			`container "app": env B refers to $(X), which the container does not define: Kubernetes leaves it unexpanded`},
		{varRefProblem{"args[0]", "", "PORT", false},
			`container "app": args[0] refers to $(PORT), which the container does not define: Kubernetes leaves it unexpanded`},
		{varRefProblem{"command[2]", "", "PORT", false},
			`container "app": command[2] refers to $(PORT), which the container does not define: Kubernetes leaves it unexpanded`},
		{varRefProblem{"env[0].value", "B\nC", "my var", true},
			`container "app": env "B\nC" refers to $(my var), which is defined later in the env list: Kubernetes leaves it unexpanded`},
	}
	for _, tt := range tests {
		if got := tt.p.message("app"); got != tt.want {
			t.Errorf("message:\n got  %s\n want %s", got, tt.want)
		}
	}
}
