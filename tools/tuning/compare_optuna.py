#!/usr/bin/python3
"""Optuna's side of the TPE comparison (Debian python3-optuna 3.1): TPESampler and RandomSampler on Branin and
Hartmann-6, 20 seeds x 100 evaluations each, default sampler settings (n_startup_trials=10, n_ei_candidates=24).

Prints, per function and sampler, the median over seeds of the best value found after 10, 20, 30, 50, 75 and 100
evaluations, and writes the whole median best-so-far curves (and each seed's best at those budgets) to
tests/golden/tuning_optuna.json, which
tests/Fovea.Tuning.Tests/OptunaComparisonTests.cs reads: Fovea's TPE must reach Optuna's median best value in no
more evaluations. Deterministic (seeded samplers): a rerun writes identical bytes.
Run: /usr/bin/python3 tools/tuning/compare_optuna.py   (about a minute, one core)
"""
import json
import math
import os

import numpy as np
import optuna

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEEDS = 20
BUDGET = 100
REPORT = [10, 20, 30, 50, 75, 100]

A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
     [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]
ALPHA = [1.0, 1.2, 3.0, 3.2]


def branin(trial):
    x1 = trial.suggest_float("x1", -5, 10)
    x2 = trial.suggest_float("x2", 0, 15)
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


def hartmann6(trial):
    x = [trial.suggest_float(f"x{i}", 0, 1) for i in range(6)]
    total = 0.0
    for i in range(4):
        inner = sum(A[i][j] * (x[j] - P[i][j] * 1e-4) ** 2 for j in range(6))
        total += ALPHA[i] * math.exp(-inner)
    return -total


def curves(objective, make_sampler):
    result = []
    for seed in range(SEEDS):
        study = optuna.create_study(sampler=make_sampler(seed))
        study.optimize(objective, n_trials=BUDGET)
        values = [t.value for t in study.trials]
        result.append(np.minimum.accumulate(values).tolist())
    return result


def main():
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    out = {"optuna_version": optuna.__version__, "seeds": SEEDS, "budget": BUDGET, "functions": {}}
    for name, objective in [("branin", branin), ("hartmann6", hartmann6)]:
        entry = {}
        for sampler, make in [("tpe", lambda s: optuna.samplers.TPESampler(seed=s)),
                              ("random", lambda s: optuna.samplers.RandomSampler(seed=s))]:
            c = np.array(curves(objective, make))
            median = np.median(c, axis=0)
            entry[sampler] = {"median_best": [float(v) for v in median],
                              "best_at": {str(b): [float(v) for v in c[:, b - 1]] for b in REPORT}}
            print(f"{name:10s} optuna {sampler:6s} median best after " +
                  ", ".join(f"{b}: {median[b - 1]:.4f}" for b in REPORT))
        out["functions"][name] = entry
    path = os.path.join(ROOT, "tests", "golden", "tuning_optuna.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
