package inject

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The hostile records of the cli package's removal tests name the user's entries with the digests
// of their current content: a record that matches still removes none of them.
func TestRecordDigestsOfTheCLITests(t *testing.T) {
	for entry, want := range map[string]string{
		"{name: A, value: \"1\"}":           "ccf33bf7",
		"{name: LOG_LEVEL, value: info}":    "fcf012ac",
		"{name: data, mountPath: /data}":    "069b0e99",
		"{name: data, emptyDir: {}}":        "282e1abc",
		"{name: migrate, image: \"app:1\"}": "0f2af762",
	} {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(entry), &doc); err != nil {
			t.Fatal(err)
		}
		if got := digest(doc.Content[0]); got != want {
			t.Errorf("%s: digest %s, the tests say %s", entry, got, want)
		}
	}
}

// A message quotes at most quoteLimit bytes of a value, cut at a character's start.
func TestQuoteShort(t *testing.T) {
	if got := quoteShort("short"); got != `"short"` {
		t.Errorf("quoteShort(short) = %s", got)
	}
	long := strings.Repeat("x", quoteLimit-1) + "é" + strings.Repeat("y", 1000)
	want := `"` + strings.Repeat("x", quoteLimit-1) + `"… (1201 bytes)`
	if got := quoteShort(long); got != want {
		t.Errorf("quoteShort(long) = %s, want %s", got, want)
	}
}
