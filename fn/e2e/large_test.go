package e2e

import (
	"bytes"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"inject-datadog/fn/internal/benchgen"
)

// BenchmarkLargeInput runs the built function as a process on 50,000 generated resources and
// reports its peak memory (docs/performance.md quotes it).
func BenchmarkLargeInput(b *testing.B) {
	in := benchgen.ResourceList(50000, 1)
	b.SetBytes(int64(len(in)))
	var peak int64
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(fnBinary)
		cmd.Stdin = bytes.NewReader(in)
		cmd.Stdout = io.Discard
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			b.Fatalf("the function failed: %v\n%s", err, stderr.String())
		}
		peak = max(peak, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)
	}
	b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
	b.ReportMetric(50000, "resources")
}
