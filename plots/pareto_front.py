#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# 2-D Pareto front of an adasim sweep: every row of results.csv (one workload) at (x, y);
# dominated rows grey, infeasible rows (a post-run constraint broken) as red crosses, the front
# in colour, joined by a step line, numbered, and the numbers' axis values listed beside the
# plot (rows at the same (x, y) share a number: their differing values are joined by "/").
"""Draw the 2-D Pareto front of two metrics of an adasim sweep's results.csv."""

import argparse
import sys

from sweep_table import (column_of, number, pareto_2d, load_workload_rows, save, scaled,
                         start_figure)


def label(row, axes):
    return ", ".join(f"{a}={row[a]}" for a in axes if row.get(a, "") != "")


def merged_label(rows, axes):
    """One label for rows at the same point: each axis's values, joined by "/" where they differ."""
    parts = []
    for a in axes:
        vals = []
        for r in rows:
            if r.get(a, "") != "" and r[a] not in vals:
                vals.append(r[a])
        if vals:
            parts.append(f"{a}={'/'.join(vals)}")
    return ", ".join(parts)


def varying(rows, axes):
    """The axes whose value differs between `rows` (labels leave out what all share)."""
    return [a for a in axes if len({r.get(a, "") for r in rows}) > 1] or axes


def front(rows, x_col, y_col):
    """(rows that ran and are feasible with both metrics, indices of their 2-D front)."""
    usable = [r for r in rows if r["status"] == "ok" and r.get("feasible", "true") == "true"
              and number(r.get(x_col)) is not None and number(r.get(y_col)) is not None]
    pts = [(number(r[x_col]), number(r[y_col])) for r in usable]
    return usable, pareto_2d(pts)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("results_csv", help="results.csv written by adasim sweep")
    ap.add_argument("--x", default="latency", help="metric or column on x (default latency)")
    ap.add_argument("--y", default="energy", help="metric or column on y (default energy)")
    ap.add_argument("--workload", help="workload to plot (default: the first in the file)")
    ap.add_argument("-o", "--out", help="PNG to write (default pareto_<x>_<y>.png beside the CSV)")
    ap.add_argument("--log", action="store_true", help="logarithmic axes")
    ap.add_argument("--print-front", action="store_true",
                    help="print the front's point numbers, one per line, and draw nothing")
    args = ap.parse_args(argv)
    loaded = load_workload_rows("pareto_front.py", args.results_csv, args.workload)
    if loaded is None:
        return 2
    axes, rows, workload = loaded
    (x_col, x_label), (y_col, y_label) = column_of(args.x), column_of(args.y)
    usable, opt = front(rows, x_col, y_col)
    if args.print_front:
        for i in opt:
            print(usable[i]["point"])
        return 0
    figure = start_figure("pareto_front.py",
                          "" if usable else f"no finished feasible rows for workload '{workload}'",
                          (13, 6))
    if figure is None:
        return 2
    fig, ax = figure
    on = set(opt)
    all_x = [number(r[x_col]) for r in usable] or [1.0]
    all_y = [number(r[y_col]) for r in usable] or [1.0]
    fx_scale, x_label = scaled(x_col, x_label, all_x)
    fy_scale, y_label = scaled(y_col, y_label, all_y)
    xy = lambda r: (number(r[x_col]) / fx_scale, number(r[y_col]) / fy_scale)
    dom = [r for i, r in enumerate(usable) if i not in on]
    ax.scatter([xy(r)[0] for r in dom], [xy(r)[1] for r in dom], s=18,
               color="0.7", label=f"dominated ({len(dom)})", zorder=1)
    bad = [r for r in rows if r["status"] == "ok" and r.get("feasible") == "false"]
    if bad:
        ax.scatter([xy(r)[0] for r in bad], [xy(r)[1] for r in bad], s=18,
                   marker="x", color="tab:red", alpha=0.5, label=f"infeasible ({len(bad)})")
    # The front in x order (the step line needs it); rows at one (x, y) share a number.
    fr = sorted((usable[i] for i in opt), key=lambda r: xy(r))
    spots = []
    for r in fr:
        if spots and spots[-1][0] == xy(r):
            spots[-1][1].append(r)
        else:
            spots.append((xy(r), [r]))
    fx, fy = [p[0] for p, _ in spots], [p[1] for p, _ in spots]
    ax.step(fx, fy, where="post", color="tab:blue", lw=1, zorder=2)
    ax.scatter(fx, fy, s=36, color="tab:blue", label=f"Pareto-optimal ({len(fr)} rows)", zorder=3)
    shown = varying(fr, axes)
    key = []
    for k, ((x, y), group) in enumerate(spots, start=1):
        ax.annotate(str(k), (x, y), textcoords="offset points", xytext=(5, 4), fontsize=8,
                    color="tab:blue", fontweight="bold")
        key.append(f"{k}: {merged_label(group, shown)}")
    fig.text(0.66, 0.93, "Pareto-optimal points\n" + "\n".join(key), va="top", ha="left",
             fontsize=8, family="monospace", color="tab:blue")
    if args.log:
        from matplotlib.ticker import FuncFormatter
        plain = FuncFormatter(lambda v, _: f"{v:g}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(plain)
            axis.set_minor_formatter(plain)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    shared = [a for a in axes if a not in shown and fr and fr[0].get(a, "") != ""]
    common = f"\nevery optimal point: {label(fr[0], shared)}" if shared and len(fr) > 1 else ""
    ax.set_title(f"{workload}: {args.y} vs {args.x}{common}", fontsize=10)
    ax.grid(True, alpha=0.3, which="both")
    ax.legend(loc="best", fontsize=8)
    return save(fig, args.out, args.results_csv, f"pareto_{args.x}_{args.y}.png",
                rect=(0, 0, 0.65, 1))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
