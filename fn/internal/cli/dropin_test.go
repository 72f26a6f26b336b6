package cli

import "testing"

// The same workloads rendered under the Datadog Helm chart's values, a DatadogAgent and the
// equivalent native config come out identical (docs/migration.md "Coming from the webhook").
func TestDropInFormsRenderAlike(t *testing.T) {
	outputs := map[string]string{}
	for _, name := range []string{"dropin-native", "dropin-helm-values", "dropin-datadogagent"} {
		out, stderr, code := run(goldenInput(t, "testdata/golden/"+name))
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s", name, code, stderr)
		}
		outputs[name] = itemsOf(t, out)
	}
	for _, name := range []string{"dropin-helm-values", "dropin-datadogagent"} {
		if outputs[name] != outputs["dropin-native"] {
			t.Errorf("%s renders otherwise than the native config:\n%s", name, diffLines(outputs["dropin-native"], outputs[name]))
		}
	}
}
