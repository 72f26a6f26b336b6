package inject

import (
	"bytes"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/krm"
	"inject-datadog/fn/internal/yamltree"
)

// A render gives a template its own copy of every aliased node it writes into (README "YAML
// anchors and aliases"); the record notes each alias it turned into a copy, and each anchor it
// took the name off, so that removal can share them again and give the user's text back
// (README "Leaving").

// shareRecord is an anchor whose sharing a render undid. At and Copies are JSON pointers from
// the top of the item (the ResourceList's item, or the stream's document); one that starts with
// "../" is from the top of the ResourceList, for an item that shared a node with another.
type shareRecord struct {
	Anchor  string   `json:"anchor"`
	At      string   `json:"at"`
	Cleared bool     `json:"cleared,omitempty"`
	Copies  []string `json:"copies,omitempty"`
}

// documentPointer starts the pointers that are from the top of the ResourceList: "../items/1/...".
const documentPointer = ".."

// NeedsWholeDocument reports input whose records may share a node between items: removal must
// read it as one document. A false alarm only costs speed.
func NeedsWholeDocument(in []byte) bool {
	return bytes.Contains(in, []byte(documentPointer+"/items/"))
}

// itemTop is the top node of the item o is in: o itself, or the List that holds it.
func itemTop(o *krm.Object) *yaml.Node {
	for o.List != nil {
		o = o.List
	}
	return o.Node
}

// noteShares adds to the record what the template's edits unshared since the last note.
func (p *pod) noteShares() {
	tree := p.t.Object.Tree
	if tree == nil {
		return
	}
	log, keys := tree.TakeUnshared()
	if len(log) == 0 && len(keys) == 0 {
		return
	}
	want := map[*yaml.Node]bool{}
	for _, s := range log {
		want[s.Anchor] = true
		for _, c := range s.Copies {
			want[c] = true
		}
	}
	for _, k := range keys {
		want[k.Map] = true
	}
	at := yamltree.Pointers(itemTop(p.t.Object), want)
	if top := tree.Top(); len(at) < len(want) && top != itemTop(p.t.Object) {
		for n, ptr := range yamltree.Pointers(top, want) {
			if _, ok := at[n]; !ok {
				at[n] = documentPointer + ptr
			}
		}
	}
	for _, s := range log {
		ptr, ok := at[s.Anchor]
		if !ok {
			continue
		}
		r := shareRecord{Anchor: s.Name, At: ptr, Cleared: s.Cleared}
		for _, c := range s.Copies {
			if ptr, ok := at[c]; ok {
				r.Copies = append(r.Copies, ptr)
			}
		}
		p.shares = append(p.shares, r)
	}
	for _, k := range keys {
		if ptr, ok := at[k.Map]; ok {
			p.mergedKeys = append(p.mergedKeys, ptr+"/"+yamltree.EscapePointer(k.Key))
		}
	}
}

// recordShares moves the notes into the record, which keeps those of earlier renders.
func (p *pod) recordShares() {
	p.noteShares()
	for _, s := range p.shares {
		i := slices.IndexFunc(p.rec.Shares, func(r shareRecord) bool { return r.At == s.At && r.Anchor == s.Anchor })
		if i < 0 {
			p.rec.Shares = append(p.rec.Shares, s)
			continue
		}
		r := &p.rec.Shares[i]
		r.Cleared = r.Cleared || s.Cleared
		for _, c := range s.Copies {
			if !slices.Contains(r.Copies, c) {
				r.Copies = append(r.Copies, c)
			}
		}
	}
	for _, k := range p.mergedKeys {
		if !slices.Contains(p.rec.MergedKeys, k) {
			p.rec.MergedKeys = append(p.rec.MergedKeys, k)
		}
	}
	p.shares, p.mergedKeys = nil, nil
}

// pendingShares is a removed template's record of sharing, kept until every template of the
// document is removed: only then do the copies hold what their anchors hold again.
type pendingShares struct {
	o          *krm.Object
	shares     []shareRecord
	mergedKeys []string
}

// queueShares keeps the record's sharing for Reshare.
func (tr *Transformer) queueShares(o *krm.Object, rec *record) {
	if o.Tree == nil || (len(rec.Shares) == 0 && len(rec.MergedKeys) == 0) {
		return
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.pending == nil {
		tr.pending = map[*yamltree.Tree][]pendingShares{}
	}
	tr.pending[o.Tree] = append(tr.pending[o.Tree], pendingShares{o, rec.Shares, rec.MergedKeys})
}

// Reshare ends a removal of the document tree: the keys a render took from a merge key go, the
// anchors get their names back and the copies become aliases again, where each still holds
// exactly what its anchor holds (README "Leaving"). What cannot be shared again stays a copy,
// with a warning. It reports whether it changed anything.
func (tr *Transformer) Reshare(tree *yamltree.Tree) (krm.Results, bool) {
	if !tr.summary.removal || tree == nil {
		return nil, false
	}
	tr.mu.Lock()
	pending := tr.pending[tree]
	delete(tr.pending, tree)
	tr.mu.Unlock()
	var rs krm.Results
	changed := false
	type copyOf struct {
		p      pendingShares
		anchor *yaml.Node
		ptr    string
	}
	var copies []copyOf
	for _, p := range pending {
		warn := func(ptr, format string, args ...any) { rs.Warningf(p.o, pointerField(ptr), format, args...) }
		for _, ptr := range p.mergedKeys {
			i := strings.LastIndex(ptr, "/")
			m, key := resolvePointer(tree, p.o, ptr[:i]), yamltree.UnescapePointer(ptr[i+1:])
			own, merged := yamltree.Get(m, key), yamltree.MergedValue(m, key)
			if own == nil || merged == nil || own == merged || !yamltree.Equal(merged, own) {
				warn(ptr, "kept: %s no longer holds what the merge key gives it", key)
				continue
			}
			yamltree.DropOwnKey(yamltree.Resolve(m), key)
			changed = true
		}
		for _, s := range p.shares {
			a := resolvePointer(tree, p.o, s.At)
			if a == nil || (s.Cleared && !tree.Name(a, s.Anchor)) || a.Anchor != s.Anchor {
				warn(s.At, "kept: the anchor &%s cannot be written here again; its aliases stay copies", s.Anchor)
				continue
			}
			changed = changed || s.Cleared
			for _, c := range s.Copies {
				copies = append(copies, copyOf{p, a, c})
			}
		}
	}
	// The last copies made first: a copy made inside another copy is shared again before the
	// outer one is compared with its anchor.
	for i := len(copies) - 1; i >= 0; i-- {
		c := copies[i]
		if n := resolvePointer(tree, c.p.o, c.ptr); n == nil || !tree.Alias(c.anchor, n) {
			rs.Warningf(c.p.o, pointerField(c.ptr), "kept as a copy: it no longer holds what &%s holds", c.anchor.Anchor)
			continue
		}
		changed = true
	}
	return rs, changed
}

// resolvePointer is the node a record's pointer names, nil when it names none here.
func resolvePointer(tree *yamltree.Tree, o *krm.Object, ptr string) *yaml.Node {
	if rest, ok := strings.CutPrefix(ptr, documentPointer); ok {
		if top := tree.Top(); top != itemTop(o) {
			return yamltree.At(top, rest)
		}
		return nil
	}
	return yamltree.At(itemTop(o), ptr)
}

// pointerField writes a pointer as the field paths of results: "spec.containers[1].env".
func pointerField(ptr string) string {
	var b strings.Builder
	for i, step := range strings.Split(strings.TrimPrefix(strings.TrimPrefix(ptr, documentPointer), "/"), "/") {
		step = yamltree.UnescapePointer(step)
		switch {
		case step != "" && strings.Trim(step, "0123456789") == "":
			b.WriteString("[" + step + "]")
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(step)
		}
	}
	return b.String()
}
