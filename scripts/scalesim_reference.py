#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""SCALE-Sim v2's per-layer figures, computed from its conventions (docs/scalesim_conventions.md).

Nothing here imports, runs or copies SCALE-Sim, and nothing calls adasim: every figure is a closed
form (or, for the floating-point columns, the same sum in the same order) of the conventions that
docs/scalesim_conventions.md reads out of SCALE-Sim v2's source (scalesim-project/scale-sim-v2,
commit 22f88b1). The doc also records the cross-check against SCALE-Sim's own reports.

Figures are those SCALE-Sim prints with InterfaceBandwidth = CALC (all its shipped .cfg files):
COMPUTE_REPORT.csv (total cycles, stall cycles, overall utilization, mapping efficiency, compute
utilization), the SRAM columns of BANDWIDTH_REPORT.csv and DETAILED_ACCESS_REPORT.csv, and the
DRAM read/write counts of DETAILED_ACCESS_REPORT.csv. In CALC mode only the DRAM counts depend
on the SRAM sizes; they are replayed request by request in SCALE-Sim's order (a few seconds per
million SRAM reads). The DRAM start/stop cycles and average DRAM bandwidths are not computed.

Usage (python3 only, no third-party module):
  One topology:
    scripts/scalesim_reference.py --topology T.csv [--input-type conv|gemm] --array 32x32 \\
        --dataflow os [--sram-kb 64,64,64] --out figures.csv
  Regenerate the checked-in table (run from the repository root, ../shared beside it):
    scripts/scalesim_reference.py --reference-table tests/data/scalesim/reference_figures.csv \\
        --topology-dir ../shared/reference/scalesim
"""

import argparse
import csv
import os
import sys

# ---------------------------------------------------------------------------------------------
# Topology files, read as SCALE-Sim reads them (topology_utils.py, load_arrays_conv/_gemm)


class TopologyError(Exception):
    pass


def read_topology(path, input_type):
    """Layers as SCALE-Sim builds them: list of dicts with its 9 conv fields.

    SCALE-Sim skips the first line whatever it holds, skips empty lines, splits on ',' and drops
    the last cell (so every data row needs a trailing comma). GEMM rows (name, M, N, K) become the
    conv form ifmap M x K, filter 1 x K, 1 channel, N filters, stride 1. A conv row whose name
    contains "DP" becomes one single-channel layer per channel ("<name>Channel_<i>").
    """
    layers = []
    with open(path, newline="") as f:
        lines = f.read().splitlines()
    for line_no, raw in enumerate(lines[1:], start=2):
        row = raw.strip()
        if row == "":
            continue
        cells = row.split(",")[:-1]

        def field(i, what):
            if i >= len(cells):
                raise TopologyError("%s:%d: no %s (SCALE-Sim drops the cell after the last comma)"
                                    % (path, line_no, what))
            text = cells[i].strip()
            if not text.isdigit() or int(text) < 1:
                raise TopologyError("%s:%d: %s %r is not an integer >= 1" % (path, line_no, what,
                                                                              text))
            return int(text)

        name = cells[0].strip() if cells else ""
        if input_type == "gemm":
            if len(cells) < 4:
                raise TopologyError("%s:%d: a GEMM row needs 'name, M, N, K,'" % (path, line_no))
            m, n, k = field(1, "M"), field(2, "N"), field(3, "K")
            layers.append(make_layer(name, m, k, 1, k, 1, n, 1, 1, "gemm"))
            continue
        vals = [field(i, what) for i, what in
                enumerate(["", "IFMAP Height", "IFMAP Width", "Filter Height", "Filter Width",
                           "Channels", "Num Filter", "Strides"]) if i > 0]
        stride_w = field(8, "Stride width") if len(cells) > 8 else vals[6]
        h, w, r, s, c, k, stride_h = vals
        if r > h or s > w:
            raise TopologyError("%s:%d: filter larger than ifmap (SCALE-Sim asserts)" % (path,
                                                                                      line_no))
        if "DP" in name:
            for ch in range(c):
                layers.append(make_layer(name + "Channel_" + str(ch), h, w, r, s, 1, k, stride_h,
                                         stride_w, "conv"))
        else:
            layers.append(make_layer(name, h, w, r, s, c, k, stride_h, stride_w, "conv"))
    return layers


def make_layer(name, h, w, r, s, c, k, stride_h, stride_w, form):
    # Output size: SCALE-Sim's ceil((H - R + stride) / stride), not floor((H - R) / stride) + 1.
    e_h = -(-(h - r + stride_h) // stride_h)
    e_w = -(-(w - s + stride_w) // stride_w)
    return dict(name=name, form=form, h=h, w=w, r=r, s=s, c=c, k=k, sh=stride_h, sw=stride_w,
                e_h=e_h, e_w=e_w, m=e_h * e_w, n=k, window=r * s * c)


def detect_input_type(path):
    with open(path) as f:
        header = [c.strip().lower() for c in f.readline().split(",")]
    return "gemm" if header[1:4] == ["m", "n", "k"] else "conv"


# ---------------------------------------------------------------------------------------------
# Operand validity (operand_matrix.py, calc_ifmap_elem_addr): an ifmap operand element is the
# address -1 ("no request") when its window reaches past the ifmap, which the ceil output rule
# allows on the last ofmap row/column. SRAM read counts include those elements; the start/stop
# cycles of the SRAM trace do not.


def last_valid_window_index(layer, p):
    """Largest window index j with a real ifmap address for ofmap pixel p, or -1 if none."""
    i_row = (p // layer["e_w"]) * layer["sh"]
    i_col = (p % layer["e_w"]) * layer["sw"]
    max_r = min(layer["r"] - 1, layer["h"] - 1 - i_row)
    max_c = min(layer["s"] - 1, layer["w"] - 1 - i_col)
    if max_r < 0 or max_c < 0:
        return -1
    return (max_r * layer["s"] + max_c) * layer["c"] + layer["c"] - 1


def ifmap_valid(layer, p, j):
    c_row, rest = divmod(j, layer["s"] * layer["c"])
    c_col = rest // layer["c"]
    i_row = (p // layer["e_w"]) * layer["sh"]
    i_col = (p % layer["e_w"]) * layer["sw"]
    return i_row + c_row < layer["h"] and i_col + c_col < layer["w"]


def last_valid_pixel(layer, j, p_hi, p_lo=0):
    """Largest pixel p in [p_lo, p_hi] whose window index j has a real address, or -1."""
    for p in range(p_hi, p_lo - 1, -1):
        if ifmap_valid(layer, p, j):
            return p
    return -1


# ---------------------------------------------------------------------------------------------
# The systolic model (compute/systolic_compute_{os,ws,is}.py)


def spatio_temporal(layer, df):
    """(Sr, Sc, T): rows and columns of the array the operands map to, and the streamed length."""
    m, n, k = layer["m"], layer["n"], layer["window"]
    return {"os": (m, n, k), "ws": (k, n, m), "is": (k, m, n)}[df]


def fold_used(sr, sc, ar, ac, fr, fc):
    return min(ar, sr - fr * ar), min(ac, sc - fc * ac)


def layer_figures(layer, ar, ac, df, sram_kb):
    sr, sc, t = spatio_temporal(layer, df)
    row_folds, col_folds = -(-sr // ar), -(-sc // ac)
    folds = row_folds * col_folds
    per_fold = t + ar + ac - 2 if df == "os" else 2 * ar + ac + t - 2
    lines = folds * per_fold  # demand-matrix lines: one per cycle, folds back to back
    # Compute utilization takes its per-fold cycle count from one operand's demand block:
    # OS the ofmap block (= per_fold); WS/IS the stationary operand's block, one array width more.
    util_cycles = per_fold if df == "os" else per_fold + ac - 1
    map_eff_sum = 0.0
    comp_util_sum = 0.0
    for fc in range(col_folds):  # SCALE-Sim's fold order: column folds outside, row folds inside
        for fr in range(row_folds):
            rows, cols = fold_used(sr, sc, ar, ac, fr, fc)
            map_eff_sum += rows * cols / (ar * ac)
            comp_util_sum += rows * cols * t / (ar * ac * util_cycles)
    m, n, k = layer["m"], layer["n"], layer["window"]
    # CALC mode never stalls: reads always hit (read_buffer_estimate_bw.py) and the ofmap write
    # buffer cannot fill up while a drain runs (proof in the doc), whatever the SRAM sizes.
    stall = 0
    total = lines - 1 + stall  # the cycle the last ofmap line is serviced (0-based)
    if df == "os":
        ifmap_reads, filter_reads = t * sr * col_folds, t * sc * row_folds
        ofmap_writes = sr * sc + folds * (ar + ac)  # SCALE-Sim adds array rows + cols per fold
    elif df == "ws":
        ifmap_reads, filter_reads, ofmap_writes = t * sr * col_folds, sr * sc, t * sc * row_folds
    else:
        ifmap_reads, filter_reads, ofmap_writes = sr * sc, t * sr * col_folds, t * sc * row_folds
    fig = dict(sr=sr, sc=sc, t=t, row_folds=row_folds, col_folds=col_folds,
               cycles_per_fold=per_fold, demand_lines=lines, total_cycles=total, stall_cycles=stall,
               overall_util_pct=(m * n * k * 100) / (total * ar * ac),
               mapping_eff_pct=map_eff_sum / folds * 100,
               compute_util_pct=comp_util_sum / folds * 100,
               sram_ifmap_reads=ifmap_reads, sram_filter_reads=filter_reads,
               sram_ofmap_writes=ofmap_writes,
               avg_ifmap_sram_bw=ifmap_reads / total, avg_filter_sram_bw=filter_reads / total,
               avg_ofmap_sram_bw=ofmap_writes / total)
    fig.update(sram_windows(layer, ar, ac, df, sr, sc, t, row_folds, col_folds, per_fold))
    fig["dram_ifmap_reads"] = dram_reads(read_stream(layer, ar, ac, df, "ifmap"), sram_kb[0])
    fig["dram_filter_reads"] = dram_reads(read_stream(layer, ar, ac, df, "filter"), sram_kb[1])
    fig["dram_ofmap_writes"] = ofmap_dram_writes(ofmap_lines(layer, ar, ac, df), ac, sram_kb[2])
    return fig


def sram_windows(layer, ar, ac, df, sr, sc, t, row_folds, col_folds, per_fold):
    """First/last cycle with a real request in each SRAM trace (reads serviced one cycle late)."""
    folds = row_folds * col_folds
    last = (folds - 1) * per_fold  # first line of the last fold
    rows0, cols0 = fold_used(sr, sc, ar, ac, 0, 0)
    fr, fc = row_folds - 1, col_folds - 1
    rows, cols = fold_used(sr, sc, ar, ac, fr, fc)
    # The ifmap trace may end before the last fold: with the ceil output rule a fold can hold only
    # window elements that fall outside the ifmap (address -1), so search back fold by fold.
    ifmap_stop = None
    for f in range(folds - 1, -1, -1):
        offset = ifmap_last_line_in_fold(layer, ar, ac, df, sr, sc, t, f % row_folds,
                                         f // row_folds)
        if offset is not None:
            ifmap_stop = f * per_fold + offset + 1
            break
    out = {}
    if df == "os":
        out["ifmap"] = (1, ifmap_stop)  # pixel 0, window element 0 on line 0
        out["filter"] = (1, last + t - 1 + cols - 1 + 1)
        out["ofmap"] = (t - 1 + ar - rows0, last + t - 1 + ar - 1 + cols - 1)
    elif df == "ws":
        out["ifmap"] = (ar + 1, ifmap_stop)  # after ar idle lines that load the weights
        out["filter"] = (ar - rows0 + 1, last + ar - 1 + 1)  # loaded bottom row first, no skew
        out["ofmap"] = (2 * ar - 1, last + 2 * ar - 1 + t - 1 + cols - 1)
    else:
        # ifmap is stationary: line r holds window index (ar - 1 - r), no skew; the first real
        # line is the largest window index of fold 0 that some pixel of column fold 0 reaches
        first_r = ar - rows0
        while last_valid_pixel(layer, ar - 1 - first_r, cols0 - 1) < 0:
            first_r += 1
        out["ifmap"] = (first_r + 1, ifmap_stop)
        out["filter"] = (ar + 1, last + ar + t - 1 + rows - 1 + 1)
        out["ofmap"] = (2 * ar - 1, last + 2 * ar - 1 + t - 1 + cols - 1)
    res = {}
    for op, (start, stop) in out.items():
        res["sram_%s_start_cycle" % op] = start
        res["sram_%s_stop_cycle" % op] = stop
    return res


def ifmap_last_line_in_fold(layer, ar, ac, df, sr, sc, t, fr, fc):
    """Offset in its fold of the last demand line with a real ifmap address, or None."""
    rows, cols = fold_used(sr, sc, ar, ac, fr, fc)
    if df == "os":
        # time = window index j, array row c = pixel fr*ar + c, skewed by c
        ends = [c + last_valid_window_index(layer, fr * ar + c) for c in range(rows)
                if last_valid_window_index(layer, fr * ar + c) >= 0]
        return max(ends) if ends else None
    if df == "ws":
        # after ar idle lines: time = pixel, array row c = window index fr*ar + c, skewed by c
        ends = [ar + c + last_valid_pixel(layer, fr * ar + c, t - 1) for c in range(rows)
                if last_valid_pixel(layer, fr * ar + c, t - 1) >= 0]
        return max(ends) if ends else None
    # is: line r holds window index fr*ar + (ar - 1 - r) for the pixels of column fold fc
    for r in range(ar - 1, ar - rows - 1, -1):
        if last_valid_pixel(layer, fr * ar + ar - 1 - r, fc * ac + cols - 1, fc * ac) >= 0:
            return r
    return None


# ---------------------------------------------------------------------------------------------
# DRAM counts in CALC mode (memory/read_buffer_estimate_bw.py, memory/write_buffer.py). They
# depend on the order of the requests, so they are replayed request by request here.


class IfmapAddresses:
    """The ifmap word that window element j of ofmap pixel p reads (channel-last), or -1."""

    def __init__(self, layer):
        w, c = layer["w"], layer["c"]
        pixels = [divmod(p, layer["e_w"]) for p in range(layer["m"])]
        self.p_row = [r * layer["sh"] for r, _ in pixels]
        self.p_col = [q * layer["sw"] for _, q in pixels]
        self.p_base = [(r * w + q) * c for r, q in zip(self.p_row, self.p_col)]
        elems = [divmod(j, layer["s"] * c) for j in range(layer["window"])]
        self.j_row = [r for r, _ in elems]
        self.j_col = [rest // c for _, rest in elems]
        self.j_off = [(r * w + rest // c) * c + rest % c for r, rest in elems]
        self.h, self.w = layer["h"], layer["w"]

    def __call__(self, p, j):
        if self.p_row[p] + self.j_row[j] >= self.h or self.p_col[p] + self.j_col[j] >= self.w:
            return -1
        return self.p_base[p] + self.j_off[j]


def skewed(length, width):
    """(line, column) of a length x width block streamed with one line of skew per column."""
    for line in range(length + width - 1):
        for c in range(max(0, line - length + 1), min(width, line + 1)):
            yield line - c, c


def read_stream(layer, ar, ac, df, operand):
    """Addresses one read buffer sees, in SCALE-Sim's order (folds, lines, columns)."""
    sr, sc, t = spatio_temporal(layer, df)
    addr_in = IfmapAddresses(layer)
    window = layer["window"]
    for fc in range(-(-sc // ac)):
        for fr in range(-(-sr // ar)):
            rows, cols = fold_used(sr, sc, ar, ac, fr, fc)
            r0, c0 = fr * ar, fc * ac
            if (df, operand) == ("os", "ifmap"):
                yield [addr_in(r0 + c, tt) for tt, c in skewed(t, rows)]
            elif (df, operand) == ("os", "filter"):
                yield [(c0 + c) * window + tt for tt, c in skewed(t, cols)]
            elif (df, operand) == ("ws", "ifmap"):
                yield [addr_in(tt, r0 + c) for tt, c in skewed(t, rows)]
            elif (df, operand) == ("is", "filter"):
                yield [tt * window + r0 + c for tt, c in skewed(t, rows)]
            else:  # the stationary operand: bottom row first, no skew
                js = [r0 + ar - 1 - q for q in range(ar - rows, ar)]
                if operand == "filter":
                    yield [(c0 + c) * window + j for j in js for c in range(cols)]
                else:
                    yield [addr_in(c0 + c, j) for j in js for c in range(cols)]


def dram_reads(stream, sram_kb):
    """Words fetched: the buffer remembers the addresses fetched since its last restart, and
    restarts empty after 50 sets of floor(words / 100) addresses (half the SRAM)."""
    epoch = 50 * ((sram_kb * 1024) // 100)
    seen, fetched = set(), 0
    for block in stream:
        for a in block:
            if a == -1 or a in seen:
                continue
            seen.add(a)
            fetched += 1
            if len(seen) == epoch:
                seen.clear()
    return fetched


def ofmap_lines(layer, ar, ac, df):
    """(cycle, outputs written) for every demand line that writes outputs."""
    sr, sc, t = spatio_temporal(layer, df)
    row_folds, col_folds = -(-sr // ar), -(-sc // ac)
    per_fold = t + ar + ac - 2 if df == "os" else 2 * ar + ac + t - 2
    for f in range(row_folds * col_folds):
        rows, cols = fold_used(sr, sc, ar, ac, f % row_folds, f // row_folds)
        # OS: rows x cols results after t - 1 idle lines (the unused rows first); WS/IS: t lines
        # of cols results after 2 * ar - 1 idle lines; skewed by one line per column.
        height, first = (rows, t - 1 + ar - rows) if df == "os" else (t, 2 * ar - 1)
        for d in range(height + cols - 1):
            yield f * per_fold + first + d, min(d, height - 1, cols - 1, height + cols - 2 - d) + 1


def ofmap_dram_writes(lines, ac, sram_kb):
    """Words the write buffer drains: it drains ceil(half / ac) lines of ac words each time more
    than half the SRAM holds outputs (flushing the partial line first), and counts a drain's
    words as its lines times ac less the padding of its last line only."""
    total = sram_kb * 1024
    active = -(-total // 2)
    drain_lines = -(-(total - active) // ac)
    free, fill, pending, drain_end, written = total, 0, [], 0, 0
    head = 0  # first undrained entry of pending (line word counts)

    def drain(cycle):
        nonlocal fill, head, free, written, drain_end
        if fill:
            pending.append(fill)
            fill = 0
        taken = pending[head:head + drain_lines]
        head += len(taken)
        words = len(taken) * ac - (ac - taken[-1])
        written += words
        free += words
        drain_end = cycle + len(taken) - 1

    for cycle, n in lines:
        while n > 0:
            k = n if cycle < drain_end else min(n, max(1, free - active + 1))
            if cycle < drain_end and free - k < 0:
                raise ValueError("the ofmap write buffer would stall: outside this script")
            free -= k
            n -= k
            fill += k
            pending.extend([ac] * (fill // ac))
            fill %= ac
            if cycle >= drain_end and free < active:
                drain(cycle)
    if fill:
        pending.append(fill)
        fill = 0
    while head < len(pending):
        drain(0)
    return written


# ---------------------------------------------------------------------------------------------
# Output

LAYER_COLUMNS = ["topology", "input_type", "layer_id", "layer_name", "array_rows", "array_cols",
                 "dataflow", "ifmap_h", "ifmap_w", "filter_h", "filter_w", "channels",
                 "num_filters", "stride_h", "stride_w", "ofmap_h", "ofmap_w", "gemm_m",
                 "gemm_n", "gemm_k"]
FIGURE_COLUMNS = ["sr", "sc", "t", "row_folds", "col_folds", "cycles_per_fold", "demand_lines",
                  "total_cycles",
                  "stall_cycles", "overall_util_pct", "mapping_eff_pct", "compute_util_pct",
                  "sram_ifmap_reads", "sram_filter_reads", "sram_ofmap_writes",
                  "avg_ifmap_sram_bw", "avg_filter_sram_bw", "avg_ofmap_sram_bw",
                  "sram_ifmap_start_cycle", "sram_ifmap_stop_cycle", "sram_filter_start_cycle",
                  "sram_filter_stop_cycle", "sram_ofmap_start_cycle", "sram_ofmap_stop_cycle",
                  "dram_ifmap_reads", "dram_filter_reads", "dram_ofmap_writes"]


def rows_for(topology_path, input_type, ar, ac, df, sram_kb, layer_filter=None):
    layers = read_topology(topology_path, input_type)
    topo = os.path.splitext(os.path.basename(topology_path))[0]
    out = []
    for lid, layer in enumerate(layers):
        if layer_filter is not None and not layer_filter(lid, layer):
            continue
        fig = layer_figures(layer, ar, ac, df, sram_kb)
        row = [topo, input_type, lid, layer["name"], ar, ac, df, layer["h"], layer["w"],
               layer["r"], layer["s"], layer["c"], layer["k"], layer["sh"], layer["sw"],
               layer["e_h"], layer["e_w"], layer["m"], layer["n"], layer["window"]]
        out.append(row + [fig[c] for c in FIGURE_COLUMNS])
    return out


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(LAYER_COLUMNS + FIGURE_COLUMNS)
        for r in rows:
            w.writerow([repr(x) if isinstance(x, float) else x for x in r])


# The checked-in table: layers of the shipped topologies that SCALE-Sim runs (Resnet50.csv as
# shipped makes it crash), chosen to cover the output-size rule (strides that do not divide:
# Conv3_s, Conv5_s, Conv24, resnet50_CB4a_1), 1x1, FC and one-filter layers, a GEMM written as a
# conv, GEMM topologies, and the README's AlexNet; every row was checked against SCALE-Sim's own
# reports (docs/scalesim_conventions.md). Each entry: file, input type, layer names (None = all),
# arrays (rows, cols). All three dataflows each.
REFERENCE_SRAM_KB = (64, 64, 64)  # scale.cfg's ifmap, filter, ofmap sizes (they matter for DRAM)
ALL_ARRAYS = [(8, 8), (32, 32), (128, 128), (256, 256), (16, 64), (128, 32)]
REFERENCE_CASES = [
    ("alexnet.csv", "conv", ["Conv1", "Conv3"], [(32, 32)]),
    ("mixed_subset.csv", "conv", ["resnet50_CB2a_1", "resnet50_CB4a_1", "resnet18_FC",
                                  "transformer_SD_MatMul_QK_00_asConv"], ALL_ARRAYS),
    ("Resnet18.csv", "conv", ["Conv3_s", "Conv5_s"], ALL_ARRAYS),
    ("mobilenet.csv", "conv", ["Conv24"], ALL_ARRAYS),
    ("yolo_tiny.csv", "conv", ["Conv9"], ALL_ARRAYS),
    ("transformer_partial.csv", "gemm", ["SD_MatMul_QK_00", "MH_FC_DimRecast_0"], ALL_ARRAYS),
]


def reference_table(topology_dir):
    rows = []
    for fname, input_type, names, arrays in REFERENCE_CASES:
        path = os.path.join(topology_dir, fname)
        keep = None if names is None else (lambda _lid, layer, names=names: layer["name"] in names)
        for ar, ac in arrays:
            for df in ("os", "ws", "is"):
                rows += rows_for(path, input_type, ar, ac, df, REFERENCE_SRAM_KB, keep)
    return rows


# ---------------------------------------------------------------------------------------------
# Cross-check against SCALE-Sim's own reports (a run directory holding COMPUTE_REPORT.csv,
# BANDWIDTH_REPORT.csv and DETAILED_ACCESS_REPORT.csv). Only reads its outputs.

REPORT_LAYOUT = [  # each report's columns after LayerID, as far as this script computes them
    ("COMPUTE_REPORT.csv", ["total_cycles", "stall_cycles", "overall_util_pct",
                            "mapping_eff_pct", "compute_util_pct"]),
    ("BANDWIDTH_REPORT.csv", ["avg_ifmap_sram_bw", "avg_filter_sram_bw", "avg_ofmap_sram_bw"]),
    ("DETAILED_ACCESS_REPORT.csv", [
        "sram_%s_%s" % (op, what) for op, count in
        [("ifmap", "reads"), ("filter", "reads"), ("ofmap", "writes")]
        for what in ["start_cycle", "stop_cycle", count]] + [
        None, None, "dram_ifmap_reads", None, None, "dram_filter_reads",
        None, None, "dram_ofmap_writes"]),  # DRAM start/stop cycles: not computed
]
REPORT_COLUMNS = {col: (name, idx) for name, cols in REPORT_LAYOUT
                  for idx, col in enumerate(cols) if col is not None}


def read_report(run_dir, name):
    with open(os.path.join(run_dir, name)) as f:
        lines = f.read().splitlines()[1:]
    return [[c.strip() for c in line.split(",")[1:-1]] for line in lines if line.strip()]


def compare_with_reports(rows, run_dir):
    """Mismatches between our rows and SCALE-Sim's printed figures, as text lines."""
    reports = {}
    for name in set(r for r, _ in REPORT_COLUMNS.values()):
        reports[name] = read_report(run_dir, name)
    header = LAYER_COLUMNS + FIGURE_COLUMNS
    bad = []
    if len(reports["COMPUTE_REPORT.csv"]) != len(rows):
        return ["%s: %d layers reported, %d computed" % (run_dir,
                                                        len(reports["COMPUTE_REPORT.csv"]),
                                                        len(rows))]
    for lid, row in enumerate(rows):
        for col, (name, idx) in REPORT_COLUMNS.items():
            ours = row[header.index(col)]
            theirs = reports[name][lid][idx]
            # Floats must print the same digits (SCALE-Sim writes str(float)); counts and cycles
            # are printed as ints or as floats with ".0".
            same = (repr(ours) == theirs) if isinstance(ours, float) else (float(theirs) == ours)
            if not same:
                bad.append("%s layer %d %s: ours %r, SCALE-Sim %s" % (run_dir, lid, col, ours,
                                                                     theirs))
    return bad


def parse_sizes(text, count, sep, what):
    parts = text.lower().split(sep)
    if len(parts) != count or not all(x.strip().isdigit() and int(x) >= 1 for x in parts):
        raise ValueError("%s %r: expected %d integers >= 1 separated by %r" % (what, text, count,
                                                                              sep))
    return [int(x) for x in parts]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--topology", help="SCALE-Sim topology CSV (conv or GEMM form)")
    ap.add_argument("--input-type", choices=["conv", "gemm"],
                    help="SCALE-Sim's -i flag; default: gemm when the header is 'Layer, M, N, K'")
    ap.add_argument("--array", default="32x32", help="ROWSxCOLS (ArrayHeight x ArrayWidth)")
    ap.add_argument("--dataflow", default="os", choices=["os", "ws", "is"])
    ap.add_argument("--sram-kb", default="64,64,64",
                    help="IfmapSramSzkB,FilterSramSzkB,OfmapSramSzkB (DRAM columns only)")
    ap.add_argument("--out", help="output CSV (default: stdout)")
    ap.add_argument("--reference-table", metavar="OUT",
                    help="write the checked-in reference table to OUT")
    ap.add_argument("--topology-dir", default="../shared/reference/scalesim")
    ap.add_argument("--compare-run", metavar="DIR",
                    help="compare with the reports of a SCALE-Sim run of the same topology, "
                         "array and dataflow; prints mismatches, exit 1 if any")
    args = ap.parse_args(argv)
    try:
        if args.reference_table:
            write_csv(args.reference_table, reference_table(args.topology_dir))
            return 0
        if not args.topology:
            ap.error("--topology or --reference-table is required")
        ar, ac = parse_sizes(args.array, 2, "x", "--array")
        sram_kb = parse_sizes(args.sram_kb, 3, ",", "--sram-kb")
        input_type = args.input_type or detect_input_type(args.topology)
        rows = rows_for(args.topology, input_type, ar, ac, args.dataflow, sram_kb)
        if args.compare_run:
            bad = compare_with_reports(rows, args.compare_run)
            print("\n".join(bad) if bad else "%s: %d layers x %d figures equal" % (
                args.compare_run, len(rows), len(REPORT_COLUMNS)))
            return 1 if bad else 0
        write_csv(args.out or "/dev/stdout", rows)
    except (TopologyError, ValueError, OSError) as e:
        print("scalesim_reference: " + str(e), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
