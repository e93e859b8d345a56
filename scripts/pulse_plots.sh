#!/usr/bin/env bash
# docs/hardware-models.md's pulse-response plots: every preset with pulsed devices, 50 devices,
# two up-then-down ramp cycles of twice its levels, seed 1.
#   scripts/pulse_plots.sh        # about a minute
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for preset in capacitor default ecram pcm rram; do
  ./epsim devices pulse "$preset" --devices 50 --out "$tmp/$preset" | sed -n 1,3p
  cp "$tmp/$preset/ramps.png" "docs/img/pulse-$preset-ramps.png"
  cp "$tmp/$preset/steps.png" "docs/img/pulse-$preset-steps.png"
done
