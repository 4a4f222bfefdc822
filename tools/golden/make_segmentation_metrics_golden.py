#!/usr/bin/python3
"""Writes tests/golden/segmentation_metrics.safetensors: per-pixel losses (forward and gradient, PyTorch) and
confusion-matrix metrics (NumPy) for tests/Fovea.Vision.Tests/Segmentation/{SegmentationLossesGoldenTests,
ConfusionMatrixGoldenTests}.cs.

Losses: logits x [N, C, H, W] ~ N(0, 2^2), integer targets t [N, H, W] (about 15% set to the ignore index 255),
class weights w in [0.5, 2); per case "<case>.x", ".t", ".w" (when used), ".loss" and ".dx" (the gradient of the
loss with respect to x). Formulas (p = softmax over C, y one-hot of t, v = 1 for kept pixels, sums over N, H, W):
  ce:      F.cross_entropy(x, t, weight=w, ignore_index=255) = sum_i w[t_i] (-log p_i[t_i]) / sum_i w[t_i]
  dice:    1 - mean_c (2 sum p v y + s) / (sum p v + sum y + s)
  focal:   sum_i v_i w[t_i] (1 - p_i[t_i])^gamma (-log p_i[t_i]) / sum_i v_i
  tversky: 1 - mean_c (TP + s) / (TP + alpha FP + beta FN + s), TP = sum p v y, FP = sum p v (1 - y),
           FN = sum (1 - p) v y
Metrics: "metrics.pred" and "metrics.true", batches [B, N, H, W] of labels in [0, C) (class C - 1 never occurs, so its
IoU is undefined; the true maps have ignored pixels, 255). Accumulated over every batch: "metrics.confusion" [C, C]
(rows true class, columns predicted, ignored pixels left out), "metrics.iou" [C] = TP / (TP + FP + FN) (NaN when
the class is neither true nor predicted anywhere), "metrics.miou" = nanmean(iou), "metrics.pixel_accuracy" =
trace / total, "metrics.dice" [C] = 2 TP / (2 TP + FP + FN), "metrics.mean_dice" = nanmean(dice), and
"metrics.image_miou" = the mean over images of each image's own mIoU (what the dataset-level mIoU is not).

Run: /usr/bin/python3 tools/golden/make_segmentation_metrics_golden.py
"""

import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import OUT, check_torch, write_safetensors  # noqa: E402

IGNORE = 255


def targets(gen, n, c, h, w, ignore_fraction=0.15):
    t = torch.randint(0, c, (n, h, w), generator=gen)
    if ignore_fraction > 0:
        t[torch.rand((n, h, w), generator=gen) < ignore_fraction] = IGNORE
    return t


def dice_loss(x, t, smooth):
    c = x.shape[1]
    v = (t != IGNORE).unsqueeze(1).float()
    y = F.one_hot(torch.where(t == IGNORE, 0, t), c).permute(0, 3, 1, 2).float() * v
    p = x.softmax(1) * v
    inter = (p * y).sum((0, 2, 3))
    card = p.sum((0, 2, 3)) + y.sum((0, 2, 3))
    return 1 - ((2 * inter + smooth) / (card + smooth)).mean()


def focal_loss(x, t, gamma, w):
    c = x.shape[1]
    v = (t != IGNORE).float()
    tt = torch.where(t == IGNORE, 0, t)
    logpt = x.log_softmax(1).gather(1, tt.unsqueeze(1)).squeeze(1)
    wt = w[tt] if w is not None else torch.ones_like(logpt)
    return (v * wt * (1 - logpt.exp()) ** gamma * -logpt).sum() / v.sum()


def tversky_loss(x, t, alpha, beta, smooth):
    c = x.shape[1]
    v = (t != IGNORE).unsqueeze(1).float()
    y = F.one_hot(torch.where(t == IGNORE, 0, t), c).permute(0, 3, 1, 2).float() * v
    p = x.softmax(1) * v
    tp = (p * y).sum((0, 2, 3))
    fp = (p * (1 - y)).sum((0, 2, 3))
    fn = ((1 - p) * y).sum((0, 2, 3))
    return 1 - ((tp + smooth) / (tp + alpha * fp + beta * fn + smooth)).mean()


# (case, loss, parameters, shape [N, C, H, W], ignored fraction, class weights)
CASES = [
    ("ce_weighted", "ce", {}, (2, 4, 5, 6), 0.15, True),
    ("ce_ignore", "ce", {}, (2, 4, 5, 6), 0.15, False),
    ("ce_plain", "ce", {}, (1, 3, 4, 7), 0.0, False),
    ("dice", "dice", {"smooth": 1.0}, (2, 4, 5, 6), 0.15, False),
    ("dice_nosmooth", "dice", {"smooth": 0.0}, (2, 3, 6, 5), 0.15, False),
    ("focal", "focal", {"gamma": 2.0}, (2, 4, 5, 6), 0.15, False),
    ("focal_weighted", "focal", {"gamma": 1.5}, (2, 4, 5, 6), 0.15, True),
    ("tversky", "tversky", {"alpha": 0.3, "beta": 0.7, "smooth": 1.0}, (2, 4, 5, 6), 0.15, False),
]


def nanmean(a):
    return float(np.nanmean(a)) if np.any(~np.isnan(a)) else float("nan")


def metrics(tensors, gen):
    c, batches, n, h, w = 6, 3, 2, 13, 11
    true = torch.randint(0, c - 1, (batches, n, h, w), generator=gen)
    pred = torch.randint(0, c - 1, (batches, n, h, w), generator=gen)
    # Predictions mostly right (the metrics are then far from chance), some pixels ignored.
    agree = torch.rand((batches, n, h, w), generator=gen) < 0.6
    pred = torch.where(agree, true, pred)
    true[torch.rand((batches, n, h, w), generator=gen) < 0.1] = IGNORE
    t, p = true.numpy().ravel(), pred.numpy().ravel()
    keep = t != IGNORE
    cm = np.bincount(t[keep] * c + p[keep], minlength=c * c).reshape(c, c).astype(np.float64)
    tp = np.diag(cm)
    fp = cm.sum(0) - tp
    fn = cm.sum(1) - tp
    with np.errstate(invalid="ignore", divide="ignore"):
        iou = tp / (tp + fp + fn)
        dice = 2 * tp / (2 * tp + fp + fn)
    per_image = []
    for b in range(batches):
        for i in range(n):
            ti, pi = true[b, i].numpy().ravel(), pred[b, i].numpy().ravel()
            k = ti != IGNORE
            m = np.bincount(ti[k] * c + pi[k], minlength=c * c).reshape(c, c)
            d = np.diag(m)
            with np.errstate(invalid="ignore", divide="ignore"):
                per_image.append(nanmean(d / (m.sum(0) + m.sum(1) - d)))
    tensors["metrics.true"] = true.float()
    tensors["metrics.pred"] = pred.float()
    tensors["metrics.confusion"] = torch.from_numpy(cm.astype(np.float32))
    tensors["metrics.iou"] = torch.from_numpy(iou.astype(np.float32))
    tensors["metrics.miou"] = torch.tensor([nanmean(iou)], dtype=torch.float32)
    tensors["metrics.pixel_accuracy"] = torch.tensor([tp.sum() / cm.sum()], dtype=torch.float32)
    tensors["metrics.dice"] = torch.from_numpy(dice.astype(np.float32))
    tensors["metrics.mean_dice"] = torch.tensor([nanmean(dice)], dtype=torch.float32)
    tensors["metrics.image_miou"] = torch.tensor([np.mean(per_image)], dtype=torch.float32)
    print(f"metrics: mIoU {nanmean(iou):.4f}, pixel accuracy {tp.sum() / cm.sum():.4f}, "
          f"mean of per-image mIoU {np.mean(per_image):.4f}")


def main():
    check_torch()
    gen = torch.Generator().manual_seed(13)
    tensors, meta = {}, {"generator": "tools/golden/make_segmentation_metrics_golden.py",
                         "torch_version": torch.__version__, "ignore_index": str(IGNORE)}
    for case, loss, params, shape, ignored, weighted in CASES:
        n, c, h, w = shape
        x = (torch.randn(shape, generator=gen) * 2).requires_grad_(True)
        t = targets(gen, n, c, h, w, ignored)
        wt = torch.rand(c, generator=gen) * 1.5 + 0.5 if weighted else None
        if loss == "ce":
            y = F.cross_entropy(x, t, weight=wt, ignore_index=IGNORE)
        elif loss == "dice":
            y = dice_loss(x, t, params["smooth"])
        elif loss == "focal":
            y = focal_loss(x, t, params["gamma"], wt)
        else:
            y = tversky_loss(x, t, params["alpha"], params["beta"], params["smooth"])
        y.backward()
        tensors[f"{case}.x"] = x.detach()
        tensors[f"{case}.t"] = t.float()
        if wt is not None:
            tensors[f"{case}.w"] = wt
        tensors[f"{case}.loss"] = y.detach().reshape(1)
        tensors[f"{case}.dx"] = x.grad
        meta[case] = json.dumps({"loss": loss, **params})
        print(f"{case}: loss {y.item():.6f}")
    meta["cases"] = ",".join(c[0] for c in CASES)
    metrics(tensors, gen)
    write_safetensors(os.path.join(OUT, "segmentation_metrics.safetensors"), tensors, meta)


if __name__ == "__main__":
    main()
