#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Measures how far the mapper's cycle estimate is from the simulated cycles, per layer.

Runs `adasim run` for every (config, workload) pair below, reads each layer's estimate
(schedule.search.estimated_cycles, what the mapper ranked the winner by) and its simulated cycles
(cycles.total) from report.json, and prints a Markdown table: layers compared, layers whose
estimate is exact, mean and largest |estimate - simulated| / simulated, and the signed error
of the network total. Usage (from the repository root, after building):

    scripts/estimate_error.py [--bin build/adasim] [--quick]

--quick runs the two smaller workloads (MobileNetV2, the BERT-base encoder layer) only.
--spatial measures the spatial arrays instead (SPATIAL_CONFIGS x SPATIAL_WORKLOADS).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

CONFIGS = [
    ("default (32x32, 12.8 GB/s)", "configs/default.json", []),
    ("default, ideal DRAM", "configs/default.json", ["memory.dram.ideal=true"]),
    ("tiny_8x8 (4 GB/s, 32 KiB)", "configs/tiny_8x8.json", []),
    ("adaptive_32x32", "configs/adaptive_32x32.json", []),
    ("tpu_like_128x128", "configs/tpu_like_128x128.json", []),
]
WORKLOADS = ["resnet50", "mobilenet_v2", "alexnet", "bert_base_encoder"]
# --spatial: the spatial arrays (NoC-fed PEs); with ideal memory the estimate equals the engine.
IDEAL = ["memory.dram.ideal=true", "memory.sram.0.ideal=true"]
SPATIAL_CONFIGS = [
    ("eyeriss_chip (0.72 GB/s)", "configs/eyeriss_chip.json", []),
    ("eyeriss_chip, ideal memory", "configs/eyeriss_chip.json", IDEAL + ["memory.sram.1.ideal=true"]),
    ("eyeriss_like_16x16 (25.6 GB/s)", "configs/eyeriss_like_16x16.json", []),
    ("eyeriss_like_16x16, ideal memory", "configs/eyeriss_like_16x16.json", IDEAL),
]
SPATIAL_WORKLOADS = ["ds_cnn_kws", "alexnet_eyeriss_conv"]


def run(binary, arch, sets, workload):
    with tempfile.TemporaryDirectory() as out:
        cmd = [binary, "run", "-q", "--arch", arch, "--workload",
               f"workloads/models/{workload}.json", "--out", out]
        for s in sets:
            cmd += ["--set", s]
        subprocess.run(cmd, check=True)
        with open(os.path.join(out, "report.json")) as f:
            return json.load(f)


def errors(report):
    rows = []
    for layer in report["layers"]:
        search = layer.get("schedule", {}).get("search")
        est = search and search.get("estimated_cycles", search.get("est_cycles"))
        if est is None:
            continue  # the vector unit's layers are not searched
        rows.append((est, layer["cycles"]["total"]))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/adasim")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--spatial", action="store_true")
    args = ap.parse_args()
    workloads = ["mobilenet_v2", "bert_base_encoder"] if args.quick else WORKLOADS
    configs = CONFIGS
    if args.spatial:
        workloads, configs = SPATIAL_WORKLOADS, SPATIAL_CONFIGS
    print("| config | workload | layers | exact | mean abs err | max abs err | total err |")
    print("|---|---|---|---|---|---|---|")
    for name, arch, sets in configs:
        for w in workloads:
            rows = errors(run(args.bin, arch, sets, w))
            if not rows:
                continue
            rel = [abs(e - s) / s for e, s in rows if s > 0]
            exact = sum(1 for e, s in rows if round(e) == s)
            tot_e = sum(e for e, _ in rows)
            tot_s = sum(s for _, s in rows)
            print(f"| {name} | {w} | {len(rows)} | {exact} | {100 * sum(rel) / len(rel):.2f}% | "
                  f"{100 * max(rel):.2f}% | {100 * (tot_e - tot_s) / tot_s:+.2f}% |")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
