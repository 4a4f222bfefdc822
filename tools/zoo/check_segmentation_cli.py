#!/usr/bin/python3
"""End-to-end check of `fovea run --model zoo:<name>` for torchvision's four segmentation models, against torchvision.

For each of deeplabv3_resnet50, fcn_resnet50, deeplabv3_mobilenet_v3_large (aux_loss=True: the state dict holds the
auxiliary head) and lraspp_mobilenet_v3_large: torchvision builds the model with random weights (seed 0, 21 classes),
its BatchNorm statistics and affine parameters are set to values that are not the defaults, the state dict is written
as safetensors as `safetensors.torch.save_file(model.state_dict(), path)` writes it, two random images of 3x65x65
(65 is not a multiple of the output stride, so the final bilinear resize has a non-integer scale) go to x.npy; then
`fovea run` runs the model from those two files and its y.npy is compared with torchvision's eval-mode
`model(x)["out"]`. Prints one line per model (max |diff| / max |out|) and a summary.

Usage: /usr/bin/python3 tools/zoo/check_segmentation_cli.py [names]
       [--fovea "dotnet src/Fovea.Cli/bin/Release/net10.0/Fovea.Cli.dll"]
Build the tool first: dotnet build -c Release src/Fovea.Cli
"""
import argparse, os, shlex, subprocess, sys, tempfile, time

import numpy as np
import torch
from torchvision.models import segmentation

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_cli import save_file  # noqa: E402

NAMES = ["deeplabv3_resnet50", "fcn_resnet50", "deeplabv3_mobilenet_v3_large", "lraspp_mobilenet_v3_large"]
SIZE = 65
TOLERANCE = 2e-5   # relative to max |out|, as for the zoo's classifiers


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fovea", default="dotnet src/Fovea.Cli/bin/Release/net10.0/Fovea.Cli.dll")
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    fovea = shlex.split(args.fovea)
    listed = subprocess.run(fovea + ["zoo"], check=True, capture_output=True, text=True).stdout.split()
    names = args.names or NAMES
    torch.set_num_threads(1)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            if name not in listed:
                failures += 1
                print(f"{name:30s} FAILED: fovea zoo does not list it")
                continue
            torch.manual_seed(0)
            aux = {} if name.startswith("lraspp") else {"aux_loss": True}
            model = getattr(segmentation, name)(weights=None, weights_backbone=None, **aux)
            for m in model.modules():
                if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                    m.running_mean.uniform_(-0.2, 0.2)
                    m.running_var.uniform_(0.5, 1.5)
                    m.weight.data.uniform_(0.5, 1.5)
                    m.bias.data.uniform_(-0.1, 0.1)
            model.eval()
            x = torch.rand((2, 3, SIZE, SIZE)) * 2 - 1
            with torch.no_grad():
                y = model(x)["out"]
            weights, xin, yout = (os.path.join(tmp, f) for f in ("w.safetensors", "x.npy", "y.npy"))
            save_file(model.state_dict(), weights)
            np.save(xin, x.numpy())
            t0 = time.time()
            r = subprocess.run(fovea + ["run", "--model", f"zoo:{name}", "--weights", weights, "--input", xin,
                                        "--output", yout], capture_output=True, text=True)
            if r.returncode != 0:
                failures += 1
                print(f"{name:30s} FAILED: {(r.stderr or r.stdout).strip()}")
                continue
            got = np.load(yout)
            err = float(np.abs(got - y.numpy()).max() / np.abs(y.numpy()).max()) if got.shape == y.shape else np.inf
            ok = err < TOLERANCE
            failures += not ok
            print(f"{name:30s} {'ok' if ok else 'MISMATCH'}  out {list(got.shape)}  max|diff|/max|out| {err:.2e}  "
                  f"({time.time() - t0:.1f} s)", flush=True)
    print(f"{len(names) - failures} of {len(names)} segmentation models match torchvision through fovea run")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
