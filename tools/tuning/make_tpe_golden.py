#!/usr/bin/python3
"""What Optuna's TPESampler proposes after a fixed history: tests/golden/tuning_tpe_proposals.json.

A history of 30 Branin trials at seeded uniform points (x1 in [-5, 10], x2 in [0, 15], plus an integer k in [0, 20]
step 4 and a log-float lr in [1e-4, 1e-1] and a choice c that the objective also reads) is added to a study; then
2,000 samplers with seeds 0..1999 each propose one trial. The file holds the history and the 2,000 proposals: a
test draws 2,000 proposals from Fovea's TPE on the same history and compares the distributions (Kolmogorov-Smirnov).
Run: /usr/bin/python3 tools/tuning/make_tpe_golden.py
"""
import json
import math
import os

import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DIST = {"x1": FloatDistribution(-5, 10), "x2": FloatDistribution(0, 15), "k": IntDistribution(0, 20, step=4),
        "lr": FloatDistribution(1e-4, 1e-1, log=True), "c": CategoricalDistribution(["a", "b", "c"])}


def objective(p):
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    x1, x2 = p["x1"], p["x2"]
    branin = (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10
    return branin + abs(p["k"] - 8) + abs(math.log10(p["lr"]) + 3) + (0 if p["c"] == "b" else 2)


def main():
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    rng = np.random.RandomState(0)
    history = []
    for _ in range(30):
        p = {"x1": float(rng.uniform(-5, 10)), "x2": float(rng.uniform(0, 15)), "k": int(rng.randint(0, 6) * 4),
             "lr": float(10 ** rng.uniform(-4, -1)), "c": ["a", "b", "c"][rng.randint(0, 3)]}
        history.append({"params": p, "value": objective(p)})
    proposals = []
    for seed in range(2000):
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
        for h in history:
            study.add_trial(optuna.trial.create_trial(params=h["params"], distributions=DIST, value=h["value"]))
        trial = study.ask(DIST)
        proposals.append(trial.params)
    out = {"optuna_version": optuna.__version__, "history": history, "proposals": proposals}
    path = os.path.join(ROOT, "tests", "golden", "tuning_tpe_proposals.json")
    with open(path, "w") as f:
        json.dump(out, f)
        f.write("\n")
    for name in ["x1", "x2", "k", "lr"]:
        v = np.array([p[name] for p in proposals], dtype=float)
        print(name, "quartiles", np.percentile(v, [25, 50, 75]))
    print("c", {c: sum(p["c"] == c for p in proposals) for c in "abc"})


if __name__ == "__main__":
    main()
