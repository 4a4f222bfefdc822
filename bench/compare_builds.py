#!/usr/bin/python3
"""New/old speed ratios from a side_by_side.sh run with BASELINE set (lines of "engine":"Fovea" and
"engine":"Fovea-baseline" in the same files).

Usage: bench/compare_builds.py DIR        (DIR: the run's bench/results/<date-time> folder)

For each benchmark and configuration (bench name with n, batch, epoch), the best and the median over every trial of
every round, per build, and speed(new)/speed(old) from the best and from the median: above 1 means the new build is
faster (for times in ms or s, speed is 1/time)."""
import json
import pathlib
import statistics
import sys

LOWER_IS_BETTER = {"ms", "s/epoch", "s"}


def main():
    folder = pathlib.Path(sys.argv[1])
    groups = {}
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            if r.get("engine") not in ("Fovea", "Fovea-baseline"):
                continue
            key = (r["bench"],) + tuple(f"{k}={r[k]}" for k in ("n", "batch", "epoch") if k in r)
            g = groups.setdefault(key, {"unit": r.get("unit", ""), "Fovea": [], "Fovea-baseline": []})
            g[r["engine"]].extend(r.get("trials") or [r["best"]])
    print(f"{'benchmark':46} {'unit':8} {'new best':>10} {'old best':>10} {'ratio':>6} "
          f"{'new med':>10} {'old med':>10} {'ratio':>6}")
    for key, g in groups.items():
        new, old = g["Fovea"], g["Fovea-baseline"]
        if not new or not old:
            continue
        lower = g["unit"] in LOWER_IS_BETTER
        best = min if lower else max
        nb, ob, nm, om = best(new), best(old), statistics.median(new), statistics.median(old)
        rb = ob / nb if lower else nb / ob
        rm = om / nm if lower else nm / om
        print(f"{' '.join(key):46} {g['unit']:8} {nb:10.3f} {ob:10.3f} {rb:6.3f} {nm:10.3f} {om:10.3f} {rm:6.3f}")


if __name__ == "__main__":
    main()
