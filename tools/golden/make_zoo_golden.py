#!/usr/bin/python3
"""Writes tests/golden/zoo.safetensors: torchvision models with generated weights, for the zoo tests.

Weights are not stored: every tensor of a model's state_dict is generated from its name by a counter-based
generator that tests/Fovea.Tests/Models/ZooWeights.cs repeats bit for bit in C#:

  h      = FNV-1a 64 of the UTF-8 name
  z_i    = splitmix64 finaliser of h + (i + 1) * 0x9E3779B97F4A7C15 (mod 2^64), i = element index
  u_i    = (z_i >> 40) / 2^24, uniform in [0, 1) with 24 bits (exact in float32 and float64)

and by the name's last part (computed in float64, rounded once to float32):
  num_batches_tracked: 100; running_var: 0.5 + u; running_mean: 0.2 (2u - 1); layer_scale (ConvNeXt): 0.5 + u;
  relative_position_bias_table (MaxViT): 0.5 (2u - 1); relative_position_index (MaxViT): torchvision's own buffer;
  weight of rank 1 (BatchNorm scale): 0.5 + u; bias: 0.1 (2u - 1);
  weight of rank >= 2: (2u - 1) sqrt(3 / fan_in), fan_in = product of the dimensions after the first (variance
  1 / fan_in, so that residual sums stay of order one through deep stacks).
The input of size S is the tensor named "input.S" of shape [1, 3, S, S] with values 2u - 1 (stored up to S = 64); the
video models' clip of T frames of S x S is "clip.T.S" of shape [1, 3, T, S, S] (metadata "frames": T; not stored).

Per model the file holds "<name>.output" (eval mode, float32), for GoogLeNet and Inception-v3 also the auxiliary
classifiers' outputs "<name>.aux0", "<name>.aux1" (eval mode, in torchvision's training-output order) and, in the metadata under "<name>", a JSON string
with the parameter count ("params", torchvision's sum of parameters().numel()), the input size ("size") and the
state_dict names and shapes in order ("state_dict": [[name, shape], ...]).

Run with Debian's interpreter (torch 1.13, torchvision 0.14):  /usr/bin/python3 tools/golden/make_zoo_golden.py
Names given as arguments regenerate only those models and keep the others' entries from the existing file (the
file is then identical to a full run's, as every entry is deterministic).
"""

import json
import os
import struct
import sys
import warnings

import numpy as np
import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import OUT, check_torch, write_safetensors  # noqa: E402

TORCHVISION_SERIES = "0.14"

# (torchvision name, input size): the smallest square input the architecture runs on, or 64 where that is smaller
# and cheap (fewer than 64 pixels would leave most of the network at 1x1).
MODELS = [
    ("resnet18", 64), ("resnet34", 64), ("resnet50", 64), ("resnet101", 64), ("resnet152", 64),
    ("resnext50_32x4d", 64), ("wide_resnet50_2", 64),
    ("alexnet", 63),
    ("vgg11", 32), ("vgg11_bn", 32), ("vgg13", 32), ("vgg13_bn", 32),
    ("vgg16", 32), ("vgg16_bn", 32), ("vgg19", 32), ("vgg19_bn", 32),
    ("googlenet", 64), ("inception_v3", 299),
    ("mobilenet_v2", 64),
    ("regnet_x_400mf", 64), ("regnet_x_800mf", 64), ("regnet_x_1_6gf", 64), ("regnet_x_3_2gf", 64),
    ("regnet_x_8gf", 64),
    ("regnet_y_400mf", 64), ("regnet_y_800mf", 64), ("regnet_y_1_6gf", 64), ("regnet_y_3_2gf", 64),
    ("regnet_y_8gf", 64),
    ("mobilenet_v3_large", 64), ("mobilenet_v3_small", 64),
    ("efficientnet_b0", 64), ("efficientnet_b1", 64), ("efficientnet_b2", 64), ("efficientnet_b3", 64),
    ("efficientnet_b4", 64), ("efficientnet_b5", 64), ("efficientnet_b6", 64), ("efficientnet_b7", 64),
    ("efficientnet_v2_s", 64), ("efficientnet_v2_m", 64),
    ("convnext_tiny", 64), ("convnext_small", 64), ("convnext_base", 64),
    ("maxvit_t", 224),
    ("r3d_18", (4, 32)), ("mc3_18", (4, 32)), ("r2plus1d_18", (4, 32)),
]

# Inputs up to this size are stored (the tests check the C# generator against them); larger ones (Inception-v3's
# 299x299, 1 MB) are only generated, on both sides.
MAX_STORED_INPUT = 64

M64 = (1 << 64) - 1
GOLDEN = np.uint64(0x9E3779B97F4A7C15)
C1 = np.uint64(0xBF58476D1CE4E5B9)
C2 = np.uint64(0x94D049BB133111EB)
CHUNK = 1 << 22


def fnv1a64(name):
    h = 0xCBF29CE484222325
    for b in name.encode("utf-8"):
        h = ((h ^ b) * 0x100000001B3) & M64
    return h


def uniform(name, n):
    """u_i for i in [0, n): float64 in [0, 1) with 24 random bits."""
    h = np.uint64(fnv1a64(name))
    out = np.empty(n, dtype=np.float64)
    with np.errstate(over="ignore"):
        for start in range(0, n, CHUNK):
            i = np.arange(start + 1, min(n, start + CHUNK) + 1, dtype=np.uint64)
            z = h + i * GOLDEN
            z = (z ^ (z >> np.uint64(30))) * C1
            z = (z ^ (z >> np.uint64(27))) * C2
            z = z ^ (z >> np.uint64(31))
            out[start:start + len(i)] = (z >> np.uint64(40)).astype(np.float64) / float(1 << 24)
    return out


def generated(name, shape):
    n = int(np.prod(shape)) if len(shape) else 1
    leaf = name.rsplit(".", 1)[-1]
    if leaf == "num_batches_tracked":
        return np.full(shape, 100, dtype=np.int64)
    if leaf == "relative_position_index":
        return None   # MaxViT's buffer of position offsets: torchvision's own values are kept
    u = uniform(name, n)
    if leaf == "running_var":
        v = 0.5 + u
    elif leaf == "running_mean":
        v = 0.2 * (2.0 * u - 1.0)
    elif leaf == "bias":
        v = 0.1 * (2.0 * u - 1.0)
    elif leaf == "weight" and len(shape) == 1:
        v = 0.5 + u
    elif leaf == "layer_scale":
        v = 0.5 + u
    elif leaf == "relative_position_bias_table":
        v = 0.5 * (2.0 * u - 1.0)
    elif leaf == "weight":
        fan_in = int(np.prod(shape[1:]))
        v = (2.0 * u - 1.0) * np.sqrt(3.0 / fan_in)
    else:
        sys.exit(f"make_zoo_golden.py: no rule for tensor '{name}' {list(shape)}")
    return v.astype(np.float32).reshape(shape)


# The auxiliary classifiers that torchvision runs only in training mode, with the module whose output feeds each,
# in the order of the training-mode outputs after the logits (GoogLeNet: aux2, aux1; Inception-v3: AuxLogits).
AUX_INPUTS = {"googlenet": [("aux2", "inception4d"), ("aux1", "inception4a")],
              "inception_v3": [("AuxLogits", "Mixed_6e")]}


def aux_outputs(name, model, x):
    """The auxiliary heads applied (in eval mode) to the features they read, captured by forward hooks."""
    feeds, handles = {}, []
    for _, source in AUX_INPUTS.get(name, []):
        handles.append(getattr(model, source).register_forward_hook(
            lambda m, i, o, source=source: feeds.__setitem__(source, o)))
    model(x)
    for h in handles:
        h.remove()
    return [getattr(model, head)(feeds[source]) for head, source in AUX_INPUTS.get(name, [])]


# Training mode, for a few models without dropout: one forward on a batch of 2 (BatchNorm on batch statistics),
# the mean cross-entropy against labels [3, 7], its backward; stored: "train.<name>.loss", the gradients of the
# small tensors listed (the large ones would not fit the file's budget) and the running statistics after the step.
TRAIN = {"resnet18": ["conv1.weight", "bn1.weight", "bn1.bias", "layer4.1.bn2.weight", "fc.bias"],
         "regnet_y_400mf": ["stem.0.weight", "trunk_output.block1.block1-0.f.se.fc1.weight",
                            "trunk_output.block4.block4-5.f.c.1.weight", "fc.bias"]}
# Input size per model: RegNet's last stages shrink faster, and BatchNorm on batch statistics over a handful of
# values per channel makes the backward ill-conditioned (rounding amplified ~100x), so it trains at 128.
TRAIN_SIZE = {"resnet18": 64, "regnet_y_400mf": 128}
TRAIN_STATS = {"resnet18": ["bn1.running_mean", "bn1.running_var", "layer4.1.bn2.running_var"],
               "regnet_y_400mf": ["stem.1.running_mean", "trunk_output.block4.block4-5.f.c.1.running_var"]}


def training_step(name, tensors, meta):
    model = getattr(torchvision.models, name)()
    sd = model.state_dict()
    model.load_state_dict({k: torch.from_numpy(generated(k, tuple(v.shape))) for k, v in sd.items()})
    model.train()
    size = TRAIN_SIZE[name]
    key = f"train.input.{size}"
    x = torch.from_numpy((2.0 * uniform(key, 2 * 3 * size * size) - 1.0).astype(np.float32)
                         .reshape(2, 3, size, size))
    loss = torch.nn.functional.cross_entropy(model(x), torch.tensor([3, 7]))
    loss.backward()
    params = dict(model.named_parameters())
    buffers = dict(model.named_buffers())
    tensors[f"train.{name}.loss"] = loss.detach().reshape(1)
    for k in TRAIN[name]:
        tensors[f"train.{name}.grad.{k}"] = params[k].grad
    for k in TRAIN_STATS[name]:
        tensors[f"train.{name}.after.{k}"] = buffers[k]
    meta[f"train.{name}"] = json.dumps({"size": size, "labels": [3, 7], "grads": TRAIN[name],
                                        "stats": TRAIN_STATS[name]})
    print(f"train {name}: loss {loss.item():.6g}")


def read_safetensors(path):
    """The tensors (float32) and metadata of a file written by write_safetensors."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    body = data[8 + n:]
    tensors = {}
    for k, v in header.items():
        b, e = v["data_offsets"]
        tensors[k] = torch.from_numpy(np.frombuffer(body[b:e], dtype="<f4").reshape(v["shape"]).copy())
    return tensors, meta


def main():
    check_torch()
    if not torchvision.__version__.startswith(TORCHVISION_SERIES):
        sys.exit(f"make_zoo_golden.py: expected torchvision {TORCHVISION_SERIES}.x, found {torchvision.__version__}")
    warnings.filterwarnings("ignore", category=UserWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    path = os.path.join(OUT, "zoo.safetensors")
    only = set(sys.argv[1:])
    old_tensors, old_meta = read_safetensors(path) if only else ({}, {})
    tensors, meta = {}, {"generator": "tools/golden/make_zoo_golden.py", "torch_version": torch.__version__,
                         "torchvision_version": torchvision.__version__}
    names = []
    for name, size in MODELS:
        key = f"input.{size}"
        if only and name not in only:
            if f"{name}.output" not in old_tensors:
                sys.exit(f"make_zoo_golden.py: {path} has no '{name}'; regenerate it too")
            if key not in tensors and key in old_tensors:
                tensors[key] = old_tensors[key]
            tensors[f"{name}.output"] = old_tensors[f"{name}.output"]
            for i in range(len(AUX_INPUTS.get(name, []))):
                tensors[f"{name}.aux{i}"] = old_tensors[f"{name}.aux{i}"]
            meta[name] = old_meta[name]
            names.append(name)
            continue
        frames = None
        if isinstance(size, tuple):
            frames, size = size
        torch.manual_seed(0)
        module = torchvision.models.video if frames is not None else torchvision.models
        model = getattr(module, name)().eval()
        sd = model.state_dict()
        filled = {k: v if (g := generated(k, tuple(v.shape))) is None else torch.from_numpy(g) for k, v in sd.items()}
        model.load_state_dict(filled)
        key = f"input.{size}" if frames is None else f"clip.{frames}.{size}"
        shape = (1, 3, size, size) if frames is None else (1, 3, frames, size, size)
        x = torch.from_numpy((2.0 * uniform(key, int(np.prod(shape))) - 1.0).astype(np.float32).reshape(shape))
        if frames is None and size <= MAX_STORED_INPUT and key not in tensors:
            tensors[key] = x
        with torch.no_grad():
            y = model(x)
            aux = aux_outputs(name, model, x)
        tensors[f"{name}.output"] = y
        for i, a in enumerate(aux):
            tensors[f"{name}.aux{i}"] = a
        params = sum(p.numel() for p in model.parameters())
        extra = {} if frames is None else {"frames": frames}
        meta[name] = json.dumps({"params": params, "size": size, **extra,
                                 "state_dict": [[k, list(v.shape)] for k, v in sd.items()]}, separators=(",", ":"))
        names.append(name)
        print(f"{name}: {params} parameters, output {list(y.shape)}, max |y| {y.abs().max().item():.4g}")
    meta["models"] = ",".join(names)
    for name in TRAIN:
        training_step(name, tensors, meta)
    write_safetensors(path, tensors, meta)


if __name__ == "__main__":
    main()
