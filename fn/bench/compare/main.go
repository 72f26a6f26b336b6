// Command compare is `make bench`: it runs inject-datadog and the no-op SDK function as whole
// processes on generated ResourceLists of several sizes, several times each, and prints the median
// wall time and peak RSS of both and their ratios as a Markdown table.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"inject-datadog/fn/internal/benchgen"
)

func main() {
	fnPath := flag.String("fn", "bin/inject-datadog", "the function under test")
	noopPath := flag.String("noop", "bin/noop-sdk", "the no-op SDK function")
	sizes := flag.String("sizes", "100,1000,10000", "ResourceList sizes, comma-separated")
	runs := flag.Int("runs", 5, "runs per size and binary; the median is reported")
	wide := flag.Bool("wide", false, "lists indented under their key, as Helm charts write them: changed items are merged with the user's layout")
	flag.Parse()
	if *wide {
		fmt.Printf("Items with lists indented under their key:\n\n")
	}
	fmt.Printf("| resources | input | inject-datadog time | no-op SDK time | time ratio | inject-datadog peak RSS | no-op SDK peak RSS | RSS ratio |\n")
	fmt.Printf("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			fail("bad size %q", s)
		}
		in := benchgen.ResourceList(n, 1)
		if *wide {
			if in, err = benchgen.Wide(in); err != nil {
				fail("%v", err)
			}
		}
		fnTime, fnRSS := measure(*fnPath, in, *runs)
		noTime, noRSS := measure(*noopPath, in, *runs)
		fmt.Printf("| %d | %.1f MB | %s | %s | %.2f | %.0f MiB | %.0f MiB | %.2f |\n", n, float64(len(in))/1e6,
			fnTime.Round(time.Millisecond), noTime.Round(time.Millisecond), fnTime.Seconds()/noTime.Seconds(),
			fnRSS, noRSS, fnRSS/noRSS)
	}
}

// measure runs bin on in, runs times, and returns the median wall time and peak RSS in MiB.
func measure(bin string, in []byte, runs int) (time.Duration, float64) {
	var times []time.Duration
	var rss []float64
	for i := 0; i < runs; i++ {
		cmd := exec.Command(bin)
		cmd.Stdin = bytes.NewReader(in)
		cmd.Stdout = io.Discard
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			fail("%s: %v\n%s", bin, err, stderr.String())
		}
		times = append(times, time.Since(start))
		rss = append(rss, float64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)/1024)
	}
	slices.Sort(times)
	slices.Sort(rss)
	return times[len(times)/2], rss[len(rss)/2]
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "compare: "+format+"\n", args...)
	os.Exit(1)
}
