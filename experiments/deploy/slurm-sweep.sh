#!/usr/bin/env bash
# A bn-exp sweep as a Slurm array job: one shard of the run list per array task, then a merge job that
# starts once every task succeeded. Run it on the login node, from the folder that holds your config:
#
#   CONFIG=experiments/quick.yaml OUT=results/quick-slurm SHARDS=4 experiments/deploy/slurm-sweep.sh
#
# Each array task runs `bn-exp run` with no --shard: bn-exp reads SLURM_ARRAY_TASK_ID and
# SLURM_ARRAY_TASK_COUNT and runs its round-robin part (shard ID+1 of COUNT), into $OUT/shard-ID. With
# --resume a requeued or resubmitted task continues where it stopped; --no-report: a shard's report would
# cover only its part. The merge job writes $OUT/merged with its summaries and the report of the whole sweep.
# OUT must be on a filesystem every node sees.
#
# Settings (environment): CONFIG, OUT, SHARDS (array size), CPUS (per task, also bn-exp --workers),
# ARGS (extra `bn-exp run` arguments, split on spaces, e.g. "--set train.steps=2000"), BN_EXP (how to
# call bn-exp; default `npx --no-install bn-exp`), WAIT=1 (block until the merge job ends; used by the test).
#SBATCH --job-name=bn-exp
#SBATCH --time=04:00:00
set -euo pipefail

CONFIG=${CONFIG:?set CONFIG to the experiment file}
OUT=${OUT:?set OUT to the results folder (on a shared filesystem)}
SHARDS=${SHARDS:-4}
CPUS=${CPUS:-1}
ARGS=${ARGS:-}
BN_EXP=${BN_EXP:-npx --no-install bn-exp}

if [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then
  # An array task: bn-exp takes its shard from the Slurm environment.
  # shellcheck disable=SC2086 # BN_EXP and ARGS are word lists
  exec $BN_EXP run "$CONFIG" --out "$OUT/shard-$SLURM_ARRAY_TASK_ID" --workers "$CPUS" --resume --no-report --quiet $ARGS
elif [ -n "${SLURM_JOB_ID:-}" ]; then
  # The merge job: every shard folder into one result set, in run-list order, then its summaries and report.
  # shellcheck disable=SC2086
  exec $BN_EXP merge "$OUT"/shard-* --out "$OUT/merged" --force
else
  # On the login node: submit the array, then the merge job after it (afterok: only if every task succeeded).
  mkdir -p "$OUT"
  array=$(sbatch --parsable --array="0-$((SHARDS - 1))" --cpus-per-task="$CPUS" --output="$OUT/slurm-%A_%a.out" "$0")
  merge=$(sbatch --parsable --dependency="afterok:${array%%;*}" --kill-on-invalid-dep=yes \
    --output="$OUT/slurm-merge-%j.out" "$0")
  echo "submitted array job ${array%%;*} ($SHARDS shards) and merge job $merge; results: $OUT/merged"
  if [ "${WAIT:-0}" = 1 ]; then
    # Poll the merge job (sbatch --wait polls every few seconds at best).
    while state=$(scontrol show job "$merge" -o | grep -o 'JobState=[A-Z_]*' | cut -d= -f2) &&
      [[ $state =~ ^(PENDING|CONFIGURING|RUNNING|COMPLETING)$ ]]; do sleep 0.3; done
    [ "$state" = COMPLETED ] || { echo "merge job $merge ended $state" >&2; exit 1; }
  fi
fi
