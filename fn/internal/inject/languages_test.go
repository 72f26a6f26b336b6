package inject

import (
	"testing"

	"inject-datadog/fn/internal/config"
)

func TestLanguageTableMatchesConfig(t *testing.T) {
	if len(languages) != len(config.Languages) {
		t.Fatalf("%d languages in the table, %d in config", len(languages), len(config.Languages))
	}
	for i, l := range languages {
		if l.name != config.Languages[i] {
			t.Errorf("language %d is %s in the table, %s in config", i, l.name, config.Languages[i])
		}
		if _, ok := config.Default().Libraries.Versions[l.name]; !ok {
			t.Errorf("%s has no default version", l.name)
		}
	}
}

func TestMergeRules(t *testing.T) {
	java, _ := languageNamed("java")
	python, _ := languageNamed("python")
	dotnet, _ := languageNamed("dotnet")
	agent := java.env[0].value
	tests := []struct {
		name     string
		v        langVar
		existing string
		want     string
		change   bool
	}{
		{"java absent", java.env[0], "", agent, true},
		{"java appended", java.env[0], "-Xmx1g", "-Xmx1g" + agent, true},
		{"java already there", java.env[0], "-Xmx1g" + agent, "-Xmx1g" + agent, false},
		{"java alone already there", java.env[0], agent, agent, false},
		{"python absent", python.env[0], "", "/datadog-lib/", true},
		{"python prepended", python.env[0], "/app", "/datadog-lib/:/app", true},
		{"python already first", python.env[0], "/datadog-lib/:/app", "/datadog-lib/:/app", false},
		{"python exactly", python.env[0], "/datadog-lib/", "/datadog-lib/", false},
		{"dotnet replaced", dotnet.env[0], "0", "1", true},
		{"dotnet same", dotnet.env[0], "1", "1", false},
	}
	for _, tt := range tests {
		got, change := tt.v.merged(tt.existing)
		if got != tt.want || change != tt.change {
			t.Errorf("%s: got %q (change %v), want %q (change %v)", tt.name, got, change, tt.want, tt.change)
		}
	}
}
