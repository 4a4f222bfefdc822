#!/usr/bin/python3
"""Writes tests/golden/se_cbam.safetensors: Fovea's SqueezeExcitation against torchvision.ops.SqueezeExcitation, and
Cbam against the module of Woo et al. 2018 (CBAM, equations 2 and 3) written in torch below.

Same file format as make_golden.py (see README.md): tensors "caseNN.<what>", each case's parameters as a JSON string
under "caseNN" in the metadata (its "op" is "se" or "cbam"), an upstream gradient r and the gradient of
L = sum(y * r) for the input and every weight. Weights are stored under Fovea's names (fc1.kernel, fc1.bias, ...),
which for SqueezeExcitation are torchvision's state_dict names with weight -> kernel.

CBAM as Fovea defines it: channel gate sigmoid(MLP(avgpool) + MLP(maxpool)) with a shared MLP of two 1x1 convolutions
with bias (C -> max(1, C // r) -> ReLU -> C); spatial gate sigmoid(conv_kxk([mean over C, max over C])) with a
'same' k x k convolution 2 -> 1 without bias (the paper's f^{7x7}; the reference code's BatchNorm is not part of it).

Run with Debian's interpreter:  /usr/bin/python3 tools/golden/make_se_cbam_golden.py
"""

import os
import sys

import torch
import torchvision
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import Golden, backward, check_torch, randn  # noqa: E402

GENERATOR = "tools/golden/make_se_cbam_golden.py"
TORCHVISION_SERIES = "0.14"


class Cbam(nn.Module):
    def __init__(self, channels, reduction_ratio, kernel_size):
        super().__init__()
        hidden = max(1, channels // reduction_ratio)
        self.fc1 = nn.Conv2d(channels, hidden, 1)
        self.fc2 = nn.Conv2d(hidden, channels, 1)
        self.spatial = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)

    def mlp(self, pooled):
        return self.fc2(torch.relu(self.fc1(pooled)))

    def forward(self, x):
        avg = self.mlp(x.mean((2, 3), keepdim=True))
        mx = self.mlp(x.amax((2, 3), keepdim=True))
        x = x * torch.sigmoid(avg + mx)
        maps = torch.cat([x.mean(1, keepdim=True), x.amax(1, keepdim=True)], 1)
        return x * torch.sigmoid(self.spatial(maps))


def record(g, params, module, x):
    y = module(x)
    names = [n for n, _ in module.named_parameters()]
    weights = [p for _, p in module.named_parameters()]
    r, grads = backward(y, x, *weights)
    tensors = {"x": x, "y": y, "r": r, "dx": grads[0]}
    for n, p, d in zip(names, weights, grads[1:]):
        fovea = n.replace(".weight", ".kernel")
        tensors[fovea] = p
        tensors[f"d.{fovea}"] = d
    g.case(params, tensors)


def main():
    check_torch()
    if not torchvision.__version__.startswith(TORCHVISION_SERIES):
        sys.exit(f"expected torchvision {TORCHVISION_SERIES}.x (Debian python3-torchvision), found "
                 f"{torchvision.__version__}")
    g = Golden("se_cbam", 12)
    g.meta["generator"] = GENERATOR
    g.meta["torchvision_version"] = torchvision.__version__
    # SqueezeExcitation: (shape, squeeze channels, activation, scale activation)
    for shape, squeeze, act, scale in [
        ((2, 8, 5, 5), 2, "relu", "sigmoid"),
        ((3, 6, 4, 7), 4, "silu", "sigmoid"),
        ((1, 16, 3, 3), 1, "relu", "tanh"),
    ]:
        acts = {"relu": nn.ReLU, "silu": nn.SiLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}
        se = torchvision.ops.SqueezeExcitation(shape[1], squeeze, acts[act], acts[scale])
        record(g, {"op": "se", "squeeze_channels": squeeze, "activation": act, "scale_activation": scale}, se,
               randn(*shape))
    # CBAM: (shape, reduction ratio, kernel size)
    for shape, ratio, kernel in [
        ((2, 8, 9, 9), 4, 7),
        ((2, 6, 5, 6), 2, 3),
        ((1, 4, 8, 7), 16, 7),
    ]:
        record(g, {"op": "cbam", "reduction_ratio": ratio, "kernel_size": kernel}, Cbam(shape[1], ratio, kernel),
               randn(*shape))
    g.save()


if __name__ == "__main__":
    main()
