#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# One task of a Slurm job array running an adasim sweep: task i of N runs shard i/N of the study
# into OUT/shard_<i>. Slurm does the scheduling; adasim only runs its slice (no cluster runner of
# its own). Submit from the repository root:
#
#   jid=$(sbatch --parsable --array=0-7 --cpus-per-task=4 scripts/slurm_sweep.sh study.json out/study)
#   sbatch --dependency=afterok:$jid --wrap "build/adasim sweep merge --out out/study/merged out/study/shard_*"
#
# A pre-empted or failed task is resubmitted as it was (sbatch --array=3 ... for task 3): the
# shard resumes from its journal and runs only what is missing. `adasim sweep merge` names any
# shard or item that is still missing (exit 2) and writes nothing until all are there.
#
# Environment: ADASIM (the adasim binary; default $SLURM_SUBMIT_DIR/build/adasim),
# SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT (set by Slurm), SLURM_CPUS_PER_TASK (workers;
# default 1). Extra arguments after OUT go to `adasim sweep` (e.g. --layers).
#SBATCH --job-name=adasim-sweep
#SBATCH --output=slurm-%A_%a.out
set -euo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: sbatch --array=0-<N-1> $0 SPEC OUT [adasim sweep options]" >&2
  exit 1
fi
spec="$1"
out="$2"
shift 2
: "${SLURM_ARRAY_TASK_ID:?run as a Slurm job array task (sbatch --array=0-<N-1>)}"
: "${SLURM_ARRAY_TASK_COUNT:?run as a Slurm job array task (sbatch --array=0-<N-1>)}"
adasim="${ADASIM:-${SLURM_SUBMIT_DIR:-$PWD}/build/adasim}"
exec "$adasim" sweep --spec "$spec" --out "$out/shard_${SLURM_ARRAY_TASK_ID}" \
  --shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}" -j "${SLURM_CPUS_PER_TASK:-1}" "$@"
