#!/usr/bin/python3
"""Writes tests/golden/adaptive_pooling.safetensors: F.adaptive_avg_pool2d forward and backward.

Cases "caseNN" hold x [N, C, H, W], y, a random upstream gradient r and dx = d sum(y * r) / dx; the metadata has
each case's output size. Output sizes that divide the input, that do not (overlapping windows), larger than the
input (repeated cells), 1x1 and the identity. Same rules as make_golden.py (seeded, single-threaded, float32).

Run with Debian's interpreter:  /usr/bin/python3 tools/golden/make_adaptive_pool_golden.py
"""

import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import Golden, check_torch  # noqa: E402

CASES = [
    # (N, C, H, W, OH, OW)
    (2, 3, 5, 7, 3, 2),
    (1, 2, 6, 6, 7, 7),
    (2, 2, 8, 8, 1, 1),
    (1, 3, 7, 7, 7, 7),
    (2, 1, 9, 4, 4, 3),
    (1, 2, 2, 2, 7, 7),
    (1, 2, 8, 6, 4, 2),
    (1, 1, 13, 11, 6, 5),
]


def main():
    check_torch()
    g = Golden("adaptive_pooling", seed=11)
    g.meta["generator"] = "tools/golden/make_adaptive_pool_golden.py"
    for n, c, h, w, oh, ow in CASES:
        x = torch.randn(n, c, h, w, requires_grad=True)
        y = F.adaptive_avg_pool2d(x, (oh, ow))
        r = torch.randn_like(y)
        (dx,) = torch.autograd.grad((y * r).sum(), [x])
        g.case({"output_size": [oh, ow]}, {"x": x, "y": y, "r": r, "dx": dx})
    g.save()


if __name__ == "__main__":
    main()
