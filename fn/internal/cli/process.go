// Package cli is the command: it reads the ResourceList from stdin, runs the transform, writes the
// ResourceList to stdout and every error and warning to stderr, and sets the exit code.
package cli

import (
	"bytes"
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/config"
	"inject-datadog/fn/internal/inject"
	"inject-datadog/fn/internal/krm"
)

// Process is the whole function, bytes in and bytes out. err means the input could not be read as
// a ResourceList, and there is no output. Otherwise out is the ResourceList to print: when any
// result is an error, its items are the input's, unchanged, so that nothing half-done escapes.
func Process(in []byte) (out []byte, rs krm.Results, err error) {
	rl, err := krm.Read(in)
	if err != nil {
		return nil, nil, err
	}
	rs = append(rs, rl.Problems...)
	var fc *yaml.Node
	if rl.FunctionConfig != nil {
		fc = rl.FunctionConfig.Node
	}
	cfg, cerrs := config.Parse(fc)
	for _, e := range cerrs {
		rs.Errorf(rl.FunctionConfig, e.Field, "%s", e.Message)
	}
	var summary *inject.Summary
	if cfg != nil {
		runResults, sum := inject.New(cfg).Run(rl.Items)
		rs, summary = append(rs, runResults...), &sum
	}
	rolledBack := rs.HasErrors()
	if summary != nil {
		rs.Infof("%s", summary.Message(rolledBack))
	}
	if rolledBack {
		// Start again from the input: the items go out exactly as they came in.
		if rl, err = krm.Read(in); err != nil {
			return nil, nil, fmt.Errorf("re-reading the input: %w", err)
		}
	}
	var buf bytes.Buffer
	if err := rl.Write(&buf, rs); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), rs, nil
}
