#!/usr/bin/env bash
# The noise law of Peters & Talatchian 2025 (arXiv 2503.22810) in epsim (docs/atlas.md): EP trains
# up to a critical noise level, and averaging N noisy samples of each equilibrium raises it by sqrt(N).
# EP (symmetric nudging, the atlas's protocol), each experiment a sweep over the noise (0 first), over
# N = --read-averages and over seeds:
#   adc            measurement noise at the ADC (periphery.adcNoise): the paper's placement, noise on the
#                  sampled post-activations while the dynamics stay deterministic; the ADC clips to the rails
#   adc-wide       the same with an ADC range of [-10, 11] V, so that the noise is never clipped
#   adc-wide-beta  the same at beta 0.1: how the critical level scales with the nudging
#   thermal        thermal noise in the dynamics (neuron.thermalNoise), where consecutive reads are correlated
# Then each experiment's critical level per N and its ratio to N = 1's, in OUT/noise-law.md.
#
#   scripts/noise_law.sh [--quick] OUT
# EPSIM_JAR=PATH runs that jar instead of ./epsim. A finished point is skipped when the script runs again.
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
# shellcheck source=scripts/epsim_runner.sh
. "$here/scripts/epsim_runner.sh"
if [[ $quick == 1 ]]; then
  protocol=(--net 784-20-10 --train-limit 200 --test-limit 200 --epochs 1)
  seeds=1,2
  experiments=("adc|periphery.adcNoise|0,1|1,4|" "thermal|neuron.thermalNoise|0,1|1,4|")
else
  protocol=(--net 784-100-10 --train-limit 4000 --test-limit 2000 --epochs 3)
  seeds=1,2,3
  experiments=(
    "adc|periphery.adcNoise|0,0.03,0.1,0.2,0.3,0.5,1|1,4,16|"
    "adc-wide|periphery.adcNoise|0,0.1,0.3,0.5,1,2,4|1,4,16|--set periphery.adcMin=-10 --set periphery.adcMax=11"
    "adc-wide-beta|periphery.adcNoise|0,0.01,0.03,0.1,0.2,0.5|1,4|--set periphery.adcMin=-10 --set periphery.adcMax=11 --beta 0.1"
    "thermal|neuron.thermalNoise|0,0.1,0.3,1,3|1,4,16|"
  )
fi
start=$(date +%s)
mkdir -p "$out"
for e in "${experiments[@]}"; do
  IFS='|' read -r name key levels averages extra <<< "$e"
  # shellcheck disable=SC2086
  epsim sweep --model ideal --rule ep --batch 20 "${protocol[@]}" $extra --kind train --no-progress \
      --vary "rule.readAverages=$averages" --vary "$key=$levels" --vary "seed=$seeds" --out "$out/$name" > "$out/$name.log" 2>&1 \
      || { cat "$out/$name.log" >&2; exit 1; }
done
python3 "$here/scripts/noise_law.py" "$out" > "$out/noise-law.md"
cat "$out/noise-law.md"
echo "noise law: $(( $(date +%s) - start )) s" >&2
