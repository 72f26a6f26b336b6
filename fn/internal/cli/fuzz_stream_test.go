package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzStream feeds arbitrary bytes to stream mode (with a config that selects everything and
// asks for libraries) and checks its promises: no panic; on an error nothing on stdout; else the
// output, run again, changes nothing, and removal then render again gives the same output; the
// same bytes every time.
func FuzzStream(f *testing.F) {
	for _, c := range goldenCases(f) {
		if _, err := os.Stat(filepath.Join(c.dir, "resources.yaml")); err == nil {
			f.Add(goldenInputDocs(f, c.dir))
		}
	}
	config := filepath.Join(f.TempDir(), "dd.yaml")
	if err := os.WriteFile(config, []byte("apiVersion: fn.kpt.dev/v1alpha1\nkind: InjectDatadog\nmetadata: {name: f}\nselection: {mutateUnlabelled: true}\nlibraries: {inject: [python, java]}\n"), 0o644); err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(helmStream))
	f.Add([]byte("apiVersion: v1\nkind: List\nitems:\n- {apiVersion: apps/v1, kind: Deployment, metadata: {name: a}, spec: {template: {spec: {containers: [{name: c}]}}}}\n---\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		if bytes.Contains(in, []byte("kind: ResourceList")) {
			return // not a stream
		}
		args := []string{"--config", config}
		out, _, code := runArgs(args, string(in))
		if code != 0 {
			if out != "" {
				t.Fatalf("exit %d with output", code)
			}
			return
		}
		again, stderr, code := runArgs(args, out)
		if code != 0 || again != out {
			t.Fatalf("not idempotent (exit %d):\n%s\n%s", code, stderr, diffLines(out, again))
		}
		removed, stderr, code := runArgs([]string{"--remove"}, out)
		if code != 0 {
			t.Fatalf("--remove failed on an output:\n%s", stderr)
		}
		if rendered, _, _ := runArgs(args, removed); rendered != out {
			t.Fatalf("render, remove, render differs:\n%s", diffLines(out, rendered))
		}
		if out2, _, _ := runArgs(args, string(in)); out2 != out {
			t.Fatalf("two runs gave different output")
		}
	})
}

// goldenInputDocs is a golden case's items as a plain stream.
func goldenInputDocs(t testing.TB, dir string) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, d := range readDocs(t, dir+"/resources.yaml") {
		b.WriteString("---\n")
		b.Write(encode(t, d))
	}
	return b.Bytes()
}
