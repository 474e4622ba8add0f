#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Heatmap of one metric of an adasim sweep over two of its axes (one workload). Where other axes
# vary too, each cell shows the best (minimum) value over them, or --agg mean / max.
"""Draw a heatmap of one metric over two axes of an adasim sweep's results.csv."""

import argparse
import sys

from sweep_table import column_of, number, load_workload_rows, save, scaled, start_figure


def sort_key(v):
    n = number(v)
    return (0, n, "") if n is not None else (1, 0.0, v)


def grid(rows, x_axis, y_axis, col, agg):
    """(x values, y values, cells[y][x]) of `col` aggregated over the other axes."""
    xs = sorted({r[x_axis] for r in rows}, key=sort_key)
    ys = sorted({r[y_axis] for r in rows}, key=sort_key)
    cells = {}
    for r in rows:
        v = number(r.get(col))
        if r["status"] == "ok" and v is not None:
            cells.setdefault((r[y_axis], r[x_axis]), []).append(v)
    f = {"min": min, "max": max, "mean": lambda v: sum(v) / len(v)}[agg]
    return xs, ys, [[f(cells[(y, x)]) if (y, x) in cells else None for x in xs] for y in ys]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("results_csv", help="results.csv written by adasim sweep")
    ap.add_argument("--metric", default="energy", help="metric or column (default energy)")
    ap.add_argument("--x", required=True, help="axis column on x")
    ap.add_argument("--y", required=True, help="axis column on y")
    ap.add_argument("--workload", help="workload (default: the first in the file)")
    ap.add_argument("--agg", choices=["min", "mean", "max"], default="min",
                    help="how cells combine rows that differ in other axes (default min)")
    ap.add_argument("-o", "--out", help="PNG (default heatmap_<metric>_<x>_<y>.png beside the CSV)")
    args = ap.parse_args(argv)
    loaded = load_workload_rows("sweep_heatmap.py", args.results_csv, args.workload)
    if loaded is None:
        return 2
    axes, rows, workload = loaded
    for a in (args.x, args.y):
        if a not in axes:
            print(f"sweep_heatmap.py: '{a}' is not an axis column (axes: {', '.join(axes)})", file=sys.stderr)
            return 2
    col, label = column_of(args.metric)
    xs, ys, cells = grid(rows, args.x, args.y, col, args.agg)
    factor, label = scaled(col, label, [v for line in cells for v in line if v is not None])
    cells = [[None if v is None else v / factor for v in line] for line in cells]
    values = [v for line in cells for v in line if v is not None]
    figure = start_figure("sweep_heatmap.py",
                          "" if values else f"no finished rows with '{col}' for '{workload}'",
                          (1.2 * len(xs) + 3, 0.8 * len(ys) + 2.5))
    if figure is None:
        return 2
    fig, ax = figure
    masked = [[float("nan") if v is None else v for v in line] for line in cells]
    im = ax.imshow(masked, origin="lower", cmap="viridis_r", aspect="auto")
    lo, hi = min(values), max(values)
    for j, line in enumerate(cells):
        for i, v in enumerate(line):
            text = "n/a" if v is None else f"{v:.3g}"
            light = v is not None and hi > lo and (v - lo) / (hi - lo) > 0.5
            ax.text(i, j, text, ha="center", va="center", fontsize=8, color="white" if light else "black")
    ax.set_xticks(range(len(xs)), labels=xs)
    ax.set_yticks(range(len(ys)), labels=ys)
    ax.set_xlabel(args.x)
    ax.set_ylabel(args.y)
    others = [a for a in axes if a not in (args.x, args.y)]
    note = f" ({args.agg} over {', '.join(others)})" if others else ""
    ax.set_title(f"{workload}: {label}{note}", fontsize=10)
    fig.colorbar(im, ax=ax, label=label)
    return save(fig, args.out, args.results_csv, f"heatmap_{args.metric}_{args.x}_{args.y}.png")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
