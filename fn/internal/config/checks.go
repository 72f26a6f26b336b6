package config

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"

	"inject-datadog/fn/internal/image"
)

// The value checks of the field table. Each returns an error that says what the value must be.

func dnsLabel(s string) error {
	if errs := validation.IsDNS1123Label(s); len(errs) > 0 {
		return fmt.Errorf("must be a DNS label (at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit), found %q", s)
	}
	return nil
}

// tagValue checks a DD_ENV/DD_SERVICE/DD_VERSION value: it lands in an env var and in Datadog
// tags, where a line break would corrupt both.
func tagValue(s string) error {
	if strings.ContainsAny(s, "\n\r") {
		return fmt.Errorf("must be one line, found %q", s)
	}
	return nil
}

func oneOf(values ...string) func(string) error {
	return func(s string) error {
		if !slices.Contains(values, s) {
			return fmt.Errorf("must be one of %s, found %q", strings.Join(values, ", "), s)
		}
		return nil
	}
}

// runMode checks the run mode; an agent mode there gets a pointer to config.mode.
func runMode(s string) error {
	err := oneOf(RunModes...)(s)
	if err != nil && slices.Contains(Modes, s) {
		return fmt.Errorf("%v (the agent's connection mode is config.mode)", err)
	}
	return err
}

func absPath(s string) error {
	if !strings.HasPrefix(s, "/") || strings.ContainsAny(s, "\n\r,") {
		return fmt.Errorf("must be an absolute path, found %q", s)
	}
	return nil
}

// unixSocket checks a socket URL: socket mode mounts the file it names, so it must be unix://.
func unixSocket(s string) error {
	if !strings.HasPrefix(s, "unix:///") || strings.ContainsAny(s, "\n\r,") {
		return fmt.Errorf("must be a unix socket URL such as unix:///var/run/datadog/apm.socket, found %q", s)
	}
	return nil
}

func registry(s string) error { return image.CheckRepository(s) }

// repositoryOf checks an image repository without tag or digest, such as
// gcr.io/datadoghq/dd-lib-python-init: isRepo tells whether s is one. When s is a whole image
// reference instead, with a tag or a digest, repo is its repository; otherwise repo is "".
func repositoryOf(s string) (repo string, isRepo bool) {
	if image.CheckRepository(s) == nil {
		return s, true
	}
	if image.CheckReference(s) != nil {
		return "", false
	}
	repo, _, _ = strings.Cut(s, "@")
	if i := strings.LastIndex(repo, ":"); i > strings.LastIndex(repo, "/") {
		repo = repo[:i]
	}
	return repo, false
}

func imageTag(s string) error { return image.CheckTag(s) }

func quantity(s string) error {
	q, err := resource.ParseQuantity(s)
	if err != nil {
		return fmt.Errorf("must be a Kubernetes quantity such as 100m or 128Mi, found %q", s)
	}
	if q.Sign() <= 0 {
		return fmt.Errorf("must be greater than zero, found %q", s)
	}
	return nil
}
