package inject

import (
	"fmt"
	"strings"
)

// Summary describes the pod templates of the output, for the one info result that ends the run.
// It counts what the output holds, not what the run changed, so that a render of an already
// rendered bundle reports the same (kpt keeps the results in the Kptfile: docs/configuration.md "Results and errors").
type Summary struct {
	Templates, Instrumented, NotSelected, Failed int
	// NoTemplate counts the workloads whose template path is absent (a Rollout with workloadRef).
	NoTemplate int
	// Libraries counts the instrumented templates that carry each language's library.
	Libraries map[string]int
	// Targets counts the templates each Single Step target chose the libraries of; targetOrder
	// lists the targets in the config's order.
	Targets     map[string]int
	targetOrder []string
	// Images are the images of the injected init containers the output's templates hold.
	Images map[string]bool
	// Orphans counts, in remove mode, the templates left alone: they carry injected parts
	// without a record of them.
	Orphans int
	// removal says the run was in remove mode.
	removal bool
}

// Message is the summary's text; rolledBack says the output carries the input unchanged.
func (s Summary) Message(rolledBack bool) string {
	noun := "pod templates"
	if s.Templates == 1 {
		noun = "pod template"
	}
	if s.removal {
		msg := fmt.Sprintf("inject-datadog: %d %s; removal: none carries a record of inject-datadog's additions", s.Templates, noun)
		if s.Orphans > 0 {
			msg += fmt.Sprintf("; %d left alone, carrying injected parts without a record", s.Orphans)
		}
		if rolledBack {
			msg += "; because of the errors, every item is written back unchanged"
		}
		return msg
	}
	msg := fmt.Sprintf("inject-datadog: %d %s: %d instrumented, %d not selected, %d failed",
		s.Templates, noun, s.Instrumented, s.NotSelected, s.Failed)
	var libs []string
	for _, l := range languages {
		if n := s.Libraries[l.name]; n > 0 {
			libs = append(libs, fmt.Sprintf("%s %d", l.name, n))
		}
	}
	if len(libs) == 0 {
		libs = []string{"none"}
	}
	msg += "; libraries: " + strings.Join(libs, ", ")
	var targets []string
	for _, name := range s.targetOrder {
		if n := s.Targets[name]; n > 0 {
			targets = append(targets, fmt.Sprintf("%q %d", name, n))
		}
	}
	if len(targets) > 0 {
		msg += "; targets: " + strings.Join(targets, ", ")
	}
	if s.NoTemplate == 1 {
		msg += "; 1 workload without a pod template passed through"
	} else if s.NoTemplate > 1 {
		msg += fmt.Sprintf("; %d workloads without a pod template passed through", s.NoTemplate)
	}
	if rolledBack {
		msg += "; because of the errors, every item is written back unchanged"
	}
	return msg
}
