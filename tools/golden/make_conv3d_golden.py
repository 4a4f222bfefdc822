#!/usr/bin/python3
"""Writes tests/golden/conv1d3d.safetensors: Conv1D, Conv3D, 3-D pooling and BatchNormalization over 5-D input,
channels first, with Keras padding semantics, against PyTorch.

Same file format as make_golden.py (see README.md): tensors "caseNN.<what>", each case's parameters as a JSON string
under "caseNN" in the metadata (its "op" says which layer), an upstream gradient r and the gradient of
L = sum(y * r) for every input and weight.

- conv1d / conv3d: F.conv1d / F.conv3d; padding "valid", "same" (TensorFlow rule: output ceil(in/stride), the odd
  pixel after, written as F.pad), "causal" (Conv1D: dilation*(k-1) zeros before), or explicit (before, after);
  strides, dilations, groups up to depthwise, with and without bias.
- max3d / avg3d: F.max_pool3d / F.avg_pool3d, 'same' written as padding that never wins a max (-inf) and is not
  counted in an average (sum over the zero-padded input divided by the count of real cells); gap3d: the mean over
  D, H, W.
- bn3d: torch.nn.BatchNorm3d (momentum = 1 - Keras momentum) with non-default running statistics, gamma and beta,
  in training mode (running statistics after the call stored) and in eval mode.

Run with Debian's interpreter:  /usr/bin/python3 tools/golden/make_conv3d_golden.py
"""

import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import Golden, backward, check_torch, randn, same_pads  # noqa: E402

GENERATOR = "tools/golden/make_conv3d_golden.py"


def conv_pads(padding, sizes, kernel, strides, dilations):
    """Per-axis (before, after) amounts for "valid", "same", "causal" or an explicit [before, after] (1-D)."""
    if padding == "valid":
        return [(0, 0)] * len(sizes)
    if padding == "same":
        return [same_pads(n, k, s, d) for n, k, s, d in zip(sizes, kernel, strides, dilations)]
    if padding == "causal":
        return [(dilations[0] * (kernel[0] - 1), 0)]
    return [tuple(padding)]


def f_pad(pads):
    """F.pad wants (before, after) pairs from the last axis backwards."""
    return [v for pair in reversed(pads) for v in pair]


def conv(g, rank, n, c, sizes, oc, kernel, strides, padding, dilations, groups, bias):
    x = randn(n, c, *sizes)
    w = randn(oc, c // groups, *kernel, scale=1 / math.sqrt(c // groups * math.prod(kernel)))
    b = randn(oc, scale=0.5) if bias else None
    pads = conv_pads(padding, sizes, kernel, strides, dilations)
    fn = F.conv1d if rank == 1 else F.conv3d
    y = fn(F.pad(x, f_pad(pads)), w, b, strides, 0, dilations, groups)
    r, (dx, dw, db) = backward(y, x, w, b)
    tensors = {"x": x, "w": w, "y": y, "r": r, "dx": dx, "dw": dw}
    if bias:
        tensors.update({"b": b, "db": db})
    name = padding if isinstance(padding, str) else "explicit"
    g.case({"op": f"conv{rank}d", "strides": list(strides), "padding": name, "pads": [list(p) for p in pads],
            "dilations": list(dilations), "groups": groups}, tensors)


def pool3d(g, kind, shape, k, s, padding):
    x = randn(*shape)
    pads = conv_pads(padding, shape[2:], k, s, (1, 1, 1))
    if kind == "max":
        y = F.max_pool3d(F.pad(x, f_pad(pads), value=-math.inf), k, s)
    else:
        total = F.avg_pool3d(F.pad(x, f_pad(pads)), k, s)
        count = F.avg_pool3d(F.pad(torch.ones_like(x), f_pad(pads)), k, s)
        y = total / count
        if padding == "valid":  # self-check against PyTorch's own average pooling
            assert torch.allclose(y, F.avg_pool3d(x, k, s), atol=1e-6)
    r, (dx,) = backward(y, x)
    g.case({"op": f"{kind}3d", "pool": list(k), "strides": list(s), "padding": padding,
            "pads": [list(p) for p in pads]}, {"x": x, "y": y, "r": r, "dx": dx})


def gap3d(g, shape):
    x = randn(*shape)
    y = x.mean((2, 3, 4))
    r, (dx,) = backward(y, x)
    g.case({"op": "gap3d"}, {"x": x, "y": y, "r": r, "dx": dx})


def bn3d(g, shape, training, momentum, eps, mu, sigma):
    c = shape[1]
    bn = torch.nn.BatchNorm3d(c, eps=eps, momentum=1 - momentum)
    with torch.no_grad():
        bn.weight.copy_(1 + 0.3 * torch.randn(c))
        bn.bias.copy_(0.5 * torch.randn(c))
        bn.running_mean.copy_(0.5 * torch.randn(c))
        bn.running_var.copy_(0.5 + 1.5 * torch.rand(c))
    running_mean, running_var = bn.running_mean.clone(), bn.running_var.clone()
    bn.train(training)
    x = (torch.randn(*shape) * sigma + mu).requires_grad_(True)
    y = bn(x)
    r, (dx, dgamma, dbeta) = backward(y, x, bn.weight, bn.bias)
    tensors = {"x": x, "gamma": bn.weight, "beta": bn.bias, "running_mean": running_mean, "running_var": running_var,
               "y": y, "r": r, "dx": dx, "dgamma": dgamma, "dbeta": dbeta}
    if training:
        tensors.update({"running_mean_after": bn.running_mean, "running_var_after": bn.running_var})
    g.case({"op": "bn3d", "training": training, "momentum": momentum, "epsilon": eps}, tensors)


def main():
    check_torch()
    g = Golden("conv1d3d", 11)
    g.meta["generator"] = GENERATOR
    # conv1d: (n, c, (l,), oc, (k,), (stride,), padding, (dilation,), groups, bias)
    for args in [
        (2, 3, (9,), 4, (3,), (1,), "valid", (1,), 1, True),
        (2, 3, (10,), 4, (3,), (2,), "valid", (1,), 1, True),
        (2, 3, (9,), 4, (3,), (1,), "same", (1,), 1, True),
        (2, 3, (10,), 4, (4,), (2,), "same", (1,), 1, False),
        (2, 3, (9,), 4, (3,), (1,), "causal", (2,), 1, True),
        (1, 2, (8,), 3, (2,), (2,), "causal", (1,), 1, True),
        (2, 4, (9,), 6, (3,), (1,), "same", (1,), 2, True),
        (2, 4, (11,), 4, (3,), (1,), "same", (2,), 4, True),
        (2, 3, (7,), 2, (3,), (1,), (1, 2), (1,), 1, True),
    ]:
        conv(g, 1, *args)
    # conv3d: (n, c, (d, h, w), oc, kernel, strides, padding, dilations, groups, bias)
    for args in [
        (2, 2, (4, 5, 5), 3, (3, 3, 3), (1, 1, 1), "valid", (1, 1, 1), 1, True),
        (2, 2, (4, 6, 5), 3, (3, 3, 3), (1, 1, 1), "same", (1, 1, 1), 1, True),
        (1, 2, (5, 6, 7), 4, (3, 2, 3), (2, 2, 1), "same", (1, 1, 1), 1, True),
        (1, 4, (4, 7, 6), 4, (3, 3, 2), (1, 1, 1), "valid", (1, 2, 1), 2, False),
        (2, 3, (3, 4, 4), 3, (1, 3, 3), (1, 1, 1), "same", (1, 1, 1), 3, True),
        (1, 2, (6, 6, 6), 2, (2, 2, 2), (2, 2, 2), "valid", (1, 1, 1), 1, True),
        (1, 3, (4, 5, 6), 2, (3, 3, 3), (2, 1, 2), "same", (2, 1, 1), 1, False),
    ]:
        conv(g, 3, *args)
    # 3-D pooling: (kind, shape, pool, strides, padding)
    for args in [
        ("max", (2, 3, 4, 6, 6), (1, 2, 2), (1, 2, 2), "valid"),
        ("max", (2, 2, 5, 5, 7), (2, 2, 2), (2, 2, 2), "valid"),
        ("max", (1, 2, 5, 6, 7), (3, 3, 3), (2, 2, 2), "same"),
        ("max", (1, 2, 4, 5, 5), (2, 3, 2), (1, 2, 1), "same"),
        ("avg", (2, 3, 4, 6, 6), (1, 2, 2), (1, 2, 2), "valid"),
        ("avg", (2, 2, 5, 5, 7), (2, 2, 2), (2, 2, 2), "valid"),
        ("avg", (1, 2, 5, 6, 7), (3, 3, 3), (2, 2, 2), "same"),
        ("avg", (1, 2, 4, 5, 5), (2, 3, 2), (1, 2, 1), "same"),
    ]:
        pool3d(g, *args)
    gap3d(g, (2, 3, 4, 5, 3))
    # BatchNorm3d: (shape, training, Keras momentum, eps, input mean, input std)
    for args in [
        ((3, 4, 3, 4, 4), True, 0.9, 1e-3, 0.0, 1.0),
        ((3, 4, 3, 4, 4), False, 0.9, 1e-3, 0.0, 1.0),
        ((2, 3, 2, 3, 3), True, 0.99, 1e-5, 3.0, 2.0),
        ((2, 3, 2, 3, 3), False, 0.5, 0.1, -1.0, 0.5),
    ]:
        bn3d(g, *args)
    g.save()


if __name__ == "__main__":
    main()
