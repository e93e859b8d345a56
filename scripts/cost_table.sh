#!/bin/sh
# What each rule costs the chip, per training sample and per inference, on each hardware model:
# `epsim cost` (5 batches of 20 on the bundled subset, 784-500-10, a fresh chip) for every rule,
# printed as the markdown table of docs/results.md section 7.
# Usage: scripts/cost_table.sh [MODEL ...]   (default: ideal default)
set -eu
jar=${EPSIM_JAR:-target/epsim.jar}
models=${*:-ideal default}
echo "| model | rule | energy / training sample | latency / training sample | energy / inference | latency / inference | largest shares (training) |"
echo "|---|---|---|---|---|---|---|"
for model in $models; do
  for spec in "EP one-sided:--rule ep --nudging one-sided" "EP symmetric:--rule ep" "CHL:--rule chl" \
              "GAIT-prop:--rule gaitprop" "local propagation:--rule lagrangian" "ghost units:--rule ghost" "backprop:--rule bp"; do
    name=${spec%%:*}; flags=${spec#*:}
    # shellcheck disable=SC2086
    java -jar "$jar" cost --model "$model" $flags | awk -v model="$model" -v rule="$name" '
      /^energy \(J\)/ { table = "energy"; next }
      /^latency \(s\)/ { table = "latency"; next }
      /^$/ { table = "" }
      table == "energy" && $1 == "total" { et = $2; ei = $4 }
      table == "energy" && $1 != "total" && $1 != "" { share[$1] = $3 + 0 }
      table == "latency" && $1 == "total" { lt = $2; li = $4 }
      END {
        shares = ""
        for (k = 0; k < 2; k++) { best = ""; for (c in share) if (best == "" || share[c] > share[best]) best = c
          if (best != "" && share[best] >= 1) shares = shares (shares == "" ? "" : ", ") best " " share[best] "%"; delete share[best] }
        printf "| %s | %s | %.3g J | %.3g s | %.3g J | %.3g s | %s |\n", model, rule, et, lt, ei, li, shares
      }'
  done
done
