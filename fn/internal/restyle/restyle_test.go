package restyle

import (
	"bytes"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// Each case gives the user's text of an item, go-yaml's text of the item once changed, and the
// text restyle must write.
func TestRestyle(t *testing.T) {
	for _, c := range []struct {
		name, ours, theirs, want string
	}{{
		name: "comment spacing kept around inserted lines",
		ours: `metadata:
  name: web   # the user's spacing
  namespace: shop
spec:
  replicas: 1   # and here
`,
		theirs: `metadata:
  name: web # the user's spacing
  namespace: shop
  labels:
    tier: front
spec:
  replicas: 1 # and here
`,
		want: `metadata:
  name: web   # the user's spacing
  namespace: shop
  labels:
    tier: front
spec:
  replicas: 1   # and here
`,
	}, {
		name: "flow spacing kept on untouched lines",
		ours: `metadata: {name: web,   namespace: shop}
spec:
  ports: [ {port: 80},   {port: 443} ]
  selector:
    app: web
`,
		theirs: `metadata: {name: web, namespace: shop}
spec:
  ports: [{port: 80}, {port: 443}]
  selector:
    app: web
    tier: front
`,
		want: `metadata: {name: web,   namespace: shop}
spec:
  ports: [ {port: 80},   {port: 443} ]
  selector:
    app: web
    tier: front
`,
	}, {
		name: "blank lines and comment lines of the user's kept",
		ours: `apiVersion: v1
kind: Pod

# the pod's name
metadata:
  name: web
spec:
  containers:
  - name: app
    image: app:1
`,
		theirs: `apiVersion: v1
kind: Pod
# the pod's name
metadata:
  name: web
  annotations:
    a: b
spec:
  containers:
  - name: app
    image: app:1
`,
		want: `apiVersion: v1
kind: Pod

# the pod's name
metadata:
  name: web
  annotations:
    a: b
spec:
  containers:
  - name: app
    image: app:1
`,
	}, {
		name: "a line both sides change is go-yaml's, the user's other lines stay",
		ours: `metadata:
  name: web   # the user's spacing
  namespace: shop   # also
`,
		theirs: `metadata:
  name: api # the user's spacing
  namespace: shop # also
`,
		want: `metadata:
  name: api # the user's spacing
  namespace: shop   # also
`,
	}, {
		name: "an insertion next to a line the user styled keeps the line",
		ours: `metadata:
  name: web   # the user's spacing
spec: {}
`,
		theirs: `metadata:
  name: web # the user's spacing
  namespace: shop
spec: {}
`,
		want: `metadata:
  name: web   # the user's spacing
  namespace: shop
spec: {}
`,
	}, {
		name: "the user's blank line and comment where the change inserts come after the change",
		ours: `spec:
  a: 1

  # b is next
  b: 2
`,
		theirs: `spec:
  a: 1
  added: x
  # b is next
  b: 2
`,
		want: `spec:
  a: 1
  added: x

  # b is next
  b: 2
`,
	}, {
		name: "removal next to the user's blank line",
		ours: `spec:
  a: 1
  added: x

  b: 2
`,
		theirs: `spec:
  a: 1
  b: 2
`,
		want: `spec:
  a: 1

  b: 2
`,
	}, {
		name: "a line both sides change is go-yaml's",
		ours: `spec:
  a: 1    # mine
`,
		theirs: `spec:
  a: 2 # mine
`,
		want: `spec:
  a: 2 # mine
`,
	}, {
		name: "four-space indentation against go-yaml's two",
		ours: `metadata:
    name: web
    labels:
        app: web
spec:
    replicas: 1
`,
		theirs: `metadata:
  name: web
  labels:
    app: web
    tier: front
spec:
  replicas: 1
`,
		want: `metadata:
  name: web
  labels:
    app: web
    tier: front
spec:
  replicas: 1
`,
	}, {
		name: "removal: deleting the inserted lines gives the user's lines back",
		ours: `metadata:
  name: web   # the user's spacing
  namespace: shop
  labels:
    tier: front
spec:
  ports: [ {port: 80},   {port: 443} ]
`,
		theirs: `metadata:
  name: web # the user's spacing
  namespace: shop
spec:
  ports: [{port: 80}, {port: 443}]
`,
		want: `metadata:
  name: web   # the user's spacing
  namespace: shop
spec:
  ports: [ {port: 80},   {port: 443} ]
`,
	}, {
		name: "the last line without a line break",
		ours: "metadata:\n  name: web   # c\n  namespace: shop\nspec:\n  replicas: 1",
		theirs: `metadata:
  name: web # c
  namespace: shop
spec:
  replicas: 2
`,
		want: `metadata:
  name: web   # c
  namespace: shop
spec:
  replicas: 2
`,
	}, {
		name: "where lines repeat, the change slides away from the user's line",
		ours: `env:
- name: A
  value: x
- name: A
  value: x   # the user's
`,
		// The diff deletes the middle two lines, next to the user's line; one line up, the
		// same deletion takes the first entry and leaves the user's line alone.
		theirs: `env:
- name: A
  value: x # the user's
`,
		want: `env:
- name: A
  value: x   # the user's
`,
	}} {
		t.Run(c.name, func(t *testing.T) {
			got := Text([]byte(c.ours), []byte(c.theirs), nil)
			if string(got) != c.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, c.want)
			}
		})
	}
}

// Input in go-yaml's layout, as kustomize and kpt send it, gets go-yaml's text itself back: no
// merge, no copy.
func TestRestyleFastPath(t *testing.T) {
	ours := []byte("metadata:\n  name: web # c\nspec:\n  replicas: 1\n")
	for _, theirs := range [][]byte{
		[]byte("metadata:\n  name: web # c\n  labels:\n    a: b\nspec:\n  replicas: 1\n"), // only insertions
		[]byte("metadata:\n  name: web # c\nspec:\n  replicas: 2\n"),                      // ours is go-yaml's layout
	} {
		if got := Text(ours, theirs, nil); &got[0] != &theirs[0] || len(got) != len(theirs) {
			t.Errorf("not theirs itself: %q", got)
		}
	}
}

// A merge whose hunks do not touch can still be wrong YAML: the user's odd indentation around
// go-yaml's line. It is never written.
func TestRestyleVerifiesTheMerge(t *testing.T) {
	ours := []byte("a:\n   b:\n    c: 1\n")
	theirs := []byte("a:\n  b:\n    c: 1\n  e: 5\n")
	doc, err := yamltree.ReadDocument(ours)
	if err != nil {
		t.Fatal(err)
	}
	var base bytes.Buffer
	if err := Encode(doc, &base, Style{Indent: 2}); err != nil {
		t.Fatal(err)
	}
	merged, ok := merge3(base.Bytes(), ours, theirs)
	if !ok || sameData(merged, theirs, nil) {
		t.Fatalf("the case no longer needs the check (merged %v): %q", ok, merged)
	}
	if got := Text(ours, theirs, nil); !bytes.Equal(got, theirs) {
		t.Errorf("wrote an unverified merge:\n%s", got)
	}
	// The same odd indentation, with an insertion that keeps it valid: merged.
	theirs = []byte("a:\n  b:\n    c: 1\n    d: 2\n")
	if got, want := string(Text(ours, theirs, nil)), "a:\n   b:\n    c: 1\n    d: 2\n"; got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// Applying the hunks of lineDiff to a gives b, and no hunk is empty or out of order, on many
// pseudo-random pairs over a small alphabet (so that lines repeat, as in YAML).
func TestLineDiff(t *testing.T) {
	seed := uint32(1)
	next := func(n int) int {
		seed = seed*1664525 + 1013904223
		return int(seed>>16) % n
	}
	for round := 0; round < 2000; round++ {
		a := make([]int32, next(30))
		for i := range a {
			a[i] = int32(next(5))
		}
		b := append([]int32(nil), a...)
		for e := next(8); e > 0; e-- {
			switch i := next(len(b) + 1); {
			case next(2) == 0 && i < len(b):
				b = append(b[:i], b[i+1:]...)
			default:
				b = append(b[:i], append([]int32{int32(next(5))}, b[i:]...)...)
			}
		}
		hunks, ok := lineDiff(a, b, 1000)
		if !ok {
			t.Fatalf("gave up on %v → %v", a, b)
		}
		var got []int32
		pos := 0
		for _, h := range hunks {
			if h.a0 < pos || h.a1 < h.a0 || h.b1 < h.b0 || (h.a0 == h.a1 && h.b0 == h.b1) {
				t.Fatalf("bad hunk %+v after %d in %v", h, pos, hunks)
			}
			got = append(got, a[pos:h.a0]...)
			got = append(got, b[h.b0:h.b1]...)
			pos = h.a1
		}
		got = append(got, a[pos:]...)
		if !equalIDs(got, b) {
			t.Fatalf("%v with %v gives %v, not %v", a, hunks, got, b)
		}
	}
	if _, ok := lineDiff([]int32{1, 2, 3, 4}, []int32{5, 6, 7, 8}, 7); ok {
		t.Errorf("eight edits allowed under a bound of seven")
	}
	if h, ok := lineDiff([]int32{1, 2, 3, 4}, []int32{5, 6, 7, 8}, 8); !ok || len(h) != 1 {
		t.Errorf("eight edits under a bound of eight: %v %v", h, ok)
	}
}

func equalIDs(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzRestyle changes arbitrary items (a key added to one of their maps) and checks Restyle's
// promises: no panic; text that reads as exactly the changed data; the same text every time;
// and where the user's lines were kept, removing the key again gives the user's text back.
func FuzzRestyle(f *testing.F) {
	f.Add([]byte(styledItem), uint16(3))
	f.Add([]byte(styledItem), uint16(40))
	f.Add([]byte("a:\n   b:\n    c: 1\n"), uint16(1))
	f.Fuzz(func(t *testing.T, ours []byte, at uint16) {
		if bytes.Contains(ours, []byte(fuzzKey)) {
			return
		}
		doc, err := yamltree.ReadDocument(ours)
		if err != nil || doc == nil {
			return
		}
		var maps []*yaml.Node
		collectMaps(doc, &maps)
		m := maps[int(at)%len(maps)]
		pos := 2 * ((int(at) / len(maps)) % (len(m.Content)/2 + 1))
		added := []*yaml.Node{{Kind: yaml.ScalarNode, Value: fuzzKey}, {Kind: yaml.MappingNode, Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Value: "a"}, {Kind: yaml.ScalarNode, Value: "b"}}}}
		m.Content = append(m.Content[:pos], append(added, m.Content[pos:]...)...)
		var theirs bytes.Buffer
		if Encode(doc, &theirs, StyleOf(ours)) != nil {
			return
		}
		merged := Text(ours, theirs.Bytes(), doc) // as items are written: the changed document at hand
		if !bytes.Equal(merged, theirs.Bytes()) && !sameData(merged, theirs.Bytes(), doc) {
			t.Fatalf("the text does not read as the changed data:\n%s", merged)
		}
		if again := Text(ours, theirs.Bytes(), doc); !bytes.Equal(again, merged) {
			t.Fatalf("two runs differ")
		}
		if bytes.Equal(merged, theirs.Bytes()) {
			return
		}
		// Removal, written the same way, gives back the user's data; where the render kept every
		// line of the user's, it gives back the user's text.
		doc, err = yamltree.ReadDocument(merged)
		if err != nil {
			t.Fatal(err)
		}
		if !dropKey(doc, fuzzKey) {
			t.Fatalf("the added key is gone")
		}
		var removed bytes.Buffer
		if err := Encode(doc, &removed, StyleOf(merged)); err != nil {
			t.Fatal(err)
		}
		back := Text(merged, removed.Bytes(), doc)
		want := ours
		if want[len(want)-1] != '\n' {
			want = append(want[:len(want):len(want)], '\n')
		}
		if !linesWithin(want, merged) {
			// The change rewrote a line of the user's (a flow map that got the key): that line
			// comes back in go-yaml's layout, the data as it was.
			orig, err := yamltree.ReadDocument(ours)
			if err != nil {
				t.Fatal(err)
			}
			var plain bytes.Buffer
			if Encode(orig, &plain, StyleOf(ours)) != nil || !sameData(plain.Bytes(), nil, orig) {
				return // go-yaml cannot write this document back as the same data itself ({{0}}: null keys become '')
			}
			if !sameData(back, nil, orig) {
				t.Fatalf("removal does not give the user's data back:\n%s\nrendered:\n%s\nremoved:\n%s", ours, merged, back)
			}
			return
		}
		if !bytes.Equal(back, want) {
			t.Fatalf("removal does not give the user's text back:\n%s\nrendered:\n%s\nremoved:\n%s", ours, merged, back)
		}
	})
}

const fuzzKey = "added_by_the_fuzz_test"

const styledItem = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web    # spaced
  namespace: shop

spec:
  replicas: 2   # two
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: app   # main
        image: example/app:1
        ports: [ {containerPort: 80} ]
        resources:
          limits: {cpu: 1}
`

// collectMaps lists the maps a render could add a key to: every map but those inside a map's
// key. A render reaches what it edits through keys that are strings (a Kubernetes object is
// JSON, and yamltree.Get matches a key's text), so it never writes into a key that is itself a
// map or a list ("? {a: 1}: x").
func collectMaps(n *yaml.Node, maps *[]*yaml.Node) {
	if n.Kind == yaml.MappingNode {
		*maps = append(*maps, n)
		for i := 1; i < len(n.Content); i += 2 {
			collectMaps(n.Content[i], maps)
		}
		return
	}
	for _, c := range n.Content {
		collectMaps(c, maps)
	}
}

func dropKey(n *yaml.Node, key string) bool {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				n.Content = append(n.Content[:i], n.Content[i+2:]...)
				return true
			}
		}
	}
	for _, c := range n.Content {
		if dropKey(c, key) {
			return true
		}
	}
	return false
}

// An item whose lists are indented both ways (containers level with their key, env under it, as
// Knative writes) keeps each list's indentation, and the entry the change adds follows its list.
func TestRestyleListByList(t *testing.T) {
	ours := `spec:
  containers:
  - name: app
    env:
      - name: A
        value: a

      - name: B   # spaced
        value: b
    ports:
    - containerPort: 80
`
	doc, err := yamltree.ReadDocument([]byte(ours))
	if err != nil {
		t.Fatal(err)
	}
	env := doc.Content[0].Content[1].Content[1].Content[0].Content[3]
	added := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Value: "name"}, {Kind: yaml.ScalarNode, Value: "DD_X"},
		{Kind: yaml.ScalarNode, Value: "value"}, {Kind: yaml.ScalarNode, Value: "x"}}}
	env.Content = append([]*yaml.Node{added}, env.Content...)
	var theirs bytes.Buffer
	if err := Encode(doc, &theirs, StyleOf([]byte(ours))); err != nil {
		t.Fatal(err)
	}
	got := Text([]byte(ours), theirs.Bytes(), doc)
	want := strings.Replace(ours, "    env:\n", "    env:\n      - name: DD_X\n        value: x\n", 1)
	if string(got) != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}

	// Removal, the same way, gives the user's text back.
	back, err := yamltree.ReadDocument(got)
	if err != nil {
		t.Fatal(err)
	}
	benv := back.Content[0].Content[1].Content[1].Content[0].Content[3]
	benv.Content = benv.Content[1:]
	var removed bytes.Buffer
	if err := Encode(back, &removed, StyleOf(got)); err != nil {
		t.Fatal(err)
	}
	if again := Text(got, removed.Bytes(), back); string(again) != ours {
		t.Fatalf("removal gives:\n%s\nwant:\n%s", again, ours)
	}
}

// A block scalar the change does not touch keeps its header (indicator, chomping, indentation
// digit) and its lines byte for byte; where one side changes its header and the other its body,
// the merge is not certain and go-yaml's layout is written (the FuzzRestyle seed
// FuzzRestyle-folded-scalar-39f1c732544f242a: "0: >" without a last line break).
func TestRestyleBlockScalars(t *testing.T) {
	ours := "data:\n  script: >\n     folded\n     text\n  keep: |+\n   kept\n\n  strip: |2-\n     two\n  note: x   # spaced\n"
	doc, err := yamltree.ReadDocument([]byte(ours))
	if err != nil {
		t.Fatal(err)
	}
	data := doc.Content[0].Content[1]
	data.Content = append(data.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "added"}, &yaml.Node{Kind: yaml.ScalarNode, Value: "1"})
	var theirs bytes.Buffer
	if err := Encode(doc, &theirs, Style{Indent: 2}); err != nil {
		t.Fatal(err)
	}
	got := string(Text([]byte(ours), theirs.Bytes(), doc))
	if want := ours + "  added: 1\n"; got != want {
		t.Errorf("untouched block scalars changed:\n%s\nwant:\n%s", got, want)
	}

	// One side's header with the other's body: go-yaml's text, not a mix.
	ours = "0: >\n 0\n  0"
	doc, err = yamltree.ReadDocument([]byte(ours))
	if err != nil {
		t.Fatal(err)
	}
	doc.Content[0].Content = append(doc.Content[0].Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "added"}, &yaml.Node{Kind: yaml.ScalarNode, Value: "1"})
	theirs.Reset()
	if err := Encode(doc, &theirs, Style{Indent: 2}); err != nil {
		t.Fatal(err)
	}
	if got := Text([]byte(ours), theirs.Bytes(), doc); !bytes.Equal(got, theirs.Bytes()) {
		t.Errorf("a block scalar split between the sides:\n%s\nwant go-yaml's text:\n%s", got, theirs.Bytes())
	}
}

func TestBlockScalars(t *testing.T) {
	for _, c := range []struct {
		text string
		want [][2]int
	}{
		{"a: |\n  x\n\n  y\nb: 1\n", [][2]int{{0, 4}}},
		{"- >-\n  x\n- |2\n   y\n", [][2]int{{0, 2}, {2, 4}}},
		{"- k: |+\n    x\n  j: 1\n", [][2]int{{0, 2}}},
		{"a: x | y\nb: 'c >'\nc: d # |\n", nil},
		{"a: >  # folded\n  x\n", [][2]int{{0, 2}}},
	} {
		got := blockScalars(splitLines([]byte(c.text)))
		if len(got) != len(c.want) {
			t.Errorf("%q: %v, want %v", c.text, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%q: %v, want %v", c.text, got, c.want)
			}
		}
	}
}

// A document indented four columns a level keeps its lines when changed: go-yaml writes it at
// the user's indentation, the lines the change adds are indented as the user's, and removing
// them again gives the user's text back.
func TestRestyleFourSpaces(t *testing.T) {
	ours := "apiVersion: v1\nkind: Pod\nmetadata:\n    name: p   # the pod\n    labels:\n        app: p\nspec:\n    containers:\n    -   name: app\n        image: app:1   # pinned\n"
	doc, err := yamltree.ReadDocument([]byte(ours))
	if err != nil {
		t.Fatal(err)
	}
	meta := doc.Content[0].Content[5]
	meta.Content = append(meta.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "annotations"},
		&yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "a"}, {Kind: yaml.ScalarNode, Value: "b"}}})
	var theirs bytes.Buffer
	if err := Encode(doc, &theirs, StyleOf([]byte(ours))); err != nil {
		t.Fatal(err)
	}
	got := string(Text([]byte(ours), theirs.Bytes(), doc))
	want := strings.Replace(ours, "        app: p\n", "        app: p\n    annotations:\n        a: b\n", 1)
	if got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
	back, err := yamltree.ReadDocument([]byte(got))
	if err != nil {
		t.Fatal(err)
	}
	m := back.Content[0].Content[5]
	m.Content = m.Content[:len(m.Content)-2]
	var removed bytes.Buffer
	if err := Encode(back, &removed, StyleOf([]byte(got))); err != nil {
		t.Fatal(err)
	}
	if again := string(Text([]byte(got), removed.Bytes(), back)); again != ours {
		t.Errorf("removal does not give the user's text back:\n%s", again)
	}
}

func TestStyleOf(t *testing.T) {
	for _, c := range []struct {
		text string
		want Style
	}{
		{"a:\n  b: 1\nc:\n- x\n", Style{Indent: 2}},
		{"a:\n    b: 1\nc:\n  - x\n", Style{Wide: true, Indent: 4}},
		{"a:\n    b:\n        c: 1\n", Style{Indent: 4}},
		{"a:\n   b:\n    c: 1\n", Style{Indent: 2}},  // the levels disagree
		{"a: {b: 1}\nc: [x]\n", Style{Indent: 2}},    // no block map under a key
		{"a:\n            b: 1\n", Style{Indent: 2}}, // more than go-yaml writes
	} {
		if got := StyleOf([]byte(c.text)); got != c.want {
			t.Errorf("%q: %+v, want %+v", c.text, got, c.want)
		}
	}
}

// A changed JSON document whose values all have a JSON form is written as JSON; one with a value
// JSON cannot hold is written as block YAML, never as a mix of the two.
func TestWriteJSON(t *testing.T) {
	ours := []byte("{\"a\": {\"b\": [1, 2]}, \"c\": \"x\"}\n")
	doc, err := yamltree.ReadDocument(ours)
	if err != nil {
		t.Fatal(err)
	}
	top := doc.Content[0]
	top.Content = append(top.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "d"}, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "<&>"})
	var tmp bytes.Buffer
	got, err := Write(ours, doc, &tmp)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"a":{"b":[1,2]},"c":"x","d":"<&>"}` + "\n"; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
	top.Content = append(top.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "e"}, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "0x10"})
	got, err = Write(ours, doc, &tmp)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsAny(got, "{[") || !bytes.Contains(got, []byte("e: 0x10")) {
		t.Errorf("not block YAML:\n%s", got)
	}
}

// A block of comments at column 0 inside a list, in an item whose lists are indented both ways
// (Knative's controller): go-yaml's own text reads the comments as another node's, the user's
// lines do not, so the merge keeps them, blank lines included, and removal gives them back.
func TestRestyleColumn0CommentsInAList(t *testing.T) {
	ours := "spec:\n  containers:\n  - name: c\n    image: i\n\n    env:\n      - name: A\n        value: a\n\n\n##   Later\n#      - name: B\n\n    ports:\n    - containerPort: 80\n"
	doc, err := yamltree.ReadDocument([]byte(ours))
	if err != nil {
		t.Fatal(err)
	}
	env := yamltree.Get(yamltree.Get(doc.Content[0], "spec").Content[1].Content[0], "env")
	env.Content = append([]*yaml.Node{yamltree.Map("name", "DD_X", "value", "x")}, env.Content...)
	var theirs, tmp bytes.Buffer
	if err := Encode(doc, &theirs, StyleOf([]byte(ours))); err != nil {
		t.Fatal(err)
	}
	got, err := Write([]byte(ours), doc, &tmp)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(ours, "    env:\n", "    env:\n      - name: DD_X\n        value: x\n", 1)
	if string(got) != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
	back, err := yamltree.ReadDocument(got)
	if err != nil {
		t.Fatal(err)
	}
	e := yamltree.Get(yamltree.Get(back.Content[0], "spec").Content[1].Content[0], "env")
	e.Content = e.Content[1:]
	again, err := Write(got, back, &tmp)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != ours {
		t.Errorf("removal does not give the user's text back:\n%s", again)
	}
}
