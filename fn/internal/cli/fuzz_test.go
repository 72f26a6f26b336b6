package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/config"
	"inject-datadog/fn/internal/inject"
	"inject-datadog/fn/internal/krm"
)

// seedGolden adds every golden case's input to the fuzz corpus.
func seedGolden(f *testing.F) [][]byte {
	var inputs [][]byte
	for _, c := range goldenCases(f) {
		in := goldenInput(f, c.dir)
		f.Add(in)
		inputs = append(inputs, in)
	}
	return inputs
}

// FuzzProcess feeds arbitrary bytes to the whole function and checks its promises: no panic; an
// output that parses, with the same resources in the same order; with an error, the items
// unchanged; without one, a second run that changes nothing; the same bytes every time.
func FuzzProcess(f *testing.F) {
	seedGolden(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		out, rs, err := process(in)
		if err != nil {
			return // not a ResourceList: reported, nothing written
		}
		before, err := krm.Read(in)
		if err != nil {
			t.Fatalf("Process accepted input that Read refuses: %v", err)
		}
		after, err := krm.Read(out)
		if err != nil {
			t.Fatalf("the output does not parse: %v\n%s", err, out)
		}
		if !slices.Equal(identities(before), identities(after)) {
			t.Fatalf("resources changed:\n in %v\nout %v", identities(before), identities(after))
		}
		if rs.HasErrors() {
			// go-yaml may move a comment when it writes a document again; the data must not move.
			if itemsData(t, string(in)) != itemsData(t, string(out)) {
				t.Fatalf("an error was reported but the items changed")
			}
		} else {
			again, rs2, err := process(withoutResults(t, string(out)))
			if err != nil || rs2.HasErrors() {
				t.Fatalf("the output, run again, failed: %v %v", err, rs2)
			}
			// go-yaml alone does not always write a document back the same way twice: it moves
			// some comments (after duplicate keys, at the end of a list). Where it does not hold
			// still, only the data is compared.
			first, second := itemsOf(t, string(out)), itemsOf(t, string(again))
			if !roundTripsStably(in) {
				first, second = itemsData(t, string(out)), itemsData(t, string(again))
			}
			if first != second {
				t.Fatalf("not idempotent:\n%s", diffLines(first, second))
			}
		}
		out2, _, _ := process(in)
		if !bytes.Equal(out, out2) {
			t.Fatalf("two runs gave different output")
		}
	})
}

// FuzzConfig feeds arbitrary functionConfigs to the parser, then runs each accepted one over the
// golden inputs: no panic, and a config that parses gives a run that is idempotent.
func FuzzConfig(f *testing.F) {
	samples, _ := filepath.Glob("../../../config/samples/*.yaml")
	configs, _ := filepath.Glob("testdata/golden/*/fnconfig.yaml")
	for _, p := range append(samples, configs...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	inputs := [][]byte{goldenInput(f, "testdata/golden/lib-multi-container-user-init"), goldenInput(f, "testdata/golden/mode-label")}
	f.Fuzz(func(t *testing.T, cfgText []byte) {
		var doc yaml.Node
		if yaml.Unmarshal(cfgText, &doc) != nil || len(doc.Content) != 1 {
			return
		}
		cfg, errs := config.Parse(doc.Content[0])
		if (cfg == nil) == (len(errs) == 0) {
			t.Fatalf("Parse returned config %v with %d errors", cfg != nil, len(errs))
		}
		if cfg == nil {
			return
		}
		for _, in := range inputs {
			rl, err := krm.Read(in)
			if err != nil {
				t.Fatal(err)
			}
			rs, _ := transform(cfg, rl.Items)
			if rs.HasErrors() {
				continue
			}
			var first bytes.Buffer
			if err := rl.Write(&first, nil); err != nil {
				t.Fatal(err)
			}
			rl2, _ := krm.Read(first.Bytes())
			transform(cfg, rl2.Items)
			var second bytes.Buffer
			_ = rl2.Write(&second, nil)
			if !bytes.Equal(first.Bytes(), second.Bytes()) {
				t.Fatalf("not idempotent under this config:\n%s", diffLines(first.String(), second.String()))
			}
		}
	})
}

// transform runs a fresh transformer over items, in place, and returns its results and summary.
func transform(cfg *config.Config, items []*krm.Object) (krm.Results, inject.Summary) {
	tr := inject.New(cfg)
	tr.SetNamespaces(items)
	var rs krm.Results
	for _, o := range items {
		r, _ := tr.Object(o)
		rs = append(rs, r...)
	}
	return rs, tr.Summary()
}

// identities lists "apiVersion/kind/namespace/name" of every item.
func identities(rl *krm.ResourceList) []string {
	ids := make([]string, 0, len(rl.Items))
	for _, o := range rl.Items {
		ids = append(ids, strings.Join([]string{o.APIVersion(), o.Kind(), o.Namespace(), o.Name()}, "/"))
	}
	return ids
}

// roundTripsStably reports whether go-yaml, reading and writing in twice with no change, writes
// the same text both times.
func roundTripsStably(in []byte) bool {
	once, ok := roundTrip(in)
	if !ok {
		return false
	}
	twice, ok := roundTrip(once)
	return ok && bytes.Equal(once, twice)
}

func roundTrip(in []byte) ([]byte, bool) {
	var d yaml.Node
	if err := yaml.Unmarshal(in, &d); err != nil {
		return nil, false
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	if enc.Encode(&d) != nil || enc.Close() != nil {
		return nil, false
	}
	return b.Bytes(), true
}
