package inject

import "strconv"

// switchEnv is the product switches' part of the env block (libraries.appsec, iast, sca,
// profiling), for the containers that load a library; only the switches that are set.
func (tr *Transformer) switchEnv(libs []library) []envVar {
	l := tr.cfg.Libraries
	var block []envVar
	add := func(name, value string) {
		v := valueVar(name, value)
		v.only = loadsAny(libs)
		block = append(block, v)
	}
	for _, s := range []struct {
		name string
		on   *bool
	}{{"DD_APPSEC_ENABLED", l.AppSec}, {"DD_IAST_ENABLED", l.IAST}, {"DD_APPSEC_SCA_ENABLED", l.SCA}} {
		if s.on != nil {
			add(s.name, strconv.FormatBool(*s.on))
		}
	}
	if l.Profiling != "" {
		add("DD_PROFILING_ENABLED", l.Profiling)
	}
	return block
}

// anyTarget reports whether some container of the pod loads one of the libraries.
func anyTarget(p *pod, libs []library) bool {
	loads := loadsAny(libs)
	for _, c := range p.containers {
		if loads(c) {
			return true
		}
	}
	return false
}
