#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Clock and power gating overhead (issue 14 parts 3-4): MobileNetV2 (64 layers) on
# configs/default.json, the ungated twin (a `power` section with policy "none", no clock gating:
# the same energy inventory) against clock gating of every block plus power gating under
# "idle_timeout" (idle_cycles 16: the array is gated on most DRAM waits) and under "per_layer",
# interleaved over REPS rounds. Prints each run's CPU time (user + sys), its simulated cycles and
# CPU ns per cycle, and the median ratios gated / ungated (target <= 1.10).
# Usage: bench/gating_overhead.sh [build-dir] [reps]. Figures: bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
adasim="${1:-build}/adasim"
reps="${2:-3}"
wl=workloads/models/mobilenet_v2.json
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
blocks='["pe_array","vector_unit","gbuf","noc"]'
run() {  # mode round
  local extra=(--set power.policy=none)
  case "$1" in
    idle_timeout) extra=(--set power.policy=idle_timeout --set power.idle_cycles=16
                         --set "power.clock_gating=$blocks"
                         --set 'power.power_gated=["pe_array","vector_unit"]') ;;
    per_layer) extra=(--set power.policy=per_layer --set "power.clock_gating=$blocks"
                      --set 'power.power_gated=["pe_array","vector_unit","gbuf"]') ;;
  esac
  /usr/bin/time -f "%U %S" -o "$out/t_$1_$2" "$adasim" run -q --arch configs/default.json \
    --workload "$wl" "${extra[@]}" --out "$out/$1"
  local cycles
  cycles=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"]["cycles"]["total"])' \
    "$out/$1/report.json")
  awk -v c="$cycles" -v m="$1" -v r="$2" '{ t = $1 + $2;
    printf "%s round %s: %.2f s CPU, %d cycles, %.1f ns/cycle\n", m, r, t, c, t * 1e9 / c }' \
    "$out/t_$1_$2" | tee -a "$out/lines"
}
for r in $(seq "$reps"); do run ungated "$r"; run idle_timeout "$r"; run per_layer "$r"; done
median() { grep "^$1 " "$out/lines" | awk '{ print $(NF - 1) }' | sort -g |
  awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
u=$(median ungated); i=$(median idle_timeout); p=$(median per_layer)
awk -v u="$u" -v i="$i" -v p="$p" 'BEGIN { printf "median ns per simulated cycle: ungated %.1f, idle_timeout %.1f (ratio %.3f), per_layer %.1f (ratio %.3f)\n", u, i, i / u, p, p / u }'
