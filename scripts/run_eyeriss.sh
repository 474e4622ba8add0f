#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Eyeriss dataflow comparison (Chen, Emer, Sze, ISCA 2016, Sec. VII): AlexNet CONV1-5 and
# FC1-3 on 256-PE spatial arrays of equal storage area (configs/eyeriss/), one per dataflow,
# priced with the paper's normalised access energies. Writes one adasim report per dataflow and
# batch under OUT, then plots/plot_eyeriss.py draws energy/MAC by level (PNG) and a summary.
#   scripts/run_eyeriss.sh [--out DIR] [--conv-batch N] [--fc-batch N] [--bin PATH]
set -euo pipefail
cd "$(dirname "$0")/.."
out=out/eyeriss conv_batch=1 fc_batch=16 bin=build/adasim failed=0
source scripts/lib/options.sh
parse_options run_eyeriss.sh --out=out --conv-batch=conv_batch --fc-batch=fc_batch --bin=bin -- "$@"
require_bin run_eyeriss.sh "$bin"
mkdir -p "$out"
jobs_max=$(nproc)
run() {  # dataflow part batch
  local dir="$out/$1_$2_n$3"
  "$bin" run -q --arch "configs/eyeriss/$1.json" --workload "workloads/models/alexnet_eyeriss_$2.json" \
    --batch "$3" --out "$dir"
  echo "done: $1, $2, batch $3 -> $dir"
}
for df in rs ws os_a os_b os_c nlr; do
  for part in conv fc; do
    n=$conv_batch
    [[ $part == fc ]] && n=$fc_batch
    while (( $(jobs -rp | wc -l) >= jobs_max )); do wait -n || failed=1; done
    run "$df" "$part" "$n" &
  done
done
while (( $(jobs -rp | wc -l) > 0 )); do wait -n || failed=1; done
(( failed == 0 )) || { echo "run_eyeriss.sh: a run failed (see above)" >&2; exit 1; }
/usr/bin/python3 plots/plot_eyeriss.py --runs "$out" --conv-batch "$conv_batch" --fc-batch "$fc_batch" \
  --out "$out/eyeriss_energy.png"
