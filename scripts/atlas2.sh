#!/usr/bin/env bash
# The atlas, second edition (docs/atlas.md, "Second edition"): every learning rule on pulsed devices
# at realistic resolutions, a levels x asymmetry grid, under the three update modes (the host
# programs the update; the array updates itself by outer-product pulse trains; Tiki-Taka), one
# `epsim sweep` per rule over the whole grid and the seeds, then `epsim atlas --grid` writes the
# tables and the paired comparisons from the sweeps' run folders; two smaller families beside it:
# the weight range the levels span (mapping), and a drifting chip tested after it idles (drift).
#
#   scripts/atlas2.sh [--quick] [--slurm] [--docs] [--rules R1,R2,...] OUT
#   scripts/atlas2.sh --report [--docs] OUT   (after a --slurm submission has finished)
#
# --quick: 784-20-10, 200 examples, 1 epoch, 2 seeds, 16 levels, drift tested after 0 s and a day, EP only; checks the pipeline (CI runs it).
# A sweep whose points are finished is skipped point by point, so re-running continues a stopped atlas.
# EPSIM_JAR=PATH runs that jar instead of ./epsim.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
name=atlas2.sh takes_families=0
usage="usage: scripts/atlas2.sh [--quick] [--slurm] [--docs] [--rules R,...] OUT | --report [--docs] OUT"
# shellcheck source=scripts/atlas_common.sh
. "$here/scripts/atlas_common.sh"
atlas_options "$@"

rule_specs=(
  "ep-symmetric|--rule ep"
  "chl|--rule chl"
  "gaitprop|--rule gaitprop"
  "lagrangian|--rule lagrangian"
  "ghost|--rule ghost"
  "bp|--rule bp"
)
# the grid: conductance levels x soft-bound asymmetry (gammaUp = gammaDown: 0 a constant, symmetric step; 1 the
# step falling to 0 at each bound, aihwkit's SoftBounds; 3 falling to 0 a third of the way, a strongly asymmetric device)
# x who forms the update. The weight range is mapped onto the devices as a designer would: gRef 20 uS, so that a pair
# spans weights of +-0.5, twice the largest initial weight (+-0.23, the output layer's); the first edition's gRef 5 spans
# +-2 and leaves most levels unused (docs/atlas.md, finding 1).
if [[ $quick == 1 ]]; then
  [[ -n "$rules" ]] || rules=ep-symmetric
  protocol=(--net 784-20-10 --train-limit 200 --test-limit 200 --epochs 1 --batch 20)
  levels=16 asymmetry=0,1 seeds=1,2 mapping_levels=16 idle=0,86400 evaluations=2
else
  protocol=(--net 784-100-10 --train-limit 4000 --test-limit 2000 --epochs 3 --batch 20)
  levels=16,64,256 asymmetry=0,1,3 seeds=1,2,3 mapping_levels=16,64 idle=0,3600,86400,2592000 evaluations=5
fi
modes=host,outerProduct,tikiTaka

start=$(date +%s)
mkdir -p "$out"
# family | folder | --set | --vary (space-separated KEY=VALUES)
# grid: the levels x asymmetry x update-mode grid; mapping: the weight range the levels span (gRef 5 uS: +-2, the first
# edition's; 20 uS: +-0.5), host updates; drift: a PCM-like drift (nu 0.05, t0 20 s) tested after the trained chip idles
# an hour, a day and a month, five evaluations each with new noise draws, host updates
families=(
  "grid|.|device.gRef=20|device.levels=$levels device.gammaUp+device.gammaDown=$asymmetry update.mode=$modes"
  "mapping|mapping||device.levels=$mapping_levels device.gRef=5,20"
  "drift|drift|device.levels=64 device.gRef=20 device.driftNu=0.05 device.driftT0=20|evalAfter=$idle evalRepeats=$evaluations"
)
order=()
for spec in "${rule_specs[@]}"; do
  rname=${spec%%|*}
  wanted "$rname" "$rules" && order+=("$rname")
done
for fam in "${families[@]}"; do
  IFS='|' read -r fname folder sets varies <<< "$fam"
  setargs=() varyargs=()
  for x in $sets; do setargs+=(--set "$x"); done
  for x in $varies; do varyargs+=(--vary "$x"); done
  for spec in "${rule_specs[@]}"; do
    rname=${spec%%|*}; rflags=${spec#*|}
    wanted "$rname" "$rules" || continue
    dir="$out/$folder/$rname"
    # shellcheck disable=SC2086
    args=(sweep --model ideal $rflags "${protocol[@]}" "${setargs[@]}" "${varyargs[@]}" --vary "seed=$seeds" --kind train --no-progress --out "$dir")
    atlas_sweep "$dir" "$fname / $rname" "${args[@]}"
  done
done
if [[ $slurm == 1 ]]; then
  echo "atlas2: submitted; when every job has finished: scripts/atlas2.sh --report $out" >&2
  exit 0
fi
rm -f "$out/last-sweep.log"
rule_list="$(IFS=,; echo "${order[*]}")"
for fam in "${families[@]}"; do
  IFS='|' read -r fname folder _ _ <<< "$fam"
  report_args=(atlas "$out/$folder" --grid --rules "$rule_list")
  [[ $docs == 1 ]] && report_args+=(--into "$here/docs/atlas.md" --markers "atlas2-$fname")
  epsim "${report_args[@]}"
done
echo "atlas2: $(( $(date +%s) - start )) s" >&2
