// Package cli is the command: it reads the ResourceList from stdin, runs the transform, writes the
// ResourceList to stdout and every error and warning to stderr, and sets the exit code.
package cli

import (
	"bytes"
	"fmt"
	"io"
	"runtime"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/config"
	"inject-datadog/fn/internal/inject"
	"inject-datadog/fn/internal/krm"
)

// Process is the whole function, bytes in and bytes out. err means the input could not be read as
// a ResourceList, and there is no output. Otherwise out is the ResourceList to print: when any
// result is an error, its items are the input's, unchanged, so that nothing half-done escapes.
//
// Inputs in the plain shape that kustomize and kpt write go item by item (processSplit), which
// takes a fraction of the memory; the rest, and every run that reports an error, go through the
// whole document (processWhole). Both give the same bytes.
func Process(in []byte) (out []byte, rs krm.Results, err error) {
	var buf bytes.Buffer
	rs, err = ProcessTo(in, &buf)
	if err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), rs, nil
}

// ProcessTo is Process writing to w, which saves a copy of the output. Nothing is written when
// err is not nil, nor before the run is over: w receives a whole ResourceList or nothing.
func ProcessTo(in []byte, w io.Writer) (krm.Results, error) {
	rs, ok, err := processSplit(in, w)
	if ok || err != nil {
		return rs, err
	}
	out, rs, err := processWhole(in)
	if err != nil {
		return nil, err
	}
	_, err = w.Write(out)
	return rs, err
}

// processWhole reads, mutates and writes the ResourceList as one YAML document.
func processWhole(in []byte) (out []byte, rs krm.Results, err error) {
	rl, err := krm.Read(in)
	if err != nil {
		return nil, nil, err
	}
	rs = append(rs, rl.Problems...)
	cfg, cerrs := parseConfig(rl.FunctionConfig)
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

// processSplit mutates the items and writes them to w; ok is false, and nothing is written, when
// the input is not in the plain shape or the run reports an error (the whole-document path then
// redoes it). err is a failure to write. The items are independent, so they are read, mutated and
// written on every core; they are collected in input order, which keeps the output the same.
func processSplit(in []byte, w io.Writer) (rs krm.Results, ok bool, err error) {
	s, ok := krm.SplitResourceList(in)
	if !ok {
		return nil, false, nil
	}
	cfg, cerrs := parseConfig(s.FunctionConfig)
	if len(cerrs) > 0 {
		return nil, false, nil
	}
	tr := inject.New(cfg)
	// Namespaces first: a restricted one changes the templates in it, wherever they come.
	var namespaces []*krm.Object
	var text bytes.Buffer
	for i := 0; i < s.Len(); i++ {
		if t := s.ItemText(i, &text); bytes.Contains(t, []byte("Namespace")) {
			o, _, err := krm.ReadItem(t)
			if err != nil {
				return nil, false, nil
			}
			namespaces = append(namespaces, o)
		}
	}
	tr.SetNamespaces(namespaces)

	var items krm.ItemWriter
	ok = true
	for r := range mutateItems(s, tr) {
		switch {
		case !ok:
		case r.failed:
			ok = false // not in the plain shape after all: the whole-document path decides
		default:
			rs = append(rs, r.results...)
			ok = !rs.HasErrors()
			items.Append(r.text)
		}
	}
	if !ok {
		return nil, false, nil
	}
	rs.Infof("%s", tr.Summary().Message(false))
	ok, err = s.Output(w, &items, rs)
	return rs, ok, err
}

// itemResult is one item, mutated and written.
type itemResult struct {
	text    []byte
	results krm.Results
	failed  bool
}

// mutateItems runs the items through the transformer on every core and yields them in input
// order. At most a few items per worker wait to be collected, so memory stays flat.
func mutateItems(s *krm.Split, tr *inject.Transformer) <-chan itemResult {
	workers := runtime.GOMAXPROCS(0)
	type job struct {
		i   int
		out chan itemResult
	}
	jobs := make(chan job)
	ordered := make(chan chan itemResult, 4*workers)
	go func() {
		for i := 0; i < s.Len(); i++ {
			out := make(chan itemResult, 1)
			ordered <- out
			jobs <- job{i, out}
		}
		close(jobs)
		close(ordered)
	}()
	for range workers {
		go func() {
			var text, tmp bytes.Buffer
			for j := range jobs {
				o, doc, err := krm.ReadItem(s.ItemText(j.i, &text))
				if err != nil {
					j.out <- itemResult{failed: true}
					continue
				}
				r := itemResult{results: tr.Object(o)}
				var out bytes.Buffer
				if err := krm.WriteItem(doc, &out, &tmp); err != nil {
					r.failed = true
				}
				r.text = out.Bytes()
				j.out <- r
			}
		}()
	}
	results := make(chan itemResult)
	go func() {
		for out := range ordered {
			results <- <-out
		}
		close(results)
	}()
	return results
}

func parseConfig(fc *krm.Object) (*config.Config, []config.Error) {
	var n *yaml.Node
	if fc != nil {
		n = fc.Node
	}
	return config.Parse(n)
}
