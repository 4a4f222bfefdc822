#!/usr/bin/python3
"""PyTorch side of Fovea's explain benchmarks (bench/Fovea.Bench/ExplainBench.cs): the same three methods on
torchvision's ResNet-18 (weights=None, seed 0, eval mode), one 224x224 image (the same smooth synthetic image as
Fovea's: 0.5 + 0.25 sin(0.07 (c + 1) x + 0.05 y) + 0.25 cos(0.045 y - 0.03 (c + 1) x)), target class 281,
written plainly with torch autograd. One JSON line per benchmark on stdout, with the fields of Fovea's records.

Usage: /usr/bin/python3 bench/explain_torch.py [gradcam] [ig50] [lime1000] [--trials 3] [--threads 2]
           [--ig-batch 16] [--channels-last] [--tag TAG]

explain_gradcam_resnet18 (ms per map): Grad-CAM of layer4 (a forward hook keeps layer4's output; the gradient of the
    target logit with respect to it by torch.autograd.grad; weights = spatial mean of the gradient; ReLU of the
    weighted sum of the channels, at 7x7). Also timed: one plain forward pass plus one backward pass of the target
    logit to the input (fwd_bwd_ms) and the ratio. 3 warm-up calls of each, then --trials trials of 10 calls.
explain_ig50_resnet18 (s per attribution): integrated gradients, 50 Gauss-Legendre points on [0, 1]
    (numpy.polynomial.legendre.leggauss, as Captum's default rule), zero baseline, --ig-batch points per
    forward/backward pass (torch.autograd.grad with respect to the points), plus the two no-grad forward passes
    of the completeness error. One warm-up attribution, then --trials trials of one attribution.
explain_lime1000_resnet18 (s per explanation): LIME with 1,000 masks over a fixed 7x7 grid of 32x32 superpixels
    (the same segments as Fovea's run), the first mask all ones and the others keeping each superpixel with
    probability 1/2, hidden superpixels at their mean colour, masked images scored 64 at a time under
    torch.no_grad(), weights sqrt(exp(-d^2 / 0.25^2)) of the cosine distance to the all-ones mask, and
    sklearn's Ridge(alpha=1) with those sample weights (LIME's surrogate). The segmentation is not timed;
    scikit-image's slic on the same image (n_segments 50, compactness 10) is timed apart: slic_ms. A warm-up run
    with 64 masks, then --trials trials of one explanation.
"""
import argparse, json, platform, sys, time
import numpy as np
import torch
import torchvision

ap = argparse.ArgumentParser()
ap.add_argument("benches", nargs="*", default=["gradcam", "ig50", "lime1000"])
ap.add_argument("--trials", type=int, default=3)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--ig-batch", type=int, default=16)
ap.add_argument("--channels-last", action="store_true")
ap.add_argument("--tag", default="")
args = ap.parse_args()

torch.set_num_threads(args.threads)
TARGET, SIZE, GRID = 281, 224, 7
fmt = torch.channels_last if args.channels_last else torch.contiguous_format
meta = {"engine": "PyTorch (Debian)", "version": torch.__version__, "torchvision": torchvision.__version__,
        "threads": torch.get_num_threads(), "python": platform.python_version(),
        "memory_format": "channels_last" if args.channels_last else "NCHW", "tag": args.tag}

torch.manual_seed(0)
model = torchvision.models.resnet18(weights=None).eval().to(memory_format=fmt)
cc, yy, xx = np.meshgrid(np.arange(3.0), np.arange(SIZE * 1.0), np.arange(SIZE * 1.0), indexing="ij")
image = 0.5 + 0.25 * np.sin(0.07 * (cc + 1) * xx + 0.05 * yy) + 0.25 * np.cos(0.045 * yy - 0.03 * (cc + 1) * xx)
x = torch.from_numpy(image.astype(np.float32))[None].contiguous(memory_format=fmt)


def emit(bench, unit, values, iterations, **fields):
    v = sorted(values)
    rec = {**meta, "bench": bench, **fields, "iters_per_trial": iterations, "unit": unit,
           "best": v[0], "median": v[len(v) // 2], "worst": v[-1], "trials": values,
           "argv": " ".join(sys.argv), "time": time.strftime("%Y-%m-%dT%H:%M:%S")}
    print(json.dumps(rec), flush=True)


def repeat(call, warmups, calls, scale=1.0):
    """warmups calls, then --trials trials of `calls` calls; per trial the mean ms per call times scale."""
    for _ in range(warmups):
        call()
    times = []
    for _ in range(args.trials):
        t0 = time.perf_counter()
        for _ in range(calls):
            call()
        times.append((time.perf_counter() - t0) / calls * 1000 * scale)
    return times


def forward_backward():
    xi = x.detach().clone().requires_grad_(True)
    logits = model(xi)
    return torch.autograd.grad(logits[0, TARGET], xi)[0]


kept = {}
model.layer4.register_forward_hook(lambda module, inp, out: kept.__setitem__("a", out))


def grad_cam():
    logits = model(x)
    a = kept.pop("a")
    g = torch.autograd.grad(logits[:, TARGET].sum(), a)[0]
    w = g.mean(dim=(2, 3), keepdim=True)
    with torch.no_grad():
        return torch.relu((w * a).sum(dim=1, keepdim=True))


def integrated_gradients(steps=50, batch=16):
    t, wts = np.polynomial.legendre.leggauss(steps)
    alphas, wts = (t + 1) / 2, wts / 2
    x0 = torch.zeros_like(x)
    total = torch.zeros_like(x)
    for s in range(0, steps, batch):
        a = torch.tensor(alphas[s:s + batch], dtype=torch.float32).view(-1, 1, 1, 1)
        w = torch.tensor(wts[s:s + batch], dtype=torch.float32).view(-1, 1, 1, 1)
        points = (x0 + a * (x - x0)).contiguous(memory_format=fmt).requires_grad_(True)
        out = model(points)[:, TARGET].sum()
        g = torch.autograd.grad(out, points)[0]
        total += (w * g).sum(dim=0, keepdim=True)
    attr = (x - x0) * total
    with torch.no_grad():
        fx, fb = model(x)[0, TARGET].item(), model(x0)[0, TARGET].item()
    return attr, attr.sum().item() - (fx - fb)


def grid_labels():
    block = SIZE // GRID
    yy, xx = np.meshgrid(np.arange(SIZE), np.arange(SIZE), indexing="ij")
    return (yy // block) * GRID + xx // block


def lime(labels, samples, batch=64, kernel_width=0.25, seed=0):
    from sklearn.linear_model import Ridge
    m = int(labels.max()) + 1
    lab = torch.from_numpy(labels).long()
    img = x[0]
    # Each superpixel's mean colour (LIME's default hide_color=None).
    flat = img.reshape(3, -1)
    counts = torch.bincount(lab.view(-1), minlength=m).float()
    means = torch.stack([torch.bincount(lab.view(-1), weights=flat[c], minlength=m) for c in range(3)]) / counts
    fill = means[:, lab]                                             # [3, H, W]
    rng = np.random.default_rng(seed)
    masks = rng.integers(0, 2, size=(samples, m)).astype(np.float64)
    masks[0] = 1
    scores = np.empty(samples)
    mt = torch.from_numpy(masks).bool()
    with torch.no_grad():
        for s in range(0, samples, batch):
            keep = mt[s:s + batch][:, lab].unsqueeze(1)              # [b, 1, H, W]
            batch_x = torch.where(keep, img, fill).contiguous(memory_format=fmt)
            scores[s:s + batch] = model(batch_x)[:, TARGET].numpy()
    k = masks.sum(axis=1)
    d = np.where(k > 0, 1 - np.sqrt(k / m), 1.0)
    weights = np.sqrt(np.exp(-d * d / kernel_width ** 2))
    ridge = Ridge(alpha=1.0).fit(masks, scores, sample_weight=weights)
    return ridge.coef_[labels]


for b in args.benches:
    if b == "gradcam":
        plain = repeat(forward_backward, 3, 10)
        cam = repeat(grad_cam, 3, 10)
        pm, cm = sorted(plain)[len(plain) // 2], sorted(cam)[len(cam) // 2]
        emit("explain_gradcam_resnet18", "ms", cam, 10, model="resnet18", batch=1, layer="layer4",
             fwd_bwd_ms=pm, fwd_bwd_best_ms=min(plain), ratio_to_fwd_bwd=cm / pm)
    elif b == "ig50":
        res = {}
        times = repeat(lambda: res.__setitem__("r", integrated_gradients(50, args.ig_batch)), 1, 1, scale=1e-3)
        emit("explain_ig50_resnet18", "s", times, 1, model="resnet18", batch=1, steps=50, rule="gauss_legendre",
             internal_batch=args.ig_batch, baseline="zeros", completeness_error=res["r"][1])
    elif b == "lime1000":
        from skimage.segmentation import slic
        image = x[0].permute(1, 2, 0).numpy().astype(np.float64)
        t0 = time.perf_counter()
        seg = slic(image, n_segments=50, compactness=10, start_label=0)
        slic_ms = (time.perf_counter() - t0) * 1000
        labels = grid_labels()
        lime(labels, 64)
        times = repeat(lambda: lime(labels, 1000), 0, 1, scale=1e-3)
        emit("explain_lime1000_resnet18", "s", times, 1, model="resnet18", batch=1, samples=1000, batch_size=64,
             superpixels=GRID * GRID, segmentation="7x7 grid, not timed", hide="superpixel mean",
             slic_ms=slic_ms, slic_segments=int(seg.max()) + 1)
    else:
        sys.exit(f"unknown benchmark {b}; known: gradcam ig50 lime1000")
