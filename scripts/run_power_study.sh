#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Issue 14 part 6: MobileNetV2 and the DS-CNN on configs/adaptive_32x32.json (operating points
# 400 MHz @ 0.7 V, 800 @ 0.9, 1000 @ 1.0) under a deadline, with the DVFS policies static-max
# (`fixed` at 1000 MHz), per_layer (the mapper's knapsack under the deadline) and ondemand (when
# `adasim list dvfs` has it; sampling every 10 us with its default thresholds, up above 0.8 busy,
# down at or below 0.2: a governor knows no deadline), each with gating off (a `power` section that gates nothing: the clock
# networks still cost energy) and on (clock gating of every block, per_layer power gating of the
# PEs, vector lanes and SRAM banks). Deadline per workload: the midpoint of the static-max and
# static-min (`fixed` at 400 MHz) times, D = (T_max + T_min) / 2: static-max meets it, static-min
# does not, so the adaptive policies have to mix points. Energy saved is against static-max with
# gating off. Every run: mapper.objective=energy, --fidelity fast --no-values (the same figures as
# cycle mode, tests/unit/cli/fast_mode_test.cpp). Transitions: 50 mV/us regulator, 2 us PLL relock,
# 50 nF rail, 85 % efficient regulator.
# Writes plots/results/power_study.md (or --md FILE) and prints it; also a power trace of the
# DS-CNN under per_layer with gating (out/power_study/ds_cnn_trace/power.csv, and power.png when
# matplotlib is present).
#   scripts/run_power_study.sh [--out DIR] [--md FILE] [--bin PATH]   (a few CPU-minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
out=out/power_study md=plots/results/power_study.md bin=build/adasim
source scripts/lib/options.sh
parse_options run_power_study.sh --out=out --md=md --bin=bin -- "$@"
arch=configs/adaptive_32x32.json
transition='clock.transition={"slew_mv_per_us": 50, "relock_us": 2, "supply_cap_nf": 50, "regulator_efficiency": 0.85}'
gating_off='power={"clock_gating": [], "policy": "none"}'
gating_on='power={"clock_gating": ["pe_array", "vector_unit", "gbuf", "noc"], "policy": "per_layer", "power_gated": ["pe_array", "vector_unit", "gbuf"]}'
policies="static_max per_layer"
if "$bin" list dvfs | grep -q '^  ondemand:'; then policies="$policies ondemand"; fi

# run NAME WORKLOAD GATING POLICY-ARGS...: one run into $out/NAME (its error in $out/NAME.err).
run() {
  local name="$1" wl="$2" gating="$3"
  shift 3
  rm -rf "${out:?}/$name"
  mkdir -p "$(dirname "$out/$name")"
  if ! "$bin" run -q --arch "$arch" --workload "$wl" --fidelity fast --no-values \
      --set mapper.objective=energy --set "$transition" --set "$gating" "$@" \
      --out "$out/$name" 2>"$out/$name.err"; then
    echo "run_power_study.sh: $name failed: $(head -c 300 "$out/$name.err")" >&2
  fi
}
total_us() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"]["time_ns"] / 1e3)' "$1"; }

mkdir -p "$out"
declare -A deadline
for wl in mobilenet_v2 ds_cnn_kws; do
  file=workloads/models/$wl.json
  run "$wl/static_min" "$file" "$gating_off" --set clock.policy=fixed --set clock.fixed_freq_mhz=400
  for g in off on; do
    gv=$gating_off; [[ $g == on ]] && gv=$gating_on
    run "$wl/static_max_$g" "$file" "$gv" --set clock.policy=fixed --set clock.fixed_freq_mhz=1000
  done
  tmin=$(total_us "$out/$wl/static_min/report.json")
  tmax=$(total_us "$out/$wl/static_max_off/report.json")
  deadline[$wl]=$(/usr/bin/python3 -c "print(round(($tmin + $tmax) / 2, 3))")
  for g in off on; do
    gv=$gating_off; [[ $g == on ]] && gv=$gating_on
    run "$wl/per_layer_$g" "$file" "$gv" --set clock.policy=per_layer \
      --set "clock.deadline_us=${deadline[$wl]}"
    if [[ $policies == *ondemand* ]]; then
      run "$wl/ondemand_$g" "$file" "$gv" --set clock.policy=ondemand --set clock.sample_us=10
    fi
  done
done

# A power trace to look at: the DS-CNN under per_layer with gating.
rm -rf "$out/ds_cnn_trace"
"$bin" run -q --arch "$arch" --workload workloads/models/ds_cnn_kws.json --fidelity fast \
  --no-values --set mapper.objective=energy --set "$transition" --set "$gating_on" \
  --set clock.policy=per_layer --set "clock.deadline_us=${deadline[ds_cnn_kws]}" \
  --power-trace --power-window-us 0.5 --out "$out/ds_cnn_trace"
if /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
  plots/plot_power.py "$out/ds_cnn_trace/power.csv" --report "$out/ds_cnn_trace/report.csv" \
    --title "DS-CNN, per_layer DVFS, gating on (deadline ${deadline[ds_cnn_kws]} us)" >/dev/null
fi

mkdir -p "$(dirname "$md")"
/usr/bin/python3 - "$out" "$policies" "${deadline[mobilenet_v2]}" "${deadline[ds_cnn_kws]}" \
  >"$md" <<'PY'
import json, os, sys

out, policies = sys.argv[1], sys.argv[2].split()
deadlines = {"mobilenet_v2": float(sys.argv[3]), "ds_cnn_kws": float(sys.argv[4])}
names = {"mobilenet_v2": "MobileNetV2", "ds_cnn_kws": "DS-CNN (KWS)"}


def load(wl, run):
    path = os.path.join(out, wl, run, "report.json")
    return json.load(open(path))["total"] if os.path.exists(path) else None


print("Issue 14 part 6 on `configs/adaptive_32x32.json` (400 MHz @ 0.7 V, 800 @ 0.9, 1000 @ 1.0), "
      "written by `scripts/run_power_study.sh`. Deadline D = (T(static-min) + T(static-max)) / 2; "
      "energy saved against static-max with gating off.\n")
print("| workload | policy | gating | time (us) | deadline (us) | met | energy (uJ) | saved "
      "| transitions | transition time (us) | transition energy (nJ) |")
print("|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|")
for wl in ("mobilenet_v2", "ds_cnn_kws"):
    base = load(wl, "static_max_off")
    tmin = load(wl, "static_min")
    d = deadlines[wl]
    if tmin:
        print(f"| {names[wl]} | static-min | off | {tmin['time_ns'] / 1e3:.1f} | {d:.1f} | "
              f"{'yes' if tmin['time_ns'] / 1e3 <= d else 'no'} | "
              f"{tmin['energy_pj']['total'] / 1e6:.2f} | "
              f"{100 * (1 - tmin['energy_pj']['total'] / base['energy_pj']['total']):.1f} % "
              f"| 0 | 0.0 | 0.0 |")
    for p in policies:
        for g in ("off", "on"):
            t = load(wl, f"{p}_{g}")
            label = p.replace("_", "-")
            if t is None:
                print(f"| {names[wl]} | {label} | {g} | failed | {d:.1f} | - | - | - | - | - | - |")
                continue
            us = t["time_ns"] / 1e3
            e = t["energy_pj"]["total"]
            dv = t.get("dvfs", {"transitions": 0, "transition_ns": 0, "transition_pj": 0})
            print(f"| {names[wl]} | {label} | {g} | {us:.1f} | {d:.1f} | "
                  f"{'yes' if us <= d * (1 + 1e-9) else 'no'} | {e / 1e6:.2f} | "
                  f"{100 * (1 - e / base['energy_pj']['total']):.1f} % | {dv['transitions']} | "
                  f"{dv['transition_ns'] / 1e3:.1f} | {dv['transition_pj'] / 1e3:.1f} |")
if "ondemand" not in policies:
    print("\nondemand: not registered in this build (`adasim list dvfs`), so not run.")
PY
cat "$md"
