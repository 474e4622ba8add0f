#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# 2-D Pareto front of an adasim sweep: every row of results.csv (one workload) at (x, y);
# dominated rows grey, infeasible rows (a post-run constraint broken) as red crosses, the front
# in colour, joined by a step line and labelled with the point's axis values.
"""Draw the 2-D Pareto front of two metrics of an adasim sweep's results.csv."""

import argparse
import sys

from sweep_table import column_of, number, pareto_2d, load_workload_rows, save, start_figure


def label(row, axes):
    return ", ".join(f"{a}={row[a]}" for a in axes if row.get(a, "") != "")


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
                          (8, 6))
    if figure is None:
        return 2
    fig, ax = figure
    on = set(opt)
    dom = [r for i, r in enumerate(usable) if i not in on]
    ax.scatter([number(r[x_col]) for r in dom], [number(r[y_col]) for r in dom], s=18,
               color="0.7", label=f"dominated ({len(dom)})", zorder=1)
    bad = [r for r in rows if r["status"] == "ok" and r.get("feasible") == "false"]
    if bad:
        ax.scatter([number(r[x_col]) for r in bad], [number(r[y_col]) for r in bad], s=18,
                   marker="x", color="tab:red", alpha=0.5, label=f"infeasible ({len(bad)})")
    fr = [usable[i] for i in opt]
    fx, fy = [number(r[x_col]) for r in fr], [number(r[y_col]) for r in fr]
    ax.step(fx, fy, where="post", color="tab:blue", lw=1, zorder=2)
    ax.scatter(fx, fy, s=36, color="tab:blue", label=f"Pareto-optimal ({len(fr)})", zorder=3)
    shown = varying(fr, axes)
    x_mid = (min(fx) + max(fx)) / 2
    for k, (r, x, y) in enumerate(zip(fr, fx, fy)):
        right = x > x_mid  # labels of the right half point left, so they stay inside the plot
        ax.annotate(label(r, shown), (x, y), textcoords="offset points",
                    xytext=(-6 if right else 6, 6 if k % 2 == 0 else -12),
                    ha="right" if right else "left", fontsize=7, color="tab:blue")
    if args.log:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    shared = [a for a in axes if a not in shown and fr and fr[0].get(a, "") != ""]
    common = f"\nevery optimal point: {label(fr[0], shared)}" if shared and len(fr) > 1 else ""
    ax.set_title(f"{workload}: {args.y} vs {args.x}{common}", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper right", fontsize=8)
    return save(fig, args.out, args.results_csv, f"pareto_{args.x}_{args.y}.png")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
