#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Energy/MAC per dataflow, broken down by storage level, for the Eyeriss comparison.

Reads the adasim reports written by scripts/run_eyeriss.sh (RUNS/<dataflow>_<conv|fc>_n<batch>/report.json)
and draws two stacked-bar panels, AlexNet CONV1-5 and FC1-3, with the energy of ALU (MACs), RF,
NoC (array), global buffer and DRAM per MAC, in units of one MAC (the configs price accesses with
the paper's normalised costs). Also writes a Markdown summary with the ratios to RS.
"""
import argparse
import json
import os
import sys

DATAFLOWS = ["ws", "os_a", "os_b", "os_c", "nlr", "rs"]
LABELS = {"ws": "WS", "os_a": "OSA", "os_b": "OSB", "os_c": "OSC", "nlr": "NLR", "rs": "RS"}
LEVELS = ["ALU", "RF", "NoC", "buffer", "DRAM"]


def level_of(module, action):
    if module == "dram":
        return "DRAM"
    if module == "noc":
        return "NoC"
    if module == "pe_array":
        return "ALU" if action == "mac" else "RF"
    return "buffer"


def breakdown(report, prefix):
    """Energy by level and MACs over the layers whose name starts with prefix."""
    by_level = {lv: 0.0 for lv in LEVELS}
    macs = 0
    for layer in report["layers"]:
        if not layer["name"].startswith(prefix):
            continue
        macs += layer["macs"]
        for module, actions in layer["energy_pj"]["by_module"].items():
            for action, pj in actions.items():
                if action != "total":
                    by_level[level_of(module, action)] += pj
    return by_level, macs


def load(runs, dataflow, part, batch):
    path = os.path.join(runs, f"{dataflow}_{part}_n{batch}", "report.json")
    if not os.path.exists(path):
        sys.exit(f"plot_eyeriss.py: {path}: no report (run scripts/run_eyeriss.sh first)")
    with open(path) as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", required=True)
    ap.add_argument("--conv-batch", type=int, default=1)
    ap.add_argument("--fc-batch", type=int, default=16)
    ap.add_argument("--out", required=True, help="PNG to write (a .md summary is written beside it)")
    a = ap.parse_args()

    panels = [("conv", "CONV1-5", a.conv_batch), ("fc", "FC1-3", a.fc_batch)]
    data = {}
    for key, _, batch in panels:
        for df in DATAFLOWS:
            lv, macs = breakdown(load(a.runs, df, key, batch), key)
            data[(key, df)] = {k: v / macs for k, v in lv.items()}

    lines = ["# Eyeriss dataflow comparison (adasim)", "",
             "Energy per MAC in units of one MAC's energy (normalised access costs ALU 1, RF 1, "
             "NoC 2, buffer 6, DRAM 200), 256 PEs, equal storage area.", ""]
    for key, title, batch in panels:
        rs = sum(data[(key, "rs")].values())
        lines += [f"## AlexNet {title}, batch {batch}", "",
                  "| dataflow | " + " | ".join(LEVELS) + " | total | vs RS |",
                  "|---|" + "---|" * (len(LEVELS) + 2)]
        for df in DATAFLOWS:
            d = data[(key, df)]
            tot = sum(d.values())
            lines.append(f"| {LABELS[df]} | " + " | ".join(f"{d[lv]:.2f}" for lv in LEVELS) +
                         f" | {tot:.2f} | {tot / rs:.2f}x |")
        lines.append("")
    md = os.path.splitext(a.out)[0] + ".md"
    with open(md, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    colors = {"ALU": "#4c72b0", "RF": "#55a868", "NoC": "#c44e52", "buffer": "#8172b2", "DRAM": "#ccb974"}
    for ax, (key, title, batch) in zip(axes, panels):
        bottom = [0.0] * len(DATAFLOWS)
        for lv in LEVELS:
            vals = [data[(key, df)][lv] for df in DATAFLOWS]
            ax.bar([LABELS[d] for d in DATAFLOWS], vals, bottom=bottom, color=colors[lv], label=lv)
            bottom = [b + v for b, v in zip(bottom, vals)]
        ax.set_title(f"AlexNet {title}, batch {batch}")
        ax.set_ylabel("normalised energy / MAC")
    axes[0].legend(loc="upper left", fontsize=8)
    fig.suptitle("adasim: dataflows on 256 PEs, equal storage area (Chen et al., ISCA 2016 setup)")
    fig.tight_layout()
    fig.savefig(a.out, dpi=120)
    print(f"wrote {a.out} and {md}")


if __name__ == "__main__":
    main()
