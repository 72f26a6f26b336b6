package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// Golden cases live in testdata/golden/<case>/:
//
//	resources.yaml   the items, as YAML documents (or input.yaml: the raw stdin, for bad input)
//	fnconfig.yaml    the functionConfig, when there is one
//	expected.yaml    the expected stdout
//	expected.stderr  the expected stderr, when anything is printed there
//	exit-code        the expected exit code, 0 or 1, stated by the case (never rewritten)
//
// The exit code must also be 1 exactly when stderr reports an error. UPDATE_GOLDEN=1 rewrites
// expected.yaml and expected.stderr; review the diff before committing it.
func TestGolden(t *testing.T) {
	for _, c := range goldenCases(t) {
		dir := c.dir
		t.Run(c.name, func(t *testing.T) {
			in := goldenInput(t, dir)
			out, stderr, code := run(in)
			compareGolden(t, filepath.Join(dir, "expected.yaml"), out)
			compareGolden(t, filepath.Join(dir, "expected.stderr"), stderr)
			if wantCode := goldenExitCode(t, dir); code != wantCode {
				t.Errorf("exit code %d, the case's exit-code file says %d", code, wantCode)
			}
			if reported := strings.Contains(stderr, ": error: "); reported != (code == 1) {
				t.Errorf("exit code %d, but an error on stderr: %v", code, reported)
			}
			if code != 0 {
				// Atomic: with any error, the items go out exactly as they came in.
				if out != "" && itemsOf(t, out) != itemsOf(t, string(in)) {
					t.Errorf("an error was reported but the items changed")
				}
				return
			}
			// Idempotent: the output run again changes no item, and reports the same results
			// (kpt stores them in the Kptfile, where a difference would dirty the package).
			again, againStderr, code := run(withoutResults(t, out))
			if code != 0 {
				t.Fatalf("second run failed")
			}
			if a, b := itemsOf(t, out), itemsOf(t, again); a != b {
				t.Errorf("second run changed the items:\n%s", diffLines(a, b))
			}
			if a, b := resultsOf(t, out), resultsOf(t, again); a != b {
				t.Errorf("second run reported other results:\n%s", diffLines(a, b))
			}
			if againStderr != stderr {
				t.Errorf("second run printed other lines:\n%s", diffLines(stderr, againStderr))
			}
			// Deterministic: the same input gives the same bytes.
			if out2, _, _ := run(in); out2 != out {
				t.Errorf("two runs gave different output")
			}
		})
	}
}

// goldenCase is a directory of testdata/golden.
type goldenCase struct{ name, dir string }

// goldenFiles are the files a case may hold; any other name is a typo that would go unread.
var goldenFiles = map[string]bool{
	"resources.yaml": true, "input.yaml": true, "fnconfig.yaml": true,
	"expected.yaml": true, "expected.stderr": true, "exit-code": true,
}

// goldenExitCode reads the exit code the case states in its exit-code file.
func goldenExitCode(t testing.TB, dir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "exit-code"))
	if err != nil {
		t.Fatalf("every case states its exit code in a file exit-code: %v", err)
	}
	switch strings.TrimSpace(string(b)) {
	case "0":
		return 0
	case "1":
		return 1
	}
	t.Fatalf("exit-code must hold 0 or 1, found %q", b)
	return 0
}

func goldenCases(t testing.TB) []goldenCase {
	t.Helper()
	entries, err := os.ReadDir("testdata/golden")
	if err != nil {
		t.Fatal(err)
	}
	cases := make([]goldenCase, len(entries))
	for i, e := range entries {
		dir := filepath.Join("testdata/golden", e.Name())
		if !e.IsDir() {
			t.Fatalf("testdata/golden holds %s, which is not a case directory", e.Name())
		}
		files, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		has := map[string]bool{}
		for _, f := range files {
			if !goldenFiles[f.Name()] {
				t.Fatalf("%s: unknown file %s (a case holds only %v)", dir, f.Name(), goldenFileNames())
			}
			has[f.Name()] = true
		}
		if has["input.yaml"] == (has["resources.yaml"] || has["fnconfig.yaml"]) {
			t.Fatalf("%s: a case holds either input.yaml, or resources.yaml and maybe fnconfig.yaml", dir)
		}
		cases[i] = goldenCase{e.Name(), dir}
	}
	return cases
}

func run(in []byte) (stdout, stderr string, code int) {
	var o, e bytes.Buffer
	code = Main(nil, bytes.NewReader(in), &o, &e)
	return o.String(), e.String(), code
}

// goldenInput builds the ResourceList from the case's files, keeping their comments and styles.
func goldenInput(t testing.TB, dir string) []byte {
	t.Helper()
	if raw, err := os.ReadFile(filepath.Join(dir, "input.yaml")); err == nil {
		return raw
	}
	items := yamltree.Seq()
	items.Content = append(items.Content, readDocs(t, filepath.Join(dir, "resources.yaml"))...)
	rl := yamltree.Map("apiVersion", "config.kubernetes.io/v1", "kind", "ResourceList", "items", items)
	if _, err := os.Stat(filepath.Join(dir, "fnconfig.yaml")); err == nil {
		docs := readDocs(t, filepath.Join(dir, "fnconfig.yaml"))
		if len(docs) != 1 {
			t.Fatalf("fnconfig.yaml must hold one document")
		}
		yamltree.Set(rl, "functionConfig", docs[0])
	}
	return encode(t, rl)
}

func readDocs(t testing.TB, path string) []*yaml.Node {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var docs []*yaml.Node
	for {
		var d yaml.Node
		err := dec.Decode(&d)
		if err == io.EOF {
			break
		}
		if err != nil {
			// Stopping here would run the case on the documents before the error only.
			t.Fatalf("%s: document %d does not parse: %v", path, len(docs)+1, err)
		}
		if len(d.Content) == 0 {
			t.Fatalf("%s: document %d is empty", path, len(docs)+1)
		}
		docs = append(docs, d.Content[0])
	}
	if len(docs) == 0 {
		t.Fatalf("%s holds no document", path)
	}
	return docs
}

func goldenFileNames() []string {
	names := make([]string, 0, len(goldenFiles))
	for n := range goldenFiles {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func encode(t testing.TB, n *yaml.Node) []byte {
	t.Helper()
	yamltree.PlainMergeKeys(n) // "<<:" as people write it, not go-yaml's "!!merge <<:"
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	if err := enc.Encode(n); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if got == "" {
			_ = os.Remove(path)
			return
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Errorf("%s differs (UPDATE_GOLDEN=1 rewrites it):\n%s", filepath.Base(path), diffLines(string(want), got))
	}
}

func root(t testing.TB, out string) *yaml.Node {
	t.Helper()
	var d yaml.Node
	if err := yaml.Unmarshal([]byte(out), &d); err != nil || len(d.Content) == 0 {
		t.Fatalf("output does not parse as one document: %v", err)
	}
	return d.Content[0]
}

func withoutResults(t testing.TB, out string) []byte {
	r := root(t, out)
	for i := 0; i+1 < len(r.Content); i += 2 {
		if r.Content[i].Value == "results" {
			r.Content = append(r.Content[:i], r.Content[i+2:]...)
			break
		}
	}
	return encode(t, r)
}

// itemsOf encodes a ResourceList's items, to compare input and output.
func itemsOf(t testing.TB, rl string) string {
	t.Helper()
	items := yamltree.Get(root(t, rl), "items")
	if items == nil {
		return ""
	}
	return string(encode(t, items))
}

// resultsOf encodes a ResourceList's results.
func resultsOf(t testing.TB, rl string) string {
	t.Helper()
	results := yamltree.Get(root(t, rl), "results")
	if results == nil {
		return ""
	}
	return string(encode(t, results))
}

// itemsData encodes a ResourceList's items without their comments.
func itemsData(t testing.TB, rl string) string {
	t.Helper()
	items := yamltree.Get(root(t, rl), "items")
	if items == nil {
		return ""
	}
	dropComments(items)
	return string(encode(t, items))
}

func dropComments(n *yaml.Node) {
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	for _, c := range n.Content {
		dropComments(c)
	}
}

// diffLines shows the first lines where two texts differ, with a little context.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			from := max(0, i-3)
			var b strings.Builder
			for j := from; j < i+6; j++ {
				if j < len(w) {
					b.WriteString("- " + w[j] + "\n")
				}
			}
			for j := from; j < i+6; j++ {
				if j < len(g) {
					b.WriteString("+ " + g[j] + "\n")
				}
			}
			return "line " + strconv.Itoa(i+1) + ":\n" + b.String()
		}
	}
	return "(no line differs)"
}
