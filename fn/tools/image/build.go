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
	base, baseName, err := loadBase(ctx, o.Base, platform)
	if err != nil {
		return nil, fmt.Errorf("base image %s: %w", o.Base, err)
	}
	baseDigest, err := base.Digest()
	if err != nil {
		return nil, err
	}
	cfg, err := base.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg = cfg.DeepCopy()
	if cfg.OS != "linux" || cfg.Architecture != arch {
		return nil, fmt.Errorf("base image %s is %s/%s, the binary is linux/%s", o.Base, cfg.OS, cfg.Architecture, arch)
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
		"org.opencontainers.image.base.name":   baseName,
		"org.opencontainers.image.base.digest": baseDigest.String(),
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

// loadBase reads the base image for platform from an OCI layout directory, a docker-archive
// tarball, or (when src is no path on disk) a registry. It also returns the name to record in the
// org.opencontainers.image.base.name label: the reference for a registry, none for a local path.
func loadBase(ctx context.Context, src string, platform v1.Platform) (v1.Image, string, error) {
	if fi, err := os.Stat(src); err == nil {
		if fi.IsDir() {
			idx, err := layout.ImageIndexFromPath(src)
			if err != nil {
				return nil, "", err
			}
			img, err := imageFromIndex(idx, platform)
			return img, "", err
		}
		img, err := tarball.ImageFromPath(src, nil)
		if err != nil {
			return nil, "", fmt.Errorf("not a docker-archive tarball (for an OCI archive, extract it and give the directory): %w", err)
		}
		return img, "", nil
	}
	ref, err := name.ParseReference(src, name.StrictValidation)
	if err != nil {
		return nil, "", fmt.Errorf("neither a path on disk nor a fully qualified image reference: %w", err)
	}
	img, err := remote.Image(ref, remote.WithContext(ctx), remote.WithPlatform(platform),
		remote.WithAuthFromKeychain(authn.DefaultKeychain))
	if err != nil {
		return nil, "", err
	}
	return img, ref.Name(), nil
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
