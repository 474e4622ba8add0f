#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Issue 14's published check: the Eyeriss chip (configs/eyeriss_chip.json) on AlexNet CONV1-5 at
# its nominal point (200 MHz, 1.0 V) and at the 0.82 V point of its operating-point table, whose
# frequency (142 MHz) is the highest the config's delay model allows at 0.82 V. Chen et al.
# (JSSC 2017) measure 83.1 GMACS/W at 1.0 V and 122.8 GMACS/W at 0.82 V. adasim's efficiency is
# MACs over on-chip energy (everything but the DRAM, as the chip's measured power excludes it).
# Writes plots/results/eyeriss_dvfs.md (or OUT_MD) and prints it.
#   scripts/run_eyeriss_dvfs.sh [--out DIR] [--md FILE] [--bin PATH]   (about 1 CPU-minute)
set -euo pipefail
cd "$(dirname "$0")/.."
out=out/eyeriss_dvfs md=plots/results/eyeriss_dvfs.md bin=build/adasim
source scripts/lib/options.sh
parse_options run_eyeriss_dvfs.sh --out=out --md=md --bin=bin -- "$@"
scripts/run_eyeriss_chip.sh --bin "$bin" --out "$out/nominal" >/dev/null
scripts/run_eyeriss_chip.sh --bin "$bin" --out "$out/low" \
  --set clock.policy=fixed --set clock.fixed_freq_mhz=142 >/dev/null
mkdir -p "$(dirname "$md")"
/usr/bin/python3 - "$out/nominal/run/report.json" "$out/low/run/report.json" >"$md" <<'PY'
import json, sys

paper = {"1V": 83.1, "0.82V": 122.8}  # GMACS/W, Chen et al., JSSC 2017
rows = []
for path in sys.argv[1:]:
    t = json.load(open(path))["total"]
    e = t["energy_pj"]
    dram = e["by_module"]["dram"]["total"]
    chip = e["total"] - dram
    dyn = e["dynamic"] - dram
    (point,) = t["time_ns_at_point"].keys()
    rows.append(dict(point=point, ms=t["time_ns"] / 1e6, macs=t["macs"], chip_uj=chip / 1e6,
                     dyn_uj=dyn / 1e6, leak_uj=e["leakage"] / 1e6,
                     mw=chip / t["time_ns"], gmacs_w=t["macs"] / chip * 1e3))
print("AlexNet CONV1-5, batch 4, 16-bit, on `configs/eyeriss_chip.json` "
      "(`scripts/run_eyeriss_dvfs.sh`).\n")
print("| point | time (ms) | on-chip energy (uJ) | of which dynamic / leakage | on-chip power (mW) "
      "| GMACS/W adasim | GMACS/W paper |")
print("|---|---|---|---|---|---|---|")
for r, key in zip(rows, ["1V", "0.82V"]):
    print(f"| {r['point']} | {r['ms']:.1f} | {r['chip_uj']:.0f} | {r['dyn_uj']:.0f} / "
          f"{r['leak_uj']:.0f} | {r['mw']:.1f} | {r['gmacs_w']:.1f} | {paper[key]} |")
hi, lo = rows
print(f"\nGain from 1.0 V to 0.82 V: adasim {lo['gmacs_w'] / hi['gmacs_w']:.3f}x on-chip, "
      f"{hi['dyn_uj'] / lo['dyn_uj']:.3f}x dynamic only (1 / 0.82^2 = {1 / 0.82**2:.3f}); "
      f"paper {paper['0.82V'] / paper['1V']:.3f}x.")
PY
cat "$md"
