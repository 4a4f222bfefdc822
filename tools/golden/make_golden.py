#!/usr/bin/python3
"""Writes the PyTorch golden files in tests/golden/ that the C# tests (tests/Fovea.Tests/Golden/) compare against.

Every case stores its inputs, parameters and outputs, a random upstream gradient r, and the gradient of
L = sum(y * r) with respect to every input and parameter. Tensors are named "caseNN.<what>" and each case's
parameters are a JSON string in the file's __metadata__ under "caseNN". Everything is float32 (class indices
too, as Fovea's loss functions take them), single-threaded and seeded, so a rerun writes identical bytes.

Run with Debian's interpreter, which has python3-torch:  /usr/bin/python3 tools/golden/make_golden.py
"""

import json
import math
import os
import struct
import sys
import warnings

import numpy as np
import torch
import torch.nn.functional as F

TORCH_SERIES = "1.13"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "golden")


def check_torch():
    if not torch.__version__.startswith(TORCH_SERIES):
        sys.exit(f"make_golden.py: expected torch {TORCH_SERIES}.x (Debian python3-torch), found {torch.__version__}; "
                 "rerun with /usr/bin/python3 or update TORCH_SERIES after checking the goldens still pass")
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.set_default_dtype(torch.float32)
    warnings.filterwarnings("ignore", message="Using padding='same' with even kernel")


def write_safetensors(path, tensors, metadata):
    """safetensors: u64 LE header length, JSON header padded with spaces to a multiple of 8, raw LE bytes."""
    header = {"__metadata__": metadata}
    blobs, offset = [], 0
    for name, t in tensors.items():
        a = t.detach().cpu().numpy().astype("<f4", order="C")  # not np.ascontiguousarray: it turns scalars into [1]
        b = a.tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


class Golden:
    """Collects the cases of one file; save() writes it with the case parameters in the metadata."""

    def __init__(self, name, seed):
        self.name = name
        self.tensors = {}
        self.meta = {"generator": "tools/golden/make_golden.py", "torch_version": torch.__version__}
        self.count = 0
        torch.manual_seed(seed)

    def case(self, params, tensors):
        key = f"case{self.count:02d}"
        self.count += 1
        self.meta[key] = json.dumps(params, sort_keys=True)
        for k, v in tensors.items():
            self.tensors[f"{key}.{k}"] = v
        return key

    def put(self, name, tensor):
        self.tensors[name] = tensor

    def save(self):
        self.meta["cases"] = str(self.count)
        path = os.path.join(OUT, f"{self.name}.safetensors")
        write_safetensors(path, self.tensors, self.meta)
        print(f"tests/golden/{self.name}.safetensors: {self.count} cases, {len(self.tensors)} tensors, "
              f"{os.path.getsize(path)} bytes")


def randn(*shape, scale=1.0, requires_grad=True):
    return (torch.randn(*shape) * scale).requires_grad_(requires_grad)


def away_from_zero(*shape, gap=0.05):
    """Normal samples pushed at least gap away from 0, so kinks at 0 (ReLU family) are not hit."""
    x = torch.randn(*shape)
    return (x + torch.where(x >= 0, torch.full_like(x, gap), torch.full_like(x, -gap))).requires_grad_(True)


def backward(y, *inputs):
    """Backward of sum(y * r) for a random r; returns r and the gradient of each input (None if not needed)."""
    r = torch.randn_like(y)
    (y * r).sum().backward()
    return r, [None if i is None else i.grad for i in inputs]


def same_pads(size, kernel, stride, dilation=1):
    """TensorFlow/Keras 'same': output ceil(size/stride); the extra pixel goes after (bottom/right)."""
    out = (size + stride - 1) // stride
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


# ---------------------------------------------------------------------------------------------------- conv2d
def conv2d():
    g = Golden("conv2d", 1)
    # (n, c, h, w, oc, (kh, kw), stride, padding, dilation, groups, bias); padding: "valid", "same" or (t, l, b, r)
    grid = [
        (2, 3, 7, 7, 4, (3, 3), (1, 1), "valid", (1, 1), 1, True),
        (2, 3, 8, 9, 4, (3, 3), (2, 2), "valid", (1, 1), 1, True),
        (2, 3, 7, 6, 4, (3, 3), (2, 1), (1, 1, 1, 1), (1, 1), 1, True),
        (2, 3, 6, 5, 2, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, False),
        (1, 2, 6, 7, 3, (3, 3), (1, 1), (1, 0, 2, 1), (1, 1), 1, True),
        (2, 3, 6, 6, 4, (3, 3), (1, 1), "same", (1, 1), 1, True),
        (1, 2, 6, 7, 3, (4, 4), (1, 1), "same", (1, 1), 1, True),
        (2, 2, 7, 8, 3, (3, 3), (2, 2), "same", (1, 1), 1, True),
        (1, 2, 9, 9, 3, (3, 3), (1, 1), "valid", (2, 2), 1, True),
        (1, 2, 7, 7, 2, (3, 3), (1, 1), (2, 2, 2, 2), (2, 2), 1, False),
        (2, 2, 9, 8, 3, (3, 3), (2, 2), (1, 1, 1, 1), (2, 1), 1, True),
        (2, 4, 6, 6, 6, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 2, True),
        (1, 4, 8, 7, 4, (3, 3), (2, 2), "valid", (1, 1), 2, False),
        (2, 4, 6, 5, 4, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 4, True),
        (1, 3, 7, 7, 6, (3, 3), (2, 2), "same", (1, 1), 3, True),
        (2, 5, 4, 6, 3, (1, 1), (1, 1), "valid", (1, 1), 1, True),
        (1, 4, 7, 6, 3, (1, 1), (2, 2), "valid", (1, 1), 1, False),
        (2, 2, 5, 7, 3, (1, 3), (1, 1), (0, 1, 0, 1), (1, 1), 1, True),
        (1, 3, 11, 5, 2, (5, 3), (2, 1), (2, 1, 2, 1), (1, 2), 1, True),
        (1, 1, 16, 16, 6, (5, 5), (1, 1), "same", (1, 1), 1, True),
        (1, 6, 9, 9, 3, (2, 2), (2, 2), (0, 1, 1, 0), (2, 2), 3, True),
        (1, 2, 7, 6, 2, (3, 3), (1, 1), "same", (2, 2), 1, True),
        (2, 8, 10, 10, 16, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, True),
        (1, 2, 10, 11, 3, (3, 3), (3, 3), (3, 0, 1, 2), (1, 1), 1, True),
        (2, 3, 4, 4, 2, (4, 4), (1, 1), "valid", (1, 1), 1, True),
    ]
    for n, c, h, w, oc, (kh, kw), stride, padding, dilation, groups, bias in grid:
        cg = c // groups
        x = randn(n, c, h, w)
        wt = randn(oc, cg, kh, kw, scale=1 / math.sqrt(cg * kh * kw))
        b = randn(oc) if bias else None
        if padding == "valid":
            pads = (0, 0, 0, 0)
        elif padding == "same":
            (t, bo), (l, ri) = same_pads(h, kh, stride[0], dilation[0]), same_pads(w, kw, stride[1], dilation[1])
            pads = (t, l, bo, ri)
        else:
            pads = padding
        t, l, bo, ri = pads
        y = F.conv2d(F.pad(x, (l, ri, t, bo)), wt, b, stride, 0, dilation, groups)
        if padding == "same" and stride == (1, 1):  # self-check: TF 'same' equals PyTorch's own for stride 1
            assert torch.allclose(y, F.conv2d(x, wt, b, 1, "same", dilation, groups), atol=1e-6)
        if padding == (t, l, t, l):  # self-check: explicit symmetric pads equal PyTorch's padding argument
            assert torch.allclose(y, F.conv2d(x, wt, b, stride, (t, l), dilation, groups), atol=1e-6)
        r, (dx, dw, db) = backward(y, x, wt, b)
        params = {"stride": list(stride), "dilation": list(dilation), "groups": groups, "bias": bias,
                  "padding": padding if isinstance(padding, str) else "explicit", "pads": list(pads)}
        tensors = {"x": x, "w": wt}
        if bias:
            tensors["b"] = b
        tensors.update({"y": y, "r": r, "dx": dx, "dw": dw})
        if bias:
            tensors["db"] = db
        g.case(params, tensors)
    g.save()


# ---------------------------------------------------------------------------------------------------- batchnorm
def batchnorm():
    g = Golden("batchnorm", 2)
    # (shape, training, keras momentum, eps, input mean, input std); PyTorch momentum = 1 - Keras momentum
    grid = [
        ((4, 3, 5, 5), True, 0.99, 1e-3, 0.0, 1.0),
        ((4, 3, 5, 5), False, 0.99, 1e-3, 0.0, 1.0),
        ((8, 5), True, 0.9, 1e-5, 0.0, 1.0),
        ((8, 5), False, 0.9, 1e-5, 0.0, 1.0),
        ((2, 4, 3, 3), True, 0.99, 1e-3, 5.0, 3.0),
        ((3, 2, 4, 4), True, 0.5, 0.1, -1.0, 0.5),
        ((2, 3), True, 0.99, 1e-3, 0.0, 1.0),
        ((1, 2, 3, 3), True, 0.9, 1e-3, 0.0, 1.0),
        ((3, 2, 4, 4), False, 0.5, 0.1, -1.0, 0.5),
    ]
    for shape, training, momentum, eps, mu, sigma in grid:
        c = shape[1]
        x = (torch.randn(*shape) * sigma + mu).requires_grad_(True)
        gamma = (1 + 0.3 * torch.randn(c)).requires_grad_(True)
        beta = randn(c, scale=0.5)
        running_mean = 0.5 * torch.randn(c)
        running_var = 0.5 + 1.5 * torch.rand(c)
        rm, rv = running_mean.clone(), running_var.clone()
        y = F.batch_norm(x, rm, rv, gamma, beta, training, 1 - momentum, eps)
        if training:  # self-check: PyTorch's running variance takes the unbiased batch variance
            m = x.numel() // c
            xs = x.detach().transpose(0, 1).reshape(c, -1).double()
            expected = momentum * running_var.double() + (1 - momentum) * xs.var(1, unbiased=True)
            assert m > 1 and torch.allclose(rv.double(), expected, rtol=1e-5)
        r, (dx, dgamma, dbeta) = backward(y, x, gamma, beta)
        tensors = {"x": x, "gamma": gamma, "beta": beta, "running_mean": running_mean, "running_var": running_var,
                   "y": y, "r": r, "dx": dx, "dgamma": dgamma, "dbeta": dbeta}
        if training:
            tensors.update({"running_mean_after": rm, "running_var_after": rv})
        g.case({"training": training, "momentum": momentum, "torch_momentum": round(1 - momentum, 6),
                "epsilon": eps}, tensors)
    g.save()


# ---------------------------------------------------------------------------------------------------- batchnorm warm-up
def batchnorm_warmup():
    """Fovea's BatchNormalization warm-up over several training batches: the t-th batch updates the moving statistics
    with Keras momentum min(m, 1 - 1/t), i.e. PyTorch's cumulative average (momentum=None, factor 1/t) until the
    window of 1/(1 - m) batches has filled, then PyTorch momentum 1 - m. Stores each batch and the running statistics
    after it; the module starts from PyTorch's (and Fovea's) mean 0, variance 1."""
    g = Golden("batchnorm_warmup", 3)
    # (shape of one batch, Keras momentum, eps, batches, input mean, input std)
    grid = [
        ((4, 3, 5, 5), 0.99, 1e-3, 6, 2.0, 3.0),
        ((6, 2), 0.75, 1e-3, 7, -1.0, 0.5),
        ((2, 2, 3, 3), 0.5, 1e-3, 4, 0.5, 2.0),
    ]
    for shape, momentum, eps, batches, mu, sigma in grid:
        c = shape[1]
        bn = (torch.nn.BatchNorm2d if len(shape) == 4 else torch.nn.BatchNorm1d)(c, eps=eps, momentum=None)
        bn.train()
        window = round(1 / (1 - momentum))
        tensors = {}
        for t in range(1, batches + 1):
            if t > window:
                bn.momentum = 1 - momentum
            x = torch.randn(*shape) * sigma + mu
            with torch.no_grad():
                bn(x)
            tensors[f"x{t}"] = x
            tensors[f"running_mean{t}"] = bn.running_mean.clone()
            tensors[f"running_var{t}"] = bn.running_var.clone()
        g.case({"momentum": momentum, "epsilon": eps, "batches": batches, "window": window}, tensors)
    g.save()


# ---------------------------------------------------------------------------------------------------- pooling
def pool_torch(kind, x, k, s, padding):
    """Keras/Fovea pooling: 'same' pads TF-style; padded cells never win a max and are not counted in an average."""
    h, w = x.shape[2], x.shape[3]
    (t, b), (l, r) = ((0, 0), (0, 0)) if padding == "valid" else (same_pads(h, k[0], s[0]), same_pads(w, k[1], s[1]))
    if kind == "max":
        return F.max_pool2d(F.pad(x, (l, r, t, b), value=-math.inf), k, s), (t, l, b, r)
    total = F.avg_pool2d(F.pad(x, (l, r, t, b)), k, s)
    count = F.avg_pool2d(F.pad(torch.ones_like(x), (l, r, t, b)), k, s)
    y = total / count
    if t == b and l == r:  # self-check against PyTorch's own count_include_pad=False
        assert torch.allclose(y, F.avg_pool2d(x, k, s, (t, l), count_include_pad=False), atol=1e-6)
    return y, (t, l, b, r)


def pooling():
    g = Golden("pooling", 3)
    grid = [  # (kind, shape, pool, strides, padding)
        ("max", (2, 3, 6, 6), (2, 2), (2, 2), "valid"),
        ("max", (2, 3, 7, 5), (2, 2), (2, 2), "valid"),
        ("max", (2, 2, 7, 7), (3, 3), (2, 2), "same"),
        ("max", (2, 2, 8, 6), (3, 3), (2, 2), "same"),
        ("max", (1, 3, 7, 6), (3, 2), (2, 1), "valid"),
        ("max", (1, 2, 5, 6), (3, 3), (1, 1), "same"),
        ("avg", (2, 3, 6, 6), (2, 2), (2, 2), "valid"),
        ("avg", (2, 3, 7, 5), (2, 2), (2, 2), "valid"),
        ("avg", (2, 2, 7, 7), (3, 3), (2, 2), "same"),
        ("avg", (2, 2, 8, 6), (3, 3), (2, 2), "same"),
        ("avg", (1, 3, 7, 6), (3, 2), (2, 1), "valid"),
        ("avg", (1, 2, 5, 5), (2, 2), (2, 2), "same"),
        ("max", (1, 2, 4, 5), (2, 2), (1, 1), "same"),
        ("avg", (1, 2, 4, 5), (2, 2), (1, 1), "same"),
        ("global", (2, 3, 5, 4), None, None, None),
        ("global", (2, 5, 7, 7), None, None, None),
    ]
    for kind, shape, k, s, padding in grid:
        x = randn(*shape)
        if kind == "global":
            y = x.mean((2, 3))
            params = {"kind": kind}
        else:
            y, pads = pool_torch(kind, x, k, s, padding)
            params = {"kind": kind, "pool": list(k), "strides": list(s), "padding": padding, "pads": list(pads)}
        r, (dx,) = backward(y, x)
        g.case(params, {"x": x, "y": y, "r": r, "dx": dx})
    g.save()


# ---------------------------------------------------------------------------------------------------- losses
def losses():
    g = Golden("losses", 4)
    grid = [  # (input, target kind, rows, classes, logit scale, label smoothing)
        ("logits", "index", 6, 5, 1.0, 0.0),
        ("logits", "index", 6, 5, 1.0, 0.1),
        ("logits", "probabilities", 4, 7, 1.0, 0.0),
        ("logits", "probabilities", 4, 7, 1.0, 0.2),
        ("logits", "index", 8, 10, 10.0, 0.0),
        ("probabilities", "index", 5, 4, 1.0, 0.1),
        ("probabilities", "probabilities", 3, 6, 1.0, 0.0),
    ]
    for inp, target_kind, rows, classes, scale, smoothing in grid:
        logits = torch.randn(rows, classes) * scale
        if target_kind == "index":
            target = torch.randint(0, classes, (rows,))
            dense = F.one_hot(target, classes).float()
        else:
            dense = F.softmax(2 * torch.randn(rows, classes), dim=1)
            target = dense
        if inp == "logits":
            x = logits.requires_grad_(True)
            loss = F.cross_entropy(x, target, label_smoothing=smoothing)
        else:  # Keras: renormalise the rows, then -sum(t log p); values stay far from the 1e-7 clip
            x = F.softmax(logits, dim=1).requires_grad_(True)
            t = (1 - smoothing) * dense + smoothing / classes
            loss = -(t * torch.log(x / x.sum(1, keepdim=True))).sum(1).mean()
        r, (dx,) = backward(loss, x)
        g.case({"input": inp, "target": target_kind, "label_smoothing": smoothing},
               {"x": x, "target": target.float(), "loss": loss, "r": r, "dx": dx})
    g.save()


# ---------------------------------------------------------------------------------------------------- activations
def activations():
    g = Golden("activations", 5)
    grid = [  # (op, shape, alpha)
        ("relu", (2, 3, 4, 5), None),
        ("leaky_relu", (2, 3, 4, 5), 0.2),
        ("leaky_relu", (3, 11), 0.3),
        ("prelu", (2, 3, 4, 4), None),
        ("prelu", (5, 4), None),
        ("silu", (3, 17), None),
        ("sigmoid", (3, 17), None),
        ("tanh", (3, 17), None),
        ("softmax", (4, 7), None),
        ("softmax", (2, 3, 10), None),
    ]
    for op, shape, alpha in grid:
        params = {"op": op}
        tensors = {}
        if op in ("relu", "leaky_relu", "prelu"):
            x = away_from_zero(*shape)
        else:
            x = randn(*shape, scale=3.0)  # reaches the saturated tails too
        tensors["x"] = x
        a = None
        if op == "relu":
            y = F.relu(x)
        elif op == "leaky_relu":
            y = F.leaky_relu(x, alpha)
            params["alpha"] = alpha
        elif op == "prelu":
            a = (0.25 + 0.1 * torch.randn(shape[1])).requires_grad_(True)
            tensors["alpha"] = a
            y = F.prelu(x, a)
        elif op == "silu":
            y = F.silu(x)
        elif op == "sigmoid":
            y = torch.sigmoid(x)
        elif op == "tanh":
            y = torch.tanh(x)
        else:
            y = F.softmax(x, dim=-1)
        r, (dx, da) = backward(y, x, a)
        tensors.update({"y": y, "r": r, "dx": dx})
        if a is not None:
            tensors["dalpha"] = da
        g.case(params, tensors)
    g.save()


# ---------------------------------------------------------------------------------------------------- linear
def linear():
    g = Golden("linear", 6)
    for x_shape, out_features, bias in [((5, 7), 4, True), ((3, 6), 2, False), ((2, 3, 6), 5, True),
                                        ((9, 33), 17, True)]:
        x = randn(*x_shape)
        w = randn(out_features, x_shape[-1], scale=1 / math.sqrt(x_shape[-1]))
        b = randn(out_features) if bias else None
        y = F.linear(x, w, b)
        r, (dx, dw, db) = backward(y, x, w, b)
        tensors = {"x": x, "w": w}
        if bias:
            tensors["b"] = b
        tensors.update({"y": y, "r": r, "dx": dx, "dw": dw})
        if bias:
            tensors["db"] = db
        g.case({"op": "linear", "bias": bias}, tensors)
    for m, k, n in [(3, 4, 6), (17, 40, 13)]:
        a = randn(m, k)
        b = randn(k, n, scale=1 / math.sqrt(k))
        y = a @ b
        r, (da, db) = backward(y, a, b)
        g.case({"op": "matmul"}, {"a": a, "b": b, "y": y, "r": r, "da": da, "db": db})
    g.save()


# ---------------------------------------------------------------------------------------------------- optimizers
def optimizers():
    g = Golden("optimizers", 7)
    steps = 3
    init = [torch.randn(3, 4), torch.randn(5)]
    grads = [[torch.randn_like(p) for p in init] for _ in range(steps)]
    for i, p in enumerate(init):
        g.put(f"init.p{i}", p)
    for s in range(steps):
        for i, gr in enumerate(grads[s]):
            g.put(f"grad.step{s + 1}.p{i}", gr)
    configs = [
        {"optimizer": "sgd", "lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01},
        {"optimizer": "sgd", "lr": 0.05, "momentum": 0.9, "nesterov": False, "weight_decay": 0.0},
        {"optimizer": "sgd", "lr": 0.1, "momentum": 0.0, "nesterov": False, "weight_decay": 0.05},
        {"optimizer": "adam", "lr": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "weight_decay": 0.0},
        {"optimizer": "adam", "lr": 0.01, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-8, "weight_decay": 0.1},
        {"optimizer": "adamw", "lr": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "weight_decay": 0.1},
    ]
    for cfg in configs:
        params = [p.clone().requires_grad_(True) for p in init]
        if cfg["optimizer"] == "sgd":
            opt = torch.optim.SGD(params, lr=cfg["lr"], momentum=cfg["momentum"], nesterov=cfg["nesterov"],
                                  weight_decay=cfg["weight_decay"])
        else:
            cls = torch.optim.Adam if cfg["optimizer"] == "adam" else torch.optim.AdamW
            opt = cls(params, lr=cfg["lr"], betas=(cfg["beta1"], cfg["beta2"]), eps=cfg["epsilon"],
                      weight_decay=cfg["weight_decay"])
        after = {}
        for s in range(steps):
            for p, gr in zip(params, grads[s]):
                p.grad = gr.clone()
            opt.step()
            for i, p in enumerate(params):
                after[f"step{s + 1}.p{i}"] = p.detach().clone()
        g.case(cfg, after)
    g.save()


# ---------------------------------------------------------------------------------------------------- lenet5
class LeNet5(torch.nn.Module):
    """Fovea's LeNet5.Create(): Conv(6, 5x5, same)-tanh, AvgPool 2, Conv(16, 5x5)-tanh, AvgPool 2, Flatten,
    Dense(120, tanh), Dense(84, tanh), Dense(10) logits. Keys are Fovea's NamedWeights() names."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 6, 5, padding="same")
        self.conv2 = torch.nn.Conv2d(6, 16, 5)
        self.fc1 = torch.nn.Linear(400, 120)
        self.fc2 = torch.nn.Linear(120, 84)
        self.fc3 = torch.nn.Linear(84, 10)

    def forward(self, x):
        x = F.avg_pool2d(torch.tanh(self.conv1(x)), 2)
        x = F.avg_pool2d(torch.tanh(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = torch.tanh(self.fc1(x))
        x = torch.tanh(self.fc2(x))
        return self.fc3(x)

    def named(self):
        names = {"conv1": "conv2d", "conv2": "conv2d_1", "fc1": "dense", "fc2": "dense_1", "fc3": "dense_2"}
        return [(f"{names[m]}.{'kernel' if p == 'weight' else 'bias'}", t)
                for m in names for p, t in getattr(self, m).named_parameters()]


def lenet5_step():
    g = Golden("lenet5_step", 8)
    model = LeNet5()
    with torch.no_grad():  # non-zero biases, so their gradients and updates are exercised
        for m in (model.conv1, model.conv2, model.fc1, model.fc2, model.fc3):
            m.bias.normal_(0, 0.1)
    initial = {name: p.detach().clone() for name, p in model.named()}
    x = torch.rand(8, 1, 28, 28)
    labels = torch.randint(0, 10, (8,))
    g.put("x", x)
    g.put("labels", labels.float())
    for name, p in initial.items():
        g.put(f"init.{name}", p)
    configs = [
        ("adamw", {"lr": 1e-3, "weight_decay": 0.01, "epsilon": 1e-8, "beta1": 0.9, "beta2": 0.999}),
        ("sgd", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 5e-4}),
    ]
    for i, (name, cfg) in enumerate(configs):
        with torch.no_grad():
            for pname, p in model.named():
                p.copy_(initial[pname])
        params = [p for _, p in model.named()]
        if name == "adamw":
            opt = torch.optim.AdamW(params, lr=cfg["lr"], betas=(cfg["beta1"], cfg["beta2"]), eps=cfg["epsilon"],
                                    weight_decay=cfg["weight_decay"])
        else:
            opt = torch.optim.SGD(params, lr=cfg["lr"], momentum=cfg["momentum"], nesterov=cfg["nesterov"],
                                  weight_decay=cfg["weight_decay"])
        opt.zero_grad()
        logits = model(x)
        loss = F.cross_entropy(logits, labels)
        loss.backward()
        if i == 0:  # the forward pass and gradients are the same for both optimizers
            g.put("logits", logits)
            g.put("loss", loss)
            for pname, p in model.named():
                g.put(f"grad.{pname}", p.grad)
        opt.step()
        for pname, p in model.named():
            g.put(f"{name}.{pname}", p.detach().clone())
        g.meta[name] = json.dumps(cfg, sort_keys=True)
    g.meta["names"] = json.dumps([n for n, _ in model.named()])
    g.save()


def main():
    check_torch()
    os.makedirs(OUT, exist_ok=True)
    for make in (conv2d, batchnorm, batchnorm_warmup, pooling, losses, activations, linear, optimizers, lenet5_step):
        make()


if __name__ == "__main__":
    main()
