package benchgen

import (
	"bytes"
	"testing"

	"inject-datadog/fn/internal/krm"
)

func TestResourceListIsDeterministicAndValid(t *testing.T) {
	a, b := ResourceList(300, 1), ResourceList(300, 1)
	if !bytes.Equal(a, b) {
		t.Fatal("two calls gave different bytes")
	}
	rl, err := krm.Read(a)
	if err != nil {
		t.Fatalf("the generated list does not parse: %v", err)
	}
	if len(rl.Items) != 300 || len(rl.Problems) != 0 {
		t.Fatalf("%d items, %d problems", len(rl.Items), len(rl.Problems))
	}
}
