#!/usr/bin/env python3
"""The tables of docs/tiles.md from a scripts/tiles_study.sh folder: per model, rule, tile size and
wire resistance, the final test accuracy and the gradient cosines (to the ideal copy's gradient and
to the wired chip's own) as mean +- standard deviation over the seeds; then the partial-sum table."""
import csv
import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path

out = Path(sys.argv[1] if len(sys.argv) > 1 else "tiles-study")
rows = defaultdict(list)
name = re.compile(r"(\w+)-(\w+)-s(\d+)-t(\w+)-r([\d.]+)-(analog|digital)(\d+)$")
cosine = re.compile(r"(wired )?all layers: cosine (-?[\d.]+)")
for d in sorted((out / "runs").iterdir()):
    m = name.match(d.name)
    if not d.is_dir() or not m or not (d / "gradient.txt").exists():
        continue
    model, rule, seed, tile, ohms, sums, bits = m.groups()
    with open(d / "metrics.csv") as f:
        last = list(csv.DictReader(f))[-1]
    ideal = wired = None
    for line in (d / "gradient.txt").read_text().splitlines():
        c = cosine.search(line)
        if c:
            if c.group(1):
                wired = float(c.group(2))
            else:
                ideal = float(c.group(2))
    rows[(model, rule, tile, float(ohms), sums, int(bits))].append(
        (float(last["test_accuracy"]), ideal, wired, float(last["train_energy_J"]), float(last["train_energy_adc_J"])))


def stat(values, scale=1.0, digits=1):
    v = [x * scale for x in values if x is not None]
    if not v:
        return "—"
    if len(v) == 1:
        return f"{v[0]:.{digits}f}"
    return f"{statistics.mean(v):.{digits}f} ± {statistics.stdev(v):.{digits}f}"


print("| model | rule | tiles | wire (Ω/cell) | test accuracy (%) | cosine to ideal-copy gradient | cosine to wired chip's gradient | seeds |")
print("|---|---|---|---|---|---|---|---|")
# (tiles with ideal wires and analog sums are the untiled chip bit for bit: that point is the partial-sum table's baseline)
for key in sorted(k for k in rows if k[4] == "analog" and k[5] == 8 and (k[2] == "none" or k[3] > 0)):
    model, rule, tile, ohms, _, _ = key
    r = rows[key]
    print(f"| {model} | {rule} | {'none' if tile == 'none' else tile + 'x' + tile} | {ohms:g} | {stat([x[0] for x in r], 100)} | "
          f"{stat([x[1] for x in r], 1, 3)} | {stat([x[2] for x in r], 1, 3)} | {len(r)} |")
print()
print("| partial sums | test accuracy (%) | training energy per sample (µJ) | of which partial-sum ADCs (µJ) | seeds |")
print("|---|---|---|---|---|")
for key in sorted((k for k in rows if k[0] == "default" and k[1] == "ep" and k[2] == "64" and k[3] == 0), key=lambda k: (k[4], k[5])):
    r = rows[key]
    label = "analog" if key[4] == "analog" else f"digital, {key[5]} bits"
    print(f"| {label} | {stat([x[0] for x in r], 100)} | {stat([x[3] for x in r], 1e6, 3)} | {stat([x[4] for x in r], 1e6, 4)} | {len(r)} |")
