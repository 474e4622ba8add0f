#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Per-layer plots of an adasim run from report.csv (optionally report.json for titles):
# cycles.png (compute vs stall cycles, stalls split by cause) and energy.png (energy by module).
"""Plot per-layer cycles and energy of an adasim run from its report.csv."""

import argparse
import csv
import json
import os
import sys

FIXED_STALL = "cycles_stall"


def read_rows(csv_path):
    """Layer rows (the final 'total' row dropped) and the header of report.csv."""
    with open(csv_path, newline="") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        rows = list(reader)
    required = {"layer", "cycles_compute", "cycles_stall", "energy_pj_total"}
    missing = required - set(header)
    if missing:
        raise ValueError(f"{csv_path}: not an adasim report.csv (missing {sorted(missing)})")
    if "is_total" in header:  # the marked total row (reports since the run metadata change)
        rows = [r for r in rows if r["is_total"] != "true"]
    elif rows and rows[-1]["layer"] == "total":
        rows = rows[:-1]
    return header, rows


def title_from_json(json_path):
    if not json_path:
        return ""
    with open(json_path) as f:
        meta = json.load(f).get("adasim", {})
    arch = meta.get("arch", {}).get("name", "")
    wl = meta.get("workload", {}).get("name", "")
    return f"{wl} on {arch}" if arch or wl else ""


def stacked_bars(ax, labels, series):
    """series: list of (legend name, values); draws them stacked, bottom to top."""
    bottom = [0.0] * len(labels)
    x = list(range(len(labels)))
    for name, values in series:
        ax.bar(x, values, bottom=bottom, label=name, width=0.8)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_xticks(x)
    ax.set_xticklabels(labels, rotation=60 if len(labels) > 6 else 0,
                       ha="right" if len(labels) > 6 else "center", fontsize=8)
    ax.legend(fontsize=8)


def plot_cycles(plt, header, rows, out_dir, title):
    labels = [r["layer"] for r in rows]
    causes = [c for c in header if c.startswith("stall_")]
    series = [("compute", [float(r["cycles_compute"]) for r in rows])]
    explained = [0.0] * len(rows)
    for c in causes:
        values = [float(r[c]) for r in rows]
        if any(values):
            series.append((f"stall: {c[len('stall_'):]}", values))
            explained = [e + v for e, v in zip(explained, values)]
    other = [max(0.0, float(r[FIXED_STALL]) - e) for r, e in zip(rows, explained)]
    if any(other):
        series.append(("stall: other", other))
    fig, ax = plt.subplots(figsize=(max(6.0, 0.45 * len(rows) + 2.0), 4.5))
    stacked_bars(ax, labels, series)
    ax.set_ylabel("cycles")
    ax.set_title(("Cycles per layer" + (f" - {title}" if title else "")))
    fig.tight_layout()
    path = os.path.join(out_dir, "cycles.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_energy(plt, header, rows, out_dir, title):
    labels = [r["layer"] for r in rows]
    modules = [c for c in header if c.startswith("energy_pj_")
               and c not in ("energy_pj_total", "energy_pj_dynamic", "energy_pj_leakage")]
    peak = max([float(r["energy_pj_total"]) for r in rows] + [0.0])
    scale, unit = (1e6, "uJ") if peak >= 1e6 else ((1e3, "nJ") if peak >= 1e3 else (1.0, "pJ"))
    series = []
    for c in modules:
        values = [float(r[c]) / scale for r in rows]
        if any(values):
            series.append((c[len("energy_pj_"):], values))
    if not series:  # old or module-less report: show the total only
        series = [("total", [float(r["energy_pj_total"]) / scale for r in rows])]
    fig, ax = plt.subplots(figsize=(max(6.0, 0.45 * len(rows) + 2.0), 4.5))
    stacked_bars(ax, labels, series)
    ax.set_ylabel(f"energy ({unit})")
    ax.set_title(("Energy per layer by module" + (f" - {title}" if title else "")))
    fig.tight_layout()
    path = os.path.join(out_dir, "energy.png")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__ + " Writes cycles.png and energy.png.")
    ap.add_argument("report_csv", help="report.csv written by adasim")
    ap.add_argument("--json", help="report.json of the same run (used for the plot titles)")
    ap.add_argument("-o", "--out-dir", help="where to write the PNGs (default: the CSV's folder)")
    args = ap.parse_args(argv)

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("plot_report.py needs matplotlib: apt-get install -y python3-matplotlib",
              file=sys.stderr)
        return 2

    try:
        header, rows = read_rows(args.report_csv)
        title = title_from_json(args.json)
    except (OSError, ValueError, json.JSONDecodeError) as e:
        print(f"plot_report.py: {e}", file=sys.stderr)
        return 2
    if not rows:
        print(f"plot_report.py: {args.report_csv} has no layer rows", file=sys.stderr)
        return 2
    out_dir = args.out_dir or os.path.dirname(os.path.abspath(args.report_csv))
    os.makedirs(out_dir, exist_ok=True)
    for path in (plot_cycles(plt, header, rows, out_dir, title),
                 plot_energy(plt, header, rows, out_dir, title)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
