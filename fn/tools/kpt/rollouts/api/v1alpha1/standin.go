// Package v1alpha1 is a compile-only stand-in for github.com/kptdev/kpt/rollouts/api/v1alpha1.
//
// The Go module proxy refuses the version of that module kpt v1.0.0-beta.61 requires, and only
// kpt's `alpha rollouts` commands import it. fn/tools/kpt/go.mod replaces the module with this
// directory so kpt builds; it declares only the names those commands compile against. `kpt fn`,
// which the tests run, never reaches it, and `kpt alpha rollouts` is not expected to work.
package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// StrategyType names a rollout strategy.
type StrategyType string

// Progressive is the strategy `kpt alpha rollouts advance` requires.
const Progressive StrategyType = "Progressive"

// Rollout is the part of the Rollout resource kpt's commands read.
type Rollout struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              RolloutSpec   `json:"spec,omitempty"`
	Status            RolloutStatus `json:"status,omitempty"`
}

// RolloutList is a list of Rollouts.
type RolloutList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Rollout `json:"items"`
}

type RolloutSpec struct {
	Strategy RolloutStrategy `json:"strategy"`
}

type RolloutStrategy struct {
	Type        StrategyType         `json:"type"`
	Progressive *StrategyProgressive `json:"progressive,omitempty"`
}

type StrategyProgressive struct {
	PauseAfterWave PauseAfterWave `json:"pauseAfterWave,omitempty"`
}

type PauseAfterWave struct {
	WaveName string `json:"waveName,omitempty"`
}

type RolloutStatus struct {
	Overall         string          `json:"overall,omitempty"`
	WaveStatuses    []WaveStatus    `json:"waveStatuses,omitempty"`
	ClusterStatuses []ClusterStatus `json:"clusterStatuses,omitempty"`
}

type WaveStatus struct {
	Name            string          `json:"name"`
	ClusterStatuses []ClusterStatus `json:"clusterStatuses,omitempty"`
}

type ClusterStatus struct {
	Name          string        `json:"name"`
	PackageStatus PackageStatus `json:"packageStatus"`
}

type PackageStatus struct {
	PackageID  string `json:"packageId"`
	SyncStatus string `json:"syncStatus"`
	Status     string `json:"status"`
}

// AddToScheme registers nothing: the stand-in has no API to serve.
func AddToScheme(*runtime.Scheme) error { return nil }

// DeepCopyObject makes Rollout a runtime.Object (a shallow copy is enough for a stand-in).
func (r *Rollout) DeepCopyObject() runtime.Object { c := *r; return &c }

// DeepCopyObject makes RolloutList a runtime.Object (a shallow copy is enough for a stand-in).
func (l *RolloutList) DeepCopyObject() runtime.Object { c := *l; return &c }
