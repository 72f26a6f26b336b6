package cli

import (
	"bytes"
	"strings"
	"testing"

	"inject-datadog/fn/internal/config"
)

func TestHelpListsEveryField(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Main([]string{"--help"}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("--help exited %d", code)
	}
	for _, p := range config.Paths() {
		if !strings.Contains(out.String(), "  "+p+" ") {
			t.Errorf("--help does not document %s", p)
		}
	}
}

func TestArguments(t *testing.T) {
	tests := []struct {
		args        []string
		code        int
		out, errOut string
	}{
		{[]string{"--version"}, 0, "inject-datadog dev\n", ""},
		{[]string{"--frobnicate"}, 1, "", "inject-datadog: error: unknown argument \"--frobnicate\": the flags are --config FILE, --check, --remove, --explain, --images, --verbose, --help and --version (see --help)\n"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		code := Main(tt.args, strings.NewReader(""), &out, &errOut)
		if code != tt.code || out.String() != tt.out || errOut.String() != tt.errOut {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", tt.args, code, out.String(), errOut.String())
		}
	}
}
