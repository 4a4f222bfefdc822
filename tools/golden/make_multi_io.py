#!/usr/bin/python3
"""Writes tests/golden/multi_io_step.safetensors: one training step of a model with two inputs and two outputs.

The model (Fovea's layer names in brackets):
    image [N, 1, 6, 6] -> Conv2d(1, 3, 3x3, valid) [conv] -> ReLU -> global average pool   -> [N, 3]
    features [N, 4]    -> Linear(4, 5) [hidden] -> tanh                                     -> [N, 5]
    concat [N, 8] -> Linear(8, 3) [class] (logits)      loss: cross-entropy against class indices, weight 1.0
                  -> Linear(8, 2) [size]  (regression)   loss: mean squared error,                 weight 0.5
The file holds the inputs and targets, the initial parameters (under Fovea's NamedWeights() names), both outputs,
each output's loss, the total loss 1.0 * class_loss + 0.5 * size_loss, every parameter's gradient of the total,
and the parameters after one plain SGD step (lr 0.1).

Run with Debian's interpreter:  /usr/bin/python3 tools/golden/make_multi_io.py
"""

import json

import torch
import torch.nn.functional as F

from make_golden import Golden, check_torch

WEIGHTS = {"class": 1.0, "size": 0.5}
LR = 0.1


class TwoInTwoOut(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 3, 3)
        self.hidden = torch.nn.Linear(4, 5)
        self.cls = torch.nn.Linear(8, 3)
        self.size = torch.nn.Linear(8, 2)

    def forward(self, image, features):
        a = F.relu(self.conv(image)).mean(dim=(2, 3))
        b = torch.tanh(self.hidden(features))
        h = torch.cat([a, b], dim=1)
        return self.cls(h), self.size(h)

    def named(self):
        names = {"conv": "conv", "hidden": "hidden", "cls": "class", "size": "size"}
        return [(f"{names[m]}.{'kernel' if p == 'weight' else 'bias'}", t)
                for m in names for p, t in getattr(self, m).named_parameters()]


def multi_io_step():
    g = Golden("multi_io_step", 11)
    g.meta["generator"] = "tools/golden/make_multi_io.py"
    model = TwoInTwoOut()
    image = torch.randn(8, 1, 6, 6)
    features = torch.randn(8, 4)
    labels = torch.randint(0, 3, (8,))
    sizes = torch.randn(8, 2)
    for name, t in (("image", image), ("features", features), ("class", labels.float()), ("size", sizes)):
        g.put(name, t)
    for name, p in model.named():
        g.put(f"init.{name}", p.detach().clone())
    logits, size = model(image, features)
    class_loss = F.cross_entropy(logits, labels)
    size_loss = F.mse_loss(size, sizes)
    total = WEIGHTS["class"] * class_loss + WEIGHTS["size"] * size_loss
    total.backward()
    for name, t in (("out.class", logits), ("out.size", size), ("class_loss", class_loss),
                    ("size_loss", size_loss), ("loss", total)):
        g.put(name, t.detach())
    for name, p in model.named():
        g.put(f"grad.{name}", p.grad)
    with torch.no_grad():
        for _, p in model.named():
            p -= LR * p.grad
    for name, p in model.named():
        g.put(f"sgd.{name}", p.detach().clone())
    g.meta["names"] = json.dumps([n for n, _ in model.named()])
    g.meta["config"] = json.dumps({"loss_weights": WEIGHTS, "lr": LR}, sort_keys=True)
    g.save()


if __name__ == "__main__":
    check_torch()
    multi_io_step()
