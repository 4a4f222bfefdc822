#!/usr/bin/python3
"""Writes tests/golden/segmentation.safetensors: torchvision's segmentation models with generated weights, for
tests/Fovea.Vision.Tests/Segmentation/SegmentationZooGoldenTests.cs.

The models are torchvision 0.14's deeplabv3_resnet50, fcn_resnet50, deeplabv3_mobilenet_v3_large (all with
aux_loss=True) and lraspp_mobilenet_v3_large, 21 classes, no pretrained weights, in eval mode. Their state dicts are
filled by make_zoo_golden.py's counter-based generator (FNV-1a + splitmix64 of each tensor's name; BatchNorm
statistics non-trivial), which tests/Fovea.Tests/Models/ZooWeights.cs repeats bit for bit, so no weights are
stored. The input "input" [1, 3, 33, 33] is make_zoo_golden's "input.33" (values 2u - 1): 33 is not a multiple of
the output stride (8 for the ResNets, 8 and 16 for the MobileNets), so every bilinear resize
(F.interpolate(..., mode='bilinear', align_corners=False)) has a non-integer scale.

Stored per model: "<name>.out" and "<name>.aux" ([1, 21, 33, 33]; no aux for LR-ASPP) and, in the metadata under
"<name>", the parameter count and the state dict's names and shapes in order.

Run with Debian's interpreter (torch 1.13, torchvision 0.14): /usr/bin/python3 tools/golden/make_segmentation_golden.py
"""

import json
import os
import sys
import warnings

import numpy as np
import torch
import torchvision
from torchvision.models import segmentation

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import OUT, check_torch, write_safetensors  # noqa: E402
from make_zoo_golden import TORCHVISION_SERIES, generated, uniform  # noqa: E402

MODELS = ["deeplabv3_resnet50", "fcn_resnet50", "deeplabv3_mobilenet_v3_large", "lraspp_mobilenet_v3_large"]
SIZE = 33
CLASSES = 21


def build(name):
    aux = {} if name.startswith("lraspp") else {"aux_loss": True}
    return getattr(segmentation, name)(weights=None, weights_backbone=None, num_classes=CLASSES, **aux).eval()


def main():
    check_torch()
    if not torchvision.__version__.startswith(TORCHVISION_SERIES):
        sys.exit(f"make_segmentation_golden.py: expected torchvision {TORCHVISION_SERIES}.x, "
                 f"found {torchvision.__version__}")
    warnings.filterwarnings("ignore", category=UserWarning)
    shape = (1, 3, SIZE, SIZE)
    x = torch.from_numpy((2.0 * uniform(f"input.{SIZE}", int(np.prod(shape))) - 1.0).astype(np.float32)
                         .reshape(shape))
    tensors = {"input": x}
    meta = {"generator": "tools/golden/make_segmentation_golden.py", "torch_version": torch.__version__,
            "torchvision_version": torchvision.__version__, "models": ",".join(MODELS), "size": str(SIZE)}
    for name in MODELS:
        torch.manual_seed(0)
        model = build(name)
        sd = model.state_dict()
        model.load_state_dict({k: torch.from_numpy(generated(k, tuple(v.shape))) for k, v in sd.items()})
        with torch.no_grad():
            y = model(x)
        for key, value in y.items():
            tensors[f"{name}.{key}"] = value
        params = sum(p.numel() for p in model.parameters())
        meta[name] = json.dumps({"params": params, "classes": CLASSES,
                                 "state_dict": [[k, list(v.shape)] for k, v in sd.items()]}, separators=(",", ":"))
        print(f"{name}: {params} parameters, " +
              ", ".join(f"{k} {list(v.shape)} max |y| {v.abs().max().item():.4g}" for k, v in y.items()))
    write_safetensors(os.path.join(OUT, "segmentation.safetensors"), tensors, meta)


if __name__ == "__main__":
    main()
