#!/usr/bin/env bash
# Side by side, in one run on this machine: epsim's JMH benchmarks, a PyTorch EP implementation of
# the same network and settings (bench/ep_torch.py, float64, 2 threads) and numpy's matrix
# multiply on the same shapes (bench/matmul_peak.py). Prints the ratios; docs/performance.md
# records a run. Usage: bench/compare.sh   (from the repository root)
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
out=$(mktemp -d)
mvn -B -q -Pbench package -DskipTests
java -jar target/benchmarks.jar "KernelBenchmark|ChipBenchmark.trainingStep" -p batch=20 -rf json -rff "$out/jmh.json" > "$out/jmh.log"
$PY bench/ep_torch.py --batch 20 --free 20 --nudge 4 --threads 2 --seconds 10 > "$out/torch.json"
$PY bench/matmul_peak.py > "$out/numpy.json"
$PY - "$out" <<'PY'
import json, sys, platform
out = sys.argv[1]
jmh = json.load(open(out + "/jmh.json"))
torch = json.loads(open(out + "/torch.json").read())
numpy = {json.loads(l)["shape"]: json.loads(l)["numpy_gflops"] for l in open(out + "/numpy.json")}
train = {r["params"]["model"]: r["primaryMetric"]["score"] * 20 for r in jmh if r["benchmark"].endswith("trainingStep")}
print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}, torch {torch['torch']}")
print(f"EP training step, 784-500-10, batch 20, T1 20, T2 4, float64:")
print(f"  epsim ideal    {train['ideal']:8.0f} samples/s")
print(f"  epsim default  {train['default']:8.0f} samples/s   (non-idealities cost {train['ideal'] / train['default']:.2f}x)")
print(f"  PyTorch        {torch['samples_per_second']:8.0f} samples/s   (epsim ideal / PyTorch = {train['ideal'] / torch['samples_per_second']:.2f}x)")
print("crossbar kernels, GFLOP/s (epsim / numpy):")
for r in jmh:
    if not r["benchmark"].endswith("product"):
        continue
    s = r["params"]["shape"]
    rows, inner, cols = map(int, s.replace("hebbian-", "").split("x"))
    g = r["primaryMetric"]["score"] * 2 * rows * inner * cols / 1e9
    print(f"  {s:22s} epsim {g:6.2f}  numpy {numpy[s]:6.2f}  ratio {g / numpy[s]:.2f}")
PY
