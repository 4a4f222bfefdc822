#!/usr/bin/python3
"""Writes tests/golden/resizing.safetensors: F.interpolate to a given size, forward and backward, for the Resizing
layer (tests/Fovea.Tests/Golden/ResizingGoldenTests.cs).

Cases "caseNN" hold x [N, C, H, W], y = F.interpolate(x, size=(OH, OW), mode=...), a random upstream gradient r
and dx = d sum(y * r) / dx; the metadata has each case's size and mode. Bilinear (align_corners=False) with
non-integer scales up and down, from 1x1 (a broadcast, as ASPP's pooling branch uses it), to 1x1, the identity, and
the segmentation heads' 5 -> 33; nearest (PyTorch's legacy 'nearest': index floor(o * H / OH)) up and down.
Same rules as make_golden.py (seeded, single-threaded, float32).

Run with Debian's interpreter:  /usr/bin/python3 tools/golden/make_resizing_golden.py
"""

import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import Golden, check_torch  # noqa: E402

CASES = [
    # (N, C, H, W, OH, OW, mode)
    (2, 3, 5, 7, 9, 11, "bilinear"),
    (1, 2, 9, 8, 4, 3, "bilinear"),
    (2, 2, 1, 1, 5, 6, "bilinear"),
    (1, 3, 4, 6, 1, 1, "bilinear"),
    (1, 2, 6, 5, 6, 5, "bilinear"),
    (1, 2, 5, 5, 33, 33, "bilinear"),
    (1, 2, 3, 2, 8, 7, "bilinear"),
    (2, 2, 4, 5, 7, 9, "nearest"),
    (1, 3, 9, 7, 4, 3, "nearest"),
]


def main():
    check_torch()
    g = Golden("resizing", seed=17)
    g.meta["generator"] = "tools/golden/make_resizing_golden.py"
    for n, c, h, w, oh, ow, mode in CASES:
        x = torch.randn(n, c, h, w, requires_grad=True)
        y = F.interpolate(x, size=(oh, ow), mode=mode, **({"align_corners": False} if mode == "bilinear" else {}))
        r = torch.randn_like(y)
        (dx,) = torch.autograd.grad((y * r).sum(), [x])
        g.case({"size": [oh, ow], "mode": mode}, {"x": x, "y": y, "r": r, "dx": dx})
    g.save()


if __name__ == "__main__":
    main()
