"""Exports one model of every torchvision classification, segmentation and video family to ONNX.

Usage: python3 tools/onnx/export_torchvision.py OUT_DIR [OPSET ...] [--only NAME,...]
MViT-v2 is exported as its first three blocks for 8×112×112 clips (torch's exporter needs more than 24 GB for
the full mvit_v2_s, even at that size; the operators are the same). Writes OUT_DIR/<name>_op<opset>.onnx (random weights, eval mode, batch 1 unless the name ends in _dynamic) and
OUT_DIR/manifest.json. Uses Debian's python3-torch (1.13) and python3-torchvision (0.14), whose exporter supports
opsets 9 to 17; models that torch cannot export at an opset are listed with the exporter's error.
The C# side (tests/Fovea.Tests/Onnx/TorchvisionExportTests.cs, run with FOVEA_TORCHVISION_DIR=OUT_DIR) imports
each file and compares Fovea with ONNX Runtime on a random input.
"""
import json
import os
import sys
import traceback

import torch
import torchvision.models as cls
import torchvision.models.segmentation as seg
import torchvision.models.video as vid

IMAGE = (1, 3, 224, 224)
CLIP = (1, 3, 8, 112, 112)
CLIP224 = (1, 3, 16, 224, 224)

MODELS = {
    # classification: one member of every architecture family
    "alexnet": (cls.alexnet, IMAGE), "convnext_tiny": (cls.convnext_tiny, IMAGE),
    "densenet121": (cls.densenet121, IMAGE), "efficientnet_b0": (cls.efficientnet_b0, IMAGE),
    "efficientnet_v2_s": (cls.efficientnet_v2_s, IMAGE), "googlenet": (cls.googlenet, IMAGE),
    "inception_v3": (cls.inception_v3, (1, 3, 299, 299)), "maxvit_t": (cls.maxvit_t, IMAGE),
    "mnasnet0_5": (cls.mnasnet0_5, IMAGE), "mobilenet_v2": (cls.mobilenet_v2, IMAGE),
    "mobilenet_v3_small": (cls.mobilenet_v3_small, IMAGE), "regnet_x_400mf": (cls.regnet_x_400mf, IMAGE),
    "regnet_y_400mf": (cls.regnet_y_400mf, IMAGE), "resnet18": (cls.resnet18, IMAGE),
    "resnet18_dynamic": (cls.resnet18, IMAGE), "resnext50_32x4d": (cls.resnext50_32x4d, IMAGE),
    "shufflenet_v2_x0_5": (cls.shufflenet_v2_x0_5, IMAGE), "squeezenet1_1": (cls.squeezenet1_1, IMAGE),
    "swin_t": (cls.swin_t, IMAGE), "swin_v2_t": (cls.swin_v2_t, IMAGE), "vgg11_bn": (cls.vgg11_bn, IMAGE),
    "vit_b_32": (cls.vit_b_32, IMAGE), "vit_b_32_dynamic": (cls.vit_b_32, IMAGE),
    "swin_t_dynamic": (cls.swin_t, IMAGE), "wide_resnet50_2": (cls.wide_resnet50_2, IMAGE),
    # segmentation
    "fcn_resnet50": (lambda: seg.fcn_resnet50(weights_backbone=None, aux_loss=False), IMAGE),
    "deeplabv3_mobilenet_v3_large": (lambda: seg.deeplabv3_mobilenet_v3_large(weights_backbone=None), IMAGE),
    "lraspp_mobilenet_v3_large": (lambda: seg.lraspp_mobilenet_v3_large(weights_backbone=None), IMAGE),
    # video
    "r3d_18": (vid.r3d_18, CLIP), "mc3_18": (vid.mc3_18, CLIP), "r2plus1d_18": (vid.r2plus1d_18, CLIP),
    "s3d": (vid.s3d, CLIP224), "mvit_v1_b": (vid.mvit_v1_b, CLIP224), "mvit_v1_b_dynamic": (vid.mvit_v1_b, CLIP224), "mvit_v2_s": (lambda: small_mvit_v2_s(), CLIP),
}


def small_mvit_v2_s():
    """MViT-v2 (residual pooling, relative positions, projection after attention) with mvit_v2_s's first three
    blocks for 8×112×112 clips: torch's exporter needs more than 24 GB for the full mvit_v2_s."""
    from torchvision.models.video.mvit import MSBlockConfig, MViT
    blocks = [MSBlockConfig(num_heads=h, input_channels=i, output_channels=o, kernel_q=[3, 3, 3], kernel_kv=[3, 3, 3],
                            stride_q=sq, stride_kv=skv)
              for h, i, o, sq, skv in [(1, 96, 96, [1, 1, 1], [1, 8, 8]), (2, 96, 192, [1, 2, 2], [1, 4, 4]),
                                       (2, 192, 192, [1, 1, 1], [1, 4, 4])]]
    return MViT(spatial_size=(112, 112), temporal_size=8, block_setting=blocks, residual_pool=True,
                residual_with_cls_embed=False, rel_pos_embed=True, proj_after_attn=True, stochastic_depth_prob=0.0)


class Outputs(torch.nn.Module):
    """Segmentation models return a dict: export its 'out' tensor."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        y = self.inner(x)
        return y["out"] if isinstance(y, dict) else y


def write_reference(model, x, prefix):
    """PyTorch's own input and output as TensorProto files (the oracle when ONNX Runtime cannot run an export)."""
    from onnx import numpy_helper
    with torch.no_grad():
        y = model(x)
    for suffix, t in (("_input.pb", x), ("_output.pb", y)):
        with open(prefix + suffix, "wb") as f:
            f.write(numpy_helper.from_array(t.numpy()).SerializeToString())


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    only = next((a.split("=", 1)[1].split(",") for a in sys.argv[1:] if a.startswith("--only=")), None)
    out = args[0]
    opsets = [int(a) for a in args[1:]] or [9, 13, 17]
    os.makedirs(out, exist_ok=True)
    manifest_path = os.path.join(out, "manifest.json")
    manifest = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {}
    torch.manual_seed(0)
    for name, (make, shape) in MODELS.items():
        if only and name not in only:
            continue
        model = Outputs(make()).eval()
        with torch.no_grad():
            for p in model.parameters():
                if p.numel() > 1 and float(p.std()) == 0:
                    p.normal_(0, 0.02)  # zero-initialised heads (ViT) would make every output 0
        x = torch.rand(shape)
        for opset in opsets:
            key = f"{name}_op{opset}"
            path = os.path.join(out, key + ".onnx")
            try:
                dynamic = {"input": {0: "batch"}, "output": {0: "batch"}} if name.endswith("_dynamic") else None
                # Not under no_grad: PyTorch's fused attention fast path (ViT) only runs without gradients and has
                # no ONNX export.
                torch.onnx.export(model, x, path, opset_version=opset, input_names=["input"],
                                  output_names=["output"], dynamic_axes=dynamic)
                write_reference(model, x, os.path.join(out, key))
                manifest[key] = {"model": name, "opset": opset, "shape": list(shape), "exported": True}
                print(f"exported {key}", flush=True)
            except Exception as e:  # the exporter's limits, not Fovea's
                manifest[key] = {"model": name, "opset": opset, "shape": list(shape), "exported": False,
                                 "error": str(e).splitlines()[0][:300]}
                print(f"not exportable {key}: {str(e).splitlines()[0][:200]}", flush=True)
                if os.path.exists(path):
                    os.remove(path)
            json.dump(manifest, open(manifest_path, "w"), indent=1)


if __name__ == "__main__":
    main()
