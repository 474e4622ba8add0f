# SPDX-License-Identifier: Apache-2.0
"""Reading an adasim sweep's results.csv (shared by pareto_front.py and sweep_heatmap.py).

Only the documented columns (docs/sweep.md) are used: `point`, `workload`, the axis columns
(between `workload` and `config_hash`), `status`, `feasible` and the metric columns.
"""

import csv

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
