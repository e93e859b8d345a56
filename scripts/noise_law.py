#!/usr/bin/env python3
"""Critical noise levels per read-average count N from scripts/noise_law.sh's sweeps (docs/atlas.md).

For each noise kind and N:
- tolerated: the largest noise on the grid up to which every level keeps the mean test accuracy
  within 2 points of the noise-free accuracy at the same N (the atlas's tolerance);
- critical: the noise at which the mean accuracy falls halfway from the noise-free accuracy to
  chance (10%), interpolated linearly in log(noise) between the two grid levels that bracket it;
  the learning/no-learning transition the paper calls the critical limit;
- the ratio of each N's critical level to N = 1's, beside sqrt(N), the law's prediction.
Usage: scripts/noise_law.py OUT
"""
import csv
import math
import sys

CHANCE = 0.10
TOLERANCE = 0.02


def summary(path, noise_key):
    rows = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            n = int(r["rule.readAverages"])
            level = float(r[noise_key]) if noise_key else 0.0
            rows.setdefault(n, []).append((level, float(r["test_accuracy_mean"]), float(r["test_accuracy_sd"])))
    for n in rows:
        rows[n].sort()
    return rows


def critical(points, ref):
    half = (ref + CHANCE) / 2
    prev = None
    for level, acc, _ in points:
        if acc <= half:
            if prev is None:
                return None, "< %g" % level
            (l0, a0) = prev
            t = (a0 - half) / (a0 - acc)
            value = math.exp(math.log(l0) + t * (math.log(level) - math.log(l0)))
            return value, "%.3g" % value
        prev = (level, acc)
    return None, "> %g" % points[-1][0]


def tolerated(points, ref):
    last = None
    for level, acc, _ in points:
        if acc < ref - TOLERANCE:
            break
        last = level
    return "none" if last is None else "%g" % last


def main(out):
    ref = {n: v[0][1] for n, v in summary(f"{out}/reference/sweep-summary.csv", None).items()}
    print("| noise | N | noise-free accuracy | accuracy at each level (mean ± sd, %) | tolerated (2 points) | critical (half-way to chance) | ratio to N = 1 | sqrt(N) |")
    print("|---|---|---|---|---|---|---|---|")
    for kind, folder, key in (("ADC (measurement)", "adc-noise", "periphery.adcNoise"),
                              ("thermal (dynamics)", "thermal-noise", "neuron.thermalNoise")):
        rows = summary(f"{out}/{folder}/sweep-summary.csv", key)
        base = None
        for n in sorted(rows):
            value, text = critical(rows[n], ref[n])
            if n == min(rows):
                base = value
            ratio = "—" if value is None or base is None else "%.2f" % (value / base)
            levels = ", ".join("%g: %.1f ± %.1f" % (l, 100 * a, 100 * s) for l, a, s in rows[n])
            print(f"| {kind} | {n} | {100 * ref[n]:.1f}% | {levels} | {tolerated(rows[n], ref[n])} | {text} | {ratio} | {math.sqrt(n):.2f} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: scripts/noise_law.py OUT")
    main(sys.argv[1])
