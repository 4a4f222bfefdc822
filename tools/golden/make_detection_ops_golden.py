#!/usr/bin/python3
"""Writes tests/golden/detection_ops.safetensors: torchvision.ops 0.14 detection ops, forward and backward.

Each case "caseNN" names its op in the metadata ("op") with its parameters; tensors are the inputs, the outputs and,
for differentiable ops, a random upstream gradient r and the gradient of sum(y * r) for every input that takes one.
Integer results (kept indices, levels) are stored as float32 like everything else. Same rules as make_golden.py
(seeded, single-threaded, float32, byte-identical reruns).

The distance coder and distribution focal loss have no torchvision op: they are written below from the definition of
the Generalized Focal Loss paper (Li et al. 2020, eq. 5-6): the box side is the expectation sum_i P(y_i) y_i over the
bins y_i = 0..reg_max, and DFL(S_i, S_i+1) = -((y_i+1 - y) log S_i + (y - y_i) log S_i+1) for y_i <= y < y_i+1.

Run with Debian's interpreter:  /usr/bin/python3 tools/golden/make_detection_ops_golden.py
"""

import math
import os
import sys
from collections import OrderedDict

import torch
import torch.nn.functional as F
import torchvision
from torchvision import ops
from torchvision.models.detection._utils import BoxCoder
from torchvision.models.detection.anchor_utils import AnchorGenerator, DefaultBoxGenerator
from torchvision.models.detection.image_list import ImageList

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import Golden, check_torch  # noqa: E402


def random_boxes(n, scale=20.0, min_size=0.5):
    """n boxes xyxy with 0 <= x1 < x2 and 0 <= y1 < y2 (random, no two coordinates equal)."""
    xy = torch.rand(n, 2) * scale
    wh = torch.rand(n, 2) * scale * 0.6 + min_size
    return torch.cat([xy, xy + wh], dim=1)


def grads(y, *inputs):
    r = torch.randn_like(y)
    gs = torch.autograd.grad((y * r).sum(), inputs, allow_unused=True)
    return r, [torch.zeros_like(i) if g is None else g for i, g in zip(inputs, gs)]


def conversions(g):
    xyxy = random_boxes(6)
    forms = {"xyxy": xyxy, "xywh": ops.box_convert(xyxy, "xyxy", "xywh"),
             "cxcywh": ops.box_convert(xyxy, "xyxy", "cxcywh")}
    for fin in forms:
        for fout in forms:
            if fin == fout:
                continue
            x = forms[fin].clone().requires_grad_(True)
            y = ops.box_convert(x, fin, fout)
            r, (dx,) = grads(y, x)
            g.case({"op": "convert", "in_fmt": fin, "out_fmt": fout}, {"x": x, "y": y, "r": r, "dx": dx})
    x = random_boxes(7)
    g.case({"op": "area"}, {"x": x, "y": ops.box_area(x)})


PAIRWISE = {"iou": ops.box_iou, "giou": ops.generalized_box_iou, "diou": ops.distance_box_iou,
            "ciou": ops.complete_box_iou}


def pairwise(g):
    # Random boxes (no ties between coordinates, so min/max have one gradient): forward and backward.
    for kind, fn in PAIRWISE.items():
        b1 = random_boxes(5).requires_grad_(True)
        b2 = random_boxes(4).requires_grad_(True)
        y = fn(b1, b2)
        r, (d1, d2) = grads(y, b1, b2)
        g.case({"op": "pairwise", "kind": kind, "eps": 1e-7}, {"b1": b1, "b2": b2, "y": y, "r": r, "d1": d1, "d2": d2})
    # Special layouts, forward only: identical, contained, touching at an edge, disjoint, zero-area boxes.
    b1 = torch.tensor([[0., 0, 4, 4], [1, 1, 2, 2], [4, 0, 6, 4], [10, 10, 12, 13], [2, 2, 2, 5]])
    b2 = torch.tensor([[0., 0, 4, 4], [0, 0, 8, 8], [3, 3, 3, 3], [5, 1, 7, 2]])
    for kind, fn in PAIRWISE.items():
        g.case({"op": "pairwise", "kind": kind, "eps": 1e-7, "forward_only": True}, {"b1": b1, "b2": b2,
                                                                                   "y": fn(b1, b2)})
    g.case({"op": "pairwise", "kind": "diou", "eps": 0.5, "forward_only": True},
           {"b1": b1, "b2": b2, "y": ops.distance_box_iou(b1, b2, eps=0.5)})
    g.case({"op": "pairwise", "kind": "ciou", "eps": 0.5, "forward_only": True},
           {"b1": b1, "b2": b2, "y": ops.complete_box_iou(b1, b2, eps=0.5)})


LOSSES = {"giou": ops.generalized_box_iou_loss, "diou": ops.distance_box_iou_loss, "ciou": ops.complete_box_iou_loss}


def losses(g):
    for kind, fn in LOSSES.items():
        for reduction in ("none", "mean", "sum"):
            for eps in (1e-7, 0.5):
                b1 = random_boxes(7).requires_grad_(True)
                b2 = random_boxes(7)
                b2[3] = b1[3].detach() + 0.25  # a pair that overlaps heavily
                b2 = b2.requires_grad_(True)
                y = fn(b1, b2, reduction=reduction, eps=eps)
                r, (d1, d2) = grads(y, b1, b2)
                g.case({"op": "loss", "kind": kind, "reduction": reduction, "eps": eps},
                       {"b1": b1, "b2": b2, "y": y, "r": r, "d1": d1, "d2": d2})


def clip_and_small(g):
    b = torch.tensor([[-3., -2, 5, 6], [10, 12, 40, 25], [-5, -5, -1, -1], [2, 3, 2.5, 30], [29, 19, 35, 21],
                      [0, 0, 30, 20]])
    g.case({"op": "clip", "size": [20, 30]}, {"x": b, "y": ops.clip_boxes_to_image(b, (20, 30))})
    for min_size in (0.5, 1.0, 4.0):
        x = torch.tensor([[0., 0, 1, 1], [0, 0, 0.5, 3], [1, 1, 5, 4.999], [2, 2, 2, 2], [0, 0, 10, 4], [3, 3, 3.9, 8]])
        g.case({"op": "remove_small", "min_size": min_size}, {"x": x, "keep": ops.remove_small_boxes(x, min_size)})


def nms_cases(g):
    for n, thr, levels in ((40, 0.5, 0), (40, 0.3, 4), (60, 0.7, 3), (25, 0.0, 0), (25, 1.0, 0)):
        b = random_boxes(n, scale=30.0)
        s = torch.rand(n)
        if levels:  # tied scores: only a few distinct values
            s = torch.randint(0, levels, (n,)).float() / levels
        g.case({"op": "nms", "iou_threshold": thr}, {"boxes": b, "scores": s, "keep": ops.nms(b, s, thr)})
    # IoU exactly at the threshold (0.5 and 1/3 are exact in float32 here) is kept: nms suppresses IoU > threshold.
    b = torch.tensor([[0., 0, 4, 1], [0, 0, 2, 1], [0, 0, 2, 1], [1, 0, 3, 1], [10, 10, 14, 11], [10, 10, 12, 11],
                      [20, 20, 22, 21]])
    s = torch.tensor([0.9, 0.8, 0.8, 0.8, 0.7, 0.7, 0.7])
    for thr in (0.5, 1.0 / 3.0, 0.49):
        g.case({"op": "nms", "iou_threshold": thr}, {"boxes": b, "scores": s, "keep": ops.nms(b, s, thr)})
    for n, thr, classes in ((50, 0.5, 3), (50, 0.4, 1), (30, 0.6, 5)):
        b = random_boxes(n, scale=30.0)
        s = torch.randint(0, 6, (n,)).float() / 6
        idx = torch.randint(0, classes, (n,))
        g.case({"op": "batched_nms", "iou_threshold": thr},
               {"boxes": b, "scores": s, "idxs": idx.float(), "keep": ops.batched_nms(b, s, idx, thr)})
    # IoU exactly at the threshold within a class, and identical boxes in different classes (never suppressed).
    b = torch.tensor([[0., 0, 4, 1], [0, 0, 2, 1], [0, 0, 2, 1], [1, 0, 3, 1]])
    s = torch.tensor([0.9, 0.8, 0.8, 0.8])
    idx = torch.tensor([0, 1, 0, 1])
    g.case({"op": "batched_nms", "iou_threshold": 0.5},
           {"boxes": b, "scores": s, "idxs": idx.float(), "keep": ops.batched_nms(b, s, idx, 0.5)})


def roi_align_cases(g):
    grid = [((2, 3, 9, 11), (3, 3), 1.0, -1, False), ((2, 3, 9, 11), (3, 3), 1.0, -1, True),
            ((2, 2, 12, 10), (2, 4), 0.5, 2, False), ((2, 2, 12, 10), (2, 4), 0.5, 2, True),
            ((1, 2, 8, 8), (4, 3), 0.25, 1, True), ((1, 2, 8, 8), (5, 5), 0.25, -1, False),
            ((2, 1, 7, 13), (2, 2), 1.0, 3, False), ((2, 1, 7, 13), (7, 7), 2.0, -1, True)]
    for shape, out, scale, sr, aligned in grid:
        n, c, h, w = shape
        x = torch.randn(*shape, requires_grad=True)
        k = 6
        boxes = random_boxes(k, scale=min(h, w) / scale, min_size=0.3 / scale)
        # one RoI straddling the border, one outside the image, one of zero area, one tiny
        boxes[1] = torch.tensor([-2.0, -1.5, 4.0, 3.0]) / scale
        boxes[2] = torch.tensor([w + 3.0, h + 1.0, w + 6.0, h + 4.5]) / scale
        boxes[3] = torch.tensor([2.0, 3.0, 2.0, 3.0]) / scale
        boxes[4] = torch.tensor([1.2, 1.1, 1.3, 1.25]) / scale
        ids = torch.randint(0, n, (k, 1)).float()
        rois = torch.cat([ids, boxes], dim=1)
        y = ops.roi_align(x, rois, out, spatial_scale=scale, sampling_ratio=sr, aligned=aligned)
        r, (dx,) = grads(y, x)
        g.case({"op": "roi_align", "output_size": list(out), "spatial_scale": scale, "sampling_ratio": sr,
                "aligned": aligned}, {"x": x, "rois": rois, "y": y, "r": r, "dx": dx})


def multiscale_cases(g):
    image_shapes = [(200, 256), (180, 240)]
    sizes = [(50, 64), (25, 32), (13, 16), (7, 8)]
    feats = OrderedDict((f"feat{i}", torch.randn(2, 2, h, w, requires_grad=True)) for i, (h, w) in enumerate(sizes))
    side = torch.tensor([12., 30, 60, 100, 140, 230, 8, 250])
    xy = torch.rand(8, 2) * 20
    boxes = [torch.cat([xy[:5], xy[:5] + side[:5, None]], 1), torch.cat([xy[5:], xy[5:] + side[5:, None]], 1)]
    for names, out, sr in ((["feat0", "feat1", "feat2", "feat3"], (3, 3), 2), (["feat1", "feat3"], (2, 2), -1),
                           (["feat2"], (2, 3), 2)):
        m = ops.MultiScaleRoIAlign(names, out, sr)
        y = m(feats, boxes, image_shapes)
        inputs = [feats[n] for n in names]
        r, ds = grads(y, *inputs)
        tensors = {"boxes0": boxes[0], "boxes1": boxes[1], "y": y, "r": r}
        for n in feats:
            tensors[n] = feats[n]
        for n, d in zip(names, ds):
            tensors["d" + n] = d
        g.case({"op": "multiscale_roi_align", "featmap_names": names, "output_size": list(out), "sampling_ratio": sr,
                "image_shapes": [list(s) for s in image_shapes], "scales": m.scales}, tensors)


def anchor_cases(g):
    images = ImageList(torch.zeros(2, 3, 64, 80), [(64, 80), (60, 70)])
    configs = [(((16,), (32, 48)), ((0.5, 1.0, 2.0), (1.0, 0.7)), [(8, 10), (4, 5)]),
               (((32,), (64,), (128,)), ((0.5, 1.0, 2.0),) * 3, [(16, 20), (6, 7), (3, 3)]),
               (((10, 20, 30),), ((0.25, 1.0, 3.0),), [(5, 9)])]
    for sizes, ratios, grids in configs:
        gen = AnchorGenerator(sizes, ratios)
        fm = [torch.zeros(2, 1, h, w) for h, w in grids]
        a = gen(images, fm)[0]
        g.case({"op": "anchors", "sizes": [list(s) for s in sizes], "aspect_ratios": [list(r) for r in ratios],
                "grids": [list(s) for s in grids], "image_size": [64, 80]}, {"anchors": a})
    images = ImageList(torch.zeros(1, 3, 60, 80), [(60, 80)])
    dconfigs = [([[2], [2, 3]], None, None, True, [(6, 8), (3, 4)]),
                ([[2, 3], [2]], [0.1, 0.4, 0.95], [8, 16], False, [(8, 10), (4, 5)]),
                ([[2], [2, 3], [2]], None, [10, 20, 40], True, [(6, 8), (3, 4), (2, 2)])]
    for ars, scales, steps, clip, grids in dconfigs:
        gen = DefaultBoxGenerator(ars, scales=scales, steps=steps, clip=clip)
        fm = [torch.zeros(1, 1, h, w) for h, w in grids]
        a = gen(images, fm)[0]
        g.case({"op": "default_boxes", "aspect_ratios": ars, "scales": scales, "steps": steps, "clip": clip,
                "grids": [list(s) for s in grids], "image_size": [60, 80], "min_ratio": 0.15, "max_ratio": 0.9},
               {"boxes": a})


def coder_cases(g):
    for weights, clip in (((1.0, 1.0, 1.0, 1.0), math.log(1000.0 / 16)), ((10.0, 10.0, 5.0, 5.0), math.log(1000.0 / 16)),
                          ((2.0, 1.0, 0.5, 4.0), 0.5)):
        coder = BoxCoder(weights, bbox_xform_clip=clip)
        anchors = random_boxes(8)
        gt = random_boxes(8)
        targets = coder.encode_single(gt, anchors)
        codes = (torch.randn(8, 4) * 2).requires_grad_(True)
        with torch.no_grad():
            codes[0, 2] = 9.0  # clipped width and height: no gradient through the clamp
            codes[1, 3] = 7.5
        decoded = coder.decode_single(codes, anchors)
        r, (dcodes,) = grads(decoded, codes)
        g.case({"op": "box_coder", "weights": list(weights), "bbox_xform_clip": clip},
               {"anchors": anchors, "gt": gt, "targets": targets, "codes": codes, "decoded": decoded, "r": r,
                "dcodes": dcodes})


def distance_encode(points, boxes, stride, reg_max):
    lt = (points - boxes[:, :2]) / stride
    rb = (boxes[:, 2:] - points) / stride
    return torch.cat([lt, rb], 1).clamp(0, reg_max - 0.01)


def distance_decode(points, ltrb, stride):
    return torch.cat([points - ltrb[:, :2] * stride, points + ltrb[:, 2:] * stride], 1)


def integral(logits, reg_max):
    """[N, 4, reg_max + 1] logits -> [N, 4] expected distance sum_i softmax_i * i (GFL eq. 5)."""
    bins = torch.arange(reg_max + 1, dtype=logits.dtype)
    return (F.softmax(logits, dim=-1) * bins).sum(-1)


def dfl(logits, target):
    """GFL eq. 6 per side, mean over the four sides of each box: [N, 4, n+1] logits, [N, 4] targets -> [N]."""
    left = target.floor().long()
    right = left + 1
    wl = right.float() - target
    wr = target - left.float()
    logp = F.log_softmax(logits, dim=-1)
    loss = -(wl * logp.gather(-1, left[..., None])[..., 0] + wr * logp.gather(-1, right[..., None])[..., 0])
    return loss.mean(-1)


def distance_cases(g):
    for reg_max, stride in ((7, 8.0), (15, 4.0)):
        n = 6
        points = torch.rand(n, 2) * 40 + 10
        boxes = torch.cat([points - torch.rand(n, 2) * 30 - 0.5, points + torch.rand(n, 2) * 70 + 0.5], 1)
        target = distance_encode(points, boxes, stride, reg_max)
        ltrb = (torch.rand(n, 4) * reg_max).requires_grad_(True)
        decoded = distance_decode(points, ltrb, stride)
        r, (dltrb,) = grads(decoded, ltrb)
        logits = torch.randn(n, 4, reg_max + 1, requires_grad=True)
        dist = integral(logits, reg_max)
        r2, (dlogits_int,) = grads(dist, logits)
        loss_each = dfl(logits, target)
        loss = loss_each.mean()
        (dlogits_dfl,) = torch.autograd.grad(loss, [logits])
        g.case({"op": "distance", "reg_max": reg_max, "stride": stride},
               {"points": points, "boxes": boxes, "target": target, "ltrb": ltrb, "decoded": decoded, "r": r,
                "dltrb": dltrb, "logits": logits, "integral": dist, "r_integral": r2, "dlogits_integral": dlogits_int,
                "dfl_each": loss_each, "dfl": loss, "dlogits_dfl": dlogits_dfl})


def focal_cases(g):
    for alpha, gamma, reduction, soft in ((0.25, 2.0, "none", False), (0.25, 2.0, "mean", False),
                                          (-1.0, 0.0, "sum", False), (0.5, 1.5, "none", True),
                                          (0.75, 3.0, "mean", True), (0.25, 2.0, "sum", False)):
        x = (torch.randn(4, 6) * 3).requires_grad_(True)
        t = torch.rand(4, 6) if soft else (torch.rand(4, 6) < 0.3).float()
        y = ops.sigmoid_focal_loss(x, t, alpha=alpha, gamma=gamma, reduction=reduction)
        r, (dx,) = grads(y, x)
        g.case({"op": "focal", "alpha": alpha, "gamma": gamma, "reduction": reduction},
               {"x": x, "t": t, "y": y, "r": r, "dx": dx})


def fpn_cases(g):
    from torchvision.ops.feature_pyramid_network import LastLevelMaxPool
    for in_ch, out_ch, sizes, extra in (([2, 3, 4], 4, [(15, 13), (8, 7), (4, 4)], True),
                                        ([3, 5], 3, [(9, 9), (3, 5)], False)):
        fpn = ops.FeaturePyramidNetwork(in_ch, out_ch, extra_blocks=LastLevelMaxPool() if extra else None)
        with torch.no_grad():
            for p in fpn.parameters():
                p.copy_(torch.randn_like(p) * 0.3)
        xs = OrderedDict((str(i), torch.randn(2, c, h, w, requires_grad=True))
                         for i, (c, (h, w)) in enumerate(zip(in_ch, sizes)))
        out = fpn(xs)
        tensors = {f"w.{k}": v for k, v in fpn.state_dict().items()}
        rs = [torch.randn_like(v) for v in out.values()]
        total = sum((v * r).sum() for v, r in zip(out.values(), rs))
        dxs = torch.autograd.grad(total, list(xs.values()))
        for i, (k, v) in enumerate(out.items()):
            tensors[f"y.{i}"] = v
            tensors[f"r.{i}"] = rs[i]
        for i, (x, d) in enumerate(zip(xs.values(), dxs)):
            tensors[f"x.{i}"] = x
            tensors[f"dx.{i}"] = d
        g.case({"op": "fpn", "in_channels": in_ch, "out_channels": out_ch, "extra_pool": extra,
                "outputs": list(out.keys()), "state_dict": list(fpn.state_dict().keys())}, tensors)


def main():
    check_torch()
    if not torchvision.__version__.startswith("0.14"):
        sys.exit(f"expected torchvision 0.14.x (Debian python3-torchvision), found {torchvision.__version__}")
    g = Golden("detection_ops", seed=12)
    g.meta["generator"] = "tools/golden/make_detection_ops_golden.py"
    g.meta["torchvision_version"] = torchvision.__version__
    conversions(g)
    pairwise(g)
    losses(g)
    clip_and_small(g)
    nms_cases(g)
    roi_align_cases(g)
    multiscale_cases(g)
    anchor_cases(g)
    coder_cases(g)
    distance_cases(g)
    focal_cases(g)
    fpn_cases(g)
    g.save()


if __name__ == "__main__":
    main()
