#!/usr/bin/python3
"""Writes tests/golden/hooks.safetensors, which tests/Fovea.Tests/Autograd/HooksGoldenTests.cs compares Fovea's
autograd extension points against: torch.autograd.grad with respect to inputs and intermediate tensors, retained
gradients of intermediate tensors (retain_grad), and the order in which parameter gradients become ready.

Case "cnn": a small CNN, conv 3x3 'same' -> BatchNorm (training mode) -> ReLU -> max-pool 2 -> flatten -> linear,
with seeded weights (stored as init.*), 4 images of 3x8x8 and a mean cross-entropy loss. The file holds
  x, labels, init.<param>            inputs and weights (names are Fovea's: conv.kernel, bn.gamma, dense.bias, ...)
  h1 h2 h3 h4 logits loss           conv, BN, ReLU, pool outputs, logits and loss
  grad.x grad.h1 grad.h3            torch.autograd.grad(loss, [x, h1, h3]); no parameter .grad is set by it
  r vjp.x vjp.h2                    torch.autograd.grad(logits, [x, h2], grad_outputs=r)
  retained.<t>, backward.x, grad.<param>   after h1..logits.retain_grad() and loss.backward()
and in the metadata "ready_order": the parameters in the order their gradient hooks ran during loss.backward(), and
"layer_of": each parameter's layer position (0 = first layer), since only the order between layers is fixed by the
data dependencies. torch 1.13 has no register_post_accumulate_grad_hook (2.1+); a tensor hook on a leaf runs once per
backward with its complete gradient, right before it is accumulated, which is the same event.

Case "shared": one Linear(6, 6) used twice (tanh(lin(tanh(lin(x))))) then Linear(6, 3), loss = sum of squares / 2;
shared.* holds x, the weights, the loss and every gradient, and the metadata "shared_ready_order" / "shared_calls"
the hook order and how often each parameter's hook ran (once, after both uses).

Case "capture": the "cnn" network in inference mode (BatchNorm with running statistics) and a class score (the sum
of logits[i, target[i]]); capture.* holds x, target, the weights and running statistics (init.*), h1..h4, logits and
the score's gradient with respect to x and h1..h4 (grad.*), which Model.Capture must reproduce although Fovea fuses
conv, BatchNorm and ReLU in inference when no one reads the intermediate outputs.

Run with Debian's interpreter, which has python3-torch:  /usr/bin/python3 tools/golden/make_hooks_golden.py
"""

import json
import os

import torch
import torch.nn.functional as F

from make_golden import Golden, check_torch


def small_cnn(momentum=0.1, running_statistics=False):
    """Conv 3→4 (3×3, same), BatchNorm (epsilon 1e-3), Dense 64→5 with random weights, drawn from torch's generator in
    a fixed order (and, with running_statistics, non-default BatchNorm statistics between BatchNorm and Dense)."""
    conv = torch.nn.Conv2d(3, 4, 3, padding=1)
    bn = torch.nn.BatchNorm2d(4, eps=1e-3, momentum=momentum)
    dense = torch.nn.Linear(4 * 4 * 4, 5)
    with torch.no_grad():
        conv.weight.normal_(0, 0.3)
        conv.bias.normal_(0, 0.1)
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.normal_(0, 0.2)
        if running_statistics:
            bn.running_mean.normal_(0, 0.3)
            bn.running_var.uniform_(0.5, 2.0)
        dense.weight.normal_(0, 0.2)
        dense.bias.normal_(0, 0.1)
    return conv, bn, dense


def cnn(g):
    conv, bn, dense = small_cnn(momentum=0.01)
    bn.train()
    params = {"conv.kernel": conv.weight, "conv.bias": conv.bias, "bn.gamma": bn.weight, "bn.beta": bn.bias,
              "dense.kernel": dense.weight, "dense.bias": dense.bias}
    layer_of = {"conv.kernel": 0, "conv.bias": 0, "bn.gamma": 1, "bn.beta": 1, "dense.kernel": 2, "dense.bias": 2}
    x = torch.randn(4, 3, 8, 8).requires_grad_(True)
    labels = torch.tensor([0, 3, 1, 4])
    g.put("x", x)
    g.put("labels", labels.float())
    for name, p in params.items():
        g.put(f"init.{name}", p)

    h1 = conv(x)
    h2 = bn(h1)
    h3 = F.relu(h2)
    h4 = F.max_pool2d(h3, 2)
    logits = dense(torch.flatten(h4, 1))
    loss = F.cross_entropy(logits, labels)
    for name, t in (("h1", h1), ("h2", h2), ("h3", h3), ("h4", h4), ("logits", logits), ("loss", loss)):
        g.put(name, t)

    gx, gh1, gh3 = torch.autograd.grad(loss, [x, h1, h3], retain_graph=True)
    assert x.grad is None and all(p.grad is None for p in params.values()), "autograd.grad must not touch .grad"
    g.put("grad.x", gx)
    g.put("grad.h1", gh1)
    g.put("grad.h3", gh3)

    r = torch.randn_like(logits)
    vx, vh2 = torch.autograd.grad(logits, [x, h2], grad_outputs=r, retain_graph=True)
    g.put("r", r)
    g.put("vjp.x", vx)
    g.put("vjp.h2", vh2)

    order = []
    for name, p in params.items():
        p.register_hook(lambda grad, n=name: order.append(n))
    for t in (h1, h2, h3, h4, logits):
        t.retain_grad()
    loss.backward()
    for name, t in (("h1", h1), ("h2", h2), ("h3", h3), ("h4", h4), ("logits", logits)):
        g.put(f"retained.{name}", t.grad)
    g.put("backward.x", x.grad)
    for name, p in params.items():
        g.put(f"grad.{name}", p.grad)
    g.meta["ready_order"] = json.dumps(order)
    g.meta["layer_of"] = json.dumps(layer_of, sort_keys=True)


def shared(g):
    lin = torch.nn.Linear(6, 6)
    head = torch.nn.Linear(6, 3)
    with torch.no_grad():
        for m in (lin, head):
            m.weight.normal_(0, 0.5)
            m.bias.normal_(0, 0.2)
    params = {"lin.kernel": lin.weight, "lin.bias": lin.bias, "head.kernel": head.weight, "head.bias": head.bias}
    x = torch.randn(2, 6)
    g.put("shared.x", x)
    for name, p in params.items():
        g.put(f"shared.init.{name}", p)
    order, calls = [], {name: 0 for name in params}

    def hook(grad, n):
        order.append(n)
        calls[n] += 1

    for name, p in params.items():
        p.register_hook(lambda grad, n=name: hook(grad, n))
    y = head(torch.tanh(lin(torch.tanh(lin(x)))))
    loss = (y * y).sum() / 2
    loss.backward()
    g.put("shared.loss", loss)
    for name, p in params.items():
        g.put(f"shared.grad.{name}", p.grad)
    g.meta["shared_ready_order"] = json.dumps(order)
    g.meta["shared_calls"] = json.dumps(calls, sort_keys=True)


def capture(g):
    """The model of "cnn" in inference mode (BatchNorm with running statistics, which Fovea fuses with the conv and
    ReLU unless their outputs are asked for): a class score's gradient with respect to the input and every
    intermediate output, as an explanation method reads them."""
    conv, bn, dense = small_cnn(running_statistics=True)
    bn.eval()
    params = {"conv.kernel": conv.weight, "conv.bias": conv.bias, "bn.gamma": bn.weight, "bn.beta": bn.bias,
              "bn.moving_mean": bn.running_mean, "bn.moving_variance": bn.running_var,
              "dense.kernel": dense.weight, "dense.bias": dense.bias}
    x = torch.randn(3, 3, 8, 8).requires_grad_(True)
    g.put("capture.x", x)
    for name, p in params.items():
        g.put(f"capture.init.{name}", p)
    h1 = conv(x)
    h2 = bn(h1)
    h3 = F.relu(h2)
    h4 = F.max_pool2d(h3, 2)
    logits = dense(torch.flatten(h4, 1))
    target = torch.tensor([2, 0, 4])
    score = logits.gather(1, target[:, None]).sum()
    g.put("capture.target", target.float())
    grads = torch.autograd.grad(score, [x, h1, h2, h3, h4])
    for name, t, grad in zip(("x", "h1", "h2", "h3", "h4"), (x, h1, h2, h3, h4), grads):
        if name != "x":
            g.put(f"capture.{name}", t)
        g.put(f"capture.grad.{name}", grad)
    g.put("capture.logits", logits)


def main():
    check_torch()
    g = Golden("hooks", 10)
    g.meta["generator"] = "tools/golden/make_hooks_golden.py"
    cnn(g)
    shared(g)
    capture(g)
    g.save()


if __name__ == "__main__":
    main()
