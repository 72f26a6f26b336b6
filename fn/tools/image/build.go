package main

import (
	"archive/tar"
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The image's fixed shape: the one static binary at the root, run as distroless's nonroot user.
// kpt overrides the user with `--user nobody`, which the base's /etc/passwd must resolve.
const (
	binaryPath = "/inject-datadog"
	imageUser  = "65532:65532"
)

// Options is everything one build depends on: the same Options give the same image digest.
type Options struct {
	Binary  string    // the static linux binary, e.g. bin/inject-datadog
	Base    string    // a registry reference, an OCI layout directory or a docker-archive tarball
	BaseRef string    // for a Base on disk: the registry reference it is a copy of, pinned by digest
	Version string    // org.opencontainers.image.version
	Source  string    // org.opencontainers.image.source, left out when empty
	Created time.Time // the config's created time and every timestamp of the added layer
}

// Build assembles the image: the base's layers unchanged, then one layer holding the binary at
// /inject-datadog (root-owned, mode 0755), with the entrypoint, user and labels set. The result
// uses Docker schema 2 media types throughout, so the manifest `docker load`, `podman load` and
// `crane push` of the written tarball see is the very one whose digest Build's caller prints.
func Build(ctx context.Context, o Options) (v1.Image, error) {
	bin, err := os.ReadFile(o.Binary)
	if err != nil {
		return nil, err
	}
	arch, err := linuxStaticArch(bin)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.Binary, err)
	}
	platform := v1.Platform{OS: "linux", Architecture: arch}
	base, ref, err := loadBase(ctx, o.Base, o.BaseRef, platform)
	if err != nil {
		return nil, fmt.Errorf("base image %s: %w", o.Base, err)
	}
	cfg, err := base.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg = cfg.DeepCopy()
	if err := checkPlatform(cfg, arch); err != nil {
		return nil, fmt.Errorf("base image %s: %w", o.Base, err)
	}

	baseLayers, err := base.Layers()
	if err != nil {
		return nil, err
	}
	var adds []mutate.Addendum
	for _, l := range baseLayers {
		l, err := dockerLayer(l)
		if err != nil {
			return nil, err
		}
		adds = append(adds, mutate.Addendum{Layer: l})
	}
	layer, err := binaryLayer(bin, o.Created)
	if err != nil {
		return nil, err
	}
	adds = append(adds, mutate.Addendum{Layer: layer})
	diffID, err := layer.DiffID()
	if err != nil {
		return nil, err
	}

	created := v1.Time{Time: o.Created.UTC()}
	cfg.Created = created
	cfg.Config.Entrypoint = []string{binaryPath}
	cfg.Config.Cmd = nil
	cfg.Config.User = imageUser
	labels := map[string]string{
		"org.opencontainers.image.title":       "inject-datadog",
		"org.opencontainers.image.description": "KRM function that injects Datadog's admission-webhook mutations at render time",
		"org.opencontainers.image.licenses":    "Apache-2.0",
		"org.opencontainers.image.version":     o.Version,
		"org.opencontainers.image.source":      o.Source,
		"org.opencontainers.image.base.name":   ref.name,
		"org.opencontainers.image.base.digest": ref.digest,
	}
	maps.DeleteFunc(labels, func(_, v string) bool { return v == "" })
	if cfg.Config.Labels == nil {
		cfg.Config.Labels = map[string]string{}
	}
	maps.Copy(cfg.Config.Labels, labels)
	cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, diffID)
	cfg.History = append(cfg.History, v1.History{
		Created:   created,
		CreatedBy: "COPY bin/inject-datadog " + binaryPath + " # make image (fn/tools/image)",
	})

	img, err := mutate.Append(empty.Image, adds...)
	if err != nil {
		return nil, err
	}
	return mutate.ConfigFile(img, cfg)
}

// Write writes img as a docker-archive tarball (manifest.json, the config and gzipped layers: what
// `docker save` wrote before Docker 25 and `crane pull` writes), tagged tag, which `docker load`
// and `podman load` both read. It returns the image's manifest digest.
func Write(img v1.Image, tag, path string) (v1.Hash, error) {
	ref, err := name.NewTag(tag)
	if err != nil {
		return v1.Hash{}, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return v1.Hash{}, err
	}
	tmp := path + ".tmp"
	if err := tarball.WriteToFile(tmp, ref, img); err != nil {
		os.Remove(tmp)
		return v1.Hash{}, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return v1.Hash{}, err
	}
	return img.Digest()
}

// linuxStaticArch returns the GOARCH a static linux ELF binary runs on, and refuses anything that
// would not run on a distroless static base (another OS, a dynamic loader).
func linuxStaticArch(bin []byte) (string, error) {
	f, err := elf.NewFile(bytes.NewReader(bin))
	if err != nil {
		return "", fmt.Errorf("not a linux ELF binary (build it with `make build` on linux, or GOOS=linux): %w", err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return "", errors.New("dynamically linked: build it with CGO_ENABLED=0, as `make build` does")
		}
	}
	switch f.Machine {
	case elf.EM_X86_64:
		return "amd64", nil
	case elf.EM_AARCH64:
		return "arm64", nil
	case elf.EM_386:
		return "386", nil
	case elf.EM_ARM:
		return "arm", nil
	case elf.EM_PPC64:
		return "ppc64le", nil
	case elf.EM_S390:
		return "s390x", nil
	case elf.EM_RISCV:
		return "riscv64", nil
	}
	return "", fmt.Errorf("unsupported ELF machine %s", f.Machine)
}

// binaryLayer is one gzipped tar holding the binary, with every header field fixed.
func binaryLayer(bin []byte, mtime time.Time) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	hdr := &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     binaryPath[1:],
		Mode:     0o755,
		Size:     int64(len(bin)),
		ModTime:  mtime.UTC().Truncate(time.Second),
		Format:   tar.FormatPAX,
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return nil, err
	}
	if _, err := tw.Write(bin); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	layerTar := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	}, tarball.WithMediaType(types.DockerLayer))
}

// dockerLayer gives a base layer the Docker gzip media type. A gzipped layer keeps its bytes and
// digest (OCI and Docker gzip layers are the same blob); any other (zstd, uncompressed) is
// recompressed with gzip, its diff ID unchanged.
func dockerLayer(l v1.Layer) (v1.Layer, error) {
	mt, err := l.MediaType()
	if err != nil {
		return nil, err
	}
	switch mt {
	case types.DockerLayer, types.OCILayer:
		return gzipLayer{l}, nil
	case types.DockerForeignLayer, types.OCIRestrictedLayer, types.OCIUncompressedRestrictedLayer:
		return nil, fmt.Errorf("base layer of type %s (foreign layers are not supported)", mt)
	}
	return tarball.LayerFromOpener(l.Uncompressed, tarball.WithMediaType(types.DockerLayer))
}

// gzipLayer is a gzipped layer seen through v1.Layer only: its manifest descriptor is rebuilt from
// digest, size and media type, with no annotation or URL carried over from the base's manifest.
type gzipLayer struct{ v1.Layer }

func (gzipLayer) MediaType() (types.MediaType, error) { return types.DockerLayer, nil }

// baseRef is what the image's org.opencontainers.image.base.* labels record: the registry
// reference of the base as given, and the digest it names (the digest the reference pins, or the
// one its tag resolved to). Both are empty for a base on disk given without a reference, so no
// label names a digest that no registry serves (docs/image.md#which-digest).
type baseRef struct{ name, digest string }

// loadBase reads the base image for platform from an OCI layout directory, a docker-archive
// tarball, or (when src is no path on disk) a registry. ref is, for a base on disk, the registry
// reference it is a copy of: it must be pinned by digest, and an OCI layout must hold that digest.
// A docker-archive keeps no manifest, so only the repository its tags name is checked; crane
// pull's archive keeps the layers and config as the registry serves them, so the image built on
// it has the digest of the one built from the registry (docs/image.md#which-digest).
func loadBase(ctx context.Context, src, ref string, platform v1.Platform) (v1.Image, baseRef, error) {
	fi, statErr := os.Stat(src)
	if statErr != nil {
		if ref != "" && ref != src {
			return nil, baseRef{}, fmt.Errorf("the base reference %s is for a base on disk, and %s is none (a registry reference records itself)", ref, src)
		}
		return remoteBase(ctx, src, platform)
	}
	var pinned name.Digest
	if ref != "" {
		d, err := name.NewDigest(ref, name.StrictValidation)
		if err != nil {
			return nil, baseRef{}, fmt.Errorf("the base reference %s must be a registry reference pinned by digest (name:tag@sha256:...): %w", ref, err)
		}
		pinned = d
	}
	var img v1.Image
	if fi.IsDir() {
		idx, err := layout.ImageIndexFromPath(src)
		if err != nil {
			return nil, baseRef{}, fmt.Errorf("not an OCI layout directory: %w", err)
		}
		if ref != "" {
			h, err := v1.NewHash(pinned.DigestStr())
			if err != nil {
				return nil, baseRef{}, err
			}
			if ok, err := indexHolds(idx, h); err != nil {
				return nil, baseRef{}, err
			} else if !ok {
				return nil, baseRef{}, fmt.Errorf("the layout holds no manifest %s, the digest %s pins: it is not a copy of it (pass no base reference, BASE_REF=, to build on it anyway)", h, ref)
			}
		}
		if img, err = imageFromIndex(idx, platform); err != nil {
			return nil, baseRef{}, err
		}
	} else {
		var err error
		if img, err = tarball.ImageFromPath(src, nil); err != nil {
			return nil, baseRef{}, fmt.Errorf("not a docker-archive tarball (for an OCI archive, extract it and give the directory): %w", err)
		}
		if ref != "" {
			if err := archiveOf(src, pinned.Context()); err != nil {
				return nil, baseRef{}, err
			}
		}
	}
	if ref == "" {
		return img, baseRef{}, nil
	}
	return img, baseRef{name: ref, digest: pinned.DigestStr()}, nil
}

// archiveOf checks what a docker-archive can tell of its origin: the repositories its RepoTags
// name (`crane pull REPO@sha256:...` writes REPO:i-was-a-digest, `docker save` REPO:TAG) must
// include repo's. An archive that names none cannot be checked.
func archiveOf(path string, repo name.Repository) error {
	m, err := tarball.LoadManifest(func() (io.ReadCloser, error) { return os.Open(path) })
	if err != nil {
		return err
	}
	var names []string
	for _, d := range m {
		for _, t := range d.RepoTags {
			if tag, err := name.NewTag(t); err == nil && tag.Context().Name() == repo.Name() {
				return nil
			}
			names = append(names, t)
		}
	}
	if len(names) == 0 {
		return nil
	}
	return fmt.Errorf("the archive holds %s, not a copy of %s (pass no base reference, BASE_REF=, to build on it anyway)", strings.Join(names, ", "), repo)
}

// remoteBase pulls the base for platform from a registry. Unreachable, it says how to build from a
// copy on disk instead.
func remoteBase(ctx context.Context, src string, platform v1.Platform) (v1.Image, baseRef, error) {
	ref, err := name.ParseReference(src, name.StrictValidation)
	if err != nil {
		return nil, baseRef{}, fmt.Errorf("neither a path on disk nor a fully qualified image reference: %w", err)
	}
	desc, err := remote.Get(ref, remote.WithContext(ctx), remote.WithPlatform(platform),
		remote.WithAuthFromKeychain(authn.DefaultKeychain))
	if err != nil {
		return nil, baseRef{}, fmt.Errorf("%w\n"+
			"Where no registry is reachable, build on a copy of the base on disk: make one on a connected machine with\n"+
			"  go run github.com/google/go-containerregistry/cmd/crane@v0.22.1 pull --platform %s/%s %s base.tar\n"+
			"then: make image BASE_IMAGE=path/to/base.tar (docs/image.md#an-offline-base)",
			err, platform.OS, platform.Architecture, src)
	}
	img, err := desc.Image()
	if err != nil {
		return nil, baseRef{}, err
	}
	return img, baseRef{name: src, digest: desc.Digest.String()}, nil
}

// checkPlatform refuses a base whose config is not for linux/arch, and says which field is
// missing when the config names no platform at all.
func checkPlatform(cfg *v1.ConfigFile, arch string) error {
	var missing []string
	if cfg.OS == "" {
		missing = append(missing, "os")
	}
	if cfg.Architecture == "" {
		missing = append(missing, "architecture")
	}
	if len(missing) > 0 {
		return fmt.Errorf("its config names no platform (no %s; the binary needs linux/%s): set them in the base's config, or copy the base with crane pull --platform linux/%s",
			strings.Join(missing, ", no "), arch, arch)
	}
	if cfg.OS != "linux" || cfg.Architecture != arch {
		return fmt.Errorf("it is %s/%s, the binary is linux/%s", cfg.OS, cfg.Architecture, arch)
	}
	return nil
}

// indexHolds reports whether h is the digest of the index itself or of a manifest it lists,
// looking into nested indexes.
func indexHolds(idx v1.ImageIndex, h v1.Hash) (bool, error) {
	if d, err := idx.Digest(); err == nil && d == h {
		return true, nil
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return false, err
	}
	for _, d := range im.Manifests {
		if d.Digest == h {
			return true, nil
		}
		if d.MediaType.IsIndex() {
			child, err := idx.ImageIndex(d.Digest)
			if err != nil {
				return false, err
			}
			if ok, err := indexHolds(child, h); err != nil || ok {
				return ok, err
			}
		}
	}
	return false, nil
}

// imageFromIndex finds the image for platform in an OCI layout's index, looking into nested
// indexes; an image without a platform in the descriptor matches when it is the only one.
func imageFromIndex(idx v1.ImageIndex, platform v1.Platform) (v1.Image, error) {
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	var candidates []v1.Image
	for _, d := range im.Manifests {
		switch {
		case d.MediaType.IsIndex():
			child, err := idx.ImageIndex(d.Digest)
			if err != nil {
				return nil, err
			}
			if img, err := imageFromIndex(child, platform); err == nil {
				return img, nil
			}
		case d.MediaType.IsImage():
			if d.Platform != nil {
				if d.Platform.Satisfies(platform) {
					return idx.Image(d.Digest)
				}
				continue
			}
			img, err := idx.Image(d.Digest)
			if err != nil {
				return nil, err
			}
			candidates = append(candidates, img)
		}
	}
	if len(candidates) == 1 {
		return candidates[0], nil
	}
	return nil, fmt.Errorf("no single image for %s/%s in the layout", platform.OS, platform.Architecture)
}
