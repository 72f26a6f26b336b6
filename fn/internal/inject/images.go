package inject

import (
	"slices"
	"strings"

	"inject-datadog/fn/internal/podtemplate"
	"inject-datadog/fn/internal/yamltree"
)

// overrideImage writes an image through libraries.imageOverrides: a repository named there is
// replaced, its tag or digest kept (docs/behaviour.md "Images, and mirroring them").
func (tr *Transformer) overrideImage(ref string) string {
	if len(tr.cfg.Libraries.ImageOverrides) == 0 {
		return ref
	}
	repo, rest := ref, ""
	if i := strings.LastIndex(ref, "@"); i >= 0 {
		repo, rest = ref[:i], ref[i:]
	} else if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		repo, rest = ref[:i], ref[i:]
	}
	if to, ok := tr.cfg.Libraries.ImageOverrides[repo]; ok {
		return to + rest
	}
	return ref
}

// templateImages are the images of the injected init containers a template holds, injected by
// this run or an earlier one.
func templateImages(t *podtemplate.Template) []string {
	var images []string
	for _, ic := range injectedInits(t.Spec()) {
		if ic.image != "" {
			images = append(images, ic.image)
		}
	}
	for _, c := range yamltree.Items(yamltree.Get(t.Spec(), "containers")) {
		if n, img := yamltree.Get(c, "name"), yamltree.Get(c, "image"); n != nil && writes.containers[n.Value] && yamltree.IsStr(img) {
			images = append(images, img.Value)
		}
	}
	return images
}

// ImageList is the images the output's templates reference, sorted, each once.
func (s Summary) ImageList() []string {
	var list []string
	for img := range s.Images {
		list = append(list, img)
	}
	slices.Sort(list)
	return list
}
