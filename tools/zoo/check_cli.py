#!/usr/bin/python3
"""End-to-end check of `fovea run --model zoo:<name>` for every name `fovea zoo` lists, against torchvision itself.

For each name: torchvision builds the model with default arguments (seed 0), its BatchNorm statistics are set to
values that are not the defaults, the state dict is written as safetensors exactly as
`safetensors.torch.save_file(model.state_dict(), path)` writes it (F32, and I64 for integer buffers such as
num_batches_tracked), a random input goes to x.npy; then the `fovea` tool runs the model from those two files and
its y.npy is compared with torchvision's eval-mode output. Prints one line per model and a summary.

Usage: /usr/bin/python3 tools/zoo/check_cli.py [--fovea "dotnet src/Fovea.Cli/bin/Release/net10.0/Fovea.Cli.dll"] [names]
Needs Debian's python3-torch and python3-torchvision (0.14); build the tool first:
dotnet build -c Release src/Fovea.Cli
"""
import argparse, json, os, shlex, struct, subprocess, sys, tempfile, time

import numpy as np
import torch
import torchvision

VIDEO = {"r3d_18", "mc3_18", "r2plus1d_18"}
SIZE = {"inception_v3": 299, "maxvit_t": 224, "alexnet": 63}


def save_file(tensors, path):
    """The safetensors layout: u64 header length, JSON header, raw little-endian data."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        a = t.detach().cpu().contiguous().numpy()
        dtype = {np.dtype("float32"): "F32", np.dtype("int64"): "I64"}[a.dtype]
        data = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fovea", default="dotnet src/Fovea.Cli/bin/Release/net10.0/Fovea.Cli.dll")
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    fovea = shlex.split(args.fovea)
    names = args.names or subprocess.run(fovea + ["zoo"], check=True, capture_output=True, text=True).stdout.split()
    # The segmentation models have their own check (tools/zoo/check_segmentation_cli.py: their output is a dict).
    names = [n for n in names if not hasattr(torchvision.models.segmentation, n)]
    torch.set_num_threads(1)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            torch.manual_seed(0)
            module = torchvision.models.video if name in VIDEO else torchvision.models
            model = getattr(module, name)()
            for m in model.modules():
                if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                    m.running_mean.uniform_(-0.2, 0.2)
                    m.running_var.uniform_(0.5, 1.5)
                    m.weight.data.uniform_(0.5, 1.5)
                    m.bias.data.uniform_(-0.1, 0.1)
            model.eval()
            s = SIZE.get(name, 64)
            x = torch.rand((1, 3, 4, 32, 32) if name in VIDEO else (1, 3, s, s)) * 2 - 1
            with torch.no_grad():
                y = model(x)
            weights, xin, yout = (os.path.join(tmp, f) for f in ("w.safetensors", "x.npy", "y.npy"))
            save_file(model.state_dict(), weights)
            np.save(xin, x.numpy())
            t0 = time.time()
            r = subprocess.run(fovea + ["run", "--model", f"zoo:{name}", "--weights", weights, "--input", xin,
                                        "--output", yout], capture_output=True, text=True)
            if r.returncode != 0:
                failures += 1
                print(f"{name:22s} FAILED: {(r.stderr or r.stdout).strip()}")
                continue
            got = np.load(yout)
            err = float(np.abs(got - y.numpy()).max() / np.abs(y.numpy()).max())
            ok = got.shape == tuple(y.shape) and err < 2e-5
            failures += not ok
            print(f"{name:22s} {'ok' if ok else 'MISMATCH'}  output {list(got.shape)}  max|diff|/max|y| {err:.2e}  "
                  f"({time.time() - t0:.1f} s)", flush=True)
    print(f"{len(names) - failures} of {len(names)} names match torchvision through fovea run")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
