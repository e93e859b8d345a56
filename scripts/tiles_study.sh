#!/usr/bin/env bash
# docs/tiles.md's training figures, reproducible: EP (symmetric nudging), CHL and host-computed
# backprop on a wired, tiled chip (784-100-10, 2,000 training examples, 2 epochs), as the wire resistance grows, at two tile sizes, three seeds, on
# ideal and default devices; then EP with analog and digital partial sums at 4, 6 and 8 bits.
# Each point is `epsim train` then `epsim gradient --checkpoint` (whose report gives the cosine to
# the ideal copy's gradient and, on a wired chip, to the wired chip's own); two points at a time.
#
#   scripts/tiles_study.sh [OUT]        # OUT defaults to tiles-study/; about 45 minutes on 2 cores
#   python3 scripts/tiles_summary.py OUT # the tables of docs/tiles.md
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-tiles-study}
mkdir -p "$OUT/runs"
COMMON="--net 784-100-10 --train-limit 2000 --test-limit 500 --epochs 2 --no-progress"
JOBS="$OUT/jobs.txt"
: > "$JOBS"
for model in ideal default; do
  for rule in ep chl bp; do
    for seed in 1 2 3; do
      echo "$model $rule $seed none 0 analog 8" >> "$JOBS"
      for tile in 64 256; do
        for ohms in 1 5; do echo "$model $rule $seed $tile $ohms analog 8" >> "$JOBS"; done
      done
    done
  done
done
for seed in 1 2 3; do
  for bits in 4 6 8; do echo "default ep $seed 64 0 digital $bits" >> "$JOBS"; done
  echo "default ep $seed 64 0 analog 8" >> "$JOBS"
done

run_point() {
  local model=$1 rule=$2 seed=$3 tile=$4 ohms=$5 sums=$6 bits=$7
  local name="$model-$rule-s$seed-t$tile-r$ohms-$sums$bits"
  local dir="$OUT/runs/$name"
  [ -f "$dir/gradient.txt" ] && return 0
  rm -rf "$dir"
  local sets=()
  if [ "$tile" != none ]; then
    sets+=(--set "array.tileRows=$tile" --set "array.tileColumns=$tile" --set "array.rowWireResistance=$ohms" --set "array.columnWireResistance=$ohms")
    sets+=(--set "array.partialSums=$sums" --set "array.partialSumBits=$bits")
  fi
  local nudging=()
  [ "$rule" = ep ] && nudging=(--nudging symmetric)
  ./epsim train --model "$model" --rule "$rule" "${nudging[@]}" --seed "$seed" $COMMON "${sets[@]}" --out "$dir" > "$OUT/runs/$name.log" 2>&1
  ./epsim gradient --checkpoint "$dir" --gradient-batches 3 > "$dir/gradient.part" 2>&1 && mv "$dir/gradient.part" "$dir/gradient.txt"
}
export -f run_point
export OUT COMMON
./epsim models list > /dev/null # builds the jar once, before the parallel points
xargs -P 2 -L 1 bash -c 'run_point "$@"' _ < "$JOBS"
echo "done: python3 scripts/tiles_summary.py $OUT"
