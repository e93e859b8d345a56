#!/bin/sh
# Pulses per device per epoch and epochs until 1% of the devices wear out, for every rule on each
# hardware model, host and outerProduct updates: `epsim cost --batches 100` (2,000 training samples
# of the bundled subset, 784-500-10, a fresh chip; rates scaled to its 8,000-example epoch), printed as
# the markdown table of docs/hardware-models.md, "Wear".
# Usage: scripts/wear_table.sh [MODEL[:SET] ...]   (default: the pulsed presets; SET a --set to add)
set -eu
jar=${EPSIM_JAR:-target/epsim.jar}
models=${*:-default capacitor ecram pcm rram}
echo "| model | update | rule | pulses / device / epoch: mean | median | 99% | max | devices untouched | epochs to 1% worn |"
echo "|---|---|---|---|---|---|---|---|---|"
for spec in $models; do
  model=${spec%%:*}; extra=""
  [ "$spec" != "$model" ] && extra="--set ${spec#*:}"
  for mode in host outerProduct; do
    for rule in "EP:--rule ep" "CHL:--rule chl" "GAIT-prop:--rule gaitprop" "local propagation:--rule lagrangian" "ghost units:--rule ghost" "backprop:--rule bp"; do
      name=${rule%%:*}; flags=${rule#*:}
      # shellcheck disable=SC2086
      java -jar "$jar" cost --model "$model" $extra --set update.mode=$mode --batches 100 $flags | awk -v model="$spec" -v mode="$mode" -v rule="$name" '
        /^wear,/ {
          match($0, /mean [^,]*/); mean = substr($0, RSTART + 5, RLENGTH - 5)
          match($0, /median [^,]*/); median = substr($0, RSTART + 7, RLENGTH - 7)
          match($0, /99% [^,]*/); p99 = substr($0, RSTART + 4, RLENGTH - 4)
          match($0, /max [^ ]*/); max = substr($0, RSTART + 4, RLENGTH - 4)
          match($0, /\([0-9.e+]*% of/); none = substr($0, RSTART + 1, RLENGTH - 4)
          if (match($0, /[0-9.e+]* epochs until/)) life = substr($0, RSTART, RLENGTH - 13)
          else if ($0 ~ /no endurance/) life = "no wear model"
          else life = "never at these rates"
          printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", model, mode, rule, mean, median, p99, max, none, life
        }'
    done
  done
done
