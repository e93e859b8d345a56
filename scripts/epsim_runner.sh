# Sourced by the scripts that drive epsim (atlas.sh, noise_law.sh): one BLAS thread unless the caller
# chose otherwise (the same bits on any core count, as ./epsim does), and an epsim() that runs
# EPSIM_JAR when it is set (a copy of the jar, while the sources change) or else ./epsim.
# Needs $here, the repository's folder.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
epsim() {
  if [[ -n "${EPSIM_JAR:-}" ]]; then java -jar "$EPSIM_JAR" "$@"; else "$here/epsim" "$@"; fi
}
