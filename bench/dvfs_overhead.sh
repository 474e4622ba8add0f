#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# DVFS controller overhead (issue 14): MobileNetV2 (64 layers) on configs/default.json, the
# static policy against its twin under clock.policy "schedule" that switches the core domain at
# every layer boundary (alternating 400 MHz @ 0.7 V and 1000 MHz @ 1.0 V, so 64 transitions), and
# against its twin under the run-time governor "ondemand" (a sample every 10 us, also in the
# middle of layers: up above a load of 0.9, down at or below 0.5), interleaved over REPS rounds. Prints each run's CPU time (user + sys), its simulated cycles
# without the DVFS halts (those are skipped in one step each, so counting them would flatter the
# DVFS run) and CPU ns per such cycle, and the median ratios schedule / static and ondemand /
# static (target <= 1.10).
# Usage: bench/dvfs_overhead.sh [build-dir] [reps]. Figures: bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
adasim="${1:-build}/adasim"
reps="${2:-3}"
wl=workloads/models/mobilenet_v2.json
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
sched=$(python3 -c 'import json
print(json.dumps([{"layer_index": i, "freq_mhz": 400 if i % 2 == 0 else 1000} for i in range(64)]))')
tr='{"slew_mv_per_us": 50, "relock_us": 2, "supply_cap_nf": 50, "regulator_efficiency": 0.85}'
run() {  # mode round
  local extra=()
  if [ "$1" = schedule ]; then
    extra=(--set clock.policy=schedule --set "clock.transition=$tr" --set "clock.schedule=$sched")
  elif [ "$1" = ondemand ]; then
    extra=(--set clock.policy=ondemand --set "clock.transition=$tr" --set clock.sample_us=10
      --set clock.up_threshold=0.9 --set clock.down_threshold=0.5)
  fi
  /usr/bin/time -f "%U %S" -o "$out/t_$1_$2" "$adasim" run -q --arch configs/default.json \
    --workload "$wl" "${extra[@]}" --out "$out/$1"
  local cycles
  cycles=$(python3 -c 'import json,sys; c = json.load(open(sys.argv[1]))["total"]["cycles"]
print(c["total"] - c["stall_by_cause"].get("dvfs", 0))' \
    "$out/$1/report.json")
  awk -v c="$cycles" -v m="$1" -v r="$2" '{ t = $1 + $2;
    printf "%s round %s: %.2f s CPU, %d cycles (halts excluded), %.1f ns/cycle\n", m, r, t, c, t * 1e9 / c }' \
    "$out/t_$1_$2" | tee -a "$out/lines"
}
for r in $(seq "$reps"); do run static "$r"; run schedule "$r"; run ondemand "$r"; done
median() { grep "^$1 " "$out/lines" | awk '{ print $(NF - 1) }' | sort -g |
  awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
s=$(median static); d=$(median schedule); o=$(median ondemand)
awk -v s="$s" -v d="$d" -v o="$o" 'BEGIN { printf "median ns per simulated cycle: static %.1f, schedule %.1f (ratio %.3f), ondemand %.1f (ratio %.3f)\n", s, d, d / s, o, o / s }'
