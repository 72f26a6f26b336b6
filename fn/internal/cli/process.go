// Package cli is the command: it reads a ResourceList (or a plain stream of objects) from stdin,
// runs the transform, writes the result to stdout and every error and warning to stderr, and
// sets the exit code.
package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/config"
	"inject-datadog/fn/internal/inject"
	"inject-datadog/fn/internal/krm"
)

// ProcessTo is the whole function on a ResourceList, bytes in and bytes out to w. err means the
// input could not be read as a ResourceList, and nothing is written. Otherwise w receives the
// ResourceList, once the run is over: an item the run did not change keeps its bytes, and when
// any result is an error every item keeps its bytes, so that nothing half-done escapes.
//
// The items are cut out as text and run one by one (krm.SplitResourceList), which takes a
// fraction of the memory of the whole document. A ResourceList in another layout, or whose items
// do not read on their own, is read whole once and written in the plain shape first
// (krm.Reencode).
func ProcessTo(in []byte, w io.Writer) (krm.Results, error) {
	if s, ok := krm.SplitResourceList(in); ok {
		if rs, items, ok := runResourceList(s); ok {
			return rs, s.Output(w, items, rs)
		}
	}
	s, err := krm.Reencode(in)
	if err != nil {
		return nil, err
	}
	rs, items, ok := runResourceList(s)
	if !ok {
		return nil, errors.New("an item of the ResourceList, written again on its own, does not read as YAML")
	}
	if rs.HasErrors() {
		// Nothing half-done escapes, and nothing is expanded either: the ResourceList as it came,
		// read whole, with the results.
		rl, err := krm.Read(in)
		if err != nil {
			return nil, err
		}
		return rs, rl.Write(w, rs)
	}
	return rs, s.Output(w, items, rs)
}

// runResourceList runs the function over the items of s. ok is false when an item does not read
// as YAML on its own (its aliases name another item's anchors).
func runResourceList(s *krm.Split) (krm.Results, *krm.ItemWriter, bool) {
	var rs krm.Results
	cfg, cerrs := parseConfig(s.FunctionConfig)
	configResults(&rs, s.FunctionConfig, cfg, cerrs)
	var problems krm.Results
	items := &krm.ItemWriter{}
	if cfg != nil {
		runResults, its, _, ok := runItems(s, cfg)
		if !ok {
			return nil, nil, false
		}
		problems, items = runResults.problems, its
		rs = append(rs, runResults.results...)
	} else {
		var ok bool
		if problems, ok = itemProblems(s); !ok {
			return nil, nil, false
		}
	}
	rs = append(problems, rs...)
	if rs.HasErrors() {
		items = &krm.ItemWriter{}
		for i := 0; i < s.Len(); i++ {
			items.Append(s.Raw(i))
		}
	}
	return rs, items, true
}

// itemProblems reports the items of src that are not resources; ok is false when an item does
// not read as YAML on its own.
func itemProblems(src itemSource) (krm.Results, bool) {
	var rs krm.Results
	var text bytes.Buffer
	for i := 0; i < src.Len(); i++ {
		t := src.ItemText(i, &text)
		o, _, err := krm.ReadItem(t)
		if err != nil || o == nil {
			p, ok := problem(src, i, t, err)
			if !ok {
				return nil, false
			}
			rs = append(rs, p...)
		}
	}
	return rs, true
}

// problem is the error for item i, whose text does not read as one resource (err, or no object
// at all). ok is false for an item of a ResourceList that does not read as YAML on its own: the
// ResourceList is then read whole.
func problem(src itemSource, i int, text []byte, err error) (rs krm.Results, ok bool) {
	if _, stream := src.(*krm.Stream); stream {
		switch {
		case err == nil:
			return nil, true // an empty document passes in a stream
		case krm.IsShapeError(err):
			rs.Errorf(nil, "", "document %d of the input must be one Kubernetes object (a map)", i+1)
		default:
			rs.Errorf(nil, "", "document %d of the input is not valid YAML: %v", i+1, err)
		}
		return rs, true
	}
	if !krm.ReadsAlone(err) {
		return nil, false
	}
	rs.Errorf(nil, fmt.Sprintf("items[%d]", i), "every item must be a resource (a map), found %s", krm.ItemKind(text))
	return rs, true
}

// itemSource is a run's items as text: the items of a ResourceList, or the documents of a stream.
type itemSource interface {
	Len() int
	// ItemText is item i as a YAML document of its own, to parse.
	ItemText(i int, buf *bytes.Buffer) []byte
	// Raw is item i as it is written back unchanged.
	Raw(i int) []byte
	// Encode writes item i, changed, into out; tmp and text are scratch space.
	Encode(i int, doc *yaml.Node, out, tmp, text *bytes.Buffer) error
	// File is where item i comes from, when its annotations cannot say.
	File(i int) *fn.File
}

// runItems mutates the items of src for cfg: the Namespaces first, then each item, then the
// summary. The items are independent, so they are read, mutated and written on every core, and
// collected in input order, which keeps the output the same. ok is false when an item of a
// ResourceList does not read as YAML on its own.
func runItems(src itemSource, cfg *config.Config) (runOutput, *krm.ItemWriter, inject.Summary, bool) {
	tr := inject.New(cfg)
	// A restricted namespace changes the templates in it, wherever they come. The byte search
	// only skips items that cannot be a Namespace or a List of them; what an item is, the parsed
	// item says. An item that does not read is reported by its own run below.
	var namespaces []*krm.Object
	var text bytes.Buffer
	for i := 0; i < src.Len(); i++ {
		if t := src.ItemText(i, &text); krm.MayHoldNamespace(t) {
			if o, _, err := krm.ReadItem(t); err == nil && o != nil {
				namespaces = append(namespaces, o)
			}
		}
	}
	tr.SetNamespaces(namespaces)

	var out runOutput
	items := &krm.ItemWriter{}
	ok := true
	wouldChange := 0
	// With the webhook off (a drop-in form) nothing is rendered; removal still takes out what an
	// earlier render added.
	mutate := !cfg.WebhookOff || cfg.Mode == config.RunRemove
	for r := range mutateItems(src, tr, cfg.Mode == config.RunCheck, mutate) {
		switch {
		case !ok:
		case r.failed:
			ok = false
		default:
			out.results = append(out.results, r.results...)
			out.problems = append(out.problems, r.problems...)
			items.Append(r.text)
			if r.wouldChange {
				wouldChange++
			}
		}
	}
	if !ok {
		return runOutput{}, nil, inject.Summary{}, false
	}
	sum := tr.Summary()
	closeResults(&out.results, sum, cfg, append(out.problems, out.results...), wouldChange)
	return out, items, sum, true
}

// runOutput is what a run reports: about the items that are resources, and about those that are
// not (problems), which the caller reports first.
type runOutput struct{ results, problems krm.Results }

// itemResult is one item, mutated and written.
type itemResult struct {
	text              []byte
	results, problems krm.Results
	failed            bool
	wouldChange       bool
}

// closeResults adds the summary, which says whether all (every result so far) has an error,
// and, with report.images, the image list.
func closeResults(rs *krm.Results, sum inject.Summary, cfg *config.Config, all krm.Results, wouldChange int) {
	rs.Infof("%s", summaryMessage(sum, cfg, all, wouldChange))
	if cfg.Report.Images {
		images := sum.ImageList()
		if len(images) == 0 {
			images = []string{"none"}
		}
		rs.Infof("inject-datadog images: %s", strings.Join(images, ", "))
	}
}

// summaryMessage is the summary's text: in check mode it says how many items would change
// instead of what was written back.
func summaryMessage(sum inject.Summary, cfg *config.Config, rs krm.Results, wouldChange int) string {
	var msg string
	switch {
	case cfg.WebhookOff && cfg.Mode != config.RunRemove:
		msg = webhookOffMessage
	case cfg.Mode == config.RunCheck:
		msg = sum.Message(false)
	default:
		msg = sum.Message(rs.HasErrors())
	}
	if cfg.Mode != config.RunCheck {
		return msg
	}
	msg += "; check: nothing written, "
	switch wouldChange {
	case 0:
		return msg + "every item is rendered with this config"
	case 1:
		return msg + "1 item would change"
	}
	return msg + fmt.Sprintf("%d items would change", wouldChange)
}

// webhookOffMessage is the summary of a run whose drop-in config switches the webhook off.
const webhookOffMessage = "inject-datadog: nothing injected: the functionConfig switches Datadog's admission webhook off, so every item is written back unchanged"

// reportChange is check mode's error for an item that rendering would change.
func reportChange(rs *krm.Results, o *krm.Object, before, after *yaml.Node) {
	field, change, _ := firstDifference(before, after, "")
	rs.Errorf(o, field, "not rendered with this config: inject-datadog %s here", change)
}

// mutateItems runs the items through the transformer on every core and yields them in input
// order. At most a few items per worker wait to be collected, so memory stays flat. Without
// mutate the items are only read, and written back as they came.
func mutateItems(src itemSource, tr *inject.Transformer, check, mutate bool) <-chan itemResult {
	workers := runtime.GOMAXPROCS(0)
	type job struct {
		i   int
		out chan itemResult
	}
	jobs := make(chan job)
	ordered := make(chan chan itemResult, 4*workers)
	go func() {
		for i := 0; i < src.Len(); i++ {
			out := make(chan itemResult, 1)
			ordered <- out
			jobs <- job{i, out}
		}
		close(jobs)
		close(ordered)
	}()
	for range workers {
		go func() {
			var text, tmp bytes.Buffer
			for j := range jobs {
				j.out <- mutateItem(src, tr, check, mutate, j.i, &text, &tmp)
			}
		}()
	}
	results := make(chan itemResult)
	go func() {
		for out := range ordered {
			results <- <-out
		}
		close(results)
	}()
	return results
}

// mutateItem reads, mutates and writes item i. An item the transform leaves alone is written as
// it came, byte for byte; an empty document (only comments) passes as it is.
//
// In check mode a changed item is written back as it came too, with an error saying where the
// rendered item would differ.
func mutateItem(src itemSource, tr *inject.Transformer, check, mutate bool, i int, text, tmp *bytes.Buffer) itemResult {
	t := src.ItemText(i, text)
	o, doc, err := krm.ReadItem(t)
	if err != nil || o == nil {
		p, ok := problem(src, i, t, err)
		return itemResult{text: src.Raw(i), problems: p, failed: !ok}
	}
	if !mutate {
		return itemResult{text: src.Raw(i)}
	}
	o.Source = src.File(i)
	rs, changed := tr.Object(o)
	r := itemResult{results: rs, text: src.Raw(i)}
	if changed && check {
		before, _, err := krm.ReadItem(src.ItemText(i, text))
		if err != nil || before == nil {
			return itemResult{failed: true}
		}
		before.Source = o.Source
		reportChange(&r.results, before, before.Node, o.Node)
		r.wouldChange = true
		return r
	}
	if changed {
		var out bytes.Buffer
		if err := src.Encode(i, doc, &out, tmp, text); err != nil {
			return itemResult{failed: true}
		}
		r.text = out.Bytes()
	}
	return r
}

// configResults reports the config's errors, or the warnings about settings it does not follow.
// Those settings are the render's: removal reads none of them, and does not warn about them
// (docs/migration.md "Leaving").
func configResults(rs *krm.Results, fc *krm.Object, cfg *config.Config, errs []config.Error) {
	for _, e := range errs {
		rs.Errorf(fc, e.Field, "%s", e.Message)
	}
	if cfg != nil && cfg.Mode != config.RunRemove {
		for _, w := range cfg.Warnings {
			rs.Warningf(fc, w.Field, "%s", w.Message)
		}
	}
}

func parseConfig(fc *krm.Object) (*config.Config, []config.Error) {
	var n *yaml.Node
	if fc != nil {
		n = fc.Node
	}
	return config.Parse(n)
}
