package inject

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"inject-datadog/fn/internal/config"
	"inject-datadog/fn/internal/image"
	"inject-datadog/fn/internal/podtemplate"
)

// annotationPrefix is the prefix of every Datadog admission annotation.
const annotationPrefix = "admission.datadoghq.com/"

// libraryKeyRe matches "[<container>.]<lang>-lib.version|custom-image" after the prefix. Container
// names are DNS labels, without dots.
var libraryKeyRe = regexp.MustCompile(`^(?:([^.]+)\.)?([^./]+)-lib\.(version|custom-image)$`)

// library is one tracing library chosen for a template.
type library struct {
	lang  language
	image string
	// field is where the library was asked for: an annotation, or libraries.inject.
	field string
	// containers limits the library's mount and env to the named containers; nil means every one.
	containers map[string]bool
	// reason says, for the explanation, what chose it: "annotation", "target \"x\""...
	reason string
}

// libraryChoice is what a template gets: the libraries, in language order, and whether they came
// from Single Step (a target or libraries.inject) rather than from annotations.
type libraryChoice struct {
	libs       []library
	singleStep bool
	// target is the Single Step target that chose the libraries, nil when none did.
	target *config.Target
	// unmatched says targets were tried and none matched.
	unmatched bool
	// dropped says, for the explanation, why a language asked for is not injected.
	dropped []string
}

// annotated collects, for one language, the images the annotations name, by scope.
type annotated struct {
	version, customImage string // pod scope
	versionField         string
	customField          string
	perContainer         map[string]*annotated
	order                []string // containers in annotation order
}

// chooseLibraries applies docs/behaviour.md "Choosing libraries". A template that already has a library init
// container keeps what it has: it was injected before, by this function or by Datadog's webhook.
func (tr *Transformer) chooseLibraries(p *pod, m injectionMethod, warn warnFunc) (libraryChoice, error) {
	anns, err := p.t.Annotations(annotationPrefix)
	if err != nil {
		return libraryChoice{}, err
	}
	names := map[string]bool{}
	for _, c := range p.containers {
		if !c.init {
			names[c.name] = true
		}
	}
	byLang := map[string]*annotated{}
	allLib, allField := false, ""
	for _, a := range anns {
		key := libraryKeyRe.FindStringSubmatch(strings.TrimPrefix(a.Key, annotationPrefix))
		if key == nil {
			continue
		}
		ctr, lang, kind := key[1], key[2], key[3]
		if lang == "all" && ctr == "" && kind == "version" {
			allLib, allField = true, a.Field
			if a.Value != "latest" && a.Value != "default" {
				warn(a.Field, "all-lib.version injects every language with its default tag (libraries.versions); the value %q is not used", a.Value)
			}
			continue
		}
		if _, ok := languageNamed(lang); !ok {
			warn(a.Field, "ignored: %q is not a library language; the languages are %s", lang, strings.Join(config.Languages, ", "))
			continue
		}
		if a.Value == "" {
			warn(a.Field, "ignored: the value is empty; the annotation counts as absent")
			continue
		}
		if ctr != "" && !names[ctr] {
			warn(a.Field, "ignored: the template has no container %q", ctr)
			continue
		}
		an := byLang[lang]
		if an == nil {
			an = &annotated{perContainer: map[string]*annotated{}}
			byLang[lang] = an
		}
		target := an
		if ctr != "" {
			if an.perContainer[ctr] == nil {
				an.perContainer[ctr] = &annotated{}
				an.order = append(an.order, ctr)
			}
			target = an.perContainer[ctr]
		}
		if kind == "version" {
			target.version, target.versionField = a.Value, a.Field
		} else {
			target.customImage, target.customField = a.Value, a.Field
		}
	}

	var choice libraryChoice
	switch {
	case len(byLang) > 0:
		for _, l := range languages {
			an := byLang[l.name]
			if an == nil {
				continue
			}
			lib, err := tr.annotatedLibrary(l, an)
			if err != nil {
				return libraryChoice{}, err
			}
			choice.libs = append(choice.libs, lib)
		}
	case allLib:
		for _, l := range languages {
			if m.supports(l) {
				choice.libs = append(choice.libs, library{lang: l, image: tr.defaultImage(l), field: allField, reason: "all-lib annotation"})
			}
		}
	case len(tr.cfg.Targets) > 0 && tr.singleStepNamespace(p.t.Namespace()):
		i, t, err := tr.matchTarget(p.t, warn)
		if err != nil || t == nil {
			p.choice.unmatched = true
			return libraryChoice{}, err
		}
		choice.libs = tr.targetLibraries(i, t, m)
		choice.singleStep, choice.target = true, t
	case len(tr.cfg.Libraries.Inject) > 0 && tr.singleStepNamespace(p.t.Namespace()):
		for _, l := range languages {
			if slices.Contains(tr.cfg.Libraries.Inject, l.name) {
				choice.libs = append(choice.libs, library{lang: l, image: tr.defaultImage(l), field: "functionConfig libraries.inject", reason: "libraries.inject"})
			}
		}
		choice.singleStep = true
	}
	// A language the method cannot inject is reported, not silently dropped.
	kept := choice.libs[:0]
	for _, lib := range choice.libs {
		if !m.supports(lib.lang) {
			by := ""
			if choice.target != nil {
				by = fmt.Sprintf("target %q: ", choice.target.Name)
			}
			warn(lib.field, "%s%s is not injected: the %s method has no %s library (set libraries.method: %s)",
				by, lib.lang.name, m.name(), lib.lang.name, config.MethodAPMInject)
			choice.dropped = append(choice.dropped, fmt.Sprintf("%s needs the %s method, which the %s method is not", lib.lang.name, config.MethodAPMInject, m.name()))
			continue
		}
		kept = append(kept, lib)
	}
	choice.libs = kept
	// The choice is made, and its warnings given, on every render: the results describe the
	// output, which renders to itself again.
	p.choice = choice
	if len(p.injected) > 0 {
		// Nothing more to inject; the target is still the one the output was rendered with.
		return libraryChoice{target: choice.target}, checkNoSwitch(p, m)
	}
	return choice, nil
}

// annotatedLibrary turns one language's annotations into a library. A version wins over a custom
// image at the same scope; scopes that name different images are an error, because one init
// container copies one library into the shared volume.
func (tr *Transformer) annotatedLibrary(l language, an *annotated) (library, error) {
	type pick struct{ image, field string }
	imageOf := func(a *annotated) (pick, error) {
		switch {
		case a.version != "":
			tag := tr.libraryTag(l, a.version)
			if err := image.CheckTag(tag); err != nil {
				return pick{}, &podtemplate.FieldError{Field: a.versionField, Message: err.Error()}
			}
			return pick{image.Join(tr.cfg.Libraries.Registry, l.image(), tag), a.versionField}, nil
		case a.customImage != "":
			if err := image.CheckReference(a.customImage); err != nil {
				return pick{}, &podtemplate.FieldError{Field: a.customField, Message: err.Error()}
			}
			return pick{a.customImage, a.customField}, nil
		}
		return pick{}, nil
	}
	var picks []pick
	lib := library{lang: l}
	pod, err := imageOf(an)
	if err != nil {
		return library{}, err
	}
	if pod.image != "" {
		picks = append(picks, pod)
	} else {
		lib.containers = map[string]bool{}
	}
	for _, ctr := range an.order {
		p, err := imageOf(an.perContainer[ctr])
		if err != nil {
			return library{}, err
		}
		picks = append(picks, p)
		if lib.containers != nil {
			lib.containers[ctr] = true
		}
	}
	for _, p := range picks[1:] {
		if p.image != picks[0].image {
			return library{}, &podtemplate.FieldError{Field: p.field, Message: fmt.Sprintf(
				"must name the same %s image as %s (%s), found %s: one init container copies one %s library for the whole pod",
				l.name, picks[0].field, picks[0].image, p.image, l.name)}
		}
	}
	lib.image, lib.field, lib.reason = picks[0].image, picks[0].field, "annotation"
	return lib, nil
}

// defaultImage is the language's image at its configured default tag.
func (tr *Transformer) defaultImage(l language) string {
	return image.Join(tr.cfg.Libraries.Registry, l.image(), tr.cfg.Libraries.Versions[l.name])
}

// libraryTag is the tag a version names, from an annotation or a target's ddTraceVersions:
// "default" is the language's configured default tag (libraries.versions), as the webhook reads
// it (docs/behaviour.md "Tracing libraries").
func (tr *Transformer) libraryTag(l language, version string) string {
	if version == "default" {
		return tr.cfg.Libraries.Versions[l.name]
	}
	return version
}
