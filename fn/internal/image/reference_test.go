package image

import "testing"

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
		"gcr.io/datadoghq/lib:-v1", "gcr.io/datadoghq/lib@sha256:short", "lib:" + string(make([]byte, 0)) + "a/b",
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
	for _, s := range []string{"", "-v1", ".v1", "v 1", "v1:2", string(make([]byte, 129))} {
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
