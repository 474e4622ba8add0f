# SPDX-License-Identifier: Apache-2.0
"""Reading an adasim sweep's results.csv (shared by pareto_front.py and sweep_heatmap.py).

Only the documented columns (docs/sweep.md) are used: `point`, `workload`, the axis columns
(between `workload` and `config_hash`), `status`, `feasible` and the metric columns.
"""

import csv
import os
import sys

# Objective / metric names of the sweep spec -> results.csv columns; any other column name is
# taken as it is.
METRICS = {
    "latency": ("time_ns", "latency [ns]"),
    "energy": ("energy_pj_total", "energy [pJ]"),
    "area": ("area_mm2", "area [mm$^2$]"),
    "edp": ("edp_pj_ns", "EDP [pJ ns]"),
    "power": ("power_mw", "power [mW]"),
    "cycles": ("cycles_total", "cycles"),
}


def column_of(metric):
    """(column, axis label) of a metric name or a plain column name."""
    return METRICS.get(metric, (metric, metric))


# Readable units for the large metrics: column -> (unit, [(factor, unit), ...] largest first).
UNITS = {
    "time_ns": ("ns", [(1e9, "s"), (1e6, "ms"), (1e3, "us")]),
    "energy_pj_total": ("pJ", [(1e12, "J"), (1e9, "mJ"), (1e6, "uJ"), (1e3, "nJ")]),
}


def scaled(col, label, values):
    """(factor, label) showing `values` of `col` in a unit where the largest is >= 1, e.g. ms
    instead of ns: divide by factor; the label's unit is replaced."""
    if col not in UNITS or not values:
        return 1.0, label
    base, steps = UNITS[col]
    top = max(abs(v) for v in values)
    for factor, unit in steps:
        if top >= factor:
            return factor, label.replace(f"[{base}]", f"[{unit}]")
    return 1.0, label


def read_results(path):
    """(axis column names, rows as dicts) of a sweep's results.csv; ValueError if it is not one."""
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        rows = list(reader)
    for needed in ("point", "workload", "config_hash", "status"):
        if needed not in header:
            raise ValueError(f"{path}: not an adasim sweep results.csv (no '{needed}' column)")
    axes = header[header.index("workload") + 1:header.index("config_hash")]
    return axes, rows


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def pareto_2d(points):
    """Indices of the (x, y) pairs no other pair dominates (both minimised): a dominates b when
    a <= b in both and a < b in one. Sorted by x, then y: a point is optimal iff its y is below
    every y seen at a strictly smaller x, and no earlier point with the same x has a lower y."""
    order = sorted(range(len(points)), key=lambda i: points[i])
    best_y = float("inf")
    out = []
    k = 0
    while k < len(order):
        x = points[order[k]][0]
        group = []
        while k < len(order) and points[order[k]][0] == x:
            group.append(order[k])
            k += 1
        y_min = points[group[0]][1]
        if y_min < best_y:
            out.extend(i for i in group if points[i][1] == y_min)
            best_y = y_min
    return sorted(out)


def pyplot(tool):
    """matplotlib.pyplot on the Agg backend, or None after telling the user how to install it."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"{tool}: matplotlib missing (apt-get install python3-matplotlib)", file=sys.stderr)
        return None
    return plt


def save(fig, out, results_csv, default_name, rect=None):
    """Writes the figure to `out` (default: `default_name` beside the CSV) and prints the path;
    `rect` (left, bottom, right, top in figure fractions) is where the axes go, leaving the rest
    to text placed beside them."""
    out = out or os.path.join(os.path.dirname(os.path.abspath(results_csv)), default_name)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    fig.tight_layout(rect=rect)
    fig.savefig(out, dpi=120)
    print(out)
    return 0


def load_workload_rows(tool, results_csv, workload):
    """(axis columns, the rows of `workload` (default: the file's first), its name), or None after
    printing why the file cannot be read."""
    try:
        axes, rows = read_results(results_csv)
    except (OSError, ValueError) as e:
        print(f"{tool}: {e}", file=sys.stderr)
        return None
    workload = workload or (rows[0]["workload"] if rows else "")
    return axes, [r for r in rows if r["workload"] == workload], workload


def start_figure(tool, nothing_to_draw, figsize):
    """(fig, ax) for a plot, or None after printing why not: `nothing_to_draw` (a reason, or "" when
    there is data) or a missing matplotlib."""
    if nothing_to_draw:
        print(f"{tool}: {nothing_to_draw}", file=sys.stderr)
        return None
    plt = pyplot(tool)
    return None if plt is None else plt.subplots(figsize=figsize)
