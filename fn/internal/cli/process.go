// Package cli is the command: it reads a ResourceList (or a plain stream of objects) from stdin,
// runs the transform, writes the result to stdout and every error and warning to stderr, and
// sets the exit code.
package cli

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/config"
	"inject-datadog/fn/internal/inject"
	"inject-datadog/fn/internal/krm"
	"inject-datadog/fn/internal/yamltree"
)

// ProcessTo is the whole function on a ResourceList, bytes in and bytes out to w. err means the
// input could not be read as a ResourceList, and nothing is written. Otherwise w receives the
// ResourceList, once the run is over: an item the run did not change keeps its bytes, and when
// any result is an error every item keeps its bytes, so that nothing half-done escapes.
//
// Inputs in the plain shape that kustomize and kpt write go item by item (processSplit), which
// takes a fraction of the memory; the rest go through the whole document (processWhole). Both
// give the same bytes.
func ProcessTo(in []byte, w io.Writer) (krm.Results, error) {
	rs, ok, err := processSplit(in, w)
	if ok || err != nil {
		return rs, err
	}
	return processWhole(in, w)
}

// processWhole reads, mutates and writes the ResourceList as one YAML document. When the input
// is in the plain shape after all (an item's aliases name another item's anchors, or an item is
// not a map), items are written one by one as processSplit writes them.
func processWhole(in []byte, w io.Writer) (krm.Results, error) {
	rl, err := krm.Read(in)
	if err != nil {
		return nil, err
	}
	rs := append(krm.Results{}, rl.Problems...)
	// Items whose aliases name another item's anchors cannot be written one by one: an edit of
	// one may change the other. Decided before any edit.
	selfContained := true
	for _, o := range rl.Items {
		selfContained = selfContained && yamltree.SelfContained(o.Node)
	}
	cfg, cerrs := parseConfig(rl.FunctionConfig)
	configResults(&rs, rl.FunctionConfig, cfg, cerrs)
	var changed []bool
	if cfg != nil {
		tr := inject.New(cfg)
		tr.SetNamespaces(rl.Items)
		var orig *krm.ResourceList
		if cfg.Mode == config.RunCheck {
			if orig, err = krm.Read(in); err != nil {
				return nil, fmt.Errorf("re-reading the input: %w", err)
			}
		}
		changed = make([]bool, len(rl.Items))
		wouldChange := 0
		for i, o := range rl.Items {
			r, ch := tr.Object(o)
			rs, changed[i] = append(rs, r...), ch
			if ch && orig != nil {
				wouldChange++
				reportChange(&rs, orig.Items[i], orig.Items[i].Node, o.Node)
			}
		}
		closeResults(&rs, tr.Summary(), cfg, wouldChange)
	}
	s, split := krm.SplitResourceList(in)
	if split && s.Len() != len(rl.Items) {
		split = false
	}
	if split && !rs.HasErrors() && !selfContained {
		split = false
	}
	if split {
		var items krm.ItemWriter
		var tmp, ours bytes.Buffer
		for i, o := range rl.Items {
			if rs.HasErrors() || !changed[i] {
				items.Append(s.Raw(i))
				continue
			}
			var text bytes.Buffer
			doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{o.Node}}
			if err := krm.WriteItem(doc, s.ItemText(i, &ours), &text, &tmp); err != nil {
				return nil, err
			}
			items.Append(text.Bytes())
		}
		if ok, err := s.Output(w, &items, rs); ok || err != nil {
			return rs, err
		}
	}
	if rs.HasErrors() {
		// Start again from the input: the items go out exactly as they came in.
		if rl, err = krm.Read(in); err != nil {
			return nil, fmt.Errorf("re-reading the input: %w", err)
		}
	}
	var buf bytes.Buffer
	if err := rl.Write(&buf, rs); err != nil {
		return nil, err
	}
	_, err = w.Write(buf.Bytes())
	return rs, err
}

// processSplit mutates the items one by one and writes them to w; ok is false, and nothing is
// written, when the input is not in the plain shape or an item cannot be read on its own (the
// whole-document path then redoes it). err is a failure to write.
func processSplit(in []byte, w io.Writer) (rs krm.Results, ok bool, err error) {
	s, ok := krm.SplitResourceList(in)
	if !ok {
		return nil, false, nil
	}
	cfg, cerrs := parseConfig(s.FunctionConfig)
	items := &krm.ItemWriter{}
	configResults(&rs, s.FunctionConfig, cfg, cerrs)
	if cfg != nil {
		var runResults krm.Results
		if runResults, items, _, ok = runItems(s, cfg); !ok {
			return nil, false, nil
		}
		rs = append(rs, runResults...)
	} else if !itemsRead(s) {
		return nil, false, nil // the whole document reports why it cannot be read
	}
	if rs.HasErrors() {
		items = &krm.ItemWriter{}
		for i := 0; i < s.Len(); i++ {
			items.Append(s.Raw(i))
		}
	}
	ok, err = s.Output(w, items, rs)
	return rs, ok, err
}

// itemsRead reports whether every item of s reads as a resource on its own.
func itemsRead(s *krm.Split) bool {
	var text bytes.Buffer
	for i := 0; i < s.Len(); i++ {
		if o, _, err := krm.ReadItem(s.ItemText(i, &text)); err != nil || o == nil {
			return false
		}
	}
	return true
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
	// EncodesAlone reports whether item i, changed, can be written on its own.
	EncodesAlone(i int) bool
}

// runItems mutates the items of src for cfg. The items are independent, so they are read,
// mutated and written on every core, and collected in input order, which keeps the output the
// same. ok is false when an item cannot be read on its own. The summary closes the results.
func runItems(src itemSource, cfg *config.Config) (krm.Results, *krm.ItemWriter, inject.Summary, bool) {
	tr := inject.New(cfg)
	// Namespaces first: a restricted one changes the templates in it, wherever they come. The
	// byte search only skips items that cannot be a Namespace or a List of them; what an item
	// is, the parsed item says.
	var namespaces []*krm.Object
	var text bytes.Buffer
	for i := 0; i < src.Len(); i++ {
		if t := src.ItemText(i, &text); krm.MayHoldNamespace(t) {
			o, _, err := krm.ReadItem(t)
			if err != nil {
				return nil, nil, inject.Summary{}, false
			}
			if o != nil {
				namespaces = append(namespaces, o)
			}
		}
	}
	tr.SetNamespaces(namespaces)

	var rs krm.Results
	items := &krm.ItemWriter{}
	ok := true
	wouldChange := 0
	for r := range mutateItems(src, tr, cfg.Mode == config.RunCheck) {
		switch {
		case !ok:
		case r.failed:
			ok = false
		default:
			rs = append(rs, r.results...)
			items.Append(r.text)
			if r.wouldChange {
				wouldChange++
			}
		}
	}
	if !ok {
		return nil, nil, inject.Summary{}, false
	}
	sum := tr.Summary()
	closeResults(&rs, sum, cfg, wouldChange)
	return rs, items, sum, true
}

// itemResult is one item, mutated and written.
type itemResult struct {
	text        []byte
	results     krm.Results
	failed      bool
	wouldChange bool
}

// closeResults adds the summary and, with report.images, the image list.
func closeResults(rs *krm.Results, sum inject.Summary, cfg *config.Config, wouldChange int) {
	rs.Infof("%s", summaryMessage(sum, cfg, *rs, wouldChange))
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
	if cfg.Mode != config.RunCheck {
		return sum.Message(rs.HasErrors())
	}
	msg := sum.Message(false) + "; check: nothing written, "
	switch wouldChange {
	case 0:
		return msg + "every item is rendered with this config"
	case 1:
		return msg + "1 item would change"
	}
	return msg + fmt.Sprintf("%d items would change", wouldChange)
}

// reportChange is check mode's error for an item that rendering would change.
func reportChange(rs *krm.Results, o *krm.Object, before, after *yaml.Node) {
	field, change, _ := firstDifference(before, after, "")
	rs.Errorf(o, field, "not rendered with this config: inject-datadog %s here", change)
}

// mutateItems runs the items through the transformer on every core and yields them in input
// order. At most a few items per worker wait to be collected, so memory stays flat.
func mutateItems(src itemSource, tr *inject.Transformer, check bool) <-chan itemResult {
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
				j.out <- mutateItem(src, tr, check, j.i, &text, &tmp)
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
func mutateItem(src itemSource, tr *inject.Transformer, check bool, i int, text, tmp *bytes.Buffer) itemResult {
	o, doc, err := krm.ReadItem(src.ItemText(i, text))
	if err != nil {
		return itemResult{failed: true}
	}
	if o == nil {
		// An empty document passes in a stream; an item of a ResourceList must be a resource,
		// which the whole document reports.
		if _, stream := src.(*krm.Stream); !stream {
			return itemResult{failed: true}
		}
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
		if !src.EncodesAlone(i) {
			return itemResult{failed: true}
		}
		var out bytes.Buffer
		if err := src.Encode(i, doc, &out, tmp, text); err != nil {
			return itemResult{failed: true}
		}
		r.text = out.Bytes()
	}
	return r
}

// configResults reports the config's errors, or the warnings about settings it does not follow.
func configResults(rs *krm.Results, fc *krm.Object, cfg *config.Config, errs []config.Error) {
	for _, e := range errs {
		rs.Errorf(fc, e.Field, "%s", e.Message)
	}
	if cfg != nil {
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
