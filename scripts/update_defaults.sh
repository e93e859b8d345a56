#!/usr/bin/env bash
# How the update modes' defaults were chosen (docs/update.md, "Choosing the defaults" and "Tiki-Taka"):
# EP on the atlas's protocol, three seeds, each alternative against the default, paired by seed with
# `epsim compare` (compare-paired.csv in each folder).
#
#   scripts/update_defaults.sh OUT
# EPSIM_JAR=PATH runs that jar instead of ./epsim.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: scripts/update_defaults.sh OUT}"
# shellcheck source=scripts/epsim_runner.sh
. "$here/scripts/epsim_runner.sh"
protocol=(--rule ep --net 784-100-10 --train-limit 4000 --test-limit 2000 --epochs 3 --batch 20 --kind train --no-progress)

# outerProduct on `default` (128 levels): aihwkit's blManagement (on) against fixed trains of bitLength slots (off, the default)
epsim sweep --model default "${protocol[@]}" --set update.mode=outerProduct --vary update.blManagement=true,false --vary seed=1,2,3 \
    --out "$out/outer-product" > /dev/null
epsim compare "$out"/outer-product/points/000{0,1,2} "$out"/outer-product/points/000{3,4,5} --format md --out "$out/outer-product/compare"

# Tiki-Taka on a strongly asymmetric device (64 levels mapped to +-0.5, soft bounds gamma 3): as published (no reset,
# transferLr 0.1, one column per term) against the defaults (reset, transferLr 1, four columns per term)
epsim sweep --model ideal "${protocol[@]}" --set device.levels=64 --set device.gRef=20 --set device.gammaUp=3 --set device.gammaDown=3 \
    --set update.mode=tikiTaka --list --vary update.resetProbability=0,0,0,1,1,1 --vary update.transferLr=0.1,0.1,0.1,1,1,1 \
    --vary update.readsPerTransfer=1,1,1,4,4,4 --vary seed=1,2,3,1,2,3 --out "$out/tiki-taka" > /dev/null
epsim compare "$out"/tiki-taka/points/000{0,1,2} "$out"/tiki-taka/points/000{3,4,5} --format md --out "$out/tiki-taka/compare"
