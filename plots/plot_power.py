#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# V, f and power over time of an adasim run from its power.csv (`adasim run --power-trace`), with
# the layer boundaries: from report.csv's per-layer time_ns when given (exact), else where the
# power trace's `layer` column changes (to a window). Writes power.png.
"""Plot V, f and power over time from an adasim power.csv."""

import argparse
import csv
import os
import sys

REQUIRED = {"time_us", "window_us", "layer", "domain", "voltage_v", "freq_mhz", "block",
            "dynamic_mw", "leakage_mw"}


def read_trace(path):
    """Windows in time order: (start_us, length_us, layer, {domain: (V, f)}, {block: (dyn, leak)})."""
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        missing = REQUIRED - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: not an adasim power.csv (missing {sorted(missing)})")
        windows, by_start = [], {}
        for r in reader:
            start = float(r["time_us"])
            if start not in by_start:
                by_start[start] = (start, float(r["window_us"]), r["layer"], {}, {})
                windows.append(by_start[start])
            w = by_start[start]
            if r["voltage_v"]:
                w[3][r["domain"]] = (float(r["voltage_v"]), float(r["freq_mhz"]))
            w[4][(r["domain"], r["block"])] = (float(r["dynamic_mw"]), float(r["leakage_mw"]))
    if not windows:
        raise ValueError(f"{path}: no windows")
    return windows


def layer_starts_from_report(path):
    """(start_us, name) of every layer from report.csv's time_ns (the total row dropped)."""
    with open(path, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r.get("is_total") != "true" and r["layer"] != "total"]
    out, t = [], 0.0
    for r in rows:
        out.append((t, r["layer"]))
        t += float(r["time_ns"]) / 1e3
    return out


def layer_starts_from_trace(windows):
    out, last = [], None
    for start, _, layer, _, _ in windows:
        if layer != last:
            out.append((start, layer))
            last = layer
    return out


def steps(windows, value):
    """x, y of a step line over the windows (value(window) or None to skip a window)."""
    xs, ys = [], []
    for w in windows:
        v = value(w)
        if v is None:
            continue
        xs += [w[0], w[0] + w[1]]
        ys += [v, v]
    return xs, ys


def draw(plt, windows, layers, title, out_png):
    fig, (ax_v, ax_f, ax_p) = plt.subplots(3, 1, sharex=True, figsize=(11, 7.5),
                                          gridspec_kw={"height_ratios": [1, 1, 2]})
    domains = sorted({d for w in windows for d in w[3]})
    for d in domains:
        ax_v.plot(*steps(windows, lambda w, d=d: w[3].get(d, (None,))[0]), label=d)
        ax_f.plot(*steps(windows, lambda w, d=d: w[3].get(d, (None, None))[1]), label=d)
    ax_v.set_ylabel("V")
    ax_f.set_ylabel("f (MHz)")
    ax_v.legend(fontsize=8, loc="upper right")
    # Power: per domain, dynamic and leakage summed over its blocks.
    keys = sorted({k for w in windows for k in w[4]})
    pdomains = sorted({d for d, _ in keys})
    for d in pdomains:
        dyn = lambda w, d=d: sum(v[0] for (dd, _), v in w[4].items() if dd == d)
        leak = lambda w, d=d: sum(v[1] for (dd, _), v in w[4].items() if dd == d)
        ax_p.plot(*steps(windows, dyn), label=f"{d} dynamic", linewidth=1)
        ax_p.plot(*steps(windows, leak), label=f"{d} leakage", linewidth=1, linestyle="--")
    total = lambda w: sum(a + b for a, b in w[4].values())
    ax_p.plot(*steps(windows, total), label="total", color="black", linewidth=1.2)
    ax_p.set_ylabel("power (mW)")
    ax_p.set_xlabel("time (us)")
    ax_p.legend(fontsize=7, ncol=3, loc="upper right")
    end = windows[-1][0] + windows[-1][1]
    for ax in (ax_v, ax_f, ax_p):
        for start, _ in layers[1:]:
            ax.axvline(start, color="grey", linewidth=0.5, alpha=0.6)
        ax.set_xlim(0, end)
        ax.grid(axis="y", alpha=0.3)
    if len(layers) <= 40:  # names fit above the top panel
        for i, (start, name) in enumerate(layers):
            stop = layers[i + 1][0] if i + 1 < len(layers) else end
            if (stop - start) / end > 0.02:
                ax_v.text((start + stop) / 2, 1.02, name, transform=ax_v.get_xaxis_transform(),
                          ha="center", va="bottom", fontsize=6, rotation=60)
    fig.suptitle(title or "power trace", y=0.995)
    fig.tight_layout()
    fig.savefig(out_png, dpi=120)
    plt.close(fig)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("power_csv", help="power.csv of `adasim run --power-trace`")
    p.add_argument("--report", help="report.csv of the same run (exact layer boundaries)")
    p.add_argument("--title", default="", help="figure title")
    p.add_argument("-o", "--out", help="PNG file (default: power.png next to the CSV)")
    args = p.parse_args()
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("plot_power.py: matplotlib is not installed (apt-get install python3-matplotlib)",
              file=sys.stderr)
        return 2
    try:
        windows = read_trace(args.power_csv)
        layers = (layer_starts_from_report(args.report) if args.report
                  else layer_starts_from_trace(windows))
    except (OSError, ValueError, KeyError) as e:
        print(f"plot_power.py: {e}", file=sys.stderr)
        return 2
    out = args.out or os.path.join(os.path.dirname(os.path.abspath(args.power_csv)), "power.png")
    draw(plt, windows, layers, args.title, out)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
