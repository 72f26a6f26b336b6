package cli

import (
	_ "embed"
	"fmt"
	"io"
	"strings"

	"inject-datadog/fn/internal/krm"
)

// Version is set at build time by the Makefile.
var Version = "dev"

//go:embed usage.txt
var usage string

// options are the command-line flags; every setting of the transform itself comes from the
// functionConfig, or from the --config file in stream mode.
type options struct {
	config  string
	verbose bool
	// check, explain and images set mode: check, report.workloads and report.images; images
	// also prints the image list alone on stdout.
	check, explain, images bool
	// remove sets mode: remove.
	remove bool
}

// Main runs the command and returns its exit code: 0 on success, 1 when any error was reported.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var opts options
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--help" || arg == "-h" || arg == "help":
			fmt.Fprint(stdout, usage)
			return 0
		case arg == "--version" || arg == "version":
			fmt.Fprintf(stdout, "inject-datadog %s\n", Version)
			return 0
		case arg == "--verbose" || arg == "-v":
			opts.verbose = true
		case arg == "--check":
			opts.check = true
		case arg == "--explain":
			opts.explain = true
		case arg == "--images":
			opts.images = true
		case arg == "--remove":
			opts.remove = true
		case arg == "--config" && i+1 < len(args):
			i++
			opts.config = args[i]
		case strings.HasPrefix(arg, "--config="):
			opts.config = strings.TrimPrefix(arg, "--config=")
		default:
			fmt.Fprintf(stderr, "inject-datadog: error: unknown argument %q: the flags are --config FILE, --check, --remove, --explain, --images, --verbose, --help and --version (see --help)\n", arg)
			return 1
		}
	}
	in, err := io.ReadAll(stdin)
	if err != nil {
		fmt.Fprintf(stderr, "inject-datadog: error: reading stdin: %v\n", err)
		return 1
	}
	if !krm.LooksLikeResourceList(in) {
		return runStream(in, opts, stdout, stderr)
	}
	if opts.config != "" || opts.check || opts.remove || opts.explain || opts.images {
		fmt.Fprintln(stderr, "inject-datadog: error: --config, --check, --remove, --explain and --images are for plain YAML streams: a ResourceList carries its own functionConfig (mode, report.workloads, report.images)")
		return 1
	}
	rs, err := ProcessTo(in, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "inject-datadog: error: %v\n", err)
		return 1
	}
	return report(rs, options{}, stderr)
}

// report writes the results to stderr (infos only when asked for: the explanations with
// --explain, the rest with --verbose) and returns the exit code.
func report(rs krm.Results, opts options, stderr io.Writer) int {
	for _, r := range rs {
		explanation := r.Severity == "info" && r.ResourceRef != nil
		if r.Severity != "info" || opts.verbose || (opts.explain && explanation) {
			fmt.Fprintln(stderr, krm.Line(r))
		}
	}
	if rs.HasErrors() {
		return 1
	}
	return 0
}
