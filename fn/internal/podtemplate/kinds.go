// Package podtemplate finds the pod templates of resources: the one place that maps kinds to the
// path of their pod template, and that reads a template's labels and annotations.
package podtemplate

import (
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
	kind     string
	path     []string
}

var specTemplate = []string{"spec", "template"}

// builtin are the kinds of SPEC §1.
var builtin = []kindPath{
	{group: groupCore, kind: "Pod"},
	{group: groupCore, kind: "PodTemplate", path: []string{"template"}},
	{group: groupCore, kind: "ReplicationController", path: specTemplate},
	{group: groupApps, kind: "Deployment", path: specTemplate},
	{group: groupApps, kind: "StatefulSet", path: specTemplate},
	{group: groupApps, kind: "DaemonSet", path: specTemplate},
	{group: groupApps, kind: "ReplicaSet", path: specTemplate},
	{group: groupBatch, kind: "Job", path: specTemplate},
	{group: groupBatch, kind: "CronJob", path: []string{"spec", "jobTemplate", "spec", "template"}},
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

// path returns the pod-template path of group/kind, and whether the kind has one.
func (k *Kinds) path(group, kind string) ([]string, bool) {
	for _, e := range k.entries {
		if e.kind == kind && (e.anyGroup || e.group == group) {
			return e.path, true
		}
	}
	return nil, false
}
