#!/usr/bin/python3
"""Writes tests/golden/detectors.safetensors: torchvision 0.14 detectors in eval mode on two generated images.

Weights are not stored (the models have millions of parameters): every state-dict entry is generated from its name
by make_zoo_golden.py's counter-based generator (FNV-1a of the name, splitmix64, rules by the name's last part;
tests/Fovea.Vision.Tests/Detectors/TorchvisionWeights.cs repeats it bit for bit). The images "image.0" [3, 160, 200]
and "image.1" [3, 128, 128] hold u in [0, 1) from the same generator (named "image.0", "image.1"); they are stored
too, so the test can check its generator.

Per model (prefix "<model>."): the detections of each image i, "<model>.i.boxes" [K, 4] (original image pixels),
".labels" (float32), ".scores", and intermediate results for diagnosis: "<model>.i.proposals" (Faster R-CNN's RPN
output). The constructor keyword arguments (small min_size/max_size, few classes, thresholds) are in the metadata
under "<model>" ("kwargs"), so the C# model is built with the same ones, with the factors applied to some generated
tensors ("scales") and the state_dict names and shapes in torchvision's order ("state_dict").

Run with Debian's interpreter:  /usr/bin/python3 tools/golden/make_detectors_golden.py
"""

import json
import os
import sys

import numpy as np
import torch
import torchvision
from torchvision.models import detection

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import OUT, check_torch, write_safetensors  # noqa: E402
from make_zoo_golden import generated, uniform  # noqa: E402

IMAGES = [("image.0", (3, 160, 200)), ("image.1", (3, 128, 128))]

# Generated tensors multiplied by a factor (in float32, after generation), so that the class scores spread out
# instead of all sitting near 1 / classes.
SCALES = {
    "fasterrcnn_mobilenet_v3_large_fpn": {"roi_heads.box_predictor.cls_score.weight": 60.0},
    "ssdlite320_mobilenet_v3_large": {f"head.classification_head.module_list.{i}.1.weight": 30.0 for i in range(6)},
    # ResNet-50 + FPN + four plain convolutions give large logits: scaled down so that sigmoid does not saturate.
    "retinanet_resnet50_fpn": {"head.classification_head.cls_logits.weight": 0.3},
}

# Layers whose bias is replaced by one computed here and stored as "<model>.state.<layer>.bias": the generated bias
# minus the mean of the layer's output per channel over the two images (every dimension but 1), so that each class's
# logit averages 0 (otherwise the generated weights favour one class everywhere and every detection has the same
# label).
CENTRED = {
    "fasterrcnn_mobilenet_v3_large_fpn": ["roi_heads.box_predictor.cls_score"],
    "ssdlite320_mobilenet_v3_large": [f"head.classification_head.module_list.{i}.1" for i in range(6)],
    "retinanet_resnet50_fpn": ["head.classification_head.cls_logits"],
}

# Constructor keyword arguments per model: small images, few classes; score thresholds chosen so that the generated
# weights give a few dozen detections per image.
MODELS = {
    "fasterrcnn_mobilenet_v3_large_fpn": dict(num_classes=5, min_size=128, max_size=224, box_score_thresh=0.4),
    # The input size is fixed at 320x320 by the builder.
    "ssdlite320_mobilenet_v3_large": dict(num_classes=5, score_thresh=0.5, detections_per_img=100),
    "retinanet_resnet50_fpn": dict(num_classes=5, min_size=128, max_size=224, score_thresh=0.6, detections_per_img=100),
}


def images():
    return [torch.from_numpy(uniform(name, int(np.prod(shape))).astype(np.float32).reshape(shape))
            for name, shape in IMAGES]


def build(name, kwargs, centred=None, prefix=None):
    model = getattr(detection, name)(weights=None, weights_backbone=None, **kwargs)
    state = model.state_dict()
    new = {}
    for k, v in state.items():
        g = generated(k, tuple(v.shape))
        new[k] = torch.from_numpy(np.asarray(g)).to(v.dtype).reshape(v.shape)
        if k in SCALES.get(name, {}):
            new[k] = new[k] * torch.tensor(SCALES[name][k], dtype=torch.float32)
        if centred is not None and f"{prefix}.state.{k}" in centred:
            new[k] = centred[f"{prefix}.state.{k}"]
    model.load_state_dict(new)
    return model.eval()


# Training-mode losses of Faster R-CNN for these targets (original image pixels). torchvision samples anchors and
# proposals at random (BalancedPositiveNegativeSampler: randperm); with batch_size_per_image so large that
# int(batch * positive_fraction) and batch - positives exceed every count, every positive and every negative is kept,
# and the sampled set (a mask) no longer depends on the permutation. BatchNorm stays in eval mode (running statistics),
# as with torchvision's FrozenBatchNorm2d for pretrained backbones.
TARGETS = [
    {"boxes": [[20.0, 30.0, 90.0, 110.0], [100.0, 40.0, 180.0, 150.0]], "labels": [1, 3]},
    {"boxes": [[10.0, 10.0, 60.0, 70.0], [50.0, 60.0, 120.0, 120.0], [30.0, 20.0, 100.0, 90.0]], "labels": [2, 4, 1]},
]
LOSS_MODELS = {
    "fasterrcnn_mobilenet_v3_large_fpn": dict(rpn_batch_size_per_image=1000000, box_batch_size_per_image=1000000),
    # RetinaNet does not sample (focal loss over every anchor that is not between the thresholds).
    "retinanet_resnet50_fpn": dict(),
    # SSD does not sample either (hard negative mining: the 3 x positives highest-loss negatives, ties summing equal).
    "ssdlite320_mobilenet_v3_large": dict(),
}


# Gradients of the summed losses stored for these (small) tensors, as "<model>.grad.<entry>".
GRADIENTS = {
    "fasterrcnn_mobilenet_v3_large_fpn": ["roi_heads.box_predictor.cls_score.bias",
                                          "roi_heads.box_predictor.bbox_pred.bias", "rpn.head.cls_logits.bias",
                                          "rpn.head.bbox_pred.bias", "backbone.fpn.layer_blocks.0.0.bias",
                                          "backbone.body.16.1.weight", "backbone.body.1.block.0.0.weight"],
    "ssdlite320_mobilenet_v3_large": ["head.classification_head.module_list.0.1.bias",
                                      "head.regression_head.module_list.5.1.bias", "backbone.extra.3.2.1.bias",
                                      "backbone.features.0.0.0.weight"],
    "retinanet_resnet50_fpn": ["head.classification_head.cls_logits.bias", "head.regression_head.bbox_reg.bias",
                               "backbone.fpn.extra_blocks.p7.bias", "backbone.body.conv1.weight"],
}


def losses(model, imgs, name=None):
    """The training-mode losses and the gradients of their sum for GRADIENTS[name]."""
    model.train()
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.eval()
    targets = [{"boxes": torch.tensor(t["boxes"]), "labels": torch.tensor(t["labels"])} for t in TARGETS]
    out = model(imgs, targets)
    params = dict(model.named_parameters())
    names = GRADIENTS.get(name, [])
    grads = torch.autograd.grad(sum(out.values()), [params[k] for k in names]) if names else []
    model.eval()
    return {k: v.detach() for k, v in out.items()}, dict(zip(names, grads))


def centre(model, layers, imgs):
    outputs = {}
    hooks = [model.get_submodule(layer).register_forward_hook(
        lambda _m, _i, o, layer=layer: outputs.setdefault(layer, []).append(o)) for layer in layers]
    with torch.no_grad():
        model(imgs)
        for h in hooks:
            h.remove()
        for layer in layers:
            # every call of the layer (RetinaNet's head runs once per level): channel-major, then the mean
            flat = torch.cat([o.transpose(0, 1).reshape(o.shape[1], -1) for o in outputs[layer]], dim=1)
            model.get_submodule(layer).bias -= flat.mean(dim=1)


def main():
    check_torch()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    tensors, meta = {}, {"generator": "tools/golden/make_detectors_golden.py", "torch_version": torch.__version__,
                         "torchvision_version": torchvision.__version__}
    imgs = images()
    for (name, _), img in zip(IMAGES, imgs):
        tensors[name] = img
    for i, t in enumerate(TARGETS):
        tensors[f"target.{i}.boxes"] = torch.tensor(t["boxes"])
        tensors[f"target.{i}.labels"] = torch.tensor(t["labels"], dtype=torch.float32)
    for name, kwargs in MODELS.items():
        model = build(name, kwargs)
        centre(model, CENTRED.get(name, []), imgs)
        for layer in CENTRED.get(name, []):
            tensors[f"{name}.state.{layer}.bias"] = model.get_submodule(layer).bias.detach().clone()
        meta[name] = json.dumps({"kwargs": kwargs, "scales": SCALES.get(name, {}),
                                 "state_dict": [[k, list(v.shape)] for k, v in model.state_dict().items()]})
        captured = {}
        if hasattr(model, "rpn"):
            def hook(_module, _inputs, output):
                captured["proposals"] = output[0]
            model.rpn.register_forward_hook(hook)
        with torch.no_grad():
            dets = model(imgs)
        if name in LOSS_MODELS:
            meta[name + ".losses"] = json.dumps(LOSS_MODELS[name], sort_keys=True)
            values, grads = losses(build(name, {**kwargs, **LOSS_MODELS[name]}, centred=tensors, prefix=name), imgs,
                                   name)
            for k, v in values.items():
                tensors[f"{name}.loss.{k}"] = v.reshape(1)
                print(f"{name} {k}: {v.item():.6f}")
            for k, v in grads.items():
                tensors[f"{name}.grad.{k}"] = v
        for i, d in enumerate(dets):
            tensors[f"{name}.{i}.boxes"] = d["boxes"].reshape(-1, 4)
            tensors[f"{name}.{i}.labels"] = d["labels"].to(torch.float32)
            tensors[f"{name}.{i}.scores"] = d["scores"]
            if "proposals" in captured:
                tensors[f"{name}.{i}.proposals"] = captured["proposals"][i]
            s = d["scores"]
            gap = (s[:-1] - s[1:]).min().item() if len(s) > 1 else float("nan")
            print(f"{name} image {i}: {len(s)} detections, scores {s.max().item() if len(s) else 0:.4f}.."
                  f"{s.min().item() if len(s) else 0:.4f}, smallest gap {gap:.2e}, labels "
                  f"{torch.bincount(d['labels']).tolist()}")
    path = os.path.join(OUT, "detectors.safetensors")
    write_safetensors(path, {k: v.contiguous() for k, v in tensors.items()}, meta)
    print(f"tests/golden/detectors.safetensors: {len(tensors)} tensors, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
