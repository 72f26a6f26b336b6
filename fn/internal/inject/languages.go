package inject

import "strings"

// mergeRule says what happens to a language variable the container already sets with a value.
type mergeRule int

const (
	// appendValue adds the new part after the existing value (JAVA_TOOL_OPTIONS and friends: the
	// new part starts with a space).
	appendValue mergeRule = iota
	// prependPath puts the new part first in a ':'-separated path list (PYTHONPATH).
	prependPath
	// replaceValue sets the variable to the new value.
	replaceValue
	// joinPath adds the new part after the existing value, ':'-separated (LD_PRELOAD).
	joinPath
)

// langVar is one environment variable a language needs in the language-env method.
type langVar struct {
	name, value string
	merge       mergeRule
}

// merged returns the value to write given the existing one, and false when nothing is to change
// (the new part is already there: running the output again must not add it twice).
func (v langVar) merged(existing string) (string, bool) {
	switch {
	case existing == "":
		return v.value, true
	case v.merge == replaceValue:
		return v.value, existing != v.value
	case strings.Contains(existing, strings.TrimSpace(v.value)):
		return existing, false
	case v.merge == prependPath:
		return v.value + ":" + existing, true
	case v.merge == joinPath:
		return existing + ":" + v.value, true
	default:
		return existing + v.value, true
	}
}

// language is one tracing library: its init image and what the language-env method adds to the
// containers that load it.
type language struct {
	name string
	// env is nil for a language the language-env method cannot inject.
	env []langVar
}

// image is the repository name of the language's init image under the registry.
func (l language) image() string { return "dd-lib-" + l.name + "-init" }

// initName is the name of the init container that copies the library.
func (l language) initName() string { return "datadog-lib-" + l.name + "-init" }

// languages is the table of docs/behaviour.md "Tracing libraries", in Datadog's injection order.
var languages = []language{
	{name: "java", env: []langVar{{"JAVA_TOOL_OPTIONS",
		" -javaagent:/datadog-lib/dd-java-agent.jar -XX:OnError=/datadog-lib/java/continuousprofiler/tmp/dd_crash_uploader.sh -XX:ErrorFile=/datadog-lib/java/continuousprofiler/tmp/hs_err_pid_%p.log",
		appendValue}}},
	{name: "js", env: []langVar{{"NODE_OPTIONS", " --require=/datadog-lib/node_modules/dd-trace/init", appendValue}}},
	{name: "python", env: []langVar{{"PYTHONPATH", "/datadog-lib/", prependPath}}},
	{name: "dotnet", env: []langVar{
		{"CORECLR_ENABLE_PROFILING", "1", replaceValue},
		{"CORECLR_PROFILER", "{846F5F1C-F9AE-4B07-969E-05C26BC060D8}", replaceValue},
		{"CORECLR_PROFILER_PATH", "/datadog-lib/Datadog.Trace.ClrProfiler.Native.so", replaceValue},
		{"DD_DOTNET_TRACER_HOME", "/datadog-lib", replaceValue},
		{"DD_TRACE_LOG_DIRECTORY", "/datadog-lib/logs", replaceValue},
	}},
	{name: "ruby", env: []langVar{{"RUBYOPT", " -r/datadog-lib/auto_inject", appendValue}}},
	// php ships only for the apm-inject method.
	{name: "php"},
}

// languageNamed finds a language of the table.
func languageNamed(name string) (language, bool) {
	for _, l := range languages {
		if l.name == name {
			return l, true
		}
	}
	return language{}, false
}
