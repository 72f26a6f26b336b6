package cli

import (
	_ "embed"
	"fmt"
	"io"

	"inject-datadog/fn/internal/krm"
)

// Version is set at build time by the Makefile.
var Version = "dev"

//go:embed usage.txt
var usage string

// Main runs the command and returns its exit code: 0 on success, 1 when any error was reported.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "--help", "-h", "help":
			fmt.Fprint(stdout, usage)
			return 0
		case "--version", "version":
			fmt.Fprintf(stdout, "inject-datadog %s\n", Version)
			return 0
		default:
			fmt.Fprintf(stderr, "inject-datadog: error: unknown argument %q: the function takes its settings from the functionConfig, see --help\n", args[0])
			return 1
		}
	}
	in, err := io.ReadAll(stdin)
	if err != nil {
		fmt.Fprintf(stderr, "inject-datadog: error: reading stdin: %v\n", err)
		return 1
	}
	rs, err := ProcessTo(in, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "inject-datadog: error: %v\n", err)
		return 1
	}
	for _, r := range rs {
		if r.Severity != "info" {
			fmt.Fprintln(stderr, krm.Line(r))
		}
	}
	if rs.HasErrors() {
		return 1
	}
	return 0
}
