#!/usr/bin/env python3
"""Critical noise levels per read-average count N from scripts/noise_law.sh's sweeps (docs/atlas.md).

Every folder of OUT with a sweep-summary.csv over rule.readAverages and one noise key (0 first) is an
experiment. For each experiment and N:
- tolerated: the largest noise on the grid up to which every level keeps the mean test accuracy
  within 2 points of the noise-free accuracy at the same N (the atlas's tolerance);
- critical: the noise at which the mean accuracy falls halfway from the noise-free accuracy to
  chance (10%), interpolated linearly in log(noise) between the two levels that bracket it: the
  learning/no-learning transition the paper calls the critical limit;
- the ratio of each N's critical level to N = 1's, beside sqrt(N), the law's prediction.
Usage: scripts/noise_law.py OUT
"""
import csv
import math
import os
import sys

CHANCE = 0.10
TOLERANCE = 0.02


def experiment(path):
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames or []
        if len(fields) < 3 or fields[0] != "rule.readAverages" or fields[2] != "seeds":
            sys.exit(f"noise_law.py: {path}: expected the columns rule.readAverages, NOISE_KEY, seeds, ...")
        key = fields[1]
        rows = {}
        for line, r in enumerate(reader, start=2):
            try:
                n, level = int(r["rule.readAverages"]), float(r[key])
                acc, sd = float(r["test_accuracy_mean"]), float(r["test_accuracy_sd"])
            except (TypeError, ValueError):
                sys.exit(f"noise_law.py: {path}:{line}: not a number")
            rows.setdefault(n, []).append((level, acc, sd))
    for n in rows:
        rows[n].sort()
        if rows[n][0][0] != 0:
            sys.exit(f"noise_law.py: {path}: N = {n} has no noise-free point")
    return key, rows


def critical(points, ref):
    half = (ref + CHANCE) / 2
    prev = None
    for level, acc, _ in points[1:]:
        if acc <= half:
            if prev is None:
                return None, "< %g" % level
            l0, a0 = prev
            t = (a0 - half) / (a0 - acc)
            value = math.exp(math.log(l0) + t * (math.log(level) - math.log(l0)))
            return value, "%.3g" % value
        prev = (level, acc)
    return None, "> %g" % points[-1][0]


def tolerated(points, ref):
    last = None
    for level, acc, _ in points[1:]:
        if acc < ref - TOLERANCE:
            break
        last = level
    return "none" if last is None else "%g" % last


def main(out):
    print("| experiment | noise | N | accuracy at each level (mean ± sd over seeds, %) | tolerated (2 points) "
          "| critical (half-way to chance) | ratio to N = 1 | sqrt(N) |")
    print("|---|---|---|---|---|---|---|---|")
    for name in sorted(os.listdir(out)):
        path = os.path.join(out, name, "sweep-summary.csv")
        if not os.path.isfile(path):
            continue
        key, rows = experiment(path)
        base = None
        for n in sorted(rows):
            ref = rows[n][0][1]
            value, text = critical(rows[n], ref)
            if n == min(rows):
                base = value
            ratio = "—" if value is None or base is None else "%.2f" % (value / base)
            levels = ", ".join("%g: %.1f ± %.1f" % (lv, 100 * a, 100 * s) for lv, a, s in rows[n])
            print(f"| {name} | `{key}` | {n} | {levels} | {tolerated(rows[n], ref)} | {text} | {ratio} | {math.sqrt(n):.2f} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: scripts/noise_law.py OUT")
    main(sys.argv[1])
