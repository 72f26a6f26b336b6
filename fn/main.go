// Command inject-datadog is a KRM function that adds to pod templates, at render time, what the
// Datadog Cluster Agent's admission webhook adds to pods at admission time.
package main

import (
	"os"

	"inject-datadog/fn/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
