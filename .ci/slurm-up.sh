#!/usr/bin/env bash
# Start a single-node Slurm cluster on this machine (Debian's slurm-wlm + munge), for the Slurm
# integration test (src/cli/slurm.test.ts). Needs root. Installs the packages when they are missing and
# apt-get is available. Idempotent: a running cluster is left alone. Prints the SLURM_CONF to export.
# Usage: bash .ci/slurm-up.sh [state-dir]   (default /tmp/bn-exp-slurm)
set -euo pipefail
state=${1:-/tmp/bn-exp-slurm}
conf=$state/slurm.conf

if ! command -v sbatch >/dev/null || ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "slurm-up: sbatch/slurmctld/munged missing and cannot apt-get install them (need root + apt-get)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

# munge: the authentication daemon every Slurm daemon and client talks to.
if ! munge -n >/dev/null 2>&1; then
  [ -s /etc/munge/munge.key ] || { mungekey --create --force >/dev/null 2>&1 || create-munge-key -f; }
  chown munge:munge /etc/munge/munge.key && chmod 600 /etc/munge/munge.key
  mkdir -p /run/munge && chown munge:munge /run/munge && chmod 755 /run/munge
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do munge -n >/dev/null 2>&1 && break; sleep 0.1; done
fi

host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
mkdir -p "$state/ctld" "$state/d" "$state/log"
cat >"$conf" <<CONF
ClusterName=bnexp
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/d
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$conf

if ! scontrol ping 2>/dev/null | grep -q UP; then
  slurmctld -f "$conf"
  slurmd -f "$conf"
fi
for _ in $(seq 100); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
    echo "SLURM_CONF=$conf"
    exit 0
  fi
  sleep 0.2
done
echo "slurm-up: the node did not come up; see $state/log/" >&2
sinfo >&2 || true
exit 1
