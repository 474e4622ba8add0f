// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/spatial/spatial_dataflow.hpp"

#include <algorithm>

#include "workloads/mapper/tiling_util.hpp"

namespace adasim::workloads::spatial {

// The implementations (one file each, spatial/dataflows/).
void register_rs(SpatialDataflowRegistry& r);
void register_ws(SpatialDataflowRegistry& r);
void register_os_a(SpatialDataflowRegistry& r);
void register_os_b(SpatialDataflowRegistry& r);
void register_os_c(SpatialDataflowRegistry& r);
void register_nlr(SpatialDataflowRegistry& r);

namespace {

using Idx = std::array<int64_t, kNumDims>;
using tiling::ceil_div;

// Keeps at most k values, spread over the range, both ends included.
std::vector<int64_t> thin(const std::vector<int64_t>& v, size_t k) {
  if (v.size() <= k) return v;
  std::vector<int64_t> out;
  for (size_t i = 0; i < k; ++i) out.push_back(v[i * (v.size() - 1) / (k - 1)]);
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

std::vector<int64_t> LoopChoices::free(int64_t n, int64_t cap, size_t k) const {
  cap = std::min(cap, n);
  std::vector<int64_t> out;
  if (cap < 1) return out;
  if (exhaustive()) {
    for (int64_t f = 1; f <= cap; ++f) out.push_back(f);
    return out;
  }
  for (int64_t t = 1;;) {  // distinct ceil(n / t), descending, in O(sqrt n) steps
    const int64_t f = ceil_div(n, t);
    if (f <= cap) out.push_back(f);
    if (f == 1) break;
    t = ceil_div(n, f - 1);
  }
  std::reverse(out.begin(), out.end());
  return thin(out, k);
}

bool LoopChoices::core_admitted(const Mapping& core) const {
  std::array<Idx, 2> prod;
  for (auto& lv : prod) lv.fill(1);
  for (const Loop& l : core.loops) prod[l.level == Level::kRf ? 1 : 0][size_t(l.dim)] *= l.bound;
  for (int d = 0; d < kNumDims; ++d)
    if ((c_.factor[kAtArray][size_t(d)] && prod[0][size_t(d)] != c_.factor[kAtArray][size_t(d)]) ||
        (c_.factor[kAtRf][size_t(d)] && prod[1][size_t(d)] != c_.factor[kAtRf][size_t(d)]))
      return false;
  return true;
}

std::vector<int64_t> LoopChoices::at(int L, int d, int64_t n, int64_t cap, size_t k) const {
  const int64_t v = c_.factor[size_t(L)][size_t(d)];
  if (v) return v <= std::min(n, cap) ? std::vector<int64_t>{v} : std::vector<int64_t>{};
  return free(n, cap, k);
}

int64_t tiles_bytes(const Problem& p, const Idx& span, const LayerWidths& w, bool kept_only,
                    const std::array<bool, 3>& keep) {
  const int bytes[3] = {w.in_bytes, w.w_bytes, w.psum_bytes};
  int64_t total = 0;
  for (int o = 0; o < 3; ++o)
    if (!kept_only || keep[size_t(o)]) total += tile_elems(o, p, span) * bytes[o];
  return total;
}

int64_t rf_capacity(const arch::PeArraySpec& pe, const LayerWidths& w, int o) {
  const int bits[3] = {w.in_bits, w.w_bits, w.psum_bits};
  if (pe.spads) return (*pe.spads)[size_t(o)].capacity_values(bits[o]);
  const int bytes[3] = {w.in_bytes, w.w_bytes, w.psum_bytes};
  return pe.rf_bytes / bytes[o];
}

bool rf_fits(const Problem& p, const arch::PeArraySpec& pe, const LayerWidths& w,
             const Idx& rf_span, const std::array<bool, 3>& keep) {
  if (!pe.spads) return tiles_bytes(p, rf_span, w, true, keep) <= pe.rf_bytes;
  for (int o = 0; o < 3; ++o)
    if (keep[size_t(o)] && tile_elems(o, p, rf_span) > rf_capacity(pe, w, o)) return false;
  return true;
}

CoreSet::CoreSet(const Problem& p, const ISpatialDataflow& df, const arch::AcceleratorSpec& spec,
                 const LayerWidths& w, const LoopChoices& ch)
    : p_(p), df_(df), w_(w), ch_(ch), pe_(spec.pe_array) {}

void CoreSet::add(const std::vector<Loop>& spatial, const std::vector<Loop>& rf,
                  std::array<bool, 3> keep) {
  Core c;
  c.m.dataflow = df_.id();
  c.m.rf_keep = keep;
  c.gbuf_order = &df_.gbuf_order();
  for (const Loop& l : spatial)
    if (l.bound > 1) c.m.loops.push_back(l);
  for (const Loop& l : rf)
    if (l.bound > 1) c.m.loops.push_back(l);
  if (!ch_.core_admitted(c.m)) return;
  const Idx span = c.m.spans_from(0);
  if (!rf_fits(p_, pe_, w_, c.m.spans_from(c.m.first_at(Level::kRf)), keep)) return;
  for (int d = 0; d < kNumDims; ++d)
    c.rem[size_t(d)] = ceil_div(p_.bound[size_t(d)], span[size_t(d)]);
  c.span = span;
  cores_.push_back(std::move(c));
}

const std::vector<int>& ISpatialDataflow::gbuf_order() const {
  // Output-stationary and no-reuse dataflows: outputs innermost-stationary at the buffer.
  static const std::vector<int> kOrder = {kG, kN, kM, kP, kQ, kC, kR, kS};
  return kOrder;
}

SpatialDataflowFactory generated(const std::string& id, GeneratedDataflow::Generator gen,
                                 std::vector<int> gbuf_order) {
  return [id, gen, gbuf_order] { return std::make_unique<GeneratedDataflow>(id, gen, gbuf_order); };
}

void register_spatial_dataflows(SpatialDataflowRegistry& r) {
  register_rs(r);
  register_ws(r);
  register_os_a(r);
  register_os_b(r);
  register_os_c(r);
  register_nlr(r);
}

const SpatialDataflowRegistry& spatial_dataflows() {
  static const SpatialDataflowRegistry registry = [] {
    SpatialDataflowRegistry r("spatial_dataflow",
                              "which loops a spatial array unrolls over its PEs and which operand "
                              "its register files keep",
                              "pe_array.dataflows / pe_array.dataflow, pe_array.kind \"spatial\"");
    register_spatial_dataflows(r);
    return r;
  }();
  return registry;
}

std::unique_ptr<ISpatialDataflow> make_spatial_dataflow(const std::string& df) {
  const SpatialDataflowRegistry::Entry* e = spatial_dataflows().find(df);
  if (!e) throw sim::ModelError("mapper: no spatial dataflow named " + df);
  return e->make();
}

}  // namespace adasim::workloads::spatial
