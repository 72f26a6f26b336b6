package inject

import (
	"strconv"

	"inject-datadog/fn/internal/image"
	"inject-datadog/fn/internal/podtemplate"
	"inject-datadog/fn/internal/yamltree"
)

// apmInject is Datadog's current method (Cluster Agent 7.57+): an injector init container copies
// the APM injector and writes /etc/ld.so.preload, so that every process of the app containers
// loads it (LD_PRELOAD) and it loads the tracers that the library init containers copied.
type apmInject struct {
	tr *Transformer
	// debug is the template's apm-inject.debug annotation.
	debug bool
}

// Paths and names of the apm-inject method (docs/behaviour.md "The apm-inject method (Datadog's current injector)").
const (
	volumeLibrariesEtc  = "datadog-auto-instrumentation-etc"
	injectorInitName    = "datadog-init-apm-inject"
	injectorPackageDir  = "opt/datadog-packages/datadog-apm-inject"
	libraryPackagesDir  = "opt/datadog/apm/library"
	injectorPreload     = "/" + injectorPackageDir + "/stable/inject/launcher.preload.so"
	injectorInitCopyDir = "/datadog-inject"
	injectorInitEtcDir  = "/datadog-etc"

	annotationInjectorVersion     = annotationPrefix + "apm-inject.version"
	annotationInjectorCustomImage = annotationPrefix + "apm-inject.custom-image"
	annotationInjectorDebug       = annotationPrefix + "apm-inject.debug"
)

// shellCommand is how Datadog runs the copy steps of this method.
var shellCommand = []string{"/bin/sh", "-c", "--"}

// injectorVars are set in every app container after the user's variables. DD_INJECT_START_TIME
// is left out: a render-time timestamp would make every render differ.
var injectorVars = []langVar{
	{"LD_PRELOAD", injectorPreload, joinPath},
	{"DD_INJECT_SENDER_TYPE", "k8s", replaceValue},
}

// debugVars are added for admission.datadoghq.com/apm-inject.debug: "true".
var debugVars = []langVar{
	{"DD_APM_INSTRUMENTATION_DEBUG", "true", replaceValue},
	{"DD_TRACE_STARTUP_LOGS", "true", replaceValue},
	{"DD_TRACE_DEBUG", "true", replaceValue},
}

func (apmInject) supports(language) bool { return true }

func (m apmInject) plan(p *pod, libs []library, warn warnFunc) (func(initSettings) []string, error) {
	for _, name := range []string{volumeLibraries, volumeLibrariesEtc} {
		if err := p.checkEmptyDirVolume(name); err != nil {
			return nil, err
		}
	}
	injector, err := m.injectorImage(p)
	if err != nil {
		return nil, err
	}
	vars := injectorVars
	if m.debug {
		vars = append(append([]langVar{}, injectorVars...), debugVars...)
	}
	var edits []langEdit
	for _, c := range p.containers {
		if c.role != appContainer {
			continue
		}
		for _, v := range vars {
			cur, err := envItem(c, v.name)
			if err != nil {
				return nil, err
			}
			edits = append(edits, langEdit{c, v, cur})
		}
	}
	return func(init initSettings) []string {
		return m.inject(p, libs, init, injector, edits)
	}, nil
}

// injectorDebug reads the template's apm-inject.debug annotation. It is read on every render,
// injected before or not, so that its warning is the same for a template and its output.
func injectorDebug(p *pod, warn warnFunc) (bool, error) {
	d, err := p.t.Annotation(annotationInjectorDebug)
	if err != nil || !d.Found {
		return false, err
	}
	on, perr := strconv.ParseBool(d.Text)
	if perr != nil {
		warn(d.Field, "ignored: the value must be true or false, found %q", d.Text)
	}
	return on, nil
}

// injectorImage is the injector's image: the configured tag, or the template's apm-inject.version
// tag, or its apm-inject.custom-image (which wins, as in Datadog, where it is applied last).
func (m apmInject) injectorImage(p *pod) (string, error) {
	reg := m.tr.cfg.Libraries.Registry
	img := image.Join(reg, "apm-inject", m.tr.cfg.Libraries.InjectorVersion)
	if v, err := p.t.Annotation(annotationInjectorVersion); err != nil {
		return "", err
	} else if v.Found {
		if err := image.CheckTag(v.Text); err != nil {
			return "", &podtemplate.FieldError{Field: v.Field, Message: err.Error()}
		}
		img = image.Join(reg, "apm-inject", v.Text)
	}
	if v, err := p.t.Annotation(annotationInjectorCustomImage); err != nil {
		return "", err
	} else if v.Found {
		if err := image.CheckReference(v.Text); err != nil {
			return "", &podtemplate.FieldError{Field: v.Field, Message: err.Error()}
		}
		img = v.Text
	}
	return img, nil
}

func (m apmInject) inject(p *pod, libs []library, init initSettings, injector string, edits []langEdit) []string {
	var added []string
	for _, name := range []string{volumeLibraries, volumeLibrariesEtc} {
		if p.edit.addVolume(name, "emptyDir", emptyDir()) {
			added = append(added, name)
		}
	}
	for _, c := range p.containers {
		if c.role != appContainer {
			continue
		}
		// The injector's mounts come first, before the user's.
		p.edit.mount(c, true,
			yamltree.Map("name", volumeLibraries, "mountPath", "/"+injectorPackageDir, "subPath", injectorPackageDir),
			yamltree.Map("name", volumeLibrariesEtc, "mountPath", "/etc/ld.so.preload", "subPath", "ld.so.preload", "readOnly", true))
		for _, lib := range libs {
			if lib.loads(c) {
				p.edit.mount(c, false, yamltree.Map("name", volumeLibraries, "mountPath", "/"+libraryPackagesDir, "subPath", libraryPackagesDir))
				break
			}
		}
	}
	for _, e := range edits {
		p.mergeEnv(e.c, e.v, e.cur)
	}

	injectorInit := yamltree.Map("name", injectorInitName, "image", m.tr.overrideImage(injector),
		"command", yamltree.StrSeq(shellCommand...),
		"args", yamltree.StrSeq("cp -r /"+injectorPackageDir+"/* "+injectorInitCopyDir+
			" && echo "+injectorPreload+" > "+injectorInitEtcDir+"/ld.so.preload"))
	init.apply(injectorInit, yamltree.Seq(
		yamltree.Map("name", volumeLibraries, "mountPath", injectorInitCopyDir, "subPath", injectorPackageDir),
		yamltree.Map("name", volumeLibrariesEtc, "mountPath", injectorInitEtcDir)))
	p.edit.addInit(injectorInit, true)
	for _, lib := range libs {
		ic := yamltree.Map("name", lib.lang.initName(), "image", m.tr.overrideImage(lib.image),
			"command", yamltree.StrSeq(shellCommand...),
			"args", yamltree.StrSeq("sh copy-lib.sh "+langEnvMountPath))
		init.apply(ic, yamltree.Seq(
			yamltree.Map("name", volumeLibraries, "mountPath", langEnvMountPath, "subPath", libraryPackagesDir+"/"+lib.lang.name),
			yamltree.Map("name", volumeLibraries, "mountPath", "/"+injectorPackageDir, "subPath", injectorPackageDir)))
		p.edit.addInit(ic, false)
	}
	return added
}
