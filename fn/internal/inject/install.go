package inject

// Telemetry variables of the library injection (docs/behaviour.md "Tracing libraries"): how the libraries came.
const (
	envInstallType = "DD_INSTRUMENTATION_INSTALL_TYPE"
	envInstallID   = "DD_INSTRUMENTATION_INSTALL_ID"
	envInstallTime = "DD_INSTRUMENTATION_INSTALL_TIME"

	installTypeSingleStep   = "k8s_single_step"
	installTypeLibInjection = "k8s_lib_injection"
)

// installEnv opens the env block of a template that gets libraries: the install type, and the
// install id and time only when configured (Datadog's come from the Cluster Agent's start, which
// has no render-time equivalent). They go to the user's containers, except the excluded ones.
func (tr *Transformer) installEnv(singleStep bool) []envVar {
	typ := installTypeLibInjection
	if singleStep {
		typ = installTypeSingleStep
	}
	block := []envVar{valueVar(envInstallType, typ)}
	if id := tr.cfg.Libraries.InstallID; id != "" {
		block = append(block, valueVar(envInstallID, id))
	}
	if t := tr.cfg.Libraries.InstallTime; t != "" {
		block = append(block, valueVar(envInstallTime, t))
	}
	for i := range block {
		block[i].only = notExcluded
	}
	return block
}
