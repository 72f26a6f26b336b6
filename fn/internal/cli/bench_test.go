package cli

import (
	"strconv"
	"testing"

	"inject-datadog/fn/internal/benchgen"
)

// BenchmarkProcess is the whole function in process, on generated ResourceLists of three sizes.
func BenchmarkProcess(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		in := benchgen.ResourceList(n, 1)
		b.Run(strconv.Itoa(n), func(b *testing.B) { benchProcess(b, in) })
	}
}

// BenchmarkProcessWide is the same on items in a layout of people's (benchgen.Wide), which the
// line merge keeps in the items it changes.
func BenchmarkProcessWide(b *testing.B) {
	in, err := benchgen.Wide(benchgen.ResourceList(1000, 1))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("1000", func(b *testing.B) { benchProcess(b, in) })
}

func benchProcess(b *testing.B, in []byte) {
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, rs, err := process(in); err != nil || rs.HasErrors() {
			b.Fatalf("failed: %v %v", err, rs)
		}
	}
}
