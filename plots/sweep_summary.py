#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# What a design-space study shows, as Markdown tables, from an adasim sweep's results.csv: per
# workload the Pareto-optimal points (the CSV's `pareto` column, for the spec's objectives), and
# for a two-valued axis (e.g. a fixed dataflow vs `auto`, 8-bit vs precision-scalable PEs) how
# the rows that differ only in that axis compare (latency, energy and area ratios).
"""Summarise an adasim sweep's results.csv as Markdown tables (Pareto points, axis pairs)."""

import argparse
import statistics
import sys

from sweep_table import number, read_results


def ok_rows(rows):
    return [r for r in rows if r["status"] == "ok" and number(r.get("time_ns")) is not None]


def workloads_of(rows):
    out = []
    for r in rows:
        if r["workload"] not in out:
            out.append(r["workload"])
    return out


def label(row, axes):
    return ", ".join(f"{a}={row[a]}" for a in axes)


def pareto_table(rows, axes):
    """Per workload: rows that ran, Pareto-optimal ones, and the optimal rows that are fastest,
    lowest in energy and smallest."""
    lines = ["| workload | rows ok | Pareto-optimal | fastest optimal point | lowest-energy optimal "
             "point | smallest optimal point |", "|---|---|---|---|---|---|"]
    for w in workloads_of(rows):
        ok = [r for r in ok_rows(rows) if r["workload"] == w]
        front = [r for r in ok if r.get("pareto") == "true"]
        if not front:
            lines.append(f"| {w} | {len(ok)} | 0 | - | - | - |")
            continue
        best = [min(front, key=lambda r: number(r[c])) for c in ("time_ns", "energy_pj_total",
                                                                  "area_mm2")]
        cells = [f"{label(r, axes)} ({number(r['time_ns']) / 1e6:.3g} ms, "
                 f"{number(r['energy_pj_total']) / 1e6:.3g} uJ, {number(r['area_mm2']):.3g} mm2)"
                 for r in best]
        lines.append(f"| {w} | {len(ok)} | {len(front)} | " + " | ".join(cells) + " |")
    return lines


def pairs(rows, axes, axis, a, b):
    """(row with axis=a, row with axis=b) for every pair of finished rows that differ only in
    `axis` (same workload, same other axis values)."""
    others = [x for x in axes if x != axis]
    by_key = {}
    for r in ok_rows(rows):
        if r[axis] in (a, b):
            by_key.setdefault((r["workload"],) + tuple(r[x] for x in others), {})[r[axis]] = r
    return [(v[a], v[b]) for v in by_key.values() if a in v and b in v]


def ratio(p, q, col):
    return number(p[col]) / number(q[col])


def compare_table(rows, axes, axis, a, b, by):
    """Per workload (and value of `by`): how rows with axis=b compare with their axis=a twins."""
    title = f"{axis}={b} vs {axis}={a}"
    lines = [f"| workload | {by} | pairs | {b} faster (>1%) | latency {a} / {b}: median (max) | "
             f"energy {a} / {b}: median | area {b} / {a} | speed-up per area |",
             "|---|---|---|---|---|---|---|---|"]
    ps = pairs(rows, axes, axis, a, b)
    for w in workloads_of(rows):
        groups = sorted({p[by] for p, _ in ps if p["workload"] == w}, key=lambda v: number(v) or 0)
        for g in groups:
            sel = [(p, q) for p, q in ps if p["workload"] == w and p[by] == g]
            lat = [ratio(p, q, "time_ns") for p, q in sel]
            en = [ratio(p, q, "energy_pj_total") for p, q in sel]
            area = [ratio(q, p, "area_mm2") for p, q in sel]
            faster = sum(1 for x in lat if x > 1.01)
            per_area = statistics.median(lat) / statistics.median(area)
            lines.append(f"| {w} | {g} | {len(sel)} | {faster} | {statistics.median(lat):.3g} "
                         f"({max(lat):.3g}) | {statistics.median(en):.3g} | "
                         f"{statistics.median(area):.3g} | {per_area:.3g} |")
    return [f"### {title}", ""] + lines


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("results_csv", help="results.csv written by adasim sweep")
    ap.add_argument("--compare", action="append", default=[], metavar="AXIS:A:B",
                    help="compare rows with AXIS=B against their AXIS=A twins (repeatable)")
    ap.add_argument("--by", default=None,
                    help="axis whose values split each comparison (default: the first axis)")
    args = ap.parse_args(argv)
    try:
        axes, rows = read_results(args.results_csv)
    except (OSError, ValueError) as e:
        print(f"sweep_summary.py: {e}", file=sys.stderr)
        return 2
    by = args.by or (axes[0] if axes else None)
    if by not in axes:
        print(f"sweep_summary.py: --by '{by}' is not an axis column (axes: {', '.join(axes)})",
              file=sys.stderr)
        return 2
    out = ["### Pareto-optimal points (the sweep's objectives)", ""] + pareto_table(rows, axes)
    for spec in args.compare:
        parts = spec.split(":")
        if len(parts) != 3 or parts[0] not in axes:
            print(f"sweep_summary.py: --compare '{spec}': expected AXIS:A:B with AXIS one of "
                  f"{', '.join(axes)}", file=sys.stderr)
            return 2
        if not pairs(rows, axes, *parts):
            print(f"sweep_summary.py: --compare '{spec}': no pair of finished rows differs only "
                  f"in {parts[0]} ({parts[1]} vs {parts[2]})", file=sys.stderr)
            return 2
        out += [""] + compare_table(rows, axes, *parts, by)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
