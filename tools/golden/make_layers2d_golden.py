#!/usr/bin/python3
"""Writes the goldens of the 2D layers and activations added for issue 11: tests/golden/activations2.safetensors and
tests/golden/layers2d.safetensors, read by tests/Fovea.Tests/Golden/Activations2GoldenTests.cs and
Layers2DGoldenTests.cs.

Same file format and rules as make_golden.py (whose helpers it imports): tensors "caseNN.<what>", each case's
parameters as a JSON string under "caseNN" in the metadata, an upstream gradient r and the gradient of
L = sum(y * r) for every input and weight. Seeded and single-threaded, so a rerun writes identical bytes.

Run with Debian's interpreter:  /usr/bin/python3 tools/golden/make_layers2d_golden.py
"""

import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import Golden, backward, check_torch, randn  # noqa: E402

GENERATOR = "tools/golden/make_layers2d_golden.py"


def away_from(x, points, gap=0.05):
    """x with every element at least gap away from each kink in points (the piecewise activations' corners)."""
    x = x.detach().clone()
    for p in points:
        near = (x - p).abs() < gap
        x[near] = p + torch.where(x[near] >= p, torch.full_like(x[near], gap), torch.full_like(x[near], -gap))
    return x.requires_grad_(True)


# ---------------------------------------------------------------------------------------------------- activations
def activations2():
    g = Golden("activations2", 21)
    g.meta["generator"] = GENERATOR
    grid = [  # (op, shape, alpha, input scale)
        ("gelu", (2, 3, 4, 5), None, 3.0),
        ("gelu_tanh", (2, 3, 4, 5), None, 3.0),
        ("hard_sigmoid", (3, 40), None, 3.0),
        ("hard_swish", (3, 40), None, 3.0),
        ("mish", (3, 17), None, 3.0),
        ("mish", (2, 9), None, 12.0),  # both tails: the cap at 20 and the left tail
        ("elu", (3, 17), 1.0, 3.0),
        ("elu", (3, 17), 0.5, 3.0),
        ("selu", (3, 17), None, 3.0),
        ("softplus", (3, 17), None, 3.0),
        ("softplus", (2, 9), None, 12.0),  # PyTorch's threshold 20 (y = x above it)
    ]
    for op, shape, alpha, scale in grid:
        params = {"op": op}
        x = randn(*shape, scale=scale, requires_grad=False)
        kinks = {"hard_sigmoid": [-3.0, 3.0], "hard_swish": [-3.0, 3.0], "elu": [0.0], "selu": [0.0],
                 "softplus": [20.0]}.get(op, [])
        x = away_from(x, kinks)
        if op == "gelu":
            y = F.gelu(x)
        elif op == "gelu_tanh":
            y = F.gelu(x, approximate="tanh")
        elif op == "hard_sigmoid":
            y = F.hardsigmoid(x)
        elif op == "hard_swish":
            y = F.hardswish(x)
        elif op == "mish":
            y = F.mish(x)
        elif op == "elu":
            y = F.elu(x, alpha)
            params["alpha"] = alpha
        elif op == "selu":
            y = F.selu(x)
        else:
            y = F.softplus(x)
        r, (dx,) = backward(y, x)
        g.case(params, {"x": x, "y": y, "r": r, "dx": dx})
    g.save()


# ---------------------------------------------------------------------------------------------------- layers
def keras_transpose_size(size, k, s, d, padding, output_padding):
    """Keras's deconv_output_length: the output length of Conv2DTranspose along one axis."""
    kd = d * (k - 1) + 1
    if output_padding is None:
        return size * s if padding == "same" else size * s + max(kd - s, 0)
    if padding == "same":
        return (size - 1) * s + kd - 2 * (kd // 2) + output_padding
    return (size - 1) * s + kd + output_padding


def keras_conv_transpose(x, w, b, strides, dilation, padding, output_padding):
    """TensorFlow's conv2d_transpose: the full transposed convolution ((H - 1)s + kd long), cropped by
    max(full - out, 0) with the smaller half first, then extended with zeros to the Keras output size, plus bias."""
    full = F.conv_transpose2d(x, w, None, stride=strides, dilation=dilation)
    out = []
    for a in range(2):
        op = None if output_padding is None else output_padding[a]
        out.append(keras_transpose_size(x.shape[2 + a], w.shape[2 + a], strides[a], dilation[a], padding, op))
    crop = [max(full.shape[2 + a] - out[a], 0) for a in range(2)]
    y = full[:, :, crop[0] // 2:, crop[1] // 2:]
    y = y[:, :, :out[0], :out[1]]
    y = F.pad(y, (0, out[1] - y.shape[3], 0, out[0] - y.shape[2]))
    return y if b is None else y + b.reshape(1, -1, 1, 1)


def same_pads(size, kernel, stride, dilation=1):
    """TensorFlow/Keras 'same' for a convolution: output ceil(size/stride), the extra pixel after."""
    out = (size + stride - 1) // stride
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def layers2d():
    g = Golden("layers2d", 22)
    g.meta["generator"] = GENERATOR

    # Global pooling (max with and without keepdims, mean with keepdims).
    for op, keep in (("global_max", False), ("global_max", True), ("global_avg", True)):
        x = randn(2, 3, 4, 5)
        y = torch.amax(x, dim=(2, 3), keepdim=keep) if op == "global_max" else x.mean(dim=(2, 3), keepdim=keep)
        r, (dx,) = backward(y, x)
        g.case({"op": op, "keepdims": keep}, {"x": x, "y": y, "r": r, "dx": dx})

    # Ties: integer-valued inputs, so several positions share a channel's maximum; amax shares the gradient evenly.
    x = torch.randint(-2, 2, (2, 3, 3, 3)).float().requires_grad_(True)
    y = torch.amax(x, dim=(2, 3))
    r, (dx,) = backward(y, x)
    g.case({"op": "global_max", "keepdims": False, "ties": True}, {"x": x, "y": y, "r": r, "dx": dx})

    # ZeroPadding2D and Cropping2D: ((top, bottom), (left, right)).
    for op, amounts, shape in (("zero_padding", [[1, 2], [0, 3]], (2, 2, 3, 4)), ("zero_padding", [[1, 1], [1, 1]],
                               (1, 3, 2, 2)), ("cropping", [[1, 0], [2, 1]], (2, 2, 5, 6)),
                               ("cropping", [[2, 2], [1, 1]], (1, 3, 6, 4))):
        x = randn(*shape)
        (t, b), (l, rr) = amounts
        if op == "zero_padding":
            y = F.pad(x, (l, rr, t, b))
        else:
            y = x[:, :, t:x.shape[2] - b, l:x.shape[3] - rr]
        r, (dx,) = backward(y, x)
        g.case({"op": op, "amounts": amounts}, {"x": x, "y": y, "r": r, "dx": dx})

    # UpSampling2D: nearest is repetition; bilinear is F.interpolate(align_corners=False) (TensorFlow's
    # half-pixel resize).
    for interpolation, size, shape in (("nearest", [2, 3], (2, 2, 3, 4)), ("bilinear", [2, 2], (2, 2, 3, 4)),
                                       ("bilinear", [3, 2], (1, 3, 4, 3)), ("bilinear", [1, 4], (1, 2, 2, 5))):
        x = randn(*shape)
        if interpolation == "nearest":
            y = F.interpolate(x, scale_factor=tuple(size), mode="nearest")
            assert torch.equal(y, x.repeat_interleave(size[0], 2).repeat_interleave(size[1], 3))
        else:
            y = F.interpolate(x, scale_factor=tuple(size), mode="bilinear", align_corners=False)
        r, (dx,) = backward(y, x)
        g.case({"op": "upsampling", "interpolation": interpolation, "size": size}, {"x": x, "y": y, "r": r, "dx": dx})

    # Conv2DTranspose, weight [C, filters, kH, kW] as PyTorch's ConvTranspose2d.
    grid = [  # (input shape, filters, kernel, strides, dilation, padding, output padding, bias)
        ((2, 3, 4, 4), 4, [3, 3], [2, 2], [1, 1], "same", None, True),
        ((2, 3, 4, 5), 2, [3, 3], [2, 2], [1, 1], "valid", None, True),
        ((1, 2, 3, 3), 3, [2, 2], [3, 3], [1, 1], "valid", None, True),  # kernel shorter than the stride
        ((1, 2, 3, 3), 3, [2, 2], [3, 3], [1, 1], "same", None, False),
        ((2, 2, 3, 4), 3, [4, 4], [2, 2], [1, 1], "same", None, True),  # even kernel
        ((2, 3, 4, 4), 2, [3, 3], [2, 2], [1, 1], "same", [1, 1], True),
        ((1, 3, 3, 4), 2, [3, 3], [2, 2], [1, 1], "valid", [1, 0], True),
        ((1, 2, 5, 5), 2, [3, 3], [1, 1], [2, 2], "same", None, True),  # dilation
        ((2, 2, 3, 4), 3, [3, 2], [2, 1], [1, 1], "same", None, True),  # non-square
        ((2, 3, 4, 4), 2, [3, 3], [2, 2], [1, 1], [1, 1, 1, 1], [1, 1], True),  # PyTorch padding=1, output_padding=1
        ((1, 2, 4, 3), 3, [4, 3], [2, 2], [1, 1], [1, 0, 2, 1], None, True),  # explicit, asymmetric
    ]
    for shape, filters, k, s, d, padding, op, bias in grid:
        x = randn(*shape)
        w = randn(shape[1], filters, *k, scale=0.5)
        b = randn(filters) if bias else None
        if isinstance(padding, list):  # explicit (top, left, bottom, right): PyTorch's padding and output_padding
            top, left, bottom, right = padding
            opad = op or [0, 0]
            full = F.conv_transpose2d(x, w, None, stride=s, dilation=d)
            out_h = full.shape[2] - top - bottom + opad[0]
            out_w = full.shape[3] - left - right + opad[1]
            y = F.pad(full, (0, opad[1], 0, opad[0]))[:, :, top:top + out_h, left:left + out_w]  # zeros past the end
            if b is not None:
                y = y + b.reshape(1, -1, 1, 1)
            if top == bottom and left == right:
                ref = F.conv_transpose2d(x, w, b, stride=s, padding=(top, left), output_padding=tuple(opad),
                                         dilation=d)
                assert torch.allclose(ref, y, atol=1e-5), "explicit padding differs from torch's"
        else:
            y = keras_conv_transpose(x, w, b, s, d, padding, op)
        r, (dx, dw, db) = backward(y, x, w, b)
        tensors = {"x": x, "w": w, "y": y, "r": r, "dx": dx, "dw": dw}
        if b is not None:
            tensors.update({"b": b, "db": db})
        g.case({"op": "conv_transpose", "filters": filters, "kernel": k, "strides": s, "dilation": d,
                "padding": padding, "output_padding": op, "bias": bias}, tensors)

    # SeparableConv2D: depthwise (groups = C, Keras 'same' or 'valid') then pointwise 1x1 with bias.
    grid = [  # (input shape, filters, kernel, strides, dilation, padding, depth multiplier, bias)
        ((2, 3, 5, 5), 4, [3, 3], [1, 1], [1, 1], "same", 1, True),
        ((2, 2, 7, 6), 3, [3, 3], [2, 2], [1, 1], "same", 2, True),  # asymmetric 'same' at stride 2
        ((1, 3, 6, 6), 2, [3, 2], [1, 2], [1, 1], "valid", 1, False),
        ((1, 2, 7, 7), 3, [3, 3], [1, 1], [2, 2], "same", 3, True),
    ]
    for shape, filters, k, s, d, padding, m, bias in grid:
        x = randn(*shape)
        c = shape[1]
        wd = randn(c * m, 1, *k, scale=0.5)
        wp = randn(filters, c * m, 1, 1, scale=0.5)
        b = randn(filters) if bias else None
        xp = x
        if padding == "same":
            t, bt = same_pads(shape[2], k[0], s[0], d[0])
            l, rt = same_pads(shape[3], k[1], s[1], d[1])
            xp = F.pad(x, (l, rt, t, bt))
        y = F.conv2d(F.conv2d(xp, wd, None, stride=s, dilation=d, groups=c), wp, b)
        r, (dx, dwd, dwp, db) = backward(y, x, wd, wp, b)
        tensors = {"x": x, "wd": wd, "wp": wp, "y": y, "r": r, "dx": dx, "dwd": dwd, "dwp": dwp}
        if b is not None:
            tensors.update({"b": b, "db": db})
        g.case({"op": "separable", "filters": filters, "kernel": k, "strides": s, "dilation": d, "padding": padding,
                "depth_multiplier": m, "bias": bias}, tensors)

    # GroupNormalization against F.group_norm (biased variance).
    for shape, groups, eps, affine in (((2, 6, 3, 4), 3, 1e-3, True), ((2, 4, 5), 2, 1e-3, True),
                                       ((2, 4, 3, 3), 1, 1e-5, True), ((3, 4, 2, 3), 4, 1e-5, True),
                                       ((2, 6, 2, 2), 2, 0.1, False)):
        x = randn(*shape, scale=2.0)
        x = (x + 0.5).detach().requires_grad_(True)
        gamma = (1 + 0.3 * torch.randn(shape[1])).requires_grad_(True) if affine else None
        beta = (0.3 * torch.randn(shape[1])).requires_grad_(True) if affine else None
        y = F.group_norm(x, groups, gamma, beta, eps)
        r, (dx, dg, dbeta) = backward(y, x, gamma, beta)
        tensors = {"x": x, "y": y, "r": r, "dx": dx}
        if affine:
            tensors.update({"gamma": gamma, "beta": beta, "dgamma": dg, "dbeta": dbeta})
        g.case({"op": "group_norm", "groups": groups, "epsilon": eps, "affine": affine}, tensors)
    g.save()


def main():
    check_torch()
    activations2()
    layers2d()


if __name__ == "__main__":
    main()
