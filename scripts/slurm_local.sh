#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the tests and for trying the cluster workflow:
#   scripts/slurm_local.sh start DIR    munged, slurmctld and slurmd with their state, logs and pids in DIR;
#                                        prints "export SLURM_CONF=DIR/slurm.conf" once the node is idle
#   scripts/slurm_local.sh stop DIR     stops every daemon it started, by its pid
# Needs root (the daemons run as root here) and Debian's slurm-wlm and munge packages.
set -euo pipefail
cmd="${1:?start|stop}"; dir="$(mkdir -p "${2:?DIR}" && cd "$2" && pwd)"
host="$(hostname -s)"
stop() {
  for d in slurmd slurmctld munged; do
    if [ -f "$dir/$d.pid" ]; then kill "$(cat "$dir/$d.pid")" 2>/dev/null || true; fi
  done
  for d in slurmd slurmctld munged; do
    for _ in $(seq 50); do [ -f "$dir/$d.pid" ] && kill -0 "$(cat "$dir/$d.pid")" 2>/dev/null || break; sleep 0.1; done
    rm -f "$dir/$d.pid"
  done
}
if [ "$cmd" = stop ]; then stop; exit 0; fi
[ "$cmd" = start ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "slurm_local: needs root (the daemons run as root)" >&2; exit 2; }
for exe in munged slurmctld slurmd sbatch; do command -v "$exe" >/dev/null || { echo "slurm_local: $exe not found (apt-get install -y slurm-wlm munge)" >&2; exit 2; }; done
mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
key="$dir/munge/munge.key"
[ -f "$key" ] || { dd if=/dev/urandom of="$key" bs=1024 count=1 status=none; chmod 400 "$key"; }
munged --key-file="$key" --socket="$dir/munge/socket" --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" --seed-file="$dir/munge/seed" --force
cat > "$dir/slurm.conf" <<CONF
ClusterName=epsim-local
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/socket
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SchedulerType=sched/backfill
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldPort=$((6817 + RANDOM % 1000))
SlurmdPort=$((7817 + RANDOM % 1000))
JobAcctGatherType=jobacct_gather/none
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 150); do
  if sinfo -h -o %T 2>/dev/null | grep -qx idle; then echo "export SLURM_CONF=$SLURM_CONF"; exit 0; fi
  sleep 0.2
done
echo "slurm_local: the node did not come up within 30 s (logs in $dir)" >&2
stop
exit 1
