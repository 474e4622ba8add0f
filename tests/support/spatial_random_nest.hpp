// SPDX-License-Identifier: Apache-2.0
// Random conv layers and random spatial nests over them, for tests that compare per-pass or
// per-iteration figures against a reference (the per-pass walk, the engine): padding, stride,
// dilation, groups, batch; ragged factors, loops of bound 1, any operands kept or bypassed. And
// the random layers and the 4x4 spatial array the search maps them on, shared by the estimate
// tests (tests/unit/mapper/spatial_estimate_exact_test.cpp, spatial_timeline_test.cpp,
// tests/systemc/spatial_estimate_engine_test.cpp), and the spec of the hand-worked DRAM waits.
#pragma once

#include <algorithm>
#include <array>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "arch/energy/energy_table.hpp"
#include "arch/spec.hpp"
#include "eyeriss_parts.hpp"
#include "sim/app/simulation.hpp"
#include "sim/core/errors.hpp"
#include "test_support.hpp"
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

/// Sizes of random_spatial_layers' layers (RandomLayerLimits' fields of the same names, given
/// in this order: `{/*fc*/ 2, 30, 20, /*groups, c, k*/ 4, 6, 8}`); the defaults are small enough
/// for the 4x4 array of spatial_array_spec() and a buffer of a few KiB.
struct SpatialLayerLimits {
  int fc_n = 3, fc_c = 40, fc_k = 30;
  int groups = 4, c = 8, k = 12;
  bool dilation = false;  ///< dilated convs among the kinds
};

/// `n` random convs and FCs (no matmuls: spatial arrays map convs and FCs only; padding,
/// stride, groups, batch; dilation when lim.dilation) within `lim`; by default six small ones.
inline workloads::Graph random_spatial_layers(std::mt19937_64& rng, int n = 6,
                                              const SpatialLayerLimits& lim = {}) {
  RandomLayerLimits r;
  r.matmul = false;
  r.dilation = lim.dilation;
  r.fc_n = lim.fc_n;
  r.fc_c = lim.fc_c;
  r.fc_k = lim.fc_k;
  r.groups = lim.groups;
  r.c = lim.c;
  r.k = lim.k;
  return random_array_layers(rng, n, r);
}

/// A 4x4 spatial array running `df` with 128-byte register files and a global buffer of
/// `gbuf_bytes`, on stall-free memory (ideal DRAM and buffer); with the Eyeriss chip's parts
/// (per-operand buses, psum links, split buffer) when `chip`.
inline arch::AcceleratorSpec stall_free_spatial_spec(const std::string& df, int64_t gbuf_bytes,
                                                     bool chip) {
  arch::AcceleratorSpec spec = spatial_spec(4, 4, df, 128, gbuf_bytes);
  spec.dram.ideal = true;
  spec.sram[0].ideal = true;
  if (chip) eyeriss_parts(spec);
  return spec;
}

/// Maps `g` on `spec` (sim::map_graph) into `schedules`; false, with none, when a layer does not
/// fit the spec (the mapper's sim::ConfigError: a random buffer can be too small).
inline bool map_if_fits(const arch::AcceleratorSpec& spec, const workloads::Graph& g,
                        std::vector<workloads::LayerSchedule>& schedules) {
  try {
    schedules = sim::map_graph(g, spec, arch::EnergyTable(spec.energy));
  } catch (const sim::ConfigError&) {
    schedules.clear();
    return false;
  }
  return true;
}

/// The spec of the layers whose DRAM waits are worked out by hand (SpatialTimeline.HandWorked*,
/// SpatialEstimateVsEngineDram.HandWorkedLayers): a 1x2 WS array, DRAM at 1 GB/s (1 byte per ns)
/// with a 10 ns latency, 64-byte bursts, a 1 GHz clock, one 64-bit bus for every operand, no
/// psum links.
inline arch::AcceleratorSpec hand_dram_spec() {
  arch::AcceleratorSpec spec = spatial_spec(1, 2, "ws", 128, 4096);
  spec.clock.nominal.freq_mhz = 1000;
  spec.clock.operating_points = {spec.clock.nominal};
  spec.dram.ideal = false;
  spec.dram.bandwidth_gb_per_s = 1;
  spec.dram.latency_ns = 10;
  spec.dram.burst_bytes = 64;
  spec.noc.link_width_bits = 64;
  spec.noc.bus_bits = {0, 0, 0};
  spec.noc.psum_link_bits = 0;
  return spec;
}

}  // namespace adasim::test
