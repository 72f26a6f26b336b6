package restyle

import "bytes"

// A line diff for restyle: the shortest edit script between two texts, by Myers' O(ND) greedy
// search. The texts are items of a few hundred lines whose differences are few, so the search
// stops early; past a bound on the edits it gives up, and restyle writes go-yaml's layout.

// hunk says that lines a[a0:a1] become lines b[b0:b1]; either side may be empty.
type hunk struct{ a0, a1, b0, b1 int }

// splitLines cuts text into its lines, each with its "\n" (the last may lack one).
func splitLines(text []byte) [][]byte {
	lines := make([][]byte, 0, bytes.Count(text, []byte("\n"))+1)
	for i := 0; i < len(text); {
		l := lineAt(text, i)
		lines = append(lines, l)
		i += len(l)
	}
	return lines
}

// lineAt returns the line that starts at offset i, "\n" included.
func lineAt(in []byte, i int) []byte {
	if j := bytes.IndexByte(in[i:], '\n'); j >= 0 {
		return in[i : i+j+1]
	}
	return in[i:]
}

// lineIDs numbers lines so that equal lines get equal numbers, across every text given to it:
// the search then compares integers.
type lineIDs map[string]int32

func (ids lineIDs) of(lines [][]byte) []int32 {
	out := make([]int32, len(lines))
	for i, l := range lines {
		id, ok := ids[string(l)]
		if !ok {
			id = int32(len(ids))
			ids[string(l)] = id
		}
		out[i] = id
	}
	return out
}

// lineDiff returns the hunks that turn a into b, in order, or false when that takes more than
// maxEdits inserted and deleted lines.
func lineDiff(a, b []int32, maxEdits int) ([]hunk, bool) {
	// The common start and end cost nothing to set aside, and are most of an item.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	hunks, ok := myers(a[pre:len(a)-suf], b[pre:len(b)-suf], maxEdits)
	for i := range hunks {
		hunks[i].a0 += pre
		hunks[i].a1 += pre
		hunks[i].b0 += pre
		hunks[i].b1 += pre
	}
	return hunks, ok
}

// myers is the greedy forward search. After d edits, v[k] is the furthest x reached on diagonal
// k = x - y; each step's v is kept (for k in -d..d, at offset d*d) to trace the path back.
func myers(a, b []int32, maxEdits int) ([]hunk, bool) {
	n, m := len(a), len(b)
	if n == 0 && m == 0 {
		return nil, true
	}
	limit := min(n+m, maxEdits)
	v := make([]int, 2*limit+3)
	off := limit + 1
	var trace []int32
	for d := 0; d <= limit; d++ {
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1] // down: a line of b inserted
			} else {
				x = v[off+k-1] + 1 // right: a line of a deleted
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(trace, d, n, m), true
			}
		}
		for k := -d; k <= d; k++ {
			trace = append(trace, int32(v[off+k]))
		}
	}
	return nil, false
}

// backtrack follows the search's steps from (n, m) back to the start and gathers the edits into
// hunks.
func backtrack(trace []int32, dEnd, n, m int) []hunk {
	at := func(d, k int) int { return int(trace[d*d+k+d]) }
	var rev []hunk // one edit each, last first
	x, y := n, m
	for d := dEnd; d > 0; d-- {
		k := x - y
		var prevK int
		if k == -d || (k != d && at(d-1, k-1) < at(d-1, k+1)) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		px := at(d-1, prevK)
		py := px - prevK
		if prevK == k+1 {
			rev = append(rev, hunk{px, px, py, py + 1})
		} else {
			rev = append(rev, hunk{px, px + 1, py, py})
		}
		x, y = px, py
	}
	var hunks []hunk
	for i := len(rev) - 1; i >= 0; i-- {
		e := rev[i]
		if len(hunks) > 0 {
			if last := &hunks[len(hunks)-1]; last.a1 == e.a0 && last.b1 == e.b0 {
				last.a1, last.b1 = e.a1, e.b1
				continue
			}
		}
		hunks = append(hunks, e)
	}
	return hunks
}
