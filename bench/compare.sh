#!/usr/bin/env bash
# Side by side, in one run on this machine: epsim's JMH benchmarks, a PyTorch EP implementation of
# the same network and settings (bench/ep_torch.py, float64, 2 threads), the numpy float32 EP step
# (bench/ep_numpy.py, 1 and 2 BLAS threads, the faster counts) and numpy's matrix
# multiply on the same shapes (bench/matmul_peak.py, the practical peak). Prints the ratios and
# writes the scaling plot to bench-out/scaling.png; docs/performance.md records a run.
# Usage: bench/compare.sh   (from the repository root; ~8 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
need=()
$PY -c "import torch" >/dev/null 2>&1 || need+=(python3-torch)
$PY -c "import numpy" >/dev/null 2>&1 || need+=(python3-numpy)
[ -e /usr/lib/x86_64-linux-gnu/libopenblas.so.0 ] || need+=(libopenblas0)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${need[@]}"
fi
out=bench-out
mkdir -p "$out"
mvn -B -q -Pbench package -DskipTests
jmh() { java -jar target/benchmarks.jar "$@" -rf json >> "$out/jmh.log"; }
rm -f "$out/jmh.log"
jmh KernelBenchmark -rff "$out/kernels.json"
jmh ChipBenchmark.trainingStep -p batch=20 -p phase=free -rff "$out/training.json"
jmh ChipBenchmark.relaxationStep -p model=ideal -rff "$out/relaxation.json"
jmh ScalingBenchmark -rff "$out/scaling.json"
java -cp target/benchmarks.jar epsim.bench.ScalingPlot "$out/scaling.json" "$out/scaling.png" > "$out/scaling.txt"
$PY bench/ep_torch.py --batch 20 --free 20 --nudge 4 --threads 2 --seconds 10 > "$out/torch.json"
$PY bench/matmul_peak.py > "$out/numpy.json"
for t in 1 2; do $PY bench/ep_numpy.py --batch 20 --free 20 --nudge 4 --threads $t --dtype float32 --seconds 10; done > "$out/ep_numpy.json"
rm -rf "$out/epoch" && ./epsim train --epochs 1 --out "$out/epoch" > "$out/epoch.log" 2>&1
$PY - "$out" <<'PY'
import json, sys, platform, csv
out = sys.argv[1]
load = lambda f: json.load(open(f"{out}/{f}"))
torch = json.loads(open(f"{out}/torch.json").read())
numpy = {json.loads(l)["shape"]: json.loads(l)["numpy_gflops"] for l in open(f"{out}/numpy.json")}
train = {r["params"]["model"]: r["primaryMetric"]["score"] * 20 for r in load("training.json")}
print(f"machine: {platform.machine()}, 2 threads for numpy/PyTorch/OpenBLAS, python {platform.python_version()}, torch {torch['torch']}")
print("EP training step, 784-500-10, batch 20, T1 20, T2 4, beta 1 symmetric, float64 (synthetic batch):")
print(f"  epsim ideal    {train['ideal']:8.0f} samples/s")
print(f"  epsim default  {train['default']:8.0f} samples/s   default / ideal time = {train['ideal'] / train['default']:.2f}x   (issue 30: <= 1.5x)")
print(f"  PyTorch        {torch['samples_per_second']:8.0f} samples/s   epsim ideal / PyTorch = {train['ideal'] / torch['samples_per_second']:.2f}x   (target >= 1.5x)")
peer = max((json.loads(l) for l in open(f"{out}/ep_numpy.json")), key=lambda r: r["samples_per_second"])
print(f"  numpy float32  {peer['samples_per_second']:8.0f} samples/s   ({peer['threads']} BLAS thread(s), the faster of 1 and 2)   epsim ideal / numpy = {train['ideal'] / peer['samples_per_second']:.2f}x   (issue 30: >= 3x)")
print("crossbar kernels, GFLOP/s (epsim / numpy; target >= 0.5 at batch >= 20):")
for r in load("kernels.json"):
    s, be = r["params"]["shape"], r["params"]["backend"]
    rows, inner, cols = map(int, s.replace("hebbian-", "").split("x"))
    g = r["primaryMetric"]["score"] * 2 * rows * inner * cols / 1e9
    print(f"  {s:22s} {be:6s} epsim {g:6.2f}  numpy {numpy[s]:6.2f}  ratio {g / numpy[s]:.2f}")
print("relaxation step, 784-500-10, ideal (the 500x10 crossbar both ways), fraction of numpy's time for the same two products:")
for r in load("relaxation.json"):
    b, ph = int(r["params"]["batch"]), r["params"]["phase"]
    steps = r["primaryMetric"]["score"]
    synops = steps * b * 2 * 500 * 10
    flops = 2 * b * 500 * 10
    numpy_step = flops / (numpy[f"{b}x500x10"] * 1e9) + flops / (numpy[f"{b}x10x500"] * 1e9)
    print(f"  batch {b:3d} {ph:6s} {synops / 1e9:6.2f} G synapse-ops/s   fraction of peak {numpy_step * steps:.2f}")
print("scaling (ideal, batch 20):")
print(open(f"{out}/scaling.txt").read().rstrip())
rows = list(csv.DictReader(open(f"{out}/epoch/metrics.csv")))
print(f"one epoch of the bundled MNIST subset at the README defaults (./epsim train): {float(rows[0]['seconds']):.1f} s (target < 30 s)")
PY
