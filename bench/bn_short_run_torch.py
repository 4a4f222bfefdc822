#!/usr/bin/python3
"""PyTorch side of bench/Fovea.Bench/BatchNormShortRunBench.cs (issue 10, item 10): the README's "Using the library"
model on the first 6,000 Fashion-MNIST training images, batch 64 (94 steps an epoch), AdamW lr 1e-3 with Fovea's
default weight decay 0.004, L2 1e-4 on the first Dense kernel, BatchNorm eps 1e-3 (Keras), data standardised with
mean 0.2860 and std 0.3530; test accuracy (10,000 images) after epochs 1 and 2, seeds 0 and 1, for BatchNorm
momentum 0.1 (PyTorch's default, Keras 0.9), 0.01 (Keras 0.99) and None (cumulative average, Fovea's warm-up).
Prints one JSON line per (momentum, seed, epoch).

Run: /usr/bin/python3 bench/bn_short_run_torch.py [--threads 2]
"""

import argparse
import gzip
import json
import os
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "fashion-mnist")


def idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, np.uint8, offset=16).reshape(count, 1, rows, cols)
    return np.frombuffer(data, np.uint8, offset=8)


def load(prefix, n=None):
    x = idx(f"{prefix}-images-idx3-ubyte.gz")[:n].astype(np.float32) / 255.0
    y = idx(f"{prefix}-labels-idx1-ubyte.gz")[:n].astype(np.int64)
    return torch.from_numpy((x - 0.2860) / 0.3530), torch.from_numpy(y)


class Net(nn.Module):
    def __init__(self, momentum):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(32, eps=1e-3, momentum=momentum)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(64, eps=1e-3, momentum=momentum)
        self.fc1 = nn.Linear(64, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.dropout(F.max_pool2d(F.silu(self.bn1(self.conv1(x))), 2), 0.25, self.training)
        x = F.silu(self.bn2(self.conv2(x))).mean((2, 3))
        x = F.dropout(F.silu(self.fc1(x)), 0.5, self.training)
        return self.fc2(x)


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        hits = sum((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item() for i in range(0, len(x), 1000))
    return hits / len(x)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    train_x, train_y = load("train", 6000)
    test_x, test_y = load("t10k")
    for momentum in (0.1, 0.01, None):
        for seed in args.seeds:
            torch.manual_seed(seed)
            model = Net(momentum)
            opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.004)
            for epoch in range(1, 3):
                model.train()
                start = time.time()
                perm = torch.randperm(len(train_x))
                correct, total_loss = 0, 0.0
                for i in range(0, len(train_x), 64):
                    batch = perm[i:i + 64]
                    logits = model(train_x[batch])
                    loss = F.cross_entropy(logits, train_y[batch])
                    total_loss += loss.item() * len(batch)
                    correct += (logits.argmax(1) == train_y[batch]).sum().item()
                    loss = loss + 1e-4 * model.fc1.weight.pow(2).sum()
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                seconds = time.time() - start
                print(json.dumps({"bench": "bn_short_run_torch", "torch_momentum": momentum,
                                  "keras_momentum": None if momentum is None else round(1 - momentum, 4),
                                  "seed": seed, "epoch": epoch, "steps": epoch * 94,
                                  "test_acc": accuracy(model, test_x, test_y),
                                  "train_acc": correct / len(train_x), "train_loss": total_loss / len(train_x),
                                  "seconds": round(seconds, 2), "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
