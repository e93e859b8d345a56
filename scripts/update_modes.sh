#!/bin/sh
# EP on default, rram and ecram: host mode beside the array's own outer-product update at bit
# lengths 1, 7, 31 with update management on and off (docs/results.md section 8).
# Usage: scripts/update_modes.sh [EPOCHS] [OUTDIR]      (default: 5 epochs, runs/update-modes; ~10 min on 2 cores)
set -eu
epochs=${1:-5}; out=${2:-runs/update-modes}
models=""; modes=""; lengths=""; management=""
for m in default rram ecram; do
  for c in "host 31 true" "outerProduct 1 true" "outerProduct 7 true" "outerProduct 31 true" \
           "outerProduct 1 false" "outerProduct 7 false" "outerProduct 31 false"; do
    set -- $c
    models="$models,$m"; modes="$modes,$1"; lengths="$lengths,$2"; management="$management,$3"
  done
done
"$(dirname "$0")/../epsim" sweep --list --vary "model=${models#,}" --vary "update.mode=${modes#,}" \
    --vary "update.bitLength=${lengths#,}" --vary "update.management=${management#,}" \
    --set update.blManagement=false --kind train --epochs "$epochs" --threads 2 --out "$out"
