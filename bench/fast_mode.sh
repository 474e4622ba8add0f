#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fast mode (issue 15 part 6): ResNet-50 on configs/default.json in the three modes side by side,
# interleaved over REPS rounds so that a shared machine's load hits them alike: per-cycle,
# --fidelity fast (with values), --fidelity fast --no-values (timing only). Prints the CPU time
# (user + sys, one core) of each run and the median ratios to per-cycle, and checks that the
# three reports agree (cycles, stalls, accesses, energy; densities need values).
# Usage: bench/fast_mode.sh [build-dir] [reps] [workload] [run options...], e.g. ... build 3
# workloads/models/resnet50.json --set pe_array.rows=8 --set pe_array.cols=8. Figures:
# bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
adasim="${1:-build}/adasim"
reps="${2:-3}"
wl="${3:-workloads/models/resnet50.json}"
extra=("${@:4}")
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
declare -A args=([cycle]="--fidelity cycle" [fast]="--fidelity fast"
                 [fast_novalues]="--fidelity fast --no-values")
for r in $(seq "$reps"); do
  for m in cycle fast fast_novalues; do
    # shellcheck disable=SC2086
    /usr/bin/time -f "%U %S" -o "$out/t_${m}_$r" "$adasim" run -q --workload "$wl" ${args[$m]} \
      "${extra[@]}" --out "$out/$m"
    echo "$m round $r: $(awk '{ printf "%.2f s CPU", $1 + $2 }' "$out/t_${m}_$r")"
  done
done
median() { for r in $(seq "$reps"); do awk '{ print $1 + $2 }' "$out/t_${1}_$r"; done | sort -g |
  awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
c=$(median cycle); f=$(median fast); n=$(median fast_novalues)
awk -v c="$c" -v f="$f" -v n="$n" 'BEGIN {
  printf "median CPU: cycle %.2f s, fast %.2f s (%.1fx), fast --no-values %.2f s (%.1fx)\n",
         c, f, c / f, n, c / n }'
python3 - "$out" <<'PY'
import json, sys
reps = [json.load(open(f"{sys.argv[1]}/{m}/report.json")) for m in ("cycle", "fast", "fast_novalues")]
for r in reps:
    r["adasim"].pop("fidelity")
    for l in r["layers"]:
        l.pop("sparsity", None)
print("reports agree:", reps[0] == reps[1] == reps[2],
      "| cycles:", reps[0]["total"]["cycles"]["total"])
PY
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
