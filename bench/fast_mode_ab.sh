#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Two adasim binaries side by side on ResNet-50 (configs/default.json), interleaved over REPS
# rounds so that a shared machine's load hits both alike: the timing-only fast run
# (--fidelity fast --no-values), the mapping alone (map --no-simulate) and the fast run with
# values. Prints the best and every CPU time (user + sys, one core) per binary and mode, and
# checks that both binaries' reports are equal (but for nothing: same cycles, stalls, energy).
# Usage: bench/fast_mode_ab.sh OLD_ADASIM NEW_ADASIM [reps]. Figures: bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bins=("$1" "$2")
reps="${3:-3}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
base=(--arch configs/default.json --workload workloads/models/resnet50.json)
declare -A args=([timing]="run -q --fidelity fast --no-values" [mapping]="map --no-simulate"
                 [values]="run -q --fidelity fast")
for _ in $(seq "$reps"); do
  for m in timing mapping values; do
    for i in 0 1; do
      dest=()
      [ "$m" = mapping ] || dest=(--out "$out/rep_${m}_$i")
      # shellcheck disable=SC2086
      /usr/bin/time -f "%U %S" -o "$out/t" "${bins[$i]}" ${args[$m]} "${base[@]}" "${dest[@]}" \
        >/dev/null
      awk '{ print $1 + $2 }' "$out/t" >>"$out/${m}_$i"
    done
  done
done
for m in timing mapping values; do
  for i in 0 1; do
    printf '%-8s %s: best %.2f s CPU, all: %s\n' "$m" "$([ $i = 0 ] && echo old || echo new)" \
      "$(sort -g "$out/${m}_$i" | head -1)" "$(tr '\n' ' ' <"$out/${m}_$i")"
  done
done
for m in timing values; do
  cmp -s "$out/rep_${m}_0/report.json" "$out/rep_${m}_1/report.json" &&
    echo "$m: reports identical" || echo "$m: reports DIFFER"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
