#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The shipped edge design-space study (issue 15 part 8; configs/sweeps/edge_study.json, README
# "Design-space sweeps"): runs the sweep (resumable: run again after an interruption) and draws
# its figures and summary tables into OUT/figures.
#
#   scripts/run_edge_study.sh [OUT (default out/edge_study)] [JOBS (default 0 = every CPU)]
#
# ADASIM (default build/adasim) names the binary. Needs Debian's python3-matplotlib for the PNGs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-out/edge_study}
jobs=${2:-0}
adasim=${ADASIM:-$root/build/adasim}
py=/usr/bin/python3
plots=$root/plots

"$adasim" sweep --spec "$root/configs/sweeps/edge_study.json" --out "$out/sweep" -j "$jobs"
csv=$out/sweep/results.csv
figs=$out/figures
mkdir -p "$figs"
for w in resnet50 mobilenet_v2 ds_cnn resnet50_w4a4 mobilenet_v2_w4a4 ds_cnn_w4a4; do
  "$py" "$plots/pareto_front.py" "$csv" --workload "$w" --x latency --y energy --log \
    -o "$figs/pareto_latency_energy_$w.png"
done
for w in resnet50 resnet50_w4a4; do
  "$py" "$plots/pareto_front.py" "$csv" --workload "$w" --x area --y latency --log \
    -o "$figs/pareto_area_latency_$w.png"
done
"$py" "$plots/sweep_heatmap.py" "$csv" --workload resnet50 --metric latency --x array \
  --y dram_gbps -o "$figs/heatmap_latency_resnet50.png"
"$py" "$plots/sweep_heatmap.py" "$csv" --workload mobilenet_v2 --metric energy --x array \
  --y gbuf_kib -o "$figs/heatmap_energy_mobilenet_v2.png"
"$py" "$plots/sweep_summary.py" "$csv" --compare df:ws:auto --compare scalable:false:true \
  --by array > "$figs/summary.md"
echo "$figs/summary.md"
