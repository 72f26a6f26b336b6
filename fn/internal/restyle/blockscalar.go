package restyle

import "bytes"

// blockScalars returns the line ranges [start, end) of the block scalars ("key: |", "- >-") in
// lines: the header line, then every line that is blank or indented deeper than the header's
// key or dash. A block scalar's header and body are one node: its indicator, chomping and
// indentation say how the body lines read, so the merge never takes the header from one side
// and the body from the other. A range may take in a line or two more than the scalar holds
// (a sibling key indented as deep), which only makes the merge more careful.
func blockScalars(lines [][]byte) [][2]int {
	var units [][2]int
	for i := 0; i < len(lines); i++ {
		indent, ok := blockHeader(lines[i])
		if !ok {
			continue
		}
		end := i + 1
		for end < len(lines) {
			body := bytes.TrimRight(lines[end], " \t\r\n")
			if len(body) > 0 && len(body)-len(bytes.TrimLeft(body, " ")) <= indent {
				break
			}
			end++
		}
		units = append(units, [2]int{i, end})
		i = end - 1
	}
	return units
}

// blockHeader reports whether line opens a block scalar, and the indentation its body lines
// must exceed: that of the key the scalar is the value of, or of the dash of a list item that
// is the scalar itself.
func blockHeader(line []byte) (indent int, ok bool) {
	t := bytes.TrimRight(line, " \t\r\n")
	if c := bytes.Index(t, []byte(" #")); c >= 0 {
		t = bytes.TrimRight(t[:c], " \t")
	}
	// The indicators: "|" or ">", then a chomping sign and an indentation digit in either order.
	j := len(t)
	for j > 0 && (t[j-1] == '+' || t[j-1] == '-' || t[j-1] >= '0' && t[j-1] <= '9') && len(t)-j < 2 {
		j--
	}
	if j == 0 || t[j-1] != '|' && t[j-1] != '>' {
		return 0, false
	}
	head := t[:j-1]
	switch {
	case len(bytes.TrimSpace(head)) == 0:
		// "|" on a line of its own, under its key: the key's line is above it; any deeper
		// line is its body.
		return len(head) - 1, true
	case bytes.HasSuffix(head, []byte(": ")) || bytes.HasSuffix(head, []byte(":\t")):
	case bytes.HasSuffix(head, []byte("- ")):
		return bytes.LastIndex(head, []byte("- ")), true
	default:
		return 0, false
	}
	// A key's value: its body is indented deeper than the key, which follows any dashes.
	indent = 0
	for indent < len(head) && (head[indent] == ' ' || head[indent] == '-' && indent+1 < len(head) && head[indent+1] == ' ') {
		indent++
	}
	return indent, true
}

// splitsBlockScalar reports whether a hunk of one side and a hunk of the other both meet the
// lines of one block scalar of base: taking some of its lines from each side would pair one
// side's header with the other's body.
func splitsBlockScalar(units [][2]int, mine, change []hunk) bool {
	for _, u := range units {
		if hunksMeet(mine, u) && hunksMeet(change, u) {
			return true
		}
	}
	return false
}

// hunksMeet reports whether a hunk changes a line of u or inserts lines inside it.
func hunksMeet(hs []hunk, u [2]int) bool {
	for _, h := range hs {
		if h.a0 < u[1] && u[0] < h.a1 || h.a0 == h.a1 && h.a0 > u[0] && h.a0 < u[1] {
			return true
		}
	}
	return false
}
