package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"inject-datadog/fn/internal/config"
	"inject-datadog/fn/internal/krm"
)

// runStream is stream mode (docs/doors.md "Plain streams and Helm"): stdin is zero or more objects, the
// config comes from --config, the objects go back in the same order, and the results go to
// stderr only. On any error nothing is written to stdout, so that a pipe never applies half a
// render.
func runStream(in []byte, opts options, stdout, stderr io.Writer) int {
	cfg, rs := streamConfig(opts.config, opts)
	if cfg == nil {
		return report(rs, opts, stderr)
	}
	cfg.Report.Workloads = cfg.Report.Workloads || opts.explain
	s := krm.SplitStream(in)
	out, items, sum, ok := runItems(s, cfg)
	if !ok {
		// Every document reads on its own or is a problem: only a failure to write is left.
		rs.Errorf(nil, "", "a changed document could not be written")
		return report(rs, opts, stderr)
	}
	rs = append(append(out.problems, rs...), out.results...)
	if code := report(rs, opts, stderr); code != 0 || cfg.Mode == config.RunCheck {
		return code // check mode writes nothing on stdout
	}
	if opts.images {
		for _, img := range sum.ImageList() {
			fmt.Fprintln(stdout, img)
		}
		return 0
	}
	if err := items.Flush(stdout); err != nil {
		fmt.Fprintf(stderr, "inject-datadog: error: writing stdout: %v\n", err)
		return 1
	}
	return 0
}

// streamConfig reads the --config file; none means the defaults. The flags --check and --remove
// set its mode. A nil config means errors.
func streamConfig(path string, opts options) (*config.Config, krm.Results) {
	var rs krm.Results
	withFlags := func(cfg *config.Config) *config.Config {
		if opts.check {
			cfg.Mode = config.RunCheck
		}
		if opts.remove {
			cfg.Mode = config.RunRemove
		}
		return cfg
	}
	if path == "" {
		cfg, _ := config.Parse(nil)
		return withFlags(cfg), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		rs.Errorf(nil, "", "--config: %v", err)
		return nil, rs
	}
	o, _, err := krm.ReadItem(data)
	if err != nil || o == nil {
		rs.Errorf(nil, "", "--config %s must hold one YAML document, an InjectDatadog object or a ConfigMap", path)
		return nil, rs
	}
	o.Source = &fn.File{Path: path}
	cfg, cerrs := config.Parse(o.Node)
	if cfg != nil {
		withFlags(cfg)
	}
	configResults(&rs, o, cfg, cerrs)
	if len(cerrs) > 0 {
		return nil, rs
	}
	return cfg, rs
}
