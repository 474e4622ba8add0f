// SPDX-License-Identifier: Apache-2.0
// Random conv layers and random spatial nests over them, for tests that compare per-pass or
// per-iteration figures against a reference (the per-pass walk, the engine): padding, stride,
// dilation, groups, batch; ragged factors, loops of bound 1, any operands kept or bypassed.
#pragma once

#include <algorithm>
#include <array>
#include <optional>
#include <random>
#include <vector>

#include "workloads/ir/graph.hpp"
#include "workloads/mapper/spatial/loop_nest.hpp"

namespace adasim::test {

inline int64_t pick(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

// A random conv layer: batch, groups, padding (asymmetric), stride and dilation.
inline workloads::ConvShape random_shape(std::mt19937_64& rng) {
  for (;;) {
    workloads::ConvShape s;
    s.n = pick(rng, 1, 2);
    s.groups = pick(rng, 1, 3);
    s.c = s.groups * pick(rng, 1, 8);
    s.k = s.groups * pick(rng, 1, 5);
    s.h = pick(rng, 1, 20);
    s.w = pick(rng, 1, 20);
    s.r = pick(rng, 1, 3);
    s.s = pick(rng, 1, 3);
    s.stride_h = int(pick(rng, 1, 3));
    s.stride_w = int(pick(rng, 1, 2));
    s.dil_h = int(pick(rng, 1, 2));
    s.dil_w = int(pick(rng, 1, 2));
    s.pad_t = int(pick(rng, 0, 2));
    s.pad_b = int(pick(rng, 0, 2));
    s.pad_l = int(pick(rng, 0, 2));
    s.pad_r = int(pick(rng, 0, 1));
    const int64_t eh = s.h + s.pad_t + s.pad_b - s.dil_h * (s.r - 1) - 1;
    const int64_t ew = s.w + s.pad_l + s.pad_r - s.dil_w * (s.s - 1) - 1;
    if (eh < 0 || ew < 0) continue;
    s.p = eh / s.stride_h + 1;
    s.q = ew / s.stride_w + 1;
    return s;
  }
}

// A random nest over p: per dim, factors at the register file, the array's rows and columns,
// the buffer and DRAM (sometimes two DRAM loops) whose product covers the bound, often without
// dividing it; now and then a loop of bound 1. Loops shuffled within each level. nullopt when
// the array or the pass count gets too big for the per-pass walk.
inline std::optional<workloads::spatial::Mapping> random_mapping(
    std::mt19937_64& rng, const workloads::spatial::Problem& p) {
  namespace ws = workloads::spatial;
  using arch::spatial::Level;
  std::array<std::vector<ws::Loop>, 5> at;  // by level
  for (int d = 0; d < ws::kNumDims; ++d) {
    const int64_t b = p.bound[size_t(d)];
    auto take = [&](Level l, int64_t f) {
      if (f > 1 || pick(rng, 0, 9) == 0) at[size_t(l)].push_back({d, f, l});
    };
    int64_t left = b;
    for (Level l : {Level::kRf, Level::kArrayX, Level::kArrayY, Level::kGbuf}) {
      const int64_t f = pick(rng, 0, 2) == 0 ? 1 : pick(rng, 1, std::min<int64_t>(left, 3));
      take(l, f);
      left = (left + f - 1) / f;
    }
    if (left > 2 && pick(rng, 0, 2) == 0) {
      const int64_t f = pick(rng, 2, left);
      take(Level::kDram, f);
      left = (left + f - 1) / f;
    }
    take(Level::kDram, left);
  }
  ws::Mapping m;
  for (auto& v : at) {
    std::shuffle(v.begin(), v.end(), rng);
    m.loops.insert(m.loops.end(), v.begin(), v.end());
  }
  const size_t y0 = m.first_at(Level::kArrayY);
  if (m.rows() > 8 || m.cols() > 8 || m.product(0, y0) > 4000) return std::nullopt;
  static const char* kDataflows[] = {"rs", "ws", "os_a", "os_b", "os_c", "nlr"};
  m.dataflow = kDataflows[pick(rng, 0, 5)];
  for (bool& k : m.rf_keep) k = pick(rng, 0, 1) == 1;
  return m;
}

}  // namespace adasim::test
