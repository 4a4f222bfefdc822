#!/usr/bin/python3
"""Gaussian-process golden for Fovea.Tuning: scikit-learn's GaussianProcessRegressor (Matern nu=2.5).

Writes tests/golden/tuning_gp_sklearn.json (doubles as JSON: float32 safetensors would lose the digits the
comparison needs). Two cases on the same 2-D data:
  fixed:  amplitude * Matern(length_scale=[0.3, 0.5], nu=2.5) with alpha=noise (no optimisation): posterior mean
          and variance of the latent function at the test points.
  fitted: ConstantKernel * Matern(ARD) + WhiteKernel fitted by marginal likelihood (L-BFGS-B, 5 restarts): fitted
          amplitude, length scales, noise, log marginal likelihood, and the predictive mean and variance
          (sklearn's std includes the white noise).
Seeded and single-threaded: a rerun writes identical bytes.
Run: /usr/bin/python3 tools/tuning/make_gp_golden.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    rng = np.random.RandomState(0)
    x = rng.uniform(0, 1, size=(25, 2))
    y = np.sin(6 * x[:, 0]) + np.cos(4 * x[:, 1]) + 0.05 * rng.randn(25)
    xs = rng.uniform(0, 1, size=(12, 2))

    amplitude, scales, noise = 1.3, [0.3, 0.5], 0.01
    fixed = GaussianProcessRegressor(ConstantKernel(amplitude, "fixed") * Matern(scales, "fixed", nu=2.5),
                                     alpha=noise, optimizer=None, normalize_y=False)
    fixed.fit(x, y)
    mean, std = fixed.predict(xs, return_std=True)

    kernel = (ConstantKernel(1.0, (1e-3, 1e3)) * Matern([1.0, 1.0], (1e-2, 1e2), nu=2.5)
              + WhiteKernel(1e-2, (1e-6, 1.0)))
    fitted = GaussianProcessRegressor(kernel, alpha=1e-10, n_restarts_optimizer=5, normalize_y=False,
                                      random_state=0)
    fitted.fit(x, y)
    k = fitted.kernel_
    fmean, fstd = fitted.predict(xs, return_std=True)
    out = {
        "sklearn_version": sklearn.__version__,
        "x": x.tolist(), "y": y.tolist(), "x_test": xs.tolist(),
        "fixed": {"amplitude": amplitude, "length_scales": scales, "noise": noise,
                  "mean": mean.tolist(), "variance": (std ** 2).tolist(),
                  "log_marginal_likelihood": float(fixed.log_marginal_likelihood_value_)},
        "fitted": {"amplitude": float(k.k1.k1.constant_value),
                   "length_scales": np.atleast_1d(k.k1.k2.length_scale).tolist(),
                   "noise": float(k.k2.noise_level),
                   "log_marginal_likelihood": float(fitted.log_marginal_likelihood_value_),
                   "mean": fmean.tolist(), "variance": (fstd ** 2).tolist(),
                   "bounds": {"amplitude": [1e-3, 1e3], "length_scale": [1e-2, 1e2], "noise": [1e-6, 1.0]}},
    }
    path = os.path.join(ROOT, "tests", "golden", "tuning_gp_sklearn.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(path, out["fitted"]["amplitude"], out["fitted"]["length_scales"], out["fitted"]["noise"],
          out["fitted"]["log_marginal_likelihood"])


if __name__ == "__main__":
    main()
