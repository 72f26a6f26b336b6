package inject

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"inject-datadog/fn/internal/podtemplate"
)

// libConfig is the JSON of an admission.datadoghq.com/<lang>-lib.config.v1 or all-lib.config.v1
// annotation. Keys Datadog parses without turning them into variables (library_language,
// library_version, version...) are accepted and ignored, as Datadog does.
type libConfig struct {
	ServiceName                    *string          `json:"service_name"`
	Env                            *string          `json:"env"`
	TracingEnabled                 *bool            `json:"tracing_enabled"`
	LogInjectionEnabled            *bool            `json:"log_injection_enabled"`
	HealthMetricsEnabled           *bool            `json:"health_metrics_enabled"`
	RuntimeMetricsEnabled          *bool            `json:"runtime_metrics_enabled"`
	TracingSamplingRate            *float64         `json:"tracing_sampling_rate"`
	TracingRateLimit               *int             `json:"tracing_rate_limit"`
	TracingTags                    []string         `json:"tracing_tags"`
	TracingServiceMapping          []serviceMapping `json:"tracing_service_mapping"`
	TracingAgentTimeout            *int             `json:"tracing_agent_timeout"`
	TracingHeaderTags              []headerTag      `json:"tracing_header_tags"`
	TracingPartialFlushMinSpans    *int             `json:"tracing_partial_flush_min_spans"`
	TracingDebug                   *bool            `json:"tracing_debug"`
	TracingLogLevel                *string          `json:"tracing_log_level"`
	TracingMethods                 []string         `json:"tracing_methods"`
	TracingPropagationStyleInject  []string         `json:"tracing_propagation_style_inject"`
	TracingPropagationStyleExtract []string         `json:"tracing_propagation_style_extract"`
	DataStreamsEnabled             *bool            `json:"data_streams_enabled"`
}

type serviceMapping struct {
	FromKey string `json:"from_key"`
	ToName  string `json:"to_name"`
}

type headerTag struct {
	Header  string `json:"header"`
	TagName string `json:"tag_name"`
}

func (m serviceMapping) pair() string { return m.FromKey + ":" + m.ToName }
func (h headerTag) pair() string      { return h.Header + ":" + h.TagName }

// pairs writes each entry as "key:value"; nil stays nil, so that an absent setting stays absent.
func pairs[T interface{ pair() string }](entries []T) []string {
	if entries == nil {
		return nil
	}
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.pair()
	}
	return out
}

// vars turns the config into variables, in the order of the reference's table (Datadog's
// ToEnvs), with its formatting: rates with two decimals, lists joined.
func (c libConfig) vars() [][2]string {
	var out [][2]string
	str := func(name string, v *string) {
		if v != nil {
			out = append(out, [2]string{name, *v})
		}
	}
	boolean := func(name string, v *bool) {
		if v != nil {
			out = append(out, [2]string{name, strconv.FormatBool(*v)})
		}
	}
	integer := func(name string, v *int) {
		if v != nil {
			out = append(out, [2]string{name, strconv.Itoa(*v)})
		}
	}
	list := func(name string, v []string, sep string) {
		if v != nil {
			out = append(out, [2]string{name, strings.Join(v, sep)})
		}
	}
	str("DD_SERVICE", c.ServiceName)
	str("DD_ENV", c.Env)
	boolean("DD_TRACE_ENABLED", c.TracingEnabled)
	boolean("DD_LOGS_INJECTION", c.LogInjectionEnabled)
	boolean("DD_TRACE_HEALTH_METRICS_ENABLED", c.HealthMetricsEnabled)
	boolean("DD_RUNTIME_METRICS_ENABLED", c.RuntimeMetricsEnabled)
	if c.TracingSamplingRate != nil {
		out = append(out, [2]string{"DD_TRACE_SAMPLE_RATE", fmt.Sprintf("%.2f", *c.TracingSamplingRate)})
	}
	integer("DD_TRACE_RATE_LIMIT", c.TracingRateLimit)
	list("DD_TAGS", c.TracingTags, ",")
	list("DD_TRACE_SERVICE_MAPPING", pairs(c.TracingServiceMapping), ", ")
	integer("DD_TRACE_AGENT_TIMEOUT", c.TracingAgentTimeout)
	list("DD_TRACE_HEADER_TAGS", pairs(c.TracingHeaderTags), ", ")
	integer("DD_TRACE_PARTIAL_FLUSH_MIN_SPANS", c.TracingPartialFlushMinSpans)
	boolean("DD_TRACE_DEBUG", c.TracingDebug)
	str("DD_TRACE_LOG_LEVEL", c.TracingLogLevel)
	list("DD_TRACE_METHODS", c.TracingMethods, ";")
	list("DD_PROPAGATION_STYLE_INJECT", c.TracingPropagationStyleInject, ",")
	list("DD_PROPAGATION_STYLE_EXTRACT", c.TracingPropagationStyleExtract, ",")
	boolean("DD_DATA_STREAMS_ENABLED", c.DataStreamsEnabled)
	return out
}

// parseLibConfig reads one config annotation; a value that is not such a JSON object is an error
// naming the annotation, the key and what it must be.
func parseLibConfig(value, field string) (libConfig, error) {
	var c libConfig
	dec := json.NewDecoder(bytes.NewReader([]byte(value)))
	err := dec.Decode(&c)
	if err == nil && dec.More() {
		err = errors.New("more than one JSON value")
	}
	if err == nil {
		return c, nil
	}
	var typeErr *json.UnmarshalTypeError
	msg := fmt.Sprintf("must be a JSON object of Datadog library settings: %v", err)
	if errors.As(err, &typeErr) {
		want := typeErr.Type.String()
		switch {
		case strings.Contains(want, "bool"):
			want = "a bool"
		case strings.Contains(want, "float"):
			want = "a number"
		case strings.Contains(want, "int"):
			want = "an integer"
		case strings.HasPrefix(want, "[]"):
			want = "a list"
		case strings.Contains(want, "string"):
			want = "a string"
		}
		if typeErr.Field == "" {
			msg = fmt.Sprintf("must be a JSON object of Datadog library settings, found a JSON %s", typeErr.Value)
		} else {
			msg = fmt.Sprintf("%s must be %s, found a JSON %s", typeErr.Field, want, typeErr.Value)
		}
	}
	return c, &podtemplate.FieldError{Field: field, Message: msg}
}

// libConfigEnv is the library-config part of the env block: each injected language's
// <lang>-lib.config.v1 (to that language's containers), then all-lib.config.v1 (to every library
// container). Per-language settings win over all-lib ones, through block order.
func (tr *Transformer) libConfigEnv(p *pod, libs []library) ([]envVar, error) {
	var block []envVar
	add := func(key string, only func(*container) bool) error {
		v, err := p.t.Annotation(annotationPrefix + key)
		if err != nil || !v.Found {
			return err
		}
		cfg, err := parseLibConfig(v.Text, v.Field)
		if err != nil {
			return err
		}
		for _, kv := range cfg.vars() {
			ev := valueVar(kv[0], kv[1])
			ev.only = only
			block = append(block, ev)
		}
		return nil
	}
	for _, lib := range libs {
		if err := add(lib.lang.name+"-lib.config.v1", lib.loads); err != nil {
			return nil, err
		}
	}
	if err := add("all-lib.config.v1", loadsAny(libs)); err != nil {
		return nil, err
	}
	return block, nil
}
