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


def main():
    check_torch()
    activations2()


if __name__ == "__main__":
    main()
