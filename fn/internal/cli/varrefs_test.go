package cli

import (
	"strings"
	"testing"
)

// The function never creates a $(VAR) reference Kubernetes would leave unexpanded: every golden
// output is free of them, but in the case that writes them on purpose, and there every warning
// is about a variable of the user's (docs/ci.md "$(VAR) safety").
func TestNoUnexpandedReferencesCreated(t *testing.T) {
	const warning = "Kubernetes leaves it unexpanded"
	seen := 0
	for _, c := range goldenCases(t) {
		_, stderr, _ := run(goldenInput(t, c.dir))
		for _, line := range strings.Split(stderr, "\n") {
			if !strings.Contains(line, warning) {
				continue
			}
			seen++
			if c.name != "varrefs" {
				t.Errorf("%s: %s", c.name, line)
				continue
			}
			for _, injected := range []string{"env DD_", "env PYTHONPATH", "env JAVA_TOOL_OPTIONS", "env LD_PRELOAD"} {
				if strings.Contains(line, injected) {
					t.Errorf("%s: an injected variable holds an unexpanded reference: %s", c.name, line)
				}
			}
		}
	}
	if seen != 3 {
		t.Errorf("the varrefs case gave %d warnings, want its 3 (GREETING, LOG_DIR, args[0])", seen)
	}
}
