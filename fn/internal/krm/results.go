package krm

import (
	"fmt"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// Results collects what the run reports. Errors and warnings name the object, the field path and
// the file when known; the same text goes to stderr, because kustomize never shows results.
type Results []*fn.Result

func (r *Results) add(sev fn.Severity, o *Object, field, format string, args ...any) {
	res := &fn.Result{Severity: sev, Message: fmt.Sprintf(format, args...)}
	if o != nil && (o.Kind() != "" || o.Name() != "") {
		res.ResourceRef = o.Ref()
	}
	if o != nil {
		res.File = o.File()
	}
	if field != "" {
		res.Field = &fn.Field{Path: field}
	}
	*r = append(*r, res)
}

// Errorf reports an error about the field of o (o may be nil, field may be empty).
func (r *Results) Errorf(o *Object, field, format string, args ...any) {
	r.add(fn.Error, o, field, format, args...)
}

// Warningf reports a warning about the field of o.
func (r *Results) Warningf(o *Object, field, format string, args ...any) {
	r.add(fn.Warning, o, field, format, args...)
}

// Infof reports an info result.
func (r *Results) Infof(format string, args ...any) {
	r.add(fn.Info, nil, "", format, args...)
}

// HasErrors reports whether any result is an error.
func (r Results) HasErrors() bool {
	for _, res := range r {
		if res.Severity == fn.Error {
			return true
		}
	}
	return false
}

// SDK returns the results as the SDK's type, for encoding.
func (r Results) SDK() fn.Results { return fn.Results(r) }

// Line renders one result for stderr: severity, what, where, then the message.
func Line(res *fn.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "inject-datadog: %s: ", res.Severity)
	if ref := res.ResourceRef; ref != nil {
		b.WriteString(ref.Kind)
		if ref.Namespace != "" {
			fmt.Fprintf(&b, " %s/%s", ref.Namespace, ref.Name)
		} else {
			fmt.Fprintf(&b, " %s", ref.Name)
		}
		if res.File != nil {
			fmt.Fprintf(&b, " (file %s", res.File.Path)
			if res.File.Index > 0 {
				fmt.Fprintf(&b, ", document %d", res.File.Index+1) // counted from 1, as a person counts
			}
			b.WriteString(")")
		}
		b.WriteString(": ")
	}
	if res.Field != nil {
		fmt.Fprintf(&b, "%s: ", res.Field.Path)
	}
	b.WriteString(res.Message)
	return b.String()
}

// InfoAbout reports an info result about o.
func (r *Results) InfoAbout(o *Object, format string, args ...any) {
	r.add(fn.Info, o, "", format, args...)
}
