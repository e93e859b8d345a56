#!/usr/bin/env bash
# The refactoring guard: a change meant to keep results must keep them bit for bit.
#
#   scripts/refactor-guard.sh [BASE]          build BASE (default: the commit before the redesign) in a
#                                             temporary worktree, record its outputs and this tree's, compare
#   scripts/refactor-guard.sh record DIR      record this tree's outputs into DIR
#   scripts/refactor-guard.sh compare A B     compare two records (exit 1 on any difference)
#
# A record holds what the README promises and what users keep: the README run's metrics.csv and
# run.json, the full testbench report, an `epsim gradient` dump, a sweep's sweep.csv, one short run
# of every rule with its gradient probe, every preset as `models show` resolves it, an exported
# netlist, one `epsim cost` report, one `epsim compare` of two runs, one atlas table (scripts/atlas.sh
# --quick on one family and one rule), one sweep run in two shards and merged, one outerProduct run,
# and a run folder cut after its first epoch (compare resumes the *old* folder with the
# *new* code and holds it to the old code's uninterrupted run: old run folders still resume).
# Timings are the only thing removed before comparing (metrics.csv's and sweep.csv's seconds
# columns, the testbench rows that time ngspice against epsim); everything else must match byte for byte.
set -euo pipefail
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" # as the launcher: the same bits on any machine
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEFAULT_BASE=a3d127b   # main before the second redesign (issue 25)

record() { # record LAUNCHER_DIR OUT
  local src="$1" out="$2" e="$1/epsim"
  mkdir -p "$out"
  echo "guard: recording $src -> $out" >&2
  "$e" train --out "$out/readme-run" --no-progress > "$out/readme-run.log"
  cut -d, -f1-6 "$out/readme-run/metrics.csv" > "$out/metrics.csv"
  grep -v '"epsim"' "$out/readme-run/run.json" > "$out/run.json"
  "$e" testbench "$src/testbenches" --report "$out/testbench.json" > "$out/testbench.txt" || true
  "$e" gradient --model default --net 784-500-10 --out "$out/gradient" | sed "s|$out|OUT|g" > "$out/gradient.txt"
  grep -v '"epsim"' "$out/gradient/meta.json" > "$out/gradient-meta.json"; rm "$out/gradient/meta.json"
  "$e" sweep --vary device.levels=16,64 --vary periphery.adcBits=4,8 --net 784-32-10 --epochs 2 \
      --train-limit 600 --test-limit 300 --threads 2 --out "$out/sweep" > /dev/null 2>&1
  cut -d, -f1-6 "$out/sweep/sweep.csv" > "$out/sweep.csv"
  for r in ep bp chl gaitprop lagrangian ghost; do
    "$e" train --rule "$r" --model rram --net 784-40-10 --epochs 2 --train-limit 400 --test-limit 200 \
        --out "$out/rule-$r" --no-progress > /dev/null
    cut -d, -f1-6 "$out/rule-$r/metrics.csv" > "$out/rule-$r.csv"
    grep -v '"epsim"' "$out/rule-$r/run.json" > "$out/rule-$r.json"
    "$e" eval --checkpoint "$out/rule-$r" --gradient-probe 10 | sed "s|$out|OUT|g" > "$out/rule-$r-eval.txt"
  done
  for m in capacitor default ecram ideal pcm rram; do "$e" models show "$m" > "$out/model-$m.json"; done
  "$e" export-spice --model ideal --set neuron.transfer=sigmoid --net 6-5-3 --out "$out/net.cir" > /dev/null
  "$e" cost --model default --net 784-40-10 --batches 2 --train-limit 200 --test-limit 100 > "$out/cost.txt"
  "$e" compare "$out/rule-ep" "$out/rule-bp" --out "$out/compare" > /dev/null
  # compare.csv without the folders (they name the record) and the wall times
  python3 - "$out/compare/compare.csv" > "$out/compare.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
keep = [i for i, h in enumerate(rows[0]) if h not in ("folder", "seconds")]
for r in rows:
    print(",".join(r[i] for i in keep))
PY
  "$src/scripts/atlas.sh" --quick --families adc-bits --rules ep-symmetric "$out/atlas" > /dev/null 2>&1
  sed -n '/^| /p' "$out/atlas/atlas.md" > "$out/atlas-table.md"
  local shard
  for shard in 1/2 2/2; do
    "$e" sweep --vary device.levels=16,64 --vary seed=1,2 --net 784-20-10 --epochs 1 --train-limit 300 --test-limit 100 \
        --threads 1 --shard "$shard" --no-progress --out "$out/sharded" > /dev/null 2>&1
  done
  "$e" sweep merge "$out/sharded" > /dev/null
  cut -d, -f1-7 "$out/sharded/sweep.csv" > "$out/sharded-sweep.csv"
  "$e" train --set update.mode=outerProduct --net 784-40-10 --epochs 1 --train-limit 400 --test-limit 200 \
      --out "$out/outer-product" --no-progress > /dev/null
  cut -d, -f1-6 "$out/outer-product/metrics.csv" > "$out/outer-product.csv"
  "$e" train --net 784-40-10 --epochs 1 --train-limit 400 --test-limit 200 --out "$out/cut-run" --no-progress > /dev/null
  "$e" train --net 784-40-10 --epochs 2 --train-limit 400 --test-limit 200 --out "$out/whole-run" --no-progress > /dev/null
  cut -d, -f1-6 "$out/whole-run/metrics.csv" > "$out/whole-run.csv"
  echo "$src" > "$out/tree"   # compare resumes the other record's old run folder with this tree's launcher
}

compare() { # compare OLD NEW
  local a="$1" b="$2" bad=0 f
  for f in metrics.csv run.json gradient.txt gradient-meta.json sweep.csv net.cir whole-run.csv cost.txt compare.csv atlas-table.md \
           sharded-sweep.csv outer-product.csv \
           $(cd "$a" && ls rule-*.csv rule-*.json rule-*-eval.txt model-*.json); do
    if cmp -s "$a/$f" "$b/$f"; then echo "same      $f"; else echo "DIFFERENT $f"; bad=1; fi
  done
  # the testbench report without its wall times (seconds per equilibrium and their ratio)
  if cmp -s <(grep -v 'seconds per\|ratio ngspice' "$a/testbench.txt") <(grep -v 'seconds per\|ratio ngspice' "$b/testbench.txt"); then
    echo "same      testbench.txt"; else echo "DIFFERENT testbench.txt"; bad=1; fi
  if python3 - "$a/testbench.json" "$b/testbench.json" <<'EOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
strip = lambda r: [row for row in r["rows"] if "seconds per" not in row["check"] and "ratio ngspice" not in row["check"]]
sys.exit(0 if (a["passed"], strip(a)) == (b["passed"], strip(b)) else 1)
EOF
  then echo "same      testbench.json ($(grep -c '"verdict"' "$a/testbench.json") rows)"; else echo "DIFFERENT testbench.json"; bad=1; fi
  local n=0
  for f in "$a"/gradient/*.npy; do
    n=$((n + 1))
    if ! cmp -s "$f" "$b/gradient/$(basename "$f")"; then echo "DIFFERENT gradient/$(basename "$f")"; bad=1; fi
  done
  [ $bad = 1 ] || echo "same      gradient/*.npy ($n files)"
  # an old run folder, resumed by the new code, must finish as the old code's uninterrupted run did
  local tmp; tmp=$(mktemp -d)
  cp -r "$a/cut-run" "$tmp/cut-run"
  "$(cat "$b/tree")/epsim" train --resume "$tmp/cut-run" --epochs 2 --no-progress > /dev/null
  cut -d, -f1-6 "$tmp/cut-run/metrics.csv" > "$tmp/resumed.csv"
  if cmp -s "$a/whole-run.csv" "$tmp/resumed.csv"; then echo "same      old run folder resumed by the new code"; else echo "DIFFERENT old run folder resumed by the new code"; bad=1; fi
  rm -rf "$tmp"
  if [ $bad = 0 ]; then echo "guard: identical"; else echo "guard: results differ"; fi
  return $bad
}

case "${1:-}" in
  record) record "$here" "$2" ;;
  compare) compare "$2" "$3" ;;
  *)
    base="${1:-$DEFAULT_BASE}"
    work=$(mktemp -d)
    trap 'git -C "$here" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
    git -C "$here" worktree add --detach "$work/base" "$base" >/dev/null
    record "$work/base" "$work/old"
    record "$here" "$work/new"
    compare "$work/old" "$work/new"
    ;;
esac
