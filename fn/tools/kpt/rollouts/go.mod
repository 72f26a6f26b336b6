// A compile-only stand-in for github.com/kptdev/kpt/rollouts, which the Go module proxy refuses to
// serve. See api/v1alpha1/standin.go.
module github.com/kptdev/kpt/rollouts

go 1.26

require k8s.io/apimachinery v0.34.1
