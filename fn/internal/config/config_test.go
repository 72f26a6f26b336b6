package config

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func parseYAML(t *testing.T, s string) *yaml.Node {
	t.Helper()
	var d yaml.Node
	if err := yaml.Unmarshal([]byte(s), &d); err != nil {
		t.Fatal(err)
	}
	return d.Content[0]
}

func TestSamplesParse(t *testing.T) {
	samples, _ := filepath.Glob("../../../config/samples/*.yaml")
	if len(samples) == 0 {
		t.Fatal("no samples found in config/samples")
	}
	for _, s := range samples {
		t.Run(filepath.Base(s), func(t *testing.T) {
			b, err := os.ReadFile(s)
			if err != nil {
				t.Fatal(err)
			}
			c, errs := Parse(parseYAML(t, string(b)))
			if len(errs) > 0 {
				t.Fatalf("the sample does not parse: %v", errs)
			}
			if filepath.Base(s) == "defaults.yaml" && !reflect.DeepEqual(c, Default()) {
				t.Errorf("defaults.yaml differs from the defaults:\n got %+v\nwant %+v", c, Default())
			}
		})
	}
}

// schemaLeaves walks the schema's properties into dotted leaf paths, with each leaf's schema.
func schemaLeaves(prefix string, props map[string]any, out map[string]map[string]any) {
	for k, v := range props {
		p := k
		if prefix != "" {
			p = prefix + "." + k
		}
		s := v.(map[string]any)
		if sub, ok := s["properties"].(map[string]any); ok {
			schemaLeaves(p, sub, out)
			continue
		}
		out[p] = s
	}
}

func TestSchemaMatchesCode(t *testing.T) {
	b, err := os.ReadFile("../../../config/inject-datadog.schema.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := yaml.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	leaves := map[string]map[string]any{}
	schemaLeaves("", schema["properties"].(map[string]any), leaves)
	for _, meta := range []string{"apiVersion", "kind", "metadata"} {
		delete(leaves, meta)
	}
	var inSchema []string
	for p := range leaves {
		inSchema = append(inSchema, p)
	}
	sort.Strings(inSchema)
	inCode := Paths()
	sort.Strings(inCode)
	if !slices.Equal(inSchema, inCode) {
		t.Errorf("schema fields differ from the code's:\nschema %v\ncode   %v", inSchema, inCode)
	}

	enums := map[string][]string{"config.mode": Modes, "libraries.method": Methods}
	for p, want := range enums {
		if got := strs(leaves[p]["enum"]); !slices.Equal(got, want) {
			t.Errorf("%s enum: schema %v, code %v", p, got, want)
		}
	}
	items := leaves["libraries.inject"]["items"].(map[string]any)
	if got := strs(items["enum"]); !slices.Equal(got, Languages) {
		t.Errorf("libraries.inject enum: schema %v, code %v", got, Languages)
	}

	// An object holding every schema default parses to the code's defaults.
	obj := map[string]any{"apiVersion": APIVersion, "kind": Kind}
	for _, p := range inCode {
		if d, ok := leaves[p]["default"]; ok {
			setPath(obj, strings.Split(p, "."), d)
		}
	}
	text, err := yaml.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	c, errs := Parse(parseYAML(t, string(text)))
	if len(errs) > 0 {
		t.Fatalf("the schema defaults do not parse: %v\n%s", errs, text)
	}
	if !reflect.DeepEqual(c, Default()) {
		t.Errorf("the schema defaults differ from the code's:\n got %+v\nwant %+v", c, Default())
	}
}

func setPath(m map[string]any, path []string, v any) {
	for _, k := range path[:len(path)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}
