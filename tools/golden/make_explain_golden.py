#!/usr/bin/python3
"""Writes tests/golden/explain.safetensors: attribution methods on a small CNN, computed with PyTorch autograd.

The formulas are written here in torch from the papers' definitions (Captum is not packaged for Debian and pip is not
available); torch's autograd is the oracle for every gradient, numpy's leggauss for the Gauss-Legendre nodes.

Model (weights stored, seeded): conv1 3->4 3x3 pad 1, ReLU, max pool 2, conv2 4->6 3x3 pad 1, ReLU ("relu2"),
global average pooling, fc 6->5. Input "x" [2, 3, 8, 8], target class TARGET, a user baseline "baseline" [2, 3, 8, 8].

Tensors:
  conv1.weight, conv1.bias, conv2.weight, conv2.bias, fc.weight, fc.bias, x, baseline
  logits                       [2, 5]
  saliency                     d logit[target] / d x                                    [2, 3, 8, 8]
  ig.<rule>                    integrated gradients, zero baseline, STEPS steps          [2, 3, 8, 8]
  ig_baseline.gausslegendre    integrated gradients against "baseline"                  [2, 3, 8, 8]
  cam.<method>                 maps of relu2 after ReLU, before upsampling               [2, 1, 4, 4]
  guided                       guided backpropagation                                    [2, 3, 8, 8]
Plus the zoo ResNet-18 (weights generated from their names as make_zoo_golden.py does; input "input.64"
[1, 3, 64, 64], generated the same way): "resnet18.logits" [1, 1000] and "resnet18.<method>", the maps of layer4
[1, 1, 2, 2] for class RESNET_TARGET.
And "slic.image" [3, 48, 64] (a synthetic RGB image) with "slic.labels" [48, 64], scikit-image's slic (n_segments 40,
compactness 10, start_label 0) of it; "ridge.*": scikit-learn's Ridge(alpha=1) fitted with sample weights (LIME's
surrogate) on 30 random binary rows of 5 features.

Run with Debian's interpreter: /usr/bin/python3 tools/golden/make_explain_golden.py
"""

import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import OUT, check_torch, write_safetensors  # noqa: E402
from make_zoo_golden import generated  # noqa: E402

TARGET = 2
STEPS = 8
RESNET_TARGET = 7
SLIC_SIZE = (48, 64)
SLIC_SEGMENTS = 40
RULES = ["riemann_left", "riemann_right", "riemann_middle", "riemann_trapezoid", "gausslegendre"]


def alphas_weights(rule, m):
    if rule == "gausslegendre":
        t, w = np.polynomial.legendre.leggauss(m)
        return list((t + 1) / 2), list(w / 2)
    if rule == "riemann_trapezoid":
        a = [k / (m - 1) for k in range(m)]
        w = [1 / (m - 1)] * m
        w[0] *= 0.5
        w[-1] *= 0.5
        return a, w
    shift = {"riemann_left": 0.0, "riemann_right": 1.0, "riemann_middle": 0.5}[rule]
    return [(k + shift) / m for k in range(m)], [1 / m] * m


class GuidedRelu(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g.clamp(min=0) * (x > 0).to(g.dtype)


def small_cnn(p, x, relu=F.relu, keep=None):
    h = relu(F.conv2d(x, p["conv1.weight"], p["conv1.bias"], padding=1))
    h = F.max_pool2d(h, 2)
    a = relu(F.conv2d(h, p["conv2.weight"], p["conv2.bias"], padding=1))
    if keep is not None:
        keep.append(a)
    return F.linear(a.mean(dim=(2, 3)), p["fc.weight"], p["fc.bias"])


def grad_of(f, x, target):
    x = x.clone().requires_grad_(True)
    f(x)[:, target].sum().backward()
    return x.grad.detach()


def integrated_gradients(f, x, x0, target, rule, m):
    alphas, weights = alphas_weights(rule, m)
    total = torch.zeros_like(x, dtype=torch.float64)
    for a, w in zip(alphas, weights):
        total += w * grad_of(f, x0 + float(a) * (x - x0), target).double()
    return ((x - x0).double() * total).float()


def cams(a, g):
    """The four maps from a layer output a [N, C, h, w] and its gradient g, each after ReLU: [N, 1, h, w]."""
    a, g = a.double(), g.double()
    gradcam = (g.mean(dim=(2, 3), keepdim=True) * a).sum(1, keepdim=True)
    g2, g3 = g ** 2, g ** 3
    den = 2 * g2 + a.sum(dim=(2, 3), keepdim=True) * g3
    alpha = torch.where(den != 0, g2 / torch.where(den != 0, den, torch.ones_like(den)), torch.zeros_like(den))
    w = (alpha * g.clamp(min=0)).sum(dim=(2, 3), keepdim=True)
    gradcampp = (w * a).sum(1, keepdim=True)
    hires = (g * a).sum(1, keepdim=True)
    layercam = (g.clamp(min=0) * a).sum(1, keepdim=True)
    return {k: v.clamp(min=0).float() for k, v in
            [("gradcam", gradcam), ("gradcampp", gradcampp), ("hirescam", hires), ("layercam", layercam)]}


def layer_and_grad(f_keep, x, target):
    keep = []
    out = f_keep(x.clone().requires_grad_(True), keep)
    a = keep[0]
    (g,) = torch.autograd.grad(out[:, target].sum(), a)
    return a.detach(), g.detach()


def resnet18_cam(tensors, meta):
    import torchvision
    model = torchvision.models.resnet18()
    sd = {k: torch.from_numpy(np.asarray(generated(k, tuple(v.shape)))) for k, v in model.state_dict().items()}
    model.load_state_dict(sd)
    model.eval()
    x = generated_input("input.64", (1, 3, 64, 64))
    keep = []
    model.layer4.register_forward_hook(lambda m, i, o: keep.append(o))
    out = model(x)
    (g,) = torch.autograd.grad(out[:, RESNET_TARGET].sum(), keep[0])
    tensors["resnet18.logits"] = out.detach()
    for k, v in cams(keep[0].detach(), g).items():
        tensors[f"resnet18.{k}"] = v
    meta["resnet18"] = json.dumps({"input": "input.64", "target": RESNET_TARGET, "layer": "layer4"})


def slic_case(tensors, meta):
    """scikit-image's SLIC on a synthetic RGB image: smooth background, three coloured discs, a bar, mild noise."""
    from skimage.segmentation import slic
    rng = np.random.default_rng(0)
    h, w = SLIC_SIZE
    yy, xx = np.mgrid[:h, :w]
    img = np.stack([0.3 + 0.4 * xx / w, 0.2 + 0.5 * yy / h, 0.5 + 0 * xx], axis=-1)
    for cy, cx, r, colour in [(12, 14, 9, (0.9, 0.1, 0.1)), (30, 44, 12, (0.1, 0.8, 0.2)),
                              (36, 12, 7, (0.1, 0.2, 0.9))]:
        img[(yy - cy) ** 2 + (xx - cx) ** 2 < r * r] = colour
    img[4:10, 30:60] = (0.95, 0.9, 0.2)
    img = np.clip(img + rng.normal(0, 0.02, img.shape), 0, 1).astype(np.float32)
    labels = slic(img.astype(np.float64), n_segments=SLIC_SEGMENTS, compactness=10.0, start_label=0)
    tensors["slic.image"] = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))
    tensors["slic.labels"] = torch.from_numpy(labels.astype(np.float32))
    meta["slic"] = json.dumps({"n_segments": SLIC_SEGMENTS, "compactness": 10.0, "segments": int(labels.max() + 1)})


def ridge_case(tensors):
    """scikit-learn's Ridge(alpha=1) with sample weights: LIME's surrogate."""
    from sklearn.linear_model import Ridge
    rng = np.random.default_rng(1)
    x = (rng.random((30, 5)) < 0.5).astype(np.float64)
    y = x @ np.array([0.5, -1.0, 2.0, 0.0, 0.3]) + 0.2 + rng.normal(0, 0.1, 30)
    w = rng.random(30) + 0.1
    r = Ridge(alpha=1.0).fit(x, y, sample_weight=w)
    tensors["ridge.x"] = torch.from_numpy(x.astype(np.float32))
    tensors["ridge.y"] = torch.from_numpy(y.astype(np.float32))
    tensors["ridge.w"] = torch.from_numpy(w.astype(np.float32))
    # the fit of the float32-rounded data, so that both sides fit the same numbers
    r = Ridge(alpha=1.0).fit(x.astype(np.float32).astype(np.float64), y.astype(np.float32).astype(np.float64),
                             sample_weight=w.astype(np.float32).astype(np.float64))
    tensors["ridge.coef"] = torch.from_numpy(r.coef_.astype(np.float32))
    tensors["ridge.intercept"] = torch.tensor([r.intercept_], dtype=torch.float32)


def generated_input(name, shape):
    # inputs of make_zoo_golden.py: 2u - 1 from the same counter-based generator (a "bias" rule would scale by 0.1)
    from make_zoo_golden import uniform
    n = int(np.prod(shape))
    return torch.from_numpy((2.0 * uniform(name, n) - 1.0).astype(np.float32).reshape(shape))


def main():
    check_torch()
    torch.manual_seed(0)
    p = {
        "conv1.weight": torch.randn(4, 3, 3, 3) * 0.4, "conv1.bias": torch.randn(4) * 0.1,
        "conv2.weight": torch.randn(6, 4, 3, 3) * 0.3, "conv2.bias": torch.randn(6) * 0.1,
        "fc.weight": torch.randn(5, 6) * 0.5, "fc.bias": torch.randn(5) * 0.1,
    }
    x = torch.rand(2, 3, 8, 8) * 2 - 1
    baseline = torch.rand(2, 3, 8, 8) * 0.2 - 0.1
    f = lambda t: small_cnn(p, t)  # noqa: E731
    tensors = dict(p)
    tensors["x"] = x
    tensors["baseline"] = baseline
    tensors["logits"] = f(x).detach()
    tensors["saliency"] = grad_of(f, x, TARGET)
    for rule in RULES:
        tensors[f"ig.{rule}"] = integrated_gradients(f, x, torch.zeros_like(x), TARGET, rule, STEPS)
    tensors["ig_baseline.gausslegendre"] = integrated_gradients(f, x, baseline, TARGET, "gausslegendre", STEPS)
    a, g = layer_and_grad(lambda t, keep: small_cnn(p, t, keep=keep), x, TARGET)
    for k, v in cams(a, g).items():
        tensors[f"cam.{k}"] = v
    tensors["guided"] = grad_of(lambda t: small_cnn(p, t, relu=GuidedRelu.apply), x, TARGET)
    meta = {"torch_version": torch.__version__, "target": str(TARGET), "steps": str(STEPS)}
    resnet18_cam(tensors, meta)
    slic_case(tensors, meta)
    ridge_case(tensors)
    path = os.path.join(OUT, "explain.safetensors")
    write_safetensors(path, tensors, meta)
    print(f"wrote {path}: {len(tensors)} tensors")


if __name__ == "__main__":
    main()
