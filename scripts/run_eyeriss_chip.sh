#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# AlexNet CONV1-5 on the Eyeriss chip (configs/eyeriss_chip.json, from Chen et al., "Eyeriss: An
# Energy-Efficient Reconfigurable Accelerator for Deep CNNs", JSSC 2017) at the chip's 16-bit
# widths: the paper's layer shapes (workloads/models/alexnet_eyeriss_conv.json) with every tensor
# widened to 16 bits, run at batch N (the paper's is 4). Prints per-layer cycles, time at the
# config's clock and energy, and the CONV1-5 frame rate beside the paper's 35 frames/s.
#   scripts/run_eyeriss_chip.sh [--out DIR] [--batch N] [--bin PATH] [--set key=value ...]
set -euo pipefail
cd "$(dirname "$0")/.."
out=out/eyeriss_chip batch=4 bin=build/adasim sets=()
source scripts/lib/options.sh
parse_options run_eyeriss_chip.sh --out=out --batch=batch --bin=bin --set=+sets -- "$@"
require_bin run_eyeriss_chip.sh "$bin"
mkdir -p "$out"
# 16-bit tensors: the 8-bit graph's scales per quantization level divided by 2^8, so the real
# range stays the same.
/usr/bin/python3 - "$out/alexnet_eyeriss_conv16.json" <<'PY'
import json, sys
g = json.load(open("workloads/models/alexnet_eyeriss_conv.json"))
g["name"] += "_16b"
for t in g["tensors"]:
    t["bits"] = 16
    t["scale"] = t.get("scale", 1.0) / 256
for l in g["layers"]:
    q = l.setdefault("weight_quant", {})
    q["bits"] = 16
    q["scale"] = q.get("scale", 1.0) / 256
json.dump(g, open(sys.argv[1], "w"), indent=1)
PY
"$bin" run -q --arch configs/eyeriss_chip.json --workload "$out/alexnet_eyeriss_conv16.json" \
  --batch "$batch" --seed 1 --out "$out/run" "${sets[@]}"
/usr/bin/python3 - "$out/run/report.json" "$batch" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
batch = int(sys.argv[2])
print("| layer | mapping | cycles | of which stall | time (ms) | energy (uJ) |")
print("|---|---|---|---|---|---|")
total_ns = 0.0
for l in r["layers"]:
    ns = l["time_ns"]
    total_ns += ns
    print(f"| {l['name']} | {l.get('dataflow', '')} | {l['cycles']['total']} | "
          f"{l['cycles']['stall']} | {ns / 1e6:.2f} | {l['energy_pj']['total'] / 1e6:.1f} |")
print(f"| CONV1-5 | | | | {total_ns / 1e6:.2f} | |")
print(f"\nbatch {batch}: {batch / (total_ns * 1e-9):.1f} frames/s (paper: 35 frames/s at batch 4)")
PY
