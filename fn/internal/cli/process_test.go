package cli

import (
	"bytes"

	"inject-datadog/fn/internal/krm"
)

// process is ProcessTo into a buffer, for tests: out is nil when err is not.
func process(in []byte) (out []byte, rs krm.Results, err error) {
	var buf bytes.Buffer
	rs, err = ProcessTo(in, &buf)
	if err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), rs, nil
}
