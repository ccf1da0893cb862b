#!/bin/sh
# Grade one slice of a class per Slurm array task; merge the slices after.
#
#   sbatch --array=0-7 tools/slurm/grade-array.sh homework.json submissions/ results
#   # when every task has finished (squeue -t all shows them COMPLETED):
#   pyharness merge results-shard-*/ --out results/
#
# Task i of an array of N grades `--shard (i+1)/N` into RESULTS_PREFIX-shard-(i+1).
# Every task must see the same homework.json, exercises and submissions (a shared
# file system); the slice depends on the student ids alone, so any node computes
# the same one.  Extra arguments go to `pyharness grade` (--manifest, --format ...).
# PYHARNESS names the binary (default: pyharness on PATH).  See docs/grading.md.
#SBATCH --job-name=pyharness-grade
#SBATCH --cpus-per-task=1
#SBATCH --output=pyharness-grade-%A_%a.out
set -eu
if [ $# -lt 3 ]; then
    echo "usage: sbatch --array=0-N-1 $0 HOMEWORK.json SUBMISSIONS/ RESULTS_PREFIX [grade options]" >&2
    exit 2
fi
hw=$1
subs=$2
prefix=$3
shift 3
: "${SLURM_ARRAY_TASK_ID:?submit with sbatch --array=0-N-1}"
n=${SLURM_ARRAY_TASK_COUNT:?submit with sbatch --array=0-N-1}
k=$((SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:-0} + 1))
if [ "$k" -gt "$n" ]; then
    # A sparse array (--array=1,3,5) has fewer tasks than ids: slices would be lost.
    echo "$0: task $SLURM_ARRAY_TASK_ID of $n: the array must be contiguous (--array=0-$((n - 1)))" >&2
    exit 2
fi
exec "${PYHARNESS:-pyharness}" grade "$hw" "$subs" --out "$prefix-shard-$k" --shard "$k/$n" \
    -j "${SLURM_CPUS_PER_TASK:-1}" "$@"
