#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Sweep throughput (issue 15): runs a sweep spec (default configs/sweeps/mobilenet_v2_arrays.json, 21
# runnable MobileNetV2 points; fast mode unless FIDELITY=cycle) on -j workers into a fresh folder and
# prints points per minute of wall time and per CPU-minute (the workers' user + sys time).
# Usage: bench/sweep_throughput.sh [build-dir] [jobs] [spec]. Figures: bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
adasim="${1:-build}/adasim"
jobs="${2:-2}"
spec="${3:-configs/sweeps/mobilenet_v2_arrays.json}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$adasim" sweep --spec "$spec" --out "$out" -j "$jobs" --dry-run | tail -1
start=$(date +%s.%N)
/usr/bin/time -f "%U %S" -o "$out/cpu" "$adasim" sweep --spec "$spec" --out "$out" -j "$jobs" \
  --fidelity "${FIDELITY:-fast}" 2> /dev/null | tail -1
end=$(date +%s.%N)
rows=$(($(wc -l < "$out/results.csv") - 1))
cpu=$(awk '{ print $1 + $2 }' "$out/cpu")
awk -v r="$rows" -v s="$start" -v e="$end" -v j="$jobs" -v c="$cpu" \
  'BEGIN { t = e - s; printf "%d points in %.1f s on %d workers: %.1f points/min; %.1f s CPU: %.1f points per CPU-minute\n", r, t, j, r / t * 60, c, r / c * 60 }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
