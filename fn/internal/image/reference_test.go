package image

import (
	"strconv"
	"strings"
	"testing"
)

func TestCheckReference(t *testing.T) {
	valid := []string{
		"gcr.io/datadoghq/dd-lib-python-init:v3",
		"dd-lib-python-init",
		"localhost:5000/dd-lib-java-init:1.2.3",
		"registry.example.com/team/a__b/c-d.e:latest",
		"gcr.io/datadoghq/dd-lib-java-init@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"gcr.io/datadoghq/dd-lib-java-init:v1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"[::1]:5000/lib:v1",
	}
	invalid := []string{
		"", "Gcr.io/DataDog/Lib:v1", "gcr.io/datadoghq/lib:", "gcr.io/datadoghq/lib:v1 extra", "gcr.io//lib",
		"gcr.io/datadoghq/lib:-v1", "gcr.io/datadoghq/lib@sha256:short", "lib:a/b",
		"gcr.io/datadoghq/lib:v1\n",
	}
	for _, s := range valid {
		if err := CheckReference(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	for _, s := range invalid {
		if CheckReference(s) == nil {
			t.Errorf("%q passed", s)
		}
	}
}

func TestCheckTagAndRepository(t *testing.T) {
	for _, s := range []string{"v1", "1.6.6", "latest", "v3_rc-1", "0"} {
		if err := CheckTag(s); err != nil {
			t.Errorf("tag %q: %v", s, err)
		}
	}
	for _, s := range []string{"", "-v1", ".v1", "v 1", "v1:2", "v1\x00", "\x00"} {
		if CheckTag(s) == nil {
			t.Errorf("tag %q passed", s)
		}
	}
	for _, s := range []string{"gcr.io/datadoghq", "registry.example.com:5000/mirror/datadog", "public.ecr.aws/datadog", "mirror"} {
		if err := CheckRepository(s); err != nil {
			t.Errorf("repository %q: %v", s, err)
		}
	}
	for _, s := range []string{"", "gcr.io/Datadog", "gcr.io/datadoghq/", "gcr.io/datadoghq:v1", "https://gcr.io/datadoghq"} {
		if CheckRepository(s) == nil {
			t.Errorf("repository %q passed", s)
		}
	}
}

// The length limits of Docker's grammar, at their boundaries: a tag of 128 characters, a name
// (registry and path) of 255.
func TestLengthLimits(t *testing.T) {
	tag128 := "v" + strings.Repeat("1._-", 31) + "abc" // 1 + 124 + 3
	name255 := "gcr.io/" + strings.Repeat("a", 248)
	if len(tag128) != 128 || len(name255) != 255 {
		t.Fatalf("the fixtures are %d and %d long", len(tag128), len(name255))
	}
	const tagMessage = "must be an image tag (letters, digits, _ . -, at most 128, not starting with . or -), found "
	if err := CheckTag(tag128); err != nil {
		t.Errorf("a tag of 128 characters: %v", err)
	}
	if err := CheckTag("_" + tag128[1:]); err != nil {
		t.Errorf("a tag of 128 characters starting with _: %v", err)
	}
	if err := CheckTag(tag128 + "x"); err == nil || err.Error() != tagMessage+strconv.Quote(tag128+"x") {
		t.Errorf("a tag of 129 characters: %v", err)
	}

	if err := CheckRepository(name255); err != nil {
		t.Errorf("a repository of 255 characters: %v", err)
	}
	if err := CheckRepository(name255 + "a"); err == nil || !strings.HasPrefix(err.Error(), "must be a registry and optional path such as gcr.io/datadoghq, found ") {
		t.Errorf("a repository of 256 characters: %v", err)
	}

	const refMessage = "must be an image reference such as registry.example.com/dd-lib-python-init:v3 or ...@sha256:<digest>, found "
	for _, ok := range []string{name255, name255 + ":" + tag128, name255 + ":" + tag128 + "@sha256:" + strings.Repeat("0", 64)} {
		if err := CheckReference(ok); err != nil {
			t.Errorf("a reference with a name of 255 and a tag of 128 characters: %v", err)
		}
	}
	for _, bad := range []string{name255 + "a", name255 + "a:v1", "gcr.io/lib:" + tag128 + "x"} {
		if err := CheckReference(bad); err == nil || err.Error() != refMessage+strconv.Quote(bad) {
			t.Errorf("a reference with a name over 255 or a tag over 128 characters: %v", err)
		}
	}
}
