package cli

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/krm"
	"inject-datadog/fn/internal/yamltree"
)

// Every golden input is in the plain shape, so each is cut as text as it came; only items that
// share anchors need the ResourceList read whole and written again first.
func TestGoldenInputsAreCutAsText(t *testing.T) {
	for _, c := range goldenCases(t) {
		in := goldenInput(t, c.dir)
		if _, ok := krm.SplitResourceList(in); !ok && !aliasesAcrossItems(t, in) && bytes.Contains(in, []byte("\nitems:\n- ")) {
			t.Errorf("%s: the cutter refused a plain input", c.name)
		}
	}
}

// A ResourceList in a layout the cutter does not take (flow style) is read whole once and written
// in the plain shape: the run on it gives the same items and the same results as on the same
// ResourceList written plainly.
func TestOtherLayoutsRunAsThePlainShape(t *testing.T) {
	for _, c := range goldenCases(t) {
		in := goldenInput(t, c.dir)
		if _, err := krm.Read(in); err != nil || aliasesAcrossItems(t, in) {
			continue
		}
		wide := flowLayout(t, in)
		if _, ok := krm.SplitResourceList(wide); ok && bytes.Contains(wide, []byte("items: [")) {
			t.Fatalf("%s: a flow list of items was cut as text:\n%s", c.name, wide)
		}
		out, rs, err := process(in)
		wout, wrs, werr := process(wide)
		if (err == nil) != (werr == nil) {
			t.Errorf("%s: plain: %v, wide: %v", c.name, err, werr)
			continue
		}
		if err != nil {
			continue
		}
		if got, want := itemsValue(t, string(wout)), itemsValue(t, string(out)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the flow layout renders otherwise:\n%s", c.name, diffLines(fmt.Sprint(want), fmt.Sprint(got)))
		}
		if len(rs) != len(wrs) {
			t.Errorf("%s: %d results plain, %d wide", c.name, len(rs), len(wrs))
		}
	}
}

// wideLayout writes a ResourceList with its lists indented under their keys, the items too.
func wideLayout(t *testing.T, in []byte) []byte {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(in, &doc); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := yaml.NewEncoderWithOptions(&b, &yaml.EncoderOptions{SeqIndent: yaml.WideSequenceStyle})
	if err := enc.Encode(&doc); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// flowLayout writes a ResourceList in flow style, "{apiVersion: ..., items: [...]}": a layout the
// cutter does not take.
func flowLayout(t *testing.T, in []byte) []byte {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(in, &doc); err != nil {
		t.Fatal(err)
	}
	doc.Content[0].Style = yaml.FlowStyle
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	if err := enc.Encode(&doc); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// FuzzSplitPath checks the cutter on arbitrary inputs: where it takes an input and every item
// reads on its own (as the run reads it), the whole document reads, holds as many items, and
// each reads as the same data as in the whole document.
func FuzzSplitPath(f *testing.F) {
	seedGolden(f)
	f.Add([]byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- a: |\n    x\n\n    y\n  b: c\n"))
	f.Add([]byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n# head\n- a: 1\n# inside\n  b: 2\n\n# last\nkind: ResourceList\n"))
	f.Add([]byte(namespaceEscapeInput))
	f.Fuzz(func(t *testing.T, in []byte) {
		s, ok := krm.SplitResourceList(in)
		if !ok {
			return
		}
		var text bytes.Buffer
		for i := 0; i < s.Len(); i++ {
			if _, _, err := krm.ReadItem(s.ItemText(i, &text)); !krm.ReadsAlone(err) {
				return // the run reads the ResourceList whole
			}
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(in, &doc); err != nil || len(doc.Content) != 1 {
			t.Fatalf("the cutter took input that does not read as one document: %v", err)
		}
		items := yamltree.Get(doc.Content[0], "items")
		n := 0
		if items != nil && items.Kind == yaml.SequenceNode {
			n = len(items.Content)
		}
		if s.Len() != n {
			t.Fatalf("%d items cut, %d in the whole document", s.Len(), n)
		}
		for i := 0; i < s.Len(); i++ {
			var alone yaml.Node
			if yaml.Unmarshal(s.ItemText(i, &text), &alone) != nil || len(alone.Content) != 1 {
				continue
			}
			if got, want := dataOf(t, alone.Content[0]), dataOf(t, items.Content[i]); got != want {
				t.Fatalf("item %d reads otherwise on its own:\n%s", i, diffLines(want, got))
			}
		}
	})
}

var lineNumbers = regexp.MustCompile(`line \d+`)

// dataOf is n's data, aliases expanded, as JSON-like text. Data that does not decode is the
// error, without its line numbers: an item cut out of the document starts on another line.
func dataOf(t *testing.T, n *yaml.Node) string {
	var v any
	if err := n.Decode(&v); err != nil {
		return "undecodable: " + lineNumbers.ReplaceAllString(err.Error(), "line N")
	}
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Text that means one thing inside the ResourceList and another in an item of its own is never
// run as the item alone: the items come out as the whole document reads them, or the input is
// refused as the whole document is.
func TestContextDependentTextIsReadWhole(t *testing.T) {
	for _, in := range []string{
		"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- a: b\n  ...\n",
		"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- a: b\n  ---\n",
		"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- a: b\n  %YAML 1.2\n",
		"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- {}0\n",
		"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n-  a: b\n",
		"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- a: \r b\n",
	} {
		_, readErr := krm.Read([]byte(in))
		out, _, err := process([]byte(in))
		if (err == nil) != (readErr == nil) {
			t.Errorf("%q: the run says %v, the whole document %v", in, err, readErr)
			continue
		}
		if err == nil && itemsData(t, string(out)) != itemsData(t, in) {
			t.Errorf("%q: the items changed:\n%s", in, out)
		}
	}
}

// aliasesAcrossItems reports an item whose aliases name another item's anchors.
func aliasesAcrossItems(t *testing.T, in []byte) bool {
	rl, err := krm.Read(in)
	if err != nil {
		return false
	}
	for _, o := range rl.Items {
		if !yamltree.SelfContained(o.Node) {
			return true
		}
	}
	return false
}

// A changed item headed by a column-0 comment keeps the comment at column 0 above its "- ", and
// removal gives the whole ResourceList's items back byte for byte.
func TestChangedItemKeepsItsHeadingComment(t *testing.T) {
	items := "# the web tier\n\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: web\n  spec:\n    template:\n      metadata:\n        labels:\n          admission.datadoghq.com/enabled: \"true\"\n      spec:\n        containers:\n        - name: app\n          image: app:1\n# the Service\n- apiVersion: v1\n  kind: Service\n  metadata: {name: web}\n"
	in := resourceList(items, "")
	out, stderr, code := run([]byte(in))
	if code != 0 {
		t.Fatalf("render failed:\n%s", stderr)
	}
	if !strings.Contains(out, "items:\n# the web tier\n\n- apiVersion: apps/v1\n") || !strings.Contains(out, "DD_AGENT_HOST") ||
		!strings.Contains(out, "\n# the Service\n- apiVersion: v1\n  kind: Service\n  metadata: {name: web}\n") {
		t.Errorf("the comments that head the items moved:\n%s", out)
	}
	removed, stderr, code := run(withMode(t, out, "remove"))
	if code != 0 {
		t.Fatalf("remove failed:\n%s", stderr)
	}
	if got, want := rawItems(t, []byte(removed)), rawItems(t, []byte(in)); got != want {
		t.Errorf("remove does not give the items back:\n%s", diffLines(want, got))
	}
}

// A ResourceList whose items are indented under "items:", or one item indented deeper than the
// others, is cut as text: untouched items keep their bytes, and a changed item keeps its own
// indentation.
func TestIndentedItemsAreCutAsText(t *testing.T) {
	in := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: db\n  spec:\n    ports:\n    - port: 5432    # postgres\n" +
		"-   apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n    spec:\n      template:\n        metadata:\n          labels:\n            admission.datadoghq.com/enabled: \"true\"\n        spec:\n          containers:\n            - name: app\n              image: app:1    # pinned\n"
	for name, in := range map[string]string{"one item deeper": in, "wide": string(wideLayout(t, []byte(in)))} {
		if _, ok := krm.SplitResourceList([]byte(in)); !ok {
			t.Errorf("%s: the cutter refused:\n%s", name, in)
			continue
		}
		out, stderr, code := run([]byte(in))
		if code != 0 {
			t.Fatalf("%s: render failed:\n%s", name, stderr)
		}
		if !strings.Contains(out, "DD_AGENT_HOST") {
			t.Errorf("%s: the Deployment was not rendered:\n%s", name, out)
		}
		rawIn, rawOut := splitItems(t, []byte(in)), splitItems(t, []byte(out))
		if rawIn[0] != rawOut[0] {
			t.Errorf("%s: the untouched Service was rewritten:\n%s", name, diffLines(rawIn[0], rawOut[0]))
		}
		image := in[strings.LastIndex(in[:strings.Index(in, "image: app:1")], "\n")+1:]
		image = image[:strings.Index(image, "\n")+1]
		if name == "one item deeper" && !strings.Contains(rawOut[1], "-   apiVersion: apps/v1\n    kind: Deployment\n") ||
			!strings.Contains(rawOut[1], image) {
			t.Errorf("%s: the changed item lost its layout:\n%s", name, rawOut[1])
		}
		removed, stderr, code := run(withMode(t, out, "remove"))
		if code != 0 {
			t.Fatalf("%s: remove failed:\n%s", name, stderr)
		}
		if got := splitItems(t, []byte(removed)); got[0] != rawIn[0] || got[1] != rawIn[1] {
			t.Errorf("%s: remove does not give the items back:\n%s", name, diffLines(rawIn[1], got[1]))
		}
	}
}

// splitItems is the items of a ResourceList as the cutter cuts them.
func splitItems(t *testing.T, rl []byte) []string {
	t.Helper()
	s, ok := krm.SplitResourceList(rl)
	if !ok {
		t.Fatalf("not cut:\n%s", rl)
	}
	var items []string
	for i := 0; i < s.Len(); i++ {
		items = append(items, string(s.Raw(i)))
	}
	return items
}

// A template without metadata gets it before its spec, where every manifest writes it.
func TestCreatedMetadataGoesBeforeSpec(t *testing.T) {
	items := "- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: web}\n  spec:\n    template:\n      spec:\n        containers:\n        - name: app\n          image: app:1\n"
	in := resourceList(items, "{apiVersion: fn.kpt.dev/v1alpha1, kind: InjectDatadog, metadata: {name: dd}, selection: {mutateUnlabelled: true}}")
	out, stderr, code := run([]byte(in))
	if code != 0 {
		t.Fatalf("render failed:\n%s", stderr)
	}
	meta, spec := strings.Index(out, "    template:\n      metadata:\n"), strings.Index(out, "      spec:\n        containers:")
	if meta < 0 || spec < 0 || meta > spec {
		t.Errorf("the template's metadata is not before its spec:\n%s", out)
	}
}
