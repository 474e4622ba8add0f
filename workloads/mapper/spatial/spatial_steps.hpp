// SPDX-License-Identifier: Apache-2.0
// Per-pass figures of the register-file steps of a spatial mapping (spatial_steps.cpp): what the
// bypassed operands move step by step and the NoC stall that costs, exactly as the engine pays it.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "arch/spec.hpp"
#include "workloads/mapper/spatial/loop_nest.hpp"
#include "workloads/mapper/spatial/noc_clock.hpp"

namespace adasim::workloads::spatial {

/// Per PE (row-major over the array): its offset in every dim and its column.
std::vector<std::pair<std::array<int64_t, kNumDims>, int64_t>> pe_offsets(const Mapping& m);

class StepCounter {
 public:
  using Idx = std::array<int64_t, kNumDims>;
  /// `bits`: widths of an ifmap, weight and psum value; `clock`: the NoC's cycles in core
  /// cycles (a memory domain).
  StepCounter(const Problem& p, const Mapping& m, const arch::NocSpec& noc, const int bits[3],
              arch::NocClock clock);

  struct PassSteps {
    double stall = 0;                    ///< NoC cycles beyond one per step
    std::array<double, 2> gbuf_reads{};  ///< bypassed inputs: distinct values read
    std::array<double, 2> deliveries{};  ///< bypassed inputs: values delivered to PEs
    double psum_writes = 0;              ///< bypassed psums: buffer writes (distinct outputs)
    double macs = 0;                     ///< bypassed psums: valid MACs (psums sent)
    double link_hops = 0;                ///< bypassed psums: hops over the links
  };
  /// The figures of the pass whose temporal coordinates are `base`.
  const PassSteps& at(const Idx& base);
  /// The class of a pass: its coordinate in the dims where some tile crosses the layer's edge
  /// (the ifmap window's rows or columns, for P and R or Q and S), -1 elsewhere. Passes of one
  /// class have the same figures. Each entry reads only its own dims (P and R, Q and S together).
  Idx key_of(const Idx& base) const;

 private:
  struct Step {
    Idx rf{};
    std::array<bool, 3> changes{};
  };

  const Problem& p_;
  const arch::NocSpec& noc_;
  arch::NocClock clock_;
  std::array<bool, 3> keep_{};
  std::array<int, 3> bits_{};
  bool links_ = false;
  Idx arr_span_{};
  std::vector<std::pair<Idx, int64_t>> pe_;  // offsets and column of every PE
  std::vector<Step> steps_;
  std::array<std::array<std::vector<uint64_t>, kAxes>, 3> stamp_;
  uint64_t event_ = 0;
  std::map<Idx, PassSteps> cache_;
};

}  // namespace adasim::workloads::spatial
