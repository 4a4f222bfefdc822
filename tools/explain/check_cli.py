#!/usr/bin/python3
"""End-to-end check of `fovea explain --model zoo:resnet18 --weights W --method gradcam --layer layer4 --target K`
against the Grad-CAM formula written in torch (Selvaraju et al. 2017) on torchvision's ResNet-18.

torchvision builds resnet18 (seed 0, BatchNorm statistics and affine parameters set to non-default values), its state
dict is written as safetensors the way safetensors.torch.save_file writes it, random images go to x.npy; fovea
explains them from those two files, and its maps.npy (the maps of layer4 at its resolution, after ReLU, before
upsampling and normalisation) is compared with ReLU(Σ_c mean_ij(∂y_K/∂A_c) A_c) from torch autograd, A = layer4's
output and y_K the logit of class K. Also checks gradcampp, hirescam and layercam the same way. Prints the maximum
absolute and relative errors; exit status 1 if a relative error exceeds 1e-3.

Usage: /usr/bin/python3 tools/explain/check_cli.py [--fovea "dotnet src/Fovea.Cli/bin/Debug/net10.0/Fovea.Cli.dll"]
       [--size 96] [--target 3]
"""
import argparse, os, shlex, subprocess, sys, tempfile, time

import numpy as np
import torch
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "zoo"))
from check_cli import save_file  # noqa: E402


def cams(a, g):
    a, g = a.double(), g.double()
    g2, g3 = g ** 2, g ** 3
    den = 2 * g2 + a.sum(dim=(2, 3), keepdim=True) * g3
    alpha = torch.where(den != 0, g2 / torch.where(den != 0, den, torch.ones_like(den)), torch.zeros_like(den))
    return {
        "gradcam": (g.mean(dim=(2, 3), keepdim=True) * a).sum(1, keepdim=True).clamp(min=0),
        "gradcampp": (((alpha * g.clamp(min=0)).sum(dim=(2, 3), keepdim=True)) * a).sum(1, keepdim=True).clamp(min=0),
        "hirescam": (g * a).sum(1, keepdim=True).clamp(min=0),
        "layercam": (g.clamp(min=0) * a).sum(1, keepdim=True).clamp(min=0),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fovea", default="dotnet src/Fovea.Cli/bin/Debug/net10.0/Fovea.Cli.dll")
    ap.add_argument("--size", type=int, default=96)
    ap.add_argument("--target", type=int, default=3)
    args = ap.parse_args()
    fovea = shlex.split(args.fovea)
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = torchvision.models.resnet18()
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.2, 0.2)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.1, 0.1)
    model.eval()
    x = torch.rand(2, 3, args.size, args.size) * 2 - 1
    keep = []
    model.layer4.register_forward_hook(lambda mod, i, o: keep.append(o))
    y = model(x)
    (g,) = torch.autograd.grad(y[:, args.target].sum(), keep[0])
    expected = cams(keep[0].detach(), g)
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        weights, xin = os.path.join(tmp, "w.safetensors"), os.path.join(tmp, "x.npy")
        save_file(model.state_dict(), weights)
        np.save(xin, x.numpy())
        for method, e in expected.items():
            out = os.path.join(tmp, f"{method}.npy")
            t0 = time.time()
            r = subprocess.run(fovea + ["explain", "--model", "zoo:resnet18", "--weights", weights, "--input", xin,
                                        "--method", method, "--layer", "layer4", "--target", str(args.target),
                                        "--output", out], capture_output=True, text=True)
            if r.returncode != 0:
                print(f"{method}: FAILED {(r.stderr or r.stdout).strip()}")
                sys.exit(1)
            got = np.load(out)
            e = e.numpy()
            abs_err = float(np.abs(got - e).max())
            rel = abs_err / max(float(np.abs(e).max()), 1e-12)
            worst = max(worst, rel)
            print(f"{method:10s} maps {list(got.shape)} (torch {list(e.shape)})  max|diff| {abs_err:.3e}  "
                  f"max|diff|/max|map| {rel:.3e}  ({time.time() - t0:.1f} s)", flush=True)
    print(f"worst relative error {worst:.3e}")
    sys.exit(0 if worst < 1e-3 else 1)


if __name__ == "__main__":
    main()
