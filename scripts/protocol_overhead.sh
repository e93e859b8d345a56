#!/usr/bin/env bash
# The co-simulation protocol's overhead: the same EP run in process and over exec: (epsim serve on
# stdio, the same bits), then where the exec run's time went, per op, from its run.json.
#   scripts/protocol_overhead.sh [OUT]        (default OUT: runs/protocol-overhead)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-runs/protocol-overhead}"
e="$here/epsim"
rm -rf "$out"; mkdir -p "$out"
args=(--model ideal --net 784-100-10 --epochs 3 --no-progress)
"$e" train "${args[@]}" --out "$out/in-process" > "$out/in-process.log"
"$e" train "${args[@]}" --out "$out/exec" --chip exec:"$e serve --stdio --model ideal --net 784-100-10" > "$out/exec.log" 2>&1
# the same chip without binary frames: every array as base64 f64 in the JSON line
"$e" train "${args[@]}" --out "$out/exec-base64" --chip exec:"$e serve --stdio --model ideal --net 784-100-10 --no-frames" > "$out/exec-base64.log" 2>&1
python3 - "$out" <<'PY'
import csv, json, sys
out = sys.argv[1]
def seconds(run):
    rows = list(csv.DictReader(open(f"{out}/{run}/metrics.csv")))
    return [float(r["seconds"]) for r in rows], [r["test_accuracy"] for r in rows]
a, acc_a = seconds("in-process")
b, acc_b = seconds("exec")
c, acc_c = seconds("exec-base64")
same = acc_a == acc_b == acc_c
print(f"test accuracy per epoch: in process {acc_a}, exec {acc_b}, exec without frames {acc_c} ({'the same' if same else 'DIFFERENT'})")
print(f"seconds per epoch: in process {a}, exec {b}, exec without frames {c}")
print(f"exec / in process: all epochs {sum(b) / sum(a):.2f}x, after the first (warm) {sum(b[1:]) / sum(a[1:]):.2f}x")
print(f"exec without frames / in process: all epochs {sum(c) / sum(a):.2f}x, after the first (warm) {sum(c[1:]) / sum(a[1:]):.2f}x")
p = json.load(open(f"{out}/exec/run.json"))["protocol"]
ops = {k: v for k, v in p.items() if isinstance(v, dict)}
total = sum(v["seconds"] for v in ops.values())
print(f"\n| op | calls | ms per call | share of {total:.1f} s of round trips |\n|---|---|---|---|")
for k, v in sorted(ops.items(), key=lambda kv: -kv[1]["seconds"]):
    print(f"| `{k}` | {v['calls']} | {1000 * v['seconds'] / v['calls']:.3f} | {100 * v['seconds'] / total:.1f}% |")
PY
