// Package image checks container image references against Docker's grammar
// (github.com/distribution/reference) and builds the references of the injected images.
package image

import (
	"fmt"
	"regexp"
)

const (
	domainComponent = `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`
	domain          = `(?:` + domainComponent + `(?:\.` + domainComponent + `)*` + `|\[[a-fA-F0-9:]+\])(?::[0-9]+)?`
	pathComponent   = `[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`
	path            = pathComponent + `(?:/` + pathComponent + `)*`
	tag             = `[\w][\w.-]{0,127}`
	digest          = `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}`
)

var (
	tagRe       = regexp.MustCompile(`^` + tag + `$`)
	repoRe      = regexp.MustCompile(`^(?:` + domain + `/)?` + path + `$`)
	referenceRe = regexp.MustCompile(`^((?:` + domain + `/)?` + path + `)(?::(` + tag + `))?(?:@(` + digest + `))?$`)
)

// maxNameLength is Docker's limit on the repository part of a reference.
const maxNameLength = 255

// CheckTag checks Docker's tag grammar.
func CheckTag(s string) error {
	if !tagRe.MatchString(s) {
		return fmt.Errorf("must be an image tag (letters, digits, _ . -, at most 128, not starting with . or -), found %q", s)
	}
	return nil
}

// CheckRepository checks a registry with an optional path, such as gcr.io/datadoghq.
func CheckRepository(s string) error {
	if !repoRe.MatchString(s) || len(s) > maxNameLength {
		return fmt.Errorf("must be a registry and optional path such as gcr.io/datadoghq, found %q", s)
	}
	return nil
}

// CheckReference checks a whole image reference: name, then an optional :tag and @digest.
func CheckReference(s string) error {
	m := referenceRe.FindStringSubmatch(s)
	if m == nil || len(m[1]) > maxNameLength {
		return fmt.Errorf("must be an image reference such as registry.example.com/dd-lib-python-init:v3 or ...@sha256:<digest>, found %q", s)
	}
	return nil
}

// Join builds <repository>/<name>:<tag>.
func Join(repository, name, tag string) string {
	return repository + "/" + name + ":" + tag
}
