package inject

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"inject-datadog/fn/internal/podtemplate"
	"inject-datadog/fn/internal/yamltree"
)

const annotationInjectionError = "apm.datadoghq.com/injection-error"

// injectionErrorLimits starts the one message a render writes in annotationInjectionError: removal
// takes out only that (docs/migration.md "Leaving").
const injectionErrorLimits = "The overall pod's containers limit is too low"

// resourceName is a key of a container's resources.requests and limits.
type resourceName string

const (
	resourceCPU    resourceName = "cpu"
	resourceMemory resourceName = "memory"
	// restartPolicyAlways marks a sidecar init container, counted with the containers.
	restartPolicyAlways = "Always"
)

// minimums below which Datadog refuses to inject: the copy would not fit in the pod's limits.
var minimums = map[resourceName]resource.Quantity{
	resourceCPU:    resource.MustParse("50m"),
	resourceMemory: resource.MustParse("100Mi"),
}

var resourceNames = []resourceName{resourceCPU, resourceMemory}

// initResources decides the injected init containers' resources (docs/behaviour.md "Tracing libraries"): the configured
// quantity as request and limit, else Datadog's formula over the template before injection. It
// returns the resources node (nil when nothing applies) or, when a computed limit is below
// Datadog's minimum, the injection-error message.
func (tr *Transformer) initResources(p *pod) (node *yaml.Node, tooLow string, err error) {
	configured := map[resourceName]string{
		resourceCPU:    tr.cfg.Libraries.Resources.CPU,
		resourceMemory: tr.cfg.Libraries.Resources.Memory,
	}
	limits, requests := yamltree.Map(), yamltree.Map()
	for _, name := range resourceNames {
		if q := configured[name]; q != "" {
			yamltree.Set(limits, string(name), yamltree.Str(q))
			yamltree.Set(requests, string(name), yamltree.Str(q))
			continue
		}
		req, lim, err := podRequirement(p, name)
		if err != nil {
			return nil, "", err
		}
		if req.Cmp(lim) > 0 {
			lim = req
		}
		if lim.Sign() > 0 {
			if min := minimums[name]; lim.Cmp(min) < 0 {
				tooLow += fmt.Sprintf(", %s pod_limit=%s needed=%s", name, lim.String(), min.String())
			}
			yamltree.Set(limits, string(name), yamltree.Str(lim.String()))
		}
		if req.Sign() > 0 {
			yamltree.Set(requests, string(name), yamltree.Str(req.String()))
		}
	}
	if tooLow != "" {
		return nil, injectionErrorLimits + tooLow, nil
	}
	res := yamltree.Map()
	if len(limits.Content) > 0 {
		yamltree.Set(res, "limits", limits)
	}
	if len(requests.Content) > 0 {
		yamltree.Set(res, "requests", requests)
	}
	if len(res.Content) == 0 {
		return nil, "", nil
	}
	return res, "", nil
}

// podRequirement is Datadog's formula for one resource: the larger of the biggest ordinary init
// container (they run one at a time) and the sum of the containers and sidecar init containers
// (restartPolicy: Always; they run together), for requests and limits each.
func podRequirement(p *pod, name resourceName) (req, lim resource.Quantity, err error) {
	var maxInitReq, maxInitLim, sumReq, sumLim resource.Quantity
	for _, c := range p.containers {
		r, l, err := containerQuantities(c, name)
		if err != nil {
			return req, lim, err
		}
		if c.init && !isSidecar(c) {
			if r.Cmp(maxInitReq) > 0 {
				maxInitReq = r
			}
			if l.Cmp(maxInitLim) > 0 {
				maxInitLim = l
			}
			continue
		}
		sumReq.Add(r)
		sumLim.Add(l)
	}
	req, lim = sumReq, sumLim
	if maxInitReq.Cmp(req) > 0 {
		req = maxInitReq
	}
	if maxInitLim.Cmp(lim) > 0 {
		lim = maxInitLim
	}
	return req, lim, nil
}

// containerQuantities reads resources.requests and resources.limits of one resource.
func containerQuantities(c *container, name resourceName) (req, lim resource.Quantity, err error) {
	res := yamltree.Get(c.node, "resources")
	read := func(kind string) (resource.Quantity, error) {
		v := yamltree.Path(res, kind, string(name))
		if v == nil || v.ShortTag() == yaml.NodeTagNull {
			return resource.Quantity{}, nil
		}
		field := c.field + ".resources." + kind + "." + string(name)
		if v.Kind != yaml.ScalarNode {
			return resource.Quantity{}, &podtemplate.FieldError{Field: field, Message: "must be a quantity, found " + yamltree.KindName(v)}
		}
		q, err := resource.ParseQuantity(v.Value)
		if err != nil {
			return resource.Quantity{}, &podtemplate.FieldError{Field: field, Message: fmt.Sprintf("must be a Kubernetes quantity, found %q", v.Value)}
		}
		return q, nil
	}
	if req, err = read("requests"); err != nil {
		return
	}
	lim, err = read("limits")
	return
}

// isSidecar reports an init container that keeps running beside the containers.
func isSidecar(c *container) bool {
	rp := yamltree.Get(c.node, "restartPolicy")
	return c.init && rp != nil && rp.Value == restartPolicyAlways
}
