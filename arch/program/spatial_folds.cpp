// SPDX-License-Identifier: Apache-2.0
#include "arch/program/spatial_folds.hpp"

namespace adasim::arch::spatial {

std::vector<std::array<int64_t, kNumDims>> dram_origins(const Mapping& m) {
  const size_t gb0 = m.first_at(Level::kGbuf);
  const std::vector<int64_t> inner = m.inner_strides();
  std::vector<int64_t> it(gb0, 0);
  const int64_t iters = m.product(0, gb0);
  std::vector<std::array<int64_t, kNumDims>> out;
  out.reserve(size_t(iters));
  for (int64_t k = 0; k < iters; ++k) {
    std::array<int64_t, kNumDims> lo{};
    for (size_t l = 0; l < gb0; ++l) lo[size_t(m.loops[l].dim)] += it[l] * inner[l];
    out.push_back(lo);
    for (size_t l = gb0; l-- > 0;) {
      if (++it[l] < m.loops[l].bound) break;
      it[l] = 0;
    }
  }
  return out;
}

std::vector<SpatialFold> spatial_folds(const Problem& p, const Mapping& m) {
  const std::array<int64_t, kNumDims> span = m.spans_from(m.first_at(Level::kGbuf));
  const std::vector<std::array<int64_t, kNumDims>> origin = dram_origins(m);
  std::vector<SpatialFold> folds;
  for (int64_t k = 0; k < int64_t(origin.size()); ++k) {
    const Box b = operand_box(2, p, origin[size_t(k)], span);
    if (folds.empty() || !(folds.back().out == b)) {
      SpatialFold f;
      f.first = f.last = k;
      f.out = b;
      folds.push_back(std::move(f));
    } else {
      folds.back().last = k;
    }
  }
  // Scan backwards: an output is final in the last fold that touches it.
  std::vector<uint8_t> later(size_t(p.ofmap_elems), 0);
  for (size_t r = folds.size(); r-- > 0;) {
    SpatialFold& f = folds[r];
    for_each_in(f.out, [&](const std::array<int64_t, kAxes>& x) {
      const int64_t o = tensor_offset(2, p, x);
      if (!later[size_t(o)]) {
        later[size_t(o)] = 1;
        f.final_outputs.push_back(o);
      }
    });
  }
  return folds;
}

}  // namespace adasim::arch::spatial
