#!/usr/bin/env bash
# The noise law of Peters & Talatchian 2025 (arXiv 2503.22810) in epsim (docs/atlas.md): EP trains
# up to a critical noise level, and averaging N noisy samples of each equilibrium raises it by sqrt(N).
# Three sweeps of EP (symmetric nudging, the atlas's protocol), each over N = --read-averages 1, 4, 16
# and seeds 1-3: no noise (the reference), measurement noise at the ADC (periphery.adcNoise: their
# placement, noise on the sampled post-activations with deterministic dynamics), and thermal noise in
# the dynamics (neuron.thermalNoise: ours, where consecutive samples are correlated). Then the
# critical levels per N and their ratios, in OUT/noise-law.md.
#
#   scripts/noise_law.sh [--quick] OUT
# EPSIM_JAR=PATH runs that jar instead of ./epsim.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quick=0 out=""
for a in "$@"; do
  case "$a" in
    --quick) quick=1 ;;
    -*) echo "noise_law.sh: unknown option $a" >&2; exit 2 ;;
    *) out="$a" ;;
  esac
done
[[ -n "$out" ]] || { echo "usage: scripts/noise_law.sh [--quick] OUT" >&2; exit 2; }
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
epsim() {
  if [[ -n "${EPSIM_JAR:-}" ]]; then java -jar "$EPSIM_JAR" "$@"; else "$here/epsim" "$@"; fi
}
if [[ $quick == 1 ]]; then
  protocol=(--net 784-20-10 --train-limit 200 --test-limit 200 --epochs 1)
  averages=1,4 seeds=1,2 adc=0.01,1 thermal=0.01,0.1
else
  protocol=(--net 784-100-10 --train-limit 4000 --test-limit 2000 --epochs 3)
  averages=1,4,16 seeds=1,2,3 adc=1e-3,3e-3,1e-2,3e-2,0.1,0.3,1 thermal=1e-3,3e-3,1e-2,3e-2,0.1
fi
common=(--model ideal --rule ep --batch 20 "${protocol[@]}" --kind train --no-progress --vary "rule.readAverages=$averages" --vary "seed=$seeds")
start=$(date +%s)
mkdir -p "$out"
epsim sweep "${common[@]}" --out "$out/reference" > "$out/reference.log" 2>&1
epsim sweep "${common[@]}" --vary "periphery.adcNoise=$adc" --out "$out/adc-noise" > "$out/adc-noise.log" 2>&1
epsim sweep "${common[@]}" --vary "neuron.thermalNoise=$thermal" --out "$out/thermal-noise" > "$out/thermal-noise.log" 2>&1
python3 "$here/scripts/noise_law.py" "$out" > "$out/noise-law.md"
cat "$out/noise-law.md"
echo "noise law: $(( $(date +%s) - start )) s" >&2
