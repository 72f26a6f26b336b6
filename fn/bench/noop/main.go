// Command noop is the yardstick of `make bench`: a KRM function built the ordinary way on the
// SDK (fn.AsMain) that changes nothing.
package main

import (
	"os"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

func main() {
	if err := fn.AsMain(fn.ResourceListProcessorFunc(func(*fn.ResourceList) (bool, error) { return true, nil })); err != nil {
		os.Exit(1)
	}
}
