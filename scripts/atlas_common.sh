# Sourced by atlas.sh and atlas2.sh: their shared command line and the way each runs one sweep.
# Needs $here (the repository), $name (the script's name), $usage and $takes_families (1 or 0).
# shellcheck source=scripts/epsim_runner.sh
. "$here/scripts/epsim_runner.sh"

quick=0 slurm=0 report=0 docs=0 families="" rules="" out=""

atlas_options() {
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --quick) quick=1 ;;
      --slurm) slurm=1 ;;
      --report) report=1 ;;
      --docs) docs=1 ;;
      --families) [[ $takes_families == 1 ]] || { echo "$name: unknown option $1" >&2; exit 2; }; families="$2"; shift ;;
      --rules) rules="$2"; shift ;;
      -*) echo "$name: unknown option $1" >&2; exit 2 ;;
      *) [[ -z "$out" ]] || { echo "$name: one OUT folder, got $out and $1" >&2; exit 2; }; out="$1" ;;
    esac
    shift
  done
  [[ -n "$out" ]] || { echo "$usage" >&2; exit 2; }
}

wanted() { # wanted NAME LIST: LIST empty or holding NAME
  [[ -z "$2" || ",$2," == *",$1,"* ]]
}

atlas_sweep() { # atlas_sweep DIR LABEL SWEEP-ARGS...: merge it (--report), submit it (--slurm) or run it here
  local dir="$1" label="$2"
  shift 2
  if [[ $report == 1 ]]; then
    [[ -f "$dir/sweep-summary.csv" ]] || epsim sweep merge "$dir" > /dev/null
  elif [[ $slurm == 1 ]]; then
    epsim "$@" --slurm
  else
    echo "$name: $label" >&2
    epsim "$@" > "$out/last-sweep.log" 2>&1 || { cat "$out/last-sweep.log" >&2; exit 1; }
  fi
}
