package cli

import (
	"bytes"
	"io"
	"testing"
)

// The item-by-item path must write exactly the bytes of the whole-document path. Every golden
// input that runs without error is in the plain shape, so each must take the fast path.
func TestSplitPathMatchesWholeDocument(t *testing.T) {
	fast := 0
	for _, c := range goldenCases(t) {
		in := goldenInput(t, c.dir)
		whole, wholeRs, err := processWhole(in)
		if err != nil || wholeRs.HasErrors() {
			if _, ok, _ := processSplit(in, io.Discard); ok {
				t.Errorf("%s: the fast path accepted an input that fails", c.name)
			}
			continue
		}
		var buf bytes.Buffer
		_, ok, _ := processSplit(in, &buf)
		split := buf.Bytes()
		if !ok && !bytes.Contains(in, []byte("\nitems:\n")) {
			continue // no items to cut out
		}
		if !ok {
			t.Errorf("%s: the fast path refused a plain input", c.name)
			continue
		}
		fast++
		if string(split) != string(whole) {
			t.Errorf("%s: the fast path differs:\n%s", c.name, diffLines(string(whole), string(split)))
		}
	}
	if fast < 50 {
		t.Errorf("only %d golden inputs took the fast path", fast)
	}
}

// FuzzSplitPath checks the same on arbitrary inputs: when the fast path takes an input, it
// writes what the whole-document path writes.
func FuzzSplitPath(f *testing.F) {
	seedGolden(f)
	f.Add([]byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- a: |\n    x\n\n    y\n  b: c\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		var buf bytes.Buffer
		if _, ok, _ := processSplit(in, &buf); !ok {
			return
		}
		split := buf.Bytes()
		whole, _, err := processWhole(in)
		if err != nil {
			t.Fatalf("the fast path took an input the whole-document path refuses: %v", err)
		}
		if string(split) != string(whole) {
			t.Fatalf("the fast path differs:\n%s", diffLines(string(whole), string(split)))
		}
	})
}

// Text that means one thing inside the ResourceList and another in an item of its own.
func TestSplitPathRefusesContextDependentText(t *testing.T) {
	for _, in := range []string{
		"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- a: b\n  ...\n",
		"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- a: b\n  ---\n",
		"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- a: b\n  %YAML 1.2\n",
		"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- {}0\n",
		"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n-  a: b\n",
		"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- a: b\n  # foot\n",
		"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- a: \r b\n",
	} {
		if _, ok, _ := processSplit([]byte(in), io.Discard); ok {
			t.Errorf("the fast path took %q", in)
		}
	}
}
