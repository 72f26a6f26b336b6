// Package podtemplate finds the pod templates of resources: the one place that maps kinds to the
// path of their pod template, and that reads a template's labels and annotations.
package podtemplate

import (
	"strings"

	"inject-datadog/fn/internal/config"
)

// API groups of the built-in kinds.
const (
	groupCore  = ""
	groupApps  = "apps"
	groupBatch = "batch"
)

// kindPath says where a kind keeps its pod template. An empty path means the object is the pod.
type kindPath struct {
	group    string
	anyGroup bool
	// version limits a built-in kind to the version the function handles; "" means any.
	version string
	kind    string
	path    []string
}

var specTemplate = []string{"spec", "template"}

// builtin are the kinds of docs/behaviour.md "Pod templates" table, in the versions the API server
// serves today.
var builtin = []kindPath{
	{group: groupCore, version: "v1", kind: "Pod"},
	{group: groupCore, version: "v1", kind: "PodTemplate", path: []string{"template"}},
	{group: groupCore, version: "v1", kind: "ReplicationController", path: specTemplate},
	{group: groupApps, version: "v1", kind: "Deployment", path: specTemplate},
	{group: groupApps, version: "v1", kind: "StatefulSet", path: specTemplate},
	{group: groupApps, version: "v1", kind: "DaemonSet", path: specTemplate},
	{group: groupApps, version: "v1", kind: "ReplicaSet", path: specTemplate},
	{group: groupBatch, version: "v1", kind: "Job", path: specTemplate},
	{group: groupBatch, version: "v1", kind: "CronJob", path: []string{"spec", "jobTemplate", "spec", "template"}},
	{group: "argoproj.io", kind: "Rollout", path: specTemplate},
}

// Kinds maps resources to their pod template path: the configured podTemplatePaths first (so a
// user can redefine a kind), then the built-in kinds.
type Kinds struct {
	entries []kindPath
}

// NewKinds builds the table once per run.
func NewKinds(extra []config.TemplatePath) *Kinds {
	k := &Kinds{}
	for _, tp := range extra {
		k.entries = append(k.entries, kindPath{group: tp.Group, anyGroup: tp.AnyGroup, kind: tp.Kind, path: tp.Path})
	}
	k.entries = append(k.entries, builtin...)
	return k
}

// path returns the pod-template path of an object of that apiVersion and kind, and whether the
// kind has one. builtinElsewhere is the apiVersion the function handles when the kind is a
// built-in one in another group or version (extensions/v1beta1 DaemonSet): worth a warning.
func (k *Kinds) path(apiVersion, kind string) (path []string, found bool, builtinElsewhere string) {
	group, version, ok := strings.Cut(apiVersion, "/")
	if !ok {
		group, version = "", apiVersion
	}
	for _, e := range k.entries {
		if e.kind != kind {
			continue
		}
		if e.anyGroup || (e.group == group && (e.version == "" || e.version == version)) {
			return e.path, true, ""
		}
		if builtinElsewhere == "" && e.version != "" {
			builtinElsewhere = e.group + "/" + e.version
			if e.group == "" {
				builtinElsewhere = e.version
			}
		} else if builtinElsewhere == "" {
			builtinElsewhere = e.group
		}
	}
	return nil, false, builtinElsewhere
}
