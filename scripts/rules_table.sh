#!/bin/sh
# Trains every rule on the bundled MNIST subset (784-500-10) on one hardware model and probes the
# update's cosine to the exact gradient at initialisation and after half the epochs.
# Usage: scripts/rules_table.sh MODEL EPOCHS OUTDIR [NAME ...]   (docs/results.md has the table it produced)
# NAMEs pick rows (ep-one-sided ep-symmetric chl gaitprop lagrangian ghost bp bp-mse); default: all.
set -eu
model=$1; epochs=$2; out=$3
shift 3
only=" $* "
jar=${EPSIM_JAR:-target/epsim.jar}
mid=$((epochs / 2))
mkdir -p "$out"
for spec in "ep-one-sided:--rule ep --nudging one-sided" "ep-symmetric:--rule ep" "chl:--rule chl" \
            "gaitprop:--rule gaitprop" "lagrangian:--rule lagrangian" "ghost:--rule ghost" "bp:--rule bp" \
            "bp-mse:--rule bp --bp-loss mse"; do
  name=${spec%%:*}; flags=${spec#*:}
  if [ "$only" != "  " ] && [ "${only#* $name }" = "$only" ]; then continue; fi
  run=$out/$model-$name
  rm -rf "$run" "$run-mid"
  # shellcheck disable=SC2086
  java -jar "$jar" train --model "$model" $flags --epochs "$epochs" --out "$run" > "$run.log" 2>&1 &
  pid=$!
  # keep a copy of the run as it stands after epoch $mid (its checkpoint is written before metrics.csv)
  while kill -0 $pid 2>/dev/null; do
    if [ ! -d "$run-mid" ] && [ -f "$run/metrics.csv" ] && [ "$(wc -l < "$run/metrics.csv")" -gt "$mid" ]; then
      cp -r "$run" "$run-mid"
    fi
    sleep 1
  done
  wait $pid
  init=$(java -jar "$jar" eval --checkpoint "$run" --at-init --test-limit 1 --gradient-probe 20 | sed -n 's/.*cosine //p')
  half=$(java -jar "$jar" eval --checkpoint "$run-mid" --test-limit 1 --gradient-probe 20 | sed -n 's/.*cosine //p')
  acc=$(tail -1 "$run/metrics.csv" | cut -d, -f5)
  secs=$(awk -F, 'NR > 1 { s += $7 } END { print s }' "$run/metrics.csv")
  echo "$model,$name,$acc,$init,$half,$secs" >> "$out/table.csv"
done
