package cli

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"inject-datadog/fn/internal/krm"
	"inject-datadog/fn/internal/yamltree"
)

// The item-by-item path must write exactly the bytes of the whole-document path, failing runs
// included. Every golden input is in the plain shape, so each must take the fast path.
func TestSplitPathMatchesWholeDocument(t *testing.T) {
	fast := 0
	for _, c := range goldenCases(t) {
		in := goldenInput(t, c.dir)
		var wb bytes.Buffer
		wholeRs, err := processWhole(in, &wb)
		var buf bytes.Buffer
		splitRs, ok, _ := processSplit(in, &buf)
		if !ok {
			// Only an item that is no resource at all, or aliases across items, send a plain
			// input to the whole document.
			if bytes.Contains(in, []byte("\nitems:\n- ")) && !hasItemProblem(wholeRs) && !aliasesAcrossItems(t, in) {
				t.Errorf("%s: the fast path refused a plain input", c.name)
			}
			continue
		}
		fast++
		if err != nil {
			t.Errorf("%s: the fast path took an input the whole-document path refuses: %v", c.name, err)
			continue
		}
		if buf.String() != wb.String() {
			t.Errorf("%s: the fast path differs:\n%s", c.name, diffLines(wb.String(), buf.String()))
		}
		if len(splitRs) != len(wholeRs) {
			t.Errorf("%s: %d results on the fast path, %d on the whole document", c.name, len(splitRs), len(wholeRs))
		}
	}
	if fast < 90 {
		t.Errorf("only %d golden inputs took the fast path", fast)
	}
}

// FuzzSplitPath checks the same on arbitrary inputs: when the fast path takes an input, it
// writes what the whole-document path writes.
func FuzzSplitPath(f *testing.F) {
	seedGolden(f)
	f.Add([]byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- a: |\n    x\n\n    y\n  b: c\n"))
	f.Add([]byte(namespaceEscapeInput))
	f.Fuzz(func(t *testing.T, in []byte) {
		var buf bytes.Buffer
		if _, ok, _ := processSplit(in, &buf); !ok {
			return
		}
		split := buf.Bytes()
		var wb bytes.Buffer
		_, err := processWhole(in, &wb)
		whole := wb.Bytes()
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
		"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- a: \r b\n",
	} {
		if _, ok, _ := processSplit([]byte(in), io.Discard); ok {
			t.Errorf("the fast path took %q", in)
		}
	}
}

// hasItemProblem reports an error about an item that is not a resource.
func hasItemProblem(rs krm.Results) bool {
	for _, r := range rs {
		if r.Field != nil && strings.HasPrefix(r.Field.Path, "items[") {
			return true
		}
	}
	return false
}

// aliasesAcrossItems reports an item whose aliases name another item's anchors.
func aliasesAcrossItems(t *testing.T, in []byte) bool {
	rl, err := krm.Read(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range rl.Items {
		if !yamltree.SelfContained(o.Node) {
			return true
		}
	}
	return false
}
