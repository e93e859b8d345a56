#!/usr/bin/env bash
# The robustness atlas (docs/atlas.md): every learning rule against one non-ideality at a time,
# each family of points an `epsim sweep` per rule (trained accuracy over seeds, and the update's
# cosine to the exact gradient at initialisation with the fidelity settings), then `epsim atlas`
# draws the plots and the tolerance table from the sweeps' summaries.
#
#   scripts/atlas.sh [--quick] [--slurm] [--docs] [--families F1,F2,...] [--rules R1,R2,...] OUT
#   scripts/atlas.sh --report [--docs] OUT   (after a --slurm submission has finished: merge, then report)
#
# --quick: a tiny grid (784-20-10, 200 examples, 1 epoch, 2 seeds, the two ends of every family, and
# unless --rules says otherwise only EP and ghost units on either crossbar) that checks the whole
# pipeline in a few minutes; CI runs it.
# --slurm: every sweep is submitted as a Slurm job array (docs/sweeps.md) instead of run here.
# --docs: also put the tables into docs/atlas.md (between its atlas markers) and the plots into docs/img/atlas.
# A sweep whose points are finished is skipped point by point, so re-running continues a stopped atlas.
# EPSIM_JAR=PATH runs that jar instead of ./epsim (e.g. a copy, while the sources change).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
name=atlas.sh takes_families=1
usage="usage: scripts/atlas.sh [--quick] [--slurm] [--families F,...] [--rules R,...] OUT | --report OUT"
# shellcheck source=scripts/atlas_common.sh
. "$here/scripts/atlas_common.sh"
atlas_options "$@"

# name | rule flags (ghost-separate runs only in the families that name it; the first edition's ghost-separate
# figures were measured with each crossbar rounding its own requests, pinned here so that they reproduce;
# ghost.programming=samePulses, the default since, is what a controller does: docs/atlas.md, finding 3)
rule_specs=(
  "ep-symmetric|--rule ep"
  "ep-one-sided|--rule ep --nudging one-sided"
  "chl|--rule chl"
  "gaitprop|--rule gaitprop"
  "lagrangian|--rule lagrangian"
  "ghost|--rule ghost"
  "bp|--rule bp"
  "ghost-separate|--rule ghost --set ghost.crossbar=separate --set ghost.programming=independent"
)
standard_rules=ep-symmetric,ep-one-sided,chl,gaitprop,lagrangian,ghost,bp
# name | varied key | values, from the family's reference (first) to the harshest | quick values | --set | rules (empty: the seven)
# The pulse effects need pulses: those families run on 1024-level devices, the levels family's finest point.
# The ghost-crossbar families set ghost units on a shared crossbar (complete duplication) beside a separate
# one, whose devices differ from the forward ones by their own spread and write noise; their training
# sweeps also probe the trained chip (--kind both), where the mismatch has accumulated.
family_specs=(
  "levels|device.levels|ideal,1024,256,128,64,32,16,8,4|ideal,4||"
  "adc-bits|periphery.adcBits|ideal,8,6,5,4,3,2|ideal,2||"
  "read-noise|device.readNoise|0,1e-4,1e-3,1e-2,3e-2|0,3e-2||"
  "write-noise|device.writeNoise|0,0.1,0.3,1|0,1|device.levels=1024|"
  "up-down|device.upDown|0,0.05,0.1,0.2,0.4|0,0.4|device.levels=1024|"
  "up-down-spread|device.upDownDtod|0,0.05,0.1,0.2,0.4|0,0.4|device.levels=1024|"
  "soft-bounds|device.gammaUp+device.gammaDown|0,0.5,1|0,1|device.levels=1024|"
  "thermal-noise|neuron.thermalNoise|0,1e-3,1e-2|0,1e-2||"
  "ghost-crossbar-levels|device.levels|ideal,1024,256,64,16|ideal,16||ghost,ghost-separate"
  "ghost-crossbar-write-noise|device.writeNoise|0,0.1,0.3,1|0,1|device.levels=1024|ghost,ghost-separate"
  "ghost-crossbar-spread|device.stepDtod+device.boundsDtod|0,0.1,0.3|0,0.3|device.levels=1024|ghost,ghost-separate"
)

if [[ $quick == 1 ]]; then
  [[ -n "$rules" ]] || rules=ep-symmetric,ghost,ghost-separate
  protocol=(--net 784-20-10 --train-limit 200 --test-limit 200 --epochs 1 --batch 20)
  seeds=1,2 batches=1
else
  protocol=(--net 784-100-10 --train-limit 4000 --test-limit 2000 --epochs 3 --batch 20)
  seeds=1,2,3 batches=3
fi

start=$(date +%s)
mkdir -p "$out"
for fam in "${family_specs[@]}"; do
  IFS='|' read -r fname key values qvalues sets only <<< "$fam"
  wanted "$fname" "$families" || continue
  [[ $quick == 1 ]] && values=$qvalues
  setargs=()
  for s in $sets; do setargs+=(--set "$s"); done
  for spec in "${rule_specs[@]}"; do
    rname=${spec%%|*}; rflags=${spec#*|}
    wanted "$rname" "$rules" || continue
    wanted "$rname" "${only:-$standard_rules}" || continue
    for kind in train gradient; do
      run_kind=$kind
      [[ $kind == train && $fname == ghost-crossbar-* ]] && run_kind=both
      dir="$out/$fname/$rname/$kind"
      # shellcheck disable=SC2086
      args=(sweep --model ideal $rflags "${protocol[@]}" "${setargs[@]}" --vary "$key=$values" --vary "seed=$seeds"
            --kind "$run_kind" --no-progress --out "$dir")
      # the probe's batches only where a probe runs (epsim refuses probe options a train-only sweep would ignore)
      [[ $run_kind == train ]] || args+=(--gradient-batches "$batches")
      atlas_sweep "$dir" "$fname / $rname / $kind" "${args[@]}"
    done
  done
done
if [[ $slurm == 1 ]]; then
  echo "atlas: submitted; when every job has finished: scripts/atlas.sh --report $out" >&2
  exit 0
fi
rm -f "$out/last-sweep.log"
order_f=() order_r=()
for fam in "${family_specs[@]}"; do
  f=${fam%%|*}
  wanted "$f" "$families" && [[ -d "$out/$f" ]] && order_f+=("$f")
done
for spec in "${rule_specs[@]}"; do
  r=${spec%%|*}
  wanted "$r" "$rules" && order_r+=("$r")
done
report_args=(atlas "$out" --families "$(IFS=,; echo "${order_f[*]}")" --rules "$(IFS=,; echo "${order_r[*]}")")
[[ $docs == 1 ]] && report_args+=(--into "$here/docs/atlas.md" --images "$here/docs/img/atlas")
epsim "${report_args[@]}"
echo "atlas: $(( $(date +%s) - start )) s" >&2
