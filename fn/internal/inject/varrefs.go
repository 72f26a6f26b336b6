package inject

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/yamltree"
)

// This file checks the $(VAR) references of a container the way the kubelet expands them, without
// running anything: a reference Kubernetes cannot expand stays in the value as the literal text
// "$(VAR)", which the program then reads as if it were the value (a silent bug).
//
// The grammar is the one of k8s.io/kubernetes third_party/forked/golang/expansion/expand.go
// (Expand and tryReadVariableName), read byte by byte from the left:
//
//   - "$$" is an escaped "$": it writes one "$" and both bytes are consumed, so "$$(A)" is the
//     literal text "$(A)" and "$$$(A)" is a "$" followed by a reference to A;
//   - "$(" starts a reference whose name is every byte up to the first ")", whatever they are
//     (spaces, "$", "(" included: "$(A$(B)" names "A$(B"); without a ")" further on, the "$(" is
//     literal, and so is everything after it (no later ")" can close a reference either);
//   - "$" followed by any other byte is literal and consumes that byte; a "$" at the end is literal.
//
// An unknown name maps to "$(" + name + ")", the reference unchanged. "$()" asks for the empty
// name, which no variable has (the API server rejects an env entry without a name): it is always
// literal and is not reported.
//
// Which variables are in scope is pkg/kubelet/kubelet_pods.go makeEnvironmentVariables: envFrom is
// read first, then the env list in order, each value expanded (when not empty) with the variables
// set so far and the service link variables, before its own name is set; command and args are
// expanded afterwards with the whole environment (pkg/kubelet/container/helpers.go
// ExpandContainerCommandAndArgs).

// varRefProblem is a $(VAR) reference that Kubernetes will not expand.
type varRefProblem struct {
	Field      string // where the reference is, relative to the container: "env[3].value", "command[1]", "args[0]"
	Variable   string // the variable whose value holds the reference; "" for command and args
	Referenced string // the name referenced
	// Later is true for an env value whose reference names a variable the env list defines only at
	// this entry or after it; false when the container defines the name nowhere. A variable's own
	// entry counts as later (Referenced == Variable): the kubelet sets a variable only once its value
	// is expanded, so "A=$(A)" cannot see itself. A later definition is reported even when the
	// container has envFrom: envFrom may give the name a value, but never the one written in env.
	Later bool
}

// checkVarRefs returns the references of the container (a mapping node) that Kubernetes will not
// expand, in document order: env values first (in list order), then command, then args. A name
// referenced twice in one field is reported once, at its first reference.
//
// What is reported:
//   - in an env value, a name that is not defined before the entry (a duplicate name is defined
//     at its first entry) but is defined by this entry or a later one (Later); with envFrom, a
//     variable's reference to its own name is not reported, as "A=$(A)-suffix" then extends the
//     value envFrom gives A (the same for a Service link name, below);
//   - in an env value, command or args, a name the container defines nowhere, unless the
//     container has an envFrom entry (which may define any name), the name has the shape of a
//     Service's link variable (KUBERNETES_SERVICE_HOST, REDIS_PORT_6379_TCP_ADDR, ...: the kubelet
//     adds those for the services of the pod's namespace), or the name is not an environment
//     variable name in the classic sense ([-._a-zA-Z][-._a-zA-Z0-9]*): "$(date +%s)" in a shell
//     command is a command substitution for the shell, which Kubernetes leaves alone on purpose.
//
// Values that are not strings (valueFrom entries) hold no references. Aliases and merge keys are
// read through.
func checkVarRefs(container *yaml.Node) []varRefProblem {
	var entries []varRefEnvEntry
	first := map[string]int{} // name -> index of its first entry in the env list
	for i, e := range yamltree.Items(yamltree.Get(container, "env")) {
		name := yamltree.Get(e, "name")
		if e == nil || e.Kind != yaml.MappingNode || !yamltree.IsStr(name) || name.Value == "" {
			continue
		}
		entry := varRefEnvEntry{index: i, name: name.Value}
		if v := yamltree.Get(e, "value"); yamltree.IsStr(v) {
			entry.value = v.Value
		}
		entries = append(entries, entry)
		if _, ok := first[name.Value]; !ok {
			first[name.Value] = i
		}
	}
	envFrom := len(yamltree.Items(yamltree.Get(container, "envFrom"))) > 0
	// outside reports a name that may be defined outside the env list: by envFrom or a Service.
	outside := func(name string) bool {
		return envFrom || varRefServiceLink.MatchString(name)
	}
	// nowhere reports a name the env list does not define that is worth a report.
	nowhere := func(name string) bool {
		_, inEnv := first[name]
		return !inEnv && !outside(name) && varRefEnvName.MatchString(name)
	}

	var out []varRefProblem
	for _, e := range entries {
		field := fmt.Sprintf("env[%d].value", e.index)
		for _, ref := range varRefNames(e.value) {
			at, inEnv := first[ref]
			switch {
			case inEnv && at < e.index:
				// defined earlier: expanded
			case ref == e.name && outside(ref):
				// "A=$(A)": the value envFrom or a Service gives A, if any
			case inEnv:
				out = append(out, varRefProblem{Field: field, Variable: e.name, Referenced: ref, Later: true})
			case nowhere(ref):
				out = append(out, varRefProblem{Field: field, Variable: e.name, Referenced: ref})
			}
		}
	}
	for _, key := range []string{"command", "args"} {
		for i, item := range yamltree.Items(yamltree.Get(container, key)) {
			if !yamltree.IsStr(item) {
				continue
			}
			for _, ref := range varRefNames(item.Value) {
				if nowhere(ref) {
					out = append(out, varRefProblem{Field: fmt.Sprintf("%s[%d]", key, i), Referenced: ref})
				}
			}
		}
	}
	return out
}

// varRefEnvEntry is one named entry of a container's env list.
type varRefEnvEntry struct {
	index int    // position in the env list as written
	name  string // its variable
	value string // its value when it is a string, else ""
}

// varRefNames lists the distinct names s references, in the order of their first reference,
// following the kubelet's grammar (see the top of this file). The empty name of "$()" is left out.
func varRefNames(s string) []string {
	var names []string
	seen := map[string]bool{}
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '$' {
			continue
		}
		if s[i+1] != '(' {
			i++ // "$$" (an escaped "$") or "$x": literal, and the next byte with it
			continue
		}
		end := strings.IndexByte(s[i+2:], ')')
		if end < 0 {
			break // "$(" without a ")" after it: the rest of s is literal
		}
		name := s[i+2 : i+2+end]
		if name != "" && !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
		i += 2 + end // on the ")"
	}
	return names
}

var (
	// varRefEnvName is an environment variable name as Kubernetes validated them before
	// RelaxedEnvironmentVariableValidation (k8s.io/apimachinery/pkg/util/validation
	// IsEnvVarName): the names a reference is written for. Newer clusters accept any printable
	// ASCII but "=", so a name outside this pattern still counts as defined when env defines it.
	varRefEnvName = regexp.MustCompile(`^[-._a-zA-Z][-._a-zA-Z0-9]*$`)
	// varRefServiceLink is the shape of the variables the kubelet sets for a Service
	// (pkg/kubelet/envvars FromServices): the service's name upper-cased with "-" and "." as
	// "_", then _SERVICE_HOST, _SERVICE_PORT, _SERVICE_PORT_<PORT NAME>, _PORT,
	// _PORT_<port>_<PROTOCOL> and that followed by _PROTO, _PORT or _ADDR.
	varRefServiceLink = regexp.MustCompile(`^[A-Z0-9_]+_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_[0-9]+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)?)$`)
)

// message is the problem as one line naming the container, the variable holding the reference
// (or the field, for command and args) and the name referenced.
func (p varRefProblem) message(container string) string {
	ref := "$(" + p.Referenced + ")"
	if !varRefPlain(p.Referenced) {
		ref = strconv.Quote(ref)
	}
	where := p.Field
	if p.Variable != "" {
		where = "env " + p.Variable
		if !varRefPlain(p.Variable) {
			where = "env " + strconv.Quote(p.Variable)
		}
	}
	var why string
	switch {
	case p.Later && p.Referenced == p.Variable:
		why = "its own name, which is not defined yet in its own value"
	case p.Later:
		why = "which is defined later in the env list"
	default:
		why = "which the container does not define"
	}
	return fmt.Sprintf("container %q: %s refers to %s, %s: Kubernetes leaves it unexpanded", container, where, ref, why)
}

// varRefPlain reports a name that prints as it is on one line: printable ASCII, no quote.
func varRefPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' || s[i] == '"' {
			return false
		}
	}
	return true
}
